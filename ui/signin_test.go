package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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
	if !h.disabled("Verify") {
		h.fatal("Verify is enabled with no code typed")
	}
	if !h.disabled("Resend code (30 s)") {
		h.fatal("resend allowed at once")
	}
	// "Use another method" and back to the same option within the code's
	// life shows the same code (no second send the core would refuse);
	// "I don't have any of these" leads to the help desk.
	first := h.lastCode()
	h.tap("Use another method")
	h.tap("I don't have any of these")
	h.shows("Ask your help desk")
	h.tap("Back")
	h.tap("Text my mobile phone +XX XXXXXXXX58")
	h.shows("We sent a 6-digit code to +XX XXXXXXXX58. Enter it below.")
	if h.lastCode() != first {
		h.fatal("choosing the option again sent another code")
	}
	// "I don't have a code" during the wait sends another once it is over.
	h.tap("I don't have a code")
	h.shows("You'll get another code when the wait is over, in 30 s.")
	if h.lastCode() != first {
		h.fatal("a code was sent during the wait")
	}
	h.advance(30 * time.Second)
	h.shows("A new code was sent.")
	if h.lastCode() == first {
		h.fatal("no new code after the wait")
	}
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
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && l.Text == "Your password was reset. Sign in with your new password." && l.Importance != widget.SuccessImportance {
			h.fatal("the reset's confirmation is not in the success colour")
		}
	}
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
// signs in); "I don't have a code" after the wait sends another at once;
// "Sign in another way" leads to the other methods, Back returns without
// sending another code, and "I don't have any of these" explains what the
// help desk can do, with the Temporary Access Pass.
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
	h.advance(30 * time.Second)
	before := sent()
	h.tap("I don't have a code")
	h.shows("A new code was sent.")
	if sent() != before+1 {
		h.fatal("\"I don't have a code\" after the wait sent no code")
	}
	second = h.lastCode()
	before = sent()
	h.tap("Sign in another way")
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
	h.tap("Sign in another way")
	h.tap("I don't have any of these")
	h.shows("Ask your help desk")
	h.shows("They can give you a Temporary Access Pass")
	h.tap("Back")
	h.shows("Sign in another way")
	h.tap("I don't have any of these")
	h.tap("Use a Temporary Access Pass")
	h.entry(h.u.tr.T("signin.passPlaceholder"))
}

// TestCodeScreenKeepsTheCodeSentWhenTheTextIsChosenAgain: app default,
// "Sign in another way", Text, "Use another method"... and Text again
// within the 30 s wait no longer dead-ends on "Sending a code…": the code
// already sent stays usable (Verify works with it), the wait counts down
// and ends, and "Resend code" comes back. "Open outbox" is there while
// delivery is the local outbox.
func TestCodeScreenKeepsTheCodeSentWhenTheTextIsChosenAgain(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	enrol := h.lastCode()
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, enrol)
	e, _ := h.svc.BeginAuthenticator(h.as(alice), alice.ID, "Pixel")
	code, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	app, _ := h.svc.Confirm(h.as(alice), alice.ID, e.VerificationID, code)
	if _, err := h.svc.SetDefault(h.as(alice), alice.ID, app.ID, ""); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Minute)
	h.u.Start()
	h.signInPage(alicePassword)
	h.shows("Enter the code displayed in your authenticator app (Pixel).")
	h.tap("Sign in another way")
	h.tap("Text +XX XXXXXXXX58")
	h.shows("We texted your phone +XX XXXXXXXX58.")
	sent := h.lastCode()
	// Delivery is the local outbox: the code screen opens it, with the
	// messages of this sign-in only.
	h.tap("Open outbox")
	h.shows(sent)
	h.notShows(enrol)
	h.tap("Close")
	h.advance(5 * time.Second)
	h.tap("Sign in another way")
	h.tap("Text +XX XXXXXXXX58")
	h.shows("We texted your phone +XX XXXXXXXX58.")
	h.notShows("Sending a code")
	h.shows("Resend code (25 s)")
	h.advance(10 * time.Second)
	h.shows("Resend code (15 s)")
	h.advance(15 * time.Second)
	if h.disabled("Resend code") {
		h.fatal("Resend did not come back after the wait")
	}
	if h.lastCode() != sent {
		h.fatal("choosing Text again sent another code")
	}
	test.Type(h.entry("Enter code"), sent)
	if h.disabled("Verify") {
		h.fatal("Verify stays disabled with the code that was sent")
	}
	h.tap("Verify")
	h.shows("These are the methods you use to sign into your account or reset your password.")
}

// TestTemporaryPasswordIsNotAskedAgain: signing in with the help desk's
// temporary password on the sign-in screen, the change that follows does not ask for it again as "Current password",
// and a confirmation follows the change.
func TestTemporaryPasswordIsNotAskedAgain(t *testing.T) {
	h, uma := deskHarness(t)
	h.verifyUma()
	h.tap("Reset password")
	h.tap("Yes")
	tmp := h.shownPass()
	h.tap("Done")
	h.u.signOut("")
	h.advance(time.Minute)
	h.toForm()
	h.entry("Account name, for example alice@contoso.com").SetText(uma.Name)
	test.Type(h.entry("Password"), tmp)
	h.tap("Sign in")
	h.shows("The help desk set a temporary password for you. Choose your own password before you go on.")
	h.notShows("Current password")
	var pw []*field
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.Password && visible(f) {
			pw = append(pw, f)
		}
	}
	if len(pw) != 2 {
		h.fatalf("%d password fields shown, want the new one and its confirmation", len(pw))
	}
	test.Type(pw[0], "a very own passphrase of mine")
	test.Type(pw[1], "a very own passphrase of mine")
	h.tap(h.u.tr.T("password.change"))
	h.shows("Your password was changed. Use the new one from now on.")
	if h.u.carried != "" {
		h.fatal("the temporary password is still kept after the change")
	}
	h.tap("Continue")
	h.notShows("The help desk set a temporary password for you.")
	if _, err := h.svc.SignIn(context.Background(), uma.Name, "a very own passphrase of mine"); err != nil {
		h.fatalf("the new password does not sign in: %v", err)
	}
}

// TestPassSignInAsksForTheNameFirstAndThenToRegister: "Use a Temporary
// Access Pass" with no name typed focuses the name, not the pass; after
// the pass signs in, the window says to register methods now.
func TestPassSignInAsksForTheNameFirstAndThenToRegister(t *testing.T) {
	h := newHarness(t, "en")
	uma, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "uma@contoso.com", DisplayName: "Uma Thurman", Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	ch, _ := h.svc.BeginEmail(h.as(uma), uma.ID, "uma@gmail.com", "en")
	h.svc.Confirm(h.as(uma), uma.ID, ch.VerificationID, h.lastCode())
	info, _ := h.svc.SecurityInfo(h.as(uma), uma.ID)
	if ch, err = h.svc.BeginIdentityCheck(h.admin, uma.ID, info.Methods[0].ID); err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.FinishIdentityCheck(h.admin, uma.ID, ch.VerificationID, h.lastCode()); err != nil {
		h.fatal(err)
	}
	pass, err := h.svc.CreateAccessPass(h.admin, uma.ID, core.AccessPassRequest{Reason: "INC-5"})
	if err != nil {
		h.fatal(err)
	}
	tr := h.u.tr
	h.u.Start()
	name := h.entry(tr.T("signin.namePlaceholder"))
	h.tap("Use a Temporary Access Pass")
	if h.w.Canvas().Focused() != name {
		h.fatalf("the pass field is focused while the name is empty")
	}
	test.Type(name, uma.Name)
	test.Type(h.entry(tr.T("signin.passPlaceholder")), pass.Pass)
	h.tap(tr.T("signin.submit"))
	h.shows("You signed in with a Temporary Access Pass: register your sign-in methods now, while the pass works.")
	if h.u.signOut(""); h.u.viaPass {
		h.fatal("the pass sign-in outlives sign-out")
	}
}

// TestLastNameIsPerPlace: the name the sign-in screen starts with is the
// one last used at the same data folder or server, not on another.
func TestLastNameIsPerPlace(t *testing.T) {
	a := test.NewTempApp(t)
	local := &scope{app: a, place: "/home/alice/.local/share/securityinfo"}
	server := &scope{app: a, place: "https://securityinfo.contoso.com"}
	local.setLastName("alice@contoso.com")
	if got := server.lastName(); got != "" {
		t.Fatalf("the server's sign-in starts with %q from the data folder", got)
	}
	server.setLastName("alice.smith@contoso.com")
	if got := local.lastName(); got != "alice@contoso.com" {
		t.Fatalf("the data folder's last name is %q", got)
	}
}
