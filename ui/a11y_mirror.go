package ui

import (
	"fmt"
	"image/color"
	"reflect"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Fyne 2.8's screen-reader drivers (Windows UI Automation, macOS
// NSAccessibility; -tags accessibility) publish what they find by
// descending through plain containers only: a control inside a scroll
// area, a form, a card, a split or a dialog is never reached, and nearly
// every screen here sits in one. The mirror closes that gap: on top of the
// window's content it keeps a plain container of stand-ins, one for each
// control or text that names itself, placed over it and reading out its
// name and role; the driver finds them there. The stand-ins draw nothing
// and take no input: clicks and keys go to the window's own controls, and
// the keyboard's focus is theirs. Built with -tags accessibility only
// (publishMirror, a11y_on.go), where the drivers read it.

// setContent shows o in win, with the mirror where screen readers read it.
func setContent(win fyne.Window, o fyne.CanvasObject) {
	if publishMirror {
		o = withMirror(win, o, mirrorTick)
	}
	win.SetContent(o)
}

// mirrorTick keeps mirrors in step (a test's clock in the tests).
var mirrorTick = realTick

// mirror is the stand-ins of one window's content.
type mirror struct {
	real  fyne.CanvasObject
	box   *fyne.Container // plain: the drivers descend into it
	win   fyne.Window
	names []string // what is shown, to rebuild only on a change
	stop  func()
}

var mirrors = struct {
	sync.Mutex
	by map[fyne.Window]*mirror
}{by: map[fyne.Window]*mirror{}}

// withMirror is real with its mirror on top, kept in step with the window
// (its dialogs included) four times a second, on the UI goroutine (tick
// is realTick, or a test's), until the content changes.
func withMirror(win fyne.Window, real fyne.CanvasObject, tick func(time.Duration, func()) func()) fyne.CanvasObject {
	m := &mirror{real: real, box: &fyne.Container{}, win: win}
	mirrors.Lock()
	if old := mirrors.by[win]; old != nil {
		old.stop()
	}
	mirrors.by[win] = m
	mirrors.Unlock()
	m.stop = tick(250*time.Millisecond, m.sync)
	return container.NewStack(real, m.box)
}

// sync puts a stand-in over every object that names itself on the top
// layer: the open dialog, else the window's content.
func (m *mirror) sync() {
	c := m.win.Canvas()
	var top fyne.CanvasObject = m.real
	if ov := c.Overlays().Top(); ov != nil {
		top = ov
	}
	d := fyne.CurrentApp().Driver()
	origin := d.AbsolutePositionForObject(m.box)
	var found []fyne.CanvasObject
	var names []string
	reach(top, func(o fyne.CanvasObject, a fyne.Accessible) {
		found = append(found, o)
		p := d.AbsolutePositionForObject(o).Subtract(origin)
		names = append(names, fmt.Sprintf("%s\x00%s\x00%v\x00%v", a.AccessibilityLabel(), a.AccessibilityRole(), p, o.Size()))
	})
	if equalStrings(names, m.names) {
		return
	}
	m.names = names
	objs := make([]fyne.CanvasObject, len(found))
	for i, o := range found {
		s := newStandIn(o.(fyne.Accessible))
		s.Move(d.AbsolutePositionForObject(o).Subtract(origin))
		s.Resize(o.Size())
		objs[i] = s
	}
	m.box.Objects = objs
	m.box.Refresh()
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reach calls fn for every visible object under o that names itself
// (fyne.Accessible, not a container), looking into the widgets that hold
// others where a driver does not: scroll areas, splits, forms, cards and
// pop-ups, and a field's button.
func reach(o fyne.CanvasObject, fn func(fyne.CanvasObject, fyne.Accessible)) {
	if o == nil || !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			reach(c, fn)
		}
		return
	case *container.Scroll:
		reach(x.Content, fn)
		return
	case *container.Split:
		reach(x.Leading, fn)
		reach(x.Trailing, fn)
		return
	case *widget.Form:
		for _, it := range x.Items {
			reach(it.Widget, fn)
		}
		return
	case *widget.Card:
		reach(x.Content, fn)
		return
	case *widget.PopUp:
		reach(x.Content, fn)
		return
	case *field:
		fn(x, x)
		if x.ActionItem != nil {
			reach(x.ActionItem, fn)
		}
		return
	}
	if a, ok := o.(fyne.Accessible); ok && a.AccessibilityRole() != fyne.AccessibleRoleContainer {
		if l, ok := o.(*widget.Label); ok && l.Text == "" {
			return // an empty label (an error not shown) says nothing
		}
		fn(o, a)
		return
	}
	// Another holder (a dialog's overlay, whose type is Fyne's own): its
	// exported Content.
	if v := reflect.ValueOf(o); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Content"); f.IsValid() && f.CanInterface() {
			if c, ok := f.Interface().(fyne.CanvasObject); ok {
				reach(c, fn)
			}
		}
	}
}

// standIn reads out another object's name and role where a driver finds
// it; it draws nothing and takes no input.
type standIn struct {
	widget.BaseWidget
	of fyne.Accessible
}

var _ fyne.Accessible = (*standIn)(nil)

func newStandIn(of fyne.Accessible) *standIn {
	s := &standIn{of: of}
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer implements fyne.Widget: nothing to see.
func (s *standIn) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// AccessibilityLabel implements fyne.Accessible: the object's, now.
func (s *standIn) AccessibilityLabel() string { return s.of.AccessibilityLabel() }

// AccessibilityRole implements fyne.Accessible.
func (s *standIn) AccessibilityRole() fyne.AccessibleRole { return s.of.AccessibilityRole() }
