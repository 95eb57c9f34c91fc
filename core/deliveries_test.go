package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// queued is how many deliveries wait in the fixture's store.
func (f *fixture) queued(t testing.TB) int {
	t.Helper()
	var n int
	if err := f.store.View(context.Background(), func(tx core.Tx) (err error) { n, err = tx.CountDeliveries(); return err }); err != nil {
		t.Fatal(err)
	}
	return n
}

// deliverDue runs one pass of svc's outbox worker and returns how many
// deliveries it tried.
func deliverDue(t testing.TB, svc *core.Local) int {
	t.Helper()
	n, err := svc.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQueuedDeliveryNeverHoldsARequest: with the outbox worker (as the
// central service runs), a code request answers while the provider hangs,
// the code is delivered by the worker, and proves the phone.
func TestQueuedDeliveryNeverHoldsARequest(t *testing.T) {
	f := newFixture(t)
	release := make(chan struct{})
	var calls sync.WaitGroup
	hanging := core.SenderFunc(func(ctx context.Context, m core.Message) error {
		defer calls.Done()
		<-release
		return f.outbox.Send(ctx, m)
	})
	f.svc = f.serviceWith(f.store, hanging, true)
	ch, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.sent(t)) != 0 || f.queued(t) != 1 {
		t.Fatalf("after the request: %d sent, %d queued; want 0 and 1", len(f.sent(t)), f.queued(t))
	}
	calls.Add(1)
	done := make(chan int)
	go func() { done <- deliverDue(t, f.svc) }()
	// While the provider hangs, other requests are served.
	if _, err := f.svc.SecurityInfo(f.own, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	close(release)
	if n := <-done; n != 1 {
		t.Fatalf("worker tried %d, want 1", n)
	}
	if f.queued(t) != 0 {
		t.Fatal("a delivered message stayed in the outbox table")
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
}

// TestQueuedDeliveryIsRetriedWithBackoff: a failing provider is tried
// again after 5 seconds, then 10, not before; the reason is kept without
// the code.
func TestQueuedDeliveryIsRetriedWithBackoff(t *testing.T) {
	f := newFixture(t)
	svc := f.serviceWith(f.store, core.SenderFunc(func(ctx context.Context, m core.Message) error {
		if f.fail != nil {
			return f.fail
		}
		return f.outbox.Send(ctx, m)
	}), true)
	f.svc = svc
	ch, err := svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", "")
	if err != nil {
		t.Fatal(err)
	}
	f.fail = errors.New("451 4.3.0 try again later")
	for i, wait := range []time.Duration{5 * time.Second, 10 * time.Second} {
		if n := deliverDue(t, svc); n != 1 {
			t.Fatalf("attempt %d: tried %d", i+1, n)
		}
		f.clock.Advance(wait - time.Second)
		if n := deliverDue(t, svc); n != 0 {
			t.Fatalf("after attempt %d, tried again %v early", i+1, time.Second)
		}
		f.clock.Advance(time.Second)
	}
	f.fail = nil
	if n := deliverDue(t, svc); n != 1 || f.queued(t) != 0 {
		t.Fatalf("third attempt: tried %d, %d left", n, f.queued(t))
	}
	code := f.lastCode(t)
	if !strings.Contains(f.log.String(), "delivery failed, will retry") || strings.Contains(f.log.String(), code) {
		t.Fatalf("log: %s", f.log.String())
	}
	if _, err := svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); err != nil {
		t.Fatal(err)
	}
}

// TestQueuedCodeIsGivenUpWhenItExpires: a code that could not be
// delivered within its lifetime is dropped, never delivered late, and its
// send no longer counts, so the person can ask for a new one at once.
func TestQueuedCodeIsGivenUpWhenItExpires(t *testing.T) {
	f := newFixture(t)
	f.fail = errors.New("connection refused")
	svc := f.serviceWith(f.store, core.SenderFunc(func(ctx context.Context, m core.Message) error {
		if f.fail != nil {
			return f.fail
		}
		return f.outbox.Send(ctx, m)
	}), true)
	if _, err := svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", ""); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		deliverDue(t, svc)
		f.clock.Advance(time.Minute)
	}
	if f.queued(t) != 0 || !strings.Contains(f.log.String(), "delivery given up") {
		t.Fatalf("%d still queued; log: %s", f.queued(t), f.log.String())
	}
	f.fail = nil
	deliverDue(t, svc)
	if len(f.sent(t)) != 0 {
		t.Fatal("an expired code was delivered")
	}
	f.store.View(context.Background(), func(tx core.Tx) error {
		if times, _ := tx.SendTimes(core.SendFilter{AccountID: f.alice.ID}); len(times) != 0 {
			t.Errorf("the undelivered code still counts: %v", times)
		}
		return nil
	})
	if _, err := svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", ""); err != nil {
		t.Fatalf("a new code after the given-up one: %v", err)
	}
}

// TestACrashLosesNoMessage: a process that dies after queuing a code (no
// worker ran) or while handing it to the provider (the request delivers
// at once, without Options.Queue) leaves it in the store; the next
// process's worker delivers it, the second after the first one's lease.
func TestACrashLosesNoMessage(t *testing.T) {
	f := newFixture(t)
	dead := f.serviceWith(f.store, core.SenderFunc(func(context.Context, core.Message) error {
		t.Error("a queued message was sent by the request")
		return nil
	}), true)
	ch, err := dead.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	next := f.service(f.store)
	if n := deliverDue(t, next); n != 1 {
		t.Fatalf("the next process tried %d, want 1", n)
	}
	if _, err := next.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}

	// Dies while the provider has the message: the request holds its
	// claim, so no worker sends it twice meanwhile.
	dying := make(chan struct{})
	gone := make(chan struct{})
	stuck := f.serviceWith(f.store, core.SenderFunc(func(ctx context.Context, m core.Message) error {
		close(dying)
		<-gone
		return errors.New("killed")
	}), false)
	f.clock.Advance(31 * time.Second)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		if _, err := stuck.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", ""); err == nil {
			t.Error("the killed delivery reported success")
		}
	}()
	<-dying
	sent := len(f.sent(t))
	if n := deliverDue(t, next); n != 0 {
		t.Fatalf("a message being delivered was claimed by another worker (%d)", n)
	}
	f.clock.Advance(2 * time.Minute)
	if n := deliverDue(t, next); n != 1 || len(f.sent(t)) != sent+1 || f.sent(t)[sent].To != "alain@gmail.com" {
		t.Fatalf("after the lease: tried %d, sent %+v", n, f.sent(t)[sent:])
	}
	close(gone)
	<-ended
}

// TestNoticesAreQueuedWithTheirChange: a notice is in the store when the
// change commits, sealed like the codes: no code or address in the clear.
func TestNoticesAreQueuedWithTheirChange(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(31 * time.Second)
	svc := f.serviceWith(f.store, core.SenderFunc(func(ctx context.Context, m core.Message) error { return f.outbox.Send(ctx, m) }), true)
	before := len(f.sent(t))
	if err := svc.ChangePassword(f.own, f.alice.ID, "a long enough passphrase", "another long enough passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", ""); err != nil {
		t.Fatal(err)
	}
	if f.queued(t) != 2 || len(f.sent(t)) != before {
		t.Fatalf("%d queued, %d sent; want the notice and the code queued, nothing sent", f.queued(t), len(f.sent(t))-before)
	}
	f.store.Update(context.Background(), func(tx core.Tx) error {
		ds, err := tx.ClaimDeliveries(f.clock.Now(), f.clock.Now(), 10)
		for _, d := range ds {
			for _, clear := range []string{"+442079460958", "alain@gmail.com", "password"} {
				if bytes.Contains(d.Payload, []byte(clear)) {
					t.Errorf("%q in the clear in a queued delivery", clear)
				}
			}
		}
		return err
	})
	if n := deliverDue(t, svc); n != 2 {
		t.Fatalf("tried %d", n)
	}
	sent := f.sent(t)[before:] // tried side by side: in either order
	if len(sent) != 2 || sent[0].Purpose == sent[1].Purpose {
		t.Fatalf("sent %+v", sent)
	}
}

// TestTwoWorkersDeliverEachMessageOnce: workers of two servers over one
// store, each running passes at once, deliver every queued message once.
func TestTwoWorkersDeliverEachMessageOnce(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	got := map[string]int{}
	sender := core.SenderFunc(func(ctx context.Context, m core.Message) error {
		mu.Lock()
		defer mu.Unlock()
		got[m.To]++
		return nil
	})
	a, b := f.serviceWith(f.store, sender, true), f.serviceWith(f.store, sender, true)
	const people = 40
	for i := range people {
		acct, err := a.CreateAccount(f.ctx, core.NewAccount{Name: fmt.Sprintf("person%02d@contoso.com", i), Password: "a long enough passphrase"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.BeginEmail(f.as(acct), acct.ID, fmt.Sprintf("person%02d@gmail.com", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, svc := range []*core.Local{a, b, a, b} {
		wg.Go(func() {
			for {
				n, err := svc.DeliverDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(got) != people {
		t.Fatalf("%d addresses reached, want %d", len(got), people)
	}
	for to, n := range got {
		if n != 1 {
			t.Errorf("%s got %d messages", to, n)
		}
	}
}
