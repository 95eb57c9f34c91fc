package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

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
