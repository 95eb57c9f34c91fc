package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// postFrom posts body to path with X-Forwarded-For set to xff ("" for
// none), as a proxy in front of the server would, and returns the status
// and the answer.
func (e *env) postFrom(path, xff string, body any) (int, string) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// signInFrom signs in from xff and returns the status.
func (e *env) signInFrom(xff, name, password string) int {
	e.t.Helper()
	status, _ := e.postFrom("/v1/signIn", xff, map[string]string{"name": name, "password": password})
	return status
}

// behindProxy is a server whose trusted reverse proxy is this machine
// (every test request comes from 127.0.0.1), with one account.
func behindProxy(t *testing.T, proxies ...string) *env {
	t.Helper()
	var trusted []netip.Prefix
	if len(proxies) > 0 {
		var err error
		if trusted, err = remote.ParseProxies(proxies); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnvWith(t, openSQLite(t), nil, nil, func(s *remote.Server) { s.TrustedProxies = trusted })
	// Made in-process: through a trusted proxy no request is local.
	if _, err := e.svc.CreateFirstAccount(context.Background(), core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestOneAddressDoesNotLockOutItsNeighbours: behind a trusted proxy, 30
// wrong sign-ins from one client use up that client's minute, not the
// proxy's: another person's right password through the same proxy is
// accepted. A client cannot escape its count by forging the header (the
// proxy appends the address it saw; only the nearest untrusted hop
// counts), nor by rotating addresses within its IPv6 /64.
func TestOneAddressDoesNotLockOutItsNeighbours(t *testing.T) {
	e := behindProxy(t, "127.0.0.1/32")
	for i := range 30 {
		// The client forges a left-hand hop each time; the proxy
		// appends 198.51.100.7.
		if status := e.signInFrom(fmt.Sprintf("10.9.9.%d, 198.51.100.7", i), fmt.Sprintf("junk%d@contoso.com", i), "wrong password"); status != 400 && status != 401 {
			t.Fatalf("junk %d: %d", i, status)
		}
	}
	if status := e.signInFrom("10.9.9.99, 198.51.100.7", "junk@contoso.com", "wrong password"); status != 429 {
		t.Fatalf("the 31st junk sign-in: %d, want 429", status)
	}
	if status := e.signInFrom("198.51.100.8", "alice@contoso.com", "a long enough passphrase"); status != 200 {
		t.Fatalf("a neighbour's right password: %d", status)
	}
	for i := range 30 {
		e.signInFrom(fmt.Sprintf("2001:db8:1:2::%x", i+1), fmt.Sprintf("v6junk%d@contoso.com", i), "wrong password")
	}
	if status := e.signInFrom("2001:db8:1:2:ffff::1", "v6junk@contoso.com", "wrong password"); status != 429 {
		t.Fatalf("another address of the same /64: %d, want 429", status)
	}
	if status := e.signInFrom("2001:db8:1:3::1", "alice@contoso.com", "a long enough passphrase"); status != 200 {
		t.Fatalf("the next /64: %d", status)
	}
}

// TestForwardedForIsIgnoredWithoutATrustedProxy: with no trusted proxy,
// a client rotating X-Forwarded-For is still one address.
func TestForwardedForIsIgnoredWithoutATrustedProxy(t *testing.T) {
	e := behindProxy(t)
	for i := range 30 {
		e.signInFrom(fmt.Sprintf("203.0.113.%d", i), fmt.Sprintf("junk%d@contoso.com", i), "wrong password")
	}
	if status := e.signInFrom("203.0.113.200", "junk@contoso.com", "wrong password"); status != 429 {
		t.Fatalf("a forged header escaped the limit: %d", status)
	}
}

// TestRightPasswordsDoNotUseUpTheAddress: 35 right sign-ins from one
// address in a minute (an office behind one NAT address) are all
// accepted: only failures count.
func TestRightPasswordsDoNotUseUpTheAddress(t *testing.T) {
	e := behindProxy(t)
	for i := range 35 {
		if status := e.signInFrom("", "alice@contoso.com", "a long enough passphrase"); status != 200 {
			t.Fatalf("right sign-in %d: %d", i+1, status)
		}
	}
}

// TestTrustedProxyValues: --trusted-proxy takes addresses and prefixes,
// and says what it wants otherwise.
func TestTrustedProxyValues(t *testing.T) {
	got, err := remote.ParseProxies([]string{"10.0.0.5", "10.1.0.0/16, 2001:db8::/48", "::ffff:192.0.2.1"})
	if err != nil || fmt.Sprint(got) != "[10.0.0.5/32 10.1.0.0/16 2001:db8::/48 192.0.2.1/32]" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := remote.ParseProxies([]string{"proxy.contoso.com"}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("CIDR")) {
		t.Fatalf("a name: %v", err)
	}
}
