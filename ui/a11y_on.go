//go:build accessibility

package ui

// publishMirror: this build publishes the window to screen readers, so the
// window keeps its mirror (a11y_mirror.go).
var publishMirror = true
