//go:build !accessibility

package ui

// publishMirror: no screen reader reads this build (-tags accessibility
// makes one that does; a11y_mirror.go).
var publishMirror = false
