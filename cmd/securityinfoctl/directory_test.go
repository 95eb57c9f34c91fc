package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory/ldaptest"
)

// directoryEnv is a data folder configured with a real OpenLDAP tree
// (scripts/with-ldap).
func directoryEnv(t *testing.T) (*env, *ldaptest.Tree) {
	t.Helper()
	e := newEnv(t)
	tr := ldaptest.New(t)
	if err := os.MkdirAll(e.data, 0o700); err != nil {
		t.Fatal(err)
	}
	c := tr.Config()
	conf := fmt.Sprintf(`[directory]
kind = "openldap"
url = %q
start_tls = true
ca_file = %q
bind_dn = %q
bind_password = %q
base_dn = %q
admin_group = %q
helpdesk_group = %q
`, c.URL, c.CAFile, c.BindDN, c.BindPassword, c.BaseDN, c.AdminGroup, c.HelpdeskGroup)
	if err := os.WriteFile(filepath.Join(e.data, "securityinfo.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return e, tr
}

func TestDirectoryCommands(t *testing.T) {
	e, tr := directoryEnv(t)
	dn := tr.Person(t, "gus", "gus@contoso.test", "Gus Example", "Gus-pass-1", map[string][]string{"mobile": {"+1 425 555 0112"}})
	tr.Join(t, tr.AdminGroup, dn)
	tr.Person(t, "hal", "hal@contoso.test", "Hal Example", "Hal-pass-1", nil)

	out := e.mustCtl("", "directory", "check", "--account", "GUS@contoso.test")
	for _, want := range []string{"openldap at ldap://127.0.0.1", "Bound as the service account: yes", "gus@contoso.test", "Gus Example", "+1 425 555 0112", "admin", "will be added"} {
		if !strings.Contains(out, want) {
			t.Fatalf("check lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, tr.BindPassword) {
		t.Fatal("check prints the bind password")
	}
	code, _, errs := e.ctl("", "directory", "check", "--account", "nobody@contoso.test")
	if code != 1 || !strings.Contains(errs, "No such person") {
		t.Fatalf("check of nobody: %d %s", code, errs)
	}

	if out := e.mustCtl("", "config", "check"); !strings.Contains(out, "directory: openldap at ldap://127.0.0.1") || strings.Contains(out, tr.BindPassword) {
		t.Fatalf("config check:\n%s", out)
	}
	var dry core.DirectorySync
	if err := json.Unmarshal([]byte(e.mustCtl("", "directory", "sync", "--dry-run", "--json")), &dry); err != nil || !dry.DryRun || dry.Added != 2 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	out = e.mustCtl("", "directory", "sync")
	if !strings.Contains(out, "2 people in the directory; 2 added") || !strings.Contains(out, "add     gus@contoso.test  role admin") {
		t.Fatalf("sync:\n%s", out)
	}
	out = e.mustCtl("", "account", "list")
	if !strings.Contains(out, "gus@contoso.test") || !strings.Contains(out, "hal@contoso.test") {
		t.Fatalf("accounts after sync:\n%s", out)
	}
	// No local account beside the directory.
	code, _, errs = e.ctl("a long enough passphrase\n", "account", "create", "--name", "eve@contoso.test", "--password-stdin")
	if code != 1 || !strings.Contains(errs, "organization's directory") {
		t.Fatalf("local account with a directory: %d %s", code, errs)
	}
}

func TestDirectoryCommandsNeedADirectory(t *testing.T) {
	e := newEnv(t)
	code, _, errs := e.ctl("", "directory", "sync")
	if code != 1 || !strings.Contains(errs, "No directory is configured") {
		t.Fatalf("sync without a directory: %d %s", code, errs)
	}
}
