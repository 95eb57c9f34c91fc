package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestHelpdeskCommands: the desk's commands on a data folder, as the local
// administrator through the same rules: nothing before the person is
// verified, the code read out verifies them, the pass is printed once and
// signs in once, unlock and sign-out everywhere are audited with their
// reasons.
func TestHelpdeskCommands(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "admin@contoso.com", "--password-stdin")
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "uma@contoso.com", "--password-stdin")
	var ch struct {
		VerificationID string `json:"verificationId"`
	}
	json.Unmarshal([]byte(e.mustCtl("", "--as", "uma@contoso.com", "methods", "add", "email", "--address", "uma@gmail.com", "--json")), &ch)
	code, _ := e.lastOutboxCode()
	e.mustCtl("", "--as", "uma@contoso.com", "methods", "confirm", ch.VerificationID, code)
	var found []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
		Role        string `json:"role"`
		Methods     []struct {
			ID     string `json:"id"`
			Kind   string `json:"kind"`
			Detail string `json:"detail"`
		} `json:"methods"`
		LastSignInAt *string `json:"lastSignInAt"`
		Locked       bool    `json:"locked"`
	}
	if err := json.Unmarshal([]byte(e.mustCtl("", "helpdesk", "search", "um", "--json")), &found); err != nil || len(found) != 1 ||
		found[0].Name != "uma@contoso.com" || found[0].Role != "user" || len(found[0].Methods) != 1 ||
		found[0].Methods[0].Kind != "email" || found[0].Methods[0].Detail != "um*****@gmail.com" || found[0].LastSignInAt != nil || found[0].Locked {
		t.Fatalf("search: %+v %v", found, err)
	}
	methods := found[0].Methods

	if out := e.mustCtl("", "helpdesk", "show", "--account", "uma@contoso.com"); !strings.HasPrefix(out, "uma@contoso.com (") || !strings.HasSuffix(out, "Never signed in.\nNot verified by you.\n") {
		t.Fatalf("show before verification: %q", out)
	}
	if c, _, errs := e.ctl("", "tap", "create", "--account", "uma@contoso.com", "--reason", "INC-1"); c != 1 || !strings.Contains(errs, "Verify who is asking first") {
		t.Fatalf("a pass before verification: %d %s", c, errs)
	}
	var begun struct {
		VerificationID string `json:"verificationId"`
		Destination    string `json:"destination"`
		ExpiresAt      string `json:"expiresAt"`
	}
	if err := json.Unmarshal([]byte(e.mustCtl("", "helpdesk", "verify", "--account", "uma@contoso.com", "--method", methods[0].ID, "--json")), &begun); err != nil ||
		begun.Destination != "um*****@gmail.com" || begun.ExpiresAt == "" {
		t.Fatalf("verify: %+v %v", begun, err)
	}
	code, _ = e.lastOutboxCode()
	if out := e.mustCtl("", "helpdesk", "verify", "--account", "uma@contoso.com", "--verification", begun.VerificationID, "--code", code); !strings.HasPrefix(out, "Verified: the person asking owns uma@contoso.com (by email)") {
		t.Fatalf("finish: %q", out)
	}
	if out := e.mustCtl("", "helpdesk", "show", "--account", "uma@contoso.com"); !strings.Contains(out, "  email um*****@gmail.com\n") || !strings.Contains(out, "Verified by email until ") {
		t.Fatalf("show: %q", out)
	}
	if c, _, errs := e.ctl("", "tap", "create", "--account", "uma@contoso.com"); c != 1 || !strings.Contains(errs, "ticket reference or a reason") {
		t.Fatalf("a pass without a reason: %d %s", c, errs)
	}
	var pass struct {
		Pass      string `json:"pass"`
		ExpiresAt string `json:"expiresAt"`
		OneTime   bool   `json:"oneTime"`
	}
	raw := e.mustCtl("", "tap", "create", "--account", "uma@contoso.com", "--lifetime", "2h", "--length", "12", "--reason", "INC-1 lost phone", "--json")
	if err := json.Unmarshal([]byte(raw), &pass); err != nil || len(pass.Pass) != 12 || !pass.OneTime || pass.ExpiresAt == "" {
		t.Fatalf("tap create: %s %v", raw, err)
	}
	if out := e.mustCtl(pass.Pass+"\n", "signin", "check", "--account", "uma@contoso.com", "--tap-stdin"); out != "Signed in as uma@contoso.com: Temporary Access Pass.\n" {
		t.Fatalf("sign in with the pass: %q", out)
	}
	if c, _, errs := e.ctl(pass.Pass+"\n", "signin", "check", "--account", "uma@contoso.com", "--tap-stdin"); c != 1 || !strings.Contains(errs, "incorrect") {
		t.Fatalf("the one-time pass again: %d %s", c, errs)
	}
	e.mustCtl("", "tap", "delete", "--account", "uma@contoso.com") // before the reset below, which would end it
	if out := e.mustCtl("", "account", "unlock", "--account", "uma@contoso.com", "--reason", "INC-2"); out != "Unlocked uma@contoso.com.\n" {
		t.Fatalf("unlock: %q", out)
	}
	if out := e.mustCtl("", "password", "reset-by-helpdesk", "--account", "uma@contoso.com", "--reason", "INC-2b"); !strings.Contains(out, "must be changed at the next sign-in") {
		t.Fatalf("reset-by-helpdesk: %q", out)
	}
	if out := e.mustCtl("", "sessions", "revoke", "--account", "uma@contoso.com", "--reason", "INC-3"); out != "Signed uma@contoso.com out everywhere.\n" {
		t.Fatalf("revoke: %q", out)
	}
	if out := e.mustCtl("", "account", "require-reregister", "--account", "uma@contoso.com", "--reason", "INC-4"); !strings.Contains(out, "must register again") {
		t.Fatalf("require-reregister: %q", out)
	}
	if c, _, errs := e.ctl("", "helpdesk", "delete-method", methods[0].ID, "--account", "uma@contoso.com"); c != 1 || !strings.Contains(errs, "ticket reference") {
		t.Fatalf("delete-method without a reason: %d %s", c, errs)
	}
	if out := e.mustCtl("", "helpdesk", "delete-method", methods[0].ID, "--account", "uma@contoso.com", "--reason", "INC-5"); !strings.Contains(out, "last security info") {
		t.Fatalf("delete-method of the last info: %q", out)
	}
	var events []struct {
		Action string `json:"action"`
		Reason string `json:"reason"`
	}
	json.Unmarshal([]byte(e.mustCtl("", "audit", "list", "--account", "uma@contoso.com", "--json")), &events)
	var got []string
	for _, ev := range events {
		if ev.Reason != "" {
			got = append(got, ev.Action+"="+ev.Reason)
		}
	}
	if want := "tap.created=INC-1 lost phone tap.deleted=Temporary Access Pass deleted account.unlocked=INC-2 password.resetByHelpdesk=INC-2b sessions.revoked=INC-3 account.reregistrationRequired=INC-4 removal.scheduled=INC-5; verified by: local administrator; effective "; !strings.HasPrefix(strings.Join(got, " "), want) {
		t.Fatalf("audited reasons: %v\nwant %s", got, want)
	}
}

// TestHelpdeskCommandsThroughTheServer: the desk's commands with
// --server act as the signed-in agent: search, verify with the code read
// out, reset the password (printed once, changed at the next sign-in),
// and the photo-ID verification a second agent approves.
func TestHelpdeskCommandsThroughTheServer(t *testing.T) {
	e := newEnv(t)
	_, srv := e.serve()
	dir := t.TempDir()
	// as runs the command line against the server with one person's token.
	as := func(who, stdin string, args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		all := append([]string{"--server", srv.URL, "--token-file", filepath.Join(dir, who)}, args...)
		code := run(context.Background(), all, strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	must := func(who, stdin string, args ...string) string {
		t.Helper()
		code, out, errs := as(who, stdin, args...)
		if code != 0 {
			t.Fatalf("securityinfoctl --server %v as %s: exit %d\n%s%s", args, who, code, out, errs)
		}
		return out
	}
	must("admin", "a long enough passphrase\n", "account", "create", "--name", "admin@contoso.com", "--password-stdin")
	for _, a := range [][2]string{{"hd@contoso.com", "helpdesk"}, {"hd2@contoso.com", "helpdesk"}, {"uma@contoso.com", "user"}, {"wes@contoso.com", "user"}} {
		e.mustCtl("a long enough passphrase\n", "account", "create", "--name", a[0], "--role", a[1], "--password-stdin")
	}
	var ch struct {
		VerificationID string `json:"verificationId"`
	}
	json.Unmarshal([]byte(e.mustCtl("", "--as", "uma@contoso.com", "methods", "add", "email", "--address", "uma@gmail.com", "--json")), &ch)
	code, _ := e.lastOutboxCode()
	e.mustCtl("", "--as", "uma@contoso.com", "methods", "confirm", ch.VerificationID, code)
	// An agent's session passes two steps by proving an app it adds.
	signIn := func(who string) {
		t.Helper()
		must(who, "a long enough passphrase\n", "login", "--account", who+"@contoso.com", "--password-stdin")
		var app struct {
			VerificationID string `json:"verificationId"`
			Secret         string `json:"secret"`
		}
		json.Unmarshal([]byte(must(who, "", "methods", "add", "authenticator", "--json")), &app)
		c, err := totp.GenerateCode(app.Secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		must(who, "", "methods", "confirm", app.VerificationID, c)
	}
	signIn("hd")
	signIn("hd2")

	var found []struct {
		Name    string `json:"name"`
		Methods []struct {
			ID     string `json:"id"`
			Detail string `json:"detail"`
		} `json:"methods"`
	}
	if err := json.Unmarshal([]byte(must("hd", "", "helpdesk", "search", "uma", "--json")), &found); err != nil || len(found) != 1 || found[0].Methods[0].Detail != "um*****@gmail.com" {
		t.Fatalf("search: %+v %v", found, err)
	}
	if c, _, errs := as("hd", "", "password", "reset-by-helpdesk", "--account", "uma@contoso.com", "--reason", "INC-1"); c != 1 || !strings.Contains(errs, "Verify who is asking first") {
		t.Fatalf("a reset before verification: %d %s", c, errs)
	}
	var begun struct {
		VerificationID string `json:"verificationId"`
	}
	json.Unmarshal([]byte(must("hd", "", "helpdesk", "verify", "--account", "uma@contoso.com", "--method", found[0].Methods[0].ID, "--json")), &begun)
	code, _ = e.lastOutboxCode()
	must("hd", "", "helpdesk", "verify", "--account", "uma@contoso.com", "--verification", begun.VerificationID, "--code", code)
	if c, _, errs := as("hd2", "", "password", "reset-by-helpdesk", "--account", "uma@contoso.com", "--reason", "INC-1"); c != 1 || !strings.Contains(errs, "Verify who is asking first") {
		t.Fatalf("another agent uses the verification: %d %s", c, errs)
	}
	var tmp struct {
		Password   string `json:"password"`
		MustChange bool   `json:"mustChange"`
	}
	raw := must("hd", "", "password", "reset-by-helpdesk", "--account", "uma@contoso.com", "--reason", "INC-1 forgot password", "--json")
	if err := json.Unmarshal([]byte(raw), &tmp); err != nil || len(tmp.Password) != 16 || !tmp.MustChange {
		t.Fatalf("reset-by-helpdesk: %s %v", raw, err)
	}
	if c, _, errs := as("uma", "a long enough passphrase\n", "login", "--account", "uma@contoso.com", "--password-stdin"); c != 1 || !strings.Contains(errs, "incorrect") {
		t.Fatalf("the old password: %d %s", c, errs)
	}

	// A person with no method: verified by photo ID with a second agent.
	if c, _, errs := as("hd", "", "tap", "create", "--account", "wes@contoso.com", "--reason", "INC-2"); c != 1 || !strings.Contains(errs, "Verify who is asking first") {
		t.Fatalf("a pass before verification: %d %s", c, errs)
	}
	var req struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(must("hd", "", "helpdesk", "request-approval", "--account", "wes@contoso.com", "--kind", "inPerson", "--reason", "INC-2 passport", "--json")), &req)
	if c, _, errs := as("hd", "", "helpdesk", "approve", req.ID); c != 1 || !strings.Contains(errs, "your own request") {
		t.Fatalf("approving one's own request: %d %s", c, errs)
	}
	if out := must("hd2", "", "helpdesk", "approvals"); !strings.Contains(out, "wes@contoso.com") || !strings.Contains(out, "hd@contoso.com") || !strings.Contains(out, "INC-2 passport") {
		t.Fatalf("approvals: %q", out)
	}
	must("hd2", "", "helpdesk", "approve", req.ID)
	if out := must("hd", "", "tap", "create", "--account", "wes@contoso.com", "--reason", "INC-2"); !strings.Contains(out, "Temporary Access Pass for wes@contoso.com") {
		t.Fatalf("tap create after the approval: %q", out)
	}
	var events []struct {
		Action    string `json:"action"`
		ActorName string `json:"actor"`
		Detail    string `json:"detail"`
		Reason    string `json:"reason"`
	}
	json.Unmarshal([]byte(e.mustCtl("", "audit", "list", "--account", "wes@contoso.com", "--json")), &events)
	last := events[len(events)-1]
	if last.Action != "tap.created" || last.ActorName != "hd@contoso.com" || !strings.Contains(last.Detail, "in person with photo ID, approved by hd2@contoso.com") {
		t.Fatalf("audit: %+v", last)
	}
}
