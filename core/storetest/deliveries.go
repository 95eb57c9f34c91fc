package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// testDeliveries: the outbox table hands out due rows, the longest due
// first, moves a claimed row a lease ahead and counts the attempt, and
// keeps a retry's time and reason.
func testDeliveries(t *testing.T, s core.Store) {
	for i, due := range []time.Duration{2 * time.Second, 0, time.Minute} {
		update(t, s, func(tx core.Tx) error {
			return tx.QueueDelivery(&core.Delivery{ID: fmt.Sprintf("d%d", i), CreatedAt: t0, NextAt: t0.Add(due),
				Payload: []byte{byte(i), 0, 0xff}})
		})
	}
	var got []*core.Delivery
	until := t0.Add(2 * time.Minute)
	update(t, s, func(tx core.Tx) (err error) {
		got, err = tx.ClaimDeliveries(t0.Add(5*time.Second), until, 10)
		return err
	})
	if len(got) != 2 || got[0].ID != "d1" || got[1].ID != "d0" {
		t.Fatalf("claimed %v, want d1 then d0 (d2 is not due)", ids(got))
	}
	if d := got[1]; d.Attempts != 1 || !d.NextAt.Equal(until) || !d.CreatedAt.Equal(t0) || !bytes.Equal(d.Payload, []byte{0, 0, 0xff}) {
		t.Fatalf("claimed %+v", d)
	}
	update(t, s, func(tx core.Tx) (err error) {
		got, err = tx.ClaimDeliveries(t0.Add(5*time.Second), until, 10)
		return err
	})
	if len(got) != 0 {
		t.Fatalf("claimed rows are claimed again before their lease ends: %v", ids(got))
	}
	update(t, s, func(tx core.Tx) error {
		if err := tx.RetryDelivery("d0", t0.Add(10*time.Second), "SMTP 451"); err != nil {
			return err
		}
		if err := tx.RetryDelivery("nope", t0, ""); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("retry of a missing delivery: %v, want ENOTFOUND", err)
		}
		return tx.DeleteDelivery("d1")
	})
	update(t, s, func(tx core.Tx) (err error) {
		got, err = tx.ClaimDeliveries(t0.Add(10*time.Second), until, 10)
		return err
	})
	if len(got) != 1 || got[0].ID != "d0" || got[0].Attempts != 2 || got[0].LastError != "SMTP 451" {
		t.Fatalf("after a retry: %+v", got)
	}
	view(t, s, func(tx core.Tx) error {
		if n, err := tx.CountDeliveries(); err != nil || n != 2 {
			return fmt.Errorf("CountDeliveries = %d, %v; want 2", n, err)
		}
		return nil
	})
}

func ids(ds []*core.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

// testRaceClaimDeliveries: 32 workers claiming at once get every due row
// exactly once between them.
func testRaceClaimDeliveries(t *testing.T, s core.Store) {
	const rows = 100
	update(t, s, func(tx core.Tx) error {
		for i := range rows {
			if err := tx.QueueDelivery(&core.Delivery{ID: fmt.Sprintf("d%03d", i), CreatedAt: t0, NextAt: t0, Payload: []byte("x")}); err != nil {
				return err
			}
		}
		return nil
	})
	claimed := race(t, s, func(tx core.Tx, i int) ([]string, error) {
		ds, err := tx.ClaimDeliveries(t0, t0.Add(time.Minute), 5)
		return ids(ds), err
	})
	var rest []*core.Delivery
	update(t, s, func(tx core.Tx) (err error) {
		rest, err = tx.ClaimDeliveries(t0, t0.Add(time.Minute), 2*rows)
		return err
	})
	seen := map[string]int{}
	for _, c := range append(claimed, ids(rest)) {
		for _, id := range c {
			seen[id]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s claimed %d times", id, n)
		}
	}
	if len(seen) != rows || len(rest) == rows {
		t.Fatalf("%d rows claimed, %d of them after the race; want all %d, most in the race", len(seen), len(rest), rows)
	}
}
