package outbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
)

func TestOutboxAppendAndRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), outbox.FileName)
	if got, err := outbox.Read(path); err != nil || len(got) != 0 {
		t.Fatalf("empty outbox = %v, %v", got, err)
	}
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	o := outbox.New(path, func() time.Time { return at })
	const n = 40
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := o.Send(context.Background(), core.Message{Channel: core.ChannelSMS, To: "+442079460958", Language: "de",
				Text: fmt.Sprintf("message %d\nwith a second line", i), Purpose: core.PurposeCode})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := outbox.Read(path)
	if err != nil || len(got) != n {
		t.Fatalf("read %d entries, %v; want %d", len(got), err, n)
	}
	e := got[0]
	if !e.Time.Equal(at) || e.Channel != core.ChannelSMS || e.To != "+442079460958" || e.Language != "de" || e.Purpose != core.PurposeCode {
		t.Fatalf("entry = %+v", e)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("outbox mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestOutboxUnwritable(t *testing.T) {
	o := outbox.New(filepath.Join(t.TempDir(), "missing", "outbox.jsonl"), nil)
	err := o.Send(context.Background(), core.Message{Channel: core.ChannelEmail, To: "a@b.co", Text: "x"})
	if core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Fatalf("err = %v", err)
	}
}
