package core

import (
	"context"
	"fmt"
	"time"
)

// Approval is one agent's request for what they may not do alone, and a
// second agent's answer: acting on another administrator
// (ApprovalAdmin), or taking a person's photo ID as proof of who they are
// when they have no method to prove it with (ApprovalInPerson).
type Approval struct {
	ID          string       `json:"id"`
	AccountID   string       `json:"accountId"`
	AccountName string       `json:"accountName,omitempty"` // filled in for the approver
	Kind        ApprovalKind `json:"kind"`
	RequestedBy string       `json:"requestedBy"`
	// RequesterName is the requesting agent's sign-in name, filled in for
	// the approver.
	RequesterName string    `json:"requesterName,omitempty"`
	Reason        string    `json:"reason"`
	CreatedAt     time.Time `json:"createdAt"`
	// ExpiresAt is when a pending request lapses, or, once approved, when
	// the approval ends.
	ExpiresAt  time.Time `json:"expiresAt"`
	ApprovedBy string    `json:"approvedBy,omitempty"`
	ApprovedAt time.Time `json:"approvedAt,omitzero"`
	// ApproverName is the approving agent's sign-in name, filled in by
	// ApprovalStatus.
	ApproverName string `json:"approverName,omitempty"`
}

// ApprovalKind says what a second agent approves.
type ApprovalKind string

const (
	// ApprovalAdmin lets an administrator use the help-desk operations on
	// another administrator's account.
	ApprovalAdmin ApprovalKind = "admin"
	// ApprovalInPerson marks the person verified, for the requesting
	// agent, by the photo ID they showed in person.
	ApprovalInPerson ApprovalKind = "inPerson"
)

// ApprovalRequest asks a second agent to approve Kind on an account, with
// the ticket reference or reason.
type ApprovalRequest struct {
	Kind   ApprovalKind `json:"kind"`
	Reason string       `json:"reason"`
}

// ApprovalFilter selects pending requests (Tx.PendingApprovals).
type ApprovalFilter struct {
	Now            time.Time
	RequestedBy    string // only this agent's requests ("": anyone's)
	NotRequestedBy string // not this agent's requests
	NotAccount     string // not about this account
	Roles          []Role // only about accounts of these roles (nil: any)
	Limit          int
}

// approvalsPending is how many requests one agent may have waiting.
const approvalsPending = 5

// ApprovalLifetime is how long a request waits for a second agent, and
// how long an approval lasts once given.
const ApprovalLifetime = IdentityProofLifetime

// RequestApproval implements HelpdeskService.
func (s *Local) RequestApproval(ctx context.Context, accountID string, r ApprovalRequest) (*Approval, error) {
	reason, err := needReason(r.Reason)
	if err != nil {
		return nil, err
	}
	var out *Approval
	err = s.onAccount(ctx, accountID, writes|desk, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		if err := deskActor(a, acct); err != nil {
			return err
		}
		switch {
		case r.Kind == ApprovalAdmin && acct.Role != RoleAdmin:
			return Errorf(EINVALID, "%s is not an administrator: no second approval is needed.", acct.Name)
		case r.Kind != ApprovalAdmin && r.Kind != ApprovalInPerson:
			return Errorf(EINVALID, "Unknown kind of approval %q: use %q or %q.", r.Kind, ApprovalAdmin, ApprovalInPerson)
		}
		now := s.clock()
		mine, err := tx.PendingApprovals(ApprovalFilter{Now: now, RequestedBy: a.AccountID, Limit: approvalsPending})
		if err != nil {
			return err
		}
		if len(mine) >= approvalsPending {
			return Reason(ELIMITED, "approval.tooMany", map[string]any{"Max": approvalsPending})
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		out = &Approval{ID: id, AccountID: acct.ID, Kind: r.Kind, RequestedBy: a.AccountID, Reason: reason, CreatedAt: now,
			ExpiresAt: now.Add(ApprovalLifetime)}
		if err := tx.SaveApproval(out); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionApprovalRequested, "", string(r.Kind), reason)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PendingApprovals implements HelpdeskService: the requests of other
// agents the caller may approve.
func (s *Local) PendingApprovals(ctx context.Context) ([]Approval, error) {
	a, err := s.staff(ctx)
	if err != nil {
		return nil, err
	}
	out := []Approval{}
	err = s.store.View(ctx, func(tx Tx) error {
		// Only what this agent may approve, so others' requests cannot
		// crowd it out: not their own, not about them, and about an
		// administrator only for an administrator.
		f := ApprovalFilter{Now: s.clock(), NotRequestedBy: a.AccountID, NotAccount: a.AccountID, Limit: 100}
		switch {
		case IsLocalAdministrator(a):
		case a.Role == RoleAdmin:
			f.Roles = []Role{RoleUser, RoleHelpdesk, RoleAdmin}
		default:
			f.Roles = []Role{RoleUser}
		}
		pending, err := tx.PendingApprovals(f)
		if err != nil {
			return err
		}
		for _, ap := range pending {
			acct, err := tx.Account(ap.AccountID)
			if err != nil {
				return err
			}
			if mayApprove(a, ap, acct) != nil {
				continue
			}
			ap.AccountName = acct.Name
			if req, err := tx.Account(ap.RequestedBy); err == nil {
				ap.RequesterName = req.Name
				if hiddenFrom(a, req) {
					ap.RequestedBy, ap.RequesterName = "", roleWords(req.Role) // not named to the desk
				}
			}
			out = append(out, *ap)
		}
		return nil
	})
	return out, err
}

// ApprovalStatus implements HelpdeskService: the agent who asked, or one
// who may approve, reads a request; to anyone else it does not exist.
func (s *Local) ApprovalStatus(ctx context.Context, approvalID string) (*Approval, error) {
	a, err := s.staff(ctx)
	if err != nil {
		return nil, err
	}
	var out *Approval
	err = s.store.View(ctx, func(tx Tx) error {
		ap, acct, err := approvalOn(tx, approvalID)
		if err != nil {
			return err
		}
		if ap.RequestedBy != a.AccountID && mayApprove(a, ap, acct) != nil {
			return Reason(ENOTFOUND, "approval.notFound", nil)
		}
		ap.AccountName = acct.Name
		if req, err := tx.Account(ap.RequestedBy); err == nil {
			ap.RequesterName = req.Name
			if hiddenFrom(a, req) {
				ap.RequestedBy, ap.RequesterName = "", roleWords(req.Role) // not named to the desk
			}
		}
		if by, err := tx.Account(ap.ApprovedBy); ap.ApprovedBy != "" && err == nil {
			ap.ApproverName = by.Name
			if hiddenFrom(a, by) {
				ap.ApprovedBy, ap.ApproverName = "", roleWords(by.Role)
			}
		}
		out = ap
		return nil
	})
	return out, err
}

// staff is the caller, who must be the help desk or an administrator in
// a session that passed two steps.
func (s *Local) staff(ctx context.Context) (Actor, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return Actor{}, err
	}
	return a, requireRole(a, sess, RoleAdmin, RoleHelpdesk)
}

// approvalOn reads a request and the account it is about.
func approvalOn(tx Tx, id string) (*Approval, *Account, error) {
	ap, err := tx.Approval(id)
	if err != nil {
		return nil, nil, err
	}
	acct, err := tx.Account(ap.AccountID)
	return ap, acct, err
}

// mayApprove says whether a may approve ap on acct: never their own
// request nor a request about themselves; another administrator's account
// only as an administrator; otherwise as the help desk may act on it.
func mayApprove(a Actor, ap *Approval, acct *Account) error {
	switch {
	case ap.RequestedBy == a.AccountID:
		return Reason(EFORBIDDEN, "approval.own", nil)
	case acct.ID == a.AccountID:
		return Reason(EFORBIDDEN, "helpdesk.self", nil)
	case IsLocalAdministrator(a):
		return nil
	case acct.Role == RoleAdmin && a.Role != RoleAdmin:
		return Reason(EFORBIDDEN, "forbidden.admin", nil)
	case acct.Role != RoleAdmin && rank(acct.Role) >= rank(a.Role):
		return Reason(EFORBIDDEN, "forbidden.rank", nil)
	}
	return nil
}

// Approve implements HelpdeskService. An in-person approval also marks
// the person verified for the requesting agent, with both agents named.
func (s *Local) Approve(ctx context.Context, approvalID string) (*Approval, error) {
	a, err := s.staff(ctx)
	if err != nil {
		return nil, err
	}
	var out *Approval
	err = s.store.Update(ctx, func(tx Tx) error {
		ap, acct, err := approvalOn(tx, approvalID)
		if err != nil {
			return err
		}
		if err := mayApprove(a, ap, acct); err != nil {
			return err
		}
		if ap.Kind == ApprovalInPerson {
			// The person said "This wasn't me" since it was asked: the
			// desk's checks ended with it, this one too.
			if reported, err := reportedSince(tx, acct.ID, ap.CreatedAt); err != nil {
				return err
			} else if reported {
				return Reason(ECONFLICT, "approval.done", nil)
			}
		}
		now := s.clock()
		until := now.Add(ApprovalLifetime)
		ok, err := tx.Approve(ap.ID, a.AccountID, now, until)
		if err != nil {
			return err
		}
		if !ok {
			return Reason(ECONFLICT, "approval.done", nil)
		}
		ap.ApprovedBy, ap.ApprovedAt, ap.ExpiresAt = a.AccountID, now, until
		if ap.Kind == ApprovalInPerson {
			proof, err := tx.IdentityProof(ap.RequestedBy, acct.ID)
			if err != nil {
				return err
			}
			proof.VerifiedUntil, proof.Failures = until, 0
			proof.How = fmt.Sprintf("%s, approved by %s", inPersonHow, a.Name)
			if err := tx.SaveIdentityProof(proof); err != nil {
				return err
			}
		}
		out = ap
		return s.audit(tx, a, acct, ActionApprovalGiven, "", fmt.Sprintf("%s, requested by %s", ap.Kind, ap.RequestedBy), ap.Reason)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// deskActor refuses a help-desk operation to anyone but staff, and on
// the actor's own account.
func deskActor(a Actor, acct *Account) error {
	if a.AccountID == acct.ID {
		return Reason(EFORBIDDEN, "helpdesk.self", nil)
	}
	if !IsLocalAdministrator(a) && a.Role != RoleAdmin && a.Role != RoleHelpdesk {
		return Reason(EFORBIDDEN, "forbidden.staff", nil)
	}
	return nil
}

// needApproval refuses an operation on another administrator without a
// second administrator's approval of this agent's request.
func needApproval(tx Tx, a Actor, acct *Account, now time.Time) error {
	if acct.Role != RoleAdmin || IsLocalAdministrator(a) {
		return nil
	}
	if _, err := tx.ApprovedFor(a.AccountID, acct.ID, ApprovalAdmin, now); ErrorCode(err) == ENOTFOUND {
		return Reason(EFORBIDDEN, "approval.needed", nil)
	} else if err != nil {
		return err
	}
	return nil
}
