package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/remote"
)

// TestTwoServersOneDatabase: two servers on one PostgreSQL database, each
// with its own store pool and service, share every rule's state. One code
// submitted 32 times at once, half to each server, is accepted once.
func TestTwoServersOneDatabase(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	dir := t.TempDir()
	ob := outbox.New(filepath.Join(dir, outbox.FileName), time.Now)
	var clients []*remote.Client
	for i := 0; i < 2; i++ {
		store, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		keys, err := core.NewKeys(bytes.Repeat([]byte{7}, core.KeySize), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		svc := core.NewLocal(store, keys, core.Options{Sender: ob, Texts: assets.Default, Background: func(f func()) { f() }})
		srv := httptest.NewServer(remote.NewServer(svc, nil))
		t.Cleanup(srv.Close)
		clients = append(clients, newClient(t, srv.URL))
	}
	ctx := context.Background()
	alice, err := clients[0].CreateFirstAccount(ctx, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clients[1].CreateFirstAccount(ctx, core.NewAccount{Name: "mallory@contoso.com", Password: "a long enough passphrase"}); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("a first account on the other server: %v", err)
	}
	step, err := clients[1].SignIn(ctx, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	me := core.WithActor(ctx, core.SessionActor(step.Session, alice, "test"))
	ch, err := clients[0].BeginPhone(me, alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	es, err := outbox.Read(ob.Path())
	if err != nil || len(es) != 1 {
		t.Fatalf("outbox: %v %v", es, err)
	}
	code := codeRE.FindString(es[0].Text)
	var wg sync.WaitGroup
	var mu sync.Mutex
	added, conflicts := 0, 0
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := clients[i%2].Confirm(me, alice.ID, ch.VerificationID, code)
			mu.Lock()
			defer mu.Unlock()
			switch core.ErrorCode(err) {
			case "":
				added++
			case core.ECONFLICT:
				conflicts++
			default:
				t.Errorf("confirm %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if added != 1 || conflicts != 31 {
		t.Fatalf("%d added, %d refused as used; want 1 and 31", added, conflicts)
	}
	info, err := clients[1].SecurityInfo(me, alice.ID)
	if err != nil || len(info.Methods) != 1 {
		t.Fatalf("methods = %+v, %v", info, err)
	}

	// An authenticator app's code (the path that reads the gate's rows in
	// one statement and sends BEGIN with it), submitted 32 times at once,
	// half to each server: accepted once; the rest are refused as used
	// or, past the lockout's threshold, locked.
	e, err := clients[0].BeginAuthenticator(me, alice.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	if err != nil {
		t.Fatal(err)
	}
	p := core.DefaultPolicy()
	now := time.Now()
	first, _ := core.TOTPCode(secret, now, p)
	app, err := clients[1].Confirm(me, alice.ID, e.VerificationID, first)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := core.TOTPCode(secret, now.Add(time.Duration(p.TOTPPeriodSeconds)*time.Second), p)
	accepted, refused := 0, 0
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := clients[i%2].VerifyAuthenticator(me, alice.ID, app.ID, next)
			mu.Lock()
			defer mu.Unlock()
			switch core.ErrorCode(err) {
			case "":
				accepted++
			case core.EWRONGCODE, core.ELOCKED:
				refused++
			default:
				t.Errorf("verify %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if accepted != 1 || refused != 31 {
		t.Fatalf("%d accepted, %d refused; want 1 and 31", accepted, refused)
	}
}
