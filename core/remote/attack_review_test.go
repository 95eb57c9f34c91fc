package remote_test

// An outside review of the issue-18 fixes wrote these attacks; each
// failed when written (the comments say what it found) and holds since.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// setupFrom posts a first account with X-Forwarded-For xff ("" none).
func (e *env) setupFrom(xff string) (int, string) {
	e.t.Helper()
	return e.postFrom("/v1/setup/firstAccount", xff, core.NewAccount{Name: "mallory@contoso.com", Password: "a long enough passphrase"})
}

func proxied(t *testing.T, proxies ...string) *env {
	var trusted []netip.Prefix
	if len(proxies) > 0 {
		var err error
		if trusted, err = remote.ParseProxies(proxies); err != nil {
			t.Fatal(err)
		}
	}
	return newEnvWith(t, openSQLite(t), nil, nil, func(s *remote.Server) { s.TrustedProxies = trusted })
}

// TestReviewSetupThroughALocalProxy: securityinfod listens on loopback
// (its default; plain HTTP is only allowed there) and a TLS reverse proxy
// on the same machine forwards the world to it. Every remote client then
// arrives from 127.0.0.1 and becomes the administrator without the token.
func TestReviewSetupThroughALocalProxy(t *testing.T) {
	t.Run("no --trusted-proxy, the proxy sends X-Forwarded-For", func(t *testing.T) {
		e := proxied(t)
		if status, body := e.setupFrom("198.51.100.7"); status == 201 {
			t.Errorf("a remote client through a local proxy became administrator without the token: %d %s", status, body)
		}
	})
	t.Run("--trusted-proxy 127.0.0.1, the proxy does not add the header", func(t *testing.T) {
		e := proxied(t, "127.0.0.1")
		if status, body := e.setupFrom(""); status == 201 {
			t.Errorf("no X-Forwarded-For from a trusted proxy counts as this machine: %d %s", status, body)
		}
	})
	t.Run("--trusted-proxy 127.0.0.1, the proxy appends ip:port", func(t *testing.T) {
		e := proxied(t, "127.0.0.1")
		if status, body := e.setupFrom("198.51.100.7:51234"); status == 201 {
			t.Errorf("an address with a port falls back to the loopback proxy: %d %s", status, body)
		}
	})
	t.Run("--trusted-proxy 10.0.0.5 on another machine, a connection from the proxy's own loopback", func(t *testing.T) {
		// nginx on 10.0.0.5 appends $remote_addr; a request made on that
		// machine (a local user, an SSRF in another site it serves)
		// arrives as "127.0.0.1": the proxy's loopback, not this one's.
		e := proxied(t, "10.0.0.5")
		b, _ := json.Marshal(core.NewAccount{Name: "mallory@contoso.com", Password: "a long enough passphrase"})
		req := httptest.NewRequest("POST", "/v1/setup/firstAccount", bytes.NewReader(b))
		req.RemoteAddr = "10.0.0.5:41000"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "127.0.0.1")
		rec := httptest.NewRecorder()
		e.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code == 201 {
			t.Errorf("the proxy machine's loopback counts as this machine: %d %s", rec.Code, rec.Body.String())
		}
	})
}

// TestReviewSetupHeld: what held. Without --trusted-proxy a remote peer
// forging a loopback X-Forwarded-For is refused; behind a trusted proxy
// a forged left-hand loopback hop is refused.
func TestReviewSetupHeld(t *testing.T) {
	for _, c := range []struct {
		proxies []string
		xff     string
	}{{nil, "127.0.0.1"}, {nil, "::1"}, {[]string{"10.0.0.5"}, "127.0.0.1, 203.0.113.5"}, {[]string{"10.0.0.5"}, "::ffff:127.0.0.1,203.0.113.5"}} {
		e := proxied(t, c.proxies...)
		b, _ := json.Marshal(core.NewAccount{Name: "mallory@contoso.com", Password: "a long enough passphrase"})
		req := httptest.NewRequest("POST", "/v1/setup/firstAccount", bytes.NewReader(b))
		req.RemoteAddr = "203.0.113.5:41000"
		if c.proxies != nil {
			req.RemoteAddr = "10.0.0.5:41000"
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", c.xff)
		rec := httptest.NewRecorder()
		e.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code != 403 {
			t.Errorf("%v %q: %d", c.proxies, c.xff, rec.Code)
		}
	}
}

// TestReviewPortsInForwardedForShareOneBucket: behind a proxy that
// appends ip:port, every client counts as the proxy: 30 junk sign-ins by
// one client lock out everyone else (issue 18 item 5 again).
func TestReviewPortsInForwardedForShareOneBucket(t *testing.T) {
	e := behindProxy(t, "127.0.0.1")
	for i := range 30 {
		e.signInFrom(fmt.Sprintf("198.51.100.7:%d", 40000+i), fmt.Sprintf("junk%d@contoso.com", i), "wrong password")
	}
	if status := e.signInFrom("203.0.113.9:40001", "alice@contoso.com", "a long enough passphrase"); status != 200 {
		t.Errorf("another client's right password after one client's junk: %d", status)
	}
}

// TestReviewParallelSignInsPassTheAddressLimit: the address's 30 failed
// sign-ins a minute is checked before the password and counted after it,
// so 120 wrong sign-ins sent at once (different names: password spraying)
// are all checked.
func TestReviewParallelSignInsPassTheAddressLimit(t *testing.T) {
	e := behindProxy(t)
	before := core.Hashing().Total
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range 120 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := e.signInFrom("", fmt.Sprintf("spray%d@contoso.com", i), "Winter2026!")
			mu.Lock()
			statuses[s]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	hashed := core.Hashing().Total - before
	t.Logf("answers %v, argon2id runs %d", statuses, hashed)
	if statuses[429] < 120-30 || hashed > 30 {
		t.Errorf("one address checked %d passwords at once (limit 30 a minute): %v", hashed, statuses)
	}
}
