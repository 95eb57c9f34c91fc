package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
)

// signInPage types the name and password and taps Sign in.
func (h *harness) signInPage(password string) {
	h.t.Helper()
	h.toForm()
	name := h.entry("Account name, for example alice@contoso.com")
	if name.Text == "" {
		test.Type(name, "alice@contoso.com")
	}
	test.Type(h.entry("Password"), password)
	h.tap("Sign in")
}

func TestSignInTwoStepAndAnotherWay(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	e, _ := h.svc.BeginAuthenticator(h.as(alice), alice.ID, "Pixel")
	code, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	h.svc.Confirm(h.as(alice), alice.ID, e.VerificationID, code)

	h.u.Start()
	h.shows("Sign in")
	test.AssertRendersToMarkup(t, "signin.xml", h.w.Canvas())
	h.signInPage("wrong password here")
	h.shows("Your account name or password is incorrect.")
	h.signInPage(alicePassword)
	// The default, the phone by text, gets a code at once; the number is masked.
	h.shows("We texted your phone +XX XXXXXXXX58. Enter the code to sign in.")
	test.AssertRendersToMarkup(t, "signin_code.xml", h.w.Canvas())
	h.tap("Sign in another way")
	h.shows("Use a verification code from Pixel")
	h.shows("Call +XX XXXXXXXX58")
	h.tap("Use a verification code from Pixel")
	h.shows("Enter the code displayed in your authenticator app (Pixel).")
	h.advance(30 * time.Second)
	next, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	test.Type(h.entry("Enter code"), next)
	h.tap("Verify")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	// Signed in with two steps: changes are allowed.
	h.tapFirst("Change")
	sel := h.selects()
	sel[len(sel)-1].SetSelected("Phone - call (+44 20 7946 0958)")
	h.tap("Confirm")
	h.shows("Phone - call (+44 20 7946 0958)")
}

func TestSignInLockedMessage(t *testing.T) {
	h := newHarness(t, "en")
	h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	h.u.Start()
	for i := 0; i < 10; i++ {
		h.signInPage("wrong password here")
	}
	h.shows("Too many failed sign-ins. Sign-in is locked until 09:15 UTC.")
}

func TestSessionEndsAfterAnHourIdle(t *testing.T) {
	h := newHarness(t, "en")
	h.withAccount()
	h.shows("Security info")
	h.advance(59 * time.Minute)
	h.shows("These are the methods you use to sign into your account or reset your password.")
	h.advance(2 * time.Minute)
	h.shows("You were away for a while, so you were signed out. Sign in again.")
	h.signInPage(alicePassword)
	h.shows("These are the methods you use to sign into your account or reset your password.")
}

func TestForgotPassword(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.u.Start()
	h.tap("Forgot my password")
	test.Type(h.entry("Account name, for example alice@contoso.com"), "alice@contoso.com")
	h.tap("Next")
	h.shows("Verification step 1 of 1: choose the contact method to use.")
	test.AssertRendersToMarkup(t, "reset_choose.xml", h.w.Canvas())
	h.tap("Text my mobile phone +XX XXXXXXXX58")
	h.shows("We sent a 6-digit code to +XX XXXXXXXX58. Enter it below.")
	h.shows("The code works until 09:10.")
	if !h.disabled("Resend code (30 s)") {
		h.fatal("resend allowed at once")
	}
	// "I don't have a code" leads back to the choices, and from them
	// "I don't have any of these" to the help desk.
	h.tap("I don't have a code")
	h.tap("I don't have any of these")
	h.shows("Ask your help desk")
	h.tap("Back")
	h.advance(30 * time.Second)
	h.tap("Text my mobile phone +XX XXXXXXXX58")
	h.advance(30 * time.Second)
	h.tap("Resend code")
	h.shows("A new code was sent.")
	test.Type(h.entry("Enter code"), "000000")
	h.tap("Verify")
	h.shows("That code is wrong. You have 4 tries left.")
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Verify")
	h.shows("Use at least 8 characters")
	var pw []*field
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.Password {
			pw = append(pw, f)
		}
	}
	test.Type(pw[0], "k8#mQz!vR")
	test.Type(pw[1], "k8#mQz!vR")
	h.tap("Finish")
	h.shows("Your password was reset. Sign in with your new password.")
	if _, err := h.svc.SignIn(h.admin, "alice@contoso.com", "k8#mQz!vR"); err != nil {
		t.Fatalf("new password: %v", err)
	}
}

// TestForgotPasswordUnknownAccount shows the same screens for a name
// without an account.
func TestForgotPasswordUnknownAccount(t *testing.T) {
	h := newHarness(t, "en")
	h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	h.u.Start()
	h.tap("Forgot my password")
	// A made-up name shows made-up methods, drawn from its keyed hash as
	// real people's sets vary; this one shows a phone and an email.
	h.entry("Account name, for example alice@contoso.com").SetText("someone@contoso.com")
	h.tap("Next")
	h.shows("Verification step 1 of 1: choose the contact method to use.")
	h.shows("Text my mobile phone +XX")
	h.shows("Email my alternate email ")
	for _, o := range h.objects() {
		if b, ok := o.(*button); ok && strings.HasPrefix(b.Text, "Text my mobile phone") {
			tapCentre(b)
			break
		}
	}
	h.shows("We sent a 6-digit code to +XX")
	test.Type(h.entry("Enter code"), "123456")
	h.tap("Verify")
	h.shows("That code is wrong. You have 4 tries left.")
	if es, _ := h.readOutbox(); len(es) != 0 {
		t.Fatalf("something was sent: %+v", es)
	}
}

// TestPickerKeysTypeNothing: the key that chooses in the account picker
// never reaches the field the next screen focuses. Space on an account
// types a space too (GLFW sends the key, then its rune, to whatever has
// the focus by then); had it reached the password field, the right
// password would fail and count toward the lockout.
func TestPickerKeysTypeNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		focus string // the picker's control to press: "" for the account, focused first
		key   fyne.KeyName
		r     rune
	}{
		{"Space on the account", "", fyne.KeySpace, ' '},
		{"Enter on the account", "", fyne.KeyReturn, 0},
		{"Space on Use another account", "Use another account", fyne.KeySpace, ' '},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "en")
			h.withAccount()
			h.u.signOut("")
			h.shows("Alice Smith (alice@contoso.com)")
			c := h.w.Canvas()
			if tc.focus != "" {
				c.Focus(h.tappable(tc.focus).(fyne.Focusable))
			}
			h.press(tc.key, tc.r)
			f, ok := c.Focused().(*field)
			if !ok {
				h.fatalf("%s did not go on to a field; shown:\n%s", tc.name, h.text())
			}
			if f.Text != "" {
				h.fatalf("the %s field holds %q", f.PlaceHolder, f.Text)
			}
			if f.PlaceHolder == h.u.tr.T("signin.namePlaceholder") {
				h.typeFocused("alice@contoso.com")
				c.Focus(h.entry(h.u.tr.T("signin.passwordPlaceholder")))
			}
			h.typeFocused(alicePassword)
			if pw := h.entry(h.u.tr.T("signin.passwordPlaceholder")).Text; pw != alicePassword {
				h.fatalf("the password field holds %q", pw)
			}
			h.press(fyne.KeyReturn, 0)
			if h.u.sess == nil {
				h.fatalf("the right password did not sign in; shown:\n%s", h.text())
			}
			h.shows("These are the methods you use to sign into your account or reset your password.")
		})
	}
}

// TestFieldKeepsTypedSpace: a space typed with its key into a field that
// has just gained the focus is kept; only the rune of a key that went
// elsewhere is dropped.
func TestFieldKeepsTypedSpace(t *testing.T) {
	h := newHarness(t, "en")
	h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	h.u.Start()
	pw := h.entry(h.u.tr.T("signin.passwordPlaceholder"))
	h.w.Canvas().Focus(pw)
	h.press(fyne.KeySpace, ' ')
	h.press(fyne.KeyA, 'a')
	if pw.Text != " a" {
		h.fatalf("the password field holds %q, want %q", pw.Text, " a")
	}
}

// toForm leaves the account picker, when it is shown, for the sign-in
// form ("Use another account").
func (h *harness) toForm() {
	h.t.Helper()
	for _, o := range h.objects() {
		if l, ok := o.(*button); ok && l.Text == "Use another account" && visible(l) {
			tapCentre(l)
			return
		}
	}
}

// TestCodeScreenRecoveryPaths: the sign-in code screen says until when the
// code works and offers "Resend code" once the wait is over (the new code
// signs in); "I don't have a code" leads to the other methods, Back
// returns without sending another code, and "I don't have any of these"
// explains what the help desk can do, with the Temporary Access Pass.
func TestCodeScreenRecoveryPaths(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.advance(time.Minute)
	h.u.Start()
	h.signInPage(alicePassword)
	h.shows("We texted your phone +XX XXXXXXXX58.")
	h.shows("The code works until 09:11.")
	h.shows("Resend code (30 s)")
	if !h.disabled("Resend code (30 s)") {
		h.fatal("resend allowed at once")
	}
	first := h.lastCode()
	h.advance(30 * time.Second)
	h.tap("Resend code")
	h.shows("A new code was sent.")
	second := h.lastCode()
	if second == first {
		h.fatal("no new code")
	}
	sent := func() int { es, _ := h.readOutbox(); return len(es) }
	before := sent()
	h.tap("I don't have a code")
	h.shows("Text +XX XXXXXXXX58")
	h.tap("Back")
	h.shows("The code works until")
	if sent() != before {
		h.fatal("Back sent another code")
	}
	// The resent code signs in.
	test.Type(h.entry("Enter code"), second)
	h.tap("Verify")
	h.shows("These are the methods you use to sign into your account or reset your password.")

	h.u.signOut("")
	h.advance(30 * time.Second)
	h.signInPage(alicePassword)
	h.tap("I don't have a code")
	h.tap("I don't have any of these")
	h.shows("Ask your help desk")
	h.shows("They can give you a Temporary Access Pass")
	h.tap("Back")
	h.shows("Sign in another way")
	h.tap("I don't have any of these")
	h.tap("Use a Temporary Access Pass")
	h.entry(h.u.tr.T("signin.passPlaceholder"))
}
