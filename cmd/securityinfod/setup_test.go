package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestFirstAccountNeedsThisMachineOrTheToken: a freshly started service
// writes a one-time setup token 0600 into its folder and logs only the
// file's path. A client on another machine (here behind a trusted proxy
// on this one, which names it in X-Forwarded-For) cannot become the
// administrator without the token, nor with a wrong one; with it, it can.
// At the next start, with an account, the file is gone.
func TestFirstAccountNeedsThisMachineOrTheToken(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	args := []string{"--store", "sqlite:" + data, "--key-file", filepath.Join(dir, "key"), "--trusted-proxy", "127.0.0.1"}
	ctx, cancel := context.WithCancel(context.Background())
	url, done, logs := launch(t, ctx, args...)
	path := filepath.Join(data, SetupTokenFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the setup token file: %v %v", fi, err)
	}
	raw, _ := os.ReadFile(path)
	token := strings.TrimSpace(string(raw))
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
		t.Fatalf("the token is not 256 random bits in hex: %q", token)
	}
	if strings.Contains(logs.String(), token) || !strings.Contains(logs.String(), path) {
		t.Fatalf("the log must name the file, never the token:\n%s", logs.String())
	}
	setup := func(from, tok string) (int, string) {
		req, _ := http.NewRequest("POST", url+"/v1/setup/firstAccount",
			strings.NewReader(`{"name":"mallory@contoso.com","password":"a long enough passphrase"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", from)
		if tok != "" {
			req.Header.Set("Setup-Token", tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, tok := range []string{"", "0000000000000000000000000000000000000000000000000000000000000000", token[:63], token + "0"} {
		if status, body := setup("198.51.100.7", tok); status != 403 || !strings.Contains(body, "setup.remote") {
			t.Fatalf("another machine with token %q: %d %s", tok, status, body)
		}
	}
	// A client cannot pass for this machine through the header: the
	// proxy appends the address it saw.
	if status, body := setup("127.0.0.1, 198.51.100.7", ""); status != 403 {
		t.Fatalf("a forged loopback hop: %d %s", status, body)
	}
	if status, body := setup("198.51.100.7", token); status != 201 || !strings.Contains(body, `"role":"admin"`) {
		t.Fatalf("with the token: %d %s", status, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop")
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	_, done2, _ := launch(t, ctx2, args...)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the used token file is still there: %v", err)
	}
	cancel2()
	<-done2
}
