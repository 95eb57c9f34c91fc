package core

import (
	"context"
	"fmt"
)

// Confirm implements Service: it checks the code typed for a method being
// added (sent to a phone or address, or shown by the new app) and, when it
// is right, adds the method in the same write that uses the code. A wrong
// code says how many tries are left.
func (s *Local) Confirm(ctx context.Context, accountID, verificationID, code string) (*MethodView, error) {
	var userErr error
	var notices []queued
	var view MethodView
	err := s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		userErr = nil // a transaction run again starts over
		v, err := ownVerification(tx, accountID, verificationID)
		if err != nil {
			return err
		}
		if v.Purpose != VerifyAdd || v.Kind == KindSecurityKey {
			return notFound() // a key is added by ConfirmSecurityKey, with its attestation
		}
		now := s.clock()
		var step int64
		if v.Channel == ChannelApp {
			step, userErr, err = s.checkEnrolment(tx, v, code, p, now)
		} else {
			userErr, err = s.checkCode(tx, v, code, p, now)
		}
		if err != nil || userErr != nil {
			return err // a wrong code is committed (tries, failures), then reported
		}
		if ok, err := tx.UseVerification(v.ID, now); err != nil {
			return err
		} else if !ok {
			userErr = Reason(ECONFLICT, "code.used", nil)
			return nil
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		if err := duplicateOf(methods, v); err != nil {
			return err
		}
		if v.MethodID != "" {
			var m *Method
			m, notices, err = s.changeIn(tx, a, acct, p, v)
			if err == nil {
				methods, _ := tx.Methods(accountID)
				view = m.View(currentDefault(acct, methods))
			}
			return err
		}
		if err := CanAdd(methods, v.Kind, p); err != nil {
			return err
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		m := &Method{ID: id, AccountID: accountID, Kind: v.Kind, Detail: v.Detail, Extension: v.Extension, Channel: v.Channel,
			Name: v.Name, Language: v.Language, CreatedAt: now, LastStep: step}
		if v.Channel == ChannelApp {
			secret, err := s.keys.Open(v.Secret, "verification:"+v.ID)
			if err != nil {
				return fmt.Errorf("open enrolment secret: %w", err)
			}
			if m.Secret, err = s.keys.Seal(secret, "method:"+m.ID); err != nil {
				return err
			}
		}
		if err := tx.CreateMethod(m); err != nil {
			return err
		}
		if err := s.afterAdd(tx, a, acct, methods, m); err != nil {
			return err
		}
		view = m.View(currentDefault(acct, append(methods, m)))
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.added", subject: m, skip: m.ID})
		return err
	})
	if err != nil {
		return nil, err
	}
	if userErr != nil {
		return nil, userErr
	}
	s.sendNotices(ctx, notices)
	return &view, nil
}

// changeIn puts the number or address v proved in the place of the
// method v names, in one write: the method keeps its ID, name, place as
// the default and age. Audited as a change; the old destination is told
// too.
func (s *Local) changeIn(tx Tx, a Actor, acct *Account, p *Policy, v *Verification) (*Method, []queued, error) {
	m, err := ownMethod(tx, acct.ID, v.MethodID)
	if storeFailed(err) {
		return nil, nil, err
	} else if err != nil {
		return nil, nil, Reason(ECONFLICT, "change.gone", nil)
	}
	if m.Kind != v.Kind {
		return nil, nil, Reason(ECONFLICT, "change.gone", nil)
	}
	old := *m
	m.Detail, m.Extension, m.Language = v.Detail, v.Extension, v.Language
	if m.Kind.IsPhone() {
		m.Channel = v.Channel
	}
	if err := tx.UpdateMethod(m); err != nil {
		return nil, nil, err
	}
	if acct.DefaultMethodID == m.ID && m.Kind != KindPhone && acct.DefaultChannel != m.Channel {
		acct.DefaultChannel = m.Channel
		if err := tx.UpdateAccount(acct); err != nil {
			return nil, nil, err
		}
	}
	if err := s.provedInSession(tx, a, m); err != nil {
		return nil, nil, err
	}
	if err := s.audit(tx, a, acct, ActionMethodChanged, m.Kind, MaskedDetail(&old)+" to "+MaskedDetail(m), ""); err != nil {
		return nil, nil, err
	}
	// Everyone is told, the old number or address too: if this was not
	// the owner, the old one is where they will hear of it.
	old.ID = "old:" + old.ID
	notices, err := s.queueNotice(tx, acct, notice{key: "notice.changed", subject: m, also: &old})
	return m, notices, err
}

// afterAdd makes a new method the default when there is none yet and
// audits the addition, inside the write that added it.
func (s *Local) afterAdd(tx Tx, a Actor, acct *Account, before []*Method, m *Method) error {
	cur := currentDefault(acct, before)
	if c, ok := DefaultAfterAdd(cur, m); ok && cur == nil {
		acct.DefaultMethodID, acct.DefaultChannel = c.MethodID, c.Channel
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
	}
	if err := s.provedInSession(tx, a, m); err != nil {
		return err
	}
	return s.audit(tx, a, acct, ActionMethodAdded, m.Kind, MaskedDetail(m), "")
}

// proveWrite runs fn in a write that proves a method and changes no
// security info, so it is allowed while a removal is pending.
func (s *Local) proveWrite(ctx context.Context, accountID string, fn func(tx Tx, acct *Account, p *Policy) error) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, _ Actor, acct *Account, p *Policy) error { return fn(tx, acct, p) })
}

// ProveMethod implements Service: it sends a code to an existing phone or
// email method (through channel, "" for its own) so it can prove itself,
// at sign-in or password reset. The destination is shown masked.
func (s *Local) ProveMethod(ctx context.Context, accountID, methodID string, channel Channel) (*Challenge, error) {
	return s.proveMethod(ctx, accountID, methodID, channel, FlowOwner)
}

// proveMethod is ProveMethod for a flow: the code sent is accepted only
// by that flow (the owner's page, one sign-in, one reset).
func (s *Local) proveMethod(ctx context.Context, accountID, methodID string, channel Channel, flow string) (*Challenge, error) {
	var v *Verification
	if err := s.onAccount(ctx, accountID, ownerOnly, func(tx Tx, _ Actor, _ *Account, _ *Policy) error {
		m, err := ownMethod(tx, accountID, methodID)
		if err != nil {
			return err
		}
		if !m.Kind.IsPhone() && m.Kind != KindEmail {
			return Errorf(EINVALID, "Only a phone or an email address is sent a code.")
		}
		if channel == ChannelNone {
			channel = m.Channel
		}
		if channel != m.Channel && !(m.Kind == KindPhone && (channel == ChannelSMS || channel == ChannelVoice)) {
			return Errorf(EINVALID, "This method can't be reached by %s.", channel)
		}
		v = &Verification{AccountID: accountID, Purpose: VerifyProve, Kind: m.Kind, MethodID: m.ID, Detail: m.Detail,
			Extension: m.Extension, Channel: channel, Language: m.Language, Flow: flow}
		return nil
	}); err != nil {
		return nil, err
	}
	ch, err := s.sendCodeProve(ctx, v)
	if err != nil {
		return nil, err
	}
	ch.Destination = maskDest(v.Channel, v.Detail)
	return ch, nil
}

// sendCodeProve is sendCode without the pending-removal rule.
func (s *Local) sendCodeProve(ctx context.Context, v *Verification) (*Challenge, error) {
	return s.sendCodeWith(ctx, v, false, nil, true)
}

// VerifyCode implements Service: it checks a code sent by ProveMethod and,
// when right, uses it and marks the method used.
func (s *Local) VerifyCode(ctx context.Context, accountID, verificationID, code string) error {
	return s.verifyCode(ctx, accountID, verificationID, code, FlowOwner)
}

// verifyCode is VerifyCode for a flow: a code made for another flow is
// not found.
func (s *Local) verifyCode(ctx context.Context, accountID, verificationID, code, flow string) error {
	var userErr error
	err := s.proveWrite(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		userErr = nil // a transaction run again starts over
		v, err := ownVerification(tx, accountID, verificationID)
		if err != nil {
			return err
		}
		if v.Purpose != VerifyProve || v.Channel == ChannelNone || v.Channel == ChannelKey || v.Flow != flow {
			return notFound()
		}
		now := s.clock()
		if userErr, err = s.checkCode(tx, v, code, p, now); err != nil || userErr != nil {
			return err
		}
		if ok, err := tx.UseVerification(v.ID, now); err != nil {
			return err
		} else if !ok {
			userErr = Reason(ECONFLICT, "code.used", nil)
			return nil
		}
		m, err := ownMethod(tx, accountID, v.MethodID)
		if err != nil {
			return err
		}
		m.LastUsedAt = now
		return tx.UpdateMethod(m)
	})
	if err != nil {
		return err
	}
	return userErr
}
