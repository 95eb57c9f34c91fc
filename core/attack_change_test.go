package core_test

import (
	"context"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestAttackChangeVoidsCodesSentToTheOldNumber: a person changes their
// phone because the old number is no longer theirs (lost, stolen, given
// back). A password-reset code sent to the old number just before the
// change does not prove the changed method (it keeps its ID): a code
// proves a method only while the method still has the destination the
// code went to.
func TestAttackChangeVoidsCodesSentToTheOldNumber(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))

	// Whoever holds the old phone starts a reset and receives the code.
	st, err := f.svc.StartReset(ctx, "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	oldCode := f.lastCode(t)

	// Alice changes the number to her new phone.
	change, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460111", Replaces: "alicephone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, change.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}

	// The code the old number got must no longer prove the phone.
	st, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, oldCode)
	if err == nil {
		if perr := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR-taken"); perr == nil {
			t.Fatalf("the old number's code, sent before the change, reset alice's password after it")
		}
		t.Fatalf("the old number's code proved the changed phone: %+v", st)
	}
}

// TestAttackChangeVoidsSignInCodesSentToTheOldNumber: the same for a
// sign-in's second step (someone with alice's password and the old
// phone).
func TestAttackChangeVoidsSignInCodesSentToTheOldNumber(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	step, err := f.svc.SignIn(context.Background(), "alice@contoso.com", alicePassword)
	if err != nil || step.Pending == nil {
		t.Fatalf("sign in: %+v %v", step, err)
	}
	o := step.Pending.Options[0]
	ch, err := f.svc.SendSignInCode(context.Background(), step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		t.Fatal(err)
	}
	oldCode := f.lastCode(t)
	change, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460111", Replaces: "alicephone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, change.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.FinishSignIn(context.Background(), step.Pending.ID, o.MethodID, ch.VerificationID, oldCode); err == nil {
		t.Fatalf("signed in with a code sent to the number that was changed away: %+v", got.Session != nil)
	}
}

// TestAttackChangeCannotDuplicateANumber: a number already one of the
// account's phones is refused at Confirm too, not only at BeginPhone: a
// change to X begun while X is being added as another phone cannot end
// with the same number twice.
func TestAttackChangeCannotDuplicateANumber(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	const x = "+442079460111"
	change, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: x, Replaces: "alicephone"})
	if err != nil {
		t.Fatal(err)
	}
	changeCode := f.lastCode(t)
	f.clock.Advance(61e9)
	add, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindAlternatePhone, Number: x, Channel: core.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	addCode := f.lastCode(t)
	_, err1 := f.svc.Confirm(f.own, f.alice.ID, add.VerificationID, addCode)
	_, err2 := f.svc.Confirm(f.own, f.alice.ID, change.VerificationID, changeCode)
	if err1 == nil && err2 == nil {
		info, _ := f.svc.SecurityInfo(f.own, f.alice.ID)
		n := 0
		for _, m := range info.Methods {
			if m.Detail == x {
				n++
			}
		}
		t.Fatalf("the same number is now %d of alice's phones: %+v", n, info.Methods)
	}
}

// TestAttackChangeHonoursDisabledKinds: the administrator no longer
// allows office phones (or email): an add is refused, and so is a Change
// pointing the existing office phone at a new number.
func TestAttackChangeHonoursDisabledKinds(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"),
		&core.Method{ID: "office", Kind: core.KindOfficePhone, Detail: "+442079460100", Channel: core.ChannelVoice})
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=phone,authenticatorApp,email"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindOfficePhone, Number: "+442079460199", Channel: core.ChannelVoice}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("adding a disabled kind: %v", err)
	}
	if _, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindOfficePhone, Number: "+442079460199", Channel: core.ChannelVoice, Replaces: "office"}); err == nil {
		t.Fatalf("an office phone, which the policy no longer allows, was changed to a new number")
	}
}
