package core_test

import (
	"context"
	"encoding/base32"
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// Benchmarks against SQLite on disk (a file in a temp folder, WAL,
// synchronous=FULL). Run: go test ./core -run '^$' -bench . -benchmem

// BenchmarkConfirmCode measures confirming a phone's code: checking the
// keyed hash, using the code, adding the method, moving the default and
// appending the audit event, in one transaction. The send before it is not
// timed.
func BenchmarkConfirmCode(b *testing.B) {
	f := newFixture(b)
	f.svc.SetPolicy(f.ctx, []string{"sendsPerDestinationHour=20", "sendsPerDestinationDay=50", "sendsPerAccountDay=100"})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		acct, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: fmt.Sprintf("u%d@contoso.com", i), Password: "a long enough passphrase"})
		if err != nil {
			b.Fatal(err)
		}
		ch, err := f.svc.BeginPhone(f.as(acct), acct.ID, core.PhoneRequest{Kind: core.KindPhone, Number: fmt.Sprintf("+4420794%05d", i%100000)})
		if err != nil {
			b.Fatal(err)
		}
		code := f.lastCode(b)
		b.StartTimer()
		if _, err := f.svc.Confirm(f.as(acct), acct.ID, ch.VerificationID, code); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyTOTP measures proving an authenticator app: opening the
// sealed seed, matching T-1..T+1, and the conditional write of the step.
func BenchmarkVerifyTOTP(b *testing.B) {
	f := newFixture(b)
	e, _ := f.svc.BeginAuthenticator(f.own, f.alice.ID, "")
	secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	m, err := f.svc.Confirm(f.own, f.alice.ID, e.VerificationID, codeAt(b, secret, f.clock.Now()))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f.clock.Advance(30 * time.Second) // each code is a new time step
		code := codeAt(b, secret, f.clock.Now())
		b.StartTimer()
		if err := f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, code); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListTenMethods measures what the Security info page loads: an
// account with ten methods, its default and requirements.
func BenchmarkListTenMethods(b *testing.B) {
	f := newFixture(b)
	var ms []*core.Method
	for i := 0; i < 10; i++ {
		ms = append(ms, &core.Method{ID: fmt.Sprintf("m%d", i), Kind: core.KindSecurityKey, Name: fmt.Sprintf("Key %d", i), Channel: core.ChannelKey})
	}
	f.add(b, f.alice, ms...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		info, err := f.svc.SecurityInfo(f.own, f.alice.ID)
		if err != nil || len(info.Methods) != 10 {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendAudit measures appending one chained audit event (read
// the head, hash, insert, move the head) in its own durable transaction.
func BenchmarkAppendAudit(b *testing.B) {
	f := newFixture(b)
	keys := testKeys(b, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := f.store.Update(context.Background(), func(tx core.Tx) error {
			head, err := tx.AuditHead()
			if err != nil {
				return err
			}
			e := &core.AuditEvent{Time: f.clock.Now(), ActorName: "alice@contoso.com", AccountID: f.alice.ID,
				Action: core.ActionMethodAdded, Kind: core.KindPhone, Detail: "+XX XXXXXXXX58", Source: "bench"}
			keys.Chain(head, e)
			return tx.AppendAudit(e)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorVerifyTOTP is BenchmarkVerifyTOTP's floor: the bare
// conditional one-row write of a time step (UPDATE … WHERE last_step <
// step) in a transaction of its own, on the same store with the same
// settings. `make bench` prints VerifyTOTP's time as a ratio of it.
func BenchmarkFloorVerifyTOTP(b *testing.B) {
	f := newFixture(b)
	e, _ := f.svc.BeginAuthenticator(f.own, f.alice.ID, "")
	secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	m, err := f.svc.Confirm(f.own, f.alice.ID, e.VerificationID, codeAt(b, secret, f.clock.Now()))
	if err != nil {
		b.Fatal(err)
	}
	step := f.clock.Now().Unix()/30 + 10 // past the step Confirm used
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step++
		err := f.store.Update(f.ctx, func(tx core.Tx) error {
			ok, err := tx.AdvanceTOTPStep(m.ID, step, f.clock.Now())
			if err == nil && !ok {
				err = fmt.Errorf("step %d not advanced", step)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
