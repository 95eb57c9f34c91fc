package core_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func testKeys(t testing.TB, fill byte) *core.Keys {
	t.Helper()
	k, err := core.NewKeys(bytes.Repeat([]byte{fill}, core.KeySize), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealRoundTripAndTamper(t *testing.T) {
	k := testKeys(t, 1)
	secret := []byte("JBSWY3DPEHPK3PXP seed bytes")
	sealed, err := k.Seal(secret, "method-1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := k.Open(sealed, "method-1")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := k.Seal(secret, "method-1")
	if bytes.Equal(again, sealed) {
		t.Fatal("two seals of one secret are equal: nonce reused")
	}
	tests := []struct {
		name    string
		sealed  []byte
		context string
		keys    *core.Keys
	}{
		{"flipped bit", flip(sealed, len(sealed)-1), "method-1", k},
		{"flipped nonce", flip(sealed, 0), "method-1", k},
		{"other row", sealed, "method-2", k},
		{"other key", sealed, "method-1", testKeys(t, 2)},
		{"truncated", sealed[:10], "method-1", k},
		{"empty", nil, "method-1", k},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.keys.Open(tt.sealed, tt.context); !errors.Is(err, core.ErrTampered) {
				t.Fatalf("Open = %v, want ErrTampered", err)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}

func TestCodeHash(t *testing.T) {
	k := testKeys(t, 1)
	h := k.CodeHash("v1", "123456")
	if !k.CodeMatches(h, "v1", "123456") {
		t.Fatal("right code does not match")
	}
	for _, c := range []struct{ id, code string }{{"v1", "123457"}, {"v2", "123456"}, {"v1", ""}} {
		if k.CodeMatches(h, c.id, c.code) {
			t.Fatalf("%+v matches", c)
		}
	}
	if testKeys(t, 2).CodeMatches(h, "v1", "123456") {
		t.Fatal("hash matches under another key")
	}
}

func TestHashSecret(t *testing.T) {
	h, err := core.HashSecret("Fluffy the cat", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; h[:len(want)] != want {
		t.Fatalf("hash %q does not carry the DESIGN parameters", h)
	}
	if !core.VerifySecret(h, "Fluffy the cat") {
		t.Fatal("right secret does not verify")
	}
	for _, bad := range []string{"fluffy the cat", "", "Fluffy the cat "} {
		if core.VerifySecret(h, bad) {
			t.Fatalf("%q verifies", bad)
		}
	}
	for _, broken := range []string{"", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", h[:len(h)-4] + "!!!!"} {
		if core.VerifySecret(broken, "Fluffy the cat") {
			t.Fatalf("malformed hash %q verifies", broken)
		}
	}
	// A row edited to ask for more memory than the bound (64 MiB) is
	// refused before any hashing: no stored hash can push the service's
	// memory past ArgonSlots x 64 MiB. The bound itself still hashes.
	parts := strings.Split(h, "$")
	before := core.Hashing().Total
	for _, m := range []string{"65537", "1048576"} {
		big := strings.Join([]string{"", parts[1], parts[2], "m=" + m + ",t=2,p=1", parts[4], parts[5]}, "$")
		if core.VerifySecret(big, "Fluffy the cat") {
			t.Fatalf("a hash asking for m=%s KiB verifies", m)
		}
	}
	if n := core.Hashing().Total - before; n != 0 {
		t.Fatalf("%d argon2id ran for hashes over the memory bound", n)
	}
	atBound := strings.Join([]string{"", parts[1], parts[2], "m=65536,t=2,p=1", parts[4], parts[5]}, "$")
	if core.VerifySecret(atBound, "Fluffy the cat") || core.Hashing().Total-before != 1 {
		t.Fatal("a hash at the bound was not checked (and, with other parameters, must not match)")
	}
}

// chain makes n chained events.
func chain(k *core.Keys, n int) ([]*core.AuditEvent, core.AuditHead) {
	var head core.AuditHead
	var events []*core.AuditEvent
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		e := &core.AuditEvent{Time: t0.Add(time.Duration(i) * time.Minute), ActorName: "alice@contoso.com",
			AccountName: "alice@contoso.com", Action: core.ActionMethodAdded, Kind: core.KindPhone, Detail: "+XX XXXXXXXX58", Source: "cli"}
		head = k.Chain(head, e)
		events = append(events, e)
	}
	return events, head
}

func TestVerifyAudit(t *testing.T) {
	k := testKeys(t, 1)
	tests := []struct {
		name    string
		tamper  func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead)
		wantSeq int64 // 0: intact
	}{
		{"intact", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) { return es, h }, 0},
		{"edited detail", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			es[2].Detail = "+XX XXXXXXXX00"
			return es, h
		}, 3},
		{"edited time", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			es[1].Time = es[1].Time.Add(time.Second)
			return es, h
		}, 2},
		{"row deleted", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return append(es[:1:1], es[2:]...), h
		}, 2},
		{"rows swapped", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			es[1], es[2] = es[2], es[1]
			return es, h
		}, 2},
		{"swapped contents renumbered", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			es[1], es[2] = es[2], es[1]
			es[1].Seq, es[2].Seq = 2, 3
			return es, h
		}, 2},
		{"newest rows cut", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return es[:3], h
		}, 4},
		{"rehashed without the key", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			forger := testKeys(t, 9)
			es[0].Detail = "forged"
			var fh core.AuditHead
			for _, e := range es {
				fh = forger.Chain(fh, e)
			}
			return es, fh
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, h := chain(k, 5)
			es, h = tt.tamper(es, h)
			brk := k.VerifyAudit(es, h)
			if tt.wantSeq == 0 {
				if brk != nil {
					t.Fatalf("intact chain reported broken: %v", brk)
				}
				return
			}
			if brk == nil || brk.Seq != tt.wantSeq {
				t.Fatalf("VerifyAudit = %v, want break at %d", brk, tt.wantSeq)
			}
		})
	}
}
