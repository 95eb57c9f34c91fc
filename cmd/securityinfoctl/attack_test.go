package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
)

// A world-readable configuration whose webhook URL carries its secret in
// the query (or path) instead of user:password@ is accepted.
func TestAttackFixedWorldReadableConfigWithTokenInURL(t *testing.T) {
	for _, body := range []string{
		"[webhook]\nurl = \"https://sms.example.com/send?token=s3cr3t-t0ken\"\n",
		"[twilio]\naccount_sid = \"AC123\"\nfrom = \"+15550100\"\nbase_url = \"https://api.example.com/?auth_token=s3cr3t\"\n",
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, datafolder.ConfigName)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, 0o644)
		if _, err := datafolder.LoadConfig(dir, "", func(string) string { return "" }); err == nil {
			t.Errorf("world-readable config accepted:\n%s", body)
		}
	}
	// held: user:password@ and [webhook] token are refused
	for _, body := range []string{"[webhook]\nurl = \"https://u:p@sms.example.com/\"\n", "[webhook]\nurl = \"https://sms.example.com/\"\ntoken = \"x\"\n"} {
		dir := t.TempDir()
		path := filepath.Join(dir, datafolder.ConfigName)
		os.WriteFile(path, []byte(body), 0o644)
		os.Chmod(path, 0o644)
		if _, err := datafolder.LoadConfig(dir, "", func(string) string { return "" }); err == nil {
			t.Errorf("held check broke: %s", body)
		}
	}
}

// A --server on plain http:// to a host across the network would carry
// the password in clear: login is refused before it is sent, saying to
// use https://.
func TestAttackLoginOverPlainHTTP(t *testing.T) {
	for _, server := range []string{"http://192.0.2.1:8443", "http://example.com"} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"--server", server, "--token-file", filepath.Join(t.TempDir(), "token"),
			"login", "--account", "alice@contoso.com", "--password-stdin"}, strings.NewReader("the password of alice\n"), &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "is not a loopback address") || !strings.Contains(errb.String(), "use https://") {
			t.Errorf("login to %s: exit %d\n%s%s", server, code, out.String(), errb.String())
		}
	}
}
