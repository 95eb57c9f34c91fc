package core

import (
	"context"
	"fmt"
	"time"
)

// ReportService is the way back that needs no phone call: a lost phone or
// app replaced in a guided path, and "This wasn't me" on an event of
// Recent activity, which the help desk then sees.
type ReportService interface {
	// ReplaceLostMethod removes a phone or authenticator app its owner
	// lost, at once (never after the 30 days of the last security info:
	// the session proved who they are another way), ends the sessions
	// signed in with it, moves the default as the delete rules say, and
	// tells the other methods. It is the one entry to the lost-device path,
	// for a row's "I lost this device" and after signing in with a
	// Temporary Access Pass or a recovery code. EFORBIDDEN
	// (lost.signInAnotherWay) from a session signed in with that very
	// method or whose second step is unknown; EINVALID (lost.notADevice)
	// for a kind that is not a phone or app; ENOTFOUND for a method that
	// is not the owner's.
	ReplaceLostMethod(ctx context.Context, accountID, methodID string) (*LostDevice, error)
	// ReportActivity says "This wasn't me" about the event seq of the
	// owner's Recent activity: it marks it reported (audited with who
	// reported it), ends every session of the account (this one too), its
	// pending sign-ins and password resets, and every help desk's check of
	// who is calling for it, deletes its Temporary Access Pass, pauses
	// self-service resets for PauseAfterReport and lists the report
	// for the help desk. It undoes no change: the help desk
	// follows up. ENOTFOUND (report.notFound) for an event of another
	// account or none; EINVALID (report.notReportable) for an event that
	// is no change or sign-in; ECONFLICT (report.already) when the event
	// was reported before.
	ReportActivity(ctx context.Context, accountID string, seq int64) (*ActivityReport, error)
	// ActivityReports lists the reports of the accounts the caller may
	// read, newest first, at most limit (the help desk's list; staff with
	// two steps only, EFORBIDDEN otherwise).
	ActivityReports(ctx context.Context, limit int) ([]*ActivityReport, error)
}

// ActivityReport is a person's "This wasn't me" about one event of their
// Recent activity, as the help desk lists it. The event's fields are
// copied from the audit log (masked there already).
type ActivityReport struct {
	ID          string `json:"id"`
	AccountID   string `json:"accountId"`
	AccountName string `json:"account"`
	// The reported event.
	EventSeq   int64      `json:"eventSeq"`
	EventTime  time.Time  `json:"eventTime"`
	EventActor string     `json:"eventActor"` // who the log names as doing it
	Action     string     `json:"action"`
	Kind       MethodKind `json:"kind,omitempty"`
	Detail     string     `json:"detail,omitempty"`
	// Who reported it, when, and from where.
	ReportedByID   string    `json:"reportedById"`
	ReportedByName string    `json:"reportedBy"`
	ReportedAt     time.Time `json:"reportedAt"`
	Source         string    `json:"source"`
}

// reportable lists the actions "This wasn't me" is offered on: the
// changes to a person's sign-in security and the sign-ins themselves,
// whoever the log names as doing them (someone with the password acts
// under the person's own name; a help desk can be talked into a change).
// Signing out, failed attempts, and the reports themselves are not.
var reportable = map[string]bool{
	ActionMethodAdded: true, ActionMethodChanged: true, ActionMethodDeleted: true, ActionMethodRenamed: true,
	ActionMethodLost: true, ActionDefaultChanged: true, ActionRemovalScheduled: true, ActionRemovalCancelled: true,
	ActionPasswordChanged: true, ActionPasswordReset: true, ActionPasswordSetByDesk: true,
	ActionPassCreated: true, ActionReregistration: true, ActionAccountUnlocked: true, ActionSessionsRevoked: true,
	ActionSignedIn: true, ActionVerifyAccepted: true, ActionInfoConfirmed: true,
}

// Reportable reports whether "This wasn't me" may be said of an event
// with action.
func Reportable(action string) bool { return reportable[action] }

// ReportActivity implements Service.
func (s *Local) ReportActivity(ctx context.Context, accountID string, seq int64) (*ActivityReport, error) {
	// Who asks is checked before the queued events are chained (a write).
	if err := s.allowed(ctx, accountID, prove); err != nil {
		return nil, err
	}
	if err := s.sequenced(ctx); err != nil {
		return nil, err
	}
	var out *ActivityReport
	err := s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		e, err := tx.AuditEvent(seq)
		if storeFailed(err) {
			return err
		}
		if err != nil || e.AccountID != acct.ID {
			// Another account's event is answered as one that does not
			// exist, so event numbers of others are not confirmed.
			return Reason(ENOTFOUND, "report.notFound", nil)
		}
		if !Reportable(e.Action) {
			return Reason(EINVALID, "report.notReportable", nil)
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		now := s.clock()
		r := &ActivityReport{ID: id, AccountID: acct.ID, AccountName: acct.Name, EventSeq: e.Seq, EventTime: e.Time, EventActor: e.ActorName,
			Action: e.Action, Kind: e.Kind, Detail: e.Detail, ReportedByID: a.AccountID, ReportedByName: a.Name, ReportedAt: now, Source: a.Source}
		if err := tx.CreateReport(r); ErrorCode(err) == ECONFLICT {
			return Reason(ECONFLICT, "report.already", nil)
		} else if err != nil {
			return err
		}
		out = r
		return s.reportedIn(tx, a, acct, e, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reportedIn does, in the report's transaction, what a report does to
// the account: every session, pending sign-in and password reset ended,
// the desk's checks of the caller and the codes out for them ended (they
// may have been made with a device the person no longer holds), the pass
// deleted, each audited. Sign-ins checked before it and in-person checks
// asked before it are refused later (reportedSince).
// Nothing reported is undone.
func (s *Local) reportedIn(tx Tx, a Actor, acct *Account, e *AuditEvent, now time.Time) error {
	why := fmt.Sprintf("reported event %d", e.Seq)
	if err := s.audit(tx, a, acct, ActionActivityReported, e.Kind, fmt.Sprintf("event %d: %s", e.Seq, e.Action), "this wasn't me"); err != nil {
		return err
	}
	if err := tx.EndSessions(acct.ID, "", now); err != nil {
		return err
	}
	if err := tx.EndVerifications(acct.ID, VerifySignIn, now); err != nil {
		return err
	}
	// Codes out to prove who is asking (a desk's check of the caller)
	// count no more than the checks they would make.
	if err := tx.EndVerifications(acct.ID, VerifyProve, now); err != nil {
		return err
	}
	if err := tx.EndResets(acct.ID, "", now); err != nil {
		return err
	}
	if err := tx.EndIdentityProofs(acct.ID); err != nil {
		return err
	}
	if err := s.endAccessPass(tx, a, acct, "ended by a report", why); err != nil {
		return err
	}
	return s.audit(tx, a, acct, ActionSessionsEnded, "", "everywhere", why)
}

// PauseAfterReport is how long after "This wasn't me" the account's
// own phones and apps prove nothing alone: whoever made the reported
// change may hold one still registered (the report undoes nothing), and
// one proves a self-service reset under the default policy. Meanwhile
// only the help desk resets the password, and it verifies the caller in
// person or by the directory's number, not by the account's methods.
const PauseAfterReport = 24 * time.Hour

// pausedAfterReport refuses, with reason, what the account's own phones
// and apps would prove alone within PauseAfterReport of a report: a
// self-service reset (reset.afterReport), a help desk's check of the
// caller (helpdesk.reported).
func pausedAfterReport(tx Tx, accountID string, now time.Time, reason string) error {
	if reported, err := reportedSince(tx, accountID, now.Add(-PauseAfterReport)); err != nil {
		return err
	} else if reported {
		return Reason(EFORBIDDEN, reason, nil)
	}
	return nil
}

// reportedSince reports whether the account's owner said "This wasn't
// me" at or after t: what was checked or asked before a report (a
// sign-in, an in-person check waiting for approval) does not count after
// it.
func reportedSince(tx Tx, accountID string, t time.Time) (bool, error) {
	rs, err := tx.Reports(ReportFilter{AccountID: accountID, Limit: 1})
	if err != nil {
		return false, err
	}
	return len(rs) > 0 && !rs[0].ReportedAt.Before(t), nil
}

// ActivityReports implements Service.
func (s *Local) ActivityReports(ctx context.Context, limit int) ([]*ActivityReport, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
		return nil, err
	}
	out := []*ActivityReport{}
	err = s.store.View(ctx, func(tx Tx) error {
		if IsLocalAdministrator(a) || a.Role == RoleAdmin {
			rs, err := tx.Reports(ReportFilter{Limit: limit})
			if err == nil {
				out = rs
			}
			return err
		}
		accts, err := tx.Accounts()
		if err != nil {
			return err
		}
		readable, roles := map[string]bool{}, map[string]Role{}
		for _, acct := range accts {
			readable[acct.ID], roles[acct.ID] = mayRead(a, acct), acct.Role
		}
		// Reports are few: read them all and keep the desk's.
		rs, err := tx.Reports(ReportFilter{})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if readable[r.AccountID] && (limit <= 0 || len(out) < limit) {
				// The event's actor is named to the desk as its audit
				// log names them: someone above it by their role only.
				e, err := tx.AuditEvent(r.EventSeq)
				if storeFailed(err) {
					return err
				}
				if err != nil {
					r.EventActor = ""
				} else if role, known := roles[e.ActorID]; known && rank(role) > rank(a.Role) {
					r.EventActor = roleWords(role)
				}
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// markReports sets Reportable and Reported on an account's events as
// its owner reads them in Recent activity.
func markReports(tx Tx, accountID string, events []*AuditEvent) error {
	rs, err := tx.Reports(ReportFilter{AccountID: accountID})
	if err != nil {
		return err
	}
	done := map[int64]bool{}
	for _, r := range rs {
		done[r.EventSeq] = true
	}
	for _, e := range events {
		e.Reported = done[e.Seq]
		e.Reportable = Reportable(e.Action) && !e.Reported
	}
	return nil
}
