package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// recoveryCodesJSON is what `methods add recovery-codes --json` prints.
type recoveryCodesJSON struct {
	Codes    []string `json:"codes"`
	MethodID string   `json:"methodId"`
}

func parseCodes(t *testing.T, out string) recoveryCodesJSON {
	t.Helper()
	var rc recoveryCodesJSON
	if err := json.Unmarshal([]byte(out), &rc); err != nil || len(rc.Codes) != 10 || rc.MethodID == "" {
		t.Fatalf("methods add recovery-codes --json printed %q (%v)", out, err)
	}
	return rc
}

// TestRecoveryCodesCommands: the codes printed once, the list's count,
// sign-in with a code (once), a password reset with a code, and new codes
// ending the old ones, on the data folder.
func TestRecoveryCodesCommands(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	var ch map[string]any
	json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "phone", "--number", "+442079460958", "--json")), &ch)
	c, _ := e.lastOutboxCode()
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "confirm", ch["verificationId"].(string), c)

	rc := parseCodes(t, e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "recovery-codes", "--json"))
	list := e.mustCtl("", "--as", "alice@contoso.com", "methods", "list")
	if !strings.Contains(list, "recoveryCodes") || !strings.Contains(list, "10 of 10 left") {
		t.Fatalf("methods list:\n%s", list)
	}
	jsonList := e.mustCtl("", "--as", "alice@contoso.com", "methods", "list", "--json")
	for _, code := range rc.Codes {
		if strings.Contains(list+jsonList, code) {
			t.Fatalf("a code is listed again:\n%s%s", list, jsonList)
		}
	}
	signIn := func(code string) (int, string, string) {
		return e.ctl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--recovery-code", code)
	}
	if code, out, errs := signIn(rc.Codes[0]); code != 0 || out != "Signed in as alice@contoso.com: password and recovery code.\n" {
		t.Fatalf("sign-in with a code: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := signIn(rc.Codes[0]); code != 1 || !strings.Contains(errs, "wrong or was already used") {
		t.Fatalf("the same code again: exit %d %q", code, errs)
	}
	out := e.mustCtl("another long passphrase\n", "password", "reset", "--account", "alice@contoso.com", "--recovery-code", rc.Codes[1])
	if !strings.Contains(out, "Your password was reset") {
		t.Fatalf("reset with a code: %q", out)
	}
	if code, _, errs := e.ctl("", "password", "reset", "--account", "alice@contoso.com", "--recovery-code", rc.Codes[1]); code != 1 || !strings.Contains(errs, "wrong or was already used") {
		t.Fatalf("reset with a used code: exit %d %q", code, errs)
	}
	fresh := parseCodes(t, e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "recovery-codes", "--new", "--json"))
	if fresh.MethodID != rc.MethodID {
		t.Fatalf("new codes are another set: %s, was %s", fresh.MethodID, rc.MethodID)
	}
	signIn = func(code string) (int, string, string) {
		return e.ctl("another long passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--recovery-code", code)
	}
	if code, _, errs := signIn(rc.Codes[2]); code != 1 || !strings.Contains(errs, "wrong or was already used") {
		t.Fatalf("an old code after --new: exit %d %q", code, errs)
	}
	if code, out, errs := signIn(fresh.Codes[2]); code != 0 {
		t.Fatalf("a new code: exit %d %q %q", code, out, errs)
	}
	text := e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "recovery-codes", "--new")
	if strings.Count(text, "-") != 20 || !strings.Contains(text, "not shown again") {
		t.Fatalf("codes as text:\n%s", text)
	}
}

// TestRecoveryCodeRaceThroughTheServer: a code typed in 32 sign-ins at
// once through the central service signs in exactly one, on a data
// folder's SQLite and on PostgreSQL.
func TestRecoveryCodeRaceThroughTheServer(t *testing.T) {
	for _, tt := range []struct {
		name  string
		serve func(e *env) *httptest.Server
	}{
		{"sqlite", func(e *env) *httptest.Server { _, srv := e.serve(); return srv }},
		{"postgres", func(e *env) *httptest.Server { return e.servePostgres() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			srv := tt.serve(e)
			token := filepath.Join(t.TempDir(), "token")
			remoteCtl := func(stdin string, args ...string) (int, string, string) {
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
			must("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
			must("a long enough passphrase\n", "login", "--account", "alice@contoso.com", "--password-stdin")
			var app struct {
				VerificationID string `json:"verificationId"`
				Secret         string `json:"secret"`
			}
			json.Unmarshal([]byte(must("", "methods", "add", "authenticator", "--json")), &app)
			totpCode, err := totp.GenerateCode(app.Secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			must("", "methods", "confirm", app.VerificationID, totpCode)
			rc := parseCodes(t, must("", "methods", "add", "recovery-codes", "--json"))

			codes := make([]int, 32)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i], _, _ = remoteCtl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com",
						"--password-stdin", "--recovery-code", rc.Codes[5])
				}()
			}
			wg.Wait()
			won := 0
			for _, c := range codes {
				if c == 0 {
					won++
				}
			}
			if won != 1 {
				t.Fatalf("one code signed in %d times through the server, want once (exits %v)", won, codes)
			}
			if list := must("", "methods", "list"); !strings.Contains(list, "9 of 10 left") {
				t.Fatalf("after the race:\n%s", list)
			}
		})
	}
}
