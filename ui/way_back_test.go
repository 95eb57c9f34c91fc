package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

// umaWithPhoneOnPass gives uma (of deskOn) a phone, has a second agent
// make her a pass, and signs her in with it on the sign-in screen.
func umaWithPhoneOnPass(h *harness) *core.Account {
	h.t.Helper()
	uma := deskOn(h)
	ch, err := h.svc.BeginPhone(h.as(uma), uma.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.Confirm(h.as(uma), uma.ID, ch.VerificationID, h.lastCode()); err != nil {
		h.fatal(err)
	}
	_, agent := h.secondAgent("hd2@contoso.com", "+44 20 7946 0002")
	pass := h.issuePass(agent, uma, true)
	h.u.signOut("")
	h.pickFirst()
	h.entry(h.u.tr.T("signin.namePlaceholder")).SetText("uma@contoso.com")
	h.tap("Use a Temporary Access Pass")
	test.Type(h.entry(h.u.tr.T("signin.passPlaceholder")), pass)
	h.tap(h.u.tr.T("signin.submit"))
	return uma
}

// hasPhone reports whether uma still has a phone.
func hasPhone(h *harness, uma *core.Account) bool {
	for _, m := range h.methods(uma) {
		if m.Kind == core.KindPhone {
			return true
		}
	}
	return false
}

// TestLostPhoneFromTheBanner: after a pass, the banner's "I lost a phone
// or app" lists the phone; removing it removes it at once and opens the
// wizard for a new phone.
func TestLostPhoneFromTheBanner(t *testing.T) {
	h := newHarness(t, "en")
	h.withAccount()
	uma := umaWithPhoneOnPass(h)
	h.tap("I lost a phone or app")
	h.shows("Pick the phone or app you lost")
	if !h.disabled("Remove it and set up a new one") {
		t.Fatal("Remove is enabled before anything is chosen")
	}
	sels := h.selects()
	sel := sels[len(sels)-1]
	if len(sel.Options) != 1 || !strings.HasPrefix(sel.Options[0], "Phone") {
		t.Fatalf("choices: %q (the phone alone: an email is no device)", sel.Options)
	}
	sel.SetSelectedIndex(0)
	h.tap("Remove it and set up a new one")
	if hasPhone(h, uma) {
		t.Fatal("the phone is still there")
	}
	h.shows("What phone number would you like to use?")
}

// TestLostDeviceFromARow: the row's "I lost it" is on phones and apps
// only, named for a screen reader with its method; from a session signed
// in with that phone it is refused, in words, and nothing is removed.
func TestLostDeviceFromARow(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	ch, _ = h.svc.BeginEmail(h.as(alice), alice.ID, "alain@gmail.com", "en")
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.relogin() // with the phone
	h.u.nav.Select(1)
	h.notShows("I lost a phone or app") // a session signed in with a device has no banner for it
	lost := 0
	for _, o := range h.objects() {
		if b, ok := o.(*button); ok && b.Text == "I lost it" {
			lost++
			if b.name != "I lost this device: Phone — +44 20 7946 0958" {
				t.Errorf("the link is named %q", b.name)
			}
		}
	}
	if lost != 1 {
		t.Fatalf("%d \"I lost it\" links (the phone's only)", lost)
	}
	h.tap("I lost it")
	h.tap("Remove it and set up a new one")
	h.shows("To report this device lost, sign in another way")
	if !hasPhone(h, alice) {
		t.Fatal("the phone was removed")
	}
}

// TestThisWasntMeInTheWindow: Recent activity offers "This wasn't me" on
// what the help desk did; it asks first, then reports, signs the window
// out with what to do next, and the help desk's page lists the report.
func TestThisWasntMeInTheWindow(t *testing.T) {
	h := newHarness(t, "en")
	h.withAccount()
	uma := umaWithPhoneOnPass(h)
	h.u.nav.Select(4)
	h.shows("Temporary Access Pass created")
	var notMe *button
	for _, o := range h.objects() {
		if b, ok := o.(*button); ok && b.Text == "This wasn't me" && strings.Contains(b.name, "Temporary Access Pass created") {
			notMe = b
		}
	}
	if notMe == nil {
		t.Fatalf("no \"This wasn't me\" on the pass's event; shown:\n%s", h.text())
	}
	tapCentre(notMe)
	h.shows("You are signed out everywhere, in this window too.")
	h.tap("Cancel")
	if h.u.sess == nil {
		t.Fatal("Cancel signed out")
	}
	tapCentre(notMe)
	h.tap("Report and sign out everywhere")
	h.shows("Reported: your help desk was told")
	h.shows("change your password")
	if h.u.sess != nil {
		t.Fatal("still signed in")
	}
	if info, err := h.svc.SecurityInfo(h.as(uma), uma.ID); err != nil || info.AccessPass != nil {
		t.Fatalf("the pass after the report: %+v %v", info, err)
	}
	// The desk signs in: the report is at the top of its page.
	_, done := h.staffSession("hd3@contoso.com", core.RoleHelpdesk, "+44 20 7946 0003")
	h.u.signedIn(done)
	h.u.nav.Select(len(h.u.pages) - 1)
	h.shows("uma@contoso.com reported on")
	h.shows("Temporary Access Pass created: Temporary Access Pass · one-time")
}

// TestLostOfferedOnAKeptPassSession: a session signed in with a pass and
// resumed later (no sign-in screen, so not "via pass") still offers the
// lost-device path; one signed in with the phone does not.
func TestLostOfferedOnAKeptPassSession(t *testing.T) {
	h := newHarness(t, "en")
	h.withAccount()
	umaWithPhoneOnPass(h)
	sess, acct := h.u.sess, h.u.acct
	h.u.viaPass = false
	h.u.signedIn(&core.SignInStep{Session: sess, Account: acct})
	h.notShows("register your sign-in methods now")
	h.shows("You signed in without your phone or app.")
	h.tap("I lost a phone or app")
	h.shows("Pick the phone or app you lost")
}
