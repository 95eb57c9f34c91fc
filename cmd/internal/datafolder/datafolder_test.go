package datafolder_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestNoKeyringCreatesNothing: started where no keyring can be reached (no
// D-Bus session bus), opening a new data folder says so and creates
// nothing: no folder, no database. And it starts nothing either: D-Bus's
// "autolaunch" (dbus-launch, which would leave a bus daemon and a keyring
// daemon running after the window closes) is never called. The D-Bus
// connection is made once per process, so the open runs in a child.
func TestNoKeyringCreatesNothing(t *testing.T) {
	if dir := os.Getenv("SECURITYINFO_NO_BUS_DIR"); dir != "" {
		_, err := datafolder.Open(context.Background(), datafolder.Options{Dir: dir, KeyringService: "securityinfo-test-none"})
		fmt.Printf("code=%s\nmessage=%s\n", core.ErrorCode(err), core.ErrorMessage(err))
		return
	}
	tmp := t.TempDir()
	dir, shims, launched := filepath.Join(tmp, "data"), filepath.Join(tmp, "bin"), filepath.Join(tmp, "launched")
	if err := os.Mkdir(shims, 0o700); err != nil {
		t.Fatal(err)
	}
	// dbus-launch, should it be run, only notes that it was.
	if err := os.WriteFile(filepath.Join(shims, "dbus-launch"), []byte("#!/bin/sh\ntouch "+launched+"\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoKeyringCreatesNothing$")
	cmd.Env = append(env, "SECURITYINFO_NO_BUS_DIR="+dir, "XDG_RUNTIME_DIR="+tmp, "PATH="+shims+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "code="+core.EUNAVAILABLE+"\n") || !strings.Contains(string(out), "--key-file") {
		t.Fatalf("without a keyring: %s; want %s saying how to go on", out, core.EUNAVAILABLE)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the data folder was created without a keyring (%v)", err)
	}
	if _, err := os.Stat(launched); err == nil {
		t.Fatal("dbus-launch was run: a bus daemon would outlive the window")
	}
}
