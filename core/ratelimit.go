package core

import (
	"context"
	"net/netip"
	"time"
)

// Limits per client address (the central service's callers), on top of
// the limits per name and destination, over a rolling minute. They are
// kept in the store's send records (purpose "client-KIND", destination
// "client:ADDRESS"), so servers sharing a database share them. Sign-ins
// count only failures, so that many people signing in from one office
// address do not use up each other's; the rest count every attempt.
var clientLimits = map[string]int{"signin": 30, "reset": 20, "send": 20, "setup": 10, "proof": 20, "appauth": 10}

type clientKey struct{}

// WithClient returns a context naming the network address a call comes
// from; calls from a context without one (the desktop, the command line on
// a data folder) have no per-address limit.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientFrom returns the context's client address ("" without one).
func ClientFrom(ctx context.Context) string {
	addr, _ := ctx.Value(clientKey{}).(string)
	return addr
}

// clientBucket is what a client address is counted under: an IPv4
// address, or an IPv6 address's /64, the block one subscriber or one
// host usually has whole (counting single IPv6 addresses would give one
// machine 2^64 budgets).
func clientBucket(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	if a = a.Unmap(); a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// limitClient counts a call of kind from the context's client address and
// refuses it (ELIMITED, saying when to try again) past the limit.
func (s *Local) limitClient(ctx context.Context, kind string) error {
	_, err := s.claimClient(ctx, kind)
	return err
}

// claimClient is limitClient returning the record that counts the call
// (nil without a client address), so that refundClient can take it back:
// a call is counted before its work, so that calls in flight at once are
// all counted, and a sign-in with the right password is then refunded.
func (s *Local) claimClient(ctx context.Context, kind string) (*Send, error) {
	addr := ClientFrom(ctx)
	if addr == "" {
		return nil, nil
	}
	var claim *Send
	err := s.store.Update(ctx, func(tx Tx) error {
		now := s.clock()
		f := SendFilter{Destination: "client:" + clientBucket(addr), Purpose: "client-" + kind, Since: now.Add(-time.Minute)}
		times, err := tx.SendTimes(f)
		if err != nil {
			return err
		}
		if max := clientLimits[kind]; len(times) >= max {
			wait := times[len(times)-max].Add(time.Minute).Sub(now)
			return Reason(ELIMITED, "client.limited", map[string]any{"Wait": inWords(wait), "Seconds": int((wait + time.Second - 1) / time.Second)})
		}
		claim = &Send{Destination: f.Destination, Purpose: f.Purpose, At: now}
		return tx.RecordSend(*claim)
	})
	if err != nil {
		return nil, err
	}
	return claim, nil
}

// refundClient takes back a call counted by claimClient.
func (s *Local) refundClient(ctx context.Context, claim *Send) error {
	if claim == nil {
		return nil
	}
	return s.store.Update(ctx, func(tx Tx) error { return tx.DeleteSend(*claim) })
}
