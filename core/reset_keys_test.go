package core_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

const keysOn = "enabledMethods=authenticatorApp,phone,email,securityKey"

// phoneAndKey gives alice a phone and a software key (PIN 1234) under a
// policy that allows keys, with more policy pairs.
func phoneAndKey(t *testing.T, f *fixture, policy ...string) *softkey.Key {
	t.Helper()
	if _, err := f.svc.SetPolicy(f.ctx, append([]string{keysOn}, policy...)); err != nil {
		t.Fatal(err)
	}
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	key := softkey.New()
	key.SetPIN("1234")
	addKey(t, f, key, "Key")
	return key
}

// resetKeyAnswer asks the reset's key option for a challenge and has key
// answer it (for rpID, "" the one asked for; with pin).
func resetKeyAnswer(t *testing.T, f *fixture, st *core.ResetState, o core.ResetOption, key *softkey.Key, rpID, pin string) (*core.KeyChallenge, core.KeyAssertion) {
	t.Helper()
	ch, err := f.svc.ResetKeyChallenge(context.Background(), st.ResetID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rpID == "" {
		rpID = ch.RelyingPartyID
	}
	cd := securitykey.RelyingParty{ID: rpID}.ClientData(false, ch.Challenge)
	id, ad, sig, err := key.GetAssertion(rpID, securitykey.ClientDataHash(cd), ch.Credentials, pin)
	if err != nil {
		t.Fatal(err)
	}
	return ch, core.KeyAssertion{CredentialID: id, ClientData: cd, AuthenticatorData: ad, Signature: sig}
}

// TestResetWithSecurityKey: the account's keys are one reset option,
// listed first, that a key's assertion proves; the new password is then
// set. Without the policy allowing keys the option is gone.
func TestResetWithSecurityKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.SetPolicy(f.ctx, []string{keysOn}); err != nil {
		t.Fatal(err)
	}
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	key, spare := softkey.New(), softkey.New()
	key.SetPIN("1234")
	spare.SetPIN("1234")
	addKey(t, f, key, "YubiKey blue")
	addKey(t, f, spare, "Spare key")
	st, err := f.svc.StartReset(ctx, "alice@contoso.com")
	if err != nil || kindsOf(st.Options) != "securityKey/key phone/sms phone/voice" || st.Options[0].Masked != "Security key" {
		t.Fatalf("start = %+v, %v", st, err)
	}
	// Either key proves the one option.
	ch, a := resetKeyAnswer(t, f, st, st.Options[0], spare, "", "1234")
	if len(ch.Credentials) != 4 || ch.RelyingPartyID != "contoso.com" {
		t.Fatalf("challenge: %+v", ch)
	}
	st, err = f.svc.ResetKeyVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, a)
	if err != nil || !st.Ready() || kindsOf(st.Options) != "phone/sms phone/voice" {
		t.Fatalf("verify = %+v, %v", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(ctx, "alice@contoso.com", "k8#mQz!vR"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}

	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.svc.StartReset(ctx, "alice@contoso.com"); kindsOf(st.Options) != "phone/sms phone/voice" {
		t.Fatalf("keys offered while the policy does not allow them: %+v", st.Options)
	}
}

// TestAttackResetWithSecurityKey: what an attacker tries against the
// reset's key option: no PIN, another relying party, a tampered
// signature, the answer to another challenge, a replay, a sign-in's
// challenge, a key that is not the account's, 32 racing uses of one
// answer; failures count toward the name's lockout.
func TestAttackResetWithSecurityKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key := phoneAndKey(t, f, "methodsRequiredForReset=2")
	st, err := f.svc.StartReset(ctx, "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	o := option(t, st, core.KindSecurityKey, core.ChannelKey)
	refused := func(what string, vid string, a core.KeyAssertion, want string) {
		t.Helper()
		if _, err := f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, vid, a); core.ErrorCode(err) != want {
			t.Fatalf("%s: %v, want %s", what, err, want)
		}
	}
	ch, a := resetKeyAnswer(t, f, st, o, key, "", "")
	refused("without the PIN", ch.VerificationID, a, core.EWRONGCODE)
	// The organisation's relying party is another than the key's.
	f.svc.SetPolicy(f.ctx, []string{"relyingPartyId=fabrikam.com"})
	ch, a = resetKeyAnswer(t, f, st, o, key, "contoso.com", "1234")
	refused("another relying party", ch.VerificationID, a, core.EWRONGCODE)
	f.svc.SetPolicy(f.ctx, []string{"relyingPartyId="})
	ch, a = resetKeyAnswer(t, f, st, o, key, "", "1234")
	bad := a
	bad.Signature = append([]byte(nil), a.Signature...)
	bad.Signature[len(bad.Signature)-1] ^= 1
	refused("a tampered signature", ch.VerificationID, bad, core.EWRONGCODE)
	refused("an answer after its challenge was used", ch.VerificationID, a, core.EEXPIRED)
	_, a1 := resetKeyAnswer(t, f, st, o, key, "", "1234")
	ch2, _ := resetKeyAnswer(t, f, st, o, key, "", "1234")
	refused("the answer to another challenge", ch2.VerificationID, a1, core.EWRONGCODE)
	other := softkey.New()
	other.SetPIN("1234")
	cd := securitykey.RelyingParty{ID: "contoso.com"}.ClientData(true, make([]byte, 32))
	oid, _, _ := other.MakeCredential("contoso.com", securitykey.ClientDataHash(cd), "1234", "none")
	ch3, _ := f.svc.ResetKeyChallenge(ctx, st.ResetID, o.ID)
	cd3 := securitykey.RelyingParty{ID: "contoso.com"}.ClientData(false, ch3.Challenge)
	id, ad, sig, _ := other.GetAssertion("contoso.com", securitykey.ClientDataHash(cd3), [][]byte{oid}, "1234")
	refused("a key that is not the account's", ch3.VerificationID, core.KeyAssertion{CredentialID: id, ClientData: cd3, AuthenticatorData: ad, Signature: sig}, core.EWRONGCODE)

	// A sign-in's key challenge does not prove a reset.
	_, vid, sa := keySignIn(t, f, key, "1234")
	refused("a sign-in's challenge", vid, sa, core.ENOTFOUND)

	// 32 racing uses of one good answer: one proves the key.
	ch, a = resetKeyAnswer(t, f, st, o, key, "", "1234")
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, err := f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, a); err == nil && st.Proven == 1 {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d proofs from one answer, want 1", ok.Load())
	}
	// The key counts once: proven, it is no longer offered.
	if st, _ := f.svc.ResetKeyChallenge(ctx, st.ResetID, o.ID); st != nil {
		t.Fatalf("the proven key was offered again: %+v", st)
	}
	// Enough failures lock the name, as wrong codes do.
	for i := 0; ; i++ {
		ch, err := f.svc.ResetKeyChallenge(ctx, st.ResetID, o.ID)
		if core.ErrorCode(err) == core.ELOCKED {
			break
		}
		if i > 20 {
			t.Fatal("failed key answers never lock the name")
		}
		if ch == nil {
			st2, err := f.svc.StartReset(ctx, "alice@contoso.com")
			if core.ErrorCode(err) == core.ELOCKED {
				break
			}
			st, o = st2, option(t, st2, core.KindSecurityKey, core.ChannelKey)
			continue
		}
		f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, bad)
	}
}

// TestResetKeyDecoyLooksTheSame: a name without an account offers a
// security key to some names only when the policy allows keys, and its
// key option answers as a real account's does to a stranger with a key:
// the challenge's relying party and credentials, the refusal of another
// key, of a forged answer for a listed credential, of a used challenge.
func TestResetKeyDecoyLooksTheSame(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	decoyWithKey := func() string {
		for i := range 200 {
			n := fmt.Sprintf("someone%d@contoso.com", i)
			st, _ := f.svc.StartReset(ctx, n)
			if len(st.Options) > 0 && st.Options[0].Kind == core.KindSecurityKey {
				return n
			}
		}
		return ""
	}
	if n := decoyWithKey(); n != "" {
		t.Fatalf("%s offers a key while the policy does not allow them", n)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{keysOn}); err != nil {
		t.Fatal(err)
	}
	decoy := decoyWithKey()
	if decoy == "" {
		t.Fatal("no made-up name offers a security key")
	}
	bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	bobKey := softkey.New()
	bobKey.SetPIN("1234")
	addKeyTo(t, f, bob, bobKey, "Key")
	stranger := softkey.New()
	stranger.SetPIN("1234")

	transcript := func(name string) []string {
		st, err := f.svc.StartReset(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		o := st.Options[0]
		var out []string
		note := func(err error) { out = append(out, fmt.Sprintf("%s %q", core.ErrorCode(err), core.ErrorMessage(err))) }
		ch, err := f.svc.ResetKeyChallenge(ctx, st.ResetID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %q rp=%s challenge=%d creds=%d life=%s", o.Kind, o.Masked, ch.RelyingPartyID, len(ch.Challenge),
			len(ch.Credentials), ch.ExpiresAt.Sub(f.clock.Now())))
		// A stranger's key: it has none of the listed credentials.
		cd := securitykey.RelyingParty{ID: ch.RelyingPartyID}.ClientData(false, ch.Challenge)
		if _, _, _, err := stranger.GetAssertion(ch.RelyingPartyID, securitykey.ClientDataHash(cd), ch.Credentials, "1234"); err == nil {
			t.Fatal("a stranger's key signed for a listed credential")
		}
		sid := make([]byte, 64)
		_, err = f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, core.KeyAssertion{CredentialID: sid, ClientData: cd, AuthenticatorData: make([]byte, 37), Signature: make([]byte, 70)})
		note(err)
		_, err = f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, core.KeyAssertion{CredentialID: sid, ClientData: cd})
		note(err)
		// A forged answer for a listed credential.
		ch, _ = f.svc.ResetKeyChallenge(ctx, st.ResetID, o.ID)
		_, err = f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, core.KeyAssertion{CredentialID: ch.Credentials[0], ClientData: cd,
			AuthenticatorData: make([]byte, 37), Signature: make([]byte, 70)})
		note(err)
		_, err = f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, "0123456789abcdef0123456789abcdef", core.KeyAssertion{})
		note(err)
		// A fresh challenge each time, for the same credentials.
		again, _ := f.svc.ResetKeyChallenge(ctx, st.ResetID, o.ID)
		if string(again.Challenge) == string(ch.Challenge) || fmt.Sprint(again.Credentials) != fmt.Sprint(ch.Credentials) {
			t.Fatal("a key option's challenge repeats, or its credentials change")
		}
		return out
	}
	real, made := transcript("bob@contoso.com"), transcript(decoy)
	if fmt.Sprint(real) != fmt.Sprint(made) {
		t.Fatalf("a real key option and a made-up one differ:\nreal %q\nmade %q", real, made)
	}
}
