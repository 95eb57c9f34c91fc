package core_test

// "This wasn't me" raced and outlived, as an attacker would try: a
// sign-in or a desk check begun before the report and finished after it.

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// beforeUpdateStore runs before, when set, ahead of every Update.
type beforeUpdateStore struct {
	core.Store
	before func()
}

func (s *beforeUpdateStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	if s.before != nil {
		s.before()
	}
	return s.Store.Update(ctx, fn)
}

// passReadStore runs before ahead of the first Update after a View that
// read the account's Temporary Access Pass.
type passReadStore struct {
	core.Store
	mu     sync.Mutex
	read   bool
	before func()
}

type passSpyTx struct {
	core.Tx
	s *passReadStore
}

func (t passSpyTx) AccessPass(accountID string) (*core.AccessPass, error) {
	t.s.mu.Lock()
	t.s.read = true
	t.s.mu.Unlock()
	return t.Tx.AccessPass(accountID)
}

func (s *passReadStore) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.View(ctx, func(tx core.Tx) error { return fn(passSpyTx{Tx: tx, s: s}) })
}

func (s *passReadStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	s.mu.Lock()
	fire := s.read && s.before != nil
	if fire {
		s.read = false
	}
	s.mu.Unlock()
	if fire {
		s.before()
	}
	return s.Store.Update(ctx, fn)
}

// TestAfterReportPassSignInRacingReportKeepsASession: someone talked the desk
// into a (one-time) pass and signs in with it. The pass is checked and
// marked used; the owner says "This wasn't me" about the pass before the
// session is stored. The report ended "every session" and deleted the
// pass, yet the session stored right after it is live: startSessionHow
// checks the password and the method, never that the pass is still there.
func TestAfterReportPassSignInRacingReportKeepsASession(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	mine := f.session(t, d.user)
	d.verify(t, f)
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-21 lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	e := eventOf(t, f, mine, d.user.ID, core.ActionPassCreated)

	reported := false
	rs := &beforeUpdateStore{Store: f.store}
	rs.before = func() {
		if reported {
			return
		}
		used := false
		f.store.View(context.Background(), func(tx core.Tx) error {
			if ap, err := tx.AccessPass(d.user.ID); err == nil {
				used = !ap.UsedAt.IsZero()
			}
			return nil
		})
		if used { // the pass was checked and used: the owner reports now
			reported = true
			if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
				t.Error(err)
			}
		}
	}
	thief := f.service(rs)
	step, err := thief.SignInWithPass(context.Background(), d.user.Name, pass.Pass)
	if !reported {
		t.Fatal("the report did not run during the sign-in")
	}
	noLiveSession(t, f, step, err, "a sign-in with the pass, finished after \"This wasn't me\" deleted the pass, has a live session")
}

// TestAfterReportReusablePassSignInRacingReportKeepsASession: the same with a
// reusable pass, where the window is the whole hash check: the pass is
// read, the owner reports (pass deleted, sessions ended), and the check
// of the pass as it was read lets the sign-in through. A thief looping
// sign-ins with a reusable pass always has one in this window.
func TestAfterReportReusablePassSignInRacingReportKeepsASession(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"tapOneTime=false"}); err != nil {
		t.Fatal(err)
	}
	mine := f.session(t, d.user)
	d.verify(t, f)
	no := false
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-22 lost phone", OneTime: &no})
	if err != nil {
		t.Fatal(err)
	}
	e := eventOf(t, f, mine, d.user.ID, core.ActionPassCreated)

	reported := false
	rs := &passReadStore{Store: f.store}
	rs.before = func() {
		reported = true
		if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
			t.Error(err)
		}
	}
	thief := f.service(rs)
	step, err := thief.SignInWithPass(context.Background(), d.user.Name, pass.Pass)
	if !reported {
		t.Fatal("the report did not run during the sign-in")
	}
	noLiveSession(t, f, step, err, "a sign-in with a reusable pass read before \"This wasn't me\" deleted it has a live session after the report")
}

// TestAfterReportInPersonRequestBeforeReportVerifiesAfter: someone talked an
// agent into "I saw their photo ID" and the agent asked a second agent to
// approve it. The owner says "This wasn't me" about the pass the desk made
// earlier; the desk's checks of the caller are to count no more. The
// second agent approves the request made before the report, and the first
// agent is verified again, with no new check, and makes a new pass.
func TestAfterReportInPersonRequestBeforeReportVerifiesAfter(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("hd2phone", "+442079460905"))
	hd2 := f.session(t, other)
	mine := f.session(t, d.user)
	d.verify(t, f)
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-23 lost phone"}); err != nil {
		t.Fatal(err)
	}
	req, err := f.svc.RequestApproval(d.as, d.user.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-23 passport seen"})
	if err != nil {
		t.Fatal(err)
	}

	e := eventOf(t, f, mine, d.user.ID, core.ActionPassCreated)
	if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-23 again"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a pass right after the report: %v", err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.svc.Approve(hd2, req.ID); err != nil {
		return // refused: held
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-23 again"}); err == nil {
		t.Fatal("an in-person request made before \"This wasn't me\", approved after it, verified the caller again: a new pass was made")
	}
}

// TestAfterReportSecondStepRacingReportKeepsASession: a sign-in whose
// second step (the phone's code) was accepted just before "This wasn't
// me" stores its session just after it: the pending sign-in was used
// (UseVerification) in one write and the session is made in another, and
// the report between them ends neither.
func TestAfterReportSecondStepRacingReportKeepsASession(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	mine := f.session(t, d.user)
	e := eventOf(t, f, mine, d.user.ID, core.ActionSignedIn)
	step, err := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase")
	if err != nil || step.Pending == nil {
		t.Fatalf("%+v %v", step, err)
	}
	o := step.Pending.Options[0]
	ch, err := f.svc.SendSignInCode(context.Background(), step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t)
	reported := false
	rs := &beforeUpdateStore{Store: f.store}
	rs.before = func() {
		if reported {
			return
		}
		used := false
		f.store.View(context.Background(), func(tx core.Tx) error {
			if v, err := tx.Verification(step.Pending.ID); err == nil {
				used = !v.UsedAt.IsZero()
			}
			return nil
		})
		if used {
			reported = true
			if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
				t.Error(err)
			}
		}
	}
	thief := f.service(rs)
	done, err := thief.FinishSignIn(context.Background(), step.Pending.ID, o.MethodID, ch.VerificationID, code)
	if !reported {
		t.Fatal("the report did not run during the sign-in")
	}
	noLiveSession(t, f, done, err, "a sign-in finished across \"This wasn't me\" has a live session after it")
}

// TestAfterReportDeskCheckBegunBeforeFinishedAfter: an agent sent the
// phone a code before the report; the caller reads it after, and the
// agent is verified with a check begun before the report.
func TestAfterReportDeskCheckBegunBeforeFinishedAfter(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	mine := f.session(t, d.user)
	d.verify(t, f)
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-24"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(31 * time.Second)
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	e := eventOf(t, f, mine, d.user.ID, core.ActionPassCreated)
	if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, f.lastCode(t)); err == nil {
		t.Fatal("a desk check whose code went out before \"This wasn't me\" verified the caller after it")
	}
}

// TestAfterReportRacingResetCompletion: 31 completions of a proven reset
// race one report; a reset that succeeds must come before the report.
func TestAfterReportRacingResetCompletion(t *testing.T) {
	for round := 0; round < 6; round++ {
		f := newFixture(t)
		d := newDesk(t, f)
		mine := f.session(t, d.user)
		e := eventOf(t, f, mine, d.user.ID, core.ActionSignedIn)
		st, err := f.svc.StartReset(context.Background(), d.user.Name)
		if err != nil {
			t.Fatal(err)
		}
		var opt core.ResetOption
		for _, o := range st.Options {
			if o.Kind == core.KindPhone {
				opt = o
			}
		}
		ch, err := f.svc.ResetSendCode(context.Background(), st.ResetID, opt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st, err = f.svc.ResetVerify(context.Background(), st.ResetID, opt.ID, ch.VerificationID, f.lastCode(t)); err != nil || !st.Ready() {
			t.Fatalf("%+v %v", st, err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 32; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				if i == 16 {
					// A reset that wins ends this session: the report is refused then.
					f.svc.ReportActivity(mine, d.user.ID, e.Seq)
					return
				}
				time.Sleep(time.Duration(round) * 2 * time.Millisecond)
				f.svc.ResetPassword(context.Background(), st.ResetID, "k8#mQz!vR thief")
			}(i)
		}
		close(start)
		wg.Wait()
		events := auditActions(t, f, d.user.ID)
		var resetAt, reportAt, resets int64 = -1, -1, 0
		for _, ev := range events {
			switch ev.Action {
			case core.ActionPasswordReset:
				resets++
				resetAt = ev.Seq
			case core.ActionActivityReported:
				reportAt = ev.Seq
			}
		}
		if resets > 1 || reportAt >= 0 && resetAt > reportAt {
			t.Fatalf("round %d: %d resets, last at %d, report at %d", round, resets, resetAt, reportAt)
		}
		t.Logf("round %d: reset at %d, report at %d", round, resetAt, reportAt)
	}
}

// TestPassDeletedDuringItsSignIn: the desk deletes a reusable pass while
// a sign-in with it is between its check and its session: the session
// is refused, since the pass it signed in with is gone.
func TestPassDeletedDuringItsSignIn(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"tapOneTime=false"}); err != nil {
		t.Fatal(err)
	}
	d.verify(t, f)
	no := false
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-25 lost phone", OneTime: &no})
	if err != nil {
		t.Fatal(err)
	}
	deleted := false
	rs := &passReadStore{Store: f.store}
	rs.before = func() {
		deleted = true
		if err := f.svc.DeleteAccessPass(d.as, d.user.ID, "INC-25 given to the wrong person"); err != nil {
			t.Error(err)
		}
	}
	step, err := f.service(rs).SignInWithPass(context.Background(), d.user.Name, pass.Pass)
	if !deleted {
		t.Fatal("the pass was not deleted during the sign-in")
	}
	if err == nil {
		t.Fatalf("a sign-in with a pass deleted before its session was stored: %+v", step.Session)
	}
	if core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("refused as %v, not as a wrong name or pass", err)
	}
}

// TestNoSelfServiceResetAfterReport: the thief with the phone the report
// names starts a new reset a second after it and proves it with that
// phone: for a day only the help desk resets the password. After it, the
// phone alone resets it again (the report undoes nothing).
func TestNoSelfServiceResetAfterReport(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	mine := f.session(t, d.user)
	e := eventOf(t, f, mine, d.user.ID, core.ActionSignedIn)
	if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
		t.Fatal(err)
	}
	reset := func(password string) error {
		t.Helper()
		st, err := f.svc.StartReset(context.Background(), d.user.Name)
		if err != nil {
			t.Fatal(err)
		}
		var phone core.ResetOption
		for _, o := range st.Options {
			if o.Kind == core.KindPhone {
				phone = o
			}
		}
		ch, err := f.svc.ResetSendCode(context.Background(), st.ResetID, phone.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st, err = f.svc.ResetVerify(context.Background(), st.ResetID, phone.ID, ch.VerificationID, f.lastCode(t)); err != nil || !st.Ready() {
			t.Fatalf("the phone's proof: %+v %v", st, err)
		}
		return f.svc.ResetPassword(context.Background(), st.ResetID, password)
	}
	f.clock.Advance(time.Second)
	if err := reset("k8#mQz!vR thief"); core.ReasonOf(err) != "reset.afterReport" {
		t.Fatalf("a self-service reset right after the report: %v", err)
	}
	if _, err := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase"); err != nil {
		t.Fatalf("the password changed all the same: %v", err)
	}
	f.clock.Advance(core.PauseAfterReport - time.Minute - time.Second) // a minute before the day is over
	if err := reset("k8#mQz!vR thief"); core.ReasonOf(err) != "reset.afterReport" {
		t.Fatalf("a self-service reset just before the day is over: %v", err)
	}
	f.clock.Advance(time.Minute + time.Second) // the day is over
	if err := reset("k8#mQz!vR owner's own"); err != nil {
		t.Fatalf("a self-service reset a day after the report: %v", err)
	}
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-26 after the report"); core.ErrorCode(err) == core.EFORBIDDEN && core.ReasonOf(err) == "reset.afterReport" {
		t.Fatalf("the desk's reset was paused too: %v", err)
	}
}

// afterSettleStore runs after, once, right after the second committed
// Update that read a sign-in counter: in a sign-in that is settleSignIn,
// which comes after the password was checked (claimSignIn is the first).
type afterSettleStore struct {
	core.Store
	mu    sync.Mutex
	n     int
	fired bool
	after func()
}

type counterSpyTx struct {
	core.Tx
	read *bool
}

func (t counterSpyTx) SignInCounter(name string) (*core.FailureCounter, error) {
	*t.read = true
	return t.Tx.SignInCounter(name)
}

func (s *afterSettleStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	read := false
	err := s.Store.Update(ctx, func(tx core.Tx) error { read = false; return fn(counterSpyTx{Tx: tx, read: &read}) })
	s.mu.Lock()
	fire := false
	if err == nil && read {
		s.n++
		if s.n == 2 && !s.fired && s.after != nil {
			s.fired, fire = true, true
		}
	}
	s.mu.Unlock()
	if fire {
		s.after()
	}
	return err
}

// TestAfterReportPendingSignInStoredAfterIt: the thief's password
// is checked at T0; the owner says "This wasn't me" at T0+1s (ending
// "every pending sign-in"); the pending sign-in is stored at T0+2s, after
// the report, so the report did not end it, and secondStepDone takes its
// CreatedAt (T0+2s) as the password's check: the session stored after the
// second step is live, though its password was checked before the report.
func TestAfterReportPendingSignInStoredAfterIt(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	mine := f.session(t, d.user)
	e := eventOf(t, f, mine, d.user.ID, core.ActionSignedIn)
	f.clock.Advance(time.Minute)

	reported := false
	rs := &afterSettleStore{Store: f.store}
	rs.after = func() { // the password was checked and settled
		f.clock.Advance(time.Second)
		if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
			t.Error(err)
		}
		reported = true
		f.clock.Advance(time.Second)
	}
	thief := f.service(rs)
	step, err := thief.SignIn(context.Background(), d.user.Name, "another long passphrase")
	if !reported {
		t.Fatal("the report did not run during the sign-in")
	}
	if err != nil || step.Pending == nil {
		return // refused: held
	}
	o := step.Pending.Options[0]
	ch, err := thief.SendSignInCode(context.Background(), step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		return // the pending sign-in was ended: held
	}
	done, err := thief.FinishSignIn(context.Background(), step.Pending.ID, o.MethodID, ch.VerificationID, f.lastCode(t))
	noLiveSession(t, f, done, err, "a sign-in whose password was checked before \"This wasn't me\" has a live session after it (pending sign-in stored after the report)")
}

// TestAfterReportOneStepSignInCheckedBeforeIt: the same for an
// account with no second method: afterPassword takes s.clock() after
// the check and two writes as the check's time.
func TestAfterReportOneStepSignInCheckedBeforeIt(t *testing.T) {
	f := newFixture(t)
	acct := f.newAccount(t, "nomethods@contoso.com", core.RoleUser)
	mine := f.session(t, acct)
	e := eventOf(t, f, mine, acct.ID, core.ActionSignedIn)
	f.clock.Advance(time.Minute)

	reported := false
	rs := &afterSettleStore{Store: f.store}
	rs.after = func() {
		f.clock.Advance(time.Second)
		if _, err := f.svc.ReportActivity(mine, acct.ID, e.Seq); err != nil {
			t.Error(err)
		}
		reported = true
		f.clock.Advance(time.Second)
	}
	step, err := f.service(rs).SignIn(context.Background(), acct.Name, "another long passphrase")
	if !reported {
		t.Fatal("the report did not run during the sign-in")
	}
	noLiveSession(t, f, step, err, "a password checked before \"This wasn't me\" got a live session stored after it")
}

// TestDeskAfterReport: a minute after "This wasn't me" the thief with
// the phone calls the help desk. The desk may not check the caller with
// the account's own phone or app (the thief reads its code), so no
// temporary password through the desk either; a check in person, approved
// by a second agent, still lets the desk help the owner. A day later the
// phone counts again.
func TestDeskAfterReport(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("hd2phone", "+442079460905"))
	hd2 := f.session(t, other)
	mine := f.session(t, d.user)
	e := eventOf(t, f, mine, d.user.ID, core.ActionSignedIn)
	if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	for _, m := range []*core.Method{d.phone, d.app} {
		if _, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, m.ID); core.ReasonOf(err) != "helpdesk.reported" {
			t.Fatalf("a desk check by the account's %s a minute after the report: %v", m.Kind, err)
		}
	}
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-27 caller"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a temporary password with no check of the caller: %v", err)
	}
	req, err := f.svc.RequestApproval(d.as, d.user.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-27 passport seen"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(hd2, req.ID); err != nil {
		t.Fatalf("an in-person check asked after the report: %v", err)
	}
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-27 owner in person"); err != nil {
		t.Fatalf("the desk's reset after a check in person: %v", err)
	}
	f.clock.Advance(core.PauseAfterReport)
	d.as = f.session(t, d.agent) // the agent's own session lapsed meanwhile
	d.verify(t, f)               // a day later the phone proves the caller again
}

// noLiveSession fails the test with what when a sign-in that was not
// refused (err == nil) left a session that still signs in.
func noLiveSession(t *testing.T, f *fixture, step *core.SignInStep, err error, what string) {
	t.Helper()
	if err != nil {
		return // refused: held
	}
	if _, err := f.svc.ResumeSession(context.Background(), step.Session.ID); err == nil {
		t.Fatal(what)
	}
}
