package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// appCaller is an application's context, as the verify API makes it.
func appCaller(id, name string) context.Context {
	return core.WithCaller(context.Background(), core.Caller{Kind: core.CallerApplication, ID: id, Name: name})
}

// TestVerifyApplicationsAreForAdministrators: only an administrator
// registers, lists and deletes applications; the secret is shown once and
// only its hash is kept; a deleted application's secret stops working.
func TestVerifyApplicationsAreForAdministrators(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	if _, err := f.svc.CreateApplication(f.as(bob), "intranet"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user registers an application: %v", err)
	}
	if _, err := f.svc.CreateApplication(f.ctx, " "); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("an empty name: %v", err)
	}
	app, err := f.svc.CreateApplication(f.ctx, "intranet")
	if err != nil || len(app.Secret) != 64 || len(app.ID) != 32 {
		t.Fatalf("create: %+v, %v", app, err)
	}
	if _, err := f.svc.CreateApplication(f.ctx, "intranet"); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("the same name again: %v", err)
	}
	list, err := f.svc.Applications(f.ctx)
	if err != nil || len(list) != 1 || list[0].SecretHash == app.Secret || strings.Contains(list[0].SecretHash, app.Secret) {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if _, err := f.svc.Applications(f.as(bob)); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user lists applications: %v", err)
	}
	if got, err := f.svc.AuthenticateApplication(context.Background(), app.ID, app.Secret); err != nil || got.Name != "intranet" {
		t.Fatalf("the right secret: %+v, %v", got, err)
	}
	if _, err := f.svc.AuthenticateApplication(context.Background(), app.ID, app.Secret[1:]+"0"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a wrong secret: %v", err)
	}
	if err := f.svc.DeleteApplication(f.as(bob), app.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user deletes an application: %v", err)
	}
	if err := f.svc.DeleteApplication(f.ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateApplication(context.Background(), app.ID, app.Secret); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a deleted application's secret: %v", err)
	}
}

// TestAttackVerifyWrongSecretFlood: wrong secrets from one address are
// counted, and the address is refused for a minute past 10 a minute, even
// with the right secret.
func TestAttackVerifyWrongSecretFlood(t *testing.T) {
	f := newFixture(t)
	app, err := f.svc.CreateApplication(f.ctx, "intranet")
	if err != nil {
		t.Fatal(err)
	}
	from := core.WithClient(context.Background(), "203.0.113.7")
	for i := range 10 {
		if _, err := f.svc.AuthenticateApplication(from, app.ID, strings.Repeat("0", 64)); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("wrong secret %d: %v", i, err)
		}
	}
	if _, err := f.svc.AuthenticateApplication(from, app.ID, app.Secret); core.ErrorCode(err) != core.ELIMITED {
		t.Fatalf("after 10 wrong secrets: %v, want %s", err, core.ELIMITED)
	}
	if _, err := f.svc.AuthenticateApplication(core.WithClient(context.Background(), "198.51.100.1"), app.ID, app.Secret); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

// TestAttackVerifySignInBoundToItsCaller: a check an application started
// cannot be finished by another application, nor through the window's
// sign-in (which would hand out a session); finished by its own, it
// gives an answer and no session.
func TestAttackVerifySignInBoundToItsCaller(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	mine, other := appCaller("app-1", "intranet"), appCaller("app-2", "wiki")
	if _, err := f.svc.StartVerify(context.Background(), "alice@contoso.com", alicePassword); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("without a caller: %v", err)
	}
	step, err := f.svc.StartVerify(mine, "alice@contoso.com", alicePassword)
	if err != nil || len(step.Options) != 2 || step.Options[0].Masked != "+XX XXXXXXXX58" || step.Options[0].Channel != core.ChannelSMS {
		t.Fatalf("start: %+v, %v", step, err)
	}
	if _, err := f.svc.SendVerifyCode(other, step.SignInID, "phone", core.ChannelSMS); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("another application sends: %v", err)
	}
	if _, err := f.svc.SendSignInCode(context.Background(), step.SignInID, "phone", core.ChannelSMS); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("the window's sign-in sends: %v", err)
	}
	ch, err := f.svc.SendVerifyCode(mine, step.SignInID, "phone", core.ChannelSMS)
	if err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t)
	if _, err := f.svc.FinishSignIn(context.Background(), step.SignInID, "phone", ch.VerificationID, code); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("the window's sign-in finishes an application's check: %v", err)
	}
	if _, err := f.svc.FinishVerify(other, step.SignInID, "phone", ch.VerificationID, code); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("another application finishes it: %v", err)
	}
	res, err := f.svc.FinishVerify(mine, step.SignInID, "phone", ch.VerificationID, code)
	if err != nil || res.Result != "accepted" || res.Account.Name != "alice@contoso.com" || res.Account.Role != core.RoleAdmin {
		t.Fatalf("finish: %+v, %v", res, err)
	}
	if _, err := f.svc.FinishVerify(mine, step.SignInID, "phone", ch.VerificationID, code); err == nil {
		t.Fatal("the same check finished twice")
	}
	sessions, err := f.svc.Sessions(f.own, f.alice.ID)
	if err != nil || len(sessions) != 0 {
		t.Fatalf("a check left sessions: %+v, %v", sessions, err)
	}
	var accepted []*core.AuditEvent
	log, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{})
	for _, e := range log {
		if e.Action == core.ActionVerifyAccepted {
			accepted = append(accepted, e)
		}
	}
	if len(accepted) != 1 || accepted[0].ActorName != "intranet" || accepted[0].Source != "application" {
		t.Fatalf("accepted events: %+v", accepted)
	}
}
