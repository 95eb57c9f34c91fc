package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres"
)

// benchOptions are the flags of `securityinfod bench`.
type benchOptions struct {
	store, keyFile, data, server, cpuProfile string
	accounts, clients                        int
	duration                                 time.Duration
	floor                                    bool
}

// bench is the load generator: it seeds accounts with authenticator apps
// and signed-in sessions straight into an empty store, then drives
// concurrent TOTP verifications (POST /v1/me/authentication/methods/{id}/verify,
// codes computed here as the app would) over HTTP for a fixed time, and
// prints the throughput and latency. Without --server it serves the store
// itself, in this process, on a loopback port.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o benchOptions
	fs := flag.NewFlagSet("securityinfod bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.store, "store", "", "the store to seed: sqlite:DIR or postgres://... (it must hold no account)")
	fs.StringVar(&o.keyFile, "key-file", "", "the store's key file (created when the store is new)")
	fs.StringVar(&o.data, "data", "", "with a postgres store: the folder of the configuration and the outbox")
	fs.StringVar(&o.server, "server", "", "a securityinfod already serving the store (default: serve it in this process)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.IntVar(&o.accounts, "accounts", 20000, "accounts to seed, each with an authenticator app")
	fs.IntVar(&o.clients, "clients", 64, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to drive verifications")
	fs.BoolVar(&o.floor, "floor", false, "first measure PostgreSQL's own rate of one-row durable conditional updates (a table of the bench's own, the same clients and duration), and print the service's rate as a ratio of it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.floor && !strings.HasPrefix(o.store, "postgres") {
		return errors.New("bench: --floor measures a PostgreSQL store; SQLite's floor is BenchmarkFloorVerifyTOTP (make bench)")
	}
	if o.store == "" || o.keyFile == "" {
		return errors.New("bench: --store and --key-file are required")
	}
	if o.accounts < 1 || o.clients < 1 || o.duration <= 0 {
		return errors.New("bench: --accounts, --clients and --duration must be positive")
	}
	users, p, err := seed(ctx, o, stdout)
	if err != nil {
		return err
	}
	var fl *result
	if o.floor {
		var used cpuUse
		if fl, used, err = measureFloor(ctx, o); err != nil {
			return err
		}
		fl.printAs(stdout, o, "floor (bare durable one-row conditional UPDATE)", "updates")
		printCPU(stdout, "floor", used, fl.ok+fl.failed)
	}
	url := o.server
	if url == "" {
		addr, stop, err := serveInProcess(ctx, o, stderr)
		if err != nil {
			return err
		}
		defer stop()
		url = "http://" + addr
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	c0 := cpuNow()
	r := drive(ctx, url, users, p, o)
	r.print(stdout, o)
	printCPU(stdout, "service", cpuNow().since(c0), r.ok+r.failed)
	if fl != nil && fl.ok > 0 {
		fmt.Fprintf(stdout, "ratio: the service's rate is %.2fx the floor's (%d clients)\n", r.rate()/fl.rate(), o.clients)
	}
	fmt.Fprintf(stdout, "peak resident memory of this process (server and generator): %d MB\n", peakRSSMB())
	if r.ok == 0 {
		return fmt.Errorf("bench: no verification succeeded (%d failed: %v)", r.failed, r.firstErr)
	}
	return nil
}

// benchUser is a seeded account as the generator knows it.
type benchUser struct {
	token, methodID string
	secret          []byte
	lastStep        int64 // the last step submitted: a step is accepted once
}

// seed opens the store and adds o.accounts accounts, each with an
// authenticator app and a session, in batches. The store must hold no
// account: seeded accounts bypass the service (no password, no audit
// event), so bench never writes into an organisation's store.
func seed(ctx context.Context, o benchOptions, stdout io.Writer) ([]*benchUser, *core.Policy, error) {
	fo := datafolder.Options{Dir: o.data, KeyFile: o.keyFile}
	if dir, ok := strings.CutPrefix(o.store, "sqlite:"); ok {
		fo.Dir = dir
	} else {
		fo.Store = func(ctx context.Context) (core.Store, error) { return postgres.Open(ctx, o.store) }
		if fo.Dir == "" {
			d, err := os.MkdirTemp("", "securityinfod-bench")
			if err != nil {
				return nil, nil, err
			}
			defer os.RemoveAll(d)
			fo.Dir = d
		}
	}
	f, err := datafolder.Open(ctx, fo)
	if err != nil {
		return nil, nil, errors.New(core.ErrorMessage(err))
	}
	defer f.Close()
	var p *core.Policy
	err = f.Store.View(ctx, func(tx core.Tx) error {
		n, err := tx.CountAccounts()
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("bench: the store already holds %d accounts; bench seeds accounts straight into the store, without passwords or audit events, so give it an empty one (createdb securityinfo_bench)", n)
		}
		p, err = tx.Policy()
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	started := time.Now()
	now := time.Now().UTC()
	users := make([]*benchUser, o.accounts)
	const batch = 500
	for lo := 0; lo < o.accounts; lo += batch {
		hi := min(lo+batch, o.accounts)
		err := f.Store.Update(ctx, func(tx core.Tx) error {
			for i := lo; i < hi; i++ {
				u, err := seedOne(tx, f.Keys, i, now)
				if err != nil {
					return err
				}
				users[i] = u
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("bench: seed: %w", err)
		}
	}
	fmt.Fprintf(stdout, "seeded %d accounts with authenticator apps in %v\n", o.accounts, time.Since(started).Round(time.Millisecond))
	return users, p, nil
}

func seedOne(tx core.Tx, keys *core.Keys, i int, now time.Time) (*benchUser, error) {
	u := &benchUser{methodID: randomHex(16), secret: make([]byte, 20)}
	rand.Read(u.secret)
	acct := &core.Account{ID: randomHex(16), Name: fmt.Sprintf("bench%07d@bench.example", i), DisplayName: fmt.Sprintf("Bench %d", i),
		Role: core.RoleUser, Language: "en", CreatedAt: now, PasswordChangedAt: now, ConfirmedAt: now,
		DefaultMethodID: u.methodID, DefaultChannel: core.ChannelApp}
	sealed, err := keys.Seal(u.secret, "method:"+u.methodID)
	if err != nil {
		return nil, err
	}
	m := &core.Method{ID: u.methodID, AccountID: acct.ID, Kind: core.KindAuthenticatorApp, Channel: core.ChannelApp,
		Language: "en", CreatedAt: now, Secret: sealed}
	u.token = core.NewToken(acct.ID, randomHex(32)) // as the service makes them
	sess := &core.Session{ID: core.SessionKey(u.token), AccountID: acct.ID, CreatedAt: now, LastSeenAt: now, TwoStep: true,
		Device: "securityinfod bench"}
	if err := tx.CreateAccount(acct); err != nil {
		return nil, err
	}
	if err := tx.CreateMethod(m); err != nil {
		return nil, err
	}
	return u, tx.CreateSession(sess)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// serveInProcess runs the service over the bench's store on a free
// loopback port, as `securityinfod --listen` would.
func serveInProcess(ctx context.Context, o benchOptions, stderr io.Writer) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"--listen", addr, "--store", o.store, "--key-file", o.keyFile, "--metrics-listen", "off"}
	if o.data != "" {
		args = append(args, "--data", o.data)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(sctx, args, stderr) }()
	stop := func() { cancel(); <-done }
	for range 400 {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return addr, stop, nil
			}
		}
		select {
		case err := <-done:
			cancel()
			return "", nil, fmt.Errorf("bench: the server stopped: %v", err)
		case <-time.After(25 * time.Millisecond):
		}
	}
	stop()
	return "", nil, errors.New("bench: the server never answered /readyz")
}

// result is what drive measured.
type result struct {
	ok, failed int64
	firstErr   error
	latencies  []time.Duration // of the successful verifications
	elapsed    time.Duration
	idle       int64 // times a client found every one of its accounts used for the current steps
}

// drive runs o.clients clients for o.duration. Client c owns the users
// c, c+clients, ...: each verification takes the next of them whose next
// time step is within the policy's window (a step is accepted once), so
// every code submitted is one the server must accept.
func drive(ctx context.Context, url string, users []*benchUser, p *core.Policy, o benchOptions) *result {
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: o.clients}}
	return runClients(ctx, o, func(c int) func(context.Context) error {
		var mine []*benchUser
		for i := c; i < len(users); i += o.clients {
			mine = append(mine, users[i])
		}
		next := 0
		return func(ctx context.Context) error {
			u, step := pick(mine, &next, p)
			if u == nil {
				return errIdle
			}
			code, _ := core.TOTPCode(u.secret, time.Unix(step*int64(p.TOTPPeriodSeconds), 0), p)
			u.lastStep = step
			return verify(ctx, hc, url, u, code)
		}
	})
}

// errIdle is a client with nothing to submit just now.
var errIdle = errors.New("no account has a fresh time step")

// runClients runs o.clients clients for o.duration, each calling its own
// operation (made by newClient) one call after another, and measures
// them: a call cut off by the end of the run is not counted, and one that
// says errIdle waits a moment and is counted apart.
func runClients(ctx context.Context, o benchOptions, newClient func(c int) func(context.Context) error) *result {
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var r result
	var mu sync.Mutex
	var wg sync.WaitGroup
	started := time.Now()
	for c := range o.clients {
		wg.Go(func() {
			op := newClient(c)
			var lat []time.Duration
			for ctx.Err() == nil {
				t0 := time.Now()
				err := op(ctx)
				switch {
				case ctx.Err() != nil: // cut off by the end of the run
				case err == errIdle:
					atomic.AddInt64(&r.idle, 1)
					time.Sleep(50 * time.Millisecond)
				case err != nil:
					mu.Lock()
					r.failed++
					if r.firstErr == nil {
						r.firstErr = err
					}
					mu.Unlock()
				default:
					lat = append(lat, time.Since(t0))
				}
			}
			mu.Lock()
			r.latencies = append(r.latencies, lat...)
			r.ok += int64(len(lat))
			mu.Unlock()
		})
	}
	wg.Wait()
	r.elapsed = time.Since(started)
	return &r
}

// pick returns the next user of mine (round robin from *next) with a time
// step left to submit now, and that step; nil when there is none.
func pick(mine []*benchUser, next *int, p *core.Policy) (*benchUser, int64) {
	period := int64(p.TOTPPeriodSeconds)
	now := time.Now()
	cur := now.Unix() / period
	// The steps the server accepts are cur-skew..cur+skew. Keep clear of
	// the window's edges, which move while a request is on its way: no
	// step ahead of cur, and none behind it in the last second of a step.
	lowest := cur - int64(p.TOTPSkewSteps)
	if (cur+1)*period-now.Unix() <= 1 {
		lowest = cur
	}
	for range mine {
		u := mine[*next%len(mine)]
		*next++
		if step := max(u.lastStep+1, lowest); step <= cur {
			return u, step
		}
	}
	return nil, 0
}

func verify(ctx context.Context, hc *http.Client, url string, u *benchUser, code string) error {
	req, err := http.NewRequestWithContext(ctx, "POST", url+"/v1/me/authentication/methods/"+u.methodID+"/verify",
		bytes.NewReader([]byte(`{"code":"`+code+`"}`)))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("%d %s", res.StatusCode, bytes.TrimSpace(body))
	}
	return nil
}

func (r *result) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

func (r *result) print(w io.Writer, o benchOptions) {
	r.printAs(w, o, "service", "verifications")
}

func (r *result) printAs(w io.Writer, o benchOptions, what, unit string) {
	slices.Sort(r.latencies)
	q := func(f float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(f*float64(len(r.latencies))))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(w, "%s: %d clients, %v: %d %s accepted, %d failed\n", what, o.clients, r.elapsed.Round(time.Millisecond), r.ok, unit, r.failed)
	fmt.Fprintf(w, "%s: throughput %.0f %s/s; latency p50 %v, p99 %v, max %v\n",
		what, r.rate(), unit, q(0.50), q(0.99), q(1))
	if r.idle > 0 {
		fmt.Fprintf(w, "clients waited %d times for a fresh time step: seed more --accounts\n", r.idle)
	}
	if r.firstErr != nil {
		fmt.Fprintf(w, "first failure: %v\n", r.firstErr)
	}
}
