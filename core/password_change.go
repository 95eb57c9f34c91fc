package core

import (
	"context"
	"slices"
	"time"
)

// ChangePassword implements Service: the account's owner changes their
// password, giving the current one. The new one follows the DESIGN rules:
// 8 characters with a second sign-in method, 15 without.
func (s *Local) ChangePassword(ctx context.Context, accountID, current, next string) error {
	a, _, err := s.caller(ctx)
	if err != nil {
		return err
	}
	if a.AccountID != accountID {
		return Errorf(EFORBIDDEN, "Only the account's owner can change its password.")
	}
	var acct *Account
	var methods []*Method
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		if acct, err = tx.Account(accountID); err != nil {
			return err
		}
		methods, err = tx.Methods(accountID)
		return err
	}); err != nil {
		return err
	}
	if err := s.checkCurrentPassword(ctx, acct, current); err != nil {
		return err
	}
	if current == next {
		return Errorf(EINVALID, "Choose a password different from the current one.")
	}
	hash, err := s.newPassword(ctx, acct, methods, current, next)
	if err != nil {
		return err
	}
	var notices []queued
	err = s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != acct.PasswordHash {
			return Errorf(ECONFLICT, "The password was changed meanwhile. Start again.")
		}
		now := s.clock()
		cur.PasswordHash, cur.PasswordChangedAt, cur.PasswordMustChange = hash, now, false
		if err := tx.UpdateAccount(cur); err != nil {
			return err
		}
		if err := s.endOtherAccess(tx, a, cur, sessionKey(a.SessionID), "", now); err != nil {
			return err
		}
		if err := s.audit(tx, a, cur, ActionPasswordChanged, "", "", ""); err != nil {
			return err
		}
		notices, err = s.queueNotice(tx, cur, notice{key: "notice.passwordChanged"})
		return err
	})
	if err != nil {
		return err
	}
	s.sendNotices(ctx, notices)
	return nil
}

// newPassword checks and writes a new password chosen by its owner: the
// directory's, written there as the person (its policy decides; hash is
// ""), or the store's, checked by the DESIGN rules and hashed.
func (s *Local) newPassword(ctx context.Context, acct *Account, methods []*Method, current, next string) (hash string, err error) {
	if s.dir != nil {
		return "", s.directoryPassword(ctx, acct, current, next, false)
	}
	second := slices.ContainsFunc(methods, func(m *Method) bool {
		ki, _ := m.Kind.Info()
		return ki.SignIn && m.Kind != KindTemporaryAccessPass
	})
	if err := ValidatePassword(next, acct.Name, second); err != nil {
		return "", err
	}
	return HashSecret(next, s.rand)
}

// endOtherAccess ends, in the transaction that changes or resets a
// password, signs the account out everywhere or requires re-registration,
// every session of the account but keepSession (a stored key), every
// pending sign-in, every reset but keepReset, and its Temporary Access
// Pass (audited as a's): whoever knew the old password, or holds a pass,
// is out at once.
func (s *Local) endOtherAccess(tx Tx, a Actor, acct *Account, keepSession, keepReset string, now time.Time) error {
	if err := tx.EndSessions(acct.ID, keepSession, now); err != nil {
		return err
	}
	if err := tx.EndVerifications(acct.ID, VerifySignIn, now); err != nil {
		return err
	}
	if err := tx.EndResets(acct.ID, keepReset, now); err != nil {
		return err
	}
	return s.endAccessPass(tx, a, acct, "ended with the account's other access", "")
}

// endAccessPass deletes the account's Temporary Access Pass, if it has
// one, and audits it with detail and reason.
func (s *Local) endAccessPass(tx Tx, a Actor, acct *Account, detail, reason string) error {
	if _, err := tx.AccessPass(acct.ID); ErrorCode(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := tx.DeleteAccessPass(acct.ID); err != nil {
		return err
	}
	return s.audit(tx, a, acct, ActionPassDeleted, KindTemporaryAccessPass, detail, reason)
}

// checkCurrentPassword checks the current password given to change it.
// A wrong one counts toward the sign-in lockout as a failed sign-in does,
// so a session left open is no way to guess the password; the guess that
// locks the name also ends every session of the account.
func (s *Local) checkCurrentPassword(ctx context.Context, acct *Account, current string) error {
	mu := &s.nameLocks[nameStripe(acct.Name)]
	mu.Lock()
	defer mu.Unlock()
	lock, err := s.claimSignIn(ctx, acct.Name)
	if err != nil {
		return err
	}
	// Hashing is slow on purpose: do it outside the write.
	var right bool
	if s.dir != nil {
		var derr error
		if _, right, derr = s.directoryBind(ctx, acct.Name, current); derr != nil {
			// Nothing was checked: the attempt is taken back.
			if err := s.settleSignIn(ctx, acct.Name, acct, lock, true); err != nil {
				return err
			}
			return derr
		}
	} else {
		right = VerifySecret(acct.PasswordHash, current)
	}
	err = s.settleSignIn(ctx, acct.Name, acct, lock, right)
	switch {
	case right:
		return err
	case ErrorCode(err) == ELOCKED:
		system := Actor{Name: "system", Source: "lockout"}
		if endErr := s.store.Update(ctx, func(tx Tx) error { return s.endOtherAccess(tx, system, acct, "", "", s.clock()) }); endErr != nil {
			return endErr
		}
		return err
	case err == badSignIn:
		return Errorf(EWRONGCODE, "Your current password is not right.")
	}
	return err
}
