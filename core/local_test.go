package core_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/sqlite"
)

// clock is a settable test clock; Now and Advance may be called from
// several goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	svc   *core.Local
	store core.Store
	// sqlite is the SQLite store (nil on PostgreSQL), for the tests that
	// edit or reopen its file.
	sqlite *sqlite.Store
	pgURL  string // the PostgreSQL database's URL ("" on SQLite)
	keys   *core.Keys
	clock  *clock
	ctx    context.Context // acting as the local administrator
	own    context.Context // acting as alice herself, without a session
	alice  *core.Account
	outbox *outbox.Outbox
	log    *bytes.Buffer // everything the service logged, at debug level
	// fail, when set, makes every delivery fail with it.
	fail error
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, testStore(t))
}

// newSQLiteFixture is a fixture on a SQLite file whatever the setting,
// for the few tests that edit or reopen the file itself.
func newSQLiteFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, "sqlite")
}

func newFixtureOn(t testing.TB, kind string) *fixture {
	t.Helper()
	store, lite, pgURL := openFixtureStore(t, kind)
	c := &clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	f := &fixture{store: store, sqlite: lite, pgURL: pgURL, clock: c, keys: testKeys(t, 7), ctx: core.WithActor(context.Background(), core.LocalAdministrator),
		outbox: outbox.New(filepath.Join(t.TempDir(), outbox.FileName), c.Now), log: &bytes.Buffer{}}
	f.svc = f.service(store)
	var err error
	f.alice, err = f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "alice@contoso.com", DisplayName: "Alice", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	f.own = core.WithActor(context.Background(), core.OwnerActor(f.alice, "test"))
	return f
}

// as acts as the account itself, without a session.
func (f *fixture) as(a *core.Account) context.Context {
	return core.WithActor(context.Background(), core.OwnerActor(a, "test"))
}

// reopen closes the fixture's store and opens it again, as a restarted
// program does: the same SQLite file, or the same PostgreSQL database.
func (f *fixture) reopen(t *testing.T) core.Store {
	t.Helper()
	var store core.Store
	var err error
	if f.sqlite != nil {
		f.sqlite.Close()
		store, err = sqlite.Open(f.sqlite.Path())
	} else {
		f.store.(*postgres.Store).Close()
		store, err = postgres.Open(context.Background(), f.pgURL)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// testStore is the store the service's tests run on, from
// SECURITYINFO_TEST_STORE: "sqlite" (the default) or "postgres" (a fresh
// database per test, under scripts/with-postgres). make test runs both.
func testStore(t testing.TB) string {
	t.Helper()
	switch s := os.Getenv("SECURITYINFO_TEST_STORE"); s {
	case "", "sqlite":
		return "sqlite"
	case "postgres":
		return s
	default:
		t.Fatalf("SECURITYINFO_TEST_STORE=%q: use sqlite or postgres", s)
		return ""
	}
}

// openFixtureStore opens a fixture's store: a SQLite file, or a fresh
// PostgreSQL database.
func openFixtureStore(t testing.TB, kind string) (core.Store, *sqlite.Store, string) {
	t.Helper()
	if kind == "postgres" {
		url := pgtest.FreshDatabase(t)
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, nil, url
	}
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "securityinfo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, s, ""
}

// service returns a Local over store with the fixture's keys, clock,
// outbox and log, as a restarted program would make it.
func (f *fixture) service(store core.Store) *core.Local {
	return f.serviceWith(store, core.SenderFunc(func(ctx context.Context, m core.Message) error {
		if f.fail != nil {
			return f.fail
		}
		return f.outbox.Send(ctx, m)
	}), false)
}

// serviceWith is service with another sender, and with the outbox worker
// delivering (core.Options.Queue) when queue is set.
func (f *fixture) serviceWith(store core.Store, sender core.Sender, queue bool) *core.Local {
	log := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Background work (a reset's delivery) runs at once, so tests read the
	// outbox right after the call; TestResetAnswersBeforeDelivery checks it
	// runs apart for real.
	return core.NewLocal(store, f.keys, core.Options{Sender: sender, Texts: assets.Default, Log: log, Now: f.clock.Now, Rand: rand.Reader,
		Background: func(fn func()) { fn() }, Queue: queue})
}

// sent returns the messages in the outbox, oldest first.
func (f *fixture) sent(t testing.TB) []outbox.Entry {
	t.Helper()
	es, err := outbox.Read(f.outbox.Path())
	if err != nil {
		t.Fatal(err)
	}
	return es
}

var codeRE = regexp.MustCompile(`\b\d{6,8}\b`)

// lastCode reads the code of the newest message in the outbox, as a person
// reads it from their phone.
func (f *fixture) lastCode(t testing.TB) string {
	t.Helper()
	es := f.sent(t)
	if len(es) == 0 {
		t.Fatal("nothing was sent")
	}
	text := es[len(es)-1].Text
	if es[len(es)-1].Channel == core.ChannelVoice {
		text = strings.NewReplacer(", ", "").Replace(text)
	}
	c := codeRE.FindString(text)
	if c == "" {
		t.Fatalf("no code in %q", text)
	}
	return c
}

// add stores a proven method directly, as the add flows will.
func (f *fixture) add(t testing.TB, acct *core.Account, ms ...*core.Method) {
	t.Helper()
	err := f.store.Update(context.Background(), func(tx core.Tx) error {
		a, err := tx.Account(acct.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			m.AccountID, m.Language = acct.ID, "en"
			m.CreatedAt = f.clock.Now()
			f.clock.Advance(time.Second)
			if err := tx.CreateMethod(m); err != nil {
				return err
			}
			if c, ok := core.DefaultAfterAdd(currentOf(a), m); ok && a.DefaultMethodID == "" {
				a.DefaultMethodID, a.DefaultChannel = c.MethodID, c.Channel
			}
		}
		return tx.UpdateAccount(a)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func currentOf(a *core.Account) *core.DefaultChoice {
	if a.DefaultMethodID == "" {
		return nil
	}
	return &core.DefaultChoice{MethodID: a.DefaultMethodID, Channel: a.DefaultChannel}
}

func (f *fixture) info(t *testing.T) *core.SecurityInfo {
	t.Helper()
	info, err := f.svc.SecurityInfo(f.own, f.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestFirstAccountIsAdmin(t *testing.T) {
	f := newFixture(t)
	if f.alice.Role != core.RoleAdmin {
		t.Fatalf("first account role = %s", f.alice.Role)
	}
	bob, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Role: core.RoleUser, Password: "another long passphrase"})
	if err != nil || bob.Role != core.RoleUser {
		t.Fatalf("second account = %+v, %v", bob, err)
	}
	_, err = f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "Bob@Contoso.com", Password: "another long passphrase"})
	if core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("duplicate (case-folded) name: %v", err)
	}
	asBob := core.WithActor(context.Background(), core.Actor{AccountID: bob.ID, Name: bob.Name, Role: core.RoleUser, Source: "desktop"})
	if _, err := f.svc.CreateAccount(asBob, core.NewAccount{Name: "carol@contoso.com", Password: "another long passphrase"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("user creating an account: %v", err)
	}
	if _, err := f.svc.SecurityInfo(asBob, f.alice.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("user reading another's security info: %v", err)
	}
	if _, err := f.svc.SetPolicy(asBob, []string{"codeLength=8"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("user setting policy: %v", err)
	}
	if _, err := f.svc.SecurityInfo(context.Background(), f.alice.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("no actor: %v", err)
	}
	// The password is stored only as an argon2id hash.
	f.store.View(context.Background(), func(tx core.Tx) error {
		a, _ := tx.Account(bob.ID)
		if !strings.HasPrefix(a.PasswordHash, "$argon2id$") || !core.VerifySecret(a.PasswordHash, "another long passphrase") {
			t.Errorf("password hash %q", a.PasswordHash)
		}
		return nil
	})
}

func TestDeleteMovesDefaultAndAudits(t *testing.T) {
	f := newFixture(t)
	phone := &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+14255550112", Channel: core.ChannelSMS}
	app := &core.Method{ID: "app", Kind: core.KindAuthenticatorApp, Name: "Pixel", Channel: core.ChannelApp}
	email := &core.Method{ID: "email", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail}
	f.add(t, f.alice, email, phone, app)
	info := f.info(t)
	if info.Default == nil || info.Default.MethodID != "phone" {
		t.Fatalf("default = %+v, want the first sign-in method (phone)", info.Default)
	}
	if _, err := f.svc.SetDefault(f.own, f.alice.ID, "app", ""); err != nil {
		t.Fatal(err)
	}
	pv, err := f.svc.PreviewDelete(f.own, f.alice.ID, "app")
	if err != nil || !pv.WasDefault || pv.NewDefault == nil || pv.NewDefault.Label != "Phone - text (+1 425-555-0112)" {
		t.Fatalf("preview = %+v, %v", pv, err)
	}
	if len(f.info(t).Methods) != 3 {
		t.Fatal("preview deleted something")
	}
	if _, err := f.svc.DeleteMethod(f.own, f.alice.ID, "app"); err != nil {
		t.Fatal(err)
	}
	info = f.info(t)
	if len(info.Methods) != 2 || info.Default == nil || info.Default.MethodID != "phone" || info.Default.Channel != core.ChannelSMS {
		t.Fatalf("after delete: %+v default %+v", info.Methods, info.Default)
	}
	if !info.Methods[1].IsDefault || info.Methods[0].IsDefault {
		t.Fatalf("isDefault flags wrong: %+v", info.Methods)
	}
	if _, err := f.svc.DeleteMethod(f.own, f.alice.ID, "phone"); err != nil {
		t.Fatal(err)
	}
	if info = f.info(t); info.Default != nil || info.Requirements.SignInMet || !info.Requirements.ResetMet {
		t.Fatalf("after deleting the last sign-in method: default %+v requirements %+v", info.Default, info.Requirements)
	}
	events, err := f.svc.RecentActivity(f.own, f.alice.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
		if strings.Contains(e.Detail, "4255550112") || strings.Contains(e.Detail, "alain@") {
			t.Errorf("audit detail %q is not masked", e.Detail)
		}
	}
	want := "method.deleted default.changed method.deleted default.changed account.created"
	if got := strings.Join(actions, " "); got != want {
		t.Fatalf("recent activity (newest first) = %s\nwant %s", got, want)
	}
	rep, err := f.svc.VerifyAudit(f.ctx)
	if err != nil || rep.Break != nil || rep.Events != 5 {
		t.Fatalf("VerifyAudit = %+v, %v", rep, err)
	}
}

func TestRemovingLastInfoIsScheduled(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, &core.Method{ID: "email", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail})
	start := f.clock.Now()
	pv, err := f.svc.DeleteMethod(f.own, f.alice.ID, "email")
	if err != nil || !pv.Scheduled || !pv.EffectiveAt.Equal(start.Add(30*24*time.Hour)) {
		t.Fatalf("delete of last info = %+v, %v", pv, err)
	}
	info := f.info(t)
	if len(info.Methods) != 1 || info.PendingRemoval == nil || info.PendingRemoval.Kind != core.KindEmail {
		t.Fatalf("pending removal not shown: %+v", info)
	}
	// No other change meanwhile.
	if _, err := f.svc.RenameMethod(f.own, f.alice.ID, "email", "x"); core.ErrorCode(err) != core.ECONFLICT || !strings.Contains(core.ErrorMessage(err), "22 December 2026") {
		t.Fatalf("change while pending: %v", err)
	}
	if kinds, _ := f.svc.AvailableKinds(f.own, f.alice.ID); len(kinds) != 0 {
		t.Fatalf("kinds offered while pending: %v", kinds)
	}
	// Cancel, then schedule again and let the time pass.
	if err := f.svc.CancelRemoval(f.own, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	if info := f.info(t); info.PendingRemoval != nil || len(info.Methods) != 1 {
		t.Fatalf("after cancel: %+v", info)
	}
	if err := f.svc.CancelRemoval(f.own, f.alice.ID); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second cancel: %v", err)
	}
	if _, err := f.svc.DeleteMethod(f.own, f.alice.ID, "email"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(30*24*time.Hour - time.Second)
	if info := f.info(t); len(info.Methods) != 1 {
		t.Fatal("removed before 30 days")
	}
	f.clock.Advance(time.Second)
	if info := f.info(t); len(info.Methods) != 0 || info.PendingRemoval != nil {
		t.Fatalf("not removed after 30 days: %+v", info)
	}
	events, _ := f.svc.RecentActivity(f.own, f.alice.ID, 1)
	if len(events) != 1 || events[0].Action != core.ActionRemovalCompleted {
		t.Fatalf("newest event = %+v", events)
	}
}

func TestSetDefaultAndRename(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice,
		&core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS},
		&core.Method{ID: "app", Kind: core.KindAuthenticatorApp, Name: "Pixel", Channel: core.ChannelApp},
		&core.Method{ID: "email", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail})
	c, err := f.svc.SetDefault(f.own, f.alice.ID, "phone", core.ChannelVoice)
	if err != nil || c.Label != "Phone - call (+44 20 7946 0958)" {
		t.Fatalf("SetDefault = %+v, %v", c, err)
	}
	if _, err := f.svc.SetDefault(f.own, f.alice.ID, "email", ""); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("email as default: %v", err)
	}
	choices, _ := f.svc.DefaultChoices(f.own, f.alice.ID)
	if len(choices) != 3 {
		t.Fatalf("choices = %+v", choices)
	}
	m, err := f.svc.RenameMethod(f.own, f.alice.ID, "app", "  Work phone ")
	if err != nil || m.Name != "Work phone" {
		t.Fatalf("rename = %+v, %v", m, err)
	}
	if _, err := f.svc.RenameMethod(f.own, f.alice.ID, "phone", "x"); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("rename of a phone: %v", err)
	}
	if _, err := f.svc.RenameMethod(f.own, f.alice.ID, "app", strings.Repeat("x", 65)); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("long name: %v", err)
	}
	bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	if _, err := f.svc.DeleteMethod(f.as(bob), bob.ID, "app"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("deleting alice's method as bob's: %v", err)
	}
}

func TestPolicyThroughService(t *testing.T) {
	f := newFixture(t)
	p, err := f.svc.SetPolicy(f.ctx, []string{"codeLength=8", "issuer=Contoso"})
	if err != nil || p.CodeLength != 8 {
		t.Fatalf("SetPolicy = %+v, %v", p, err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"issuer=Fabrikam", "codeLength=9"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("bad pair: %v", err)
	}
	if got, _ := f.svc.Policy(f.ctx); got.Issuer != "Contoso" {
		t.Fatalf("a refused set changed the issuer to %q", got.Issuer)
	}
}

func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	self := core.WithActor(context.Background(), core.Actor{AccountID: f.alice.ID, Name: f.alice.Name, Role: core.RoleAdmin, Source: "desktop"})
	if err := f.svc.ChangePassword(f.ctx, f.alice.ID, "a long enough passphrase", "another long passphrase"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("administrator changing alice's password: %v", err)
	}
	if err := f.svc.ChangePassword(self, f.alice.ID, "wrong", "another long passphrase"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := f.svc.ChangePassword(self, f.alice.ID, "a long enough passphrase", "short pw 1"); !strings.Contains(core.ErrorMessage(err), "at least 15") {
		t.Fatalf("short password without a second factor: %v", err)
	}
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	f.clock.Advance(time.Hour)
	if err := f.svc.ChangePassword(self, f.alice.ID, "a long enough passphrase", "k8#mQz!vR"); err != nil {
		t.Fatalf("8+ characters with a phone: %v", err)
	}
	info := f.info(t)
	if !info.Account.PasswordChangedAt.Equal(f.clock.Now()) || !core.VerifySecret(info.Account.PasswordHash, "k8#mQz!vR") {
		t.Fatalf("changed at %v", info.Account.PasswordChangedAt)
	}
	sent := f.sent(t)
	if len(sent) != 1 || sent[0].To != "+442079460958" || !strings.Contains(sent[0].Text, "password of alice@contoso.com was changed") {
		t.Fatalf("notice: %+v", sent)
	}
}
