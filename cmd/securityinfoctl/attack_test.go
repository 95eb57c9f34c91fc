package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
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

// serveRecording serves the env's data folder as the central service
// does, keeping the Authorization header of every request that has one.
func (e *env) serveRecording() (*datafolder.Folder, *httptest.Server, func() []string) {
	e.t.Helper()
	folder, err := datafolder.Open(context.Background(), datafolder.Options{Dir: e.data, KeyFile: e.key})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { folder.Close() })
	api := remote.NewServer(folder.Service, nil)
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			mu.Lock()
			auths = append(auths, a)
			mu.Unlock()
		}
		api.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	return folder, srv, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(auths) }
}

// A token file others can read hands them the session: it is refused,
// naming the file and the fix, and its token is not sent.
func TestAttackReadableTokenFile(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		t.Run(mode.String(), func(t *testing.T) {
			e := newEnv(t)
			_, srv, auths := e.serveRecording()
			token := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(token, []byte("0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(token, mode); err != nil { // whatever the umask
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"--server", srv.URL, "--token-file", token, "methods", "list"}, strings.NewReader(""), &out, &errb)
			if code != 1 || !strings.Contains(errb.String(), token) || !strings.Contains(errb.String(), "chmod 600 "+token) {
				t.Errorf("readable token file: exit %d\n%s%s", code, out.String(), errb.String())
			}
			if a := auths(); len(a) != 0 {
				t.Errorf("the token of a readable file was sent: %q", a)
			}
		})
	}
}

// Someone who can put a symlink where the token is kept (a shared folder)
// makes login overwrite a file of theirs choosing: the token path is
// replaced by a 0600 file of its own and the linked file is left alone.
func TestAttackTokenFileSymlink(t *testing.T) {
	e := newEnv(t)
	folder, srv, _ := e.serveRecording()
	if _, err := folder.Service.CreateFirstAccount(context.Background(), core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(t.TempDir(), "profile")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(victim, 0o644)
	token := filepath.Join(t.TempDir(), "token")
	if err := os.Symlink(victim, token); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--server", srv.URL, "--token-file", token, "login", "--account", "alice@contoso.com", "--password-stdin"},
		strings.NewReader("a long enough passphrase\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("login: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "precious\n" {
		t.Errorf("the linked file was written: %q %v", b, err)
	}
	if fi, err := os.Stat(victim); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the linked file's mode changed: %v", modeOf(fi, err))
	}
	if fi, err := os.Lstat(token); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("the token path after login: %v; want a regular 0600 file", modeOf(fi, err))
	}
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"--server", srv.URL, "--token-file", token, "methods", "list"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Errorf("methods list with the new token: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// The token is never written into a file others can read, not even for a
// moment: over an old 0644 token file, login writes a new 0600 file and
// renames it into place, so the old file (still open here, as a reader
// waiting on it would hold it) never holds the new token, and no
// temporary file is left behind.
func TestAttackTokenWrittenBeforeChmod(t *testing.T) {
	e := newEnv(t)
	folder, srv, _ := e.serveRecording()
	if _, err := folder.Service.CreateFirstAccount(context.Background(), core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(token, 0o644)
	old, err := os.Open(token)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--server", srv.URL, "--token-file", token, "login", "--account", "alice@contoso.com", "--password-stdin"},
		strings.NewReader("a long enough passphrase\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("login: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if b, err := io.ReadAll(old); err != nil || string(b) != "old\n" {
		t.Errorf("the token was written into the 0644 file: %q %v", b, err)
	}
	if fi, err := os.Lstat(token); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("the token file after login: %v; want a regular 0600 file", modeOf(fi, err))
	}
	if es, err := os.ReadDir(dir); err != nil || len(es) != 1 {
		t.Errorf("the token's folder after login: %v %v; want the token file only", es, err)
	}
}

func modeOf(fi os.FileInfo, err error) any {
	if err != nil {
		return err
	}
	return fi.Mode()
}
