package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Local is the in-process Service over a Store.
type Local struct {
	background func(func())
	pending    sync.WaitGroup // background work under way
	// nameLocks serialise the sign-ins of a name (nameStripe).
	nameLocks [nameStripes]sync.Mutex

	store  Store
	keys   *Keys
	sender Sender
	texts  Texts
	log    *slog.Logger
	now    func() time.Time
	rand   io.Reader
	queue  bool          // Options.Queue
	wake   chan struct{} // kicks RunWorker

	setupToken string // AllowSetup
}

var _ Service = (*Local)(nil)

// Options are the injected parts of a Local service. Zero values mean the
// real clock, crypto/rand, no logging, and no delivery (every send fails
// with EUNAVAILABLE).
type Options struct {
	Sender Sender
	Texts  Texts // required: the translations messages are written from
	Log    *slog.Logger
	Now    func() time.Time
	Rand   io.Reader
	// Background runs work that no answer waits for, such as delivering
	// a reset's codes (nil: in a new goroutine); tests may run it at once.
	Background func(func())
	// Queue leaves every delivery to the outbox worker (RunWorker),
	// as the central service does: no request waits for a provider, and a
	// failed delivery is retried with backoff. Without it, the request
	// that queued a message delivers it at once and reports a failed
	// code delivery, as a desktop expects; the queued row then only
	// matters if the process dies first.
	Queue bool
}

// NewLocal returns the in-process service over store, sealing and hashing
// with keys.
func NewLocal(store Store, keys *Keys, o Options) *Local {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Sender == nil {
		o.Sender = Router{}
	}
	s := &Local{store: store, keys: keys, sender: o.Sender, texts: o.Texts, log: o.Log, now: o.Now, rand: o.Rand, background: o.Background,
		queue: o.Queue, wake: make(chan struct{}, 1)}
	if s.background == nil {
		s.background = func(f func()) {
			s.pending.Add(1)
			go func() {
				defer s.pending.Done()
				f()
			}()
		}
	}
	return s
}

// WaitBackground waits until background work (a reset's deliveries) is
// done: before closing the store, or in a tool that must not exit first.
func (s *Local) WaitBackground() { s.pending.Wait() }

// newID returns a random 128-bit identifier as 32 hex digits. Every ID
// that can be presented as a bearer (a verification, a pending sign-in, a
// reset) is one, so none can be guessed.
func (s *Local) newID() (string, error) {
	return s.randomHex(16)
}

// randomHex returns n random bytes as hex.
func (s *Local) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func (s *Local) clock() time.Time { return s.now().UTC() }

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
	}
	return m.Name
}

// NeedsFirstAccount implements Service.
func (s *Local) NeedsFirstAccount(ctx context.Context) (bool, error) {
	var n int
	err := s.store.View(ctx, func(tx Tx) (err error) {
		n, err = tx.CountAccounts()
		return err
	})
	return n == 0, err
}

// CreateFirstAccount implements Service: on a store without accounts it
// creates the first one, an administrator, with no actor needed. Once any
// account exists it is refused (ECONFLICT): the core alone decides which
// account is the first, whatever a form asks for.
func (s *Local) CreateFirstAccount(ctx context.Context, n NewAccount) (*Account, error) {
	n.Role = RoleAdmin
	return s.createAccount(ctx, n, true)
}

// firstAccountAllowed refuses a first account from a client over its
// per-address limit, or once any account exists.
func (s *Local) firstAccountAllowed(ctx context.Context) error {
	if err := s.limitClient(ctx, "setup"); err != nil {
		return err
	}
	if err := s.setupAllowed(ctx); err != nil {
		return err
	}
	need, err := s.NeedsFirstAccount(ctx)
	if err != nil {
		return err
	}
	if !need {
		return Reason(ECONFLICT, "account.firstTaken", nil)
	}
	return nil
}

// CreateAccount implements Service: an administrator creates an account.
// On a store without accounts the local administrator's first account is
// an administrator whatever n.Role says.
func (s *Local) CreateAccount(ctx context.Context, n NewAccount) (*Account, error) {
	return s.createAccount(ctx, n, false)
}

func (s *Local) createAccount(ctx context.Context, n NewAccount, first bool) (*Account, error) {
	var a Actor
	if first {
		// Before the password is hashed: a refused setup costs a count,
		// not an argon2id computation (the write checks again).
		if err := s.firstAccountAllowed(ctx); err != nil {
			return nil, err
		}
	} else {
		var sess *Session
		var err error
		if a, sess, err = s.caller(ctx); err != nil {
			return nil, err
		}
		if err := requireRole(a, sess, RoleAdmin); err != nil {
			return nil, err
		}
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if err := ValidatePassword(n.Password, n.Name, false); err != nil {
		return nil, err
	}
	hash, err := HashSecret(n.Password, s.rand)
	if err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	acct := &Account{ID: id, Name: n.Name, DisplayName: n.DisplayName, Role: n.Role, Language: n.Language,
		CreatedAt: now, PasswordHash: hash, PasswordChangedAt: now}
	err = s.store.Update(ctx, func(tx Tx) error {
		existing, err := tx.Accounts()
		if err != nil {
			return err
		}
		switch {
		case len(existing) == 0:
			acct.Role = RoleAdmin
			if first {
				a = Actor{AccountID: acct.ID, Name: acct.Name, Role: RoleAdmin, Source: "setup"}
			}
		case first:
			return Reason(ECONFLICT, "account.firstTaken", nil)
		}
		if err := lookAlike(existing, acct.Name); err != nil {
			return err
		}
		if err := tx.CreateAccount(acct); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionAccountCreated, "", string(acct.Role), "")
	})
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// lookAlike refuses a new name that looks like an existing account's
// (the same skeleton: "аdmin" with a Cyrillic а and "admin").
func lookAlike(existing []*Account, name string) error {
	sk := NameSkeleton(name)
	for _, e := range existing {
		if e.Name == name {
			return Errorf(ECONFLICT, "An account named %s already exists.", name)
		}
		if NameSkeleton(e.Name) == sk {
			return Reason(ECONFLICT, "account.lookalike", map[string]any{"Name": name})
		}
	}
	return nil
}

// Accounts implements Service.
func (s *Local) Accounts(ctx context.Context) ([]*Account, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
		return nil, err
	}
	var all []*Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		all, err = tx.Accounts()
		return err
	})
	out := []*Account{}
	for _, acct := range all {
		if mayRead(a, acct) {
			out = append(out, acct)
		}
	}
	return out, err
}

// AccountByName implements Service: one's own account, or, for an
// administrator or the help desk, an account they may act on. Anyone else
// asking for another name gets one answer whether or not it exists, and
// the help desk the same for an account it may not read as for a made-up
// name, so that neither can tell which accounts exist.
func (s *Local) AccountByName(ctx context.Context, name string) (*Account, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil, err
	}
	if norm != a.Name && !IsLocalAdministrator(a) {
		// Before any read: the answer cannot depend on the name.
		if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
			if a.Role != RoleAdmin && a.Role != RoleHelpdesk {
				return nil, Reason(EFORBIDDEN, "forbidden.own", nil)
			}
			return nil, err
		}
	}
	var acct *Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		acct, err = tx.AccountByName(norm)
		return err
	})
	if ErrorCode(err) == ENOTFOUND || err == nil && acct.ID != a.AccountID && !mayRead(a, acct) {
		return nil, Errorf(ENOTFOUND, "There is no account named %s that you may act on.", norm)
	} else if err != nil {
		return nil, err
	}
	if err := authorize(a, sess, acct, readOnly); err != nil {
		return nil, err
	}
	return acct, nil
}

// settle completes a scheduled removal whose time has come. It runs before
// anything reads or changes an account's security info.
func (s *Local) settle(ctx context.Context, accountID string) error {
	due := false
	if err := s.store.View(ctx, func(tx Tx) error {
		acct, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		due = !acct.RemovalAt.IsZero() && !s.clock().Before(acct.RemovalAt)
		return nil
	}); err != nil || !due {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error {
		acct, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if acct.RemovalAt.IsZero() || s.clock().Before(acct.RemovalAt) {
			return nil
		}
		m, err := tx.Method(acct.RemovalMethodID)
		if storeFailed(err) {
			return err
		}
		acct.RemovalAt, acct.RemovalMethodID = time.Time{}, ""
		acct.DefaultMethodID, acct.DefaultChannel = "", ChannelNone
		if m != nil {
			if err := tx.DeleteMethod(m.ID); err != nil {
				return err
			}
		}
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		sys := Actor{Name: "system", Source: "schedule"}
		if m == nil {
			return s.audit(tx, sys, acct, ActionRemovalCompleted, "", "", "")
		}
		return s.audit(tx, sys, acct, ActionRemovalCompleted, m.Kind, MaskedDetail(m), "")
	})
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

// currentDefault returns the account's default choice, or nil.
func currentDefault(acct *Account, methods []*Method) *DefaultChoice {
	if acct.DefaultMethodID == "" {
		return nil
	}
	c, err := FindChoice(methods, acct.DefaultMethodID, acct.DefaultChannel)
	if err != nil {
		return nil
	}
	return &c
}

// SecurityInfo implements Service.
func (s *Local) SecurityInfo(ctx context.Context, accountID string) (*SecurityInfo, error) {
	var info *SecurityInfo
	err := s.onAccount(ctx, accountID, readOnly, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		info = &SecurityInfo{Account: acct, Default: currentDefault(acct, methods), Requirements: CheckRequirements(methods, p),
			Methods: []MethodView{}}
		for _, m := range methods {
			info.Methods = append(info.Methods, m.View(info.Default))
		}
		if deskReader(a, acct) {
			for i, m := range methods {
				info.Methods[i].Detail, info.Methods[i].Extension = MaskedDetail(m), ""
			}
			if info.Default != nil {
				maskChoice(info.Default, methods)
			}
		}
		if info.AccessPass, err = activePass(tx, acct.ID, s.clock()); err != nil {
			return err
		}
		if !acct.RemovalAt.IsZero() {
			info.PendingRemoval = &PendingRemoval{MethodID: acct.RemovalMethodID, EffectiveAt: acct.RemovalAt}
			for _, m := range methods {
				if m.ID == acct.RemovalMethodID {
					info.PendingRemoval.Kind = m.Kind
				}
			}
		}
		return nil
	})
	return info, err
}

// AvailableKinds implements Service.
func (s *Local) AvailableKinds(ctx context.Context, accountID string) ([]MethodKind, error) {
	var out []MethodKind
	err := s.read(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		if !acct.RemovalAt.IsZero() {
			out = []MethodKind{}
			return nil
		}
		methods, err := tx.Methods(accountID)
		out = AvailableKinds(methods, p)
		return err
	})
	return out, err
}

// DefaultChoices implements Service.
func (s *Local) DefaultChoices(ctx context.Context, accountID string) ([]DefaultChoice, error) {
	var out []DefaultChoice
	err := s.onAccount(ctx, accountID, readOnly, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		out = DefaultChoices(methods)
		if deskReader(a, acct) {
			for i := range out {
				maskChoice(&out[i], methods)
			}
		}
		return err
	})
	return out, err
}

// deskReader reports whether a reads acct as the help desk: phone numbers
// and addresses are then shown masked, as in its search, verified person
// or not (an administrator reads them whole).
func deskReader(a Actor, acct *Account) bool {
	return a.AccountID != acct.ID && a.Role == RoleHelpdesk && !IsLocalAdministrator(a)
}

// maskChoice masks the phone number in a default choice.
func maskChoice(c *DefaultChoice, methods []*Method) {
	if c.Destination == "" {
		return
	}
	for _, m := range methods {
		if m.ID == c.MethodID {
			masked := MaskPhone(m.Detail)
			c.Label = strings.ReplaceAll(c.Label, c.Destination, masked)
			c.Destination = masked
		}
	}
}

// SetDefault implements Service.
func (s *Local) SetDefault(ctx context.Context, accountID, methodID string, channel Channel) (*DefaultChoice, error) {
	var out DefaultChoice
	var notices []queued
	err := s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		c, err := FindChoice(methods, methodID, channel)
		if err != nil {
			return err
		}
		out = c
		if acct.DefaultMethodID == c.MethodID && acct.DefaultChannel == c.Channel {
			return nil
		}
		acct.DefaultMethodID, acct.DefaultChannel = c.MethodID, c.Channel
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		m, _ := tx.Method(methodID)
		if err := s.audit(tx, a, acct, ActionDefaultChanged, c.Kind, maskedChoice(m, c), ""); err != nil {
			return err
		}
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.defaultChanged", subject: m})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	return &out, nil
}

func maskedChoice(m *Method, c DefaultChoice) string {
	if m == nil {
		return string(c.Channel)
	}
	return fmt.Sprintf("%s %s", MaskedDetail(m), c.Channel)
}

// RenameMethod implements Service.
func (s *Local) RenameMethod(ctx context.Context, accountID, methodID, name string) (*Method, error) {
	name, err := ValidateMethodName(name)
	if err != nil {
		return nil, err
	}
	var out *Method
	err = s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		m, err := ownMethod(tx, accountID, methodID)
		if err != nil {
			return err
		}
		if m.Kind != KindAuthenticatorApp && m.Kind != KindSecurityKey {
			ki, _ := m.Kind.Info()
			return Errorf(EINVALID, "Only authenticator apps and security keys have names; %s can't be renamed.", ki.Label)
		}
		old := m.Name
		m.Name = name
		if err := tx.UpdateMethod(m); err != nil {
			return err
		}
		out = m
		return s.audit(tx, a, acct, ActionMethodRenamed, m.Kind, fmt.Sprintf("%s -> %s", old, name), "")
	})
	return out, err
}

// ownMethod loads a method and checks it belongs to the account, answering
// ENOTFOUND either way so that IDs of other accounts are not confirmed.
func ownMethod(tx Tx, accountID, methodID string) (*Method, error) {
	m, err := tx.Method(methodID)
	if storeFailed(err) {
		return nil, err
	}
	if err != nil || m.AccountID != accountID {
		return nil, Errorf(ENOTFOUND, "That method is not in your security info.")
	}
	return m, nil
}

// PreviewDelete implements Service.
func (s *Local) PreviewDelete(ctx context.Context, accountID, methodID string) (*DeletePreview, error) {
	var pv *DeletePreview
	err := s.read(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		if _, err := ownMethod(tx, accountID, methodID); err != nil {
			return err
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		pv, err = PreviewDelete(methods, currentDefault(acct, methods), methodID, p, s.clock())
		return err
	})
	return pv, err
}

// DeleteMethod implements Service.
func (s *Local) DeleteMethod(ctx context.Context, accountID, methodID string) (*DeletePreview, error) {
	var pv *DeletePreview
	var notices []queued
	err := s.onAccount(ctx, accountID, changeInfo, func(tx Tx, a Actor, acct *Account, p *Policy) (err error) {
		pv, notices, err = s.deleteIn(tx, a, acct, p, methodID, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	return pv, nil
}

// deleteIn deletes a method within tx (or schedules the removal of the
// last security info), audited with reason, and queues the notices.
func (s *Local) deleteIn(tx Tx, a Actor, acct *Account, p *Policy, methodID, reason string) (*DeletePreview, []queued, error) {
	m, err := ownMethod(tx, acct.ID, methodID)
	if err != nil {
		return nil, nil, err
	}
	methods, err := tx.Methods(acct.ID)
	if err != nil {
		return nil, nil, err
	}
	pv, err := PreviewDelete(methods, currentDefault(acct, methods), methodID, p, s.clock())
	if err != nil {
		return nil, nil, err
	}
	if pv.Scheduled {
		acct.RemovalAt, acct.RemovalMethodID = pv.EffectiveAt, m.ID
		if err := tx.UpdateAccount(acct); err != nil {
			return nil, nil, err
		}
		why := "effective " + pv.EffectiveAt.Format(time.RFC3339)
		if reason != "" {
			why = reason + "; " + why
		}
		if err := s.audit(tx, a, acct, ActionRemovalScheduled, m.Kind, MaskedDetail(m), why); err != nil {
			return nil, nil, err
		}
		notices, err := s.queueNotice(tx, acct, notice{key: "notice.removalScheduled", subject: pv.Method, when: pv.EffectiveAt})
		return pv, notices, err
	}
	if err := tx.DeleteMethod(m.ID); err != nil {
		return nil, nil, err
	}
	if pv.WasDefault || pv.NewDefault == nil {
		acct.DefaultMethodID, acct.DefaultChannel = "", ChannelNone
		if pv.NewDefault != nil {
			acct.DefaultMethodID, acct.DefaultChannel = pv.NewDefault.MethodID, pv.NewDefault.Channel
		}
		if err := tx.UpdateAccount(acct); err != nil {
			return nil, nil, err
		}
	}
	if err := s.audit(tx, a, acct, ActionMethodDeleted, m.Kind, MaskedDetail(m), reason); err != nil {
		return nil, nil, err
	}
	// The deleted address or phone is told too: if someone else deleted
	// it, its owner still reads it.
	notices, err := s.queueNotice(tx, acct, notice{key: "notice.deleted", subject: pv.Method, also: pv.Method})
	if err != nil {
		return nil, nil, err
	}
	if pv.WasDefault && pv.NewDefault != nil {
		nm, _ := tx.Method(pv.NewDefault.MethodID)
		if err := s.audit(tx, a, acct, ActionDefaultChanged, pv.NewDefault.Kind, maskedChoice(nm, *pv.NewDefault), "default deleted"); err != nil {
			return nil, nil, err
		}
	}
	return pv, notices, nil
}

// CancelRemoval implements Service.
func (s *Local) CancelRemoval(ctx context.Context, accountID string) error {
	return s.onAccount(ctx, accountID, writes, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		if acct.RemovalAt.IsZero() {
			return Errorf(ECONFLICT, "No removal of security info is scheduled.")
		}
		m, _ := tx.Method(acct.RemovalMethodID)
		acct.RemovalAt, acct.RemovalMethodID = time.Time{}, ""
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		if m == nil {
			return s.audit(tx, a, acct, ActionRemovalCancelled, "", "", "")
		}
		return s.audit(tx, a, acct, ActionRemovalCancelled, m.Kind, MaskedDetail(m), "")
	})
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
		for i := len(events) - 1; i >= 0; i-- {
			out = append(out, events[i])
		}
		return err
	})
	return out, err
}

// ActionOutboxViewed is audited when an administrator reads every
// account's messages in the local outbox.
const ActionOutboxViewed = "outbox.viewed"

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

// Policy implements Service.
func (s *Local) Policy(ctx context.Context) (*Policy, error) {
	var p *Policy
	err := s.store.View(ctx, func(tx Tx) (err error) {
		p, err = tx.Policy()
		return err
	})
	return p, err
}

// SetPolicy implements Service.
func (s *Local) SetPolicy(ctx context.Context, pairs []string) (*Policy, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin); err != nil {
		return nil, err
	}
	var out *Policy
	err = s.store.Update(ctx, func(tx Tx) error {
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		if out, err = p.Apply(pairs); err != nil {
			return err
		}
		if err := tx.SavePolicy(out); err != nil {
			return err
		}
		return s.audit(tx, a, nil, ActionPolicyChanged, "", strings.Join(pairs, " "), "")
	})
	return out, err
}
