package core_test

import (
	"context"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

const alicePassword = "a long enough passphrase"

func (f *fixture) signIn(t *testing.T, name, password string) (*core.SignInStep, error) {
	t.Helper()
	return f.svc.SignIn(context.Background(), name, password)
}

func TestSignInWithoutMethodsGivesSession(t *testing.T) {
	f := newFixture(t)
	step, err := f.signIn(t, "Alice@Contoso.com", alicePassword)
	if err != nil || step.Session == nil || step.Pending != nil || step.Session.TwoStep {
		t.Fatalf("sign-in without methods = %+v, %v", step, err)
	}
	ctx := core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
	// The session adds and proves its first sign-in method...
	ch, err := f.svc.BeginPhone(ctx, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Confirm(ctx, f.alice.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	// ...and so may go on changing security info.
	if _, err := f.svc.BeginEmail(ctx, f.alice.ID, "alain@gmail.com", ""); err != nil {
		t.Fatalf("change after proving a method in the session: %v", err)
	}

	// Another password-only session, while the account has a method (added
	// meanwhile by the administrator), may read but not change.
	bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	bs, _ := f.signIn(t, "bob@contoso.com", "another long passphrase")
	f.add(t, bob, &core.Method{ID: "bobphone", Kind: core.KindPhone, Detail: "+14255550112", Channel: core.ChannelSMS})
	bctx := core.WithActor(context.Background(), core.SessionActor(bs.Session, bob, "desktop"))
	if _, err := f.svc.SecurityInfo(bctx, bob.ID); err != nil {
		t.Fatalf("read: %v", err)
	}
	if _, err := f.svc.DeleteMethod(bctx, bob.ID, "bobphone"); core.ErrorCode(err) != core.EFORBIDDEN || !strings.Contains(core.ErrorMessage(err), "sign in again") {
		t.Fatalf("change without two-step: %v", err)
	}
}

func TestTwoStepSignIn(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, Language: "en"})
	e, _ := f.svc.BeginAuthenticator(f.own, f.alice.ID, "Pixel")
	secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	app, err := f.svc.Confirm(f.own, f.alice.ID, e.VerificationID, codeAt(t, secret, f.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	step, err := f.signIn(t, "alice@contoso.com", alicePassword)
	if err != nil || step.Pending == nil || step.Session != nil {
		t.Fatalf("step = %+v, %v", step, err)
	}
	opts := step.Pending.Options
	if len(opts) != 3 || !opts[0].IsDefault || opts[0].MethodID != "phone" || opts[0].Channel != core.ChannelSMS || opts[0].Masked != "+XX XXXXXXXX58" {
		t.Fatalf("options %+v", opts)
	}
	// Default: text the phone.
	ch, err := f.svc.SendSignInCode(context.Background(), step.Pending.ID, "phone", core.ChannelSMS)
	if err != nil || ch.Destination != "+XX XXXXXXXX58" {
		t.Fatalf("send = %+v, %v", ch, err)
	}
	if _, err := f.svc.FinishSignIn(context.Background(), step.Pending.ID, "phone", ch.VerificationID, "000000x"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("wrong code: %v", err)
	}
	done, err := f.svc.FinishSignIn(context.Background(), step.Pending.ID, "phone", ch.VerificationID, f.lastCode(t))
	if err != nil || done.Session == nil || !done.Session.TwoStep {
		t.Fatalf("finish = %+v, %v", done, err)
	}
	if _, err := f.svc.FinishSignIn(context.Background(), step.Pending.ID, "phone", ch.VerificationID, f.lastCode(t)); err == nil {
		t.Fatal("a finished sign-in finished twice")
	}
	// Sign in another way: the app.
	f.clock.Advance(30 * time.Second)
	step, _ = f.signIn(t, "alice@contoso.com", alicePassword)
	done, err = f.svc.FinishSignIn(context.Background(), step.Pending.ID, app.ID, "", codeAt(t, secret, f.clock.Now()))
	if err != nil || !done.Session.TwoStep {
		t.Fatalf("app: %+v, %v", done, err)
	}
	ctx := core.WithActor(context.Background(), core.SessionActor(done.Session, done.Account, "desktop"))
	if _, err := f.svc.RenameMethod(ctx, f.alice.ID, app.ID, "Work phone"); err != nil {
		t.Fatalf("change in a two-step session: %v", err)
	}
}

func TestSignInLockoutSameForUnknownAccount(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"alice@contoso.com", "nobody@contoso.com"} {
		t.Run(name, func(t *testing.T) {
			var err error
			for i := 0; i < 9; i++ {
				if _, err = f.signIn(t, name, "wrong password here"); core.ErrorMessage(err) != "Your account name or password is incorrect." {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			_, err = f.signIn(t, name, "wrong password here")
			want := "Too many failed sign-ins. Sign-in is locked until " + f.clock.Now().Add(15*time.Minute).Format("15:04") + " UTC."
			if core.ErrorCode(err) != core.ELOCKED || core.ErrorMessage(err) != want {
				t.Fatalf("10th failure: %v, want %q", err, want)
			}
			if _, err := f.signIn(t, name, alicePassword); core.ErrorCode(err) != core.ELOCKED {
				t.Fatalf("right password while locked: %v", err)
			}
		})
	}
	f.clock.Advance(15 * time.Minute)
	if step, err := f.signIn(t, "alice@contoso.com", alicePassword); err != nil || step.Session == nil {
		t.Fatalf("after the lock: %+v, %v", step, err)
	}
	// A success clears the count: nine more failures do not lock.
	for i := 0; i < 9; i++ {
		f.signIn(t, "alice@contoso.com", "wrong password here")
	}
	if _, err := f.signIn(t, "alice@contoso.com", alicePassword); err != nil {
		t.Fatalf("9 failures after a success locked: %v", err)
	}
}

func TestSecondFactorFailuresCountTowardLockout(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, Language: "en"})
	f.svc.SetPolicy(f.ctx, []string{"methodLockoutThreshold=50"})
	for i := 0; i < 5; i++ {
		f.signIn(t, "alice@contoso.com", "wrong password here")
	}
	step, _ := f.signIn(t, "alice@contoso.com", alicePassword)
	ch, _ := f.svc.SendSignInCode(context.Background(), step.Pending.ID, "phone", "")
	var err error
	for i := 0; i < 5; i++ {
		_, err = f.svc.FinishSignIn(context.Background(), step.Pending.ID, "phone", ch.VerificationID, "999999x")
	}
	if core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("10th failure (5 passwords, 5 codes): %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	step, _ := f.signIn(t, "alice@contoso.com", alicePassword)
	ctx := core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
	// Idle: used at 59 minutes, then idle for an hour. Asking whether the
	// session lives does not count as use.
	f.clock.Advance(59 * time.Minute)
	if _, err := f.svc.SecurityInfo(ctx, f.alice.ID); err != nil {
		t.Fatalf("at 59 minutes: %v", err)
	}
	f.clock.Advance(59 * time.Minute)
	if _, err := f.svc.ResumeSession(context.Background(), step.Session.ID); err != nil {
		t.Fatalf("resume 59 minutes after last use: %v", err)
	}
	if _, err := f.svc.SecurityInfo(ctx, f.alice.ID); err != nil {
		t.Fatalf("59 minutes after last use: %v", err)
	}
	f.clock.Advance(time.Hour)
	if _, err := f.svc.SecurityInfo(ctx, f.alice.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("idle an hour: %v", err)
	}
	// Absolute: used every 30 minutes, ended at 24 hours.
	step, _ = f.signIn(t, "alice@contoso.com", alicePassword)
	ctx = core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
	for i := 0; i < 47; i++ {
		f.clock.Advance(30 * time.Minute)
		if _, err := f.svc.SecurityInfo(ctx, f.alice.ID); err != nil {
			t.Fatalf("at %d minutes: %v", (i+1)*30, err)
		}
	}
	f.clock.Advance(30 * time.Minute)
	if _, err := f.svc.ResumeSession(context.Background(), step.Session.ID); core.ErrorCode(err) != core.EEXPIRED || !strings.Contains(core.ErrorMessage(err), "time limit") {
		t.Fatalf("at 24 hours: %v", err)
	}
	// Sign-out ends it at once.
	step, _ = f.signIn(t, "alice@contoso.com", alicePassword)
	f.svc.SignOut(context.Background(), step.Session.ID)
	if _, err := f.svc.ResumeSession(context.Background(), step.Session.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("after sign-out: %v", err)
	}
}

// TestSignInWithEachPhoneKind finishes a sign-in by a call to each kind
// of phone, and by text to the mobile phone.
func TestSignInWithEachPhoneKind(t *testing.T) {
	tests := []struct {
		kind    core.MethodKind
		channel core.Channel
		number  string
	}{
		{core.KindPhone, core.ChannelSMS, "+442079460958"},
		{core.KindPhone, core.ChannelVoice, "+442079460958"},
		{core.KindAlternatePhone, core.ChannelVoice, "+14255550112"},
		{core.KindOfficePhone, core.ChannelVoice, "+4930901820"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+string(tt.channel), func(t *testing.T) {
			f := newFixture(t)
			f.add(t, f.alice, &core.Method{ID: "m", Kind: tt.kind, Detail: tt.number, Channel: tt.channel})
			step, err := f.signIn(t, "alice@contoso.com", alicePassword)
			if err != nil || step.Pending == nil {
				t.Fatalf("sign-in: %+v, %v", step, err)
			}
			ch, err := f.svc.SendSignInCode(context.Background(), step.Pending.ID, "m", tt.channel)
			if err != nil || ch.Channel != tt.channel {
				t.Fatalf("send: %+v, %v", ch, err)
			}
			sent := f.sent(t)
			if last := sent[len(sent)-1]; last.Channel != tt.channel || last.To != tt.number {
				t.Fatalf("sent %+v", last)
			}
			done, err := f.svc.FinishSignIn(context.Background(), step.Pending.ID, "m", ch.VerificationID, f.lastCode(t))
			if err != nil || !done.Session.TwoStep {
				t.Fatalf("finish: %+v, %v", done, err)
			}
		})
	}
}

// TestTokenNamesItsAccount: a new session's token names its account (a
// claim the central service acts on without a read), and a token whose
// account part is changed signs no one in, on the owner's account or any.
func TestTokenNamesItsAccount(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	ctx := f.session(t, bob)
	a, _ := core.ActorFrom(ctx)
	if id, ok := core.TokenAccount(a.SessionID); !ok || id != bob.ID {
		t.Fatalf("token %q names %q, %v", a.SessionID, id, ok)
	}
	_, secret, _ := strings.Cut(a.SessionID, ".")
	for _, c := range []struct {
		token string
		id    string
		ok    bool
	}{
		{"", "", false}, {".", "", false}, {"abc", "", false}, {"abc.", "", false}, {".abc", "", false},
		{"a.b.c", "", false}, {"a1.ff", "", false},
		{strings.Repeat("a", 32) + "." + strings.Repeat("0", 64), strings.Repeat("a", 32), true},
		{strings.Repeat("A", 32) + "." + strings.Repeat("0", 64), "", false},
		{strings.Repeat("a", 32) + "." + strings.Repeat("0", 63) + "\xff", "", false},
		{"\xff" + strings.Repeat("a", 31) + "." + strings.Repeat("0", 64), "", false},
	} {
		if id, ok := core.TokenAccount(c.token); id != c.id || ok != c.ok {
			t.Errorf("TokenAccount(%q) = %q, %v", c.token, id, ok)
		}
	}
	for _, forged := range []core.Actor{
		{AccountID: f.alice.ID, SessionID: core.NewToken(f.alice.ID, secret)},
		{AccountID: f.alice.ID, SessionID: core.NewToken(f.alice.ID, secret), Role: core.RoleAdmin},
		{AccountID: bob.ID, SessionID: core.NewToken(bob.ID, secret+"0")},
	} {
		c := core.WithActor(context.Background(), forged)
		if _, err := f.svc.SecurityInfo(c, forged.AccountID); err == nil {
			t.Errorf("%+v read a page", forged)
		}
		if _, err := f.svc.SecurityInfo(c, f.alice.ID); err == nil {
			t.Errorf("%+v read alice's page", forged)
		}
	}
}
