package datafolder

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
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
