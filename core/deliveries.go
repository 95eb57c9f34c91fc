package core

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Delivery is a message waiting in the store's outbox table. Every code
// and notice is stored there in the transaction that makes it, before
// anyone tries to deliver it, so a crash loses no message: what was not
// delivered is delivered by the next worker that runs.
type Delivery struct {
	ID        string
	CreatedAt time.Time
	// NextAt is when the delivery may be tried (again). Claiming it moves
	// NextAt a lease ahead, so that a claimer that died is taken over.
	NextAt   time.Time
	Attempts int
	// Payload is the sealed deliveryPayload: messages carry codes, which
	// are never stored in the clear.
	Payload   []byte
	LastError string // why the last attempt failed, redacted
}

// deliveryPayload is what a Delivery's Payload seals.
type deliveryPayload struct {
	Message Message
	// Send is the send record of a code, deleted when the code is given
	// up, so an undelivered code does not count against the limits.
	Send *Send `json:",omitempty"`
	// Until is when a code expires: a code not delivered by then is
	// dropped, never delivered late. Zero for notices.
	Until time.Time `json:",omitzero"`
}

// How deliveries are tried.
const (
	// deliveryLease is how long a claimed delivery is left to its claimer
	// before another worker may take it over; it is longer than
	// deliveryTimeout.
	deliveryLease = 2 * time.Minute
	// deliveryTimeout bounds one attempt to hand a message to a provider.
	deliveryTimeout = 30 * time.Second
	// deliveryAttempts is how often a message is tried before it is
	// given up.
	deliveryAttempts = 8
	// deliveryBatch is how many due deliveries a worker claims at once
	// and tries side by side, so one slow provider holds up no other.
	deliveryBatch = 16
	// deliveryPoll is how often a worker looks for deliveries that other
	// servers queued or that are due to be tried again.
	deliveryPoll = time.Second
)

// retryAfter is the wait before attempt n+1, after n failed attempts: 5
// seconds doubling to at most 10 minutes.
func retryAfter(n int) time.Duration {
	return min(5*time.Second<<max(n-1, 0), 10*time.Minute)
}

// queueDelivery stores m in tx for delivery. When claimed is set the
// caller delivers it itself at once and the row is already claimed for
// it; the row only matters if that caller dies first.
func (s *Local) queueDelivery(tx Tx, now time.Time, p deliveryPayload, claimed bool) (*Delivery, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	sealed, err := s.keys.Seal(plain, "delivery:"+id)
	if err != nil {
		return nil, err
	}
	d := &Delivery{ID: id, CreatedAt: now, NextAt: now, Payload: sealed}
	if claimed {
		d.NextAt, d.Attempts = now.Add(deliveryLease), 1
	}
	return d, tx.QueueDelivery(d)
}

// kick wakes the worker of this process after a delivery was queued.
func (s *Local) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// open unseals a delivery's payload.
func (s *Local) open(d *Delivery) (deliveryPayload, error) {
	var p deliveryPayload
	plain, err := s.keys.Open(d.Payload, "delivery:"+d.ID)
	if err != nil {
		return p, fmt.Errorf("open delivery %s: %w", d.ID, err)
	}
	return p, json.Unmarshal(plain, &p)
}

// delivered removes a delivery once its message was handed over. When the
// store cannot be reached, the row stays and its lease runs out: the
// message may then be sent twice, never lost.
func (s *Local) delivered(ctx context.Context, d *Delivery) {
	err := s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error { return tx.DeleteDelivery(d.ID) })
	if err != nil {
		s.log.Error("delivered message not removed from the outbox", "delivery", d.ID, "err", Redact(err.Error()))
	}
}

// failed records a failed attempt: the delivery is tried again later, or
// given up (with its code's send record) after deliveryAttempts or once
// its code expired.
func (s *Local) failed(ctx context.Context, d *Delivery, p deliveryPayload, cause error) {
	now := s.clock()
	next := now.Add(retryAfter(d.Attempts))
	giveUp := d.Attempts >= deliveryAttempts || (!p.Until.IsZero() && !next.Before(p.Until))
	err := s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		if !giveUp {
			return tx.RetryDelivery(d.ID, next, Redact(cause.Error()))
		}
		if p.Send != nil {
			if err := tx.DeleteSend(*p.Send); err != nil {
				return err
			}
		}
		return tx.DeleteDelivery(d.ID)
	})
	to := maskDest(p.Message.Channel, p.Message.To)
	switch {
	case err != nil:
		s.log.Error("failed delivery not recorded", "delivery", d.ID, "err", Redact(err.Error()))
	case giveUp:
		s.log.Error("delivery given up", "delivery", d.ID, "channel", p.Message.Channel, "to", to,
			"purpose", p.Message.Purpose, "attempts", d.Attempts, "err", Redact(cause.Error()))
	default:
		s.log.Warn("delivery failed, will retry", "delivery", d.ID, "channel", p.Message.Channel, "to", to,
			"attempts", d.Attempts, "retry_at", next, "err", Redact(cause.Error()))
	}
}

// attempt tries a claimed delivery once.
func (s *Local) attempt(ctx context.Context, d *Delivery) {
	p, err := s.open(d)
	if err != nil {
		// Sealed with another key or edited: tried again, then given up.
		s.log.Error("undeliverable outbox row", "delivery", d.ID, "err", err)
		s.failed(ctx, d, p, err)
		return
	}
	if !p.Until.IsZero() && !s.clock().Before(p.Until) {
		s.failed(ctx, d, p, fmt.Errorf("the code expired before it could be delivered"))
		return
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deliveryTimeout)
	defer cancel()
	release := s.holdLease(ctx, d)
	err = s.sender.Send(sendCtx, p.Message)
	release()
	if err != nil {
		s.failed(ctx, d, p, err)
		return
	}
	s.delivered(ctx, d)
}

// leaseRenewal is how often a delivery being sent has its lease renewed;
// leaseRenewed is told of each renewal (tests wait on it).
var (
	leaseRenewal = deliveryLease / 4
	leaseRenewed = func(id string) {}
)

// holdLease renews d's lease while its message is handed to a provider,
// so that a provider call blocking past the lease (one that ignores its
// context) is not taken over by another worker and sent twice. If this
// process dies, the lease runs out and another worker takes it over. The
// returned release stops the renewals and waits for them.
func (s *Local) holdLease(ctx context.Context, d *Delivery) (release func()) {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(leaseRenewal)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			err := s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
				return tx.RetryDelivery(d.ID, s.clock().Add(deliveryLease), d.LastError)
			})
			if err != nil {
				s.log.Warn("delivery lease not renewed", "delivery", d.ID, "err", Redact(err.Error()))
				continue
			}
			leaseRenewed(d.ID)
		}
	}()
	return func() {
		close(stop)
		<-done
	}
}

// DeliverDue claims the deliveries that are due and tries each once, side
// by side; it returns how many it tried. RunWorker calls it; a tool or
// a test may call it to deliver what is waiting.
func (s *Local) DeliverDue(ctx context.Context) (int, error) {
	now := s.clock()
	var due []*Delivery
	err := s.store.Update(ctx, func(tx Tx) (err error) {
		due, err = tx.ClaimDeliveries(now, now.Add(deliveryLease), deliveryBatch)
		return err
	})
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, d := range due {
		wg.Go(func() { s.attempt(ctx, d) })
	}
	wg.Wait()
	return len(due), nil
}

// RunWorker is the background worker, until ctx ends: it delivers the
// outbox's messages, woken when this process queues one and every
// deliveryPoll for those other servers queued or that are due again, and
// chains the queued audit events (SequenceAudit). Several workers, in one
// process or on several servers, may run over one store.
func (s *Local) RunWorker(ctx context.Context) {
	tick := time.NewTicker(deliveryPoll)
	defer tick.Stop()
	for {
		for ctx.Err() == nil {
			n, err := s.DeliverDue(ctx)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("outbox not read", "err", Redact(err.Error()))
				}
				break
			}
			if n < deliveryBatch {
				break
			}
		}
		if _, err := s.SequenceAudit(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("audit queue not chained", "err", Redact(err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}
