package remote_test

import (
	"context"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestHelpdeskThroughTheClient: the desk's flow over HTTP with the
// client: a user may not act as the help desk (403 problem); the agent
// verifies the person by email, creates a pass, the person signs in with
// it, and the agent unlocks and signs them out everywhere.
func TestHelpdeskThroughTheClient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := newClient(t, e.srv.URL)
	admin := core.WithActor(ctx, core.LocalAdministrator)
	mk := func(name string, role core.Role, email string) *core.Account {
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
		if role == core.RoleUser {
			return a
		}
		// Staff sign in with two steps: a phone.
		ch, err = e.svc.BeginPhone(own, a.ID, core.PhoneRequest{Kind: core.KindPhone, Number: map[core.Role]string{core.RoleAdmin: "+44 20 7946 0901", core.RoleHelpdesk: "+44 20 7946 0902"}[role]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Confirm(own, a.ID, ch.VerificationID, e.lastCode()); err != nil {
			t.Fatal(err)
		}
		return a
	}
	signIn := func(name string) context.Context {
		t.Helper()
		step, err := c.SignIn(ctx, name, "a long enough passphrase")
		if err != nil {
			t.Fatal(err)
		}
		if step.Pending == nil {
			return core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "test"))
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
	mk("admin@contoso.com", core.RoleAdmin, "admin@gmail.com")
	agent := mk("hd@contoso.com", core.RoleHelpdesk, "hd@gmail.com")
	uma := mk("uma@contoso.com", core.RoleUser, "uma@gmail.com")
	umaInfo, err := e.svc.SecurityInfo(core.WithActor(ctx, core.OwnerActor(uma, "test")), uma.ID)
	if err != nil {
		t.Fatal(err)
	}
	umaAs := signIn("uma@contoso.com")
	if _, err := c.BeginIdentityCheck(umaAs, agent.ID, "x"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user as the help desk: %v", err)
	}
	desk := signIn("hd@contoso.com")
	if _, err := c.CreateAccessPass(desk, uma.ID, core.AccessPassRequest{Reason: "INC-1"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a pass before verification: %v", err)
	}
	ch, err := c.BeginIdentityCheck(desk, uma.ID, umaInfo.Methods[0].ID)
	if err != nil || ch.Destination != "um*****@gmail.com" {
		t.Fatalf("begin: %+v %v", ch, err)
	}
	if proof, err := c.FinishIdentityCheck(desk, uma.ID, ch.VerificationID, e.lastCode()); err != nil || proof.How != "email" {
		t.Fatalf("finish: %+v %v", proof, err)
	}
	pass, err := c.CreateAccessPass(desk, uma.ID, core.AccessPassRequest{Reason: "INC-1 lost phone", LifetimeMinutes: 30})
	if err != nil || len(pass.Pass) != 8 || !pass.OneTime {
		t.Fatalf("pass: %+v %v", pass, err)
	}
	step, err := c.SignInWithPass(ctx, "uma@contoso.com", pass.Pass)
	if err != nil || step.Session == nil || !step.Session.TwoStep {
		t.Fatalf("sign in with the pass: %+v %v", step, err)
	}
	if err := c.UnlockAccount(desk, uma.ID, "INC-1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAccessPass(desk, uma.ID, "INC-1 done"); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeSessions(desk, uma.ID, "INC-1 stolen laptop"); err != nil {
		t.Fatal(err)
	}
	passAs := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "test"))
	if _, err := c.SecurityInfo(passAs, uma.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("after sign-out everywhere: %v", err)
	}
}
