package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/remote"
	"github.com/securityinfo/securityinfo/core/sqlite"
)

type env struct {
	t      *testing.T
	srv    *httptest.Server
	outbox *outbox.Outbox
	svc    *core.Local // the service behind the server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, openSQLite(t), nil, nil)
}

// openSQLite opens a SQLite store in a temporary folder.
func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "securityinfo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newEnvOn serves a service over store, drawing its random bytes from
// rnd (crypto/rand when nil) and logging to log (nil: the server's own).
func newEnvOn(t *testing.T, store core.Store, rnd io.Reader, log *slog.Logger) *env {
	t.Helper()
	return newEnvWith(t, store, rnd, log, nil)
}

// newEnvWith is newEnvOn with the server set up by setup (when not nil)
// before it serves.
func newEnvWith(t *testing.T, store core.Store, rnd io.Reader, log *slog.Logger, setup func(*remote.Server)) *env {
	t.Helper()
	keys, err := core.NewKeys(bytes.Repeat([]byte{7}, core.KeySize), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ob := outbox.New(filepath.Join(t.TempDir(), outbox.FileName), time.Now)
	svc := core.NewLocal(store, keys, core.Options{Sender: ob, Texts: assets.Default, Rand: rnd, Background: func(f func()) { f() }})
	api := remote.NewServer(svc, log)
	if setup != nil {
		setup(api)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", api.Metrics())
	mux.Handle("/", api)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, outbox: ob, svc: svc}
}

// call sends a request and decodes the answer into out (when not nil); it
// returns the status and the raw body.
func (e *env) call(method, path, token string, body any, out any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode, raw
}

// problem decodes a problem answer and checks its content type.
func problemOf(t *testing.T, raw []byte) remote.Problem {
	t.Helper()
	var p remote.Problem
	if err := json.Unmarshal(raw, &p); err != nil || p.Code == "" || p.Status == 0 {
		t.Fatalf("not a problem: %s (%v)", raw, err)
	}
	return p
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

func (e *env) lastCode() string {
	e.t.Helper()
	es, err := outbox.Read(e.outbox.Path())
	if err != nil || len(es) == 0 {
		e.t.Fatalf("nothing sent: %v", err)
	}
	return codeRE.FindString(es[len(es)-1].Text)
}

// TestOpenAPIMatchesTheRoutes: the document names every route the server
// serves and no other, and every Service method has a route.
func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	e := newEnv(t)
	status, raw := e.call("GET", "/v1/openapi.json", "", nil, &doc)
	if status != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %d %.200s", status, raw)
	}
	var inDoc, served []string
	for p, ops := range doc.Paths {
		for m := range ops {
			inDoc = append(inDoc, strings.ToUpper(m)+" "+p)
		}
	}
	served = append(served, "GET /v1/openapi.json")
	ops := map[string]bool{}
	for _, rt := range remote.Routes {
		ops[rt.Op] = true
		for _, p := range rt.Patterns() {
			served = append(served, rt.Method+" "+p)
			// Every route answers something other than the catch-all.
			path := regexp.MustCompile(`\{\w+\}`).ReplaceAllString(p, "x")
			if status, raw := e.call(rt.Method, path, "", nil, nil); status == 404 && problemOf(t, raw).Detail == "There is no "+path+" here. See /v1/openapi.json." {
				t.Errorf("%s %s is not served", rt.Method, p)
			}
		}
	}
	sort.Strings(inDoc)
	sort.Strings(served)
	if strings.Join(inDoc, "\n") != strings.Join(served, "\n") {
		t.Fatalf("the document names:\n%s\nthe server serves:\n%s", strings.Join(inDoc, "\n"), strings.Join(served, "\n"))
	}
	svc := reflect.TypeOf((*core.Service)(nil)).Elem()
	for i := 0; i < svc.NumMethod(); i++ {
		if !ops[svc.Method(i).Name] {
			t.Errorf("core.Service.%s has no route", svc.Method(i).Name)
		}
	}
}

// TestEveryErrorIsAProblem: unknown routes, wrong methods, bad bodies and
// missing tokens are RFC 9457 problems with the core's codes.
func TestEveryErrorIsAProblem(t *testing.T) {
	e := newEnv(t)
	send := func(method, path, ctype, body string) (int, http.Header, []byte) {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, raw
	}
	for _, c := range []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"unknown route", "GET", "/v1/nothing", "", "", 404, core.ENOTFOUND},
		{"wrong method", "DELETE", "/v1/policy", "", "", 405, core.EINVALID},
		{"no token", "GET", "/v1/me/authentication/securityInfo", "", "", 401, core.EFORBIDDEN},
		{"made-up token", "GET", "/v1/me/authentication/securityInfo?x=1", "", "", 401, core.EFORBIDDEN},
		{"bad JSON", "POST", "/v1/signIn", "application/json", "{", 400, core.EINVALID},
		{"unknown field", "POST", "/v1/signIn", "application/json", `{"name":"a@contoso.com","password":"x","admin":true}`, 400, core.EINVALID},
		{"two values", "POST", "/v1/signIn", "application/json", `{"name":"a"} {}`, 400, core.EINVALID},
		{"wrong content type", "POST", "/v1/signIn", "text/plain", `{"name":"a"}`, 400, core.EINVALID},
		{"too large", "POST", "/v1/passwordResets", "application/json", `{"name":"` + strings.Repeat("a", remote.MaxBody) + `"}`, 413, core.EINVALID},
		{"wrong password", "POST", "/v1/signIn", "application/json", `{"name":"nobody@contoso.com","password":"x"}`, 400, core.EWRONGCODE},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, h, raw := send(c.method, c.path, c.ctype, c.body)
			p := problemOf(t, raw)
			if status != c.status || p.Status != c.status || p.Code != c.code || h.Get("Content-Type") != remote.ProblemType || p.Detail == "" {
				t.Fatalf("%d %s %+v", status, h.Get("Content-Type"), p)
			}
		})
	}
}

// TestSecurityInfoOverHTTP: the first account, sign-in, adding a phone
// with a wrong then the right code, the page, and another account's
// attempt on it.
func TestSecurityInfoOverHTTP(t *testing.T) {
	e := newEnv(t)
	var acct core.Account
	if status, raw := e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}, &acct); status != 201 || acct.Role != core.RoleAdmin {
		t.Fatalf("first account: %d %s", status, raw)
	}
	if status, raw := e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "mallory@contoso.com", Password: "a long enough passphrase"}, nil); status != 409 || problemOf(t, raw).Reason != "account.firstTaken" {
		t.Fatalf("second first account: %d %s", status, raw)
	}
	var step core.SignInStep
	if status, raw := e.call("POST", "/v1/signIn", "", map[string]string{"name": "alice@contoso.com", "password": "a long enough passphrase"}, &step); status != 200 || step.Session == nil {
		t.Fatalf("sign-in: %d %s", status, raw)
	}
	token := step.Session.ID
	var ch core.Challenge
	if status, raw := e.call("POST", "/v1/me/authentication/phoneMethods", token, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"}, &ch); status != 201 || ch.VerificationID == "" {
		t.Fatalf("add phone: %d %s", status, raw)
	}
	status, raw := e.call("POST", "/v1/me/authentication/verifications/"+ch.VerificationID+"/confirm", token, map[string]string{"code": "000000x"}, nil)
	if p := problemOf(t, raw); status != 400 || p.Code != core.EWRONGCODE || p.TriesLeft == nil || *p.TriesLeft != 4 || p.Reason != "code.wrong" {
		t.Fatalf("wrong code: %d %s", status, raw)
	}
	var m core.MethodView
	if status, raw := e.call("POST", "/v1/me/authentication/verifications/"+ch.VerificationID+"/confirm", token, map[string]string{"code": e.lastCode()}, &m); status != 201 || m.Kind != core.KindPhone || !m.IsDefault {
		t.Fatalf("confirm: %d %s", status, raw)
	}
	var info core.SecurityInfo
	if status, raw := e.call("GET", "/v1/me/authentication/securityInfo", token, nil, &info); status != 200 || len(info.Methods) != 1 || info.Account.ID != acct.ID {
		t.Fatalf("security info: %d %s", status, raw)
	}
	if status, raw := e.call("GET", "/v1/users/"+acct.ID+"/authentication/securityInfo", token, nil, &info); status != 200 || len(info.Methods) != 1 {
		t.Fatalf("own info through /users: %d %s", status, raw)
	}
	e.call("POST", "/v1/me/authentication/emailMethods", token, map[string]string{"address": "alain@gmail.com"}, nil)
	if status, raw := e.call("POST", "/v1/me/authentication/emailMethods", token, map[string]string{"address": "alain@gmail.com"}, nil); status != 429 || problemOf(t, raw).RetryAfterSeconds == nil {
		t.Fatalf("a second send at once: %d %s", status, raw)
	}
	// A second account signs in and tries alice's page.
	if status, raw := e.call("POST", "/v1/users", token, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"}, nil); status != 201 {
		t.Fatalf("create bob: %d %s", status, raw)
	}
	var bob core.SignInStep
	e.call("POST", "/v1/signIn", "", map[string]string{"name": "bob@contoso.com", "password": "another long passphrase"}, &bob)
	if status, raw := e.call("POST", "/v1/users/"+acct.ID+"/authentication/phoneMethods", bob.Session.ID, core.PhoneRequest{Kind: core.KindAlternatePhone, Number: "+442079460959"}, nil); status != 403 || problemOf(t, raw).Reason != "forbidden.owner" {
		t.Fatalf("bob adds to alice: %d %s", status, raw)
	}
	if status, _ := e.call("DELETE", "/v1/sessions/current", token, nil, nil); status != 204 {
		t.Fatalf("sign out: %d", status)
	}
	if status, raw := e.call("GET", "/v1/me/authentication/securityInfo", token, nil, nil); status != 401 || problemOf(t, raw).Reason != "session.signedOut" {
		t.Fatalf("after sign-out: %d %s", status, raw)
	}
}

// TestMetrics: requests, verifications by result, sends by channel and
// lockouts show in the Prometheus text.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	var acct core.Account
	e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}, &acct)
	var step core.SignInStep
	e.call("POST", "/v1/signIn", "", map[string]string{"name": "alice@contoso.com", "password": "a long enough passphrase"}, &step)
	var ch core.Challenge
	e.call("POST", "/v1/me/authentication/phoneMethods", step.Session.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"}, &ch)
	e.call("POST", "/v1/me/authentication/verifications/"+ch.VerificationID+"/confirm", step.Session.ID, map[string]string{"code": "000000x"}, nil)
	for i := 0; i < 10; i++ {
		e.call("POST", "/v1/signIn", "", map[string]string{"name": "nobody@contoso.com", "password": "wrong"}, nil)
	}
	res, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	text := string(raw)
	for _, want := range []string{
		`securityinfo_http_requests_total{op="BeginPhone",status="201"} 1`,
		`securityinfo_verifications_total{result="wrong_code"} 1`,
		`securityinfo_sends_total{channel="sms"} 1`,
		`securityinfo_lockouts_total 1`,
		`securityinfo_http_request_duration_seconds_count{op="SignIn"} 11`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestLimitsPerClientAddress: past 30 sign-ins a minute from one address
// (each for another name, so no name's lockout is reached), the next is
// 429 with Retry-After.
func TestLimitsPerClientAddress(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 30; i++ {
		status, raw := e.call("POST", "/v1/signIn", "", map[string]string{"name": fmt.Sprintf("guess%d@contoso.com", i), "password": "x"}, nil)
		if status != 400 || problemOf(t, raw).Code != core.EWRONGCODE {
			t.Fatalf("sign-in %d: %d %s", i, status, raw)
		}
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/v1/signIn", strings.NewReader(`{"name":"alice@contoso.com","password":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := problemOf(t, raw)
	if res.StatusCode != 429 || p.Reason != "client.limited" || res.Header.Get("Retry-After") == "" || p.RetryAfterSeconds == nil {
		t.Fatalf("31st sign-in: %d %s (Retry-After %q)", res.StatusCode, raw, res.Header.Get("Retry-After"))
	}
}

// TestForgedTokensDoNothing: a token names its account (the server runs a
// request on one's own account without resuming the session first), so an
// attacker writes tokens that name alice: a made-up secret, bob's own
// secret after alice's ID, and alice's ID with bob's whole token. Every
// route that needs a session refuses them all as a person without one
// (401 or 403; or 400 for a body refused on its face, before any read),
// and alice's page and audit log are as they were.
func TestForgedTokensDoNothing(t *testing.T) {
	e := newEnv(t)
	var alice core.Account
	e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}, &alice)
	var step core.SignInStep
	if status, raw := e.call("POST", "/v1/signIn", "", map[string]string{"name": "alice@contoso.com", "password": "a long enough passphrase"}, &step); status != 200 {
		t.Fatalf("sign-in: %d %s", status, raw)
	}
	token := step.Session.ID
	if id, ok := core.TokenAccount(token); !ok || id != alice.ID {
		t.Fatalf("a new token does not name its account: %q", token)
	}
	admin := core.WithActor(context.Background(), core.LocalAdministrator)
	if _, err := e.svc.CreateAccount(admin, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"}); err != nil {
		t.Fatal(err)
	}
	var bob core.SignInStep
	e.call("POST", "/v1/signIn", "", map[string]string{"name": "bob@contoso.com", "password": "another long passphrase"}, &bob)
	_, bobSecret, _ := strings.Cut(bob.Session.ID, ".")
	var before core.SecurityInfo
	e.call("GET", "/v1/me/authentication/securityInfo", token, nil, &before)
	var beforeLog []core.AuditEvent
	e.call("GET", "/v1/audit/events", token, nil, &beforeLog)

	forged := map[string]string{
		"made-up secret":       core.NewToken(alice.ID, strings.Repeat("ab", 32)),
		"bob's secret":         core.NewToken(alice.ID, bobSecret),
		"bob's token, renamed": alice.ID + "." + bob.Session.ID,
		"alice's ID alone":     alice.ID + ".",
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	tried := 0
	for _, rt := range remote.Routes {
		if !rt.Actor {
			continue
		}
		paths := []string{"/v1" + param.ReplaceAllStringFunc(rt.Path, func(p string) string {
			if p == "{accountId}" {
				return alice.ID
			}
			return "x1"
		})}
		if rt.Account {
			paths = append(paths, "/v1/users/"+alice.ID+strings.TrimPrefix(paths[0], "/v1/me"))
		}
		for _, path := range paths {
			for how, tok := range forged {
				tried++
				status, raw := e.call(rt.Method, path, tok, rt.Body, nil)
				// A body the service refuses on its face (an empty name,
				// no reason) says nothing of any account: that may come
				// first. Anything read from the store comes after the
				// session is checked.
				if status != 401 && status != 403 && (status != 400 || problemOf(t, raw).Code != core.EINVALID) {
					t.Errorf("%s %s with %s: %d %s", rt.Method, path, how, status, raw)
				}
			}
		}
	}
	if tried < 4*len(remote.Routes)/2 {
		t.Fatalf("only %d requests tried", tried)
	}
	var after core.SecurityInfo
	e.call("GET", "/v1/me/authentication/securityInfo", token, nil, &after)
	var afterLog []core.AuditEvent
	e.call("GET", "/v1/audit/events", token, nil, &afterLog)
	if !reflect.DeepEqual(before.Methods, after.Methods) || before.Account.DefaultMethodID != after.Account.DefaultMethodID {
		t.Errorf("alice's page changed: %+v -> %+v", before, after)
	}
	if len(afterLog) != len(beforeLog) {
		t.Errorf("the audit log grew from %d to %d events: %+v", len(beforeLog), len(afterLog), afterLog[len(beforeLog):])
	}
}
