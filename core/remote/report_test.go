package remote_test

import (
	"context"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
)

// TestWayBackThroughTheServer: the lost-device path and "This wasn't
// me" over HTTP with the client, on SQLite.
func TestWayBackThroughTheServer(t *testing.T) {
	wayBack(t, newEnv(t))
}

// TestWayBackThroughTheServerOnPostgres is the same on PostgreSQL.
func TestWayBackThroughTheServerOnPostgres(t *testing.T) {
	store, err := postgres.Open(context.Background(), pgtest.FreshDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	wayBack(t, newEnvOn(t, store, nil, nil))
}

// wayBack: a session signed in with the phone may not report it lost; one
// signed in with a pass may, which ends the phone's session, and another
// account's phone is not found. The person then reports the pass they did
// not ask for: their session ends, and the desk (not the person) lists it.
func wayBack(t *testing.T, e *env) {
	ctx := context.Background()
	c := newClient(t, e.srv.URL)
	admin := core.WithActor(ctx, core.LocalAdministrator)
	mk := func(name, email, phone string, role core.Role) (*core.Account, string) {
		t.Helper()
		a, err := e.svc.CreateAccount(admin, core.NewAccount{Name: name, Role: role, Password: "a long enough passphrase"})
		if err != nil {
			t.Fatal(err)
		}
		own := core.WithActor(ctx, core.OwnerActor(a, "test"))
		ch, err := e.svc.BeginEmail(own, a.ID, email, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Confirm(own, a.ID, ch.VerificationID, e.lastCode()); err != nil {
			t.Fatal(err)
		}
		ch, err = e.svc.BeginPhone(own, a.ID, core.PhoneRequest{Kind: core.KindPhone, Number: phone})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.svc.Confirm(own, a.ID, ch.VerificationID, e.lastCode())
		if err != nil {
			t.Fatal(err)
		}
		return a, m.ID
	}
	signIn := func(name string) context.Context {
		t.Helper()
		step, err := c.SignIn(ctx, name, "a long enough passphrase")
		if err != nil {
			t.Fatal(err)
		}
		o := step.Pending.Options[0]
		ch, err := c.SendSignInCode(ctx, step.Pending.ID, o.MethodID, o.Channel)
		if err != nil {
			t.Fatal(err)
		}
		if step, err = c.FinishSignIn(ctx, step.Pending.ID, o.MethodID, ch.VerificationID, e.lastCode()); err != nil {
			t.Fatal(err)
		}
		return core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "test"))
	}
	_, agentPhone := mk("hd@contoso.com", "hd@gmail.com", "+44 20 7946 0902", core.RoleHelpdesk)
	uma, umaPhone := mk("uma@contoso.com", "uma@gmail.com", "+44 20 7946 0958", core.RoleUser)
	byPhone := signIn("uma@contoso.com")
	desk := signIn("hd@contoso.com")

	info, err := c.SecurityInfo(byPhone, uma.ID)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.BeginIdentityCheck(desk, uma.ID, info.Methods[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FinishIdentityCheck(desk, uma.ID, ch.VerificationID, e.lastCode()); err != nil {
		t.Fatal(err)
	}
	pass, err := c.CreateAccessPass(desk, uma.ID, core.AccessPassRequest{Reason: "INC-2 lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := c.SignInWithPass(ctx, "uma@contoso.com", pass.Pass)
	if err != nil || step.Session.SignInKind != core.KindTemporaryAccessPass {
		t.Fatalf("sign in with the pass: %+v %v", step, err)
	}
	byPass := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "test"))

	if _, err := c.ReplaceLostMethod(byPhone, uma.ID, umaPhone); core.ReasonOf(err) != "lost.signInAnotherWay" {
		t.Fatalf("lost from the phone's own session: %v", err)
	}
	if _, err := c.ReplaceLostMethod(byPass, uma.ID, agentPhone); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("another account's phone: %v", err)
	}
	lost, err := c.ReplaceLostMethod(byPass, uma.ID, umaPhone)
	if err != nil || lost.SessionsEnded != 1 || lost.Replace != core.KindPhone || lost.NewDefault != nil {
		t.Fatalf("lost: %+v %v", lost, err)
	}
	if _, err := c.SecurityInfo(byPhone, uma.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("the phone's session after: %v", err)
	}

	events, err := c.RecentActivity(byPass, uma.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var passMade *core.AuditEvent
	for _, ev := range events {
		if ev.Action == core.ActionPassCreated {
			passMade = ev
		}
	}
	if passMade == nil || !passMade.Reportable {
		t.Fatalf("the pass's event over HTTP: %+v", passMade)
	}
	if _, err := c.ActivityReports(byPass, 10); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user listing reports: %v", err)
	}
	r, err := c.ReportActivity(byPass, uma.ID, passMade.Seq)
	if err != nil || r.EventSeq != passMade.Seq || r.ReportedByName != "uma@contoso.com" || r.ReportedByID != uma.ID {
		t.Fatalf("report: %+v %v", r, err)
	}
	if _, err := c.ReportActivity(byPass, uma.ID, passMade.Seq); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("the report replayed: %v", err)
	}
	list, err := c.ActivityReports(desk, 10)
	if err != nil || len(list) != 1 || list[0].ID != r.ID || list[0].AccountName != "uma@contoso.com" {
		t.Fatalf("the desk's list: %+v %v", list, err)
	}
	if st, _ := e.call("POST", "/v1/users/"+uma.ID+"/activity/x/report", "", nil, nil); st != 401 && st != 404 {
		t.Fatalf("a report of no number answered %d", st)
	}
}
