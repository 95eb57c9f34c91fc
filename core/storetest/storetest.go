// Package storetest is the conformance suite every core.Store must pass:
// the SQLite and PostgreSQL stores. Its cases are grouped by the part of
// core.Tx they try (accounts.go, methods.go, codes.go, ...).
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// Open returns a new, empty store for one test; the suite closes it.
type Open func(t *testing.T) core.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s core.Store)
	}{
		// AccountTx (accounts.go)
		{"Accounts", testAccounts},
		{"RaceSignInCounter", testRaceSignInCounter},
		// MethodTx (methods.go)
		{"Methods", testMethods},
		{"RaceAdvanceTOTPStep", testRaceAdvanceTOTPStep},
		{"RecoveryCodes", testRecoveryCodes},
		{"RaceUseRecoveryCode", testRaceUseRecoveryCode},
		// CodeTx (codes.go)
		{"SendsByPurpose", testSendsByPurpose},
		{"RaceUseVerification", testRaceUseVerification},
		{"RaceVerificationTries", testRaceVerificationTries},
		{"RaceFailureCounter", testRaceFailureCounter},
		{"RaceRecordSend", testRaceRecordSend},
		// SessionTx (sessions.go)
		{"SessionsAndSignInCounters", testSessions},
		{"EndingAnAccountsAccess", testEndAccess},
		{"ResetsAndQuestionDraws", testResetsAndDraws},
		{"RaceResetProven", testRaceResetProven},
		{"RaceUpdateSession", testRaceUpdateSession},
		// DeliveryTx (deliveries.go)
		{"Deliveries", testDeliveries},
		{"RaceClaimDeliveries", testRaceClaimDeliveries},
		// AuditTx (audit.go)
		{"Audit", testAudit},
		{"AuditHeadMAC", testAuditHeadMAC},
		{"RaceAppendAudit", testRaceAppendAudit},
		{"AuditQueue", testAuditQueue},
		// HelpdeskTx (helpdesk.go)
		{"HelpdeskProofsAndPasses", testHelpdeskRows},
		{"RaceUseAccessPass", testRaceUseAccessPass},
		{"Approvals", testApprovals},
		{"RaceApprove", testRaceApprove},
		{"AccountDetails", testAccountDetails},
		// ApplicationTx (applications.go)
		{"Applications", testApplications},
		{"RaceCreateApplication", testRaceCreateApplication},
		// ReportTx and sessions' second step (reports.go)
		{"Reports", testReports},
		{"RaceCreateReport", testRaceCreateReport},
		{"SessionSignIn", testSessionSignIn},
		// PolicyTx (policy.go)
		{"Policy", testPolicy},
		{"Settings", testSettings},
		// Transactions themselves (this file)
		{"Rollback", testRollback},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ViewIsReadOnly", testViewReadOnly},
		{"ExactTimes", testExactTimes},
		{"Preload", testPreload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s)
		})
	}
}

// t0 is to the microsecond, the precision of PostgreSQL's timestamptz: the
// stores keep times to the microsecond at least. (testExactTimes checks the
// two times the core needs to the nanosecond.)
var t0 = time.Date(2026, 11, 22, 9, 30, 0, 123456000, time.UTC)

func update(t *testing.T, s core.Store, fn func(tx core.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, s core.Store, fn func(tx core.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func account(id, name string) *core.Account {
	return &core.Account{ID: id, Name: name, DisplayName: "Name " + id, Role: core.RoleUser, Language: "de",
		CreatedAt: t0, PasswordHash: "$argon2id$x", PasswordChangedAt: t0}
}

func testRollback(t *testing.T, s core.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		if err := tx.SetSetting("k", "v"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the callback's error", err)
	}
	view(t, s, func(tx core.Tx) error {
		if n, _ := tx.CountAccounts(); n != 0 {
			return fmt.Errorf("rolled back account is there")
		}
		if v, _ := tx.Setting("k"); v != "" {
			return fmt.Errorf("rolled back setting is there")
		}
		return nil
	})
}

// testConcurrentUpdates checks that Update is serialisable: read-modify-write
// of one value from many goroutines loses no increment.
func testConcurrentUpdates(t *testing.T, s core.Store) {
	const n = 24
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- s.Update(context.Background(), func(tx core.Tx) error {
				v, err := tx.Setting("counter")
				if err != nil {
					return err
				}
				c, _ := strconv.Atoi(v)
				return tx.SetSetting("counter", strconv.Itoa(c+1))
			})
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	view(t, s, func(tx core.Tx) error {
		if v, _ := tx.Setting("counter"); v != strconv.Itoa(n) {
			return fmt.Errorf("counter = %s after %d increments", v, n)
		}
		return nil
	})
}

// testViewReadOnly: View refuses writes.
func testViewReadOnly(t *testing.T, s core.Store) {
	if err := s.View(context.Background(), func(tx core.Tx) error { return tx.SetSetting("x", "1") }); err == nil {
		t.Fatal("a write inside View succeeded")
	}
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Setting("x"); err != nil || v != "" {
			return fmt.Errorf("setting written in View = %q, %v", v, err)
		}
		return nil
	})
}

// testExactTimes: the times the core needs to the nanosecond read back
// exactly: an audit event's, which its hash covers, and a sign-in lock's,
// which the core compares with the lock an attempt set.
func testExactTimes(t *testing.T, s core.Store) {
	at := time.Date(2026, 11, 22, 9, 30, 0, 123456789, time.UTC)
	update(t, s, func(tx core.Tx) error {
		if err := tx.AppendAudit(&core.AuditEvent{Seq: 1, Time: at, Action: core.ActionPolicyChanged, Hash: []byte("h")}); err != nil {
			return err
		}
		return tx.SaveSignInCounter(&core.FailureCounter{Subject: "alice@contoso.com", Failures: 5, LockedUntil: at.Add(time.Hour)})
	})
	view(t, s, func(tx core.Tx) error {
		es, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(es) != 1 || !es[0].Time.Equal(at) {
			return fmt.Errorf("audit events = %v, %v; want one at %v", es, err, at)
		}
		c, err := tx.SignInCounter("alice@contoso.com")
		if err != nil || !c.LockedUntil.Equal(at.Add(time.Hour)) {
			return fmt.Errorf("sign-in counter = %+v, %v; want locked until %v", c, err, at.Add(time.Hour))
		}
		return nil
	})
}

// racers is how many goroutines race for one row in the tests below, each
// in an Update of its own.
const racers = 32

// race runs fn(i) for i in [0, racers) at once, each in its own Update,
// and fails the test on any error. fn may be run more than once for one i
// (a store may re-run a transaction that lost a race), so it reports what
// it saw through its result only, and the result of the run that
// committed is what race returns.
func race[T any](t *testing.T, s core.Store, fn func(tx core.Tx, i int) (T, error)) []T {
	t.Helper()
	out := make([]T, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Update(context.Background(), func(tx core.Tx) (err error) {
				out[i], err = fn(tx, i)
				return err
			})
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}

// count is how many of bs are true.
func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
