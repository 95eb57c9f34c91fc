package core

import (
	"strings"
	"time"
)

// FailureCounter counts consecutive failed proofs of one subject (a
// destination, a method) of an account, and locks it after too many.
type FailureCounter struct {
	AccountID   string
	Subject     string
	Failures    int
	LockedUntil time.Time
}

// checkLock refuses a locked subject, saying until when.
func checkLock(tx Tx, accountID, subject string, now time.Time) (*FailureCounter, error) {
	c, err := tx.FailureCounter(accountID, subject)
	if err != nil {
		return nil, err
	}
	if now.Before(c.LockedUntil) {
		return c, Reason(ELOCKED, "method.locked", map[string]any{"Until": clockTime(c.LockedUntil, now)})
	}
	return c, nil
}

// fail records a failed proof of a subject and locks it at the policy's
// threshold; it reports whether this failure locked it.
func (s *Local) fail(tx Tx, c *FailureCounter, p *Policy, now time.Time) (bool, error) {
	locked := countMethodFailure(c, p, now)
	if locked {
		acct, err := tx.Account(c.AccountID)
		if err != nil {
			return false, err
		}
		detail := c.Subject
		if dest, ok := strings.CutPrefix(c.Subject, "dest:"); ok {
			detail = "dest:" + maskDest(channelOfDest(dest), dest)
		}
		if err := s.audit(tx, Actor{Name: "system", Source: "lockout"}, acct, ActionMethodLocked, "", detail,
			"until "+c.LockedUntil.Format(time.RFC3339)); err != nil {
			return false, err
		}
	}
	return locked, tx.SaveFailureCounter(c)
}

// countMethodFailure adds a failure to c, after a lock that has run out,
// and locks it at the policy's threshold; it reports whether it locked.
// A reset's decoy methods count through it too.
func countMethodFailure(c *FailureCounter, p *Policy, now time.Time) bool {
	if !c.LockedUntil.IsZero() && !now.Before(c.LockedUntil) {
		c.Failures, c.LockedUntil = 0, time.Time{} // the last lock has run out
	}
	c.Failures++
	if c.Failures < p.MethodLockoutThreshold {
		return false
	}
	c.Failures, c.LockedUntil = 0, now.Add(time.Duration(p.MethodLockoutMinutes)*time.Minute)
	return true
}

// succeed clears a subject's failures.
func succeed(tx Tx, c *FailureCounter) error {
	if c.Failures == 0 && c.LockedUntil.IsZero() {
		return nil
	}
	c.Failures, c.LockedUntil = 0, time.Time{}
	return tx.SaveFailureCounter(c)
}

func destSubject(dest string) string { return "dest:" + dest }
