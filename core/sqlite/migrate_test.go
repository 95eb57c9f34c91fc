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
	err = old.Update(context.Background(), func(tx core.Tx) error {
		if err := tx.CreateAccount(&core.Account{ID: "a1", Name: "alice@contoso.com", DisplayName: "Alice", Role: core.RoleAdmin, Language: "en", PasswordHash: "h"}); err != nil {
			return err
		}
		return tx.CreateMethod(&core.Method{ID: "m1", AccountID: "a1", Kind: core.KindEmail, Detail: "alain@gmail.com", Language: "en"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// Schema 1 has no audit log yet.
	if err := old.View(context.Background(), func(tx core.Tx) error { _, err := tx.AuditHead(); return err }); err == nil {
		t.Fatal("schema 1 already has the audit log; the test no longer tests an upgrade")
	}
	old.Close()

	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	err = s.View(context.Background(), func(tx core.Tx) error {
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
