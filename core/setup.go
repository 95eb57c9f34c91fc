package core

import (
	"context"
	"crypto/subtle"
)

// First-account setup over the network. Whoever first reaches a freshly
// started central service would otherwise become its administrator: a
// caller with a network address (WithClient) may create the first account
// only when the server vouches that the call comes from its own machine
// (WithThisMachine: a loopback peer that is no proxy), or by presenting the
// one-time setup token the service was given (AllowSetup), which
// securityinfod writes 0600 into its state folder at a start with no
// account. The desktop and the command line on a data folder have no
// client address and need neither.

type setupTokenKey struct{}

type thisMachineKey struct{}

// WithThisMachine returns a context saying the call comes from the
// service's own machine, not through a proxy: the server decides it from
// the connection alone, never from a header.
func WithThisMachine(ctx context.Context) context.Context {
	return context.WithValue(ctx, thisMachineKey{}, true)
}

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
	if ClientFrom(ctx) == "" {
		return nil
	}
	if local, _ := ctx.Value(thisMachineKey{}).(bool); local {
		return nil
	}
	given := SetupTokenFrom(ctx)
	if s.setupToken != "" && subtle.ConstantTimeCompare([]byte(given), []byte(s.setupToken)) == 1 {
		return nil
	}
	return Reason(EFORBIDDEN, "setup.remote", nil)
}
