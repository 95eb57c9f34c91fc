package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// passSession has the desk make the user a Temporary Access Pass, and
// signs the user in with it.
func (d *desk) passSession(t *testing.T, f *fixture) context.Context {
	t.Helper()
	d.verify(t, f)
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-7 lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := f.svc.SignInWithPass(context.Background(), d.user.Name, pass.Pass)
	if err != nil {
		t.Fatal(err)
	}
	if step.Session.SignInKind != core.KindTemporaryAccessPass || step.Session.SignInMethodID != "" {
		t.Fatalf("a pass's session is recorded as signed in with %q %q", step.Session.SignInKind, step.Session.SignInMethodID)
	}
	return core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
}

// live reports whether the session of ctx still signs in.
func live(f *fixture, ctx context.Context) bool {
	a, _ := core.ActorFrom(ctx)
	_, err := f.svc.ResumeSession(context.Background(), a.SessionID)
	return err == nil
}

func auditActions(t *testing.T, f *fixture, accountID string) []*core.AuditEvent {
	t.Helper()
	events, err := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: accountID})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// TestLostPhoneAfterAPass: the person signs in with a pass and reports the
// phone lost. It is removed at once, the two sessions signed in with it
// end (the pass's goes on), the default moves to the app, the replacement
// is audited, and the email is told while the lost phone is not.
func TestLostPhoneAfterAPass(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.add(t, d.user, &core.Method{ID: "umamail", Kind: core.KindEmail, Detail: "uma@gmail.com", Channel: core.ChannelEmail})
	byPhone1, byPhone2 := f.session(t, d.user), f.session(t, d.user)
	if a, _ := core.ActorFrom(byPhone1); !live(f, byPhone1) || a.SessionID == "" {
		t.Fatal("no session signed in with the phone")
	}
	byPass := d.passSession(t, f)
	before := len(f.sent(t))

	got, err := f.svc.ReplaceLostMethod(byPass, d.user.ID, d.phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Removed != core.KindPhone || got.Replace != core.KindPhone || got.SessionsEnded != 2 || got.NewDefault == nil ||
		got.NewDefault.MethodID != d.app.ID || strings.Contains(got.Detail, "460958") {
		t.Fatalf("lost phone = %+v", got)
	}
	if live(f, byPhone1) || live(f, byPhone2) || !live(f, byPass) {
		t.Fatalf("sessions after: by phone %v %v (want ended), by pass %v (want live)", live(f, byPhone1), live(f, byPhone2), live(f, byPass))
	}
	info, err := f.svc.SecurityInfo(byPass, d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Methods {
		if m.ID == d.phone.ID {
			t.Fatal("the lost phone is still listed")
		}
	}
	if info.PendingRemoval != nil || info.Default == nil || info.Default.MethodID != d.app.ID {
		t.Fatalf("after: pending %+v, default %+v", info.PendingRemoval, info.Default)
	}
	events := auditActions(t, f, d.user.ID)
	lost, moved := events[len(events)-2], events[len(events)-1]
	if lost.Action != core.ActionMethodLost || lost.ActorID != d.user.ID || !strings.Contains(lost.Reason, "replaced") ||
		!strings.Contains(lost.Reason, "2 sessions") || moved.Action != core.ActionDefaultChanged {
		t.Fatalf("audit: %+v then %+v", lost, moved)
	}
	sent := f.sent(t)[before:]
	if len(sent) != 1 || sent[0].To != "uma@gmail.com" || !strings.Contains(sent[0].Text, "reported lost") || !strings.Contains(sent[0].Text, "Recent activity") {
		t.Fatalf("notices: %+v (the email alone, not the lost phone)", sent)
	}

	// The app the person has left can be reported lost too: the last
	// sign-in method goes at once, not in 30 days.
	got, err = f.svc.ReplaceLostMethod(byPass, d.user.ID, d.app.ID)
	if err != nil || got.Replace != core.KindAuthenticatorApp || got.NewDefault != nil {
		t.Fatalf("lost app = %+v, %v", got, err)
	}
}

// TestLostOnlyPhoneGoesAtOnce: the last security info reported lost is
// removed at once, where a delete would wait 30 days.
func TestLostOnlyPhoneGoesAtOnce(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.store.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteMethod(d.app.ID) })
	byPass := d.passSession(t, f)
	if pv, err := f.svc.PreviewDelete(byPass, d.user.ID, d.phone.ID); err != nil || !pv.Scheduled {
		t.Fatalf("a delete of the only phone would be scheduled: %+v %v", pv, err)
	}
	if _, err := f.svc.ReplaceLostMethod(byPass, d.user.ID, d.phone.ID); err != nil {
		t.Fatal(err)
	}
	info, err := f.svc.SecurityInfo(byPass, d.user.ID)
	if err != nil || len(info.Methods) != 0 || info.PendingRemoval != nil || info.Default != nil {
		t.Fatalf("after: %+v %v", info, err)
	}
	// The wizard that opens next may add the new phone at once.
	if kinds, err := f.svc.AvailableKinds(byPass, d.user.ID); err != nil || !contains(kinds, core.KindPhone) {
		t.Fatalf("kinds after: %v %v", kinds, err)
	}
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestLostDeviceRefusals: a session signed in with the lost phone itself
// may not report it lost; another account's method is not found; an
// email is no device; staff cannot do it for the person; nothing changes.
func TestLostDeviceRefusals(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.add(t, d.user, &core.Method{ID: "umamail", Kind: core.KindEmail, Detail: "uma@gmail.com", Channel: core.ChannelEmail})
	byPhone := f.session(t, d.user)
	if _, err := f.svc.ReplaceLostMethod(byPhone, d.user.ID, d.phone.ID); core.ReasonOf(err) != "lost.signInAnotherWay" {
		t.Fatalf("reported lost from a session signed in with it: %v", err)
	}
	byPass := d.passSession(t, f)
	other := f.newAccount(t, "olga@contoso.com", core.RoleUser)
	f.add(t, other, phoneOf("olgaphone", "+442079460777"))
	if _, err := f.svc.ReplaceLostMethod(byPass, d.user.ID, "olgaphone"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("another account's phone: %v", err)
	}
	if _, err := f.svc.ReplaceLostMethod(byPass, other.ID, "olgaphone"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("on another account: %v", err)
	}
	if _, err := f.svc.ReplaceLostMethod(byPass, d.user.ID, "umamail"); core.ReasonOf(err) != "lost.notADevice" {
		t.Fatalf("an email reported lost: %v", err)
	}
	// (The agent verified the person for the pass.)
	if _, err := f.svc.ReplaceLostMethod(d.as, d.user.ID, d.phone.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the help desk reporting the person's phone lost: %v", err)
	}
	f.store.View(context.Background(), func(tx core.Tx) error {
		for _, id := range []string{"olgaphone", d.phone.ID, "umamail"} {
			if _, err := tx.Method(id); err != nil {
				t.Errorf("%s after the refusals: %v", id, err)
			}
		}
		return nil
	})
	if !live(f, byPhone) {
		t.Fatal("a refusal ended a session")
	}
}

// eventOf returns the newest event with action in the owner's Recent
// activity.
func eventOf(t *testing.T, f *fixture, ctx context.Context, accountID, action string) *core.AuditEvent {
	t.Helper()
	events, err := f.svc.RecentActivity(ctx, accountID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Action == action {
			return e
		}
	}
	t.Fatalf("no %s in the recent activity", action)
	return nil
}

// TestThisWasntMe: the help desk made a pass the person did not ask for.
// Reporting it ends every session (the reporting one too) and pending
// sign-in, deletes the pass, audits the report with the reporter, lists
// it for the help desk, and undoes nothing else. The notice of the pass
// said where to look.
func TestThisWasntMe(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	mine, other := f.session(t, d.user), f.session(t, d.user)
	d.verify(t, f)
	before := len(f.sent(t))
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-9"}); err != nil {
		t.Fatal(err)
	}
	if sent := f.sent(t)[before:]; len(sent) != 1 || !strings.Contains(sent[0].Text, "Security info › Recent activity") || !strings.Contains(sent[0].Text, "This wasn't me") {
		t.Fatalf("the pass's notice does not say where to look: %+v", sent)
	}
	e := eventOf(t, f, mine, d.user.ID, core.ActionPassCreated)
	if !e.Reportable || e.Reported || e.ActorID != d.agent.ID {
		t.Fatalf("the pass's event as the owner reads it: %+v", e)
	}
	if added := eventOf(t, f, mine, d.user.ID, core.ActionAccountCreated); added.Reportable {
		t.Fatal("the account's creation is offered for a report")
	}
	pending, err := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase")
	if err != nil || pending.Pending == nil {
		t.Fatalf("pending sign-in: %+v %v", pending, err)
	}

	r, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if r.EventSeq != e.Seq || r.Action != core.ActionPassCreated || r.ReportedByID != d.user.ID || r.EventActor != d.agent.Name || r.AccountID != d.user.ID {
		t.Fatalf("report = %+v", r)
	}
	if live(f, mine) || live(f, other) {
		t.Fatal("a session outlived the report")
	}
	o := pending.Pending.Options[0]
	if _, err := f.svc.SendSignInCode(context.Background(), pending.Pending.ID, o.MethodID, o.Channel); err == nil {
		t.Fatal("the pending sign-in went on after the report")
	}
	owner := f.as(d.user)
	info, err := f.svc.SecurityInfo(owner, d.user.ID)
	if err != nil || info.AccessPass != nil || len(info.Methods) != 2 {
		t.Fatalf("after the report: pass %+v, %d methods, %v (the pass deleted, nothing else)", info.AccessPass, len(info.Methods), err)
	}
	events := auditActions(t, f, d.user.ID)
	var reported *core.AuditEvent
	for _, x := range events {
		if x.Action == core.ActionActivityReported {
			reported = x
		}
	}
	if reported == nil || reported.ActorID != d.user.ID || reported.ActorName != d.user.Name || reported.Detail != fmt.Sprintf("event %d: %s", e.Seq, core.ActionPassCreated) {
		t.Fatalf("report audit: %+v", reported)
	}
	if last := events[len(events)-1]; last.Action != core.ActionSessionsEnded || last.Detail != "everywhere" {
		t.Fatalf("last event %+v", last)
	}
	again := eventOf(t, f, owner, d.user.ID, core.ActionPassCreated)
	if !again.Reported || again.Reportable {
		t.Fatalf("the reported event reads %+v", again)
	}
	reports, err := f.svc.ActivityReports(d.as, 10)
	if err != nil || len(reports) != 1 || reports[0].ID != r.ID {
		t.Fatalf("the desk's list: %v %v", reports, err)
	}
}

// TestReportAttacks: another account's event is answered as a missing
// one; a report is made once, replayed or raced by 32; an event that is
// no change can't be reported; the list is for staff with two steps, and
// the help desk sees only the accounts below it.
func TestReportAttacks(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	uma := f.session(t, d.user)
	agentSignIn := eventOf(t, f, d.as, d.agent.ID, core.ActionSignedIn)
	_, missing := f.svc.ReportActivity(uma, d.user.ID, 99999)
	_, foreign := f.svc.ReportActivity(uma, d.user.ID, agentSignIn.Seq)
	if core.ReasonOf(missing) != "report.notFound" || core.ReasonOf(foreign) != "report.notFound" || core.ErrorMessage(missing) != core.ErrorMessage(foreign) {
		t.Fatalf("another account's event: %v; a missing one: %v (want the same answer)", foreign, missing)
	}
	if _, err := f.svc.ReportActivity(uma, d.agent.ID, agentSignIn.Seq); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a report on another account: %v", err)
	}
	created := eventOf(t, f, uma, d.user.ID, core.ActionAccountCreated)
	if _, err := f.svc.ReportActivity(uma, d.user.ID, created.Seq); core.ReasonOf(err) != "report.notReportable" {
		t.Fatalf("an event that can't be reported: %v", err)
	}
	if !live(f, uma) {
		t.Fatal("a refused report ended the session")
	}

	// 32 at once: one report, the others a conflict.
	signIn := eventOf(t, f, uma, d.user.ID, core.ActionSignedIn)
	var wg sync.WaitGroup
	var mu sync.Mutex
	made, conflicts := 0, 0
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.ReportActivity(f.as(d.user), d.user.ID, signIn.Seq)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made++
			case core.ReasonOf(err) == "report.already":
				conflicts++
			default:
				t.Errorf("report %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if made != 1 || conflicts != 31 {
		t.Fatalf("%d reports made, %d conflicts", made, conflicts)
	}
	// Replayed: the session it came from ended; a new one is told it
	// was reported already.
	if _, err := f.svc.ReportActivity(uma, d.user.ID, signIn.Seq); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("the report replayed in its ended session: %v", err)
	}
	f.clock.Advance(time.Second) // a sign-in checked at the report's instant is refused with it
	if _, err := f.svc.ReportActivity(f.session(t, d.user), d.user.ID, signIn.Seq); core.ReasonOf(err) != "report.already" {
		t.Fatalf("the report again: %v", err)
	}
	n := 0
	for _, e := range auditActions(t, f, d.user.ID) {
		if e.Action == core.ActionActivityReported {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d reports audited", n)
	}

	// Who may list the reports.
	if _, err := f.svc.ActivityReports(f.session(t, d.user), 10); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user listing reports: %v", err)
	}
	oneStep := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	step, err := f.svc.SignIn(context.Background(), oneStep.Name, "another long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	hd2 := core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
	if _, err := f.svc.ActivityReports(hd2, 10); core.ReasonOf(err) != "forbidden.twoStep" {
		t.Fatalf("the help desk without two steps: %v", err)
	}
	// hd2 reports its own sign-in: an administrator sees it, the other
	// agent does not.
	own := eventOf(t, f, hd2, oneStep.ID, core.ActionSignedIn)
	if _, err := f.svc.ReportActivity(hd2, oneStep.ID, own.Seq); err != nil {
		t.Fatal(err)
	}
	desk, err := f.svc.ActivityReports(d.as, 0)
	if err != nil || len(desk) != 1 || desk[0].AccountID != d.user.ID {
		t.Fatalf("the desk's list: %v %v (the user's report only)", desk, err)
	}
	all, err := f.svc.ActivityReports(f.ctx, 0)
	if err != nil || len(all) != 2 || all[0].AccountID != oneStep.ID {
		t.Fatalf("the administrator's list: %v %v", all, err)
	}
}

// TestReportHidesAdminFromDesk: a report copies the event's actor; the
// help desk's list must not name an administrator who did the reported
// change, as the desk's audit log does not ("an administrator").
func TestReportHidesAdminFromDesk(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	root := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, root, phoneOf("rootphone", "+442079460002"))
	asRoot := f.session(t, root)
	ch, err := f.svc.BeginIdentityCheck(asRoot, d.user.ID, d.phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(asRoot, d.user.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RevokeSessions(asRoot, d.user.ID, "INC-3 stolen laptop"); err != nil {
		t.Fatal(err)
	}
	uma := f.session(t, d.user)
	e := eventOf(t, f, uma, d.user.ID, core.ActionSessionsRevoked)
	if _, err := f.svc.ReportActivity(uma, d.user.ID, e.Seq); err != nil {
		t.Fatal(err)
	}
	logged, err := f.svc.AuditLog(d.as, core.AuditFilter{AccountID: d.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range logged {
		if x.Seq == e.Seq && x.ActorName != "an administrator" {
			t.Fatalf("the desk's audit log names the admin: %+v", x)
		}
	}
	reports, err := f.svc.ActivityReports(d.as, 10)
	if err != nil || len(reports) != 1 {
		t.Fatalf("the desk's list: %v %v", reports, err)
	}
	if strings.Contains(reports[0].EventActor, root.Name) || reports[0].EventActor != "an administrator" {
		t.Fatalf("the desk's list of reports names the admin who did the change: %q", reports[0].EventActor)
	}
}

// TestLostDeviceRacesASignIn: a thief with the password and the app
// finishes a sign-in with it while its owner, signed in with a pass,
// declares the app lost. Whichever comes first, no session signed in with
// the lost app may live on after the lost-device path said it ended them
// all.
func TestLostDeviceRacesASignIn(t *testing.T) {
	raced := 0
	for i := 0; i < 25 && raced < 3; i++ {
		f := newFixture(t)
		d := newDesk(t, f)
		byPass := d.passSession(t, f)
		step, err := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase")
		if err != nil || step.Pending == nil {
			t.Fatalf("sign-in: %+v %v", step, err)
		}
		code, err := core.TOTPCode(d.secret, f.clock.Now(), core.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var thief *core.SignInStep
		var lostErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			thief, _ = f.svc.FinishSignIn(context.Background(), step.Pending.ID, d.app.ID, "", code)
		}()
		go func() {
			defer wg.Done()
			_, lostErr = f.svc.ReplaceLostMethod(byPass, d.user.ID, d.app.ID)
		}()
		wg.Wait()
		if lostErr != nil {
			t.Fatalf("%d: lost: %v", i, lostErr)
		}
		if thief == nil || thief.Session == nil {
			continue
		}
		raced++
		if _, err := f.svc.ResumeSession(context.Background(), thief.Session.ID); err == nil {
			t.Fatalf("%d: a session signed in with the app lives on after the app was declared lost (signed in with %q %q)",
				i, thief.Session.SignInKind, thief.Session.SignInMethodID)
		}
	}
	t.Logf("%d sign-ins with the app finished in the race", raced)
}

// TestLostPhoneEndsItsReset: a thief with the phone proves it in a
// password reset; its owner, signed in with a pass, reports the phone
// lost. The reset the lost phone proved must not go on: it would set the
// thief's password and end the owner's pass session, on an account that
// now has no method to ask for a second step.
func TestLostPhoneEndsItsReset(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.store.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteMethod(d.app.ID) })
	byPass := d.passSession(t, f)
	f.clock.Advance(31 * time.Second)
	st, err := f.svc.StartReset(context.Background(), d.user.Name)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.ResetSendCode(context.Background(), st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = f.svc.ResetVerify(context.Background(), st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t)); err != nil || !st.Ready() {
		t.Fatalf("the thief's proof: %+v %v", st, err)
	}
	if _, err := f.svc.ReplaceLostMethod(byPass, d.user.ID, d.phone.ID); err != nil {
		t.Fatal(err)
	}
	err = f.svc.ResetPassword(context.Background(), st.ResetID, "k8#mQz!vR thief")
	if err == nil {
		t.Fatalf("a reset proven with the phone set the password after the phone was declared lost (the owner's pass session live: %v)", live(f, byPass))
	}
	if !live(f, byPass) {
		t.Fatal("the owner's pass session ended")
	}
}

// TestLostPhoneEndsItsDeskProof: a thief with the phone has the help
// desk verify "the person" with a code to it; its owner then reports the
// phone lost. The desk's proof made with the lost phone must not let the
// agent make the caller a pass.
func TestLostPhoneEndsItsDeskProof(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	byPass := d.passSession(t, f)
	f.clock.Advance(31 * time.Second)
	d.verify(t, f) // the thief reads the phone's code to the agent
	if _, err := f.svc.ReplaceLostMethod(byPass, d.user.ID, d.phone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-8 new phone"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a pass on a proof made with the phone declared lost since: %v", err)
	}
}

// TestThisWasntMeEndsResetsAndDeskProofs: someone with the phone proves a
// password reset and has the help desk check "the person" with a code to
// it, and the desk makes them a pass; the owner, signed in elsewhere,
// says "This wasn't me" about the pass. The proven reset can no longer
// set the password, and the desk has to check the caller again before it
// may make another pass.
func TestThisWasntMeEndsResetsAndDeskProofs(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	f.store.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteMethod(d.app.ID) })
	mine := f.session(t, d.user)
	d.verify(t, f) // the thief reads the phone's code to the agent
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-11 lost phone"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(31 * time.Second)
	st, err := f.svc.StartReset(context.Background(), d.user.Name)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.ResetSendCode(context.Background(), st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = f.svc.ResetVerify(context.Background(), st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t)); err != nil || !st.Ready() {
		t.Fatalf("the thief's proof: %+v %v", st, err)
	}

	e := eventOf(t, f, mine, d.user.ID, core.ActionPassCreated)
	if _, err := f.svc.ReportActivity(mine, d.user.ID, e.Seq); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ResetPassword(context.Background(), st.ResetID, "k8#mQz!vR thief"); err == nil {
		t.Fatal("a reset proven before the report set the password after it")
	}
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-11 again"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a pass on the desk's check made before the report: %v", err)
	}
	f.clock.Advance(core.PauseAfterReport + time.Second)
	d.as = f.session(t, d.agent)
	d.verify(t, f) // checked again (a day later: TestDeskAfterReport), the desk may
	if _, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-11 checked again"}); err != nil {
		t.Fatalf("a pass after the desk checked the caller again: %v", err)
	}
}
