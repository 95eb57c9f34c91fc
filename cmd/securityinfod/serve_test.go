package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServesAndStopsOnSIGTERM starts the service on a fresh SQLite folder,
// waits until /readyz answers, uses the API, and stops as on SIGTERM.
func TestServesAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	serveAndStop(t, "sqlite:"+filepath.Join(dir, "data"), "--key-file", filepath.Join(dir, "key"))
}

// TestServesOnPostgres is the same on a fresh PostgreSQL database.
func TestServesOnPostgres(t *testing.T) {
	dir := t.TempDir()
	serveAndStop(t, pgtest.FreshDatabase(t), "--key-file", filepath.Join(dir, "key"), "--data", filepath.Join(dir, "data"))
}

func serveAndStop(t *testing.T, store string, more ...string) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"--listen", addr, "--store", store}, more...), &logs)
	}()
	url := "http://" + addr
	ready := false
	for i := 0; i < 200 && !ready; i++ {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			ready = res.StatusCode == 200
			res.Body.Close()
		}
		if !ready {
			select {
			case err := <-done:
				t.Fatalf("stopped: %v\n%s", err, logs.String())
			case <-time.After(25 * time.Millisecond):
			}
		}
	}
	if !ready {
		t.Fatal("/readyz never answered 200")
	}
	res, err := http.Post(url+"/v1/setup/firstAccount", "application/json",
		strings.NewReader(`{"name":"alice@contoso.com","password":"a long enough passphrase"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 || !strings.Contains(string(body), `"role":"admin"`) {
		t.Fatalf("first account: %d %s", res.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop")
	}
}

func TestFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--key-file", "k"}, "--store is required"},
		{[]string{"--store", "sqlite:d"}, "--key-file is required"},
		{[]string{"--store", "sqlite:d", "--key-file", "k", "--listen", "0.0.0.0:8443"}, "not a loopback address"},
		{[]string{"--store", "sqlite:d", "--key-file", "k", "--tls-cert", "c"}, "go together"},
	} {
		if _, err := parseFlags(c.args, io.Discard); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	if _, err := parseFlags([]string{"--store", "sqlite:d", "--key-file", "k", "--listen", "[::1]:8443"}, io.Discard); err != nil {
		t.Errorf("loopback IPv6: %v", err)
	}
}
