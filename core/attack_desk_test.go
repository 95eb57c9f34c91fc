package core_test

import (
	"context"
	"fmt"
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
		umaAs := f.session(t, d.user)
		before := len(f.sent(t))
		if err := f.svc.DeleteOwnAccessPass(umaAs, d.user.ID); err != nil {
			t.Fatal(err)
		}
		if sent := f.sent(t)[before:]; len(sent) != 1 || !strings.Contains(sent[0].Text, "deleted from its own Security info page") {
			t.Fatalf("the owner's other contacts are told who deleted it: %+v", sent)
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

// TestPhoneSearchCannotRecoverNumbers: an agent who knows the masked last
// two digits of an administrator's phone tries every longer suffix. A
// search takes exactly the last 4 digits, never finds an account the
// agent may not act on (an administrator, another agent), is audited, and
// stops at the policy's hourly count.
func TestPhoneSearchCannotRecoverNumbers(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460458"))
	hd2 := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, hd2, phoneOf("hd2phone", "+442079461958"))
	for _, text := range []string{"58", "958", "60958", "+442079460958"} {
		if _, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: text}); core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), "last 4 digits") {
			t.Fatalf("%q: %v", text, err)
		}
	}
	found, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "0958"})
	if err != nil || len(found) != 1 || found[0].Name != "uma@contoso.com" {
		t.Fatalf("the user's phone: %+v %v", found, err)
	}
	for _, text := range []string{"0458", "1958", "alice", "hd2"} {
		if found, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: text}); err != nil || len(found) != 0 {
			t.Fatalf("%q finds an account the desk may not act on: %+v %v", text, found, err)
		}
	}
	// Up to the hourly count (30 by default, the 2 above included).
	var limited error
	for i := range 40 {
		if _, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: fmt.Sprintf("%04d", i)}); err != nil {
			limited = err
			break
		}
	}
	if core.ErrorCode(limited) != core.ELIMITED || !strings.Contains(core.ErrorMessage(limited), "30 times") {
		t.Fatalf("no limit: %v", limited)
	}
	if _, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "uma"}); err != nil {
		t.Fatalf("a name search past the limit: %v", err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{})
	searched := 0
	for _, e := range events {
		if e.Action == core.ActionPhoneSearched && e.ActorID == d.agent.ID {
			searched++
		}
	}
	if searched != 30 {
		t.Fatalf("%d searches audited, want 30", searched)
	}
	// An administrator finds other administrators.
	admin := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, admin, phoneOf("rootphone", "+442079460111"))
	if found, err := f.svc.SearchAccounts(f.session(t, admin), core.AccountSearch{Text: "0458"}); err != nil || len(found) != 1 || found[0].Name != "alice@contoso.com" {
		t.Fatalf("an administrator's search: %+v %v", found, err)
	}
}

// TestTheDeskReadsOnlyBelowIt: the help desk's account list and audit log
// hold nothing about administrators or other agents; an administrator's
// hold everything.
func TestTheDeskReadsOnlyBelowIt(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	hd2 := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.session(t, hd2)
	f.session(t, f.alice)
	for range 4 {
		f.session(t, d.user)
	}
	accts, err := f.svc.Accounts(d.as)
	if err != nil || len(accts) != 1 || accts[0].ID != d.user.ID {
		t.Fatalf("the desk's account list: %d %v", len(accts), err)
	}
	events, err := f.svc.AuditLog(d.as, core.AuditFilter{})
	if err != nil || len(events) == 0 {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.AccountID != d.user.ID {
			t.Fatalf("the desk reads %s about %s", e.Action, e.AccountName)
		}
	}
	for _, id := range []string{f.alice.ID, hd2.ID, d.agent.ID} {
		if events, err := f.svc.AuditLog(d.as, core.AuditFilter{AccountID: id}); err != nil || len(events) != 0 {
			t.Fatalf("the desk reads %d events of %s: %v", len(events), id, err)
		}
	}
	f.session(t, hd2) // the newest events are not the desk's to read
	last, err := f.svc.AuditLog(d.as, core.AuditFilter{Limit: 5})
	all, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{})
	if err != nil || len(last) != 5 || last[4].Seq != lastOf(all, d.user.ID).Seq {
		t.Fatalf("the newest 5: %d %v", len(last), err)
	}
	root := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, root, phoneOf("rootphone", "+442079460111"))
	if accts, err := f.svc.Accounts(f.session(t, root)); err != nil || len(accts) != 5 {
		t.Fatalf("an administrator's list: %d %v", len(accts), err)
	}
}

// lastOf is the newest event about accountID.
func lastOf(events []*core.AuditEvent, accountID string) *core.AuditEvent {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].AccountID == accountID {
			return events[i]
		}
	}
	return nil
}

// TestNamesAreNoOracle: a signed-in user asking for another account by
// name gets the same answer for a real account as for a made-up one; so
// does the help desk asking for an administrator.
func TestNamesAreNoOracle(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	user := f.session(t, d.user)
	answer := func(ctx context.Context, name string) string {
		_, err := f.svc.AccountByName(ctx, name)
		return core.ErrorCode(err) + ": " + strings.ReplaceAll(core.ErrorMessage(err), name, "NAME")
	}
	for _, c := range []struct {
		who        context.Context
		real, fake string
	}{
		{user, "alice@contoso.com", "nobody@contoso.com"},
		{user, "hd@contoso.com", "nobody@contoso.com"},
		{d.as, "alice@contoso.com", "nobody@contoso.com"},
	} {
		if a, b := answer(c.who, c.real), answer(c.who, c.fake); a != b || a == ": " {
			t.Fatalf("%s: %q, %s: %q", c.real, a, c.fake, b)
		}
	}
	if acct, err := f.svc.AccountByName(user, "uma@contoso.com"); err != nil || acct.ID != d.user.ID {
		t.Fatalf("one's own: %v", err)
	}
	if acct, err := f.svc.AccountByName(d.as, "uma@contoso.com"); err != nil || acct.ID != d.user.ID {
		t.Fatalf("the desk's person: %v", err)
	}
}

// TestNewChecksBringNoNewTries: an agent guessing a person's app codes
// gets three wrong codes an hour for that person, however many checks
// they start (8 wrong over 4 checks locked nothing before); the third ends
// the check, tells the owner and pauses checks for an hour. Agents'
// wrong codes count toward the method's own lockout: four agents with
// three guesses each lock the app for its owner too.
func TestNewChecksBringNoNewTries(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	before := len(f.sent(t))
	wrongs := 0
	for range 4 {
		ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID)
		if err != nil {
			if core.ErrorCode(err) != core.ELIMITED || !strings.Contains(core.ErrorMessage(err), "paused until 10:00") {
				t.Fatalf("a new check after 3 wrong codes: %v", err)
			}
			break
		}
		for range 2 {
			if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, "000000"); err == nil {
				t.Fatal("a wrong code passed")
			} else if core.ErrorCode(err) == core.ECONFLICT {
				break
			}
			wrongs++
		}
	}
	if wrongs != 3 {
		t.Fatalf("%d wrong codes over new checks; want 3", wrongs)
	}
	if sent := f.sent(t)[before:]; len(sent) != 1 || !strings.Contains(sent[0].Text, "three codes were wrong") {
		t.Fatalf("the owner is told once: %+v", sent)
	}
	f.clock.Advance(time.Hour)
	d.as = f.session(t, d.agent)
	if _, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID); err != nil {
		t.Fatalf("an hour later: %v", err)
	}

	// Three more agents, three guesses each: 3+3+3+1 reaches the app's
	// lockout of 10.
	for i := range 3 {
		agent := f.newAccount(t, fmt.Sprintf("hd%d@contoso.com", i+2), core.RoleHelpdesk)
		f.add(t, agent, phoneOf(fmt.Sprintf("hd%dphone", i+2), fmt.Sprintf("+44207946010%d", i)))
		as := f.session(t, agent)
		ch, err := f.svc.BeginIdentityCheck(as, d.user.ID, d.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			f.svc.FinishIdentityCheck(as, d.user.ID, ch.VerificationID, "000000")
		}
	}
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, "000000"); core.ErrorCode(err) == core.EWRONGCODE {
		t.Fatalf("the 10th wrong code did not lock the app: %v", err)
	}
	if err := f.svc.VerifyAuthenticator(f.session(t, d.user), d.user.ID, d.app.ID, codeAt(t, d.secret, f.clock.Now())); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("the owner's app after the agents' guesses: %v", err)
	}
}

// TestTheCoreSaysWhichMethodsProveIdentity: the desk's summary marks the
// methods an identity check may use (phones, email, apps), not security
// questions, and a check with another kind is refused.
func TestTheCoreSaysWhichMethodsProveIdentity(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.add(t, d.user, &core.Method{ID: "umaq", Kind: core.KindSecurityQuestions})
	found, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "uma@"})
	if err != nil || len(found) != 1 {
		t.Fatal(found, err)
	}
	for _, m := range found[0].Methods {
		if want := m.Kind != core.KindSecurityQuestions; m.ProvesIdentity != want {
			t.Errorf("%s: proves identity %v, want %v", m.Kind, m.ProvesIdentity, want)
		}
	}
	if _, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, "umaq"); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a check with security questions: %v", err)
	}
}
