package datafolder

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory/ldaptest"
)

func TestDirectoryConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ConfigName)
	os.WriteFile(path, []byte(`
[directory]
kind = "openldap"
url = "ldaps://ldap.contoso.com"
bind_dn = "cn=securityinfo,ou=services,dc=contoso,dc=com"
base_dn = "ou=people,dc=contoso,dc=com"
admin_group = "cn=admins,ou=groups,dc=contoso,dc=com"
sync_interval = "5m"
`), 0o644)
	// No secret in the file: others may read it; the password comes from
	// the environment, then the keyring.
	c, err := LoadConfig(dir, "", env(map[string]string{"SECURITYINFO_DIRECTORY_START_TLS": "false",
		"SECURITYINFO_DIRECTORY_HELPDESK_GROUP": "cn=helpdesk,ou=groups,dc=contoso,dc=com"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Directory.Configured() || c.Directory.HelpdeskGroup != "cn=helpdesk,ou=groups,dc=contoso,dc=com" {
		t.Fatalf("config %+v", c.Directory)
	}
	if d, err := c.Directory.Interval(); err != nil || d != 5*time.Minute {
		t.Fatalf("Interval = %v, %v", d, err)
	}
	if _, err := c.OpenDirectory(secretsFunc(noSecrets)); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("no bind password anywhere: %v", err)
	}
	asked := ""
	if _, err := c.OpenDirectory(secretsFunc(func(name string) (string, bool, error) {
		asked = name
		return "from-keyring", true, nil
	})); err != nil || asked != SecretDirectoryPassword {
		t.Fatalf("keyring: %v, asked %q", err, asked)
	}
	c, err = LoadConfig(dir, "", env(map[string]string{"SECURITYINFO_DIRECTORY_BIND_PASSWORD": "from-env", "SECURITYINFO_DIRECTORY_URL": "ldap://ldap.contoso.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenDirectory(secretsFunc(noSecrets)); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("plain ldap:// to another machine: %v", err)
	}
	if _, err := LoadConfig(dir, "", env(map[string]string{"SECURITYINFO_DIRECTORY_START_TLS": "maybe"})); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("start_tls=maybe: %v", err)
	}
	c.Directory.SyncInterval = "10s"
	if _, err := c.Directory.Interval(); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a 10 s sync: %v", err)
	}

	// The bind password in a file others can read is refused.
	if runtime.GOOS == "windows" {
		return
	}
	os.WriteFile(path, []byte("[directory]\nkind = \"openldap\"\nbind_password = \"secret\"\n"), 0o644)
	if _, err := LoadConfig(dir, "", env(nil)); core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Fatalf("bind_password in a 0644 file: %v", err)
	}
	os.Chmod(path, 0o600)
	if c, err := LoadConfig(dir, "", env(nil)); err != nil || c.Directory.BindPassword != "secret" {
		t.Fatalf("0600: %v", err)
	}
}

// stopOnSync is a log handler that ends the sync loop at its first
// report, so the test waits for one sync without sleeping.
type stopOnSync struct {
	slog.Handler
	cancel func()
	msgs   *[]string
}

func (h stopOnSync) Enabled(context.Context, slog.Level) bool { return true }

func (h stopOnSync) Handle(ctx context.Context, r slog.Record) error {
	*h.msgs = append(*h.msgs, r.Message)
	h.cancel()
	return nil
}

// TestSyncEvery: the central service's folder (Sync) opens the directory
// and syncs with it at start.
func TestSyncEvery(t *testing.T) {
	tr := ldaptest.New(t)
	tr.Person(t, "ivy", "ivy@contoso.test", "Ivy Example", "Ivy-pass-1", nil)
	dir := t.TempDir()
	c := tr.Config()
	conf := fmt.Sprintf("[directory]\nkind = \"openldap\"\nurl = %q\nstart_tls = true\nca_file = %q\nbind_dn = %q\nbase_dn = %q\n",
		c.URL, c.CAFile, c.BindDN, c.BaseDN)
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(context.Background(), Options{Dir: dir, KeyFile: filepath.Join(t.TempDir(), "key"),
		Getenv: env(map[string]string{"SECURITYINFO_DIRECTORY_BIND_PASSWORD": c.BindPassword})})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Directory == nil {
		t.Fatal("no directory opened")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var msgs []string
	SyncEvery(ctx, f.Service, time.Hour, slog.New(stopOnSync{Handler: slog.DiscardHandler, cancel: cancel, msgs: &msgs}))
	if len(msgs) != 1 || msgs[0] != "directory sync" {
		t.Fatalf("logged %v", msgs)
	}
	if _, err := f.Service.AccountByName(core.WithActor(context.Background(), core.LocalAdministrator), "ivy@contoso.test"); err != nil {
		t.Fatalf("ivy after the sync: %v", err)
	}
}
