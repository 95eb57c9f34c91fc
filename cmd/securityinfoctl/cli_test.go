package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/internal/version"
)

// env is a data folder with its key file, driven through run().
type env struct {
	t    *testing.T
	data string
	key  string
}

func newEnv(t *testing.T) *env {
	d := t.TempDir()
	return &env{t: t, data: filepath.Join(d, "data"), key: filepath.Join(d, "key")}
}

// ctl runs securityinfoctl with the global flags and returns exit code,
// stdout and stderr.
func (e *env) ctl(stdin string, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	all := append([]string{"--data", e.data, "--key-file", e.key}, args...)
	code := run(context.Background(), all, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func (e *env) mustCtl(stdin string, args ...string) string {
	e.t.Helper()
	code, out, errs := e.ctl(stdin, args...)
	if code != 0 {
		e.t.Fatalf("securityinfoctl %v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

func jsonKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestAccountCommands(t *testing.T) {
	e := newEnv(t)
	out := e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "Alice@Contoso.com", "--display-name", "Alice Smith", "--role", "user", "--password-stdin")
	if !strings.Contains(out, "alice@contoso.com (admin)") {
		t.Fatalf("first account not admin: %s", out)
	}
	e.mustCtl("another long passphrase", "account", "create", "--name", "bob@contoso.com", "--role", "helpdesk", "--password-stdin")
	code, _, errs := e.ctl("another long passphrase\n", "account", "create", "--name", "bob@contoso.com", "--password-stdin")
	if code != 1 || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate: exit %d %s", code, errs)
	}
	code, _, errs = e.ctl("short\n", "account", "create", "--name", "carol@contoso.com", "--password-stdin")
	if code != 1 || !strings.Contains(errs, "at least 15 characters") {
		t.Fatalf("short password: exit %d %s", code, errs)
	}
	code, _, errs = e.ctl("", "account", "create", "--name", "carol@contoso.com")
	if code != 2 || !strings.Contains(errs, "--password-stdin") {
		t.Fatalf("no --password-stdin: exit %d %s", code, errs)
	}
	code, _, errs = e.ctl("x\n", "account", "create", "--name", "carol@contoso.com", "--role", "boss", "--password-stdin")
	if code != 1 || !strings.Contains(errs, "not a role") {
		t.Fatalf("bad role: exit %d %s", code, errs)
	}

	var accts []json.RawMessage
	if err := json.Unmarshal([]byte(e.mustCtl("", "account", "list", "--json")), &accts); err != nil {
		t.Fatal(err)
	}
	if len(accts) != 2 {
		t.Fatalf("accounts: %d", len(accts))
	}
	if got, want := jsonKeys(t, accts[0]), []string{"createdAt", "displayName", "id", "language", "name", "role"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("account JSON keys = %v, want %v", got, want)
	}
	var a struct{ Name, DisplayName, Role, Language string }
	json.Unmarshal(accts[0], &a)
	if a.Name != "alice@contoso.com" || a.DisplayName != "Alice Smith" || a.Role != "admin" || a.Language != "en" {
		t.Fatalf("alice = %+v", a)
	}
}

func TestGlobalFlagsInAnyOrderAndHelp(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	var out bytes.Buffer
	code := run(context.Background(), []string{"--key-file", e.key, "--data", e.data, "account", "list"}, strings.NewReader(""), &out, &out)
	if code != 0 || !strings.Contains(out.String(), "alice@contoso.com") {
		t.Fatalf("flags in another order: exit %d %s", code, out.String())
	}
	for _, cmd := range commands() {
		t.Run(cmd.path, func(t *testing.T) {
			args := append(strings.Fields(cmd.path), "--help")
			code, out, _ := e.ctl("", args...)
			if code != 0 || !strings.Contains(out, "Usage: securityinfoctl [global flags] "+cmd.path) {
				t.Fatalf("%s --help: exit %d\n%s", cmd.path, code, out)
			}
		})
	}
	if code, out, _ := e.ctl("", "--help"); code != 0 || !strings.Contains(out, "audit verify") {
		t.Fatalf("--help: %d %s", code, out)
	}
	if code, _, errs := e.ctl("", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("unknown command: %d %s", code, errs)
	}
	if code, _, errs := e.ctl("", "methods", "list"); code != 2 || !strings.Contains(errs, "--as ACCOUNT") {
		t.Fatalf("methods without --as: %d %s", code, errs)
	}
}

func TestPolicyCommands(t *testing.T) {
	e := newEnv(t)
	var p map[string]any
	if err := json.Unmarshal([]byte(e.mustCtl("", "policy", "show", "--json")), &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"enabledMethods", "organizationDomains", "methodsRequiredForReset", "securityQuestionsToRegister",
		"securityQuestionsToReset", "requireRegistration", "reconfirmationDays", "codeLength", "issuer"} {
		if _, ok := p[k]; !ok {
			t.Errorf("policy JSON lacks %q", k)
		}
	}
	e.mustCtl("", "policy", "set", "codeLength=8", "organizationDomains=contoso.com,fabrikam.com", "enabledMethods=phone,email,authenticatorApp",
		"methodsRequiredForReset=2", "securityQuestionsToRegister=5", "securityQuestionsToReset=4", "requireRegistration=false",
		"reconfirmationDays=90", "issuer=Contoso")
	json.Unmarshal([]byte(e.mustCtl("", "policy", "show", "--json")), &p)
	if p["codeLength"] != 8.0 || p["issuer"] != "Contoso" || p["requireRegistration"] != false || len(p["enabledMethods"].([]any)) != 3 {
		t.Fatalf("policy after set: %v", p)
	}
	tests := []struct{ pair, want string }{
		{"codeLength=7", "codeLength must be 6 or 8"},
		{"methodsRequiredForReset=0", "from 1 to 2"},
		{"reconfirmationDays=x", "from 0 to 730"},
		{"colour=blue", "is not a policy key"},
	}
	for _, tt := range tests {
		code, _, errs := e.ctl("", "policy", "set", tt.pair)
		if code != 1 || !strings.Contains(errs, tt.want) {
			t.Errorf("policy set %s: exit %d %q; want %q", tt.pair, code, errs, tt.want)
		}
	}
}

func TestAuditVerifyCatchesSQLiteEdits(t *testing.T) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatal("the sqlite3 tool is needed (make deps installs it)")
	}
	tests := []struct {
		name, sql, want string
	}{
		{"edit", "UPDATE audit_events SET detail = 'admin' WHERE seq = 2", "audit chain broken at event 2: its contents were changed"},
		{"delete", "DELETE FROM audit_events WHERE seq = 2", "audit chain broken at event 2: event 2 is missing"},
		{"reorder", "UPDATE audit_events SET seq = seq + 100 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 102",
			"audit chain broken at event 2"},
		{"cut the end", "DELETE FROM audit_events WHERE seq = 4", "audit chain broken at event 4: events 4 to 4 are missing"},
		{"cut the end and move the head back",
			"DELETE FROM audit_events WHERE seq > 2; UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2)",
			"audit chain broken at event 3: the chain head was edited (its seal does not match), so events may have been cut from the end of the log"},
		{"cut the end, move the head back and drop its seal",
			"DELETE FROM audit_events WHERE seq > 2; UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2), mac = NULL",
			"audit chain broken at event 3: the chain head has no seal (written by an older version, or edited)"},
		{"edit the head's seal", "UPDATE audit_head SET mac = zeroblob(32)", "audit chain broken at event 5: the chain head was edited"},
		{"delete the head", "DELETE FROM audit_head", "audit chain broken at event 5: the chain head is missing (it was deleted)"},
		{"empty the log", "DELETE FROM audit_events; DELETE FROM audit_head",
			"audit chain broken at event 1: the audit log is empty although accounts exist (events were deleted)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
			e.mustCtl("another long passphrase\n", "account", "create", "--name", "bob@contoso.com", "--password-stdin")
			e.mustCtl("", "policy", "set", "codeLength=8")
			e.mustCtl("", "policy", "set", "codeLength=6")
			if out := e.mustCtl("", "audit", "verify"); out != "audit chain intact: 4 events\n" {
				t.Fatalf("verify = %q", out)
			}
			if out, err := exec.Command(sqlite3, filepath.Join(e.data, datafolder.DatabaseName), tt.sql).CombinedOutput(); err != nil {
				t.Fatalf("sqlite3: %v %s", err, out)
			}
			code, out, _ := e.ctl("", "audit", "verify")
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Fatalf("after %s: exit %d %q; want %q", tt.name, code, out, tt.want)
			}
		})
	}
}

// TestAuditVerifyCutStaysBroken: commands run after the end of the log was
// cut (or the whole log emptied) must not seal the damage over.
func TestAuditVerifyCutStaysBroken(t *testing.T) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatal("the sqlite3 tool is needed (make deps installs it)")
	}
	for name, sql := range map[string]string{
		"cut the end and move the head back": "DELETE FROM audit_events WHERE seq > 2; UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2)",
		"empty the log":                      "DELETE FROM audit_events; DELETE FROM audit_head",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
			e.mustCtl("another long passphrase\n", "account", "create", "--name", "bob@contoso.com", "--password-stdin")
			e.mustCtl("", "policy", "set", "codeLength=8")
			if out, err := exec.Command(sqlite3, filepath.Join(e.data, datafolder.DatabaseName), sql).CombinedOutput(); err != nil {
				t.Fatalf("sqlite3: %v %s", err, out)
			}
			e.mustCtl("", "policy", "set", "codeLength=6")
			e.mustCtl("a third long passphrase\n", "account", "create", "--name", "carol@contoso.com", "--password-stdin")
			code, out, _ := e.ctl("", "audit", "verify")
			if code != 1 || !strings.Contains(out, "the chain head has no seal") {
				t.Fatalf("after %s and two more commands: exit %d %q; want the head reported unsealed", name, code, out)
			}
		})
	}
}

func TestAuditListAndMethodsJSON(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	e.mustCtl("another long passphrase\n", "account", "create", "--name", "bob@contoso.com", "--password-stdin")
	var events []map[string]any
	json.Unmarshal([]byte(e.mustCtl("", "audit", "list", "--account", "bob@contoso.com", "--json")), &events)
	if len(events) != 1 || events[0]["action"] != core.ActionAccountCreated || events[0]["account"] != "bob@contoso.com" || events[0]["source"] != "cli" {
		t.Fatalf("bob's events = %v", events)
	}

	// Put two proven methods in place the way the add flow leaves them.
	f, err := datafolder.Open(context.Background(), datafolder.Options{Dir: e.data, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	err = f.Store.Update(context.Background(), func(tx core.Tx) error {
		a, err := tx.AccountByName("alice@contoso.com")
		if err != nil {
			return err
		}
		for _, m := range []*core.Method{
			{ID: "m1", AccountID: a.ID, Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, Language: "en", CreatedAt: created},
			{ID: "m2", AccountID: a.ID, Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail, Language: "de", CreatedAt: created.Add(time.Minute)},
		} {
			if err := tx.CreateMethod(m); err != nil {
				return err
			}
		}
		a.DefaultMethodID, a.DefaultChannel = "m1", core.ChannelSMS
		return tx.UpdateAccount(a)
	})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var methods []json.RawMessage
	if err := json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "list", "--json")), &methods); err != nil {
		t.Fatal(err)
	}
	if len(methods) != 2 {
		t.Fatalf("methods = %d", len(methods))
	}
	want := []string{"channel", "createdAt", "detail", "id", "isDefault", "kind", "language", "lastUsedAt", "name", "usableFor"}
	if got := jsonKeys(t, methods[0]); !reflect.DeepEqual(got, want) {
		t.Fatalf("method JSON keys = %v, want %v", got, want)
	}
	var phone, email struct {
		ID, Kind, Detail, Channel, Language string
		IsDefault                           bool
		UsableFor                           []string
		LastUsedAt                          *string
	}
	json.Unmarshal(methods[0], &phone)
	json.Unmarshal(methods[1], &email)
	if phone.Kind != "phone" || phone.Detail != "+442079460958" || phone.Channel != "sms" || !phone.IsDefault ||
		!reflect.DeepEqual(phone.UsableFor, []string{"signIn", "reset"}) || phone.LastUsedAt != nil {
		t.Fatalf("phone = %+v", phone)
	}
	if email.Kind != "email" || email.IsDefault || !reflect.DeepEqual(email.UsableFor, []string{"reset"}) || email.Language != "de" {
		t.Fatalf("email = %+v", email)
	}

	// Delete without --yes changes nothing and says what would follow.
	code, out, _ := e.ctl("", "--as", "alice@contoso.com", "methods", "delete", "m1")
	if code != 1 || !strings.Contains(out, "No two-step sign-in method is left") {
		t.Fatalf("delete preview: exit %d %s", code, out)
	}
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "delete", "m1", "--yes")
	out = e.mustCtl("", "--as", "alice@contoso.com", "methods", "delete", "m2", "--yes")
	if !strings.Contains(out, "scheduled") {
		t.Fatalf("deleting the last info: %s", out)
	}
	code, _, errs := e.ctl("", "--as", "alice@contoso.com", "methods", "rename", "m2", "x")
	if code != 1 || !strings.Contains(errs, "scheduled for") {
		t.Fatalf("change while pending: exit %d %s", code, errs)
	}
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "cancel-removal")
}

func TestKeyMismatch(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	other := *e
	other.key = filepath.Join(t.TempDir(), "other-key")
	code, _, errs := other.ctl("", "account", "list")
	if code != 1 || !strings.Contains(errs, "was set up with a key") {
		t.Fatalf("missing key file: exit %d %s", code, errs)
	}
	newKey := newEnv(t)
	newKey.mustCtl("", "account", "list") // makes newKey.key
	other.key = newKey.key
	code, _, errs = other.ctl("", "account", "list")
	if code != 1 || !strings.Contains(errs, "is not the key this data folder was created with") {
		t.Fatalf("wrong key: exit %d %s", code, errs)
	}
}

// TestVersion: --version prints the version, commit and build date the
// build set, and runs no command.
func TestVersion(t *testing.T) {
	version.Version, version.Commit, version.Date = "1.2.3", "abcdef123456", "2026-12-03T12:00:00Z"
	defer func() { version.Version, version.Commit, version.Date = "", "", "" }()
	e := newEnv(t)
	if out := e.mustCtl("", "--version"); out != "securityinfoctl 1.2.3 (commit abcdef123456, built 2026-12-03T12:00:00Z)\n" {
		t.Fatalf("--version: %q", out)
	}
}
