package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAppsCommands: apps create prints the client ID and the secret once
// (text or JSON), apps list never shows a secret, apps delete asks for
// --yes; a wrong command line says what is missing.
func TestAppsCommands(t *testing.T) {
	e := newEnv(t)
	var app struct{ ID, Name, Secret, CreatedBy string }
	if err := json.Unmarshal([]byte(e.mustCtl("", "apps", "create", "--name", "intranet", "--json")), &app); err != nil {
		t.Fatal(err)
	}
	if app.Name != "intranet" || len(app.ID) != 32 || len(app.Secret) != 64 || app.CreatedBy != "local administrator" {
		t.Fatalf("created: %+v", app)
	}
	out := e.mustCtl("", "apps", "create", "--name", "wiki")
	if !strings.Contains(out, "Client ID:") || !strings.Contains(out, "Client secret:") || !strings.Contains(out, "not shown again") {
		t.Fatalf("apps create:\n%s", out)
	}
	out = e.mustCtl("", "apps", "list")
	if !strings.Contains(out, "intranet") || !strings.Contains(out, app.ID) || strings.Contains(out, app.Secret) {
		t.Fatalf("apps list:\n%s", out)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(e.mustCtl("", "apps", "list", "--json")), &list); err != nil || len(list) != 2 {
		t.Fatalf("apps list --json: %v %v", list, err)
	}
	for _, a := range list {
		if _, ok := a["secret"]; ok {
			t.Errorf("a listed application shows a secret: %v", a)
		}
	}
	if code, _, errs := e.ctl("", "apps", "delete", app.ID); code != 1 || !strings.Contains(errs, "--yes") {
		t.Fatalf("delete without --yes: %d %s", code, errs)
	}
	e.mustCtl("", "apps", "delete", app.ID, "--yes")
	if code, _, errs := e.ctl("", "apps", "delete", app.ID, "--yes"); code != 1 || !strings.Contains(errs, "No such application") {
		t.Fatalf("delete twice: %d %s", code, errs)
	}
	for _, args := range [][]string{{"apps", "create"}, {"apps", "delete"}} {
		if code, _, errs := e.ctl("", args...); code != 2 || !strings.Contains(errs, "needs") {
			t.Errorf("%v: %d %s", args, code, errs)
		}
	}
	if code, _, errs := e.ctl("", "apps", "create", "--name", "wiki"); code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("a taken name: %d %s", code, errs)
	}
}

// TestConfigCheckNamesRadiusClients: config check lists the RADIUS
// clients without their secrets, and says which secret is missing.
func TestConfigCheckNamesRadiusClients(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("", "policy", "show") // makes the data folder
	write := func(toml string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(e.data, "securityinfo.toml"), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("[[radius.client]]\nname = \"vpn\"\naddress = \"10.0.0.0/24\"\nsecret = \"a shared secret of the vpn\"\nappend_code = true\n")
	out := e.mustCtl("", "config", "check")
	if !strings.Contains(out, "RADIUS client vpn: 10.0.0.0/24, code appended to the password") || strings.Contains(out, "a shared secret") {
		t.Fatalf("config check:\n%s", out)
	}
	write("[[radius.client]]\nname = \"wifi-1\"\naddress = \"10.0.1.7\"\n")
	t.Setenv("SECURITYINFO_RADIUS_WIFI_1_SECRET", "")
	if code, _, errs := e.ctl("", "config", "check"); code != 1 || !strings.Contains(errs, "SECURITYINFO_RADIUS_WIFI_1_SECRET") {
		t.Fatalf("a client without a secret: %d %s", code, errs)
	}
}
