package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
)

// heldRunner runs work at once and, while hold is set, keeps done until
// release: an answer that arrives late, as a slow SMS provider's does.
type heldRunner struct {
	hold  bool
	dones []func()
}

func (r *heldRunner) Run(work, done func()) {
	work()
	if r.hold {
		r.dones = append(r.dones, done)
		return
	}
	done()
}

func (r *heldRunner) releaseOne() {
	d := r.dones[0]
	r.dones = r.dones[1:]
	d()
}

func (r *heldRunner) release() {
	ds := r.dones
	r.dones = nil
	for _, d := range ds {
		d()
	}
}

// TestAttackLateSMSAnswerDoesNotHijackTheAppScreen: the default (a
// text) is being sent; the person goes "Sign in another way" and picks
// the authenticator app before the send answers. The late answer must
// not set the phone's verification and lead on the app's screen (the
// app's right code would then go with the SMS verification).
func TestAttackLateSMSAnswerDoesNotHijackTheAppScreen(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(900, 640))
	t.Cleanup(w.Close)
	r := &heldRunner{}
	h := newHarnessOn(t, "en", a, w, r)
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	e, _ := h.svc.BeginAuthenticator(h.as(alice), alice.ID, "Pixel")
	code, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	h.svc.Confirm(h.as(alice), alice.ID, e.VerificationID, code)
	h.advance(time.Minute)

	h.u.Start()
	r.hold = true
	h.signInPage(alicePassword)
	r.releaseOne() // the password's answer: the code screen, whose send to the phone is slow
	h.shows("Sending")
	h.tap("Sign in another way")
	h.tap("Use a verification code from Pixel")
	h.shows("Enter the code displayed in your authenticator app (Pixel).")
	r.hold = false
	r.release() // the text's answer arrives
	if strings.Contains(h.text(), "We texted your phone") {
		t.Errorf("the phone's late answer took over the app's screen:\n%s", h.text())
	}
	h.advance(30 * time.Second)
	next, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	test.Type(h.entry("Enter code"), next)
	h.tap("Verify")
	h.shows("These are the methods you use to sign into your account or reset your password.")
}

// TestAttackApprovalWaitStopsWithTheSession: an agent asks for a
// second approval, then signs out (or switches account): the page's
// 3-second poll stops, and would stop on any failed answer.
func TestAttackApprovalWaitStopsWithTheSession(t *testing.T) {
	for _, how := range []string{"signOut", "switchAccount"} {
		t.Run(how, func(t *testing.T) {
			h, _ := deskHarness(t)
			if how == "switchAccount" {
				h.sessions = &keptTokens{m: map[string]string{}}
				h.u.back.Sessions = h.sessions
			}
			tr := h.u.tr
			if _, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "wes@contoso.com", DisplayName: "Wes Walkup", Password: alicePassword}); err != nil {
				h.fatal(err)
			}
			h.u.nav.Select(len(h.u.pages) - 1)
			test.Type(h.entry(tr.T("helpdesk.searchPlaceholder")), "wes")
			h.u.helpdesk.list.Select(0)
			h.tap("Verify in person with photo ID")
			test.Type(h.entry(tr.T("helpdesk.reasonPlaceholder")), "INC-60 passport")
			h.tap("Verify in person with photo ID")
			h.shows("Waiting for a second approval until 09:")
			if how == "signOut" {
				h.u.signOut("")
			} else {
				h.u.switchAccount()
			}
			var calls int
			svc := h.u.svc
			h.u.svc = countingService{Service: svc, n: &calls}
			for i := 0; i < 20; i++ {
				h.advance(time.Hour) // long past the approval's expiry
			}
			if calls > 0 {
				t.Fatalf("after %s, the help-desk page still asked the service %d times", how, calls)
			}
		})
	}
}

type countingService struct {
	core.Service
	n *int
}

func (c countingService) ApprovalStatus(ctx context.Context, id string) (*core.Approval, error) {
	*c.n++
	return nil, core.Errorf(core.EFORBIDDEN, "signed out")
}

// TestAttackForgetEndsTheKeptSession: "Forget this account" drops the
// kept token from the keyring and ends the session it names on the
// service, so it is no longer live or listed among alice's devices.
func TestAttackForgetEndsTheKeptSession(t *testing.T) {
	h := newHarness(t, "en")
	kept := &keptTokens{m: map[string]string{}}
	h.sessions = kept
	alice := h.withAccount()
	token := kept.m["alice@contoso.com"]
	h.u.switchAccount()
	h.tap("Forget this account")
	if _, ok := kept.m["alice@contoso.com"]; ok {
		h.fatal("still in the keyring")
	}
	if _, err := h.svc.ResumeSession(context.Background(), token); err == nil {
		ss, _ := h.svc.Sessions(h.admin, alice.ID)
		t.Fatalf("the forgotten account's session is still live (%d sessions)", len(ss))
	}
}
