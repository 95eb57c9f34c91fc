package core

import (
	"context"
	"fmt"
)

// audit records an event within tx: chained at once, or, with
// Options.Queue, queued sealed for SequenceAudit to chain, so that changes
// do not line up behind the chain's head row.
func (s *Local) audit(tx Tx, a Actor, acct *Account, action string, kind MethodKind, detail, reason string) error {
	e := &AuditEvent{Time: s.clock(), ActorID: a.AccountID, ActorName: a.Name, Action: action, Kind: kind,
		Detail: detail, Source: a.Source, Reason: reason}
	if acct != nil {
		e.AccountID, e.AccountName = acct.ID, acct.Name
	}
	if s.queue {
		return s.queueAudit(tx, e)
	}
	created := 0
	if action == ActionAccountCreated {
		created = 1
	}
	return s.chainAudit(tx, e, created)
}

// chainAudit chains e to the head and appends it within tx. created is
// how many account creations are being chained from e on, e included:
// a log starts with the first accounts' creation, or with a change made
// before any account exists. Starting one anywhere else means it was
// emptied by hand: the new head is left unsealed, so that VerifyAudit
// keeps reporting it after this event.
func (s *Local) chainAudit(tx Tx, e *AuditEvent, created int) error {
	head, err := tx.AuditHead()
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	s.keys.Chain(head, e)
	if head.empty() {
		n, err := tx.CountAccounts()
		if err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		if n > created {
			e.HeadMAC = nil
		}
	}
	if e.HeadMAC == nil {
		s.log.Warn("audit log: the chain head was unsealed, edited or deleted; the new event leaves it unsealed (see securityinfoctl audit verify)",
			"seq", e.Seq, "action", e.Action)
	}
	if err := tx.AppendAudit(e); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// MaskedDetail is how a method is named in the audit log and notifications:
// enough to recognise it, never the full number or address.
func MaskedDetail(m *Method) string {
	switch {
	case m.Kind.IsPhone():
		return MaskPhone(m.Detail)
	case m.Kind == KindEmail:
		return MaskEmail(m.Detail)
	case m.Kind == KindRecoveryCodes:
		return m.Detail // "7 of 10 left": never a code
	}
	return m.Name
}

// RecentActivity implements Service.
func (s *Local) RecentActivity(ctx context.Context, accountID string, limit int) ([]*AuditEvent, error) {
	// Who asks is checked before the queued events are chained (a write).
	if err := s.allowed(ctx, accountID, readOnly); err != nil {
		return nil, err
	}
	if err := s.sequenced(ctx); err != nil {
		return nil, err
	}
	var out []*AuditEvent
	err := s.read(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		events, err := tx.AuditEvents(AuditFilter{AccountID: accountID, Limit: limit})
		if err != nil {
			return err
		}
		for i := len(events) - 1; i >= 0; i-- {
			out = append(out, events[i])
		}
		if a, _ := ActorFrom(ctx); a.AccountID != accountID {
			return nil // staff reading: no report is theirs to make
		}
		return markReports(tx, accountID, out)
	})
	return out, err
}

// RecordOutboxView implements Service.
func (s *Local) RecordOutboxView(ctx context.Context) error {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return err
	}
	if err := requireRole(a, sess, RoleAdmin); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error {
		return s.audit(tx, a, nil, ActionOutboxViewed, "", "every account's messages", "")
	})
}

// AuditLog implements Service.
func (s *Local) AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEvent, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
		return nil, err
	}
	if err := s.sequenced(ctx); err != nil {
		return nil, err
	}
	var out []*AuditEvent
	err = s.store.View(ctx, func(tx Tx) (err error) {
		if IsLocalAdministrator(a) || a.Role == RoleAdmin {
			out, err = tx.AuditEvents(f)
			return err
		}
		out, err = deskAuditEvents(tx, a, f)
		return err
	})
	return out, err
}

// deskAuditEvents reads the events the help desk may read: those about
// accounts ranked below it (mayRead), newest f.Limit of them.
func deskAuditEvents(tx Tx, a Actor, f AuditFilter) ([]*AuditEvent, error) {
	accts, err := tx.Accounts()
	if err != nil {
		return nil, err
	}
	readable, roles := map[string]bool{}, map[string]Role{}
	for _, acct := range accts {
		readable[acct.ID], roles[acct.ID] = mayRead(a, acct), acct.Role
	}
	if f.AccountID != "" && !readable[f.AccountID] {
		return []*AuditEvent{}, nil // as for an account that does not exist
	}
	// The store's events come oldest first; with a limit, read more of
	// the newest until f.Limit readable ones are found or none are left.
	var out []*AuditEvent
	for want := f.Limit; ; want *= 4 {
		events, err := tx.AuditEvents(AuditFilter{AccountID: f.AccountID, Limit: want})
		if err != nil {
			return nil, err
		}
		out = []*AuditEvent{}
		for _, e := range events {
			if !readable[e.AccountID] {
				continue
			}
			if r, known := roles[e.ActorID]; known && rank(r) > rank(a.Role) {
				// Done by someone above the desk: not named to it.
				c := *e
				c.ActorID, c.ActorName = "", roleWords(r)
				e = &c
			}
			out = append(out, e)
		}
		if f.Limit <= 0 || len(events) < want || len(out) >= f.Limit {
			break
		}
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, nil
}

// VerifyAudit implements Service.
func (s *Local) VerifyAudit(ctx context.Context) (*AuditReport, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin); err != nil {
		return nil, err
	}
	if err := s.sequenced(ctx); err != nil {
		return nil, err
	}
	var events []*AuditEvent
	var head AuditHead
	var accounts []*Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		if head, err = tx.AuditHead(); err != nil {
			return err
		}
		if accounts, err = tx.Accounts(); err != nil {
			return err
		}
		events, err = tx.AuditEvents(AuditFilter{})
		return err
	})
	if err != nil {
		return nil, err
	}
	r := &AuditReport{Events: len(events), Break: s.keys.VerifyAuditLog(events, head, len(accounts))}
	if r.Break == nil {
		r.Break = unloggedAccount(events, accounts)
	}
	return r, nil
}

// unloggedAccount reports an account whose creation is not in an intact
// log: the newest events were cut and an older end of the log, with its
// sealed head, put back. (A cut that hides no account creation is not
// seen: nothing outside the database remembers how long the log was.)
func unloggedAccount(events []*AuditEvent, accounts []*Account) *AuditBreak {
	created := map[string]bool{}
	for _, e := range events {
		if e.Action == ActionAccountCreated {
			created[e.AccountID] = true
		}
	}
	for _, a := range accounts {
		if !created[a.ID] {
			return &AuditBreak{Seq: int64(len(events)) + 1, Reason: fmt.Sprintf(
				"the account %s exists but its creation is not in the log, so events were cut from its end and an older end put back", a.Name)}
		}
	}
	return nil
}
