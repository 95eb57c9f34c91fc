package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/sqlite"
	"github.com/securityinfo/securityinfo/core/storetest"
)

// MustOpen opens a store in a new file under t.TempDir().
func MustOpen(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "securityinfo.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return MustOpen(t) })
}

func TestOpenEmptyFileAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateAccount(&core.Account{ID: "a1", Name: "alice@contoso.com", DisplayName: "Alice", Role: core.RoleAdmin, Language: "en", PasswordHash: "h"})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	err = s.View(context.Background(), func(tx core.Tx) error {
		_, err := tx.AccountByName("alice@contoso.com")
		return err
	})
	if err != nil {
		t.Fatalf("account lost on reopen: %v", err)
	}
	pragmas := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "user_version": strconv.Itoa(sqlite.SchemaVersion())}
	for p, want := range pragmas {
		w, r, err := s.Pragma(p)
		if err != nil || w != want || r != want {
			t.Errorf("PRAGMA %s = %q (writer), %q (reader), %v; want %q", p, w, r, err, want)
		}
	}
	if _, r, _ := s.Pragma("query_only"); r != "1" {
		t.Errorf("reader connections are not query_only")
	}
	if w, _, _ := s.Pragma("busy_timeout"); w == "0" {
		t.Errorf("no busy timeout")
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlite.Open(path)
	if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(core.ErrorMessage(err), "newer version of Security info (schema 99") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}
