package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

const keysQOn = "enabledMethods=authenticatorApp,phone,email,securityQuestions,securityKey"

// From an outsider's review of reset with a security key.

// TestAttackKeyOnlyAccountIsAlwaysReal: an account whose only reset
// method is a security key shows exactly one option; made-up names must
// show that too.
func TestAttackKeyOnlyAccountIsAlwaysReal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.SetPolicy(f.ctx, []string{keysOn}); err != nil {
		t.Fatal(err)
	}
	key := softkey.New()
	key.SetPIN("1234")
	addKey(t, f, key, "Only key")
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	realKinds := kindsOf(st.Options)
	for i := range 2000 {
		d, _ := f.svc.StartReset(ctx, fmt.Sprintf("nobody%d@contoso.com", i))
		if kindsOf(d.Options) == realKinds {
			return // a decoy looks the same: fine
		}
	}
	t.Errorf("no decoy among 2000 names shows %q: a key-only account is told apart from any made-up name", realKinds)
}

// TestAttackQuestionVerificationIntoKeyVerify: a security-questions
// verification of the same reset handed to ResetKeyVerify answers the same
// for a real account and a made-up one (it once found the real one's and
// said "expired").
func TestAttackQuestionVerificationIntoKeyVerify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.SetPolicy(f.ctx, []string{keysQOn}); err != nil {
		t.Fatal(err)
	}
	key := softkey.New()
	key.SetPIN("1234")
	addKey(t, f, key, "Key")
	if _, err := f.svc.AddQuestions(f.own, f.alice.ID, []core.QuestionAnswer{
		{Question: "city-born", Answer: "Leeds"}, {Question: "first-pet", Answer: "Rex"}, {Question: "childhood-nickname", Answer: "Bunny"}}); err != nil {
		t.Fatal(err)
	}
	realSt, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	decoy := decoyLike(t, f, realSt.Options)
	probe := func(name string) string {
		st, _ := f.svc.StartReset(ctx, name)
		k := option(t, st, core.KindSecurityKey, core.ChannelKey)
		q := option(t, st, core.KindSecurityQuestions, core.ChannelNone)
		qc, err := f.svc.ResetQuestions(ctx, st.ResetID, q.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ResetKeyVerify(ctx, st.ResetID, k.ID, qc.VerificationID, core.KeyAssertion{CredentialID: []byte{1}})
		return fmt.Sprintf("%s %q", core.ErrorCode(err), core.ErrorMessage(err))
	}
	r, d := probe("alice@contoso.com"), probe(decoy)
	if r != d {
		t.Errorf("question verification in ResetKeyVerify tells real from decoy:\n real:  %s\n decoy: %s", r, d)
	}
}

// TestAttackCodeVerificationIntoKeyVerify: the same with a code's.
func TestAttackCodeVerificationIntoKeyVerify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	phoneAndKey(t, f)
	realSt, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	decoy := decoyLike(t, f, realSt.Options)
	probe := func(name string) string {
		st, _ := f.svc.StartReset(ctx, name)
		k := option(t, st, core.KindSecurityKey, core.ChannelKey)
		p := option(t, st, core.KindPhone, core.ChannelSMS)
		ch, err := f.svc.ResetSendCode(ctx, st.ResetID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ResetKeyVerify(ctx, st.ResetID, k.ID, ch.VerificationID, core.KeyAssertion{CredentialID: []byte{1}})
		return fmt.Sprintf("%s %q", core.ErrorCode(err), core.ErrorMessage(err))
	}
	r, d := probe("alice@contoso.com"), probe(decoy)
	if r != d {
		t.Errorf("code verification in ResetKeyVerify tells real from decoy:\n real:  %s\n decoy: %s", r, d)
	}
}

// TestAttackCredentialCount: a reset's key challenge lists as many
// credentials for a real account with three keys as for made-up names,
// of lengths keys make.
func TestAttackCredentialCount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.SetPolicy(f.ctx, []string{keysOn}); err != nil {
		t.Fatal(err)
	}
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	for i := range 3 {
		k := softkey.New()
		k.SetPIN("1234")
		addKey(t, f, k, fmt.Sprint("Key ", i))
	}
	counts, lens := map[int]int{}, map[int]int{}
	for i := range 400 {
		st, _ := f.svc.StartReset(ctx, fmt.Sprintf("nobody%d@contoso.com", i))
		if len(st.Options) == 0 || st.Options[0].Kind != core.KindSecurityKey {
			continue
		}
		ch, err := f.svc.ResetKeyChallenge(ctx, st.ResetID, st.Options[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		counts[len(ch.Credentials)]++
		for _, c := range ch.Credentials {
			lens[len(c)]++
		}
	}
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	ch, _ := f.svc.ResetKeyChallenge(ctx, st.ResetID, st.Options[0].ID)
	if len(counts) != 1 || counts[len(ch.Credentials)] == 0 || len(lens) < 5 {
		t.Errorf("decoy credential counts %v, lengths %v; real: %d credentials", counts, lens, len(ch.Credentials))
	}
}

// TestAttackKeyProofCountsAfterKeysDisabled: a key's proof stops counting
// when the policy stops allowing keys during the reset.
func TestAttackKeyProofCountsAfterKeysDisabled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key := phoneAndKey(t, f, "methodsRequiredForReset=2")
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	o := option(t, st, core.KindSecurityKey, core.ChannelKey)
	ch, a := resetKeyAnswer(t, f, st, o, key, "", "1234")
	if _, err := f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email"}); err != nil {
		t.Fatal(err)
	}
	p := option(t, st, core.KindPhone, core.ChannelSMS)
	sc, err := f.svc.ResetSendCode(ctx, st.ResetID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err = f.svc.ResetVerify(ctx, st.ResetID, p.ID, sc.VerificationID, f.lastCode(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR-long"); core.ErrorCode(err) != core.EFORBIDDEN || st.Proven != 1 {
		t.Errorf("password reset with a key proof counted after the policy disabled keys (proven=%d): %v", st.Proven, err)
	}
}

// TestAttackOneKeyTwoMethods: keys count as one method: once one key
// proved the key option, deleting that key mid-reset does not bring the
// option back for another key (it once did, under the next key's ID, and
// one key counted as two methods).
func TestAttackOneKeyTwoMethods(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.SetPolicy(f.ctx, []string{keysOn, "methodsRequiredForReset=2"}); err != nil {
		t.Fatal(err)
	}
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	k1, k2 := softkey.New(), softkey.New()
	k1.SetPIN("1234")
	k2.SetPIN("1234")
	m1, m2 := addKey(t, f, k1, "K1"), addKey(t, f, k2, "K2")
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	o := option(t, st, core.KindSecurityKey, core.ChannelKey)
	// The option is named after one of the keys; the other one signs.
	named, signer := m1, k2
	if strings.HasPrefix(o.ID, m2.ID+":") {
		named, signer = m2, k1
	}
	ch, a := resetKeyAnswer(t, f, st, o, signer, "", "1234")
	st, err := f.svc.ResetKeyVerify(ctx, st.ResetID, o.ID, ch.VerificationID, a)
	if err != nil {
		t.Fatal(err)
	}
	// The key the option is named after goes away mid-reset (its owner
	// removes it on another device).
	if _, err := f.svc.DeleteMethod(f.own, f.alice.ID, named.ID); err != nil {
		t.Fatal(err)
	}
	cur, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	o2 := option(t, cur, core.KindSecurityKey, core.ChannelKey)
	if o2.ID == o.ID {
		t.Fatal("option ID did not change")
	}
	if _, err := f.svc.ResetKeyChallenge(ctx, st.ResetID, o2.ID); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("the key option under the next key's ID, after a key proved it: %v", err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR-long"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("one physical key counted as two methods: %v", err)
	}
}

// TestAttackKeyChallengesPerReset: a reset asks for at most MaxKeyAsks
// key challenges, real or made-up alike (a made-up reset once kept every
// challenge and grew, and slowed, without bound).
func TestAttackKeyChallengesPerReset(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.svc.SetPolicy(f.ctx, []string{keysOn})
	key := softkey.New()
	key.SetPIN("1234")
	addKey(t, f, key, "Key")
	var decoy string
	for i := range 200 {
		n := fmt.Sprintf("someone%d@contoso.com", i)
		if st, _ := f.svc.StartReset(ctx, n); st.Options[0].Kind == core.KindSecurityKey {
			decoy = n
			break
		}
	}
	for _, name := range []string{"alice@contoso.com", decoy} {
		st, _ := f.svc.StartReset(ctx, name)
		for i := range core.MaxKeyAsks + 1 {
			c := core.WithClient(ctx, fmt.Sprintf("10.0.0.%d", i))
			_, err := f.svc.ResetKeyChallenge(c, st.ResetID, st.Options[0].ID)
			if i < core.MaxKeyAsks && err != nil || i == core.MaxKeyAsks && core.ErrorCode(err) != core.ELIMITED {
				t.Fatalf("%s: challenge %d: %v", name, i+1, err)
			}
		}
	}
}
