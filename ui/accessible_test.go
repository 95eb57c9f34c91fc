//go:build !screenshots

package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// checkAccessible returns what a screen reader could not tell a person on
// the canvas c: a control (focusable or tappable) on the top layer (the
// open dialog, else the window) with no accessible name or role, and two
// controls with the same name (which a person could not tell apart).
// TestScreenshots* run it at every state they show (shot).
func checkAccessible(c fyne.Canvas) []string {
	layers := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	top := layers[len(layers)-1]
	var failed []string
	names := map[string]int{}
	walk(top, func(o fyne.CanvasObject) {
		if !isControl(o) {
			return
		}
		a, ok := o.(fyne.Accessible)
		if !ok {
			failed = append(failed, fmt.Sprintf("%T %q has no accessible name or role", o, label(o)))
			return
		}
		name, role := strings.TrimSpace(a.AccessibilityLabel()), a.AccessibilityRole()
		if name == "" || role == "" || role == fyne.AccessibleRoleContainer {
			failed = append(failed, fmt.Sprintf("%T %q is named %q with role %q", o, label(o), name, role))
			return
		}
		names[name]++
	})
	var twice []string
	for n, k := range names {
		if k > 1 {
			twice = append(twice, fmt.Sprintf("%d controls are named %q", k, n))
		}
	}
	sort.Strings(twice)
	return append(failed, twice...)
}

// isControl: something a person can reach with the keyboard or the mouse
// (a label's selectable text is read, not a control).
func isControl(o fyne.CanvasObject) bool {
	switch fmt.Sprintf("%T", o) {
	case "*widget.PopUp", "*widget.OverlayContainer":
		return false // a dialog's shade, which only blocks clicks beneath it
	case "*widget.scrollBarArea":
		return false // Fyne's scroll bar, for the mouse; the keyboard's focus scrolls
	}
	if _, ok := o.(interface{ SelectedText() string }); ok {
		if _, entry := o.(*widget.Entry); !entry {
			if _, f := o.(*field); !f {
				return false
			}
		}
	}
	_, focusable := o.(fyne.Focusable)
	_, tappable := o.(fyne.Tappable)
	if d, ok := o.(fyne.Disableable); ok && d.Disabled() && !focusable {
		return false
	}
	return focusable || tappable
}
