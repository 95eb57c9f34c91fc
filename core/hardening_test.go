package core_test

// Tests written as an attacker would, one per hole of the hardening issue
// (issue 8). Each failed on the code before its fix.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// newAccount creates an account of a role, as the local administrator.
func (f *fixture) newAccount(t *testing.T, name string, role core.Role) *core.Account {
	t.Helper()
	a, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: name, Role: role, Password: "another long passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// session signs acct in with its password ("another long passphrase"
// unless it is alice) and, when it has a phone, the code sent to it.
func (f *fixture) session(t *testing.T, acct *core.Account) context.Context {
	t.Helper()
	pw := "another long passphrase"
	if acct.ID == f.alice.ID {
		pw = alicePassword
	}
	step, err := f.svc.SignIn(context.Background(), acct.Name, pw)
	if err != nil {
		t.Fatal(err)
	}
	if step.Pending != nil {
		o := step.Pending.Options[0]
		ch, err := f.svc.SendSignInCode(context.Background(), step.Pending.ID, o.MethodID, o.Channel)
		if err != nil {
			t.Fatal(err)
		}
		if step, err = f.svc.FinishSignIn(context.Background(), step.Pending.ID, o.MethodID, ch.VerificationID, f.lastCode(t)); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(31 * time.Second) // the next code to the phone may be sent
	}
	return core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
}

func phoneOf(id, number string) *core.Method {
	return &core.Method{ID: id, Kind: core.KindPhone, Detail: number, Channel: core.ChannelSMS}
}

// TestHelpdeskCannotTakeOverAnAdministrator replays the take-over (item 1):
// a help-desk agent adds its own phone to the administrator's account to
// reset its password. No one but the owner adds, confirms, renames or
// chooses the default; acting on another account needs two steps and a
// lower role.
func TestHelpdeskCannotTakeOverAnAdministrator(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	hd := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	hd2 := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	carol := f.newAccount(t, "carol@contoso.com", core.RoleUser)
	f.add(t, carol, phoneOf("carolphone", "+442079460001"), &core.Method{ID: "carolmail", Kind: core.KindEmail, Detail: "carol@gmail.com", Channel: core.ChannelEmail})
	f.add(t, hd2, phoneOf("hd2phone", "+442079460002"))

	weak := f.session(t, hd) // password only: the agent has no method
	forbidden := func(what string, err error) {
		t.Helper()
		if core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", what, err)
		}
	}
	_, err := f.svc.BeginPhone(weak, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460999"})
	forbidden("password-only agent adds a phone to the admin", err)
	_, err = f.svc.SecurityInfo(weak, carol.ID)
	forbidden("password-only agent reads a user", err)
	_, err = f.svc.DeleteMethod(weak, carol.ID, "carolmail")
	forbidden("password-only agent deletes a user's method", err)

	f.add(t, hd, phoneOf("hdphone", "+442079460003"))
	strong := f.session(t, hd) // two steps
	for _, target := range []*core.Account{f.alice, carol, hd2} {
		_, err = f.svc.BeginPhone(strong, target.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460999"})
		forbidden("agent adds a phone to "+target.Name, err)
		_, err = f.svc.BeginEmail(strong, target.ID, "mallory@gmail.com", "")
		forbidden("agent adds an email to "+target.Name, err)
		_, err = f.svc.BeginAuthenticator(strong, target.ID, "Mallory")
		forbidden("agent adds an app to "+target.Name, err)
		_, err = f.svc.SetDefault(strong, target.ID, "carolphone", core.ChannelSMS)
		forbidden("agent sets the default of "+target.Name, err)
		_, err = f.svc.RenameMethod(strong, target.ID, "carolphone", "x")
		forbidden("agent renames a method of "+target.Name, err)
		_, err = f.svc.ProveMethod(strong, target.ID, "carolphone", core.ChannelSMS)
		forbidden("agent proves a method of "+target.Name, err)
		// Deleting is the owner's too: the help desk deletes through its
		// own operation, for a person it verified (DeleteMethodForPerson).
		_, err = f.svc.DeleteMethod(strong, target.ID, "carolmail")
		forbidden("agent deletes through the owner's call on "+target.Name, err)
	}
	_, err = f.svc.DeleteMethodForPerson(strong, f.alice.ID, "alicephone", "ticket 1")
	forbidden("agent deletes an admin's method", err)
	_, err = f.svc.DeleteMethodForPerson(strong, hd2.ID, "hd2phone", "ticket 1")
	forbidden("agent deletes another agent's method", err)
	// Reading an administrator answers as for an ID that does not exist.
	if _, err = f.svc.SecurityInfo(strong, f.alice.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("agent reads an admin: %v", err)
	}
	_, err = f.svc.DeleteMethodForPerson(strong, carol.ID, "carolmail", "ticket 1")
	if core.ErrorCode(err) != core.EFORBIDDEN || core.ReasonOf(err) != "helpdesk.unverified" {
		t.Fatalf("agent deletes a user's method without verifying them: %v", err)
	}
	// The admin acts on the help desk; on another admin only with a
	// second administrator's approval.
	admin2 := f.newAccount(t, "admin2@contoso.com", core.RoleAdmin)
	f.add(t, admin2, phoneOf("admin2phone", "+442079460004"))
	alice := f.session(t, f.alice)
	_, err = f.svc.DeleteMethod(alice, hd2.ID, "hd2phone")
	forbidden("admin deletes through the owner's call on an agent", err)
	_, err = f.svc.DeleteMethodForPerson(alice, admin2.ID, "admin2phone", "ticket 1")
	if core.ErrorCode(err) != core.EFORBIDDEN || core.ReasonOf(err) != "approval.needed" {
		t.Errorf("admin deletes another admin's method without approval: %v", err)
	}
	// A user session naming itself admin in its actor gets its real role.
	cs := f.session(t, carol)
	forged, _ := core.ActorFrom(cs)
	forged.Role = core.RoleAdmin
	_, err = f.svc.SetPolicy(core.WithActor(context.Background(), forged), []string{"issuer=Mallory"})
	forbidden("user session with a forged admin role", err)
	// And a session cannot be borrowed by another account's actor.
	forged.AccountID = hd.ID
	_, err = f.svc.SecurityInfo(core.WithActor(context.Background(), forged), hd.ID)
	forbidden("another account's session", err)
}

// TestPasswordChangeEndsEveryOtherSession (item 2): an intruder's session
// and pending sign-in end when the owner changes or resets the password.
func TestPasswordChangeEndsEveryOtherSession(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	intruder := f.session(t, f.alice)
	pending, err := f.svc.SignIn(context.Background(), f.alice.Name, alicePassword)
	if err != nil || pending.Pending == nil {
		t.Fatalf("pending sign-in = %+v, %v", pending, err)
	}
	owner := f.session(t, f.alice)
	if err := f.svc.ChangePassword(owner, f.alice.ID, alicePassword, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	ia, _ := core.ActorFrom(intruder)
	if _, err := f.svc.ResumeSession(context.Background(), ia.SessionID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("intruder's session after the change: %v", err)
	}
	if _, err := f.svc.BeginAuthenticator(intruder, f.alice.ID, "Mallory"); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("intruder adds an app after the change: %v", err)
	}
	o := pending.Pending.Options[0]
	if _, err := f.svc.SendSignInCode(context.Background(), pending.Pending.ID, o.MethodID, o.Channel); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("pending sign-in after the change: %v", err)
	}
	if _, err := f.svc.SecurityInfo(owner, f.alice.ID); err != nil {
		t.Fatalf("the owner's own session ended: %v", err)
	}

	// A reset ends every session, the owner's too.
	st, _ := f.svc.StartReset(context.Background(), f.alice.Name)
	ch, err := f.svc.ResetSendCode(context.Background(), st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResetVerify(context.Background(), st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ResetPassword(context.Background(), st.ResetID, "yet another passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SecurityInfo(owner, f.alice.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("session after a reset: %v", err)
	}
}

// TestEndedSessionCannotAct (item 7): after sign-out every call with the
// same actor is refused, administrator's calls included.
func TestEndedSessionCannotAct(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	ctx := f.session(t, f.alice)
	if _, err := f.svc.SetPolicy(ctx, []string{"issuer=Contoso"}); err != nil {
		t.Fatalf("admin with two steps sets the policy: %v", err)
	}
	a, _ := core.ActorFrom(ctx)
	if err := f.svc.SignOut(context.Background(), a.SessionID); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"SetPolicy": func() error { _, err := f.svc.SetPolicy(ctx, []string{"issuer=Mallory"}); return err },
		"CreateAccount": func() error {
			_, err := f.svc.CreateAccount(ctx, core.NewAccount{Name: "mallory@contoso.com", Password: "another long passphrase", Role: core.RoleAdmin})
			return err
		},
		"AuditLog":       func() error { _, err := f.svc.AuditLog(ctx, core.AuditFilter{}); return err },
		"VerifyAudit":    func() error { _, err := f.svc.VerifyAudit(ctx); return err },
		"Accounts":       func() error { _, err := f.svc.Accounts(ctx); return err },
		"AccountByName":  func() error { _, err := f.svc.AccountByName(ctx, "alice@contoso.com"); return err },
		"ChangePassword": func() error { return f.svc.ChangePassword(ctx, f.alice.ID, alicePassword, "a brand new passphrase") },
		"SecurityInfo":   func() error { _, err := f.svc.SecurityInfo(ctx, f.alice.ID); return err },
		"DeleteMethod":   func() error { _, err := f.svc.DeleteMethod(ctx, f.alice.ID, "alicephone"); return err },
		"AskQuestions":   func() error { _, err := f.svc.AskQuestions(ctx, f.alice.ID, "en"); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); core.ErrorCode(err) != core.EEXPIRED {
				t.Fatalf("after sign-out: %v", err)
			}
		})
	}
	if p, _ := f.svc.Policy(context.Background()); p.Issuer != "Contoso" {
		t.Fatalf("issuer = %q", p.Issuer)
	}
}

// TestParallelGuessesCannotPassTheLockout (item 5): of 40 wrong
// sign-ins at once, no more than the lockout threshold get their password
// checked, and the right password after them is locked out.
func TestParallelGuessesCannotPassTheLockout(t *testing.T) {
	f := newFixture(t)
	p, _ := f.svc.Policy(context.Background())
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.SignIn(context.Background(), "alice@contoso.com", fmt.Sprintf("wrong guess %d", i))
		}()
	}
	wg.Wait()
	checked := 0
	for i, err := range errs {
		switch core.ErrorCode(err) {
		case core.EWRONGCODE:
			checked++
		case core.ELOCKED:
			if !strings.Contains(core.ErrorMessage(err), "locked until") {
				t.Errorf("lock message %q", core.ErrorMessage(err))
			}
		default:
			t.Errorf("sign-in %d: %v", i, err)
		}
	}
	// The attempt that reaches the threshold is checked, then says locked.
	if checked != p.SignInLockoutThreshold-1 {
		t.Fatalf("%d of %d wrong passwords answered as checked; want %d, then locked", checked, n, p.SignInLockoutThreshold-1)
	}
	if _, err := f.svc.SignIn(context.Background(), "alice@contoso.com", alicePassword); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("right password after the lockout: %v", err)
	}
	// A right password takes its own count back: nine wrong, one right,
	// nine wrong leave the account open.
	h := newFixture(t)
	for round := 0; round < 2; round++ {
		for i := 0; i < p.SignInLockoutThreshold-1; i++ {
			h.svc.SignIn(context.Background(), "alice@contoso.com", "wrong")
		}
		if _, err := h.svc.SignIn(context.Background(), "alice@contoso.com", alicePassword); err != nil {
			t.Fatalf("round %d: right password: %v", round, err)
		}
	}
}

// TestOthersCannotUseUpTheSignInCodes (item 6): another account adding
// the same number, and anonymous resets, reach their own limits without
// touching the owner's sign-in codes; every send waits 30 s.
func TestOthersCannotUseUpTheSignInCodes(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	mallory := f.as(bob)
	add := func() error {
		_, err := f.svc.BeginPhone(mallory, bob.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
		return err
	}
	if err := add(); err != nil {
		t.Fatal(err)
	}
	if err := add(); core.ErrorCode(err) != core.ELIMITED || !strings.Contains(core.ErrorMessage(err), "A code was just sent") {
		t.Fatalf("second add at once: %v", err)
	}
	for i := 0; i < 4; i++ {
		f.clock.Advance(31 * time.Second)
		if err := add(); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(31 * time.Second)
	if err := add(); core.ErrorCode(err) != core.ELIMITED {
		t.Fatalf("sixth add in an hour: %v", err)
	}
	st, _ := f.svc.StartReset(context.Background(), "alice@contoso.com")
	for i := 0; i < 6; i++ {
		f.clock.Advance(31 * time.Second)
		_, err := f.svc.ResetSendCode(context.Background(), st.ResetID, st.Options[0].ID)
		if i < 5 && err != nil || i == 5 && core.ErrorCode(err) != core.ELIMITED {
			t.Fatalf("reset send %d: %v", i, err)
		}
	}
	// The owner still signs in with a code to the phone.
	f.session(t, f.alice)
}

// TestCodesAreBoundToTheirFlow (item 13): a code sent in a reset does not
// finish a sign-in, nor a sign-in's code prove the owner's page.
func TestCodesAreBoundToTheirFlow(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	ctx := context.Background()
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	rch, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	resetCode := f.lastCode(t)
	step, _ := f.svc.SignIn(ctx, "alice@contoso.com", alicePassword)
	if _, err := f.svc.FinishSignIn(ctx, step.Pending.ID, "alicephone", rch.VerificationID, resetCode); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("reset code finishing a sign-in: %v", err)
	}
	if err := f.svc.VerifyCode(f.own, f.alice.ID, rch.VerificationID, resetCode); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("reset code on the owner's page: %v", err)
	}
	f.clock.Advance(31 * time.Second)
	sch, err := f.svc.SendSignInCode(ctx, step.Pending.ID, "alicephone", core.ChannelSMS)
	if err != nil {
		t.Fatal(err)
	}
	signInCode := f.lastCode(t)
	if _, err := f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, sch.VerificationID, signInCode); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("sign-in code proving a reset: %v", err)
	}
	// Each still works in its own flow.
	if _, err := f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, rch.VerificationID, resetCode); err != nil {
		t.Fatalf("reset code in its reset: %v", err)
	}
	if _, err := f.svc.FinishSignIn(ctx, step.Pending.ID, "alicephone", sch.VerificationID, signInCode); err != nil {
		t.Fatalf("sign-in code in its sign-in: %v", err)
	}
}

var hex128 = regexp.MustCompile(`^[0-9a-f]{32,}$`)

// TestBearerIDsHaveAtLeast128Bits (item 14).
func TestBearerIDsHaveAtLeast128Bits(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	ctx := context.Background()
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	decoy, _ := f.svc.StartReset(ctx, "nobody@contoso.com")
	ch, _ := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	step, _ := f.svc.SignIn(ctx, "alice@contoso.com", alicePassword)
	sess := f.session(t, f.alice)
	a, _ := core.ActorFrom(sess)
	// A session token is the account's ID, a dot and its secret: the
	// secret alone carries the bits.
	owner, secret, _ := strings.Cut(a.SessionID, ".")
	if owner != f.alice.ID {
		t.Errorf("session token %q does not start with alice's ID", a.SessionID)
	}
	for what, id := range map[string]string{"reset": st.ResetID, "decoy reset": decoy.ResetID, "decoy option": decoy.Options[0].ID[:32],
		"verification": ch.VerificationID, "pending sign-in": step.Pending.ID, "session": secret} {
		if !hex128.MatchString(id) {
			t.Errorf("%s ID %q has fewer than 128 bits", what, id)
		}
	}
	if len(secret) < 64 {
		t.Errorf("session secret %q has fewer than 256 bits", secret)
	}
	// The store keeps the token's SHA-256 only: a copy of the database
	// signs no one in.
	f.store.View(context.Background(), func(tx core.Tx) error {
		if _, err := tx.Session(a.SessionID); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("the store keeps the session token itself: %v", err)
		}
		return nil
	})
}

// TestTheFirstAccountIsTheCoresChoice (item 10): the first-account form
// cannot make another administrator on a store that has accounts.
func TestTheFirstAccountIsTheCoresChoice(t *testing.T) {
	f := newFixture(t)
	n := core.NewAccount{Name: "mallory@contoso.com", Password: "another long passphrase", Role: core.RoleAdmin}
	if _, err := f.svc.CreateFirstAccount(context.Background(), n); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("a second first account: %v", err)
	}
	// The old form's call: an actor it made up, naming itself admin.
	made := core.WithActor(context.Background(), core.Actor{Name: "setup", Role: core.RoleAdmin, Source: "desktop"})
	if _, err := f.svc.CreateAccount(made, n); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("made-up admin actor: %v", err)
	}
	if _, err := f.svc.AccountByName(f.ctx, "mallory@contoso.com"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("mallory exists: %v", err)
	}
}

// TestAProofRacingTheEndOfAResetCannotBringItBack (item 9).
func TestAProofRacingTheEndOfAResetCannotBringItBack(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	if _, err := f.svc.AddQuestions(f.own, f.alice.ID, []core.QuestionAnswer{
		{Question: "city-born", Answer: "New York"}, {Question: "first-school", Answer: "Elm Street"}, {Question: "first-pet", Answer: "Rex the dog"}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	phone := option(t, st, core.KindPhone, core.ChannelSMS)
	qs := option(t, st, core.KindSecurityQuestions, core.ChannelNone)
	ch, _ := f.svc.ResetSendCode(ctx, st.ResetID, phone.ID)
	if _, err := f.svc.ResetVerify(ctx, st.ResetID, phone.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{"city-born": "new york", "first-school": "elm street", "first-pet": "rex the dog"}
	var challenges []*core.QuestionChallenge
	for i := 0; i < core.MaxQuestionAsks; i++ {
		qc, err := f.svc.ResetQuestions(ctx, st.ResetID, qs.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		challenges = append(challenges, qc)
	}
	var wg sync.WaitGroup
	for _, qc := range challenges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.svc.ResetAnswer(ctx, st.ResetID, qs.ID, qc.VerificationID, answers) // slow: argon2id
		}()
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := f.svc.ResetPassword(ctx, st.ResetID, "mallory's passphrase 2"); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("second password on the finished reset: %v", err)
	}
	if _, err := f.svc.SignIn(ctx, "alice@contoso.com", "a brand new passphrase"); err != nil {
		t.Fatalf("the reset's password: %v", err)
	}
}

// TestNamesCannotHideOrImitate (item 11): invisible, right-to-left and
// look-alike characters are refused where names reach people or the
// audit log, and a name that looks like an existing one is refused.
func TestNamesCannotHideOrImitate(t *testing.T) {
	f := newFixture(t)
	f.newAccount(t, "admin@contoso.com", core.RoleUser)
	f.newAccount(t, "mallory@contoso.com", core.RoleUser)
	for _, c := range []struct {
		name string
		want string
	}{
		{"\u0430dmin@contoso.com", core.EINVALID},  // Cyrillic а among Latin letters
		{"admin\u200b@contoso.com", core.EINVALID}, // zero-width space
		{"ad\u202emin@contoso.com", core.EINVALID}, // right-to-left override
		{"ad\u0085min@contoso.com", core.EINVALID}, // C1 control
		{"rnallory@contoso.com", core.ECONFLICT},   // rn looks like m
		{"ADMIN@contoso.com", core.ECONFLICT},      // the same name
		{"\uff41dmin@contoso.com", core.ECONFLICT}, // full-width a, NFKC makes it admin
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: c.name, Password: "another long passphrase"})
			if core.ErrorCode(err) != c.want {
				t.Fatalf("create %q: %v, want %s", c.name, err, c.want)
			}
		})
	}
	if _, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "eve@contoso.com", DisplayName: "Eve\u202e", Password: "another long passphrase"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("display name with a bidi override: %v", err)
	}
	if _, err := f.svc.BeginAuthenticator(f.own, f.alice.ID, "Pixel\u200b"); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("app name with a zero-width space: %v", err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"customQuestions=What was the name\u202e of your first car?"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("custom question with a bidi override: %v", err)
	}
}

// TestSessionsCannotBeEndedAcrossAccounts: one's Devices page names
// sessions by their store key, which signs nothing in, and another
// account's session cannot be ended through one's own account.
func TestSessionsCannotBeEndedAcrossAccounts(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	alice := f.session(t, f.alice)
	bobs := f.session(t, bob)
	list, err := f.svc.Sessions(alice, f.alice.ID)
	if err != nil || len(list) != 1 || !list[0].Current {
		t.Fatalf("alice's sessions = %+v, %v", list, err)
	}
	if _, err := f.svc.ResumeSession(context.Background(), list[0].ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("a listed ID used as a token: %v", err)
	}
	bobList, _ := f.svc.Sessions(bobs, bob.ID)
	if err := f.svc.EndSession(alice, f.alice.ID, bobList[0].ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("alice ends bob's session through her account: %v", err)
	}
	if err := f.svc.EndSession(alice, bob.ID, bobList[0].ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("alice ends bob's session through his account: %v", err)
	}
	if _, err := f.svc.SecurityInfo(bobs, bob.ID); err != nil {
		t.Fatalf("bob's session after both attempts: %v", err)
	}
}
