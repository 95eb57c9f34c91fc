package core

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Recovery codes (issue 25) are a way back in without the help desk: a
// set of one-time look-up secrets (NIST SP 800-63B section 5.1.2), shown
// to their owner once, stored only as keyed hashes, each accepted once.
//
// Each code is 12 symbols from a 32-symbol alphabet without look-alikes,
// drawn uniformly from crypto/rand: 12 × 5 = 60 bits (RecoveryCodeBits),
// far above the 20 bits SP 800-63B 5.1.2.1 asks of a look-up secret. The
// online guesses that reach a code are bounded by the sign-in lockout
// (a wrong code counts like a wrong sign-in code) and the per-set method
// lock, so with 10 codes in a set an attacker's chance per guess is about
// 10/2^60. SP 800-63B 5.1.2.2 asks that look-up secrets below 112 bits be
// stored resistant to offline attack: each is kept as an HMAC-SHA-256
// under the store's 256-bit code key (derived from the master key in the
// OS keyring, not in the database) with the set's ID as salt, so a copy
// of the database alone does not give the codes back by brute force.
const (
	// RecoveryCodeCount is how many codes one set holds.
	RecoveryCodeCount = 10
	// RecoveryCodeAlphabet has no 0, O, 1 or I, which read alike.
	RecoveryCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	// recoveryCodeLength is the symbols of a code, shown in groups of 4.
	recoveryCodeLength = 12
	recoveryCodeGroup  = 4
	// RecoveryCodeBits is the entropy of one code: 12 symbols of 5 bits.
	RecoveryCodeBits = recoveryCodeLength * 5
	// RecoveryCodesLow is the count at or below which the page warns and
	// the owner is told to get new codes.
	RecoveryCodesLow = 2
)

// RecoveryCodes is a new set of codes, in the only answer that ever
// carries them: `{"codes": [...], "methodId": ...}`.
type RecoveryCodes struct {
	Codes    []string `json:"codes"`
	MethodID string   `json:"methodId"`
}

// NewRecoveryCodeSet draws RecoveryCodeCount different codes from r, each
// grouped for reading ("7QKD-M2XF-9PLA"). A byte's low 5 bits pick a
// symbol: 256 is a multiple of 32, so every symbol is equally likely.
func NewRecoveryCodeSet(r io.Reader) ([]string, error) {
	seen := map[string]bool{}
	out := make([]string, 0, RecoveryCodeCount)
	buf := make([]byte, recoveryCodeLength)
	for len(out) < RecoveryCodeCount {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("recovery code: %w", err)
		}
		var b strings.Builder
		for i, c := range buf {
			if i > 0 && i%recoveryCodeGroup == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(RecoveryCodeAlphabet[c&31])
		}
		if code := b.String(); !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out, nil
}

// NormalizeRecoveryCode turns a code as typed (any case, with or without
// hyphens or spaces) into its 12 symbols, and false when it cannot be a
// code at all.
func NormalizeRecoveryCode(typed string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r < 128 && strings.ContainsRune(RecoveryCodeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != recoveryCodeLength {
		return "", false
	}
	return b.String(), true
}

// recoveryCodeHash is what the store keeps of a code of the set methodID:
// its HMAC under the code key, the set's ID as salt.
func (k *Keys) recoveryCodeHash(methodID, normalized string) string {
	return hex.EncodeToString(k.CodeHash("recovery:"+methodID, normalized))
}

// codesDetail is a set's detail, kept in the method row so that the help
// desk's summary reads "7 of 10 left" without the codes.
func codesDetail(left, total int) string { return fmt.Sprintf("%d of %d left", left, total) }

// codesCount reads a set's "N of M left" back from its detail (0, 0 for
// a detail not written by codesDetail).
func codesCount(m *Method) (left, total int) {
	if _, err := fmt.Sscanf(m.Detail, "%d of %d left", &left, &total); err != nil {
		return 0, 0
	}
	return left, total
}

// AddRecoveryCodes implements Service: a first set of codes for the
// owner (ECONFLICT with a set already: use NewRecoveryCodes).
func (s *Local) AddRecoveryCodes(ctx context.Context, accountID string) (*RecoveryCodes, error) {
	return s.issueRecoveryCodes(ctx, accountID, false)
}

// NewRecoveryCodes implements Service: "Get new codes". The old set stops
// working in the same write that stores the new one; audited as a change,
// and the owner's contact methods are told.
func (s *Local) NewRecoveryCodes(ctx context.Context, accountID string) (*RecoveryCodes, error) {
	return s.issueRecoveryCodes(ctx, accountID, true)
}

// issueRecoveryCodes makes a set of codes, in place of the old one with
// replace. The set is one method; its codes are never stored in clear,
// logged or returned again.
func (s *Local) issueRecoveryCodes(ctx context.Context, accountID string, replace bool) (*RecoveryCodes, error) {
	codes, err := NewRecoveryCodeSet(s.rand)
	if err != nil {
		return nil, err
	}
	var out *RecoveryCodes
	var notices []queued
	err = s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		m := codesMethod(methods)
		switch {
		case replace && m == nil:
			return Reason(ENOTFOUND, "recovery.none", nil)
		case !replace:
			if err := CanAdd(methods, KindRecoveryCodes, p); err != nil {
				return err
			}
			id, err := s.newID()
			if err != nil {
				return err
			}
			m = &Method{ID: id, AccountID: accountID, Kind: KindRecoveryCodes, Channel: ChannelNone, Language: acct.Language, CreatedAt: s.clock()}
		case !p.Enabled(KindRecoveryCodes):
			ki, _ := KindRecoveryCodes.Info()
			return Errorf(EFORBIDDEN, "Your organization doesn't allow %s as a method. Choose another method or contact your administrator.", ki.Label)
		}
		hashes := make([]string, len(codes))
		for i, c := range codes {
			n, _ := NormalizeRecoveryCode(c)
			hashes[i] = s.keys.recoveryCodeHash(m.ID, n)
		}
		m.Detail = codesDetail(len(codes), len(codes))
		if replace {
			m.LastUsedAt = time.Time{}
			err = tx.UpdateMethod(m)
		} else {
			err = tx.CreateMethod(m)
		}
		if err != nil {
			return err
		}
		if err := tx.SaveRecoveryCodes(m.ID, hashes); err != nil {
			return err
		}
		out = &RecoveryCodes{Codes: codes, MethodID: m.ID}
		// No provedInSession: making codes proves nothing of who asks.
		if replace {
			if err := s.audit(tx, a, acct, ActionMethodChanged, m.Kind, "new codes", ""); err != nil {
				return err
			}
			notices, err = s.queueNotice(tx, acct, notice{key: "notice.recoveryCodesNew"})
			return err
		}
		if err := s.audit(tx, a, acct, ActionMethodAdded, m.Kind, m.Detail, ""); err != nil {
			return err
		}
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.recoveryCodesAdded"})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	return out, nil
}

// codesMethod is an account's recovery-code set, nil when it has none.
func codesMethod(methods []*Method) *Method {
	for _, m := range methods {
		if m.Kind == KindRecoveryCodes {
			return m
		}
	}
	return nil
}

// wrongRecoveryCode is the one answer to a code that is wrong, used, or
// of an account without codes.
func wrongRecoveryCode() error { return Reason(EWRONGCODE, "recovery.wrong", nil) }

// useRecoveryCode checks a typed code against the set methodID of
// accountID and, when it is one not used yet, uses it up in one
// conditional write (of many uses at once, one wins). Failures count
// toward the set's lock, like an app's; the caller counts them toward the
// sign-in lockout too. At RecoveryCodesLow or fewer left the owner is
// told. It returns EWRONGCODE, ELOCKED or EINVALID (not a code's shape).
func (s *Local) useRecoveryCode(ctx context.Context, accountID, methodID, typed string) error {
	code, ok := NormalizeRecoveryCode(typed)
	if !ok {
		return Reason(EINVALID, "recovery.format", nil)
	}
	var userErr error
	var notices []queued
	err := s.proveWrite(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		userErr = nil // a transaction run again starts over
		m, err := ownMethod(tx, accountID, methodID)
		if err != nil {
			return err
		}
		if m.Kind != KindRecoveryCodes || !p.Enabled(KindRecoveryCodes) {
			return Errorf(EINVALID, "This method is not a set of recovery codes.")
		}
		now := s.clock()
		c, lockErr := checkLock(tx, accountID, "method:"+m.ID, now)
		if lockErr != nil {
			if c == nil {
				return lockErr
			}
			userErr = lockErr
			return nil
		}
		used, err := tx.UseRecoveryCode(m.ID, s.keys.recoveryCodeHash(m.ID, code), now)
		if err != nil {
			return err
		}
		if !used {
			// A used code fails like a wrong one: nothing tells them apart.
			locked, err := s.fail(tx, c, p, now)
			if err != nil {
				return err
			}
			userErr = wrongRecoveryCode()
			if locked {
				userErr = Reason(ELOCKED, "recovery.locked", map[string]any{"Until": clockTime(c.LockedUntil, now)})
			}
			return nil
		}
		if err := succeed(tx, c); err != nil {
			return err
		}
		notices, err = s.afterCodeUsed(tx, acct, m, now)
		return err
	})
	if err != nil {
		return err
	}
	s.sendNotices(ctx, notices)
	return userErr
}

// afterCodeUsed keeps the set's "N of M left" and last use, and tells the
// owner when few are left, in the write that used the code.
func (s *Local) afterCodeUsed(tx Tx, acct *Account, m *Method, now time.Time) ([]queued, error) {
	left, total, err := tx.RecoveryCodesLeft(m.ID)
	if err != nil {
		return nil, err
	}
	m.Detail, m.LastUsedAt = codesDetail(left, total), now
	if err := tx.UpdateMethod(m); err != nil {
		return nil, err
	}
	if left > RecoveryCodesLow {
		return nil, nil
	}
	return s.queueNotice(tx, acct, notice{key: "notice.recoveryCodesLow", data: map[string]any{"Left": left}})
}

// recoveryCodeCounts fills the "N of M left" of the recovery-code views
// of methods, in tx.
func recoveryCodeCounts(tx Tx, views []MethodView) error {
	for i := range views {
		if views[i].Kind != KindRecoveryCodes {
			continue
		}
		left, total, err := tx.RecoveryCodesLeft(views[i].ID)
		if err != nil {
			return err
		}
		views[i].CodesLeft, views[i].CodesTotal, views[i].CodesLow = left, total, left <= RecoveryCodesLow
	}
	return nil
}
