package core

import (
	"context"
	"time"
)

// Reconfirmation limits of the seeds: a person may skip reviewing their
// security info 24 hours at a time, for 7 days from the first notice.
const (
	ReconfirmSkip   = 24 * time.Hour
	ReconfirmWindow = 7 * 24 * time.Hour
)

// AfterSignIn says what the window asks right after sign-in.
type AfterSignIn struct {
	// Register is true when the policy requires registration and the
	// account lacks a sign-in method or enough reset methods: "Keep your
	// account secure".
	Register     bool         `json:"register"`
	Requirements Requirements `json:"requirements"`
	SnoozesLeft  int          `json:"snoozesLeft"`
	// Reconfirm is true when the security info is due for review: "Verify
	// your security info". CanSkip says whether it may be put off now,
	// until MustBy at the latest.
	Reconfirm bool      `json:"reconfirm"`
	CanSkip   bool      `json:"canSkip"`
	MustBy    time.Time `json:"mustBy"`
}

// CheckAfterSignIn implements Service. The first time a review falls due it
// records the notice, from which the 7 days of skipping count.
func (s *Local) CheckAfterSignIn(ctx context.Context, accountID string) (*AfterSignIn, error) {
	var out *AfterSignIn
	err := s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		now := s.clock()
		r := CheckRequirements(methods, p)
		out = &AfterSignIn{Requirements: r, SnoozesLeft: max(p.RegistrationSnoozes-acct.RegistrationSnoozes, 0)}
		out.Register = p.RequireRegistration && (!r.SignInMet || !r.ResetMet)
		if out.Register || p.ReconfirmationDays == 0 || len(securityInfo(methods)) == 0 {
			return nil
		}
		base := acct.ConfirmedAt
		for _, m := range methods {
			if m.CreatedAt.After(base) {
				base = m.CreatedAt // adding a method is a review of one's info too
			}
		}
		if now.Before(base.Add(time.Duration(p.ReconfirmationDays) * 24 * time.Hour)) {
			return nil
		}
		if acct.ReconfirmNoticedAt.IsZero() || acct.ReconfirmNoticedAt.Before(base) {
			acct.ReconfirmNoticedAt, acct.ReconfirmSkippedUntil = now, time.Time{}
			if err := tx.UpdateAccount(acct); err != nil {
				return err
			}
		}
		if now.Before(acct.ReconfirmSkippedUntil) {
			return nil
		}
		out.Reconfirm = true
		out.MustBy = acct.ReconfirmNoticedAt.Add(ReconfirmWindow)
		out.CanSkip = now.Before(out.MustBy)
		return nil
	})
	return out, err
}

// SnoozeRegistration implements Service: "Keep your account secure" may
// be put off the policy's number of times.
func (s *Local) SnoozeRegistration(ctx context.Context, accountID string) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		if acct.RegistrationSnoozes >= p.RegistrationSnoozes {
			return Errorf(ECONFLICT, "Your organization needs this information now; it can't be skipped any more.")
		}
		acct.RegistrationSnoozes++
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionRegistrationSnoozed, "", "", "")
	})
}

// SkipReconfirm implements Service: the review is put off for 24 hours,
// for at most 7 days from the first notice.
func (s *Local) SkipReconfirm(ctx context.Context, accountID string) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		now := s.clock()
		if acct.ReconfirmNoticedAt.IsZero() {
			return Errorf(ECONFLICT, "Nothing is waiting for your review.")
		}
		if !now.Before(acct.ReconfirmNoticedAt.Add(ReconfirmWindow)) {
			return Errorf(ECONFLICT, "You've skipped this for 7 days. Confirm your security info, or update it, to go on.")
		}
		// A skip never reaches past the 7 days: then the review is a must.
		acct.ReconfirmSkippedUntil = now.Add(ReconfirmSkip)
		if last := acct.ReconfirmNoticedAt.Add(ReconfirmWindow); last.Before(acct.ReconfirmSkippedUntil) {
			acct.ReconfirmSkippedUntil = last
		}
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionReconfirmSkipped, "", "", "until "+acct.ReconfirmSkippedUntil.Format(time.RFC3339))
	})
}

// ConfirmSecurityInfo implements Service: "Looks good".
func (s *Local) ConfirmSecurityInfo(ctx context.Context, accountID string) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		acct.ConfirmedAt = s.clock()
		acct.ReconfirmNoticedAt, acct.ReconfirmSkippedUntil = time.Time{}, time.Time{}
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionInfoConfirmed, "", "", "")
	})
}
