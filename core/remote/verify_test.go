package remote_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// appEnv is a server with alice (an administrator with a phone) and an
// application registered through the API.
type appEnv struct {
	*env
	admin context.Context
	admc  *remote.Client
	app   *core.NewApplication
}

func newAppEnv(t *testing.T) *appEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	c := newClient(t, e.srv.URL)
	alice, err := c.CreateFirstAccount(ctx, core.NewAccount{Name: "alice@contoso.com", DisplayName: "Alice", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := c.SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	me := core.WithActor(ctx, core.SessionActor(step.Session, alice, "test"))
	ch, err := c.BeginPhone(me, alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Confirm(me, alice.ID, ch.VerificationID, e.lastCode()); err != nil {
		t.Fatal(err)
	}
	admin := me // proving its first method made the session two-step
	app, err := c.CreateApplication(admin, "intranet")
	if err != nil {
		t.Fatal(err)
	}
	return &appEnv{env: e, admin: admin, admc: c, app: app}
}

// TestVerifyOverHTTP: an application signs a person in with two steps
// through the remote client, and learns who they are and nothing more.
func TestVerifyOverHTTP(t *testing.T) {
	e := newAppEnv(t)
	list, err := e.admc.Applications(e.admin)
	if err != nil || len(list) != 1 || list[0].Name != "intranet" || list[0].ID != e.app.ID {
		t.Fatalf("list: %+v, %v", list, err)
	}
	ac, err := remote.NewAppClient(e.srv.URL, e.app.ID, e.app.Secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := ac.StartVerify(ctx, "alice@contoso.com", "not the password"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("a wrong password: %v", err)
	}
	step, err := ac.StartVerify(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil || step.Options[0].Masked != "+XX XXXXXXXX58" {
		t.Fatalf("start: %+v, %v", step, err)
	}
	o := step.Options[0]
	ch, err := ac.SendVerifyCode(ctx, step.SignInID, o.MethodID, o.Channel)
	if err != nil || ch.Destination != "+XX XXXXXXXX58" {
		t.Fatalf("send: %+v, %v", ch, err)
	}
	code := e.lastCode()
	wrong := []byte(code)
	wrong[0] = '0' + (wrong[0]-'0'+1)%10
	if _, err := ac.FinishVerify(ctx, step.SignInID, o.MethodID, ch.VerificationID, string(wrong)); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("a wrong code: %v", err)
	}
	res, err := ac.FinishVerify(ctx, step.SignInID, o.MethodID, ch.VerificationID, code)
	if err != nil || res.Result != "accepted" || res.Account != (core.VerifiedAccount{Name: "alice@contoso.com", DisplayName: "Alice", Role: core.RoleAdmin}) {
		t.Fatalf("finish: %+v, %v", res, err)
	}
	if _, err := ac.FinishVerify(ctx, step.SignInID, o.MethodID, ch.VerificationID, code); err == nil {
		t.Fatal("a replayed code was accepted")
	}
	events, err := e.admc.AuditLog(e.admin, core.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ev := range events {
		if strings.HasPrefix(ev.Action, "verify.") {
			if ev.ActorName != "intranet" || ev.Source != "application" {
				t.Errorf("%s audited as %q from %q", ev.Action, ev.ActorName, ev.Source)
			}
			seen[ev.Action] = true
		}
	}
	for _, a := range []string{core.ActionVerifyStarted, core.ActionVerifyCodeSent, core.ActionVerifyRejected, core.ActionVerifyAccepted} {
		if !seen[a] {
			t.Errorf("%s not audited", a)
		}
	}
	if err := e.admc.DeleteApplication(e.admin, e.app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ac.StartVerify(ctx, "alice@contoso.com", "a long enough passphrase"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a deleted application: %v", err)
	}
}

// TestAttackAppReadsNothingElse: with its client ID and secret, an
// application reaches no other route: not security info, not the audit
// log, not the applications; neither as Basic auth nor as a bearer.
func TestAttackAppReadsNothingElse(t *testing.T) {
	e := newAppEnv(t)
	for _, rt := range remote.Routes {
		if rt.App || !rt.Actor {
			continue
		}
		path := "/v1" + strings.NewReplacer("{accountId}", "x", "{methodId}", "x", "{name}", "alice@contoso.com", "{applicationId}", e.app.ID,
			"{verificationId}", "x", "{sessionId}", "x", "{approvalId}", "x").Replace(rt.Path)
		for how, set := range map[string]func(*http.Request){
			"basic":  func(r *http.Request) { r.SetBasicAuth(e.app.ID, e.app.Secret) },
			"bearer": func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+e.app.Secret) },
			"both":   func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+e.app.ID+"."+e.app.Secret) },
		} {
			req, _ := http.NewRequest(rt.Method, e.srv.URL+path, nil)
			set(req)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode < 400 {
				t.Errorf("%s %s with the application's %s: %d", rt.Method, path, how, res.StatusCode)
			}
		}
	}
	if list, err := e.admc.Applications(e.admin); err != nil || len(list) != 1 {
		t.Fatalf("applications changed: %+v, %v", list, err)
	}
}

// TestAttackAppWrongSecretFlood: a wrong secret is 401 with
// WWW-Authenticate, counted per address: the 11th in a minute is 429.
func TestAttackAppWrongSecretFlood(t *testing.T) {
	e := newAppEnv(t)
	try := func(secret string) *http.Response {
		req, _ := http.NewRequest("POST", e.srv.URL+"/v1/verify/signIns", strings.NewReader(`{"name":"alice@contoso.com","password":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(e.app.ID, secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for i := range 10 {
		if res := try(strings.Repeat("0", 64)); res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic") {
			t.Fatalf("wrong secret %d: %d %q", i, res.StatusCode, res.Header.Get("WWW-Authenticate"))
		}
	}
	if res := try(e.app.Secret); res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("the 11th: %d", res.StatusCode)
	}
	status, raw := e.call("GET", "/metrics", "", nil, nil)
	if status != 200 || !strings.Contains(string(raw), `securityinfo_verify_api_requests_total{application="",op="StartVerify",result="unauthorized"} 10`) {
		t.Errorf("metrics: %d\n%s", status, grepLines(string(raw), "verify_api"))
	}
}

// TestAttackAppWithoutTLS: the verify API refuses plain HTTP from another
// machine, before reading the secret.
func TestAttackAppWithoutTLS(t *testing.T) {
	e := newAppEnv(t)
	api := remote.NewServer(e.svc, nil)
	req := httptest.NewRequest("POST", "/v1/verify/signIns", strings.NewReader(`{"name":"alice@contoso.com","password":"a long enough passphrase"}`))
	req.RemoteAddr = "203.0.113.7:41234"
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(e.app.ID, e.app.Secret)
	w := httptest.NewRecorder()
	api.ServeHTTP(w, req)
	if w.Code != 403 || !strings.Contains(w.Body.String(), "HTTPS") {
		t.Fatalf("plain HTTP from afar: %d %s", w.Code, w.Body.String())
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestAttackAppGuessesAtOnce: an application (or whoever holds its
// secret) sends 32 guesses at one check's code at once: none is accepted,
// and the person's lockout counts them as the window's sign-in does.
func TestAttackAppGuessesAtOnce(t *testing.T) {
	e := newAppEnv(t)
	ac, err := remote.NewAppClient(e.srv.URL, e.app.ID, e.app.Secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	step, err := ac.StartVerify(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	o := step.Options[0]
	ch, err := ac.SendVerifyCode(ctx, step.SignInID, o.MethodID, o.Channel)
	if err != nil {
		t.Fatal(err)
	}
	right := e.lastCode()
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			guess := fmt.Sprintf("%06d", (i*7919+13)%1000000)
			if guess == right {
				guess = "999999"
			}
			_, err := ac.FinishVerify(ctx, step.SignInID, o.MethodID, ch.VerificationID, guess)
			mu.Lock()
			defer mu.Unlock()
			codes[core.ErrorCode(err)]++
			if err == nil {
				t.Errorf("the guess %s was accepted", guess)
			}
		}()
	}
	wg.Wait()
	if _, err := ac.FinishVerify(ctx, step.SignInID, o.MethodID, ch.VerificationID, right); err == nil {
		t.Fatalf("the right code after 32 wrong ones was accepted (answers: %v)", codes)
	}
	if _, err := ac.StartVerify(ctx, "alice@contoso.com", "a long enough passphrase"); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("after 32 wrong codes the name is not locked: %v (answers: %v)", err, codes)
	}
}
