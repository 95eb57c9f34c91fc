package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// queuedAudit is how many audit events wait to be chained.
func (f *fixture) queuedAudit(t testing.TB) int {
	t.Helper()
	var qs []core.QueuedAudit
	if err := f.store.Update(context.Background(), func(tx core.Tx) (err error) { qs, err = tx.QueuedAudit(1 << 20); return err }); err != nil {
		t.Fatal(err)
	}
	return len(qs)
}

// TestQueuedAuditIsChainedInBatches: with Options.Queue (the central
// service), 32 changes at once only queue their events; sequencers of two
// servers, running at the same time as the changes, chain every event
// once, and the chain verifies. Reading the log chains what is queued
// first, so nothing committed is missing from it.
func TestQueuedAuditIsChainedInBatches(t *testing.T) {
	f := newFixture(t)
	a := f.serviceWith(f.store, f.outbox, true)
	b := f.serviceWith(f.store, f.outbox, true)
	const racers = 32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var seqWG sync.WaitGroup
	for _, svc := range []*core.Local{a, b} {
		seqWG.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := svc.SequenceAudit(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range racers {
		wg.Go(func() {
			if _, err := a.CreateAccount(f.ctx, core.NewAccount{Name: fmt.Sprintf("person%02d@contoso.com", i), Password: "a long enough passphrase"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(stop)
	seqWG.Wait()
	rep, err := b.VerifyAudit(f.ctx)
	if err != nil || rep.Break != nil || rep.Events != racers+1 {
		t.Fatalf("verify = %+v (%v), %v; want %d events, no break", rep, rep.Break, err, racers+1)
	}
	if n := f.queuedAudit(t); n != 0 {
		t.Fatalf("%d events left in the queue", n)
	}

	// A change's event is in the log as soon as the log is read.
	if _, err := a.CreateAccount(f.ctx, core.NewAccount{Name: "late@contoso.com", Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	if f.queuedAudit(t) != 1 {
		t.Fatal("the change chained its event itself")
	}
	log, err := b.AuditLog(f.ctx, core.AuditFilter{})
	if err != nil || len(log) != racers+2 || log[len(log)-1].AccountName != "late@contoso.com" {
		t.Fatalf("log: %d events, %v", len(log), err)
	}
}

// TestEditedQueuedAuditEventIsRecorded: an event edited in the database
// while it waits to be chained fails its seal; the chain records the
// tampering in its place.
func TestEditedQueuedAuditEventIsRecorded(t *testing.T) {
	f := newFixture(t)
	svc := f.serviceWith(f.store, f.outbox, true)
	if _, err := svc.CreateAccount(f.ctx, core.NewAccount{Name: "mallory@contoso.com", Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	err := f.store.Update(context.Background(), func(tx core.Tx) error {
		qs, err := tx.QueuedAudit(10)
		if err != nil || len(qs) != 1 {
			return fmt.Errorf("queued %d, %v", len(qs), err)
		}
		q := qs[0]
		q.Sealed[len(q.Sealed)/2] ^= 1
		if err := tx.DeleteQueuedAudit([]string{q.ID}); err != nil {
			return err
		}
		return tx.QueueAudit(q)
	})
	if err != nil {
		t.Fatal(err)
	}
	log, err := svc.AuditLog(f.ctx, core.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Action != core.ActionAuditTampered || strings.Contains(last.AccountName, "mallory") {
		t.Fatalf("last event: %+v", last)
	}
	if !strings.Contains(f.log.String(), "a queued event fails its seal") {
		t.Fatalf("log: %s", f.log.String())
	}
}
