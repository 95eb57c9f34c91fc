package remote_test

import (
	"context"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// TestClientIsTheService runs a person's flows through the client: the
// answers and the errors (code, reason, arguments) are the core's own.
func TestClientIsTheService(t *testing.T) {
	e := newEnv(t)
	c := newClient(t, e.srv.URL)
	ctx := context.Background()
	if need, err := c.NeedsFirstAccount(ctx); err != nil || !need {
		t.Fatalf("needs first account = %v, %v", need, err)
	}
	alice, err := c.CreateFirstAccount(ctx, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"})
	if err != nil || alice.Role != core.RoleAdmin {
		t.Fatalf("first account = %+v, %v", alice, err)
	}
	step, err := c.SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil || step.Session == nil {
		t.Fatalf("sign-in = %+v, %v", step, err)
	}
	me := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	ch, err := c.BeginPhone(me, alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+44 20 7946 0958"})
	if err != nil || ch.Destination != "+442079460958" {
		t.Fatalf("begin phone = %+v, %v", ch, err)
	}
	_, err = c.Confirm(me, alice.ID, ch.VerificationID, "000000x")
	if key, args := core.ErrorReason(err); core.ErrorCode(err) != core.EWRONGCODE || key != "code.wrong" || args["Left"] != 4 ||
		core.ErrorMessage(err) != "That code is wrong. You have 4 tries left." {
		t.Fatalf("wrong code = %v (%s %v)", err, key, args)
	}
	m, err := c.Confirm(me, alice.ID, ch.VerificationID, e.lastCode())
	if err != nil || m.Kind != core.KindPhone || !m.IsDefault {
		t.Fatalf("confirm = %+v, %v", m, err)
	}
	info, err := c.SecurityInfo(me, alice.ID)
	if err != nil || len(info.Methods) != 1 || info.Default == nil || info.Default.Destination != "+44 20 7946 0958" {
		t.Fatalf("security info = %+v, %v", info, err)
	}
	pv, err := c.DeleteMethod(me, alice.ID, m.ID)
	if err != nil || !pv.Scheduled {
		t.Fatalf("delete the last method = %+v, %v", pv, err)
	}
	if err := c.CancelRemoval(me, alice.ID); err != nil {
		t.Fatal(err)
	}
	// A made-up name's reset, and the audit log, through the client too.
	st, err := c.StartReset(ctx, "nobody@contoso.com")
	if err != nil || len(st.Options) == 0 || len(st.ResetID) != 32 {
		t.Fatalf("reset = %+v, %v", st, err)
	}
	if rep, err := c.VerifyAudit(me); err != nil || rep.Break != nil || rep.Events < 4 {
		t.Fatalf("verify audit = %+v, %v", rep, err)
	}
	if err := c.SignOut(ctx, step.Session.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResumeSession(ctx, step.Session.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("resume after sign-out: %v", err)
	}
	// A server that is not there is a clear error, not a hang.
	gone := newClient(t, "http://127.0.0.1:1")
	if _, err := gone.Policy(ctx); core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Fatalf("no server: %v", err)
	}
}

// newClient is a client of the server at base, which must be allowed.
func newClient(t *testing.T, base string) *remote.Client {
	t.Helper()
	c, err := remote.NewClient(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
