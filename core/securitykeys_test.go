package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// addKey registers a software key for alice through the core, as the
// window does with a real one.
func addKey(t *testing.T, f *fixture, key *softkey.Key, name string) *core.MethodView {
	t.Helper()
	return addKeyTo(t, f, f.alice, key, name)
}

// addKeyTo registers a software key for acct.
func addKeyTo(t *testing.T, f *fixture, acct *core.Account, key *softkey.Key, name string) *core.MethodView {
	t.Helper()
	own := f.as(acct)
	ch, err := f.svc.BeginSecurityKey(own, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
	cd := rp.ClientData(true, ch.Challenge)
	id, att, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(cd), "1234", "packed", ch.Credentials...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.svc.ConfirmSecurityKey(own, acct.ID, ch.VerificationID, core.KeyRegistration{CredentialID: id, ClientData: cd, AttestationObject: att, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// keySignIn signs alice in with her password and key: the pending
// sign-in, the key's challenge, and the key's answer to it.
func keySignIn(t *testing.T, f *fixture, key *softkey.Key, pin string) (*core.SignInStep, string, core.KeyAssertion) {
	t.Helper()
	return keyAnswer(t, f, key, "", pin, nil)
}

// keyAnswer is keySignIn with the key answering for rpID ("" the one the
// core asked for) with a credential among allow (nil: the core's list).
func keyAnswer(t *testing.T, f *fixture, key *softkey.Key, rpID, pin string, allow [][]byte) (*core.SignInStep, string, core.KeyAssertion) {
	t.Helper()
	step, err := f.svc.SignIn(context.Background(), f.alice.Name, alicePassword)
	if err != nil || step.Pending == nil {
		t.Fatalf("sign in: %+v %v", step, err)
	}
	ch, err := f.svc.BeginKeySignIn(context.Background(), step.Pending.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rpID == "" {
		rpID = ch.RelyingPartyID
	}
	if allow == nil {
		allow = ch.Credentials
	}
	rp := securitykey.RelyingParty{ID: rpID}
	cd := rp.ClientData(false, ch.Challenge)
	id, ad, sig, err := key.GetAssertion(rp.ID, securitykey.ClientDataHash(cd), allow, pin)
	if err != nil {
		t.Fatal(err)
	}
	return step, ch.VerificationID, core.KeyAssertion{CredentialID: id, ClientData: cd, AuthenticatorData: ad, Signature: sig}
}

// TestSecurityKeyRegistersAndSignsIn: a key registered through the core
// (relying party: the sign-in domain) becomes a sign-in method, the
// default, and signs in with two steps; its answer is used once, and 32
// racing uses of it open one session.
func TestSecurityKeyRegistersAndSignsIn(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.BeginSecurityKey(f.own, f.alice.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a key while the policy does not allow them: %v", err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"}); err != nil {
		t.Fatal(err)
	}
	key := softkey.New()
	key.SetPIN("1234")
	m := addKey(t, f, key, "YubiKey 5")
	if m.Kind != core.KindSecurityKey || m.Detail != "YubiKey 5" {
		t.Fatalf("method: %+v", m)
	}
	info, _ := f.svc.SecurityInfo(f.own, f.alice.ID)
	if info.Default == nil || info.Default.MethodID != m.ID {
		t.Fatalf("default: %+v", info.Default)
	}
	// The same key again: the key itself refuses (the credential is excluded).
	ch, _ := f.svc.BeginSecurityKey(f.own, f.alice.ID)
	if len(ch.Credentials) != 1 || ch.RelyingPartyID != "contoso.com" {
		t.Fatalf("challenge: %+v", ch)
	}

	step, vid, a := keySignIn(t, f, key, "1234")
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s, err := f.svc.FinishKeySignIn(context.Background(), step.Pending.ID, vid, a); err == nil && s.Session.TwoStep {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d sessions from one answer, want 1", ok.Load())
	}
	// The same answer to a new sign-in's challenge: refused.
	step2, vid2, _ := keySignIn(t, f, key, "1234")
	if _, err := f.svc.FinishKeySignIn(context.Background(), step2.Pending.ID, vid2, a); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("a replayed answer: %v", err)
	}
}

// TestSecurityKeyRefusals: no PIN (not verified), another relying party,
// a key of another account, and a counter that went back (a clone: the key
// is then refused for good, and that is audited).
func TestSecurityKeyRefusals(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"}); err != nil {
		t.Fatal(err)
	}
	key := softkey.New()
	key.SetPIN("1234")
	addKey(t, f, key, "YubiKey")

	step, vid, a := keySignIn(t, f, key, "")
	if _, err := f.svc.FinishKeySignIn(context.Background(), step.Pending.ID, vid, a); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("without the PIN: %v", err)
	}
	// A key registered for no one here: its own credential and a good
	// signature, refused.
	other := softkey.New()
	other.SetPIN("1234")
	cd := securitykey.RelyingParty{ID: "contoso.com"}.ClientData(true, make([]byte, 32))
	oid, _, err := other.MakeCredential("contoso.com", securitykey.ClientDataHash(cd), "1234", "none")
	if err != nil {
		t.Fatal(err)
	}
	step, vid, a = keyAnswer(t, f, other, "", "1234", [][]byte{oid})
	if _, err := f.svc.FinishKeySignIn(context.Background(), step.Pending.ID, vid, a); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("a key not registered: %v", err)
	}
	// The organisation's relying party changes: the key's answers no
	// longer match.
	if _, err := f.svc.SetPolicy(f.ctx, []string{"relyingPartyId=fabrikam.com"}); err != nil {
		t.Fatal(err)
	}
	step, vid, a = keyAnswer(t, f, key, "contoso.com", "1234", nil)
	if _, err := f.svc.FinishKeySignIn(context.Background(), step.Pending.ID, vid, a); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("another relying party: %v", err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"relyingPartyId="}); err != nil {
		t.Fatal(err)
	}
	// A clone: the counter goes back.
	key.SetCounter(0)
	step, vid, a = keySignIn(t, f, key, "1234")
	if _, err := f.svc.FinishKeySignIn(context.Background(), step.Pending.ID, vid, a); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a counter going back: %v", err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: f.alice.ID})
	if last := events[len(events)-1]; last.Action != core.ActionKeyCloned {
		t.Fatalf("audit: %+v", last)
	}
	// The key is refused from then on, before any challenge, and an
	// answer to a challenge issued before is refused too.
	key.SetCounter(1000)
	step, _ = f.svc.SignIn(context.Background(), f.alice.Name, alicePassword)
	if _, err := f.svc.BeginKeySignIn(context.Background(), step.Pending.ID); core.ErrorCode(err) != core.EFORBIDDEN || !strings.Contains(core.ErrorMessage(err), "copied") {
		t.Fatalf("a challenge for the key after it was found cloned: %v", err)
	}
}

// TestAtMostTenSecurityKeys: an eleventh key is refused before any
// challenge is issued.
func TestAtMostTenSecurityKeys(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"}); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		key := softkey.New()
		key.SetPIN("1234")
		addKey(t, f, key, fmt.Sprintf("Key %d", i+1))
	}
	if _, err := f.svc.BeginSecurityKey(f.own, f.alice.ID); core.ErrorCode(err) != core.ECONFLICT || !strings.Contains(core.ErrorMessage(err), "You already have 10 of Security key") {
		t.Fatalf("an eleventh key: %v", err)
	}
}

// TestAttackAKeyWithoutAKey: a key's registration challenge is no code:
// it cannot be "resent" as one, and the generic Confirm does not turn it
// into a security key method that no key stands behind.
func TestAttackAKeyWithoutAKey(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"}); err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.BeginSecurityKey(f.own, f.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Resend(f.own, f.alice.ID, ch.VerificationID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("resending a key challenge as a code: %v", err)
	}
	if len(f.sent(t)) != 0 {
		t.Fatal("a code was sent for a key challenge")
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, "123456"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("confirming a key challenge with a code: %v", err)
	}
	if info, _ := f.svc.SecurityInfo(f.own, f.alice.ID); len(info.Methods) != 0 {
		t.Fatalf("a method was added: %+v", info.Methods)
	}
}
