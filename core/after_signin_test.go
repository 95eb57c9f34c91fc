package core_test

import (
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func TestRegistrationAndSnoozeLimit(t *testing.T) {
	f := newFixture(t)
	st, err := f.svc.CheckAfterSignIn(f.own, f.alice.ID)
	if err != nil || !st.Register || st.SnoozesLeft != 3 || st.Requirements.SignInMet {
		t.Fatalf("new account = %+v, %v", st, err)
	}
	for i := 0; i < 3; i++ {
		if err := f.svc.SnoozeRegistration(f.own, f.alice.ID); err != nil {
			t.Fatalf("snooze %d: %v", i+1, err)
		}
	}
	if st, _ := f.svc.CheckAfterSignIn(f.own, f.alice.ID); !st.Register || st.SnoozesLeft != 0 {
		t.Fatalf("after 3 snoozes = %+v", st)
	}
	if err := f.svc.SnoozeRegistration(f.own, f.alice.ID); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("4th snooze: %v", err)
	}
	// An email alone meets reset, not sign-in.
	f.add(t, f.alice, &core.Method{ID: "email", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail})
	if st, _ := f.svc.CheckAfterSignIn(f.own, f.alice.ID); !st.Register || st.Requirements.SignInMet || !st.Requirements.ResetMet {
		t.Fatalf("with an email = %+v", st)
	}
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	if st, _ := f.svc.CheckAfterSignIn(f.own, f.alice.ID); st.Register {
		t.Fatalf("with an email and a phone = %+v", st)
	}
	// Two reset methods required: the phone and the email are two.
	f.svc.SetPolicy(f.ctx, []string{"methodsRequiredForReset=2"})
	if st, _ := f.svc.CheckAfterSignIn(f.own, f.alice.ID); st.Register {
		t.Fatalf("two reset methods = %+v", st)
	}
	f.svc.SetPolicy(f.ctx, []string{"requireRegistration=false"})
	bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	if st, _ := f.svc.CheckAfterSignIn(f.as(bob), bob.ID); st.Register {
		t.Fatalf("registration not required = %+v", st)
	}
}

func TestReconfirmationWindow(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS},
		&core.Method{ID: "email", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail})
	added := f.clock.Now().Add(-time.Second) // the newest method's time
	due := added.Add(180 * 24 * time.Hour)
	check := func() *core.AfterSignIn {
		t.Helper()
		st, err := f.svc.CheckAfterSignIn(f.own, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	f.clock.t = due.Add(-time.Second)
	if check().Reconfirm {
		t.Fatal("asked before 180 days")
	}
	f.clock.t = due
	st := check()
	if !st.Reconfirm || !st.CanSkip || !st.MustBy.Equal(due.Add(7*24*time.Hour)) {
		t.Fatalf("at 180 days = %+v", st)
	}
	// Skip: not asked for 24 hours, then asked again.
	if err := f.svc.SkipReconfirm(f.own, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(24*time.Hour - time.Second)
	if check().Reconfirm {
		t.Fatal("asked within 24 hours of a skip")
	}
	f.clock.Advance(time.Second)
	if !check().Reconfirm {
		t.Fatal("not asked 24 hours after a skip")
	}
	// Skipping stops 7 days after the first notice.
	f.clock.t = due.Add(7*24*time.Hour - time.Second)
	if st := check(); !st.CanSkip {
		t.Fatal("no skip just before 7 days")
	}
	if err := f.svc.SkipReconfirm(f.own, f.alice.ID); err != nil {
		t.Fatalf("skip just before 7 days: %v", err)
	}
	f.clock.t = due.Add(7 * 24 * time.Hour)
	if st := check(); !st.Reconfirm || st.CanSkip {
		t.Fatalf("at 7 days = %+v", st)
	}
	if err := f.svc.SkipReconfirm(f.own, f.alice.ID); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("skip at 7 days: %v", err)
	}
	// "Looks good" starts the 180 days again.
	if err := f.svc.ConfirmSecurityInfo(f.own, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	if check().Reconfirm {
		t.Fatal("asked right after confirming")
	}
	f.clock.Advance(180 * 24 * time.Hour)
	if st := check(); !st.Reconfirm || !st.CanSkip {
		t.Fatalf("180 days after confirming = %+v", st)
	}
}
