package keyring_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
	gokeyring "github.com/zalando/go-keyring"
)

// TestSecretServiceRoundTrip runs against the real Secret Service that
// `make test` starts (gnome-keyring under dbus-run-session). Outside make,
// without SECURITYINFO_KEYRING_TEST=1, it is skipped; under make a missing
// keyring fails it.
func TestSecretServiceRoundTrip(t *testing.T) {
	if os.Getenv("SECURITYINFO_KEYRING_TEST") != "1" {
		t.Skip("run under `make test` (dbus-run-session + gnome-keyring) to test the real keyring")
	}
	k := keyring.Keyring{Service: "securityinfo-test-" + strings.ReplaceAll(t.Name(), "/", "-")}
	instance := "0123456789abcdef"
	t.Cleanup(func() { k.Delete(instance) })

	if _, err := k.MasterKey(instance, false); core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(core.ErrorMessage(err), "has no key") {
		t.Fatalf("missing key with create=false: %v", err)
	}
	first, err := k.MasterKey(instance, true)
	if err != nil {
		t.Fatalf("create key in the Secret Service: %v", err)
	}
	if len(first) != core.KeySize || bytes.Equal(first, make([]byte, core.KeySize)) {
		t.Fatalf("key = %x", first)
	}
	again, err := k.MasterKey(instance, false)
	if err != nil || !bytes.Equal(again, first) {
		t.Fatalf("key read back = %x, %v; want %x", again, err, first)
	}
	// The key is really in the Secret Service, not in a cache of ours.
	stored, err := gokeyring.Get(k.Service, "master-key-"+instance)
	if err != nil || stored == "" {
		t.Fatalf("Secret Service item: %q, %v", stored, err)
	}
	other, err := k.MasterKey("fedcba9876543210", true)
	if err != nil || bytes.Equal(other, first) {
		t.Fatalf("second instance key = %x, %v: must differ", other, err)
	}
	k.Delete("fedcba9876543210")

	if err := gokeyring.Set(k.Service, "master-key-"+instance, "not base64!"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.MasterKey(instance, false); !strings.Contains(core.ErrorMessage(err), "damaged") {
		t.Fatalf("damaged key: %v", err)
	}
}

// TestNoKeyring checks the message when no Secret Service answers: it says
// why and names --key-file. The D-Bus connection is made once per process,
// so the check runs in a child process that has no session bus.
func TestNoKeyring(t *testing.T) {
	if os.Getenv("SECURITYINFO_NO_KEYRING_CHILD") == "1" {
		_, err := keyring.Keyring{Service: "securityinfo-test-none"}.MasterKey("x", true)
		fmt.Printf("code=%s\nmessage=%s\n", core.ErrorCode(err), core.ErrorMessage(err))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoKeyring$")
	cmd.Env = append(os.Environ(), "SECURITYINFO_NO_KEYRING_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "code="+core.EUNAVAILABLE+"\n") {
		t.Fatalf("without a keyring: %s; want code %s", out, core.EUNAVAILABLE)
	}
	if !strings.Contains(string(out), "No OS keyring is available") || !strings.Contains(string(out), "--key-file") {
		t.Fatalf("message %q does not say why and how to fix it", out)
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "key")
	if _, err := keyring.KeyFile(path, false, nil); core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Fatalf("missing file with create=false: %v", err)
	}
	key, err := keyring.KeyFile(path, true, nil)
	if err != nil || len(key) != core.KeySize {
		t.Fatalf("create: %x, %v", key, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	again, err := keyring.KeyFile(path, true, nil)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("read back %x, %v", again, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.KeyFile(path, true, nil); !strings.Contains(core.ErrorMessage(err), "chmod 600") {
		t.Fatalf("world-readable key file: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("short\n"), 0o600)
	if _, err := keyring.KeyFile(bad, true, nil); !strings.Contains(core.ErrorMessage(err), "does not hold") {
		t.Fatalf("bad key file: %v", err)
	}
}

// TestDeliverySecretInKeyring keeps a delivery secret in the real Secret
// Service and reads it back.
func TestDeliverySecretInKeyring(t *testing.T) {
	if os.Getenv("SECURITYINFO_KEYRING_TEST") != "1" {
		t.Skip("run under `make test` to use the real keyring")
	}
	k := keyring.Keyring{Service: "securityinfo-test-secrets"}
	if _, ok, err := k.Secret("smtp-password"); err != nil || ok {
		t.Fatalf("unset secret: %v %v", ok, err)
	}
	if err := k.SetSecret("smtp-password", "s3cret"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gokeyring.Delete(k.Service, "secret-smtp-password") })
	if v, ok, err := k.Secret("smtp-password"); err != nil || !ok || v != "s3cret" {
		t.Fatalf("secret = %q %v %v", v, ok, err)
	}
}

// TestSessionTokenInKeyring: a session token kept for a server and account
// comes back, and is gone once forgotten.
func TestSessionTokenInKeyring(t *testing.T) {
	if os.Getenv("SECURITYINFO_KEYRING_TEST") != "1" {
		t.Skip("run under `make test` to use the real keyring")
	}
	k := keyring.Keyring{Service: "securityinfo-test-tokens"}
	name := "session https://si.contoso.com alice@contoso.com"
	if _, ok, err := k.Token(name); err != nil || ok {
		t.Fatalf("no token yet: %v %v", ok, err)
	}
	if err := k.SetToken(name, "t0ken"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := k.Token(name); err != nil || !ok || v != "t0ken" {
		t.Fatalf("token = %q %v %v", v, ok, err)
	}
	if err := k.DeleteToken(name); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := k.Token(name); err != nil || ok {
		t.Fatalf("forgotten token: %v %v", ok, err)
	}
	if err := k.DeleteToken(name); err != nil {
		t.Fatalf("forgetting twice: %v", err)
	}
}
