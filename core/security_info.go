package core

import (
	"context"
	"fmt"
	"strings"
	"time"
)

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
		if err := recoveryCodeCounts(tx, info.Methods); err != nil {
			return err
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
	if err != nil {
		return nil, err
	}
	// Outside the transaction: the directory is another server.
	info.OrganizationPassword = s.dir != nil
	if info.Directory = s.directoryPhones(ctx, info.Account); info.Directory != nil && info.Account.ID != accountIDOf(ctx) {
		info.Directory.Mobile, info.Directory.OfficePhone = maskDirectoryPhone(info.Directory.Mobile), maskDirectoryPhone(info.Directory.OfficePhone)
	}
	return info, nil
}

// accountIDOf is the acting account's ID ("" without an actor).
func accountIDOf(ctx context.Context) string {
	a, _ := ActorFrom(ctx)
	return a.AccountID
}

// maskDirectoryPhone masks a directory number for anyone but its owner,
// as the help desk reads numbers: its last two digits.
func maskDirectoryPhone(n string) string {
	if n == "" {
		return ""
	}
	digits := []rune{}
	for _, r := range n {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) < 2 {
		return "••"
	}
	return "•••• " + string(digits[len(digits)-2:])
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
