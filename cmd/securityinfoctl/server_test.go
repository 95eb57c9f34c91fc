package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/remote"
)

// serve serves the env's data folder as the central service does.
func (e *env) serve() (*datafolder.Folder, *httptest.Server) {
	e.t.Helper()
	folder, err := datafolder.Open(context.Background(), datafolder.Options{Dir: e.data, KeyFile: e.key})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { folder.Close() })
	srv := httptest.NewServer(remote.NewServer(folder.Service, nil))
	e.t.Cleanup(srv.Close)
	return folder, srv
}

// servePostgres serves the env's folder (its outbox and key) as the
// central service does, over a fresh PostgreSQL database.
func (e *env) servePostgres() *httptest.Server {
	e.t.Helper()
	url := pgtest.FreshDatabase(e.t)
	folder, err := datafolder.Open(context.Background(), datafolder.Options{Dir: e.data, KeyFile: e.key,
		Store: func(ctx context.Context) (core.Store, error) { return postgres.Open(ctx, url) }})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { folder.Close() })
	srv := httptest.NewServer(remote.NewServer(folder.Service, nil))
	e.t.Cleanup(srv.Close)
	return srv
}

// TestServerCommands runs the command line against the central service:
// the first account, login with a token file, the methods commands acting
// as the signed-in account with the same output as on the data folder,
// admin commands, and logout.
func TestServerCommands(t *testing.T) {
	e := newEnv(t)
	_, srv := e.serve()
	serverScript(t, e, srv, true)
}

// TestServerCommandsOnPostgres: the same commands through a server whose
// store is PostgreSQL (no data folder to compare with: each output is
// checked as it is).
func TestServerCommandsOnPostgres(t *testing.T) {
	e := newEnv(t)
	serverScript(t, e, e.servePostgres(), false)
}

// serverScript is TestServerCommands' script; withFolder compares the
// outputs with the same commands on the data folder the server serves.
func serverScript(t *testing.T, e *env, srv *httptest.Server, withFolder bool) {
	token := filepath.Join(t.TempDir(), "token")
	remoteCtl := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		all := append([]string{"--server", srv.URL, "--token-file", token}, args...)
		code := run(context.Background(), all, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		code, out, errs := remoteCtl(stdin, args...)
		if code != 0 {
			t.Fatalf("securityinfoctl --server %v: exit %d\n%s%s", args, code, out, errs)
		}
		return out
	}
	if out := must("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin"); out != "Created account alice@contoso.com (admin)\n" {
		t.Fatalf("first account: %q", out)
	}
	if code, _, errs := remoteCtl("", "methods", "list"); code != 1 || !strings.Contains(errs, "Log in first") {
		t.Fatalf("before login: %d %s", code, errs)
	}
	if out := must("a long enough passphrase\n", "login", "--account", "alice@contoso.com", "--password-stdin"); !strings.Contains(out, "Signed in as alice@contoso.com") {
		t.Fatalf("login: %q", out)
	}
	if fi, err := os.Stat(token); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	var ch struct {
		VerificationID string `json:"verificationId"`
	}
	if err := json.Unmarshal([]byte(must("", "methods", "add", "email", "--address", "alain@gmail.com", "--json")), &ch); err != nil || ch.VerificationID == "" {
		t.Fatalf("add email: %+v %v", ch, err)
	}
	code, _ := e.lastOutboxCode()
	if out := must("", "methods", "confirm", ch.VerificationID, code); !strings.HasPrefix(out, "Added Email") {
		t.Fatalf("confirm: %q", out)
	}
	remoteList := must("", "methods", "list", "--json")
	localList := remoteList
	if withFolder {
		localList = e.mustCtl("", "--as", "alice@contoso.com", "methods", "list", "--json")
	}
	if remoteList != localList || !strings.Contains(remoteList, "alain@gmail.com") {
		t.Fatalf("methods list through the server:\n%s\nlocally:\n%s", remoteList, localList)
	}
	// Administration needs a session that passed two steps: adding and
	// proving an app in this session gives it.
	if code, _, errs := remoteCtl("", "audit", "verify"); code != 1 || !strings.Contains(errs, "second method") {
		t.Fatalf("audit verify on a password-only session: %d %s", code, errs)
	}
	var app struct {
		VerificationID string `json:"verificationId"`
		Secret         string `json:"secret"`
	}
	if err := json.Unmarshal([]byte(must("", "methods", "add", "authenticator", "--json")), &app); err != nil || app.Secret == "" {
		t.Fatalf("add app: %+v %v", app, err)
	}
	totpCode, err := totp.GenerateCode(app.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	must("", "methods", "confirm", app.VerificationID, totpCode)
	if out := must("", "audit", "verify"); !strings.HasPrefix(out, "audit chain intact") {
		t.Fatalf("audit verify: %q", out)
	}
	must("", "policy", "set", "issuer=Contoso")
	if out := must("", "policy", "show"); !strings.Contains(out, "Contoso") {
		t.Fatalf("policy set through the server not kept: %s", out)
	}
	if out := must("", "account", "list"); !strings.Contains(out, "alice@contoso.com") {
		t.Fatalf("account list: %q", out)
	}
	// The other data-folder commands: through the server as the signed-in
	// account, and on the folder itself, with the same output.
	same := func(args ...string) string {
		t.Helper()
		remoteOut := must("", args...)
		if !withFolder {
			return remoteOut
		}
		localOut := e.mustCtl("", append([]string{"--as", "alice@contoso.com"}, args...)...)
		if remoteOut != localOut {
			t.Fatalf("%v through the server:\n%s\non the folder:\n%s", args, remoteOut, localOut)
		}
		return remoteOut
	}
	var methods []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(same("methods", "list", "--json")), &methods); err != nil || len(methods) != 2 {
		t.Fatalf("methods: %+v %v", methods, err)
	}
	ids := map[string]string{}
	for _, m := range methods {
		ids[m.Kind] = m.ID
	}
	if out := must("", "methods", "rename", ids["authenticatorApp"], "Work phone app"); !strings.Contains(out, "Work phone app") {
		t.Fatalf("rename: %q", out)
	}
	if out := must("", "methods", "default", ids["authenticatorApp"]); !strings.Contains(out, "Authenticator app") {
		t.Fatalf("default: %q", out)
	}
	same("methods", "list")
	rc, rout, rerr := remoteCtl("", "methods", "delete", ids["email"])
	lc, lout, lerr := rc, rout, rerr
	if withFolder {
		lc, lout, lerr = e.ctl("", "--as", "alice@contoso.com", "methods", "delete", ids["email"])
	}
	if rc != 1 || rout != lout || rerr != lerr || !strings.Contains(rerr, "--yes") || !strings.HasPrefix(rout, "Deleting Email") {
		t.Fatalf("delete without --yes: through the server %d %q %q, on the folder %d %q %q", rc, rout, rerr, lc, lout, lerr)
	}
	if out := must("", "methods", "delete", ids["email"], "--yes"); !strings.Contains(out, "Deleted") {
		t.Fatalf("delete: %q", out)
	}
	var phone struct {
		VerificationID string `json:"verificationId"`
	}
	if err := json.Unmarshal([]byte(must("", "methods", "add", "phone", "--number", "+44 20 7946 0958", "--json")), &phone); err != nil {
		t.Fatal(err)
	}
	// A resend comes no sooner than the policy's wait, through the server
	// as locally: the same refusal.
	rc, _, rerr = remoteCtl("", "methods", "resend", phone.VerificationID)
	lc, lerr = rc, rerr
	if withFolder {
		lc, _, lerr = e.ctl("", "--as", "alice@contoso.com", "methods", "resend", phone.VerificationID)
	}
	if rc != 1 || lc != 1 || !strings.Contains(rerr, "ask for a new one in") || !strings.Contains(lerr, "ask for a new one in") {
		t.Fatalf("early resend: through the server %d %q, on the folder %d %q", rc, rerr, lc, lerr)
	}
	same("methods", "list", "--json")
	same("questions", "list")
	same("questions", "list", "--language", "de", "--json")
	same("policy", "show")
	same("policy", "show", "--json")
	same("audit", "list")
	same("audit", "list", "--json", "--account", "alice@contoso.com")
	same("audit", "verify")
	if out := must("another long passphrase\n", "account", "create", "--name", "bob@contoso.com", "--password-stdin"); out != "Created account bob@contoso.com (user)\n" {
		t.Fatalf("account create: %q", out)
	}
	same("account", "list")
	same("account", "list", "--json")
	if out := must("", "logout"); out != "Signed out.\n" {
		t.Fatalf("logout: %q", out)
	}
	if _, err := os.Stat(token); !os.IsNotExist(err) {
		t.Fatalf("the token file is still there: %v", err)
	}
	if code, _, errs := remoteCtl("", "methods", "list"); code != 1 || !strings.Contains(errs, "Log in first") {
		t.Fatalf("after logout: %d %s", code, errs)
	}
}

// TestServerFromConfiguration: server = "..." in securityinfo.toml makes
// the command line use the central service, with no local database.
func TestServerFromConfiguration(t *testing.T) {
	e := newEnv(t)
	folder, srv := e.serve()
	desk := t.TempDir()
	if err := os.WriteFile(filepath.Join(desk, "securityinfo.toml"), []byte("server = \""+srv.URL+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--data", desk, "--token-file", filepath.Join(desk, "token"), "account", "create",
		"--name", "alice@contoso.com", "--password-stdin"}, strings.NewReader("a long enough passphrase\n"), &out, &errb)
	if code != 0 || out.String() != "Created account alice@contoso.com (admin)\n" {
		t.Fatalf("account create: %d %s%s", code, out.String(), errb.String())
	}
	if need, err := folder.Service.NeedsFirstAccount(context.Background()); err != nil || need {
		t.Fatalf("the server's store has no account: %v %v", need, err)
	}
	if _, err := os.Stat(filepath.Join(desk, datafolder.DatabaseName)); !os.IsNotExist(err) {
		t.Fatalf("a local database was made: %v", err)
	}
}

// TestFirstAccountFromAnotherMachine: through a proxy that names the
// client as another machine, account create on a service without
// accounts is refused, and succeeds with --setup-token-file.
func TestFirstAccountFromAnotherMachine(t *testing.T) {
	e := newEnv(t)
	folder, err := datafolder.Open(context.Background(), datafolder.Options{Dir: e.data, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { folder.Close() })
	folder.Service.AllowSetup("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00")
	api := remote.NewServer(folder.Service, nil)
	api.TrustedProxies, _ = remote.ParseProxies([]string{"127.0.0.1", "::1"})
	proxy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("X-Forwarded-For", "198.51.100.7") // as the proxy in front would
		api.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	tokenFile := filepath.Join(t.TempDir(), "setup-token")
	os.WriteFile(tokenFile, []byte("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00\n"), 0o600)
	ctl := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--server", srv.URL}, args...), strings.NewReader("a long enough passphrase\n"), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := ctl("account", "create", "--name", "alice@contoso.com", "--password-stdin"); code == 0 || !strings.Contains(out, "setup token") {
		t.Fatalf("without the token: %d %s", code, out)
	}
	if code, out := ctl("account", "create", "--name", "alice@contoso.com", "--password-stdin", "--setup-token-file", tokenFile); code != 0 || !strings.Contains(out, "(admin)") {
		t.Fatalf("with the token: %d %s", code, out)
	}
}
