package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/storetest"
)

func baseURL(t *testing.T) string       { return pgtest.BaseURL(t) }
func freshDatabase(t *testing.T) string { return pgtest.FreshDatabase(t) }

func mustOpen(t *testing.T, dbURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// raw connects to a test database directly.
func raw(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestConformance(t *testing.T) {
	baseURL(t) // fail once, not in every subtest
	storetest.Run(t, func(t *testing.T) core.Store { return mustOpen(t, freshDatabase(t)) })
}

// TestConcurrentOpensMigrateOnce starts two stores at once on an empty
// database, as two servers starting together would: both open, and each
// migration was applied once.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	for round := 0; round < 3; round++ {
		dbURL := freshDatabase(t)
		var wg sync.WaitGroup
		stores := make([]*postgres.Store, 2)
		errs := make([]error, 2)
		start := make(chan struct{})
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				stores[i], errs[i] = postgres.Open(context.Background(), dbURL)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: open %d: %v", round, i, err)
			}
			defer stores[i].Close()
		}
		var n, maxVersion int
		err := raw(t, dbURL).QueryRow(context.Background(), `SELECT count(*), max(version) FROM schema_version`).Scan(&n, &maxVersion)
		if err != nil || n != postgres.SchemaVersion() || maxVersion != postgres.SchemaVersion() {
			t.Fatalf("round %d: schema_version has %d rows up to %d (%v); want each of the %d migrations once",
				round, n, maxVersion, err, postgres.SchemaVersion())
		}
		for i, s := range stores {
			err := s.Update(context.Background(), func(tx core.Tx) error { return tx.SetSetting("opened", "yes") })
			if err != nil {
				t.Fatalf("round %d: store %d after the race: %v", round, i, err)
			}
		}
	}
}

// TestReopen keeps the data and migrates nothing again.
func TestReopen(t *testing.T) {
	dbURL := freshDatabase(t)
	s := mustOpen(t, dbURL)
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateAccount(&core.Account{ID: "a1", Name: "alice@contoso.com", DisplayName: "Alice", Role: core.RoleAdmin, Language: "en", PasswordHash: "h"})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, dbURL)
	defer s.Close()
	err = s.View(context.Background(), func(tx core.Tx) error {
		a, err := tx.AccountByName("alice@contoso.com")
		if err == nil && (!a.CreatedAt.IsZero() || !a.RemovalAt.IsZero()) {
			t.Errorf("zero times read back as %v, %v", a.CreatedAt, a.RemovalAt)
		}
		return err
	})
	if err != nil {
		t.Fatalf("account lost on reopen: %v", err)
	}
	var n int
	if err := raw(t, dbURL).QueryRow(context.Background(), `SELECT count(*) FROM schema_version`).Scan(&n); err != nil || n != postgres.SchemaVersion() {
		t.Fatalf("schema_version rows = %d, %v; want %d", n, err, postgres.SchemaVersion())
	}
}

// TestNewerSchemaRefused: a database a newer build migrated is refused.
func TestNewerSchemaRefused(t *testing.T) {
	dbURL := freshDatabase(t)
	mustOpen(t, dbURL).Close()
	if _, err := raw(t, dbURL).Exec(context.Background(), `INSERT INTO schema_version (version, name) VALUES (99, '0099_future.sql')`); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(context.Background(), dbURL)
	if err == nil {
		s.Close()
	}
	if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(core.ErrorMessage(err), "newer version of Security info (schema 99") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

// TestTransactionsEndRight: a transaction's BEGIN goes out with its first
// statement (lazyTx), so what ends it is tried here: a statement that
// failed, whose error the function swallowed, makes the commit fail and
// saves nothing; a rolled-back transaction saves nothing and leaves its
// connection usable; a transaction without a statement commits; and the
// isolation level is the one asked for.
func TestTransactionsEndRight(t *testing.T) {
	dbURL := freshDatabase(t)
	s := mustOpen(t, dbURL)
	defer s.Close()
	ctx := context.Background()
	acct := func(id string) *core.Account {
		return &core.Account{ID: id, Name: id + "@contoso.com", Role: core.RoleUser, Language: "en"}
	}
	if err := s.Update(ctx, func(tx core.Tx) error { return tx.CreateAccount(acct("a1")) }); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx core.Tx) error {
		if err := tx.CreateAccount(acct("a2")); err != nil {
			return err
		}
		tx.CreateAccount(acct("a1")) // a duplicate: the transaction is aborted; the error is dropped
		return nil
	})
	if err == nil {
		t.Fatal("a transaction with a failed statement committed")
	}
	if err := s.Update(ctx, func(tx core.Tx) error { tx.CreateAccount(acct("a3")); return errors.New("no") }); err == nil {
		t.Fatal("a rolled-back transaction reported no error")
	}
	for range 20 { // more than the pool's connections: none was left in a transaction
		if err := s.Update(ctx, func(tx core.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.View(ctx, func(tx core.Tx) error { _, err := tx.CountAccounts(); return err }); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := raw(t, dbURL).QueryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("accounts = %d, %v; want only a1", n, err)
	}
	levels := map[string]string{}
	s.Update(ctx, func(tx core.Tx) error {
		levels["update"] = postgres.Isolation(tx)
		return nil
	})
	s.View(ctx, func(tx core.Tx) error {
		levels["view"] = postgres.Isolation(tx)
		return nil
	})
	if levels["update"] != "serializable/off" || levels["view"] != "repeatable read/on" {
		t.Fatalf("isolation (level/read only) = %v", levels)
	}
}

// TestDeferredStepWrite: a time step's write, after the method was read
// in the same transaction, goes out with COMMIT. When another connection
// advanced the step in between, the commit fails to serialize and the
// transaction runs again, reading the new step: the older step is never
// written over it. A deferred write that changes no row rolls its whole
// transaction back.
func TestDeferredStepWrite(t *testing.T) {
	dbURL := freshDatabase(t)
	s := mustOpen(t, dbURL)
	defer s.Close()
	ctx := context.Background()
	if err := s.Update(ctx, func(tx core.Tx) error {
		if err := tx.CreateAccount(&core.Account{ID: "a1", Name: "alice@contoso.com", Role: core.RoleUser, Language: "en"}); err != nil {
			return err
		}
		return tx.CreateMethod(&core.Method{ID: "m1", AccountID: "a1", Kind: core.KindAuthenticatorApp, Language: "en", LastStep: 5})
	}); err != nil {
		t.Fatal(err)
	}
	other := raw(t, dbURL)
	var attempts []string
	err := s.Update(ctx, func(tx core.Tx) error {
		m, err := tx.Method("m1")
		if err != nil {
			return err
		}
		if m.LastStep >= 9 {
			attempts = append(attempts, fmt.Sprintf("read %d: not advanced", m.LastStep))
			return nil
		}
		ok, err := tx.AdvanceTOTPStep("m1", 9, time.Now())
		if err != nil || !ok {
			return fmt.Errorf("advance = %v, %v", ok, err)
		}
		attempts = append(attempts, fmt.Sprintf("read %d: advanced", m.LastStep))
		if len(attempts) == 1 { // another server accepts step 20 meanwhile
			if _, err := other.Exec(ctx, `UPDATE methods SET last_step = 20 WHERE id = 'm1'`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"read 5: advanced", "read 20: not advanced"}; !slices.Equal(attempts, want) {
		t.Fatalf("attempts %q, want %q", attempts, want)
	}
	var step int64
	if err := other.QueryRow(ctx, `SELECT last_step FROM methods WHERE id = 'm1'`).Scan(&step); err != nil || step != 20 {
		t.Fatalf("last step = %d, %v; want 20", step, err)
	}

	err = s.Update(ctx, func(tx core.Tx) error {
		if err := tx.CreateAccount(&core.Account{ID: "a2", Name: "bob@contoso.com", Role: core.RoleUser, Language: "en"}); err != nil {
			return err
		}
		postgres.Defer(tx, `UPDATE methods SET last_step = 30 WHERE id = 'nope'`)
		return nil
	})
	if err == nil {
		t.Fatal("a transaction whose deferred write changed no row committed")
	}
	var n int
	if err := other.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE id = 'a2'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the rolled-back transaction's account: %d, %v", n, err)
	}
}

// TestDeferredStepWriteCancelled: a request whose client goes away after
// its step's write was deferred (before the COMMIT it would go out with)
// accepts nothing: the step is not written, the caller gets an error, and
// no connection goes back to the pool in the middle of the transaction.
func TestDeferredStepWriteCancelled(t *testing.T) {
	dbURL := freshDatabase(t)
	s := mustOpen(t, dbURL)
	defer s.Close()
	bg := context.Background()
	if err := s.Update(bg, func(tx core.Tx) error {
		if err := tx.CreateAccount(&core.Account{ID: "a1", Name: "alice@contoso.com", Role: core.RoleUser, Language: "en"}); err != nil {
			return err
		}
		return tx.CreateMethod(&core.Method{ID: "m1", AccountID: "a1", Kind: core.KindAuthenticatorApp, Language: "en", LastStep: 5})
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 12 { // more than the pool's connections
		ctx, cancel := context.WithCancel(bg)
		err := s.Update(ctx, func(tx core.Tx) error {
			if _, err := tx.Method("m1"); err != nil {
				return err
			}
			ok, err := tx.AdvanceTOTPStep("m1", int64(9+i), time.Now())
			if err != nil || !ok {
				return fmt.Errorf("advance = %v, %v", ok, err)
			}
			cancel() // the client went away
			return nil
		})
		cancel()
		if err == nil {
			t.Fatalf("%d: a cancelled request's deferred step committed without error", i)
		}
	}
	var step int64
	if err := raw(t, dbURL).QueryRow(bg, `SELECT last_step FROM methods WHERE id = 'm1'`).Scan(&step); err != nil || step != 5 {
		t.Fatalf("last step = %d, %v; want 5 (nothing accepted)", step, err)
	}
	for i := range 20 {
		var n int
		if err := s.Update(bg, func(tx core.Tx) error {
			return tx.CreateAccount(&core.Account{ID: fmt.Sprintf("x%d", i), Name: fmt.Sprintf("x%d@contoso.com", i), Role: core.RoleUser, Language: "en"})
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.View(bg, func(tx core.Tx) error {
			var err error
			n, err = tx.CountAccounts()
			return err
		}); err != nil || n != i+2 {
			t.Fatalf("accounts = %d, %v; want %d", n, err, i+2)
		}
	}
}

// TestPanicInATransaction: a function that panics inside a transaction
// leaves no connection behind in it: after more panics than the pool has
// connections, transactions still run.
func TestPanicInATransaction(t *testing.T) {
	s := mustOpen(t, freshDatabase(t))
	defer func() {
		if !t.Failed() {
			s.Close() // it would wait for the connections left behind
		}
	}()
	ctx := context.Background()
	for range 40 {
		func() {
			defer func() { recover() }()
			s.Update(ctx, func(tx core.Tx) error {
				tx.CountAccounts()
				panic("a bug")
			})
		}()
	}
	done := make(chan error, 1)
	go func() { done <- s.Update(ctx, func(tx core.Tx) error { _, err := tx.CountAccounts(); return err }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no connection left in the pool after panics in transactions")
	}
}
