package main

import (
	"os"
	"path/filepath"
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
