package core_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
)

// signInWith signs name in with password and, when a second step is
// asked, the code sent to its first option.
func (f *fixture) signInWith(t *testing.T, name, password string) (*core.SignInStep, error) {
	t.Helper()
	step, err := f.svc.SignIn(context.Background(), name, password)
	if err != nil || step.Pending == nil {
		return step, err
	}
	o := step.Pending.Options[0]
	ch, err := f.svc.SendSignInCode(context.Background(), step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		t.Fatal(err)
	}
	step, err = f.svc.FinishSignIn(context.Background(), step.Pending.ID, o.MethodID, ch.VerificationID, f.lastCode(t))
	f.clock.Advance(31 * time.Second)
	return step, err
}

// TestHelpdeskResetsThePassword: a verified person gets a temporary
// password, shown once and never logged; the old password and every
// session end; the person signs in with it (still with their second
// step) and can change nothing until they choose their own password.
func TestHelpdeskResetsThePassword(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	userAs := f.session(t, d.user)
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-77"); core.ReasonOf(err) != "helpdesk.unverified" {
		t.Fatalf("before verification: %v", err)
	}
	d.verify(t, f)
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, " "); core.ReasonOf(err) != "helpdesk.reason" {
		t.Fatalf("without a reason: %v", err)
	}
	before := len(f.sent(t))
	tmp, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-77 forgot password")
	if err != nil || len(tmp.Password) != 16 || !tmp.MustChange {
		t.Fatalf("reset: %+v %v", tmp, err)
	}
	if strings.Contains(f.log.String(), tmp.Password) {
		t.Fatal("the temporary password is in the log")
	}
	if sent := f.sent(t)[before:]; len(sent) != 1 || !strings.Contains(sent[0].Text, "temporary password") || strings.Contains(sent[0].Text, tmp.Password) {
		t.Fatalf("notice to the owner: %+v", sent)
	}
	if _, err := f.svc.SecurityInfo(userAs, d.user.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("the person's old session: %v", err)
	}
	if _, err := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("the old password: %v", err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: d.user.ID})
	last := events[len(events)-1]
	if last.Action != core.ActionPasswordSetByDesk || last.ActorID != d.agent.ID || last.Reason != "INC-77 forgot password" || last.Detail != "verified by: phone" {
		t.Fatalf("audit: %+v", last)
	}

	step, err := f.signInWith(t, d.user.Name, tmp.Password)
	if err != nil || step.Session == nil || !step.Account.PasswordMustChange {
		t.Fatalf("sign in with the temporary password: %+v %v", step, err)
	}
	me := core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
	if _, err := f.svc.SecurityInfo(me, d.user.ID); err != nil {
		t.Fatalf("reading is allowed: %v", err)
	}
	if _, err := f.svc.RenameMethod(me, d.user.ID, d.app.ID, "mine"); core.ReasonOf(err) != "password.mustChange" {
		t.Fatalf("a change before choosing a password: %v", err)
	}
	if err := f.svc.ChangePassword(me, d.user.ID, tmp.Password, "a brand new passphrase of mine"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RenameMethod(me, d.user.ID, d.app.ID, "mine"); err != nil {
		t.Fatalf("a change after choosing a password: %v", err)
	}
	if step, err := f.signInWith(t, d.user.Name, "a brand new passphrase of mine"); err != nil || step.Account.PasswordMustChange {
		t.Fatalf("sign in with the new password: %+v %v", step, err)
	}
}

// TestActingOnAnotherAdministratorNeedsASecondAdmin: an administrator
// asks, another administrator approves (once, even when 32 try at once),
// and only then may the first use the help desk's operations on the third
// administrator; a help-desk agent may not approve it, nor anyone their
// own request; the approval ends after 10 minutes.
func TestActingOnAnotherAdministratorNeedsASecondAdmin(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460901"))
	alice := f.session(t, f.alice)
	target := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, target, phoneOf("rootphone", "+442079460902"))
	second := f.newAccount(t, "bea@contoso.com", core.RoleAdmin)
	f.add(t, second, phoneOf("beaphone", "+442079460903"))
	bea := f.session(t, second)
	agent := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	f.add(t, agent, phoneOf("hdphone", "+442079460904"))
	hd := f.session(t, agent)

	if _, err := f.svc.BeginIdentityCheck(alice, target.ID, "rootphone"); core.ReasonOf(err) != "approval.needed" {
		t.Fatalf("without approval: %v", err)
	}
	if _, err := f.svc.RequestApproval(hd, target.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin, Reason: "INC-5"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the help desk asks to act on an admin: %v", err)
	}
	if _, err := f.svc.RequestApproval(alice, target.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin}); core.ReasonOf(err) != "helpdesk.reason" {
		t.Fatalf("a request without a reason: %v", err)
	}
	req, err := f.svc.RequestApproval(alice, target.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin, Reason: "INC-5 root lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(alice, req.ID); core.ReasonOf(err) != "approval.own" {
		t.Fatalf("approving one's own request: %v", err)
	}
	if _, err := f.svc.Approve(hd, req.ID); core.ReasonOf(err) != "forbidden.admin" {
		t.Fatalf("the help desk approves acting on an admin: %v", err)
	}
	if list, err := f.svc.PendingApprovals(hd); err != nil || len(list) != 0 {
		t.Fatalf("the help desk's list: %+v %v", list, err)
	}
	list, err := f.svc.PendingApprovals(bea)
	if err != nil || len(list) != 1 || list[0].AccountName != "root@contoso.com" || list[0].RequesterName != f.alice.Name || list[0].Reason != "INC-5 root lost phone" {
		t.Fatalf("the second admin's list: %+v %v", list, err)
	}
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.svc.Approve(bea, req.ID); err == nil {
				ok.Add(1)
			} else if core.ReasonOf(err) != "approval.done" {
				t.Errorf("a racing approval: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d approvals succeeded, want 1", ok.Load())
	}
	// Approved: the usual checks still apply (the target is verified first).
	if err := f.svc.UnlockAccount(alice, target.ID, "INC-5"); core.ReasonOf(err) != "helpdesk.unverified" {
		t.Fatalf("approved but not verified: %v", err)
	}
	ch, err := f.svc.BeginIdentityCheck(alice, target.ID, "rootphone")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(alice, target.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.UnlockAccount(alice, target.ID, "INC-5"); err != nil {
		t.Fatal(err)
	}
	// Another admin has no share in alice's approval.
	if err := f.svc.UnlockAccount(bea, target.ID, "INC-5"); core.ReasonOf(err) != "approval.needed" {
		t.Fatalf("the approver acting on the approval: %v", err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: target.ID})
	var got []string
	for _, e := range events {
		if strings.HasPrefix(e.Action, "helpdesk.approv") {
			got = append(got, e.Action+" by "+e.ActorName+": "+e.Reason)
		}
	}
	if want := "helpdesk.approvalRequested by alice@contoso.com: INC-5 root lost phone|helpdesk.approved by bea@contoso.com: INC-5 root lost phone"; strings.Join(got, "|") != want {
		t.Fatalf("audit: %q", got)
	}
	f.clock.Advance(core.ApprovalLifetime)
	if err := f.svc.UnlockAccount(alice, target.ID, "INC-5"); core.ReasonOf(err) != "approval.needed" {
		t.Fatalf("after the approval ended: %v", err)
	}
}

// TestVerifiedInPersonWithASecondApproval: a person with no usable
// method is verified by the photo ID they show, once a second member of
// the help desk approves; the verification is the requesting agent's only
// and names both in the audit log.
func TestVerifiedInPersonWithASecondApproval(t *testing.T) {
	f := newFixture(t)
	agent := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	f.add(t, agent, phoneOf("hdphone", "+442079460904"))
	hd := f.session(t, agent)
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("hd2phone", "+442079460905"))
	hd2 := f.session(t, other)
	walkup := f.newAccount(t, "wes@contoso.com", core.RoleUser) // no method at all

	if _, err := f.svc.RequestApproval(hd, walkup.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin, Reason: "INC-9"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("an admin approval for a user: %v", err)
	}
	req, err := f.svc.RequestApproval(hd, walkup.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-9 passport seen"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateAccessPass(hd, walkup.ID, core.AccessPassRequest{Reason: "INC-9"}); core.ReasonOf(err) != "helpdesk.unverified" {
		t.Fatalf("a pass before the approval: %v", err)
	}
	if _, err := f.svc.Approve(f.session(t, walkup), req.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the person approves themselves: %v", err)
	}
	if st, err := f.svc.ApprovalStatus(hd, req.ID); err != nil || st.ApprovedBy != "" || st.AccountName != "wes@contoso.com" {
		t.Fatalf("the status before approval: %+v %v", st, err)
	}
	if _, err := f.svc.Approve(hd2, req.ID); err != nil {
		t.Fatal(err)
	}
	if st, err := f.svc.ApprovalStatus(hd, req.ID); err != nil || st.ApprovedBy != other.ID || !st.ExpiresAt.Equal(f.clock.Now().Add(core.ApprovalLifetime)) {
		t.Fatalf("the status after approval: %+v %v", st, err)
	}
	if _, err := f.svc.ApprovalStatus(f.session(t, walkup), req.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the person reads the request: %v", err)
	}
	if _, err := f.svc.CreateAccessPass(hd2, walkup.ID, core.AccessPassRequest{Reason: "INC-9"}); core.ReasonOf(err) != "helpdesk.unverified" {
		t.Fatalf("the approver is not verified for the person: %v", err)
	}
	if _, err := f.svc.CreateAccessPass(hd, walkup.ID, core.AccessPassRequest{Reason: "INC-9"}); err != nil {
		t.Fatal(err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: walkup.ID})
	last := events[len(events)-1]
	if last.Action != core.ActionPassCreated || !strings.Contains(last.Detail, "verified by: in person with photo ID, approved by hd2@contoso.com") {
		t.Fatalf("audit: %+v", last)
	}
	if _, err := f.svc.Approve(hd2, "0123456789abcdef0123456789abcdef"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("a made-up request: %v", err)
	}
}

// F1: an in-person approval stands in for an "admin" approval: needApproval
// (tx.ApprovedFor) ignores the approval's kind, so an approval that only
// says "I saw this person's photo ID" lets the requester use every desk
// operation on another administrator.
func TestAttackInPersonApprovalIsNotAnAdminApproval(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460901"))
	alice := f.session(t, f.alice)
	root := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, root, phoneOf("rootphone", "+442079460902"))
	bea := f.newAccount(t, "bea@contoso.com", core.RoleAdmin)
	f.add(t, bea, phoneOf("beaphone", "+442079460903"))
	beaAs := f.session(t, bea)

	req, err := f.svc.RequestApproval(alice, root.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-1 passport"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(beaAs, req.ID); err != nil {
		t.Fatal(err)
	}
	// No approval of kind admin was ever asked for or given.
	if err := f.svc.UnlockAccount(alice, root.ID, "INC-1"); core.ReasonOf(err) != "approval.needed" {
		t.Fatalf("acting on another administrator with only an in-person approval: %v", err)
	}
	if _, err := f.svc.ResetPasswordForPerson(alice, root.ID, "INC-1"); core.ReasonOf(err) != "approval.needed" {
		t.Fatalf("resetting another administrator's password with only an in-person approval: %v", err)
	}
}

// F2: PasswordMustChange is enforced only in onAccount's own-account
// branch: a staff member signed in with the temporary password keeps
// every staff power (approving, the desk's operations) before choosing
// their own password.
func TestAttackStaffWithATemporaryPasswordHaveNoStaffPower(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460901"))
	alice := f.session(t, f.alice)
	hd := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	f.add(t, hd, phoneOf("hdphone", "+442079460904"))
	hd2 := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, hd2, phoneOf("hd2phone", "+442079460905"))
	hd2As := f.session(t, hd2)
	wes := f.newAccount(t, "wes@contoso.com", core.RoleUser)

	// The administrator verifies the agent and resets their password.
	ch, err := f.svc.BeginIdentityCheck(alice, hd.ID, "hdphone")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(alice, hd.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	tmp, err := f.svc.ResetPasswordForPerson(alice, hd.ID, "INC-2")
	if err != nil {
		t.Fatal(err)
	}
	step, err := f.signInWith(t, hd.Name, tmp.Password)
	if err != nil || step.Session == nil || !step.Account.PasswordMustChange {
		t.Fatalf("sign in with the temporary password: %+v %v", step, err)
	}
	me := core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))

	req, err := f.svc.RequestApproval(hd2As, wes.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-3 id card"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(me, req.ID); core.ReasonOf(err) != "password.mustChange" {
		t.Fatalf("approving before choosing a password: %v", err)
	}
	if _, err := f.svc.RequestApproval(me, wes.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-4"}); core.ReasonOf(err) != "password.mustChange" {
		t.Fatalf("a desk request before choosing a password: %v", err)
	}
}

// F3: ResetPasswordForPerson makes a 16-character password and an
// argon2id hash (19 MiB, t=2) before it checks who is calling: any
// signed-in user (role user), or a context with no actor at all, makes the
// service hash as often as it asks, with no limit.
func TestAttackDeskPasswordResetHashesOnlyWhenAllowed(t *testing.T) {
	f := newFixture(t)
	user := f.newAccount(t, "uma@contoso.com", core.RoleUser)
	userAs := f.session(t, user)
	var read atomic.Int64
	svc := core.NewLocal(f.store, f.keys, core.Options{Texts: assets.Default, Now: f.clock.Now,
		Rand:       readerFunc(func(p []byte) (int, error) { read.Add(int64(len(p))); return rand.Read(p) }),
		Background: func(fn func()) { fn() }})
	for _, ctx := range []context.Context{userAs, context.Background()} {
		read.Store(0)
		if _, err := svc.ResetPasswordForPerson(ctx, f.alice.ID, "x"); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("refusal: %v", err)
		}
		if n := read.Load(); n != 0 {
			t.Fatalf("a refused caller made the service draw %d random bytes (a password and its argon2id hash)", n)
		}
	}
}

type readerFunc func([]byte) (int, error)

func (r readerFunc) Read(p []byte) (int, error) { return r(p) }

// F4: Resend of a desk code is not tied to the agent whose check it is:
// another agent resends it (replacing the code the person is reading out,
// and outside the agents' hourly limit), which BeginIdentityCheck's own
// check (v.Flow == flowDesk(actor)) would refuse.
func TestAttackResendOfAnotherAgentsDeskCode(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("hd2phone", "+442079460905"))
	otherAs := f.session(t, other)
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(61e9)
	if _, err := f.svc.Resend(otherAs, d.user.ID, ch.VerificationID); core.ErrorCode(err) != core.ENOTFOUND && core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("another agent resends this agent's identity-check code: %v", err)
	}
}

// F5: PendingApprovals reads the first 100 pending requests of everyone
// and only then drops those the caller may not approve; RequestApproval has
// no limit, so one administrator's 100 requests hide every later request
// from the help desk for 10 minutes.
func TestAttackPendingApprovalsCannotBeCrowdedOut(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460901"))
	alice := f.session(t, f.alice)
	root := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	hd := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	f.add(t, hd, phoneOf("hdphone", "+442079460904"))
	hdAs := f.session(t, hd)
	hd2 := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, hd2, phoneOf("hd2phone", "+442079460905"))
	hd2As := f.session(t, hd2)
	wes := f.newAccount(t, "wes@contoso.com", core.RoleUser)
	for range 5 {
		if _, err := f.svc.RequestApproval(alice, root.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin, Reason: "noise"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.RequestApproval(alice, root.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin, Reason: "noise"}); core.ReasonOf(err) != "approval.tooMany" {
		t.Fatalf("a sixth request waiting: %v", err)
	}
	f.clock.Advance(1e9)
	req, err := f.svc.RequestApproval(hd2As, wes.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-6"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.PendingApprovals(hdAs)
	if err != nil || len(list) != 1 || list[0].ID != req.ID {
		t.Fatalf("the help desk's list misses the request it may approve: %d entries, %v", len(list), err)
	}
}
