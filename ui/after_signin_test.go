package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
)

// TestKeepYourAccountSecure registers the minimum after sign-in: the app
// first, then, as "a different method", an email for reset; ends on the
// summary. Skipping is offered while snoozes are left.
func TestKeepYourAccountSecure(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	h.svc.SetPolicy(h.admin, []string{"methodsRequiredForReset=2", "registrationSnoozes=1"})
	h.u.Start()
	h.signInPage(alicePassword)
	h.shows("Keep your account secure")
	h.shows("Skip for now (1 left)")
	test.AssertRendersToMarkup(t, "keep_secure.xml", h.w.Canvas())
	h.tap("Skip for now (1 left)")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	// Next sign-in: no skip left.
	h.u.signOut("")
	h.signInPage(alicePassword)
	h.shows("Keep your account secure")
	h.notShows("Skip for now")
	h.tap("Set up an authenticator app")
	h.tap("Next")
	h.tap("Can't scan image?")
	secret := h.shownSecret()
	h.tap("Next")
	code, _ := totp.GenerateCodeCustom(secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	test.Type(h.entry("Enter code"), code)
	h.tap("Next")
	h.tap("Done")
	// Still missing a second reset method: the screen says so again.
	h.shows("Keep your account secure")
	h.tap("I want to set up a different method")
	sel := h.selects()
	sel[len(sel)-1].SetSelected("Email")
	h.tap("Add")
	test.Type(h.entry("For example alain@gmail.com"), "alain@gmail.com")
	h.tap("Next")
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Next")
	h.tap("Done")
	h.shows("Success!")
	// The app has no name of its own: its kind alone, not said twice.
	h.notShows("Authenticator app — Authenticator app")
	h.shows("Authenticator app")
	h.shows("Email — alain@gmail.com")
	h.tap("Done")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	if ms := h.methods(alice); len(ms) != 2 {
		t.Fatalf("methods %+v", ms)
	}
}

// shownSecret reads the secret key shown under "Can't scan image?".
func (h *harness) shownSecret() string {
	for _, line := range strings.Split(h.text(), "\n") {
		if len(line) == 39 && strings.Count(line, " ") == 7 {
			return strings.ReplaceAll(line, " ", "")
		}
	}
	h.fatal("no secret shown")
	return ""
}

func TestVerifyYourSecurityInfo(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	addPhoneAndApp(t, h, alice)
	h.now = h.now.Add(180 * 24 * time.Hour)
	h.u.signOut("")
	h.relogin()
	h.shows("Verify your security info")
	h.shows("Phone — +44 20 7946 0958")
	h.shows("You can put this off until 28 May 2027.")
	test.AssertRendersToMarkup(t, "verify_info.xml", h.w.Canvas())
	h.tap("Skip for 24 hours")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	// Seven days on, it can't be skipped; "Looks good" ends it.
	h.now = h.now.Add(7 * 24 * time.Hour)
	h.relogin()
	h.shows("You've skipped this for 7 days")
	h.notShows("Skip for 24 hours")
	// Edit now ends in a confirmation: the pages, with it asked for.
	h.tap("Edit")
	h.shows("When your security info is right, confirm it.")
	h.tap("Looks good")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	h.notShows("When your security info is right, confirm it.")
	h.now = h.now.Add(time.Minute) // a new sign-in code waits 30 s after the last
	h.relogin()
	h.notShows("Verify your security info")
}
