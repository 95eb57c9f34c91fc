package remote_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// catcher is a server an attacker controls: it keeps what reaches it.
type catcher struct {
	mu   sync.Mutex
	seen []string // method, path, Authorization and body of each request
}

func (c *catcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.seen = append(c.seen, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" body="+string(b))
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{}`))
}

// An attacker who can answer for the service (a hijacked proxy, a
// compromised front end) redirects every request to a server of theirs
// with 307, which keeps the method and the body: the client must not
// follow, so the password and the session token never reach it.
func TestAttackRedirectCarriesPasswordAndToken(t *testing.T) {
	evil := &catcher{}
	evilSrv := httptest.NewServer(evil)
	t.Cleanup(evilSrv.Close)
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, evilSrv.URL+r.URL.Path, status)
		}))
		c, err := remote.NewClient(front.URL, &http.Client{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_, err = c.SignIn(ctx, "alice@contoso.com", "the password of alice")
		checkRedirectRefused(t, status, err)
		me := core.WithActor(ctx, core.Actor{AccountID: "0123456789abcdef0123456789abcdef", SessionID: "the-session-token-of-alice"})
		err = c.ChangePassword(me, "0123456789abcdef0123456789abcdef", "the password of alice", "a new password of alice")
		checkRedirectRefused(t, status, err)
		front.Close()
	}
	evil.mu.Lock()
	defer evil.mu.Unlock()
	if len(evil.seen) != 0 {
		t.Fatalf("the redirect was followed; the attacker's server received:\n%s", strings.Join(evil.seen, "\n"))
	}
}

func checkRedirectRefused(t *testing.T, status int, err error) {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Code != core.EUNAVAILABLE || !strings.Contains(ce.Message, "redirect") {
		t.Errorf("%d answer: %v; want an unavailable *core.Error saying it was a redirect", status, err)
	}
}

// countingTransport counts the requests a client tries to send, sending none.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	if r.Body != nil {
		r.Body.Close()
	}
	return nil, errors.New("no network in this test")
}

func (c *countingTransport) count() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

// A person told to use http://HOST (a phishing mail, a mistyped
// configuration) would send the password in clear over the network: a
// plain-http address that is not loopback is refused before any request,
// with words that say what to do.
func TestAttackPlainHTTPToANetworkHost(t *testing.T) {
	for _, tc := range []struct {
		base    string
		refused bool
	}{
		{"http://192.0.2.1:8443", true},
		{"http://example.com", true},
		{"http://example.com:8443/", true},
		{"HTTP://10.0.0.1", true},
		{"http://localhost.example.com", true},
		{"http://127.0.0.1.nip.io", true},
		{"http://[2001:db8::1]:8443", true},
		{"http://0.0.0.0:8443", true},
		{"example.com:8443", true},
		{"ftp://example.com", true},
		{"https://", true},
		{"http://127.0.0.1:8443", false},
		{"http://127.0.0.2:8443", false},
		{"http://[::1]:8443", false},
		{"http://localhost:8443", false},
		{"http://LocalHost", false},
		{"https://example.com", false},
		{"https://192.0.2.1:8443/", false},
	} {
		t.Run(tc.base, func(t *testing.T) {
			tr := &countingTransport{}
			c, err := remote.NewClient(tc.base, &http.Client{Transport: tr, Timeout: 5 * time.Second})
			if err == nil {
				_, err = c.SignIn(context.Background(), "alice@contoso.com", "the password of alice")
			}
			if !tc.refused {
				if tr.count() != 1 || core.ErrorCode(err) != core.EUNAVAILABLE {
					t.Fatalf("allowed address: %d requests, %v; want 1 request (which fails: no network)", tr.count(), err)
				}
				return
			}
			if tr.count() != 0 {
				t.Fatalf("%d requests sent to %s", tr.count(), tc.base)
			}
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), "https://") {
				t.Fatalf("refusal = %v; want invalid, saying to use https://", err)
			}
		})
	}
}
