package datafolder_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
)

// TestOpenWithOSKeyring opens a data folder twice with its key in the real
// Secret Service that `make test` provides.
func TestOpenWithOSKeyring(t *testing.T) {
	if os.Getenv("SECURITYINFO_KEYRING_TEST") != "1" {
		t.Skip("run under `make test` to use the real keyring")
	}
	dir := filepath.Join(t.TempDir(), "data")
	svc := "securityinfo-test-datafolder"
	ctx := context.Background()
	f, err := datafolder.Open(ctx, datafolder.Options{Dir: dir, KeyringService: svc})
	if err != nil {
		t.Fatal(err)
	}
	var instance string
	f.Store.View(ctx, func(tx core.Tx) error { instance, _ = tx.Setting("instance_id"); return nil })
	t.Cleanup(func() { keyring.Keyring{Service: svc}.Delete(instance) })
	admin := core.WithActor(ctx, core.LocalAdministrator)
	if _, err := f.Service.CreateAccount(admin, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data folder mode %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	f, err = datafolder.Open(ctx, datafolder.Options{Dir: dir, KeyringService: svc})
	if err != nil {
		t.Fatalf("reopen with the keyring: %v", err)
	}
	defer f.Close()
	if rep, err := f.Service.VerifyAudit(admin); err != nil || rep.Break != nil || rep.Events != 1 {
		t.Fatalf("audit after reopen: %+v %v", rep, err)
	}
	// The key is gone from the keyring: opening says so instead of making a new one.
	keyring.Keyring{Service: svc}.Delete(instance)
	f.Close()
	if _, err := datafolder.Open(ctx, datafolder.Options{Dir: dir, KeyringService: svc}); core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Fatalf("open without its key: %v", err)
	}
}
