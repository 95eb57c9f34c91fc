package main

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// lastOutboxCode reads the newest code from `outbox list --json`, as a
// person would read it from their phone.
func (e *env) lastOutboxCode() (string, map[string]any) {
	e.t.Helper()
	var entries []map[string]any
	if err := json.Unmarshal([]byte(e.mustCtl("", "outbox", "list", "--json")), &entries); err != nil {
		e.t.Fatal(err)
	}
	if len(entries) == 0 {
		e.t.Fatal("outbox is empty")
	}
	last := entries[len(entries)-1]
	text := strings.ReplaceAll(last["text"].(string), ", ", "")
	code := regexp.MustCompile(`\b\d{6,8}\b`).FindString(text)
	if code == "" {
		e.t.Fatalf("no code in %q", text)
	}
	return code, last
}

func TestAddEveryKindFromTheCommandLine(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	e.mustCtl("", "policy", "set", "organizationDomains=contoso.com")
	as := []string{"--as", "alice@contoso.com"}
	ctl := func(args ...string) string { return e.mustCtl("", append(as, args...)...) }

	// Phone by text, with a wrong code first.
	var ch map[string]any
	json.Unmarshal([]byte(ctl("methods", "add", "phone", "--number", "+44 20 7946 0958", "--channel", "sms", "--json")), &ch)
	for _, k := range []string{"verificationId", "destination", "expiresAt", "resendAfter"} {
		if _, ok := ch[k]; !ok {
			t.Fatalf("challenge JSON lacks %q: %v", k, ch)
		}
	}
	if ch["destination"] != "+442079460958" {
		t.Fatalf("destination %v", ch["destination"])
	}
	code, entry := e.lastOutboxCode()
	if entry["to"] != "+442079460958" || entry["channel"] != "sms" || entry["language"] != "en" {
		t.Fatalf("outbox entry %v", entry)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	rc, _, errs := e.ctl("", append(as, "methods", "confirm", ch["verificationId"].(string), wrong)...)
	if rc != 1 || !strings.Contains(errs, "That code is wrong. You have 4 tries left.") {
		t.Fatalf("wrong code: exit %d %q", rc, errs)
	}
	var phone map[string]any
	json.Unmarshal([]byte(ctl("methods", "confirm", ch["verificationId"].(string), code, "--json")), &phone)
	if phone["kind"] != "phone" || phone["isDefault"] != true {
		t.Fatalf("phone %v", phone)
	}

	// Office phone by call, with an extension; alternate phone.
	json.Unmarshal([]byte(ctl("methods", "add", "phone", "--number", "+49 30 901820", "--type", "office", "--extension", "123", "--json")), &ch)
	code, entry = e.lastOutboxCode()
	if entry["channel"] != "voice" {
		t.Fatalf("office phone entry %v", entry)
	}
	ctl("methods", "confirm", ch["verificationId"].(string), code)
	json.Unmarshal([]byte(ctl("methods", "add", "phone", "--number", "4255550112", "--country", "US", "--type", "alternate", "--json")), &ch)
	// Resend too soon, then after the wait.
	if rc, _, errs := e.ctl("", append(as, "methods", "resend", ch["verificationId"].(string))...); rc != 1 || !strings.Contains(errs, "You can ask for a new one in") {
		t.Fatalf("early resend: %d %s", rc, errs)
	}
	code, _ = e.lastOutboxCode()
	ctl("methods", "confirm", ch["verificationId"].(string), code)

	// Email; an organisation address is refused.
	if rc, _, errs := e.ctl("", append(as, "methods", "add", "email", "--address", "alice@contoso.com")...); rc != 1 || !strings.Contains(errs, "work or school email") {
		t.Fatalf("org address: %d %s", rc, errs)
	}
	json.Unmarshal([]byte(ctl("methods", "add", "email", "--address", "alain@gmail.com", "--json")), &ch)
	code, _ = e.lastOutboxCode()
	ctl("methods", "confirm", ch["verificationId"].(string), code)

	// Authenticator app: the code is computed from the secret, as an app would.
	qr := filepath.Join(t.TempDir(), "qr.png")
	var enrol map[string]string
	json.Unmarshal([]byte(ctl("methods", "add", "authenticator", "--name", "Pixel", "--qr", qr, "--json")), &enrol)
	if !strings.HasPrefix(enrol["uri"], "otpauth://totp/Security%20info:alice@contoso.com?secret="+enrol["secret"]) {
		t.Fatalf("enrolment %v", enrol)
	}
	if fi, err := os.Stat(qr); err != nil || fi.Size() < 100 {
		t.Fatalf("QR file: %v", err)
	}
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(enrol["secret"]); err != nil {
		t.Fatal(err)
	}
	appCode, _ := totp.GenerateCode(enrol["secret"], time.Now())
	ctl("methods", "confirm", enrol["verificationId"], appCode)

	// Security questions from stdin.
	var bank []core.Question
	json.Unmarshal([]byte(e.mustCtl("", "questions", "list", "--json")), &bank)
	if len(bank) < 20 {
		t.Fatalf("bank of %d", len(bank))
	}
	qas := `[{"question":"city-born","answer":"Leeds"},{"question":"first-pet","answer":"Rex"},{"question":"` + bank[5].Text + `","answer":"Ford Fiesta"}]`
	e.mustCtl(qas, append(as, "methods", "add", "questions")...)

	var methods []map[string]any
	json.Unmarshal([]byte(ctl("methods", "list", "--json")), &methods)
	kinds := map[string]bool{}
	for _, m := range methods {
		kinds[m["kind"].(string)] = true
	}
	for _, k := range []string{"phone", "officePhone", "alternatePhone", "email", "authenticatorApp", "securityQuestions"} {
		if !kinds[k] {
			t.Errorf("%s not listed: %v", k, methods)
		}
	}
	// Default can be moved to the app, and a phone's channel chosen.
	var appID string
	for _, m := range methods {
		if m["kind"] == "authenticatorApp" {
			appID = m["id"].(string)
		}
	}
	if out := ctl("methods", "default", phone["id"].(string), "--channel", "voice"); !strings.Contains(out, "Phone - call (+44 20 7946 0958)") {
		t.Fatalf("default: %s", out)
	}
	if out := ctl("methods", "rename", appID, "Work phone"); !strings.Contains(out, "Work phone") {
		t.Fatalf("rename: %s", out)
	}
	// Notices went to the phone and the address about later additions.
	var entries []map[string]any
	json.Unmarshal([]byte(e.mustCtl("", "outbox", "list", "--json")), &entries)
	notices := 0
	for _, en := range entries {
		if strings.Contains(en["text"].(string), "If this wasn't you") {
			notices++
		}
	}
	if notices < 4 {
		t.Fatalf("%d notices in the outbox", notices)
	}
}

func TestConfigCheck(t *testing.T) {
	e := newEnv(t)
	out := e.mustCtl("", "config", "check")
	if !strings.Contains(out, "email: local outbox (not delivered)") || !strings.Contains(out, "NOT delivered") {
		t.Fatalf("config check without config:\n%s", out)
	}
	os.MkdirAll(e.data, 0o700)
	cfg := filepath.Join(e.data, "securityinfo.toml")
	os.WriteFile(cfg, []byte("[smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"none\"\nfrom = \"security@contoso.com\"\n\n[webhook]\nurl = \"http://127.0.0.1:9/send\"\n"), 0o600)
	out = e.mustCtl("", "config", "check")
	if !strings.Contains(out, "email: SMTP 127.0.0.1:2525 (none, no authentication), from security@contoso.com") ||
		!strings.Contains(out, "sms:   webhook http://127.0.0.1:9/send") || strings.Contains(out, "NOT delivered") {
		t.Fatalf("config check:\n%s", out)
	}
	t.Setenv("SECURITYINFO_SMTP_SECURITY", "ssl")
	if rc, _, errs := e.ctl("", "config", "check"); rc != 1 || !strings.Contains(errs, `security must be "starttls", "tls" or "none"`) {
		t.Fatalf("bad env override: %d %s", rc, errs)
	}
}

func TestSigninCheck(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	if out := e.mustCtl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin"); !strings.Contains(out, "password only") {
		t.Fatalf("no methods: %s", out)
	}
	if rc, _, errs := e.ctl("wrong password here\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin"); rc != 1 || !strings.Contains(errs, "incorrect") {
		t.Fatalf("wrong password: %d %s", rc, errs)
	}
	// Add an app; the sign-in then needs its code.
	var enrol map[string]string
	json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "authenticator", "--json")), &enrol)
	code, _ := totp.GenerateCode(enrol["secret"], time.Now())
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "confirm", enrol["verificationId"], code)
	if rc, _, errs := e.ctl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--code", "000000x"); rc != 1 || !strings.Contains(errs, "wrong") {
		t.Fatalf("wrong code: %d %s", rc, errs)
	}
	next, _ := totp.GenerateCode(enrol["secret"], time.Now().Add(30*time.Second))
	if out := e.mustCtl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--code", next); !strings.Contains(out, "password and second factor") {
		t.Fatalf("with the app: %s", out)
	}
	// A phone as default: --send, then the code from the outbox.
	var ch map[string]any
	json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "add", "phone", "--number", "+442079460958", "--json")), &ch)
	c, _ := e.lastOutboxCode()
	var phone map[string]any
	json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "confirm", ch["verificationId"].(string), c, "--json")), &phone)
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "default", phone["id"].(string))
	var sent map[string]string
	json.Unmarshal([]byte(e.mustCtl("a long enough passphrase\n", "signin", "check", "--account", "alice@contoso.com", "--password-stdin", "--send", "--json")), &sent)
	if sent["destination"] != "+XX XXXXXXXX58" {
		t.Fatalf("send: %v", sent)
	}
	c, _ = e.lastOutboxCode()
	if out := e.mustCtl("", "signin", "check", "--account", "alice@contoso.com", "--method", sent["methodId"], "--sign-in", sent["signInId"], "--verification", sent["verificationId"], "--code", c); !strings.Contains(out, "second factor") {
		t.Fatalf("with the phone: %s", out)
	}
}

// TestAddSecurityKeyNeedsTheWindow: the command line says where a key is
// added, and exits 1.
func TestAddSecurityKeyNeedsTheWindow(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	if code, _, errs := e.ctl("", "--as", "alice@contoso.com", "methods", "add", "security-key"); code != 1 || !strings.Contains(errs, "needs the window") {
		t.Fatalf("methods add security-key: %d %s", code, errs)
	}
}

// TestSecurityKeysListRenameDelete: a key registered in the window (here
// a software key through the same data folder) is listed by the command
// line with its name, renamed and deleted there (the last security info:
// scheduled, as any other method).
func TestSecurityKeysListRenameDelete(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "alice@contoso.com", "--password-stdin")
	e.mustCtl("", "policy", "set", "enabledMethods=authenticatorApp,phone,email,securityKey")
	folder, err := datafolder.Open(context.Background(), datafolder.Options{Dir: e.data, KeyFile: e.key})
	if err != nil {
		t.Fatal(err)
	}
	alice, err := folder.Service.AccountByName(core.WithActor(context.Background(), core.LocalAdministrator), "alice@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	own := core.WithActor(context.Background(), core.OwnerActor(alice, "test"))
	ch, err := folder.Service.BeginSecurityKey(own, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	key := softkey.New()
	key.SetPIN("1234")
	rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
	cd := rp.ClientData(true, ch.Challenge)
	id, att, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(cd), "1234", "packed")
	if err != nil {
		t.Fatal(err)
	}
	m, err := folder.Service.ConfirmSecurityKey(own, alice.ID, ch.VerificationID, core.KeyRegistration{CredentialID: id, ClientData: cd, AttestationObject: att, Name: "YubiKey 5"})
	if err != nil {
		t.Fatal(err)
	}
	folder.Close()

	if out := e.mustCtl("", "--as", "alice@contoso.com", "methods", "list"); !strings.Contains(out, m.ID+"  securityKey  YubiKey 5") {
		t.Fatalf("methods list:\n%s", out)
	}
	if out := e.mustCtl("", "--as", "alice@contoso.com", "methods", "rename", m.ID, "Blue key"); out != "Renamed to Blue key\n" {
		t.Fatalf("rename: %q", out)
	}
	var ms []core.MethodView
	json.Unmarshal([]byte(e.mustCtl("", "--as", "alice@contoso.com", "methods", "list", "--json")), &ms)
	if len(ms) != 1 || ms[0].Kind != core.KindSecurityKey || ms[0].Name != "Blue key" {
		t.Fatalf("after rename: %+v", ms)
	}
	// The key is alice's last security info: its removal waits 30 days.
	e.mustCtl("", "--as", "alice@contoso.com", "methods", "delete", m.ID, "--yes")
	if out := e.mustCtl("", "--as", "alice@contoso.com", "methods", "list"); !strings.Contains(out, "Removal of security info scheduled") {
		t.Fatalf("after delete:\n%s", out)
	}
}
