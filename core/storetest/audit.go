package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func testAudit(t *testing.T, s core.Store) {
	view(t, s, func(tx core.Tx) error {
		h, err := tx.AuditHead()
		if err != nil || h.Seq != 0 || h.Hash != nil {
			return fmt.Errorf("empty head = %+v, %v", h, err)
		}
		return nil
	})
	for i := 1; i <= 5; i++ {
		acct := "a1"
		if i%2 == 0 {
			acct = "b1"
		}
		update(t, s, func(tx core.Tx) error {
			h, err := tx.AuditHead()
			if err != nil {
				return err
			}
			e := &core.AuditEvent{Seq: h.Seq + 1, Time: t0.Add(time.Duration(i) * time.Second), AccountID: acct,
				Action: core.ActionMethodAdded, Kind: core.KindEmail, Detail: "al*****@gmail.com", Source: "test",
				PrevHash: h.Hash, Hash: []byte("hash-" + strconv.Itoa(i)), HeadMAC: []byte("mac-" + strconv.Itoa(i))}
			return tx.AppendAudit(e)
		})
	}
	view(t, s, func(tx core.Tx) error {
		h, err := tx.AuditHead()
		if err != nil || h.Seq != 5 || string(h.Hash) != "hash-5" || string(h.MAC) != "mac-5" {
			return fmt.Errorf("head = %+v, %v", h, err)
		}
		all, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(all) != 5 {
			return fmt.Errorf("all events = %d, %v", len(all), err)
		}
		for i, e := range all {
			if e.Seq != int64(i+1) || !e.Time.Equal(t0.Add(time.Duration(i+1)*time.Second)) || e.Detail != "al*****@gmail.com" {
				return fmt.Errorf("event %d read back as %+v", i, e)
			}
			if i > 0 && string(e.PrevHash) != "hash-"+strconv.Itoa(i) {
				return fmt.Errorf("event %d prev hash %q", i+1, e.PrevHash)
			}
		}
		a1, err := tx.AuditEvents(core.AuditFilter{AccountID: "a1"})
		if err != nil || len(a1) != 3 || a1[0].Seq != 1 || a1[2].Seq != 5 {
			return fmt.Errorf("a1 events = %v, %v", a1, err)
		}
		newest, err := tx.AuditEvents(core.AuditFilter{AccountID: "a1", Limit: 2})
		if err != nil || len(newest) != 2 || newest[0].Seq != 3 || newest[1].Seq != 5 {
			return fmt.Errorf("newest 2 of a1 = %v, %v; want 3, 5", newest, err)
		}
		return nil
	})
}

// testAuditHeadMAC: the head keeps the seal of the event that made it the
// head, an unsealed head reads back with no MAC, and a rolled-back append
// leaves the head and its seal as they were.
func testAuditHeadMAC(t *testing.T, s core.Store) {
	appendEvent := func(seq int64, mac []byte) func(tx core.Tx) error {
		return func(tx core.Tx) error {
			return tx.AppendAudit(&core.AuditEvent{Seq: seq, Time: t0, Action: core.ActionPolicyChanged,
				Hash: []byte("hash-" + strconv.FormatInt(seq, 10)), HeadMAC: mac})
		}
	}
	head := func(want core.AuditHead) {
		t.Helper()
		view(t, s, func(tx core.Tx) error {
			h, err := tx.AuditHead()
			if err != nil || h.Seq != want.Seq || string(h.Hash) != string(want.Hash) || string(h.MAC) != string(want.MAC) {
				return fmt.Errorf("head = %+v, %v; want %+v", h, err, want)
			}
			return nil
		})
	}
	mac1 := []byte{0x00, 0xff, 0x10, 0x80, 0x7f}
	update(t, s, appendEvent(1, mac1))
	head(core.AuditHead{Seq: 1, Hash: []byte("hash-1"), MAC: mac1})

	update(t, s, appendEvent(2, nil))
	head(core.AuditHead{Seq: 2, Hash: []byte("hash-2")})

	mac3 := []byte("a seal of thirty-two bytes......")
	update(t, s, appendEvent(3, mac3))
	head(core.AuditHead{Seq: 3, Hash: []byte("hash-3"), MAC: mac3})

	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx core.Tx) error {
		if err := appendEvent(4, []byte("mac-4"))(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	head(core.AuditHead{Seq: 3, Hash: []byte("hash-3"), MAC: mac3})
	view(t, s, func(tx core.Tx) error {
		es, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(es) != 3 {
			return fmt.Errorf("events = %d, %v; want 3", len(es), err)
		}
		return nil
	})
}

// testRaceAppendAudit: events appended at once (read the head, chain after
// it, append) make one unbroken chain: none is lost, none forks it.
func testRaceAppendAudit(t *testing.T, s core.Store) {
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		h, err := tx.AuditHead()
		if err != nil {
			return struct{}{}, err
		}
		hash := []byte(fmt.Sprintf("hash-%d-by-%d", h.Seq+1, i))
		return struct{}{}, tx.AppendAudit(&core.AuditEvent{Seq: h.Seq + 1, Time: t0, Action: core.ActionPolicyChanged,
			PrevHash: h.Hash, Hash: hash, HeadMAC: append([]byte("mac-"), hash...)})
	})
	view(t, s, func(tx core.Tx) error {
		es, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(es) != racers {
			return fmt.Errorf("events = %d, %v; want %d", len(es), err, racers)
		}
		var prev []byte
		for i, e := range es {
			if e.Seq != int64(i+1) || string(e.PrevHash) != string(prev) {
				return fmt.Errorf("event %d = seq %d after %q; want seq %d after %q", i, e.Seq, e.PrevHash, i+1, prev)
			}
			prev = e.Hash
		}
		h, err := tx.AuditHead()
		if err != nil || h.Seq != racers || string(h.Hash) != string(prev) || string(h.MAC) != "mac-"+string(prev) {
			return fmt.Errorf("head = %+v, %v; want the newest event", h, err)
		}
		return nil
	})
}

// testAuditQueue: queued audit events come back oldest first, as many as
// asked, and are gone once deleted.
func testAuditQueue(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, id := range []string{"q3", "q1", "q2"} {
			if err := tx.QueueAudit(core.QueuedAudit{ID: id, Sealed: []byte("sealed " + id)}); err != nil {
				return err
			}
		}
		return nil
	})
	var got []core.QueuedAudit
	update(t, s, func(tx core.Tx) (err error) { got, err = tx.QueuedAudit(2); return err })
	if len(got) != 2 || got[0].ID != "q3" || got[1].ID != "q1" || string(got[1].Sealed) != "sealed q1" {
		t.Fatalf("queued: %+v, want q3 then q1 (the order queued)", got)
	}
	update(t, s, func(tx core.Tx) error { return tx.DeleteQueuedAudit([]string{"q3", "q1"}) })
	update(t, s, func(tx core.Tx) (err error) { got, err = tx.QueuedAudit(10); return err })
	if len(got) != 1 || got[0].ID != "q2" {
		t.Fatalf("after deleting two: %+v", got)
	}
}
