package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core"
)

// dirDesk is a help-desk agent of the directory (helpdesk_group), signed
// in with two steps, and a person of the directory it has verified.
type dirDesk struct {
	as       context.Context
	user     *core.Account
	userDN   string
	agentDN  string
	userPass string
}

func newDirectoryDesk(t *testing.T, f *dirFixture, uid string) *dirDesk {
	t.Helper()
	ctx := context.Background()
	d := &dirDesk{userPass: "User-pass-1"}
	d.agentDN = f.person(t, "agent-"+uid, "Agent-pass-1", nil)
	f.tree.Join(t, f.tree.HelpdeskGroup, d.agentDN)
	d.userDN = f.person(t, uid, d.userPass, nil)
	for _, who := range []struct{ name, pw, phone string }{
		{"agent-" + uid + "@contoso.test", "Agent-pass-1", "+442079460001"},
		{uid + "@contoso.test", d.userPass, "+442079460958"},
	} {
		step, err := f.svc.SignIn(ctx, who.name, who.pw)
		if err != nil {
			t.Fatal(err)
		}
		f.add(t, step.Account, phoneOf(step.Account.ID+"-phone", who.phone))
		if who.pw == d.userPass {
			d.user = step.Account
		}
	}
	d.as = f.sessionWith(t, "agent-"+uid+"@contoso.test", "Agent-pass-1")
	ic, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.user.ID+"-phone")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ic.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAttackDirectoryPassAfterLeaving: a Temporary Access Pass is no way
// back in for someone who left the directory or was disabled there, even
// before a sync ends it.
func TestAttackDirectoryPassAfterLeaving(t *testing.T) {
	f := newDirectoryFixture(t)
	d := newDirectoryDesk(t, f, "pia")
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-21 walk-up"})
	if err != nil {
		t.Fatal(err)
	}
	f.tree.Modify(t, d.userDN, func(r *ldap.ModifyRequest) { r.Replace("pwdAccountLockedTime", []string{"000001010000Z"}) })
	if _, err := f.svc.SignInWithPass(context.Background(), "pia@contoso.test", pass.Pass); core.ErrorKey(err) != "signin.wrong" {
		t.Fatalf("the pass of a person disabled in the directory: %v", err)
	}
	// The pass was right, and the refusal did not use it up: enabled
	// again, the person signs in with it.
	f.tree.Modify(t, d.userDN, func(r *ldap.ModifyRequest) { r.Delete("pwdAccountLockedTime", nil) })
	if _, err := f.svc.SignInWithPass(context.Background(), "pia@contoso.test", pass.Pass); err != nil {
		t.Fatalf("the pass once enabled again: %v", err)
	}
}

// TestAttackDirectoryDemotedAdmin: an administrator taken out of the
// admin group is one no more at their next sign-in, and their sessions
// end at the next sync if they left.
func TestAttackDirectoryDemotedAdmin(t *testing.T) {
	f := newDirectoryFixture(t)
	ctx := context.Background()
	dn := f.person(t, "max", "Max-pass-1", nil)
	f.tree.Join(t, f.tree.AdminGroup, dn)
	step, err := f.svc.SignIn(ctx, "max@contoso.test", "Max-pass-1")
	if err != nil || step.Account.Role != core.RoleAdmin {
		t.Fatalf("admin: %+v, %v", step, err)
	}
	f.tree.Modify(t, f.tree.AdminGroup, func(r *ldap.ModifyRequest) { r.Delete("member", []string{dn}) })
	step, err = f.svc.SignIn(ctx, "max@contoso.test", "Max-pass-1")
	if err != nil || step.Account.Role != core.RoleUser {
		t.Fatalf("after leaving the admin group: %+v, %v", step, err)
	}
	// And a user may not run a sync.
	as := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	if _, err := f.svc.SyncDirectory(as, false, nil); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a user syncs: %v", err)
	}
}

// TestAttackDirectoryDeskOnAdmin: the help desk's reset reaches the
// directory only for whom it may help: an administrator's directory
// password is never changed by it.
func TestAttackDirectoryDeskOnAdmin(t *testing.T) {
	f := newDirectoryFixture(t)
	d := newDirectoryDesk(t, f, "quinn")
	f.tree.Join(t, f.tree.AdminGroup, d.userDN)
	// The next sign-in makes quinn an administrator here too.
	if _, err := f.signInWith(t, "quinn@contoso.test", d.userPass); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-21"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the desk resets an administrator: %v", err)
	}
	if !f.tree.Bind(t, d.userDN, d.userPass) || f.tree.Attribute(t, d.userDN, "pwdReset") != "" {
		t.Fatal("the administrator's directory password was changed")
	}
}

// TestAttackDirectoryCallback: the help desk verifies a caller by calling
// back the directory's number, one the caller cannot have chosen: the
// code goes to that number whatever the account's own phones say; only an
// agent who may act on the person can start it; a person without such a
// number has no such check.
func TestAttackDirectoryCallback(t *testing.T) {
	f := newDirectoryFixture(t)
	d := newDirectoryDesk(t, f, "rosa")
	f.tree.Modify(t, d.userDN, func(r *ldap.ModifyRequest) { r.Replace("mobile", []string{"+44 20 7946 0123"}) })
	// Not an agent: refused before the directory is asked.
	own := f.sessionWith(t, "rosa@contoso.test", d.userPass)
	if _, err := f.svc.BeginIdentityCheck(own, d.user.ID, core.DirectoryMobileID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a person starts a desk check on themself: %v", err)
	}
	if _, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, core.DirectoryOfficeID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("a check through a number the directory does not have: %v", err)
	}
	// The desk's view offers the directory's number first, masked.
	hp, err := f.svc.HelpdeskPerson(d.as, d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := hp.Summary.Methods; len(m) == 0 || m[0].ID != core.DirectoryMobileID || !m[0].FromDirectory || !m[0].ProvesIdentity || strings.Contains(m[0].Detail, "0123") {
		t.Fatalf("the desk's view of the person's methods: %+v", hp.Summary.Methods)
	}
	if _, err := f.svc.HelpdeskPerson(own, d.user.ID); err == nil {
		t.Fatal("a person reads the desk's view of themself")
	}
	ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, core.DirectoryMobileID)
	if err != nil {
		t.Fatalf("callback: %v", err)
	}
	sent := f.sent(t)
	if last := sent[len(sent)-1]; last.To != "+442079460123" || last.Channel != core.ChannelVoice {
		t.Fatalf("the code went to %s by %s, not the directory's number by a call", last.To, last.Channel)
	}
	proof, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, ch.VerificationID, f.lastCode(t))
	if err != nil || proof.VerifiedUntil.IsZero() {
		t.Fatalf("finish: %+v, %v", proof, err)
	}
	if _, err := f.svc.ResetPasswordForPerson(d.as, d.user.ID, "INC-21 called back"); err != nil {
		t.Fatalf("desk reset after the callback: %v", err)
	}
}

// TestAttackDirectorySecondStepAfterLeaving: a sign-in whose password
// step passed before the person left the directory gets no session after
// the sync, however soon the second step comes.
func TestAttackDirectorySecondStepAfterLeaving(t *testing.T) {
	f := newDirectoryFixture(t)
	ctx := context.Background()
	dn := f.person(t, "sam", "Sam-pass-1", nil)
	// Added by a sync: no session to end, only the pending sign-in.
	if _, err := f.svc.SyncDirectory(f.ctx, false, nil); err != nil {
		t.Fatal(err)
	}
	sam, err := f.svc.AccountByName(f.ctx, "sam@contoso.test")
	if err != nil {
		t.Fatal(err)
	}
	f.add(t, sam, phoneOf("samphone", "+442079460958"))
	step, err := f.svc.SignIn(ctx, "sam@contoso.test", "Sam-pass-1")
	if err != nil || step.Pending == nil {
		t.Fatalf("password step: %+v, %v", step, err)
	}
	o := step.Pending.Options[0]
	ch, err := f.svc.SendSignInCode(ctx, step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		t.Fatal(err)
	}
	f.tree.Delete(t, dn)
	if _, err := f.svc.SyncDirectory(f.ctx, false, nil); err != nil {
		t.Fatal(err)
	}
	if step, err := f.svc.FinishSignIn(ctx, step.Pending.ID, o.MethodID, ch.VerificationID, f.lastCode(t)); err == nil {
		t.Fatalf("a second step after leaving opened a session: %+v", step)
	}
}
