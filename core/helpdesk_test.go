package core_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// desk is a help-desk agent with a two-step session and a user to help,
// who has a phone and an authenticator app.
type desk struct {
	agent, user *core.Account
	as          context.Context // the agent's session
	phone, app  *core.Method
	secret      []byte
}

func newDesk(t *testing.T, f *fixture) *desk {
	t.Helper()
	d := &desk{agent: f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk), user: f.newAccount(t, "uma@contoso.com", core.RoleUser)}
	f.add(t, d.agent, phoneOf("agentphone", "+442079460001"))
	d.as = f.session(t, d.agent)
	d.secret = []byte("12345678901234567890")
	sealed, err := f.keys.Seal(d.secret, "method:umaapp")
	if err != nil {
		t.Fatal(err)
	}
	d.phone = phoneOf("umaphone", "+442079460958")
	d.app = &core.Method{ID: "umaapp", Kind: core.KindAuthenticatorApp, Channel: core.ChannelApp, Secret: sealed}
	f.add(t, d.user, d.phone, d.app)
	return d
}

// verify proves the user's identity to the agent with the phone.
func (d *desk) verify(t *testing.T, f *fixture) {
	t.Helper()
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
}

// TestHelpdeskProvesIdentityThenCreatesAPass: the whole desk flow in the
// core. Nothing can be done before the person is verified; the phone's
// code verifies them for 10 minutes, for this agent only; the pass is
// shown once, stored as a hash, audited with the reason and how the
// person was verified, told to the owner, and signs in once.
func TestHelpdeskProvesIdentityThenCreatesAPass(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	req := core.AccessPassRequest{Reason: "INC-1234 lost phone"}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, req); core.ErrorCode(err) != core.EFORBIDDEN || !strings.Contains(core.ErrorMessage(err), "Verify who is asking") {
		t.Fatalf("a pass before verification: %v", err)
	}
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.phone.ID)
	if err != nil || ch.Destination == "+442079460958" || !strings.HasSuffix(ch.Destination, "58") {
		t.Fatalf("begin: %+v %v (the destination is shown masked)", ch, err)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, "000000"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("wrong code: %v", err)
	}
	proof, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, f.lastCode(t))
	if err != nil || !proof.VerifiedUntil.Equal(f.clock.Now().Add(10*time.Minute)) || proof.How != "phone" {
		t.Fatalf("finish: %+v %v", proof, err)
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a pass without a reason: %v", err)
	}
	before := len(f.sent(t))
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, req)
	if err != nil || len(pass.Pass) != 8 || !pass.OneTime || !pass.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("pass: %+v %v", pass, err)
	}
	if sent := f.sent(t)[before:]; len(sent) != 1 || sent[0].To != "+442079460958" || !strings.Contains(sent[0].Text, "Temporary Access Pass") {
		t.Fatalf("notice to the owner: %+v", sent)
	}
	f.store.View(context.Background(), func(tx core.Tx) error {
		ap, err := tx.AccessPass(d.user.ID)
		if err != nil || strings.Contains(ap.Hash, pass.Pass) || ap.CreatedBy != d.agent.ID {
			t.Errorf("stored pass: %+v %v", ap, err)
		}
		return nil
	})
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: d.user.ID})
	last := events[len(events)-1]
	if last.Action != core.ActionPassCreated || last.ActorID != d.agent.ID || last.Reason != "INC-1234 lost phone" || !strings.Contains(last.Detail, "verified by: phone") {
		t.Fatalf("audit: %+v", last)
	}
	if strings.Contains(f.log.String(), pass.Pass) {
		t.Fatal("the pass is in the log")
	}

	// The pass signs in once, with two steps, in place of the password.
	step, err := f.svc.SignInWithPass(context.Background(), "uma@contoso.com", pass.Pass)
	if err != nil || step.Session == nil || !step.Session.TwoStep {
		t.Fatalf("sign in with the pass: %+v %v", step, err)
	}
	if _, err := f.svc.SignInWithPass(context.Background(), "uma@contoso.com", pass.Pass); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("the one-time pass again: %v", err)
	}

	// Ten minutes on, the person must be verified again.
	f.clock.Advance(10 * time.Minute)
	if err := f.svc.UnlockAccount(d.as, d.user.ID, "INC-1234"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("unlock after the proof expired: %v", err)
	}
}

// TestHelpdeskRefusals: the help desk never acts on itself, on an equal
// or higher role, from a one-step session, or for another agent's
// verified person; a user has no help-desk powers.
func TestHelpdeskRefusals(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("otherphone", "+442079460002"))
	otherAs := f.session(t, other)
	d.verify(t, f)
	// Another agent: the proof is not theirs.
	if err := f.svc.UnlockAccount(otherAs, d.user.ID, "INC-1"); core.ErrorCode(err) != core.EFORBIDDEN || !strings.Contains(core.ErrorMessage(err), "Verify who is asking") {
		t.Fatalf("another agent on a person not verified to them: %v", err)
	}
	// Their own account and an equal role.
	if _, err := f.svc.BeginIdentityCheck(d.as, d.agent.ID, "agentphone"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the agent on their own account: %v", err)
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.agent.ID, core.AccessPassRequest{Reason: "x"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a pass for oneself: %v", err)
	}
	if _, err := f.svc.BeginIdentityCheck(d.as, other.ID, "otherphone"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("an agent on another agent: %v", err)
	}
	if _, err := f.svc.BeginIdentityCheck(d.as, f.alice.ID, "x"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("an agent on the administrator: %v", err)
	}
	// A user, and an agent on a password-only session.
	userAs := f.session(t, d.user)
	if _, err := f.svc.BeginIdentityCheck(userAs, other.ID, "otherphone"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user acting as the help desk: %v", err)
	}
	weak := f.newAccount(t, "hd3@contoso.com", core.RoleHelpdesk)
	weakAs := f.session(t, weak)
	if _, err := f.svc.BeginIdentityCheck(weakAs, d.user.ID, d.phone.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("an agent without two steps: %v", err)
	}
	// A code sent for one agent's check is not accepted by another's.
	ch, err := f.svc.BeginIdentityCheck(otherAs, d.user.ID, d.phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, f.lastCode(t)); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("another agent's check: %v", err)
	}
}

// TestIdentityCheckByAppAndThreeFailures: the person reads the app's code
// out (once: a replay fails); three wrong codes end the check and tell
// the owner.
func TestIdentityCheckByAppAndThreeFailures(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID)
	if err != nil || ch.Channel != core.ChannelApp {
		t.Fatalf("begin with the app: %+v %v", ch, err)
	}
	code := codeAt(t, d.secret, f.clock.Now())
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, code); err != nil {
		t.Fatal(err)
	}
	ch, _ = f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID)
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, code); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("the app's code replayed: %v", err)
	}
	before := len(f.sent(t))
	f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, "111111")
	_, err = f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, "222222")
	if core.ErrorCode(err) != core.EFORBIDDEN || !strings.Contains(core.ErrorMessage(err), "three wrong codes") {
		t.Fatalf("third wrong code: %v", err)
	}
	if sent := f.sent(t)[before:]; len(sent) != 1 || !strings.Contains(sent[0].Text, "three codes were wrong") {
		t.Fatalf("the owner is told: %+v", sent)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, codeAt(t, d.secret, f.clock.Now().Add(30*time.Second))); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("after the check ended: %v", err)
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "x"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a pass after a failed check: %v", err)
	}
}

// TestPassRacesAndGuesses: 32 sign-ins with one one-time pass at once:
// exactly one session. Wrong passes count toward the sign-in lockout like
// wrong passwords (the 31 losers lock the name), and a made-up name
// answers the same as a real one.
func TestPassRacesAndGuesses(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	d.verify(t, f)
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"uma@contoso.com", "nobody@contoso.com"} {
		_, err := f.svc.SignInWithPass(context.Background(), name, "wrongpass")
		if core.ErrorCode(err) != core.EWRONGCODE || core.ErrorMessage(err) != "Your account name or password is incorrect." {
			t.Fatalf("%s with a wrong pass: %v", name, err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 32 {
		wg.Go(func() {
			if _, err := f.svc.SignInWithPass(context.Background(), "uma@contoso.com", pass.Pass); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d sign-ins with one one-time pass", ok)
	}
}

// TestUnlockAndSignOutEverywhere: after verification, unlock clears the
// lockouts and sign-out everywhere ends the person's sessions; both are
// audited with the reason and told to the owner.
func TestUnlockAndSignOutEverywhere(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	userAs := f.session(t, d.user)
	for range 10 {
		f.svc.SignIn(context.Background(), "uma@contoso.com", "wrong password, wrong")
	}
	if _, err := f.svc.SignIn(context.Background(), "uma@contoso.com", "another long passphrase"); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("locked: %v", err)
	}
	d.verify(t, f)
	if err := f.svc.UnlockAccount(d.as, d.user.ID, "INC-9 locked out"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(context.Background(), "uma@contoso.com", "another long passphrase"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if err := f.svc.RevokeSessions(d.as, d.user.ID, "INC-9 stolen laptop"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SecurityInfo(userAs, d.user.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("a session after sign-out everywhere: %v", err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: d.user.ID})
	var got []string
	for _, e := range events {
		if e.ActorID == d.agent.ID && e.Reason != "" {
			got = append(got, e.Action+": "+e.Reason)
		}
	}
	if strings.Join(got, "; ") != "account.unlocked: INC-9 locked out; sessions.revoked: INC-9 stolen laptop" {
		t.Fatalf("audited: %v", got)
	}
}

// TestHelpdeskSearch: the desk finds people by the start of a sign-in or
// display name (any case) or the last digits of a phone, a page at a time,
// with methods masked, last sign-in and lockout shown; a user may not
// search.
func TestHelpdeskSearch(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	for _, n := range []string{"umar@contoso.com", "ulla@contoso.com", "bob@contoso.com"} {
		f.newAccount(t, n, core.RoleUser)
	}
	f.session(t, d.user) // uma signs in once
	for range 10 {
		f.svc.SignIn(context.Background(), "ulla@contoso.com", "wrong password, wrong")
	}
	names := func(sums []core.AccountSummary) string {
		var out []string
		for _, s := range sums {
			out = append(out, s.Name)
		}
		return strings.Join(out, " ")
	}
	got, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "U"})
	if err != nil || names(got) != "ulla@contoso.com uma@contoso.com umar@contoso.com" {
		t.Fatalf("by name: %s %v", names(got), err)
	}
	if !got[0].Locked || got[1].Locked || got[1].LastSignInAt == nil || got[2].LastSignInAt != nil {
		t.Fatalf("locked and last sign-in: %+v", got)
	}
	if m := got[1].Methods; len(m) != 2 || m[0].Detail != "+XX XXXXXXXX58" || m[0].Kind != core.KindPhone {
		t.Fatalf("uma's methods, masked: %+v", m)
	}
	page, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "u", Limit: 2, After: "ulla@contoso.com"})
	if err != nil || names(page) != "uma@contoso.com umar@contoso.com" {
		t.Fatalf("the next page: %s %v", names(page), err)
	}
	if got, _ := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "0958"}); names(got) != "uma@contoso.com" {
		t.Fatalf("by the phone's last digits: %s", names(got))
	}
	f.store.Update(context.Background(), func(tx core.Tx) error {
		a, _ := tx.Account(d.user.ID)
		a.DisplayName = "Uma Thurman-Smith"
		return tx.UpdateAccount(a)
	})
	if got, _ := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "uma thu"}); names(got) != "uma@contoso.com" {
		t.Fatalf("by display name: %s", names(got))
	}
	if _, err := f.svc.SearchAccounts(f.session(t, d.user), core.AccountSearch{Text: "u"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user searching: %v", err)
	}
}

// TestReregistrationAndDeleteForAPerson: re-registration removes phones
// and apps (email stays), ends sessions and makes registration due and
// not skippable; the desk's delete of one method follows the owner's
// rules and records the reason. Neither works before verification.
func TestReregistrationAndDeleteForAPerson(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	email := &core.Method{ID: "umaemail", Kind: core.KindEmail, Detail: "uma@gmail.com", Channel: core.ChannelEmail}
	f.add(t, d.user, email)
	if _, err := f.svc.DeleteMethodForPerson(d.as, d.user.ID, d.phone.ID, "INC-8"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("delete before verification: %v", err)
	}
	d.verify(t, f)
	userAs := f.session(t, d.user)
	pv, err := f.svc.DeleteMethodForPerson(d.as, d.user.ID, d.phone.ID, "INC-8 lost phone")
	if err != nil || pv.Scheduled || pv.Method.ID != d.phone.ID {
		t.Fatalf("delete the phone: %+v %v", pv, err)
	}
	if err := f.svc.RequireReregistration(d.as, d.user.ID, "INC-9 new phone"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SecurityInfo(userAs, d.user.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("a session after re-registration: %v", err)
	}
	info, _ := f.svc.SecurityInfo(f.as(d.user), d.user.ID)
	if len(info.Methods) != 1 || info.Methods[0].Kind != core.KindEmail {
		t.Fatalf("left after re-registration: %+v", info.Methods)
	}
	after, err := f.svc.CheckAfterSignIn(f.as(d.user), d.user.ID)
	if err != nil || !after.Register || after.SnoozesLeft != 0 {
		t.Fatalf("after sign-in: %+v %v", after, err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: d.user.ID})
	var got []string
	for _, e := range events {
		if e.ActorID == d.agent.ID && e.Action != core.ActionIdentityVerified {
			got = append(got, e.Action+"/"+string(e.Kind))
		}
	}
	if want := "method.deleted/phone default.changed/authenticatorApp method.deleted/authenticatorApp account.reregistrationRequired/"; strings.Join(got, " ") != want {
		t.Fatalf("audit: %v, want %s", got, want)
	}
}
