package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// TestNoCleanUpLeavesAPassBehind: a reusable Temporary Access Pass signs
// in with two steps until one of the steps that end a person's other
// access: the help desk's sign-out everywhere, password reset and
// re-registration, the owner's sign-out everywhere and password change.
// Each deletes the pass in the same transaction and audits it; before
// that, the owner's page and the desk's summary show it.
func TestNoCleanUpLeavesAPassBehind(t *testing.T) {
	oneTime := false
	for _, c := range []struct {
		name string
		end  func(t *testing.T, f *fixture, d *desk) error
	}{
		{"desk signs out everywhere", func(t *testing.T, f *fixture, d *desk) error {
			return f.svc.RevokeSessions(d.as, d.user.ID, "INC-1 stolen laptop")
		}},
		{"desk resets the password", func(t *testing.T, f *fixture, d *desk) error {
			_, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-2 forgot")
			return err
		}},
		{"desk requires re-registration", func(t *testing.T, f *fixture, d *desk) error {
			return f.svc.RequireReregistration(d.as, d.user.ID, "INC-3 lost phone")
		}},
		{"owner signs out everywhere", func(t *testing.T, f *fixture, d *desk) error {
			return f.svc.SignOutEverywhere(f.session(t, d.user), d.user.ID)
		}},
		{"owner changes the password", func(t *testing.T, f *fixture, d *desk) error {
			return f.svc.ChangePassword(f.session(t, d.user), d.user.ID, "another long passphrase", "a brand new passphrase")
		}},
		{"owner deletes the pass", func(t *testing.T, f *fixture, d *desk) error {
			return f.svc.DeleteOwnAccessPass(f.session(t, d.user), d.user.ID)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if _, err := f.svc.SetPolicy(f.ctx, []string{"tapOneTime=false"}); err != nil {
				t.Fatal(err)
			}
			d := newDesk(t, f)
			d.verify(t, f)
			pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-0 walk-up", OneTime: &oneTime, LifetimeMinutes: 480})
			if err != nil {
				t.Fatal(err)
			}
			step, err := f.svc.SignInWithPass(context.Background(), d.user.Name, pass.Pass)
			if err != nil || step.Session == nil || !step.Session.TwoStep {
				t.Fatalf("the pass signs in: %+v %v", step, err)
			}
			owner := core.WithActor(context.Background(), core.SessionActor(step.Session, d.user, "test"))
			info, err := f.svc.SecurityInfo(owner, d.user.ID)
			if err != nil || info.AccessPass == nil || info.AccessPass.OneTime || !info.AccessPass.ExpiresAt.Equal(pass.ExpiresAt) {
				t.Fatalf("the owner's page shows the pass: %+v %v", info, err)
			}
			found, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "uma@"})
			if err != nil || len(found) != 1 || found[0].AccessPass == nil || !found[0].AccessPass.ExpiresAt.Equal(pass.ExpiresAt) {
				t.Fatalf("the desk's summary shows the pass: %+v %v", found, err)
			}
			if err := c.end(t, f, d); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.SignInWithPass(context.Background(), d.user.Name, pass.Pass); core.ErrorCode(err) != core.EWRONGCODE {
				t.Fatalf("the pass after %s: %v", c.name, err)
			}
			if found, _ := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "uma@"}); len(found) != 1 || found[0].AccessPass != nil {
				t.Fatalf("the desk still shows a pass: %+v", found)
			}
			events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: d.user.ID})
			deleted := 0
			for _, e := range events {
				if e.Action == core.ActionPassDeleted {
					deleted++
				}
			}
			if deleted != 1 {
				t.Fatalf("%d pass deletions audited", deleted)
			}
		})
	}
	t.Run("another account cannot delete the pass", func(t *testing.T) {
		f := newFixture(t)
		d := newDesk(t, f)
		d.verify(t, f)
		if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-0"}); err != nil {
			t.Fatal(err)
		}
		bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
		if err := f.svc.DeleteOwnAccessPass(f.session(t, bob), d.user.ID); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("bob deleting uma's pass: %v", err)
		}
		if err := f.svc.DeleteOwnAccessPass(d.as, d.user.ID); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("the desk through the owner's operation: %v", err)
		}
		if info, err := f.svc.SecurityInfo(f.session(t, d.user), d.user.ID); err != nil || info.AccessPass == nil {
			t.Fatalf("the pass is still there: %+v %v", info, err)
		}
		if err := f.svc.DeleteOwnAccessPass(f.session(t, bob), bob.ID); core.ErrorCode(err) != core.ENOTFOUND {
			t.Fatalf("bob has no pass: %v", err)
		}
	})
	t.Run("an expired or used pass is not shown", func(t *testing.T) {
		f := newFixture(t)
		d := newDesk(t, f)
		d.verify(t, f)
		pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-0"})
		if err != nil {
			t.Fatal(err)
		}
		step, err := f.svc.SignInWithPass(context.Background(), d.user.Name, pass.Pass)
		if err != nil {
			t.Fatal(err)
		}
		owner := core.WithActor(context.Background(), core.SessionActor(step.Session, d.user, "test"))
		if info, err := f.svc.SecurityInfo(owner, d.user.ID); err != nil || info.AccessPass != nil {
			t.Fatalf("a used one-time pass is shown: %+v %v", info.AccessPass, err)
		}
		f.clock.Advance(2 * time.Hour)
		if found, _ := f.svc.SearchAccounts(f.session(t, d.agent), core.AccountSearch{Text: "uma@"}); len(found) != 1 || found[0].AccessPass != nil {
			t.Fatalf("an expired pass is shown: %+v", found)
		}
	})
}

// TestAnAgentCannotWeakenThePassPolicy: with tapLength=20 and
// tapOneTime=true an agent asking for an 8-character reusable pass gets
// neither; a longer one-time pass, stricter than the policy, is made; with
// tapOneTime=false a reusable pass is the default.
func TestAnAgentCannotWeakenThePassPolicy(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"tapLength=20", "tapOneTime=true"}); err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, f)
	d.verify(t, f)
	reusable, oneTime := false, true
	for _, r := range []core.AccessPassRequest{
		{Reason: "INC-1", Length: 8},
		{Reason: "INC-1", Length: 19, OneTime: &oneTime},
		{Reason: "INC-1", OneTime: &reusable},
		{Reason: "INC-1", Length: 8, OneTime: &reusable, LifetimeMinutes: 480},
	} {
		if np, err := f.svc.CreateAccessPass(d.as, d.user.ID, r); err == nil || !strings.Contains(core.ErrorMessage(err), "policy") {
			t.Fatalf("%+v: %+v %v", r, np, err)
		}
	}
	if _, err := f.svc.SignInWithPass(context.Background(), d.user.Name, "x"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("a refused request left a pass: %v", err)
	}
	np, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-2"})
	if err != nil || len(np.Pass) != 20 || !np.OneTime {
		t.Fatalf("the policy's pass: %+v %v", np, err)
	}
	if np, err = f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-3", Length: 30}); err != nil || len(np.Pass) != 30 || !np.OneTime {
		t.Fatalf("a stricter pass: %+v %v", np, err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"tapOneTime=false"}); err != nil {
		t.Fatal(err)
	}
	if np, err = f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-4"}); err != nil || np.OneTime {
		t.Fatalf("reusable where the policy allows it: %+v %v", np, err)
	}
	if np, err = f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-5", OneTime: &oneTime}); err != nil || !np.OneTime {
		t.Fatalf("one-time on request: %+v %v", np, err)
	}
}
