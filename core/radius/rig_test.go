package radius_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"layeh.com/radius"
	"layeh.com/radius/rfc2865"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	sradius "github.com/securityinfo/securityinfo/core/radius"
	"github.com/securityinfo/securityinfo/core/sqlite"
)

const (
	password = "a long enough passphrase"
	secret   = "a shared secret of the vpn"
)

// clock is the service's clock, moved by the tests (a TOTP step is
// accepted once, so a test moves to the next one).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is a service on the test store (SECURITYINFO_TEST_STORE) with
// people to check, and RADIUS servers over it.
type rig struct {
	t      testing.TB
	store  core.Store
	clock  *clock
	outbox *outbox.Outbox
	svc    *core.Local
	keys   *core.Keys
	admin  context.Context
}

func newRig(t testing.TB) *rig {
	t.Helper()
	return newRigOn(t, openStore(t, ""))
}

// openStore opens the test store: SQLite, or PostgreSQL (url, or a fresh
// database when url is "") when SECURITYINFO_TEST_STORE=postgres or url is set.
func openStore(t testing.TB, url string) core.Store {
	t.Helper()
	kind := os.Getenv("SECURITYINFO_TEST_STORE")
	if kind != "" && kind != "sqlite" && kind != "postgres" {
		t.Fatalf("SECURITYINFO_TEST_STORE=%q: use sqlite or postgres", kind)
	}
	if kind == "postgres" || url != "" {
		if url == "" {
			url = pgtest.FreshDatabase(t)
		}
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "securityinfo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newRigOn(t testing.TB, store core.Store) *rig {
	t.Helper()
	keys, err := core.NewKeys(bytes.Repeat([]byte{7}, core.KeySize), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, store: store, keys: keys, clock: &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)},
		outbox: outbox.New(filepath.Join(t.TempDir(), outbox.FileName), time.Now),
		admin:  core.WithActor(context.Background(), core.LocalAdministrator)}
	r.svc = r.service(store)
	r.person("root@contoso.com", core.RoleAdmin) // the first account is an administrator whatever it asks
	return r
}

// service is a Local over store with the rig's keys, clock and outbox: a
// second server on the same database.
func (r *rig) service(store core.Store) *core.Local {
	return core.NewLocal(store, r.keys, core.Options{Sender: r.outbox, Texts: assets.Default, Now: r.clock.Now, Rand: rand.Reader,
		Background: func(f func()) { f() }})
}

// person creates an account (a user, or role) with no method.
func (r *rig) person(name string, role core.Role) *core.Account {
	r.t.Helper()
	a, err := r.svc.CreateAccount(r.admin, core.NewAccount{Name: name, DisplayName: strings.Split(name, "@")[0], Password: password, Role: role})
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

func (r *rig) own(a *core.Account) context.Context {
	return core.WithActor(context.Background(), core.OwnerActor(a, "test"))
}

// app registers an authenticator app for a and returns its secret.
func (r *rig) app(a *core.Account) string {
	r.t.Helper()
	en, err := r.svc.BeginAuthenticator(r.own(a), a.ID, "Pixel")
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.Confirm(r.own(a), a.ID, en.VerificationID, r.code(en.Secret)); err != nil {
		r.t.Fatal(err)
	}
	r.clock.Advance(30 * time.Second) // that step is used
	return en.Secret
}

// code is what the app shows now, computed as the app does.
func (r *rig) code(secret string) string {
	r.t.Helper()
	c, err := totp.GenerateCodeCustom(secret, r.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// phone registers a phone for a (texts).
func (r *rig) phone(a *core.Account, number string) {
	r.t.Helper()
	ch, err := r.svc.BeginPhone(r.own(a), a.ID, core.PhoneRequest{Kind: core.KindPhone, Number: number, Channel: core.ChannelSMS})
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.Confirm(r.own(a), a.ID, ch.VerificationID, r.lastCode()); err != nil {
		r.t.Fatal(err)
	}
	r.clock.Advance(time.Minute)
}

// key gives a a security key and nothing else.
func (r *rig) key(a *core.Account) {
	r.t.Helper()
	err := r.store.Update(context.Background(), func(tx core.Tx) error {
		m := &core.Method{ID: "key-" + a.ID, AccountID: a.ID, Kind: core.KindSecurityKey, Name: "YubiKey", Language: "en", CreatedAt: r.clock.Now(),
			Secret: []byte("credential-" + a.ID)}
		if err := tx.CreateMethod(m); err != nil {
			return err
		}
		acct, err := tx.Account(a.ID)
		if err != nil {
			return err
		}
		acct.DefaultMethodID, acct.DefaultChannel = m.ID, core.ChannelKey
		return tx.UpdateAccount(acct)
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`\b\d{6,8}\b`)

// lastCode reads the newest code sent, as a person reads their phone.
func (r *rig) lastCode() string {
	r.t.Helper()
	es, err := outbox.Read(r.outbox.Path())
	if err != nil || len(es) == 0 {
		r.t.Fatalf("nothing sent: %v", err)
	}
	return codeRE.FindString(es[len(es)-1].Text)
}

// events returns the audit events of action.
func (r *rig) events(action string) []*core.AuditEvent {
	r.t.Helper()
	all, err := r.svc.AuditLog(r.admin, core.AuditFilter{})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []*core.AuditEvent
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// vpn is a client from this machine.
func vpn(appendCode bool) sradius.Client {
	return sradius.Client{Name: "vpn", Address: netip.MustParsePrefix("127.0.0.0/8"), Secret: []byte(secret), AppendCode: appendCode,
		ClassRole: true, FilterID: map[core.Role]string{core.RoleAdmin: "vpn-admins"}}
}

// serve starts a RADIUS server over svc for clients, and returns its address.
func (r *rig) serve(svc *core.Local, clients ...sradius.Client) string {
	r.t.Helper()
	srv, err := sradius.NewServer(clients, svc, sradius.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(conn) }()
	r.t.Cleanup(func() {
		conn.Close()
		if err := <-done; err != nil {
			r.t.Errorf("serve: %v", err)
		}
	})
	return conn.LocalAddr().String()
}

// request is an Access-Request from the VPN, as layeh's client makes
// it, signed with a Message-Authenticator unless unsigned.
type request struct {
	name, password string
	state          []byte
	secret         string // "" means the VPN's
	unsigned       bool
}

// exchange sends req to addr and returns the answer, nil when none came
// within wait, checking the answer's authenticators.
func exchange(t testing.TB, addr string, req request, wait time.Duration) *radius.Packet {
	t.Helper()
	s := req.secret
	if s == "" {
		s = secret
	}
	p := radius.New(radius.CodeAccessRequest, []byte(s))
	rfc2865.UserName_SetString(p, req.name)
	rfc2865.UserPassword_SetString(p, req.password)
	rfc2865.NASIPAddress_Set(p, net.IPv4(10, 1, 2, 3))
	rfc2865.CallingStationID_SetString(p, "203.0.113.9")
	if req.state != nil {
		rfc2865.State_Set(p, req.state)
	}
	if !req.unsigned {
		if err := sradius.SignRequest(p); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c := &radius.Client{Retry: 0, MaxPacketErrors: 10}
	res, err := c.Exchange(ctx, p, addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		t.Fatalf("exchange: %v", err)
	}
	raw, err := res.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !sradius.CheckResponse(raw, p) {
		t.Fatalf("the answer's Message-Authenticator or Response Authenticator is wrong: % x", raw)
	}
	return res
}

func codeOf(p *radius.Packet) radius.Code {
	if p == nil {
		return 0
	}
	return p.Code
}
