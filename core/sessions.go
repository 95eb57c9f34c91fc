package core

import (
	"context"
	"time"
)

// SessionView is a signed-in session as the Devices page lists it. Its ID
// is the store's key of the session (the SHA-256 of the token): it names
// the session without being able to act as it.
type SessionView struct {
	ID         string    `json:"id"`
	Device     string    `json:"device"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	TwoStep    bool      `json:"twoStep"`
	Current    bool      `json:"current"` // the session of this call
}

type deviceKey struct{}

// WithDevice returns a context naming the device a sign-in comes from
// ("Security info desktop on linux", a User-Agent), kept with its session.
func WithDevice(ctx context.Context, device string) context.Context {
	return context.WithValue(ctx, deviceKey{}, device)
}

// DeviceFrom returns the device named in ctx ("" when none).
func DeviceFrom(ctx context.Context) string {
	d, _ := ctx.Value(deviceKey{}).(string)
	return d
}

// deviceFrom is the device of ctx, cut to a readable length.
func deviceFrom(ctx context.Context) string {
	d := DeviceFrom(ctx)
	d, _ = NormalizeText("device", d)
	if r := []rune(d); len(r) > 120 {
		d = string(r[:120])
	}
	return d
}

// Sessions implements Service: the account's signed-in sessions, the most
// recently used first (its owner, or staff on accounts below them).
func (s *Local) Sessions(ctx context.Context, accountID string) ([]SessionView, error) {
	a, _ := ActorFrom(ctx)
	current := sessionKey(a.SessionID)
	var out []SessionView
	err := s.read(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		sessions, err := tx.Sessions(accountID)
		if err != nil {
			return err
		}
		out = []SessionView{}
		now := s.clock()
		for _, x := range sessions {
			idle := !now.Before(x.LastSeenAt.Add(time.Duration(p.SessionIdleMinutes) * time.Minute))
			old := !now.Before(x.CreatedAt.Add(time.Duration(p.SessionMaxHours) * time.Hour))
			if idle || old {
				continue // expired: it can no longer act
			}
			out = append(out, SessionView{ID: x.ID, Device: x.Device, CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt,
				TwoStep: x.TwoStep, Current: x.ID == current})
		}
		return nil
	})
	return out, err
}

// EndSession implements Service: the owner signs out one of their
// sessions (ENOTFOUND for one that is not theirs or has ended).
func (s *Local) EndSession(ctx context.Context, accountID, sessionID string) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		sess, err := tx.Session(sessionID)
		if storeFailed(err) {
			return err
		}
		if err != nil || sess.AccountID != accountID || !sess.EndedAt.IsZero() {
			return Errorf(ENOTFOUND, "That session has already ended.")
		}
		sess.EndedAt = s.clock()
		if err := tx.UpdateSession(sess); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionSessionsEnded, "", sess.Device, "")
	})
}

// SignOutEverywhere implements Service: the owner ends every session of
// the account, this one too, and every pending sign-in.
func (s *Local) SignOutEverywhere(ctx context.Context, accountID string) error {
	return s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		now := s.clock()
		if err := tx.EndSessions(accountID, "", now); err != nil {
			return err
		}
		if err := tx.EndVerifications(accountID, VerifySignIn, now); err != nil {
			return err
		}
		if err := s.endAccessPass(tx, a, acct, "ended with every session", ""); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionSessionsEnded, "", "everywhere", "")
	})
}
