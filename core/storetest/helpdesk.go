package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// testHelpdeskRows: identity proofs read back as saved (zero when none),
// one pass per account replaced by the next, unlock clears every counter.
func testHelpdeskRows(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		p, err := tx.IdentityProof("agent", "a1")
		if err != nil || !p.VerifiedUntil.IsZero() || p.Failures != 0 || p.AgentID != "agent" {
			return fmt.Errorf("no proof yet: %+v %v", p, err)
		}
		p.VerifiedUntil, p.How, p.Failures = t0, "phone", 2
		if err := tx.SaveIdentityProof(p); err != nil {
			return err
		}
		if _, err := tx.AccessPass("a1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("no pass yet: %v", err)
		}
		for _, h := range []string{"hash1", "hash2"} {
			if err := tx.SaveAccessPass(&core.AccessPass{AccountID: "a1", Hash: h, CreatedBy: "agent", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), OneTime: true}); err != nil {
				return err
			}
		}
		return tx.SaveFailureCounter(&core.FailureCounter{AccountID: "a1", Subject: "method:m1", Failures: 3, LockedUntil: t0})
	})
	view(t, s, func(tx core.Tx) error {
		p, err := tx.IdentityProof("agent", "a1")
		if err != nil || !p.VerifiedUntil.Equal(t0) || p.How != "phone" || p.Failures != 2 {
			return fmt.Errorf("proof: %+v %v", p, err)
		}
		if p, _ := tx.IdentityProof("other", "a1"); !p.VerifiedUntil.IsZero() {
			return fmt.Errorf("another agent's proof: %+v", p)
		}
		ap, err := tx.AccessPass("a1")
		if err != nil || ap.Hash != "hash2" || !ap.OneTime || !ap.ExpiresAt.Equal(t0.Add(time.Hour)) || !ap.UsedAt.IsZero() {
			return fmt.Errorf("pass: %+v %v", ap, err)
		}
		return nil
	})
	testEndIdentityProofs(t, s)
	update(t, s, func(tx core.Tx) error {
		if err := tx.ClearFailureCounters("a1"); err != nil {
			return err
		}
		if c, err := tx.FailureCounter("a1", "method:m1"); err != nil || c.Failures != 0 || !c.LockedUntil.IsZero() {
			return fmt.Errorf("after unlock: %+v %v", c, err)
		}
		if err := tx.DeleteAccessPass("a1"); err != nil {
			return err
		}
		if _, err := tx.AccessPass("a1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("deleted pass: %v", err)
		}
		return nil
	})
}

// testEndIdentityProofs: ending an account's identity proofs ends every
// agent's on it, and no other account's (a device declared lost).
func testEndIdentityProofs(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("b1", "bob@contoso.com")); err != nil {
			return err
		}
		for _, x := range []*core.IdentityProof{{AgentID: "other", AccountID: "a1", VerifiedUntil: t0, How: "app"},
			{AgentID: "agent", AccountID: "b1", VerifiedUntil: t0, How: "phone"}} {
			if err := tx.SaveIdentityProof(x); err != nil {
				return err
			}
		}
		if err := tx.EndIdentityProofs("a1"); err != nil {
			return err
		}
		for _, agent := range []string{"agent", "other"} {
			if p, err := tx.IdentityProof(agent, "a1"); err != nil || !p.VerifiedUntil.IsZero() {
				return fmt.Errorf("%s's proof after EndIdentityProofs: %+v %v", agent, p, err)
			}
		}
		if p, err := tx.IdentityProof("agent", "b1"); err != nil || !p.VerifiedUntil.Equal(t0) {
			return fmt.Errorf("another account's proof after EndIdentityProofs: %+v %v", p, err)
		}
		// the first proof back, for what follows
		return tx.SaveIdentityProof(&core.IdentityProof{AgentID: "agent", AccountID: "a1", VerifiedUntil: t0, How: "phone", Failures: 2})
	})
}

// testRaceUseAccessPass: of 32 uses of one one-time pass at once, exactly
// one succeeds.
func testRaceUseAccessPass(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.SaveAccessPass(&core.AccessPass{AccountID: "a1", Hash: "h", CreatedBy: "agent", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), OneTime: true})
	})
	used := race(t, s, func(tx core.Tx, i int) (bool, error) { return tx.UseAccessPass("a1", t0.Add(time.Duration(i))) })
	if n := count(used); n != 1 {
		t.Fatalf("%d uses of a one-time pass succeeded", n)
	}
}

// testApprovals: a request is pending until approved or expired, an
// approval is found for its requester and account only while in force,
// and an account's must-change flag is kept.
func testApprovals(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		a := account("a1", "alice@contoso.com")
		a.PasswordMustChange = true
		if err := tx.CreateAccount(a); err != nil {
			return err
		}
		for i, id := range []string{"r2", "r1", "r3"} {
			if err := tx.SaveApproval(&core.Approval{ID: id, AccountID: "a1", Kind: core.ApprovalInPerson, RequestedBy: "agent",
				Reason: "INC-" + id, CreatedAt: t0.Add(time.Duration(i) * time.Minute), ExpiresAt: t0.Add(time.Duration(10+i) * time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		if a, err := tx.Account("a1"); err != nil || !a.PasswordMustChange {
			return fmt.Errorf("must change kept: %+v %v", a, err)
		}
		p, err := tx.PendingApprovals(core.ApprovalFilter{Now: t0.Add(10 * time.Minute), Limit: 10})
		if err != nil || len(p) != 2 || p[0].ID != "r1" || p[1].ID != "r3" || p[0].Reason != "INC-r1" || !p[0].CreatedAt.Equal(t0.Add(time.Minute)) {
			return fmt.Errorf("pending after r2 expired, oldest first: %+v %v", p, err)
		}
		if _, err := tx.Approval("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("a made-up approval: %v", err)
		}
		if _, err := tx.ApprovedFor("agent", "a1", core.ApprovalInPerson, t0); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("nothing approved yet: %v", err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if ok, err := tx.Approve("r2", "boss", t0.Add(10*time.Minute), t0.Add(20*time.Minute)); ok || err != nil {
			return fmt.Errorf("approving an expired request: %v %v", ok, err)
		}
		if ok, err := tx.Approve("r1", "boss", t0.Add(2*time.Minute), t0.Add(12*time.Minute)); !ok || err != nil {
			return fmt.Errorf("approving: %v %v", ok, err)
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		a, err := tx.ApprovedFor("agent", "a1", core.ApprovalInPerson, t0.Add(5*time.Minute))
		if err != nil || a.ID != "r1" || a.ApprovedBy != "boss" || !a.ApprovedAt.Equal(t0.Add(2*time.Minute)) || !a.ExpiresAt.Equal(t0.Add(12*time.Minute)) {
			return fmt.Errorf("in force: %+v %v", a, err)
		}
		if _, err := tx.ApprovedFor("other", "a1", core.ApprovalInPerson, t0.Add(5*time.Minute)); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("another agent's: %v", err)
		}
		if _, err := tx.ApprovedFor("agent", "a1", core.ApprovalAdmin, t0.Add(5*time.Minute)); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("an in-person approval found as an admin one: %v", err)
		}
		if _, err := tx.ApprovedFor("agent", "a1", core.ApprovalInPerson, t0.Add(12*time.Minute)); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("after it ended: %v", err)
		}
		if p, _ := tx.PendingApprovals(core.ApprovalFilter{Now: t0, Limit: 10}); len(p) != 2 {
			return fmt.Errorf("pending after r1 was approved: %+v", p)
		}
		return checkApprovalFilters(tx)
	})
}

// checkApprovalFilters checks each filter of PendingApprovals against
// testApprovals' two pending requests of "agent" about a1 (a user).
func checkApprovalFilters(tx core.Tx) error {
	for _, c := range []struct {
		f    core.ApprovalFilter
		want int
	}{
		{core.ApprovalFilter{RequestedBy: "agent"}, 2},
		{core.ApprovalFilter{RequestedBy: "other"}, 0},
		{core.ApprovalFilter{NotRequestedBy: "agent"}, 0},
		{core.ApprovalFilter{NotAccount: "a1"}, 0},
		{core.ApprovalFilter{Roles: []core.Role{core.RoleUser}}, 2},
		{core.ApprovalFilter{Roles: []core.Role{core.RoleAdmin}}, 0},
		{core.ApprovalFilter{Roles: []core.Role{}}, 0},
		{core.ApprovalFilter{Limit: 1}, 1},
	} {
		c.f.Now = t0
		if c.f.Limit == 0 {
			c.f.Limit = 10
		}
		if p, err := tx.PendingApprovals(c.f); err != nil || len(p) != c.want {
			return fmt.Errorf("pending with %+v: %d, want %d (%v)", c.f, len(p), c.want, err)
		}
	}
	return nil
}

// testRaceApprove: of 32 approvals of one request at once, exactly one
// succeeds.
func testRaceApprove(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.SaveApproval(&core.Approval{ID: "r1", AccountID: "a1", Kind: core.ApprovalAdmin, RequestedBy: "agent", Reason: "x", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	ok := race(t, s, func(tx core.Tx, i int) (bool, error) {
		return tx.Approve("r1", fmt.Sprintf("boss%d", i), t0.Add(time.Minute), t0.Add(11*time.Minute))
	})
	if n := count(ok); n != 1 {
		t.Fatalf("%d approvals of one request succeeded", n)
	}
}

// testAccountDetails: what a search shows of each account, the same as
// its methods, newest session and sign-in lock read one by one.
func testAccountDetails(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, a := range []*core.Account{account("a1", "alice@contoso.com"), account("a2", "bob@contoso.com"), account("a3", "carol@contoso.com")} {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		for _, m := range []*core.Method{
			{ID: "m2", AccountID: "a1", Kind: core.KindEmail, Detail: "alice@gmail.com", Channel: core.ChannelEmail, CreatedAt: t0.Add(time.Minute)},
			{ID: "m1", AccountID: "a1", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, CreatedAt: t0},
			{ID: "m3", AccountID: "a2", Kind: core.KindPhone, Detail: "+442079460959", Channel: core.ChannelSMS, CreatedAt: t0},
		} {
			if err := tx.CreateMethod(m); err != nil {
				return err
			}
		}
		for i, id := range []string{"a1", "a1", "a3"} {
			if err := tx.CreateSession(&core.Session{ID: fmt.Sprintf("s%d", i), AccountID: id, CreatedAt: t0.Add(time.Duration(i) * time.Hour),
				LastSeenAt: t0}); err != nil {
				return err
			}
		}
		if err := tx.SaveAccessPass(&core.AccessPass{AccountID: "a3", Hash: "h", CreatedBy: "a1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), OneTime: true, UsedAt: t0.Add(time.Minute)}); err != nil {
			return err
		}
		return tx.SaveSignInCounter(&core.FailureCounter{Subject: "bob@contoso.com", Failures: 5, LockedUntil: t0.Add(15 * time.Minute)})
	})
	view(t, s, func(tx core.Tx) error {
		a1, _ := tx.Account("a1")
		a2, _ := tx.Account("a2")
		a3, _ := tx.Account("a3")
		d, err := tx.AccountDetails([]*core.Account{a1, a2, a3})
		if err != nil {
			return err
		}
		if len(d) != 3 || len(d["a1"].Methods) != 2 || d["a1"].Methods[0].ID != "m1" || d["a1"].Methods[1].ID != "m2" || len(d["a2"].Methods) != 1 || len(d["a3"].Methods) != 0 {
			return fmt.Errorf("methods: %+v", d)
		}
		if !d["a1"].LastSignIn.Equal(t0.Add(time.Hour)) || !d["a2"].LastSignIn.IsZero() || !d["a3"].LastSignIn.Equal(t0.Add(2*time.Hour)) {
			return fmt.Errorf("last sign-ins: %v %v %v", d["a1"].LastSignIn, d["a2"].LastSignIn, d["a3"].LastSignIn)
		}
		if !d["a2"].LockedUntil.Equal(t0.Add(15*time.Minute)) || !d["a1"].LockedUntil.IsZero() {
			return fmt.Errorf("locks: %v %v", d["a2"].LockedUntil, d["a1"].LockedUntil)
		}
		if p := d["a3"].AccessPass; p == nil || !p.ExpiresAt.Equal(t0.Add(time.Hour)) || !p.OneTime || !p.UsedAt.Equal(t0.Add(time.Minute)) || p.CreatedBy != "a1" || d["a1"].AccessPass != nil {
			return fmt.Errorf("passes: %+v %+v", d["a3"].AccessPass, d["a1"].AccessPass)
		}
		if none, err := tx.AccountDetails(nil); err != nil || len(none) != 0 {
			return fmt.Errorf("no accounts: %v %v", none, err)
		}
		return nil
	})
}
