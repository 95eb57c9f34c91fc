package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Every control a person can reach names itself and its role to a screen
// reader (fyne.Accessible; Fyne 2.8 publishes them on Windows through UI
// Automation and on macOS through NSAccessibility, in builds with
// -tags accessibility). A name says what the control does on its own,
// without the screen around it: a row's "Delete" is "Delete Phone +44 20
// 7946 0958". TestScreenshots* check every state (accessible_test.go).

var (
	_ fyne.Accessible = (*button)(nil)
	_ fyne.Accessible = (*radioOption)(nil)
	_ fyne.Accessible = (*field)(nil)
	_ fyne.Accessible = (*selectBox)(nil)
	_ fyne.Accessible = (*checkBox)(nil)
)

// named gives b the name a screen reader says, when its text alone is
// not enough (a row's "Change"), and returns b.
func (b *button) named(name string) *button {
	b.name = name
	return b
}

// AccessibilityLabel implements fyne.Accessible: the button's name, else
// its text, else its icon's.
func (b *button) AccessibilityLabel() string {
	if b.name != "" {
		return b.name
	}
	return b.Button.AccessibilityLabel()
}

// AccessibilityRole implements fyne.Accessible: a link for a link.
func (b *button) AccessibilityRole() fyne.AccessibleRole {
	if b.link {
		return fyne.AccessibleRoleLink
	}
	return fyne.AccessibleRoleButton
}

// AccessibilityLabel implements fyne.Accessible: the option and whether it
// is chosen, as a radio button says it.
func (o *radioOption) AccessibilityLabel() string {
	state := "not selected"
	if o.group.Selected == o.Text {
		state = "selected"
	}
	return o.Text + ", radio button, " + state
}

// named gives f the name a screen reader says (its form label; a field
// with a placeholder is named by it otherwise), and returns f.
func (f *field) named(name string) *field {
	f.name = name
	return f
}

// AccessibilityLabel implements fyne.Accessible: the field's name, that it
// is a field one types into (Fyne 2.8 has no role for it), and whether it
// is a password's.
func (f *field) AccessibilityLabel() string {
	name := f.fieldName()
	kind := "text field"
	if f.Password {
		kind = "password field"
	}
	return strings.TrimSpace(name + ", " + kind)
}

// fieldName is the field's name, else its placeholder.
func (f *field) fieldName() string {
	if f.name != "" {
		return f.name
	}
	return f.PlaceHolder
}

// AccessibilityRole implements fyne.Accessible.
func (f *field) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// named gives s the name a screen reader says (what it chooses), and
// returns s.
func (s *selectBox) named(name string) *selectBox {
	s.name = name
	return s
}

// AccessibilityLabel implements fyne.Accessible: what the drop-down
// chooses and its choice.
func (s *selectBox) AccessibilityLabel() string {
	name := s.name
	if name == "" {
		name = s.PlaceHolder
	}
	choice := s.Selected
	if choice == "" {
		choice = "nothing chosen"
	}
	return name + ", drop-down, " + choice
}

// AccessibilityRole implements fyne.Accessible: it is pressed to open.
func (s *selectBox) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

// AccessibilityLabel implements fyne.Accessible: the box and whether it is
// ticked.
func (c *checkBox) AccessibilityLabel() string {
	state := "not checked"
	if c.Checked {
		state = "checked"
	}
	return c.Text + ", check box, " + state
}

// AccessibilityRole implements fyne.Accessible.
func (c *checkBox) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

// revealNames words the button that shows or hides a password as the
// window's language does (New sets it).
var revealNames = func(shown bool) string {
	if shown {
		return "Hide password"
	}
	return "Show password"
}

// CreateRenderer implements fyne.Widget: a password field gets the
// window's own button to show the password (Fyne's eye names nothing to
// a screen reader and takes no key), which keeps the focus in the field.
func (f *field) CreateRenderer() fyne.WidgetRenderer {
	if f.Password && f.ActionItem == nil {
		var eye *button
		eye = newButton("", widget.LowImportance, func() {
			f.Password = !f.Password
			eye.SetIcon(revealIcon(f.Password))
			eye.name = revealNames(!f.Password) + ": " + f.fieldName()
			f.Refresh()
			if c := fyne.CurrentApp().Driver().CanvasForObject(f); c != nil {
				c.Focus(f)
			}
		}, nil).withIcon(revealIcon(true)).named(revealNames(false) + ": " + f.fieldName())
		f.ActionItem = eye
	}
	return f.Entry.CreateRenderer()
}

func revealIcon(hidden bool) fyne.Resource {
	if hidden {
		return theme.VisibilityOffIcon()
	}
	return theme.VisibilityIcon()
}

// picture is an image that names itself to a screen reader (the QR code,
// which says where its secret key is to be found as text).
type picture struct {
	widget.BaseWidget
	img  fyne.CanvasObject
	name string
}

var _ fyne.Accessible = (*picture)(nil)

func newPicture(img fyne.CanvasObject, name string) *picture {
	p := &picture{img: img, name: name}
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer implements fyne.Widget: the image.
func (p *picture) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.img) }

// AccessibilityLabel implements fyne.Accessible.
func (p *picture) AccessibilityLabel() string { return p.name }

// AccessibilityRole implements fyne.Accessible.
func (p *picture) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }
