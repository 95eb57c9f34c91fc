package core

import (
	"context"
	"time"
)

// Limits per client address (the central service's callers), on top of
// the limits per name and destination, over a rolling minute. They are
// kept in the store's send records (purpose "client-KIND", destination
// "client:ADDRESS"), so servers sharing a database share them.
var clientLimits = map[string]int{"signin": 30, "reset": 20, "send": 20, "setup": 10}

type clientKey struct{}

// WithClient returns a context naming the network address a call comes
// from; calls from a context without one (the desktop, the command line on
// a data folder) have no per-address limit.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// limitClient counts a call of kind from the context's client address and
// refuses it (ELIMITED, saying when to try again) past the limit.
func (s *Local) limitClient(ctx context.Context, kind string) error {
	addr, _ := ctx.Value(clientKey{}).(string)
	if addr == "" {
		return nil
	}
	return s.store.Update(ctx, func(tx Tx) error {
		now := s.clock()
		f := SendFilter{Destination: "client:" + addr, Purpose: "client-" + kind, Since: now.Add(-time.Minute)}
		times, err := tx.SendTimes(f)
		if err != nil {
			return err
		}
		if max := clientLimits[kind]; len(times) >= max {
			wait := times[len(times)-max].Add(time.Minute).Sub(now)
			return Reason(ELIMITED, "client.limited", map[string]any{"Wait": inWords(wait), "Seconds": int((wait + time.Second - 1) / time.Second)})
		}
		return tx.RecordSend(Send{Destination: f.Destination, Purpose: f.Purpose, At: now})
	})
}
