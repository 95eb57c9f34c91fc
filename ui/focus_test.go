package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
)

// focusedText is the text of the focused button, link or radio option.
func (h *harness) focusedText() string {
	switch f := h.w.Canvas().Focused().(type) {
	case *button:
		return f.Text
	case *radioOption:
		return f.Text
	case nil:
		return "(nothing)"
	}
	return "(not a button)"
}

// TestOptionListsStartOnTheFirst: "Sign in another way" and "Forgot my
// password" open with their first option focused, so Enter takes it; the
// add-method drop-down opens on its first kind.
func TestOptionListsStartOnTheFirst(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	e, _ := h.svc.BeginAuthenticator(h.as(alice), alice.ID, "Pixel")
	code, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	h.svc.Confirm(h.as(alice), alice.ID, e.VerificationID, code)
	h.svc.SetPolicy(h.admin, []string{"requireRegistration=false"})

	h.u.Start()
	h.tap("Forgot my password")
	test.Type(h.entry("Account name, for example alice@contoso.com"), "alice@contoso.com")
	h.tap("Next")
	h.shows("Verification step 1 of")
	if got, want := h.focusedText(), "Enter a code from my authenticator app"; got != want {
		t.Fatalf("Forgot my password: %s focused, want %q", got, want)
	}
	h.tap("Back to sign-in")

	h.signInPage(alicePassword)
	h.tap("Sign in another way")
	first := h.focusedText()
	if first == "(nothing)" || first == "(not a button)" || first == "Back" {
		t.Fatalf("Sign in another way: %s focused, want the first option", first)
	}
	h.key(fyne.KeyReturn)
	if strings.Contains(h.text(), "["+first+"]") {
		t.Fatalf("Enter on %q left the list shown:\n%s", first, h.text())
	}

	// Signed in: the add-method drop-down has the focus and opens on its
	// first kind, which Enter chooses.
	h.u.signOut("")
	h.advance(time.Minute) // past the wait for another code
	h.relogin()
	h.tap("Add sign-in method")
	boxes := h.selectBoxes()
	if len(boxes) == 0 || h.w.Canvas().Focused() != boxes[len(boxes)-1] {
		t.Fatal("the kind drop-down does not have the focus")
	}
	sel := boxes[len(boxes)-1]
	h.key(fyne.KeySpace)
	h.key(fyne.KeyReturn)
	if sel.SelectedIndex() != 0 || h.disabled("Add") {
		t.Fatalf("Space then Enter chose %q (index %d), want the first kind", sel.Selected, sel.SelectedIndex())
	}
}

// ring finds a widget's focus ring: the rectangle it draws with a stroke
// of focusRingWidth.
func ring(t *testing.T, w fyne.Widget) *canvas.Rectangle {
	t.Helper()
	for _, o := range test.WidgetRenderer(w).Objects() {
		if r, ok := o.(*canvas.Rectangle); ok && r.StrokeWidth == focusRingWidth {
			return r
		}
	}
	t.Fatalf("%T has no focus ring", w)
	return nil
}

// TestFocusRing: a focused button, link, drop-down or check box shows a ring of
// focusRingWidth in the theme's focus-ring colour over its edge (a link's
// around its text), hidden again when the focus leaves; the button's own
// colour stays as it is, so the ring's contrast is the one
// TestThemeContrast checks.
func TestFocusRing(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	primary := newButton("Next", widget.HighImportance, func() {}, nil)
	plain := newButton("Cancel", widget.MediumImportance, func() {}, nil)
	l := link("Change", func() {})
	sel := newSelect([]string{"Phone", "Email"}, nil, nil, nil)
	entered := 0
	check := newCheckBox("Reusable", func() { entered++ }, nil)
	w.SetContent(container.NewVBox(primary, plain, container.NewHBox(l), sel, check))
	w.Resize(fyne.NewSize(400, 300))
	c := w.Canvas()
	v := a.Settings().ThemeVariant()
	want := NewTheme().Color(colorNameFocusRing, v)
	for _, x := range []fyne.Widget{primary, plain, l, sel, check} {
		r := ring(t, x)
		if r.Visible() {
			t.Errorf("%T: ring shown without the focus", x)
		}
		c.Focus(x.(fyne.Focusable))
		r = ring(t, x)
		if !r.Visible() || r.StrokeColor != want {
			t.Errorf("%T focused: ring visible %v in %v, want visible in %v", x, r.Visible(), r.StrokeColor, want)
		}
		size := x.Size()
		if b, ok := x.(*button); ok && b.link {
			if r.Size().Width < 10 || r.Size().Width > size.Width || r.Position().X < 0 {
				t.Errorf("link ring %v at %v outside the link %v", r.Size(), r.Position(), size)
			}
		} else if r.Position() != (fyne.Position{}) || r.Size() != size {
			t.Errorf("%T ring %v at %v, want over the edge of %v", x, r.Size(), r.Position(), size)
		}
	}
	// The primary button keeps its blue under the ring (Fyne's own focus
	// would tint it).
	c.Focus(primary)
	for _, o := range test.WidgetRenderer(primary).Objects() {
		if r, ok := o.(*canvas.Rectangle); ok && r.StrokeWidth == 0 && r.FillColor != nil {
			if _, _, _, a := r.FillColor.RGBA(); a != 0 && r.FillColor != NewTheme().Color(theme.ColorNamePrimary, v) {
				t.Errorf("focused primary button filled %v, want the primary colour", r.FillColor)
			}
			break
		}
	}
	// A check box: Space ticks it (Fyne's check takes the space the key
	// types, which the driver sends after the key), Enter is its dialog's
	// action.
	c.Focus(check)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	c.Focused().TypedRune(' ')
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !check.Checked || entered != 1 {
		t.Errorf("check box: Space then Enter: checked %v, action run %d times; want ticked and once", check.Checked, entered)
	}
	c.Focus(plain)
	if ring(t, primary).Visible() {
		t.Error("the ring stays when the focus moves on")
	}
}
