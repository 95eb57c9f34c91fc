package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// TestHelpdeskPersonReadsTheLiveVerification: the desk's page reads the
// person again (after a refresh, choosing them again, switching accounts
// and back) and is told whether its verification is live: by which kind
// of method and until when, in person with the approver named, and the
// lockout with its end.
func TestHelpdeskPersonReadsTheLiveVerification(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	p, err := f.svc.HelpdeskPerson(d.as, d.user.ID)
	if err != nil || p.Verified != nil || p.Summary.Name != d.user.Name || len(p.Summary.Methods) != 2 || p.Summary.Locked || p.Summary.LockedUntil != nil {
		t.Fatalf("before the check: %+v %v", p, err)
	}
	d.verify(t, f)
	p, err = f.svc.HelpdeskPerson(d.as, d.user.ID)
	if err != nil || p.Verified == nil || p.Verified.How != core.KindPhone || p.Verified.InPerson ||
		!p.Verified.Until.Equal(f.clock.Now().Add(core.IdentityProofLifetime)) {
		t.Fatalf("verified by phone: %+v %v", p.Verified, err)
	}
	for range 10 {
		f.svc.SignIn(context.Background(), d.user.Name, "wrong password, wrong")
	}
	p, err = f.svc.HelpdeskPerson(d.as, d.user.ID)
	if err != nil || !p.Summary.Locked || p.Summary.LockedUntil == nil || !p.Summary.LockedUntil.After(f.clock.Now()) {
		t.Fatalf("the lockout and its end: %+v %v", p.Summary, err)
	}
	if found, err := f.svc.SearchAccounts(d.as, core.AccountSearch{Text: "uma@"}); err != nil || len(found) != 1 || found[0].LockedUntil == nil || !found[0].LockedUntil.Equal(*p.Summary.LockedUntil) {
		t.Fatalf("the search shows the lockout's end too: %+v %v", found, err)
	}
	if err := f.svc.UnlockAccount(d.as, d.user.ID, "INC-1"); err != nil {
		t.Fatal(err)
	}
	if p, err = f.svc.HelpdeskPerson(d.as, d.user.ID); err != nil || p.Summary.Locked || p.Summary.LockedUntil != nil || p.Verified == nil {
		t.Fatalf("after unlocking: %+v %v", p, err)
	}

	// In person, approved by a second agent.
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("hd2phone", "+442079460905"))
	hd2 := f.session(t, other)
	wes := f.newAccount(t, "wes@contoso.com", core.RoleUser)
	req, err := f.svc.RequestApproval(d.as, wes.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-9 passport seen"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := f.svc.HelpdeskPerson(d.as, wes.ID); err != nil || p.Verified != nil {
		t.Fatalf("waiting for the approval: %+v %v", p, err)
	}
	if _, err := f.svc.Approve(hd2, req.ID); err != nil {
		t.Fatal(err)
	}
	p, err = f.svc.HelpdeskPerson(d.as, wes.ID)
	if err != nil || p.Verified == nil || !p.Verified.InPerson || p.Verified.How != "" || p.Verified.ApprovedBy != other.Name {
		t.Fatalf("verified in person: %+v %v", p.Verified, err)
	}
}

// TestAttackHelpdeskPersonTellsOnlyTheCallersLiveVerification: the read
// reports a verification only to the agent who made it, only while the
// desk's actions would accept it; it answers for no account the caller
// may not help, and names no administrator to the help desk.
func TestAttackHelpdeskPersonTellsOnlyTheCallersLiveVerification(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	other := f.newAccount(t, "hd2@contoso.com", core.RoleHelpdesk)
	f.add(t, other, phoneOf("hd2phone", "+442079460905"))
	hd2 := f.session(t, other)
	d.verify(t, f)
	verified := func() *core.LiveVerification {
		t.Helper()
		p, err := f.svc.HelpdeskPerson(d.as, d.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.Verified
	}
	if p, err := f.svc.HelpdeskPerson(hd2, d.user.ID); err != nil || p.Verified != nil {
		t.Fatalf("another agent is told of hd's verification: %+v %v", p, err)
	}

	// Ended: a new check replaces it.
	if _, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID); err != nil {
		t.Fatal(err)
	}
	if v := verified(); v != nil {
		t.Fatalf("a verification ended by a new check: %+v", v)
	}
	// Expired: 10 minutes after.
	f.clock.Advance(31 * time.Second) // the code's resend wait
	d.verify(t, f)
	f.clock.Advance(core.IdentityProofLifetime - time.Second)
	if v := verified(); v == nil {
		t.Fatal("a live verification is not reported")
	}
	f.clock.Advance(time.Second)
	if v := verified(); v != nil {
		t.Fatalf("an expired verification: %+v", v)
	}
	if err := f.svc.UnlockAccount(d.as, d.user.ID, "INC-1"); core.ReasonOf(err) != "helpdesk.unverified" {
		t.Fatalf("the actions agree that it expired: %v", err)
	}

	// Accounts the caller may not help.
	root := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, root, phoneOf("rootphone", "+442079460902"))
	for _, c := range []struct {
		name string
		id   string
		code string
	}{
		{"an administrator", root.ID, core.ENOTFOUND},
		{"another agent", other.ID, core.ENOTFOUND},
		{"a made-up account", "0123456789abcdef0123456789abcdef", core.ENOTFOUND},
		{"the agent's own account", d.agent.ID, core.EFORBIDDEN},
	} {
		if p, err := f.svc.HelpdeskPerson(d.as, c.id); core.ErrorCode(err) != c.code || p != nil {
			t.Errorf("the desk reads %s: %+v %v", c.name, p, err)
		}
	}
	if p, err := f.svc.HelpdeskPerson(f.session(t, d.user), d.user.ID); core.ErrorCode(err) != core.EFORBIDDEN || p != nil {
		t.Errorf("a user reads their own desk view: %+v %v", p, err)
	}
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	if p, err := f.svc.HelpdeskPerson(f.session(t, bob), d.user.ID); core.ErrorCode(err) != core.EFORBIDDEN || p != nil {
		t.Errorf("a user reads another's desk view: %+v %v", p, err)
	}

	// An administrator on another administrator: verified only while the
	// second administrator's approval is in force, as the actions say.
	f.add(t, f.alice, phoneOf("alicephone", "+442079460901"))
	alice := f.session(t, f.alice)
	second := f.newAccount(t, "bea@contoso.com", core.RoleAdmin)
	f.add(t, second, phoneOf("beaphone", "+442079460903"))
	bea := f.session(t, second)
	if p, err := f.svc.HelpdeskPerson(alice, root.ID); err != nil || p.Verified != nil {
		t.Fatalf("an admin reads another admin before approval: %+v %v", p, err)
	}
	req, err := f.svc.RequestApproval(alice, root.ID, core.ApprovalRequest{Kind: core.ApprovalAdmin, Reason: "INC-5"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(bea, req.ID); err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.BeginIdentityCheck(alice, root.ID, "rootphone")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(alice, root.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if p, err := f.svc.HelpdeskPerson(alice, root.ID); err != nil || p.Verified == nil {
		t.Fatalf("approved and verified: %+v %v", p, err)
	}
	if p, err := f.svc.HelpdeskPerson(bea, root.ID); err != nil || p.Verified != nil {
		t.Fatalf("the approver is told of alice's verification: %+v %v", p, err)
	}

	// An in-person approval by an administrator names them to the help
	// desk by their role only.
	wes := f.newAccount(t, "wes@contoso.com", core.RoleUser)
	inPerson, err := f.svc.RequestApproval(d.as, wes.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-9 passport seen"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(bea, inPerson.ID); err != nil {
		t.Fatal(err)
	}
	if p, err := f.svc.HelpdeskPerson(d.as, wes.ID); err != nil || p.Verified == nil || p.Verified.ApprovedBy != "an administrator" {
		t.Fatalf("an administrator's approval, as the desk reads it: %+v %v", p.Verified, err)
	}
}
