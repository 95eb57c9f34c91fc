package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/sqlite"
)

// TestUpgradeInPlace opens a database as schema 1 left it, with data, and
// checks that the current build upgrades it and keeps the data.
func TestUpgradeInPlace(t *testing.T) {
	if sqlite.SchemaVersion() < 2 {
		t.Fatalf("need at least two migrations to test an upgrade, have %d", sqlite.SchemaVersion())
	}
	path := filepath.Join(t.TempDir(), "db")
	old, err := sqlite.OpenAt(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	// Data as a schema-1 build wrote it, in schema 1's columns.
	db := rawDB(t, path)
	for _, q := range []string{
		`INSERT INTO accounts (id, name, display_name, role, language, created_at, password_hash, password_changed_at)
			VALUES ('a1', 'alice@contoso.com', 'Alice', 'admin', 'en', '2026-11-22T09:00:00.000000000Z', 'h', '2026-11-22T09:00:00.000000000Z')`,
		`INSERT INTO methods (id, account_id, kind, detail, language, created_at) VALUES ('m1', 'a1', 'email', 'alain@gmail.com', 'en', '2026-11-22T09:00:00.000000000Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// Schema 1 has no audit log yet.
	if _, err := db.Exec(`SELECT count(*) FROM audit_events`); err == nil {
		t.Fatal("schema 1 already has the audit log; the test no longer tests an upgrade")
	}
	db.Close()

	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	err = s.View(context.Background(), func(tx core.Tx) error {
		if a, err := tx.Account("a1"); err != nil || a.Name != "alice@contoso.com" || a.RegistrationSnoozes != 0 {
			t.Errorf("account after upgrade = %+v, %v", a, err)
		}
		ms, err := tx.Methods("a1")
		if err != nil || len(ms) != 1 || ms[0].Detail != "alain@gmail.com" {
			t.Errorf("methods after upgrade = %v, %v", ms, err)
		}
		_, err = tx.AuditHead()
		return err
	})
	if err != nil {
		t.Fatalf("after upgrade: %v", err)
	}
}
