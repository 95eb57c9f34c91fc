package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

// driverReads is what Fyne 2.8's Windows screen-reader driver publishes
// of a window's content (internal/driver/glfw/accessibility_windows.go,
// collectAccessibleElements): the names of the objects that name
// themselves, found by descending through plain containers only.
func driverReads(o fyne.CanvasObject) []string {
	var out []string
	var collect func(fyne.CanvasObject)
	collect = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if a, ok := o.(fyne.Accessible); ok && a.AccessibilityRole() != fyne.AccessibleRoleContainer {
			out = append(out, a.AccessibilityLabel())
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				collect(x)
			}
		}
	}
	collect(o)
	return out
}

// TestMirrorReachesTheControls: Fyne 2.8's driver, descending through
// plain containers only, reads nothing of the sign-in code screen (it sits
// in a scroll area) nor of a dialog; with the mirror (built with -tags
// accessibility) it reads the field, Verify and the links, and in a dialog
// the dialog's controls; the mirror follows the screen as it changes.
func TestMirrorReachesTheControls(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.advance(time.Minute)
	h.u.Start()
	h.signInPage(alicePassword)
	h.shows("We texted your phone +XX XXXXXXXX58.")
	want := []string{"Enter code, text field", "Verify", "Sign in another way", "We texted your phone +XX XXXXXXXX58. Enter the code to sign in."}
	bare := driverReads(h.w.Canvas().Content())
	for _, w := range want {
		if slices.Contains(bare, w) {
			t.Fatalf("the driver reads %q without the mirror: the test no longer shows the gap", w)
		}
	}
	publishMirror, mirrorTick = true, h.tick
	t.Cleanup(func() { publishMirror, mirrorTick = false, realTick })
	h.w.SetContent(withMirror(h.w, h.w.Canvas().Content(), h.tick))
	h.advance(300 * time.Millisecond)
	got := driverReads(h.w.Canvas().Content())
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("the driver does not read %q through the mirror; it reads:\n%s", w, strings.Join(got, "\n"))
		}
	}
	// The screen changes: the mirror follows.
	h.tap("Sign in another way")
	h.advance(300 * time.Millisecond)
	got = driverReads(h.w.Canvas().Content())
	if !slices.Contains(got, "Call +XX XXXXXXXX58") || slices.Contains(got, "Verify") {
		t.Errorf("after Sign in another way the driver reads:\n%s", strings.Join(got, "\n"))
	}
	// A dialog: its controls, not the page beneath.
	h.tap("Text +XX XXXXXXXX58")
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Verify")
	h.tap("Add sign-in method")
	h.advance(300 * time.Millisecond)
	got = driverReads(h.w.Canvas().Content())
	if !slices.Contains(got, "Choose a method, drop-down, nothing chosen") ||
		!slices.Contains(got, "Cancel") || slices.Contains(got, "Security info, page") {
		t.Errorf("with the add-phone dialog open the driver reads:\n%s", strings.Join(got, "\n"))
	}
}
