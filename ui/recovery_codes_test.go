package ui

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

var shownCodeRE = regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$`)

// shownCodes are the recovery codes on screen.
func (h *harness) shownCodes() []string {
	var out []string
	for _, l := range strings.Split(h.text(), "\n") {
		if shownCodeRE.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// withPhoneAndSession gives alice a phone and signs her in again with
// it, so that her session may change her security info.
func (h *harness) withPhoneAndSession() *core.Account {
	h.t.Helper()
	alice := h.withAccount()
	ch, err := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode()); err != nil {
		h.fatal(err)
	}
	h.relogin()
	return alice
}

// useCodes signs alice in with n of codes through the service, as if on
// other computers.
func (h *harness) useCodes(alice *core.Account, set *core.RecoveryCodes, codes []string) {
	h.t.Helper()
	for _, c := range codes {
		step, err := h.svc.SignIn(context.Background(), alice.Name, alicePassword)
		if err != nil {
			h.fatal(err)
		}
		if _, err := h.svc.FinishSignIn(context.Background(), step.Pending.ID, set.MethodID, "", c); err != nil {
			h.fatal(err)
		}
	}
}

// TestRecoveryCodesInTheWindow: Add › Recovery codes shows 10 codes once,
// with Copy and "Save as a text file"; Done leaves "10 of 10 left" on the
// page and the codes nowhere; at 2 left the page warns; "Get new codes"
// asks first, then shows 10 others, and the old ones stop working.
func TestRecoveryCodesInTheWindow(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withPhoneAndSession()
	h.addMethod("Recovery codes")
	h.shows("Save your recovery codes")
	h.shows("These codes won't be shown again.")
	codes := h.shownCodes()
	if len(codes) != 10 {
		t.Fatalf("%d codes shown, want 10:\n%s", len(codes), h.text())
	}
	test.AssertRendersToMarkup(t, "recovery_codes.xml", h.w.Canvas())
	h.tap("Copy")
	clip := h.u.app.Clipboard().Content()
	for _, c := range codes {
		if !strings.Contains(clip, c) {
			t.Fatalf("copied %q, without %s", clip, c)
		}
	}
	h.shows("Copied")
	before := h.dialogs()
	h.tap("Save as a text file")
	if h.dialogs() != before+1 {
		t.Fatalf("Save as a text file opened %d dialogs, want a file dialog", h.dialogs()-before)
	}
	h.w.Canvas().Overlays().Top().Hide()
	h.w.Canvas().Overlays().Remove(h.w.Canvas().Overlays().Top())
	h.tap("Done")
	if h.dialogs() != 0 {
		t.Fatalf("%d dialogs left open after Done", h.dialogs())
	}
	h.shows("10 of 10 left")
	h.shows("Get new codes")
	for _, c := range codes {
		h.notShows(c)
	}
	var set *core.RecoveryCodes
	for _, m := range h.methods(alice) {
		if m.Kind == core.KindRecoveryCodes {
			set = &core.RecoveryCodes{MethodID: m.ID}
		}
	}
	h.useCodes(alice, set, codes[:8])
	h.u.reloadAll()
	h.shows("2 of 10 left")
	h.shows("You have only 2 recovery codes left. Get new codes so you can still sign in if you lose your phone or app.")
	test.AssertRendersToMarkup(t, "page_recovery_codes_low.xml", h.w.Canvas())

	h.tap("Get new codes")
	h.shows("Your current recovery codes will stop working at once")
	h.tap("Get new codes") // the dialog's, on top
	fresh := h.shownCodes()
	if len(fresh) != 10 || fresh[0] == codes[0] {
		t.Fatalf("new codes %v, old %v", fresh, codes)
	}
	h.tap("Done")
	h.shows("10 of 10 left")
	h.notShows("You have only")
	step, _ := h.svc.SignIn(context.Background(), alice.Name, alicePassword)
	if _, err := h.svc.FinishSignIn(context.Background(), step.Pending.ID, set.MethodID, "", codes[9]); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("an old code after Get new codes: %v", err)
	}
}

func TestCodesText(t *testing.T) {
	got := codesText(text{lang: "en"}, "alice@contoso.com", []string{"7QKD-M2XF-9PLA", "2345-6789-ABCD"})
	want := "Recovery codes for alice@contoso.com. Each code works once. Keep them safe.\n\n 1. 7QKD-M2XF-9PLA\n 2. 2345-6789-ABCD\n"
	if got != want {
		t.Fatalf("codesText = %q, want %q", got, want)
	}
	var buf closingBuffer
	if err := writeCodes(&buf, got); err != nil || buf.String() != want || !buf.closed {
		t.Fatalf("writeCodes: %v, %q, closed %v", err, buf.String(), buf.closed)
	}
}

type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closingBuffer) Close() error { b.closed = true; return nil }

// signedInWithCodes makes alice (a phone and recovery codes) and shows
// the window's sign-in, name and password typed.
func (h *harness) signedInWithCodes() (*core.Account, *core.RecoveryCodes) {
	h.t.Helper()
	alice, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", DisplayName: "Alice Smith", Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	h.svc.SetPolicy(h.admin, []string{"requireRegistration=false"})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	set, err := h.svc.AddRecoveryCodes(h.as(alice), alice.ID)
	if err != nil {
		h.fatal(err)
	}
	h.u.Start()
	h.entry(h.u.tr.T("signin.namePlaceholder")).SetText(alice.Name)
	test.Type(h.entry(h.u.tr.T("signin.passwordPlaceholder")), alicePassword)
	h.tap("Sign in")
	return alice, set
}

// TestSignInWithARecoveryCodeInTheWindow: "Sign in another way" and "I
// don't have any of these" offer "Use a recovery code"; a used code is
// refused under the field; a fresh one signs in, and the page offers the
// lost-device path.
func TestSignInWithARecoveryCodeInTheWindow(t *testing.T) {
	h := newHarness(t, "en")
	alice, set := h.signedInWithCodes()
	h.tap("Sign in another way")
	h.tap("I don't have any of these")
	h.shows("If you saved recovery codes, you can use one now, without the help desk.")
	if f := h.w.Canvas().Focused(); f == nil || f.(*button).Text != "Use a recovery code" {
		t.Fatalf("focus on %v, want Use a recovery code", f)
	}
	h.tap("Back")
	h.tap("Use a recovery code")
	h.shows("Enter one of the recovery codes you saved.")
	test.AssertRendersToMarkup(t, "signin_recovery_code.xml", h.w.Canvas())
	field := h.entry("Recovery code, like 7QKD-M2XF-9PLA")
	h.useCodes(alice, set, set.Codes[:1])
	test.Type(field, "7QKD-M2XF")
	if !h.disabled("Verify") {
		t.Fatal("Verify enabled on a part of a code")
	}
	field.SetText(set.Codes[0])
	h.tap("Verify")
	h.shows("That recovery code is wrong or was already used.")
	field.SetText(strings.ToLower(set.Codes[1]))
	h.tap("Verify")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	events, _ := h.svc.AuditLog(h.admin, core.AuditFilter{AccountID: alice.ID})
	if last := events[len(events)-1]; last.Action != core.ActionSignedIn || last.Detail != "password and recovery code" {
		t.Fatalf("last event %+v, want a sign-in with a recovery code", last)
	}
	// Signed in with a code, not a device: the way back to a new phone
	// or app is offered at once.
	h.tap("I lost a phone or app")
	h.shows("Replace a lost phone or app")
}

// TestResetWithARecoveryCodeInTheWindow: "Forgot my password" offers "Use
// a recovery code"; a code proves the one method the policy asks for.
func TestResetWithARecoveryCodeInTheWindow(t *testing.T) {
	h := newHarness(t, "en")
	_, set := h.signedInWithCodes()
	newSignInScreen(h.u.door(), "").show()
	h.tap("Forgot my password")
	h.entry(h.u.tr.T("signin.namePlaceholder")).SetText("alice@contoso.com")
	h.tap("Next")
	h.tap("Use a recovery code")
	test.Type(h.entry("Recovery code, like 7QKD-M2XF-9PLA"), set.Codes[3])
	h.tap("Verify")
	h.tappable("Finish") // the new password is asked
	if left := h.methodsLeft(t); left != 9 {
		t.Fatalf("%d codes left after the reset's, want 9", left)
	}
}

func (h *harness) methodsLeft(t *testing.T) int {
	accts, _ := h.svc.Accounts(h.admin)
	for _, m := range h.methods(accts[0]) {
		if m.Kind == core.KindRecoveryCodes {
			return m.CodesLeft
		}
	}
	t.Fatal("no recovery codes")
	return 0
}

var _ fyne.Tappable = (*button)(nil)

// TestHelpdeskSeesHowManyCodesAreLeft: the desk's summary and its list of
// methods say "Recovery codes: 7 left" and nothing of the codes; the set
// is deleted like any method, with the reason.
func TestHelpdeskSeesHowManyCodesAreLeft(t *testing.T) {
	h, uma := deskHarness(t)
	set, err := h.svc.AddRecoveryCodes(h.as(uma), uma.ID)
	if err != nil {
		h.fatal(err)
	}
	for _, c := range set.Codes[:3] { // three resets with a code each
		st, err := h.svc.StartReset(context.Background(), uma.Name)
		if err != nil {
			h.fatal(err)
		}
		if _, err := h.svc.ResetVerify(context.Background(), st.ResetID, core.RecoveryOptionID, "", c); err != nil {
			h.fatal(err)
		}
	}
	h.verifyUma()
	h.shows("Recovery codes: 7 left · ")
	for _, c := range set.Codes {
		h.notShows(c)
	}
	h.selects()[1].SetSelected("Recovery codes: 7 left")
	h.tap("Delete")
	h.tap("Yes")
	for _, m := range h.methods(uma) {
		if m.Kind == core.KindRecoveryCodes {
			h.fatalf("the set is still there: %+v", m)
		}
	}
	events, _ := h.svc.AuditLog(h.admin, core.AuditFilter{AccountID: uma.ID})
	last := events[len(events)-1]
	if last.Action != core.ActionMethodDeleted || last.Kind != core.KindRecoveryCodes || !strings.HasPrefix(last.Reason, "INC-51") {
		h.fatalf("audit: %+v", last)
	}
}
