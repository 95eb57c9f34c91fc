package main

import (
	"bytes"
	"context"
	"encoding/base32"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/remote"
	"github.com/securityinfo/securityinfo/core/smtp/smtptest"
)

// startupTimeout bounds how long the service may take to open its store
// and answer /readyz: generous, as the race detector on a loaded 2-core
// CI machine runs PostgreSQL's migrations several times slower.
const startupTimeout = 60 * time.Second

var (
	servingRE = regexp.MustCompile(`msg=serving addr=(\S+)`)
	metricsRE = regexp.MustCompile(`msg="serving metrics" addr=(\S+)`)
)

// launch runs the service with args on ports the kernel picks (no port
// is chosen first and released, so none can be taken meanwhile), and
// returns its URL once /readyz answers 200, with the channel run's
// result arrives on and its log.
func launch(t *testing.T, ctx context.Context, args ...string) (string, <-chan error, *syncBuffer) {
	t.Helper()
	done := make(chan error, 1)
	logs := new(syncBuffer)
	go func() {
		done <- run(ctx, append([]string{"--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"}, args...), logs)
	}()
	deadline := time.Now().Add(startupTimeout)
	url := ""
	for time.Now().Before(deadline) {
		if url == "" {
			if m := servingRE.FindStringSubmatch(logs.String()); m != nil {
				url = "http://" + m[1]
			}
		}
		if url != "" {
			if res, err := http.Get(url + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return url, done, logs
				}
			}
		}
		select {
		case err := <-done:
			t.Fatalf("stopped: %v\n%s", err, logs.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	t.Fatalf("/readyz did not answer 200 within %v\n%s", startupTimeout, logs.String())
	return "", nil, nil
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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, done, _ := launch(t, ctx, append([]string{"--store", store}, more...)...)
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

// start runs the service with args until the test ends, and returns its
// URL once /readyz answers.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // also when launch fails
	url, done, _ := launch(t, ctx, args...)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return url
}

// syncBuffer is a bytes.Buffer the server's goroutines may log to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// TestSlowMailNeverHoldsARequest: with a real SMTP server that hangs, an
// email code request still answers at once; the outbox worker delivers
// the code once the mail server recovers, and it adds the address. A
// mail server that refuses for a while (451) gets the notice later.
func TestSlowMailNeverHoldsARequest(t *testing.T) {
	mail := smtptest.Start(t, "none", "", "")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "securityinfo.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("[smtp]\nhost = \"127.0.0.1\"\nport = %d\nsecurity = \"none\"\nfrom = \"security@contoso.com\"\n", mail.Port)), 0o600); err != nil {
		t.Fatal(err)
	}
	url := start(t, "--store", "sqlite:"+filepath.Join(dir, "data"), "--key-file", filepath.Join(dir, "key"), "--config", cfg)
	c, err := remote.NewClient(url, &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alice, err := c.CreateFirstAccount(ctx, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := c.SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	me := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "test"))
	release := mail.Hold()
	defer release()
	ch, err := c.BeginEmail(me, alice.ID, "alain@gmail.com", "en")
	if err != nil {
		t.Fatalf("the request waited for the hanging mail server: %v", err)
	}
	if len(mail.Messages()) != 0 {
		t.Fatal("delivered while the mail server hangs")
	}
	release()
	code := codeIn(t, waitForMail(t, mail, 1)[0].Data)
	if _, err := c.Confirm(me, alice.ID, ch.VerificationID, code); err != nil {
		t.Fatal(err)
	}
	mail.FailNext(1) // the notice of the change is refused once (451), then retried
	if err := c.ChangePassword(me, alice.ID, "a long enough passphrase", "another long enough passphrase"); err != nil {
		t.Fatal(err)
	}
	ms := waitForMail(t, mail, 2)
	if ms[1].To != "alain@gmail.com" || !strings.Contains(ms[1].Data, "password") {
		t.Fatalf("second message: %+v", ms[1])
	}
}

var codeRE = regexp.MustCompile(`(?m)^\s+(\d{6,8})\s*$`)

func codeIn(t *testing.T, text string) string {
	t.Helper()
	c := codeRE.FindStringSubmatch(strings.ReplaceAll(text, "\r", ""))
	if c == nil {
		t.Fatalf("no code in %q", text)
	}
	return c[1]
}

// waitForMail waits until the mail server accepted n messages.
func waitForMail(t *testing.T, mail *smtptest.Server, n int) []smtptest.Delivered {
	t.Helper()
	// The worker retries a refused message after 5s (real time) and
	// polls every second: allow for a slow machine well past that.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if ms := mail.Messages(); len(ms) >= n {
			return ms
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("the mail server got %d messages, want %d", len(mail.Messages()), n)
	return nil
}

// TestDatabaseOutageUnderLoad: PostgreSQL drops every connection of the
// service and refuses new ones for a while, under a steady stream of
// changes. Requests fail cleanly meanwhile (503 problem, no hang), the
// service recovers by itself, and no acknowledged change is lost.
func TestDatabaseOutageUnderLoad(t *testing.T) {
	db := pgtest.FreshDatabase(t)
	u, err := neturl.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	dir := t.TempDir()
	url := start(t, "--store", db, "--key-file", filepath.Join(dir, "key"), "--data", filepath.Join(dir, "data"))
	c, err := remote.NewClient(url, &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alice, err := c.CreateFirstAccount(ctx, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := c.SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	me := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "test"))
	e, err := c.BeginAuthenticator(me, alice.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	p := core.DefaultPolicy()
	code, _ := core.TOTPCode(secret, time.Now(), p)
	app, err := c.Confirm(me, alice.ID, e.VerificationID, code)
	if err != nil {
		t.Fatal(err)
	}

	// One client renames the app again and again; the last name it was
	// told was saved must survive.
	stop := make(chan struct{})
	var acked, failed atomic.Int64
	var other atomic.Value
	done := make(chan struct{})
	halt := sync.OnceFunc(func() { close(stop); <-done })
	t.Cleanup(halt) // a failed wait below stops the client too
	go func() {
		defer close(done)
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, err := c.RenameMethod(me, alice.ID, app.ID, fmt.Sprintf("app %d", i))
			switch {
			case err == nil:
				acked.Store(i)
			case core.ErrorCode(err) == core.EUNAVAILABLE:
				failed.Add(1)
				time.Sleep(20 * time.Millisecond)
			default:
				other.CompareAndSwap(nil, err.Error())
				failed.Add(1)
			}
		}
	}()
	// Wait on what happened, not on the clock: changes are being
	// acknowledged before the outage, and requests have failed during it.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d acknowledged, %d failed, other error %v", what, acked.Load(), failed.Load(), other.Load())
			}
		}
	}
	waitFor("no change acknowledged before the outage", func() bool { return acked.Load() >= 3 })
	pgtest.Admin(t, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS false`)
	pgtest.Admin(t, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '`+name+`' AND pid <> pg_backend_pid()`)
	before := acked.Load()
	failedBefore := failed.Load()
	time.Sleep(time.Second) // the outage lasts a while...
	// ...and, however slow the machine, requests failed during it.
	waitFor("no request failed while the database refused connections", func() bool { return failed.Load() >= failedBefore+3 })
	if res, err := http.Get(url + "/readyz"); err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database is away: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	stuck := acked.Load()
	pgtest.Admin(t, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS true`)
	deadline := time.Now().Add(30 * time.Second)
	for acked.Load() <= stuck+5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	halt()
	if acked.Load() <= stuck+5 {
		t.Fatalf("no recovery: %d acknowledged before the outage, %d during, %d in all", before, stuck, acked.Load())
	}
	if failed.Load() == 0 {
		t.Fatal("no request failed while the database refused connections")
	}
	if o := other.Load(); o != nil {
		t.Errorf("a request failed otherwise than as unavailable: %v", o)
	}
	info, err := c.SecurityInfo(me, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if _, err := fmt.Sscanf(info.Methods[0].Name, "app %d", &n); err != nil || n < acked.Load() {
		t.Fatalf("stored name %q, but app %d was acknowledged", info.Methods[0].Name, acked.Load())
	}
}

// TestUnreachableDatabaseSaysWhy: a PostgreSQL store that cannot be
// reached stops the service with what failed and where (not "Internal
// error."), and no password from the URL.
func TestUnreachableDatabaseSaysWhy(t *testing.T) {
	dir := t.TempDir()
	err := run(context.Background(), []string{"--listen", "127.0.0.1:0", "--store", "postgres://securityinfo:s3cret-pw@127.0.0.1:1/securityinfo",
		"--key-file", filepath.Join(dir, "key"), "--data", dir}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "cannot open the store") || !strings.Contains(err.Error(), "127.0.0.1") ||
		strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("an unreachable database: %v", err)
	}
}
