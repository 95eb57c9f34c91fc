package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Local is the in-process Service over a Store.
type Local struct {
	// latency remembers how long deliveries take, so that a reset's decoy
	// choices take as long to "send" to as real ones.
	latency latencies
	sleep   func(time.Duration)

	store  Store
	keys   *Keys
	sender Sender
	texts  Texts
	log    *slog.Logger
	now    func() time.Time
	rand   io.Reader
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
	// Sleep waits (nil: time.Sleep); tests pass one that returns at once.
	Sleep func(time.Duration)
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
	if o.Sleep == nil {
		o.Sleep = time.Sleep
	}
	return &Local{store: store, keys: keys, sender: o.Sender, texts: o.Texts, log: o.Log, now: o.Now, rand: o.Rand, sleep: o.Sleep}
}

// newID returns a random 16-hex-digit identifier.
func (s *Local) newID() (string, error) {
	b := make([]byte, 8)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func (s *Local) clock() time.Time { return s.now().UTC() }

// actor returns the acting person, or EFORBIDDEN when there is none.
func actor(ctx context.Context) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, Errorf(EFORBIDDEN, "Sign in first.")
	}
	return a, nil
}

// canManage checks that the actor may act on account id: their own, or any
// account for an admin or the help desk.
func canManage(a Actor, id string) error {
	if a.AccountID == id || a.Role == RoleAdmin || a.Role == RoleHelpdesk {
		return nil
	}
	return Errorf(EFORBIDDEN, "You can only manage your own security info.")
}

func requireAdmin(a Actor) error {
	if a.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "Only an administrator can do this.")
	}
	return nil
}

// audit chains and appends an event within tx.
func (s *Local) audit(tx Tx, a Actor, acct *Account, action string, kind MethodKind, detail, reason string) error {
	head, err := tx.AuditHead()
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e := &AuditEvent{Time: s.clock(), ActorID: a.AccountID, ActorName: a.Name, Action: action, Kind: kind,
		Detail: detail, Source: a.Source, Reason: reason}
	if acct != nil {
		e.AccountID, e.AccountName = acct.ID, acct.Name
	}
	s.keys.Chain(head, e)
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

// CreateAccount implements Service.
func (s *Local) CreateAccount(ctx context.Context, n NewAccount) (*Account, error) {
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
		count, err := tx.CountAccounts()
		if err != nil {
			return err
		}
		a, hasActor := ActorFrom(ctx)
		if count == 0 {
			acct.Role = RoleAdmin
			if !hasActor {
				a = Actor{AccountID: acct.ID, Name: acct.Name, Role: RoleAdmin, Source: "setup"}
			}
		} else if !hasActor {
			return Errorf(EFORBIDDEN, "Sign in as an administrator to create accounts.")
		} else if err := requireAdmin(a); err != nil {
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

// Accounts implements Service.
func (s *Local) Accounts(ctx context.Context) ([]*Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.Role != RoleAdmin && a.Role != RoleHelpdesk {
		return nil, Errorf(EFORBIDDEN, "Only an administrator or the help desk can list accounts.")
	}
	var out []*Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Accounts()
		return err
	})
	return out, err
}

// AccountByName implements Service.
func (s *Local) AccountByName(ctx context.Context, name string) (*Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil, err
	}
	var acct *Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		acct, err = tx.AccountByName(norm)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := canManage(a, acct.ID); err != nil {
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
		if err != nil && ErrorCode(err) != ENOTFOUND {
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

// access says how an account's transaction runs.
type access int

const (
	readOnly   access = iota // a View
	prove                    // an Update that changes no security info
	changeInfo               // an Update that does: refused while a removal is pending
)

// onAccount runs fn in a transaction on an account the actor may manage,
// after settling a removal whose time has come.
func (s *Local) onAccount(ctx context.Context, accountID string, how access, fn func(tx Tx, a Actor, acct *Account, p *Policy) error) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := canManage(a, accountID); err != nil {
		return err
	}
	if err := s.settle(ctx, accountID); err != nil {
		return err
	}
	if err := s.touchSession(ctx, a); err != nil {
		return err
	}
	run := s.store.Update
	if how == readOnly {
		run = s.store.View
	}
	return run(ctx, func(tx Tx) error {
		acct, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		if err := s.checkSession(tx, a, acct, p, how); err != nil {
			return err
		}
		if how == changeInfo && !acct.RemovalAt.IsZero() {
			return Errorf(ECONFLICT, "Removal of your security info is scheduled for %s. No other change can be made until then, unless you cancel the removal.",
				acct.RemovalAt.Format("2 January 2006"))
		}
		return fn(tx, a, acct, p)
	})
}

// change runs fn in a write that changes security info.
func (s *Local) change(ctx context.Context, accountID string, fn func(tx Tx, a Actor, acct *Account, p *Policy) error) error {
	return s.onAccount(ctx, accountID, changeInfo, fn)
}

// read runs fn in a View for an account the actor may manage.
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
	err := s.read(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		info = &SecurityInfo{Account: acct, Default: currentDefault(acct, methods), Requirements: CheckRequirements(methods, p),
			Methods: []MethodView{}}
		for _, m := range methods {
			info.Methods = append(info.Methods, m.View(info.Default))
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
	err := s.read(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		out = DefaultChoices(methods)
		return err
	})
	return out, err
}

// SetDefault implements Service.
func (s *Local) SetDefault(ctx context.Context, accountID, methodID string, channel Channel) (*DefaultChoice, error) {
	var out DefaultChoice
	var changed *Method
	var acctCopy Account
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
		changed, acctCopy = m, *acct
		return s.audit(tx, a, acct, ActionDefaultChanged, c.Kind, maskedChoice(m, c), "")
	})
	if err != nil {
		return nil, err
	}
	if changed != nil {
		s.notify(ctx, &acctCopy, notice{key: "notice.defaultChanged", subject: changed})
	}
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
	var acctCopy Account
	err := s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		m, err := ownMethod(tx, accountID, methodID)
		if err != nil {
			return err
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		acctCopy = *acct
		pv, err = PreviewDelete(methods, currentDefault(acct, methods), methodID, p, s.clock())
		if err != nil {
			return err
		}
		if pv.Scheduled {
			acct.RemovalAt, acct.RemovalMethodID = pv.EffectiveAt, m.ID
			if err := tx.UpdateAccount(acct); err != nil {
				return err
			}
			return s.audit(tx, a, acct, ActionRemovalScheduled, m.Kind, MaskedDetail(m), "effective "+pv.EffectiveAt.Format(time.RFC3339))
		}
		if err := tx.DeleteMethod(m.ID); err != nil {
			return err
		}
		if pv.WasDefault || pv.NewDefault == nil {
			acct.DefaultMethodID, acct.DefaultChannel = "", ChannelNone
			if pv.NewDefault != nil {
				acct.DefaultMethodID, acct.DefaultChannel = pv.NewDefault.MethodID, pv.NewDefault.Channel
			}
			if err := tx.UpdateAccount(acct); err != nil {
				return err
			}
		}
		if err := s.audit(tx, a, acct, ActionMethodDeleted, m.Kind, MaskedDetail(m), ""); err != nil {
			return err
		}
		if pv.WasDefault && pv.NewDefault != nil {
			nm, _ := tx.Method(pv.NewDefault.MethodID)
			return s.audit(tx, a, acct, ActionDefaultChanged, pv.NewDefault.Kind, maskedChoice(nm, *pv.NewDefault), "default deleted")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The deleted address or phone is told too: if someone else deleted
	// it, its owner still reads it.
	if pv.Scheduled {
		s.notify(ctx, &acctCopy, notice{key: "notice.removalScheduled", subject: pv.Method, when: pv.EffectiveAt})
	} else {
		s.notify(ctx, &acctCopy, notice{key: "notice.deleted", subject: pv.Method, also: pv.Method})
	}
	return pv, nil
}

// CancelRemoval implements Service.
func (s *Local) CancelRemoval(ctx context.Context, accountID string) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
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

// AuditLog implements Service.
func (s *Local) AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEvent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.Role != RoleAdmin && a.Role != RoleHelpdesk {
		return nil, Errorf(EFORBIDDEN, "Only an administrator or the help desk can read the audit log.")
	}
	var out []*AuditEvent
	err = s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.AuditEvents(f)
		return err
	})
	return out, err
}

// VerifyAudit implements Service.
func (s *Local) VerifyAudit(ctx context.Context) (int, *AuditBreak, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, nil, err
	}
	if err := requireAdmin(a); err != nil {
		return 0, nil, err
	}
	var events []*AuditEvent
	var head AuditHead
	err = s.store.View(ctx, func(tx Tx) (err error) {
		if head, err = tx.AuditHead(); err != nil {
			return err
		}
		events, err = tx.AuditEvents(AuditFilter{})
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return len(events), s.keys.VerifyAudit(events, head), nil
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
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireAdmin(a); err != nil {
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
