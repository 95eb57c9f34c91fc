package remote_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestRecoveryCodesThroughTheServer: the codes come back once, in the
// answer that makes them; a code is the second step of a sign-in once;
// "Get new codes" ends the old set; another account cannot make codes for
// one; and no code reaches the server's log, even at debug level (which
// today logs failures only: the check stands guard for later logging).
func TestRecoveryCodesThroughTheServer(t *testing.T) {
	var logged bytes.Buffer
	e := newEnvOn(t, openSQLite(t), nil, slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c := newClient(t, e.srv.URL)
	ctx := context.Background()
	alice, err := c.CreateFirstAccount(ctx, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := c.SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	me := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	ch, err := c.BeginPhone(me, alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+44 20 7946 0958"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Confirm(me, alice.ID, ch.VerificationID, e.lastCode()); err != nil {
		t.Fatal(err)
	}
	set, err := c.AddRecoveryCodes(me, alice.ID)
	if err != nil || len(set.Codes) != 10 || set.MethodID == "" {
		t.Fatalf("add recovery codes = %+v, %v", set, err)
	}
	info, err := c.SecurityInfo(me, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Methods {
		if m.Kind == core.KindRecoveryCodes && (m.CodesLeft != 10 || m.CodesTotal != 10) {
			t.Fatalf("row through the server: %+v", m)
		}
	}
	signInWith := func(code string) error {
		t.Helper()
		step, err := c.SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
		if err != nil || step.Pending == nil {
			t.Fatalf("sign-in = %+v, %v", step, err)
		}
		_, err = c.FinishSignIn(ctx, step.Pending.ID, set.MethodID, "", code)
		return err
	}
	if err := signInWith(set.Codes[0]); err != nil {
		t.Fatalf("a code through the server: %v", err)
	}
	if err := signInWith(set.Codes[0]); core.ErrorCode(err) != core.EWRONGCODE || core.ReasonOf(err) != "recovery.wrong" {
		t.Fatalf("the code again: %v", err)
	}
	fresh, err := c.NewRecoveryCodes(me, alice.ID)
	if err != nil || fresh.MethodID != set.MethodID {
		t.Fatalf("new codes = %+v, %v", fresh, err)
	}
	if err := signInWith(set.Codes[1]); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("an old code after new ones: %v", err)
	}
	// Bob, signed in, cannot make codes for alice.
	if _, err := e.svc.CreateAccount(core.WithActor(ctx, core.LocalAdministrator), core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"}); err != nil {
		t.Fatal(err)
	}
	bobStep, err := c.SignIn(ctx, "bob@contoso.com", "another long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	bob := core.WithActor(ctx, core.SessionActor(bobStep.Session, bobStep.Account, "desktop"))
	for name, fn := range map[string]func(context.Context, string) (*core.RecoveryCodes, error){
		"AddRecoveryCodes": c.AddRecoveryCodes, "NewRecoveryCodes": c.NewRecoveryCodes,
	} {
		if _, err := fn(bob, alice.ID); core.ErrorCode(err) != core.EFORBIDDEN && core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("%s by bob for alice: %v, want refused", name, err)
		}
	}
	t.Logf("the server logged %d bytes", logged.Len())
	for _, code := range append(set.Codes, fresh.Codes...) {
		n, _ := core.NormalizeRecoveryCode(code)
		if strings.Contains(logged.String(), code) || strings.Contains(logged.String(), n) {
			t.Fatalf("code %s in the server's log:\n%s", code, logged.String())
		}
	}
}
