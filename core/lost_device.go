package core

import (
	"context"
	"fmt"
)

// LostDevice is what ReplaceLostMethod did: which method was removed, the
// default after it, how many sessions signed in with it ended, and which
// kind of method to add in its place (the wizard the window opens next).
type LostDevice struct {
	Removed       MethodKind     `json:"removed"`
	Detail        string         `json:"detail"` // masked, as in the audit log
	NewDefault    *DefaultChoice `json:"newDefault"`
	SessionsEnded int            `json:"sessionsEnded"`
	Replace       MethodKind     `json:"replace"`
	// Requirements are the policy's requirements without the lost method,
	// until its replacement is added.
	Requirements Requirements `json:"requirements"`
}

// CanBeLost reports whether a method of kind k is a device one can lose
// and report lost: a mobile phone or an authenticator app. (A desk phone
// stays on the desk; a security key has its own cloning check.)
func (k MethodKind) CanBeLost() bool {
	return k == KindPhone || k == KindAlternatePhone || k == KindAuthenticatorApp
}

// SignedInWithoutADevice reports whether a session whose second step was
// of kind k is one a person with a lost phone or app uses to get back in
// (a Temporary Access Pass or a recovery code), so the window offers the
// lost-device path right away.
func SignedInWithoutADevice(k MethodKind) bool {
	return k == KindTemporaryAccessPass || k == KindRecoveryCodes
}

// ReplaceLostMethod implements Service.
func (s *Local) ReplaceLostMethod(ctx context.Context, accountID, methodID string) (*LostDevice, error) {
	var out *LostDevice
	var notices []queued
	err := s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		m, err := ownMethod(tx, accountID, methodID)
		if err != nil {
			return err
		}
		if !m.Kind.CanBeLost() {
			return Reason(EINVALID, "lost.notADevice", nil)
		}
		if err := provedAnotherWay(tx, a, m); err != nil {
			return err
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		pv, err := PreviewDelete(methods, currentDefault(acct, methods), methodID, p, s.clock())
		if err != nil {
			return err
		}
		out = &LostDevice{Removed: m.Kind, Detail: MaskedDetail(m), NewDefault: pv.NewDefault, Replace: m.Kind, Requirements: pv.Requirements}
		if out.SessionsEnded, err = s.removeLost(tx, a, acct, m, pv); err != nil {
			return err
		}
		// The lost phone is not told: it may be in someone else's hand.
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.lost", subject: m})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	return out, nil
}

// provedAnotherWay refuses the lost-device path to a session whose
// second step was the lost method itself, or is not known (a session
// older than the record of it): removal at once is for a person who has
// just proven who they are without the lost device.
func provedAnotherWay(tx Tx, a Actor, m *Method) error {
	if a.SessionID == "" {
		return nil // the owner acting without a session: the local command line
	}
	sess, err := tx.Session(sessionKey(a.SessionID))
	if err != nil {
		return err
	}
	if sess.SignInKind == "" || sess.SignInMethodID == m.ID {
		return Reason(EFORBIDDEN, "lost.signInAnotherWay", nil)
	}
	return nil
}

// removeLost deletes the lost method at once, moves the default as the
// delete rules say, ends the sessions signed in with it, and audits the
// replacement. It returns how many sessions ended.
func (s *Local) removeLost(tx Tx, a Actor, acct *Account, m *Method, pv *DeletePreview) (int, error) {
	if err := tx.DeleteMethod(m.ID); err != nil {
		return 0, err
	}
	// A help desk's proof of who is asking may have been a code to the
	// lost device: the agent verifies the caller again.
	if err := tx.EndIdentityProofs(acct.ID); err != nil {
		return 0, err
	}
	if pv.WasDefault || pv.NewDefault == nil {
		acct.DefaultMethodID, acct.DefaultChannel = "", ChannelNone
		if pv.NewDefault != nil {
			acct.DefaultMethodID, acct.DefaultChannel = pv.NewDefault.MethodID, pv.NewDefault.Channel
		}
		if err := tx.UpdateAccount(acct); err != nil {
			return 0, err
		}
	}
	sessions, err := tx.Sessions(acct.ID)
	if err != nil {
		return 0, err
	}
	now, ended := s.clock(), 0
	for _, x := range sessions {
		if x.SignInMethodID != m.ID {
			continue
		}
		x.EndedAt = now
		if err := tx.UpdateSession(x); err != nil {
			return 0, err
		}
		ended++
	}
	why := fmt.Sprintf("lost; removed at once to be replaced; %d %s signed in with it ended", ended, plural(ended, "session", "sessions"))
	if err := s.audit(tx, a, acct, ActionMethodLost, m.Kind, MaskedDetail(m), why); err != nil {
		return 0, err
	}
	if pv.WasDefault && pv.NewDefault != nil {
		nm, _ := tx.Method(pv.NewDefault.MethodID)
		if err := s.audit(tx, a, acct, ActionDefaultChanged, pv.NewDefault.Kind, maskedChoice(nm, *pv.NewDefault), "default lost"); err != nil {
			return 0, err
		}
	}
	return ended, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
