package core

import (
	"context"
	"crypto/subtle"
	"net/netip"
)

// First-account setup over the network. Whoever first reaches a freshly
// started central service would otherwise become its administrator: a
// caller with a network address (WithClient) may create the first account
// only from a loopback address, or by presenting the one-time setup token
// the service was given (AllowSetup), which securityinfod writes 0600 into
// its state folder at a start with no account. The desktop and the
// command line on a data folder have no client address and need neither.

type setupTokenKey struct{}

// WithSetupToken returns a context presenting a setup token.
func WithSetupToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, setupTokenKey{}, token)
}

// SetupTokenFrom returns the context's setup token ("" without one).
func SetupTokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(setupTokenKey{}).(string)
	return t
}

// AllowSetup sets the token that lets a caller from another machine create
// the first account ("" allows setup from loopback only). Call it before
// serving.
func (s *Local) AllowSetup(token string) { s.setupToken = token }

// setupAllowed refuses a first account from a network caller that is not
// on loopback and does not present the setup token.
func (s *Local) setupAllowed(ctx context.Context) error {
	addr := ClientFrom(ctx)
	if addr == "" {
		return nil
	}
	if a, err := netip.ParseAddr(addr); err == nil && a.Unmap().IsLoopback() {
		return nil
	}
	given := SetupTokenFrom(ctx)
	if s.setupToken != "" && subtle.ConstantTimeCompare([]byte(given), []byte(s.setupToken)) == 1 {
		return nil
	}
	return Reason(EFORBIDDEN, "setup.remote", nil)
}
