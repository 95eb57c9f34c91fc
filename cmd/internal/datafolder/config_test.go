package datafolder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/smtp/smtptest"
)

// secretsFunc adapts a function to the secrets interface.
type secretsFunc func(name string) (string, bool, error)

func (f secretsFunc) Secret(name string) (string, bool, error) { return f(name) }

func noSecrets(string) (string, bool, error) { return "", false, nil }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadConfig(dir, "", env(nil))
	if err != nil || c.Path != "" || c.SMTP.Host != "" {
		t.Fatalf("no file: %+v, %v", c, err)
	}
	if _, err := LoadConfig(dir, filepath.Join(dir, "missing.toml"), env(nil)); !strings.Contains(core.ErrorMessage(err), "does not exist") {
		t.Fatalf("missing --config: %v", err)
	}
	os.WriteFile(filepath.Join(dir, ConfigName), []byte(`
[smtp]
host = "mail.contoso.com"
port = 587
security = "starttls"
username = "mailer"
password = "from-file"
from = "security@contoso.com"

[twilio]
account_sid = "AC123"
auth_token = "tok"
from = "+14155550100"
base_url = "https://api.twilio.com"
`), 0o600)
	c, err = LoadConfig(dir, "", env(map[string]string{"SECURITYINFO_SMTP_PORT": "2525", "SECURITYINFO_SMTP_PASSWORD": "from-env",
		"SECURITYINFO_TWILIO_BASE_URL": "http://127.0.0.1:8080"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "mail.contoso.com" || c.SMTP.Port != 2525 || c.SMTP.Password != "from-env" || c.SMTP.Username != "mailer" ||
		c.Twilio.AccountSID != "AC123" || c.Twilio.BaseURL != "http://127.0.0.1:8080" {
		t.Fatalf("config %+v", c)
	}
	if _, err := LoadConfig(dir, "", env(map[string]string{"SECURITYINFO_SMTP_PORT": "x"})); !strings.Contains(core.ErrorMessage(err), "is not a number") {
		t.Fatalf("bad port: %v", err)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[smtp]\nhots = \"x\"\n"), 0o600)
	if _, err := LoadConfig(dir, bad, env(nil)); !strings.Contains(core.ErrorMessage(err), "unknown keys: smtp.hots") {
		t.Fatalf("typo: %v", err)
	}
	os.WriteFile(bad, []byte("[smtp\n"), 0o600)
	if _, err := LoadConfig(dir, bad, env(nil)); !strings.Contains(core.ErrorMessage(err), "not valid TOML") {
		t.Fatalf("broken TOML: %v", err)
	}
}

func TestBuildRoutesEachChannelOnItsOwn(t *testing.T) {
	out := outbox.New(filepath.Join(t.TempDir(), "outbox.jsonl"), nil)
	c := &Config{}
	d, err := c.Build(out, secretsFunc(noSecrets))
	if err != nil || !d.Outbox || d.Router[core.ChannelEmail] != out || d.Router[core.ChannelSMS] != out || d.Router[core.ChannelVoice] != out {
		t.Fatalf("nothing configured: %+v %v", d, err)
	}
	c.SMTP.Host, c.SMTP.From, c.SMTP.Security = "localhost", "a@contoso.com", "none"
	d, _ = c.Build(out, secretsFunc(noSecrets))
	if d.Router[core.ChannelEmail] == out || d.Router[core.ChannelSMS] != out || !d.Outbox {
		t.Fatalf("smtp only: %+v", d.Where)
	}
	c.Twilio.AccountSID, c.Twilio.From = "AC1", "+14155550100"
	asked := ""
	d, err = c.Build(out, secretsFunc(func(name string) (string, bool, error) { asked = name; return "tok-from-keyring", true, nil }))
	if err != nil || d.Outbox || asked != SecretTwilioToken || d.Router[core.ChannelVoice] == out {
		t.Fatalf("twilio with keyring token: %+v %v asked %q", d, err, asked)
	}
	c.Webhook.URL = "http://127.0.0.1:9"
	if _, err := c.Build(out, secretsFunc(noSecrets)); !strings.Contains(core.ErrorMessage(err), "Both [twilio] and [webhook]") {
		t.Fatalf("both providers: %v", err)
	}
	c = &Config{}
	c.SMTP.Host, c.SMTP.From, c.SMTP.Username = "mail.contoso.com", "a@contoso.com", "mailer"
	if _, err := c.Build(out, secretsFunc(noSecrets)); !strings.Contains(core.ErrorMessage(err), "config set-secret smtp-password") {
		t.Fatalf("username without password: %v", err)
	}
}

// TestEmailCodeThroughRealSMTPServer adds an email method with the code
// read out of the message a real SMTP server received.
func TestEmailCodeThroughRealSMTPServer(t *testing.T) {
	srv := smtptest.Start(t, "starttls", "mailer", "s3cret")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "custom.toml")
	os.WriteFile(cfg, []byte(`[smtp]
host = "127.0.0.1"
port = `+strconv.Itoa(srv.Port)+`
security = "starttls"
username = "mailer"
from = "security@contoso.com"
ca_file = "`+srv.CAFile+`"
`), 0o600)
	ctx := context.Background()
	f, err := Open(ctx, Options{Dir: filepath.Join(dir, "data"), KeyFile: filepath.Join(dir, "key"), Config: cfg,
		Getenv: env(map[string]string{"SECURITYINFO_SMTP_PASSWORD": "s3cret"})})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	admin := core.WithActor(ctx, core.LocalAdministrator)
	alice, err := f.Service.CreateAccount(admin, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase", Language: "de"})
	if err != nil {
		t.Fatal(err)
	}
	self := core.WithActor(ctx, core.OwnerActor(alice, "test")) // only the owner adds
	ch, err := f.Service.BeginEmail(self, alice.ID, "alain@gmail.com", "")
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To != "alain@gmail.com" || !msgs[0].TLS || msgs[0].User != "mailer" {
		t.Fatalf("server got %+v", msgs)
	}
	if !strings.Contains(msgs[0].Data, "Content-Language: de") {
		t.Fatalf("the German account's address got:\n%s", msgs[0].Data)
	}
	code := regexp.MustCompile(`(?m)^\s+(\d{6})\s*$`).FindStringSubmatch(strings.ReplaceAll(msgs[0].Data, "\r", ""))
	if code == nil {
		t.Fatalf("no code in:\n%s", msgs[0].Data)
	}
	m, err := f.Service.Confirm(self, alice.ID, ch.VerificationID, code[1])
	if err != nil || m.Kind != core.KindEmail || m.Language != "de" {
		t.Fatalf("confirm: %+v, %v", m, err)
	}
	if entries, _ := outbox.Read(f.Outbox.Path()); len(entries) != 0 {
		t.Fatalf("email went to the outbox too: %+v", entries)
	}
	if f.Delivery.Where[core.ChannelEmail] == "local outbox (not delivered)" || !f.Delivery.Outbox {
		t.Fatalf("where: %+v", f.Delivery.Where)
	}
}

// TestLoadConfigRefusesSecretsOthersCanRead checks that a configuration
// file holding a secret is refused, like a key file, when users other than
// the owner can read it, and accepted otherwise.
func TestLoadConfigRefusesSecretsOthersCanRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not say who can read a file on Windows")
	}
	const (
		noSecret = "[smtp]\nhost = \"mail.contoso.com\"\nusername = \"mailer\"\nfrom = \"security@contoso.com\"\n"
		password = noSecret + "password = \"s3cret\"\n"
		token    = "[twilio]\naccount_sid = \"AC123\"\nauth_token = \"tok\"\nfrom = \"+14155550100\"\n"
		webhook  = "[webhook]\nurl = \"https://sms.contoso.com/send\"\ntoken = \"tok\"\n"
		inURL    = "[webhook]\nurl = \"https://gw:s3cret@sms.contoso.com/send\"\n"
	)
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		refused bool
	}{
		{"password world-readable", password, 0o644, true},
		{"password group-readable", password, 0o640, true},
		{"password other-writable", password, 0o602, true},
		{"password owner only", password, 0o600, false},
		{"password owner read-only", password, 0o400, false},
		{"twilio token world-readable", token, 0o644, true},
		{"twilio token owner only", token, 0o600, false},
		{"webhook token world-readable", webhook, 0o644, true},
		{"password in webhook URL world-readable", inURL, 0o644, true},
		{"no secret world-readable", noSecret, 0o644, false},
		{"no secret group-readable", noSecret, 0o640, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ConfigName)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // not subject to the umask
				t.Fatal(err)
			}
			for _, explicit := range []string{"", path} {
				c, err := LoadConfig(dir, explicit, env(nil))
				if !tt.refused {
					if err != nil || c.Path != path {
						t.Fatalf("LoadConfig(%q) = %+v, %v; want it accepted", explicit, c, err)
					}
					continue
				}
				want := fmt.Sprintf("The configuration file %s can be read by other users (mode %v). Run: chmod 600 %s", path, tt.mode, path)
				if core.ErrorCode(err) != core.EUNAVAILABLE || core.ErrorMessage(err) != want {
					t.Fatalf("LoadConfig(%q) error = %v (%s), want %s: %q", explicit, err, core.ErrorCode(err), core.EUNAVAILABLE, want)
				}
			}
		})
	}
	t.Run("secret from the environment only", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, ConfigName)
		os.WriteFile(path, []byte(noSecret), 0o600)
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(dir, "", env(map[string]string{"SECURITYINFO_SMTP_PASSWORD": "s3cret"}))
		if err != nil || c.SMTP.Password != "s3cret" {
			t.Fatalf("LoadConfig = %+v, %v; want the readable file without a secret accepted", c, err)
		}
	})
}

// TestConfigMessageMatchesKeyFile checks that the refusal reads like the
// key file's, so both are fixed the same way.
func TestConfigMessageMatchesKeyFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not say who can read a file on Windows")
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	if _, err := keyring.KeyFile(key, true, nil); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, ConfigName)
	os.WriteFile(cfg, []byte("[twilio]\nauth_token = \"tok\"\n"), 0o600)
	for _, p := range []string{key, cfg} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, kerr := keyring.KeyFile(key, false, nil)
	_, cerr := LoadConfig(dir, "", env(nil))
	kmsg := strings.NewReplacer("key file", "FILE", key, "PATH").Replace(core.ErrorMessage(kerr))
	cmsg := strings.NewReplacer("configuration file", "FILE", cfg, "PATH").Replace(core.ErrorMessage(cerr))
	if kerr == nil || cerr == nil || core.ErrorCode(kerr) != core.ErrorCode(cerr) || kmsg != cmsg {
		t.Fatalf("key file: %v\nconfig:   %v", kerr, cerr)
	}
}

// TestConfigNamesTheServer: server and ca_file are read from the file.
func TestConfigNamesTheServer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "securityinfo.toml"), []byte("server = \"https://si.contoso.com:8443\"\nca_file = \"/etc/ssl/contoso-ca.pem\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(dir, "", func(string) string { return "" })
	if err != nil || cfg.Server != "https://si.contoso.com:8443" || cfg.CAFile != "/etc/ssl/contoso-ca.pem" {
		t.Fatalf("config = %+v, %v", cfg, err)
	}
}
