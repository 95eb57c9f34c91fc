package core

import (
	"context"
	"errors"
	"slices"
	"time"
)

// IsLocalAdministrator reports whether a is the command line's actor on a
// local data folder: no account and no session, the administrator role.
// Whoever holds the folder and its key administers every account in it.
// Any other actor without a session, such as one a form makes up, has no
// administrator's powers.
func IsLocalAdministrator(a Actor) bool {
	return a == LocalAdministrator
}

// caller returns the acting person, checked in this one place for every
// call that needs one. A session actor's session must not have ended or
// expired (the call counts as its use) and must belong to the actor's
// account; the actor's name and role are read again from the account, so
// an ended session or a changed role takes effect at once. The session is
// returned (nil for an actor without one).
func (s *Local) caller(ctx context.Context) (Actor, *Session, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, nil, Reason(EFORBIDDEN, "signin.first", nil)
	}
	if a.SessionID == "" {
		return a, nil, nil
	}
	var sess *Session
	err := s.store.View(ctx, func(tx Tx) error {
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		if sess, err = s.liveSession(tx, a.SessionID, p, false); err != nil {
			return err
		}
		if sess.AccountID != a.AccountID {
			return Errorf(EFORBIDDEN, "This session belongs to another account. Sign in again.")
		}
		acct, err := tx.Account(sess.AccountID)
		if ErrorCode(err) == ENOTFOUND {
			return Reason(EEXPIRED, "session.ended", nil)
		} else if err != nil {
			return err
		}
		a.Name, a.Role, a.mustChange = acct.Name, acct.Role, acct.PasswordMustChange
		return nil
	})
	if err != nil {
		return Actor{}, nil, err
	}
	if now := s.clock(); now.Sub(sess.LastSeenAt) >= sessionTouch {
		// Use keeps the session from going idle. It is written at most
		// once per sessionTouch, so that a busy session's requests do
		// not each commit a write; idle expiry is counted in minutes.
		err := s.store.Update(ctx, func(tx Tx) error {
			p, err := tx.Policy()
			if err != nil {
				return err
			}
			_, err = s.liveSession(tx, a.SessionID, p, true)
			return err
		})
		if err != nil {
			return Actor{}, nil, err
		}
	}
	return a, sess, nil
}

// sessionTouch is how stale a session's last use may be before a request
// records it again.
const sessionTouch = 30 * time.Second

// rank orders the roles: an account acts only on accounts ranked below it.
func rank(r Role) int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleHelpdesk:
		return 2
	case RoleUser:
		return 1
	}
	return 0
}

// requireRole checks that the actor has one of roles and, in a session,
// that the session passed two steps: an administrator's or the help
// desk's powers are never used on a password alone. An account actor
// without a session (the core's own sign-in and reset steps) has none of
// these powers; the local administrator has them all.
func requireRole(a Actor, sess *Session, roles ...Role) error {
	if !slices.Contains(roles, a.Role) {
		if len(roles) == 1 && roles[0] == RoleAdmin {
			return Reason(EFORBIDDEN, "forbidden.admin", nil)
		}
		return Reason(EFORBIDDEN, "forbidden.staff", nil)
	}
	if IsLocalAdministrator(a) {
		return nil
	}
	if a.mustChange {
		return Reason(EFORBIDDEN, "password.mustChange", nil)
	}
	if sess == nil || !sess.TwoStep {
		return Reason(EFORBIDDEN, "forbidden.twoStep", nil)
	}
	return nil
}

// authorize checks that the actor may act on acct as how says. The owner
// may; owner-only calls (adding, confirming, renaming, choosing the
// default, proving) are refused to anyone else. Others act only as an
// administrator or the help desk, from a session that passed two steps,
// and never on an account of the same or a higher role.
func authorize(a Actor, sess *Session, acct *Account, how access) error {
	if a.AccountID == acct.ID {
		return nil
	}
	if how&ownerOnly != 0 {
		return Reason(EFORBIDDEN, "forbidden.owner", nil)
	}
	if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
		if a.Role != RoleAdmin && a.Role != RoleHelpdesk {
			return Reason(EFORBIDDEN, "forbidden.own", nil)
		}
		return err
	}
	if !IsLocalAdministrator(a) && rank(acct.Role) >= rank(a.Role) {
		if how&desk != 0 && a.Role == RoleAdmin && acct.Role == RoleAdmin {
			return nil // the operation asks for a second administrator's approval
		}
		return Reason(EFORBIDDEN, "forbidden.rank", nil)
	}
	return nil
}

// access says how an account's transaction runs and who may run it.
type access uint8

const (
	writes      access = 1 << iota // an Update, not a View
	changesInfo                    // refused while a removal is pending; two steps when the account has a sign-in method
	ownerOnly                      // the account's owner alone
	desk                           // a help-desk operation: an administrator may reach another one, with an approval (onDesk)

	readOnly   access = 0                                // a View; staff may read accounts below them
	prove             = writes | ownerOnly               // a write that changes no security info
	changeInfo        = writes | changesInfo | ownerOnly // adding, renaming, choosing the default
)

// onAccount runs fn in a transaction on an account the actor may act on
// (authorize), after settling a removal whose time has come. An owner's
// session is checked, and their role re-read, inside that transaction, so
// that a request on one's own account is one transaction; staff acting on
// another account are checked first (caller).
func (s *Local) onAccount(ctx context.Context, accountID string, how access, fn func(tx Tx, a Actor, acct *Account, p *Policy) error) error {
	return s.onAccountReading(ctx, accountID, how, Preload{}, fn)
}

// onAccountReading is onAccount for an operation that reads the method
// and failure counter named in pre first: a store that can (Preloader)
// reads them with the gate's own rows.
func (s *Local) onAccountReading(ctx context.Context, accountID string, how access, pre Preload, fn func(tx Tx, a Actor, acct *Account, p *Policy) error) error {
	a, own, err := s.gateActor(ctx, accountID, how)
	if err != nil {
		return err
	}
	run := s.store.Update
	if how&writes == 0 {
		run = s.store.View
	}
	touch := false
	for settled := false; ; settled = true {
		err := run(ctx, func(tx Tx) error {
			if pl, ok := tx.(Preloader); ok {
				pre.AccountID = accountID
				if a.SessionID != "" {
					pre.SessionID = sessionKey(a.SessionID)
				}
				if err := pl.Preload(pre); err != nil {
					return err
				}
			}
			g, err := s.gate(tx, a, own, accountID, how, settled)
			if err != nil {
				return err
			}
			touch = g.touch
			return fn(tx, g.actor, g.acct, g.policy)
		})
		if err == errSettle {
			if err := s.settle(ctx, accountID); err != nil {
				return err
			}
			continue
		}
		if err == nil && touch {
			_, _, err = s.caller(ctx) // a read: touch the session in a write of its own
		}
		return err
	}
}

// gateActor is the gate's part before the transaction: an owner's claim
// is checked inside it (own), anyone else's session first (caller), and
// refused at once where the access is the owner's alone or the actor is
// not staff.
func (s *Local) gateActor(ctx context.Context, accountID string, how access) (Actor, bool, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, false, Reason(EFORBIDDEN, "signin.first", nil)
	}
	own := a.SessionID != "" && a.AccountID == accountID
	if own {
		return a, true, nil
	}
	a, _, err := s.caller(ctx)
	if err != nil {
		return Actor{}, false, err
	}
	if a.AccountID != accountID {
		switch {
		case how&ownerOnly != 0:
			return Actor{}, false, Reason(EFORBIDDEN, "forbidden.owner", nil)
		case a.Role != RoleAdmin && a.Role != RoleHelpdesk:
			return Actor{}, false, Reason(EFORBIDDEN, "forbidden.own", nil)
		}
	}
	return a, false, nil
}

// gated is what the gate lets an operation act with.
type gated struct {
	actor  Actor
	acct   *Account
	policy *Policy
	touch  bool // the owner's session is due to be recorded as used
}

// gate is the gate's part inside the operation's transaction: the owner's
// session, the account (a removal due first: errSettle), authorization,
// and a pending removal for a change of security info.
func (s *Local) gate(tx Tx, a Actor, own bool, accountID string, how access, settled bool) (gated, error) {
	p, err := tx.Policy()
	if err != nil {
		return gated{}, err
	}
	// An owner's claim (a token names its account) is checked before
	// anything of the account is read or settled, so that a forged token
	// reads and answers the same whether the account it names exists or
	// not.
	var sess *Session
	if own {
		if sess, err = s.liveSession(tx, a.SessionID, p, false); err != nil {
			return gated{}, err
		}
		if sess.AccountID != a.AccountID {
			return gated{}, Errorf(EFORBIDDEN, "This session belongs to another account. Sign in again.")
		}
	}
	acct, err := tx.Account(accountID)
	switch {
	case own && ErrorCode(err) == ENOTFOUND:
		return gated{}, Reason(EEXPIRED, "session.ended", nil)
	case ErrorCode(err) == ENOTFOUND, err == nil && !own && how&writes == 0 && a.AccountID != acct.ID && !mayRead(a, acct):
		// Staff reading an account above them are answered as for an
		// ID that does not exist.
		return gated{}, Reason(ENOTFOUND, "account.notFound", nil)
	case err != nil:
		return gated{}, err
	}
	if !acct.RemovalAt.IsZero() && !s.clock().Before(acct.RemovalAt) && !settled {
		return gated{}, errSettle
	}
	if sess, err = s.checkSession(tx, a, acct, p, how, sess); err != nil {
		return gated{}, err
	}
	touch := false
	if own {
		if a, touch, err = s.ownerUse(tx, a, acct, sess, p, how); err != nil {
			return gated{}, err
		}
	}
	if err := authorize(a, sess, acct, how); err != nil {
		return gated{}, err
	}
	if how&changesInfo != 0 && !acct.RemovalAt.IsZero() {
		return gated{}, Reason(ECONFLICT, "removal.pending", map[string]any{"Date": acct.RemovalAt.Format("2 January 2006")})
	}
	return gated{actor: a, acct: acct, policy: p, touch: touch}, nil
}

// ownerUse takes the owner's name and role from the account, refuses a
// change while the password must be changed, and records the session's
// use (at most once per sessionTouch: in a write at once, after a read by
// the caller, touch).
func (s *Local) ownerUse(tx Tx, a Actor, acct *Account, sess *Session, p *Policy, how access) (Actor, bool, error) {
	a.Name, a.Role = acct.Name, acct.Role
	if acct.PasswordMustChange && how&writes != 0 {
		return a, false, Reason(EFORBIDDEN, "password.mustChange", nil)
	}
	touch := s.clock().Sub(sess.LastSeenAt) >= sessionTouch
	if touch && how&writes != 0 {
		if _, err := s.liveSession(tx, a.SessionID, p, true); err != nil {
			return a, false, err
		}
		touch = false
	}
	return a, touch, nil
}

// errSettle asks onAccount to settle a due removal first.
var errSettle = errors.New("settle the due removal first")

// change runs fn in a write by the owner that changes security info.
func (s *Local) change(ctx context.Context, accountID string, fn func(tx Tx, a Actor, acct *Account, p *Policy) error) error {
	return s.onAccount(ctx, accountID, changeInfo, fn)
}

// allowed runs the gate alone: whether the actor may act on the account
// as how says, checked before work that is done outside the operation's
// own transaction (a slow hash, a write of another kind).
func (s *Local) allowed(ctx context.Context, accountID string, how access) error {
	return s.onAccount(ctx, accountID, how, func(Tx, Actor, *Account, *Policy) error { return nil })
}

// read runs fn in a View for an account the actor may read.
func (s *Local) read(ctx context.Context, accountID string, fn func(tx Tx, acct *Account, p *Policy) error) error {
	return s.onAccount(ctx, accountID, readOnly, func(tx Tx, _ Actor, acct *Account, p *Policy) error { return fn(tx, acct, p) })
}

// hiddenFrom reports whether x ranks above staff actor a, who then reads
// x's role in x's place ("an administrator"), never x's name or ID.
func hiddenFrom(a Actor, x *Account) bool {
	return !IsLocalAdministrator(a) && x.ID != a.AccountID && rank(x.Role) > rank(a.Role)
}

// roleWords names someone the help desk may not read by their role.
func roleWords(r Role) string {
	if r == RoleAdmin {
		return "an administrator"
	}
	return "the help desk"
}
