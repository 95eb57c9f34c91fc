//go:build !screenshots

package ui

// Without -tags screenshots the TestScreenshots* tests (screenshots_test.go)
// build their states headless, and at each state where the real driver
// would take a picture, shot presses every button and link with the keys.

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// shooter walks the screenshot states with the test driver.
type shooter struct {
	t *testing.T
	h *harness
}

func newShooter(t *testing.T, lang string) *shooter {
	h := newHarness(t, lang)
	h.w.Resize(fyne.NewSize(1000, 680)) // as the screenshots
	return &shooter{t: t, h: h}
}

// do runs a step (on the test goroutine: the test driver has no other).
func (s *shooter) do(fn func()) { fn() }

// shot checks the state called name: every focusable button and link on
// the window and in its dialogs is the window's button, and the focused
// one is pressed by Return, Enter and Space (TestScreenshots* walk every
// state the docs show).
func (s *shooter) shot(name string) {
	s.t.Helper()
	for _, msg := range pressEveryButton(s.h.w.Canvas()) {
		s.t.Errorf("%s: %s", name, msg)
	}
	for _, msg := range checkAccessible(s.h.w.Canvas()) {
		s.t.Errorf("%s: screen reader: %s", name, msg)
	}
}

// pressEveryButton focuses each enabled button or link of c in turn and
// sends it Return, Enter and Space (TypedKey, as the driver does), with its
// action swapped for a counter, so the state stays as it is. A radio
// option is chosen by Space; Return and Enter there are its dialog's
// primary action. It returns what failed: a tappable control that is not
// the window's button type (Fyne's Button and Hyperlink take Space only),
// or a key that did not press.
//
// Only the top layer (the open dialog, else the window) takes the focus;
// the type of the buttons beneath is checked too.
func pressEveryButton(c fyne.Canvas) []string {
	layers := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	before := c.Focused()
	defer func() {
		if before != nil {
			c.Focus(before)
		} else {
			c.Unfocus()
		}
	}()
	var failed []string
	for i, layer := range layers {
		top := i == len(layers)-1
		walk(layer, func(o fyne.CanvasObject) {
			if msg := pressButton(c, o, top); msg != "" {
				failed = append(failed, msg)
			}
		})
	}
	return failed
}

// pressButton checks one object (see pressEveryButton); "" is all right.
func pressButton(c fyne.Canvas, o fyne.CanvasObject, press bool) string {
	f, focusable := o.(fyne.Focusable)
	_, tappable := o.(fyne.Tappable)
	if !focusable || !tappable {
		return ""
	}
	switch o.(type) {
	case *field, *widget.Entry, *selectBox, *widget.Select, *widget.SelectEntry:
		return "" // fields and drop-downs: keys of their own
	}
	if _, ok := o.(interface{ SelectedText() string }); ok {
		return "" // text to select and copy (a label's)
	}
	if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
		return "" // not focusable
	}
	if x, ok := o.(*checkBox); ok {
		return pressCheckBox(c, x, press)
	}
	if x, ok := o.(*choiceRow); ok {
		return pressChoice(c, x, press)
	}
	var b *button
	onEnter := (*func())(nil)
	switch x := o.(type) {
	case *button:
		b = x
	case *radioOption:
		b, onEnter = &x.button, &x.onEnter
	default:
		return fmt.Sprintf("%T %q is not the window's button (newButton, link): Enter does not press it", o, label(o))
	}
	if !press {
		return ""
	}
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace} {
		action := &b.OnTapped
		if onEnter != nil && k != fyne.KeySpace {
			action = onEnter
		}
		if n := pressCount(c, f, action, k); n != 1 {
			return fmt.Sprintf("%s on the focused %T %q pressed it %d times, want 1", k, o, b.Text, n)
		}
	}
	return ""
}

// pressCheckBox: Space ticks a check box, Return and Enter are its
// dialog's primary action. The tick is put back.
func pressCheckBox(c fyne.Canvas, x *checkBox, press bool) string {
	if !press {
		return ""
	}
	was := x.Checked
	defer x.SetChecked(was)
	c.Focus(x)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	c.Focused().TypedRune(' ') // a check takes Space's rune, sent after the key
	if x.Checked == was {
		return fmt.Sprintf("Space on the focused check box %q did not tick it", x.Text)
	}
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter} {
		if n := pressCount(c, x, &x.onEnter, k); n != 1 {
			return fmt.Sprintf("%s on the focused check box %q ran the dialog's action %d times, want 1", k, x.Text, n)
		}
	}
	return ""
}

// pressCount focuses f, sends it key and counts the calls of *action,
// put back afterwards; -1: f did not take the focus.
func pressCount(c fyne.Canvas, f fyne.Focusable, action *func(), key fyne.KeyName) int {
	c.Focus(f)
	if c.Focused() != f {
		return -1
	}
	saved, n := *action, 0
	*action = func() { n++ }
	defer func() { *action = saved }()
	c.Focused().TypedKey(&fyne.KeyEvent{Name: key})
	return n
}

// label is the text of a button or link, for a message.
func label(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Button:
		return x.Text
	case *widget.Hyperlink:
		return x.Text
	case *widget.Check:
		return x.Text
	}
	return ""
}

// pressChoice: Return, Enter and Space choose a row of a choiceList once
// each (OnSelected swapped for a counter).
func pressChoice(c fyne.Canvas, r *choiceRow, press bool) string {
	if !press {
		return ""
	}
	was := r.list.OnSelected
	defer func() { r.list.OnSelected = was }()
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace} {
		n := 0
		r.list.OnSelected = func(int) { n++ }
		c.Focus(r)
		r.TypedKey(&fyne.KeyEvent{Name: k})
		if n != 1 {
			return fmt.Sprintf("%s on the focused row %q chose it %d times, want 1", k, r.AccessibilityLabel(), n)
		}
	}
	return ""
}
