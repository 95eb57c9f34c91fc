package core

import (
	"context"
	"strings"
	"time"
)

// HelpdeskPerson is the help desk's view of one person, read again while
// their page is open: the summary a search shows, and whether the calling
// agent's verification of who is asking is live.
type HelpdeskPerson struct {
	Summary AccountSummary `json:"summary"`
	// Verified is the calling agent's live verification of the person;
	// nil when there is none (never made, ended by a new check or three
	// wrong codes, expired, made by another agent, or, for another
	// administrator, without a second administrator's approval in force).
	Verified *LiveVerification `json:"verified,omitempty"`
}

// LiveVerification is how an agent verified a person, and until when it
// lasts.
type LiveVerification struct {
	// How is the kind of method the person proved; empty when verified
	// in person with photo ID.
	How MethodKind `json:"how,omitempty"`
	// InPerson: verified in person with photo ID, approved by ApprovedBy
	// (the second agent's sign-in name, or their role's words when they
	// rank above the caller).
	InPerson   bool      `json:"inPerson,omitempty"`
	ApprovedBy string    `json:"approvedBy,omitempty"`
	Until      time.Time `json:"until"`
}

// inPersonHow begins an identity proof's How when a second agent
// approved a verification in person with photo ID (Approve).
const inPersonHow = "in person with photo ID"

// HelpdeskPerson implements HelpdeskService. It reads through the same
// gate as the desk's actions: staff with two steps, never their own
// account, and an account above a help-desk agent answers as one that
// does not exist.
func (s *Local) HelpdeskPerson(ctx context.Context, accountID string) (*HelpdeskPerson, error) {
	var out *HelpdeskPerson
	var person *Account
	err := s.onAccount(ctx, accountID, readOnly|desk, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		person = acct
		if err := deskActor(a, acct); err != nil {
			return err
		}
		details, err := tx.AccountDetails([]*Account{acct})
		if err != nil {
			return err
		}
		now := s.clock()
		out = &HelpdeskPerson{Summary: summarize(acct, details[acct.ID], now)}
		out.Verified, err = liveVerification(tx, a, acct, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Outside the transaction: the directory's numbers, offered first to
	// call back (a number the caller cannot have chosen), masked.
	if ph := s.directoryPhones(ctx, person); ph != nil {
		var dir []MaskedMethod
		for _, n := range []struct {
			id, number string
			kind       MethodKind
		}{{DirectoryMobileID, ph.Mobile, KindPhone}, {DirectoryOfficeID, ph.OfficePhone, KindOfficePhone}} {
			if n.number != "" {
				dir = append(dir, MaskedMethod{ID: n.id, Kind: n.kind, Detail: maskDirectoryPhone(n.number), ProvesIdentity: true, FromDirectory: true})
			}
		}
		out.Summary.Methods = append(dir, out.Summary.Methods...)
	}
	return out, nil
}

// liveVerification is a's verification of acct that the desk's actions
// would accept at now (onDesk), or nil.
func liveVerification(tx Tx, a Actor, acct *Account, now time.Time) (*LiveVerification, error) {
	if err := needApproval(tx, a, acct, now); ErrorCode(err) == EFORBIDDEN {
		return nil, nil // no action would be allowed: not verified for it
	} else if err != nil {
		return nil, err
	}
	proof, err := tx.IdentityProof(a.AccountID, acct.ID)
	if err != nil {
		return nil, err
	}
	if !now.Before(proof.VerifiedUntil) {
		return nil, nil
	}
	v := &LiveVerification{Until: proof.VerifiedUntil}
	if !strings.HasPrefix(proof.How, inPersonHow) {
		v.How = MethodKind(proof.How)
		return v, nil
	}
	v.InPerson = true
	ap, err := tx.ApprovedFor(a.AccountID, acct.ID, ApprovalInPerson, now)
	if ErrorCode(err) == ENOTFOUND {
		return v, nil
	} else if err != nil {
		return nil, err
	}
	if by, err := tx.Account(ap.ApprovedBy); err == nil {
		v.ApprovedBy = by.Name
		if hiddenFrom(a, by) {
			v.ApprovedBy = roleWords(by.Role)
		}
	}
	return v, nil
}
