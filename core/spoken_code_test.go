package core_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// TestSpokenCodeNeverStoredOrLogged: a provider that quotes a voice
// message back in its error (the code spelt "4, 5, 7, ...") leaves the
// code neither in the outbox row nor in the log (found by review).
func TestSpokenCodeNeverStoredOrLogged(t *testing.T) {
	f := newFixture(t)
	var text string
	svc := f.serviceWith(f.store, core.SenderFunc(func(ctx context.Context, m core.Message) error {
		text = m.Text
		return errors.New("400 invalid Say text: " + m.Text)
	}), true)
	if _, err := svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958", Channel: core.ChannelVoice}); err != nil {
		t.Fatal(err)
	}
	deliverDue(t, svc)
	code := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, text[strings.Index(text, "is ")+3:strings.Index(text, ". Again")])
	if len(code) != 6 {
		t.Fatalf("code %q from %q", code, text)
	}
	f.clock.Advance(10 * time.Second)
	var lastErr string
	f.store.Update(context.Background(), func(tx core.Tx) error {
		ds, err := tx.ClaimDeliveries(f.clock.Now(), f.clock.Now(), 10)
		if len(ds) == 1 {
			lastErr = ds[0].LastError
		}
		return err
	})
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	if strings.Contains(digits(lastErr), code) {
		t.Errorf("live code %s in the clear in the outbox row: last_error = %q", code, lastErr)
	}
	if strings.Contains(digits(f.log.String()), code) {
		t.Errorf("live code %s in the clear in the log", code)
	}
}
