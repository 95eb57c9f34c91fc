package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/remote"
	"github.com/securityinfo/securityinfo/core/sqlite"
	_ "github.com/securityinfo/securityinfo/internal/quietlocale" // before Fyne reads the locale
)

// harness is the window over a real SQLite store in a temp folder with
// the local outbox, a fixed clock and a deterministic random source, driven
// headless by fyne.io/fyne/v2/test.
type harness struct {
	t      *testing.T
	u      *UI
	w      fyne.Window
	svc    *core.Local
	outbox *outbox.Outbox
	now    time.Time
	ticks  []func()
	admin  context.Context
	// sessions, when set, keeps session tokens as the central service's
	// window does.
	sessions SessionKeeper
}

// testSetting reads one axis of the test matrix from the environment:
// SECURITYINFO_TEST_STORE (sqlite or postgres) is the service's store,
// SECURITYINFO_TEST_VIA (local or http) whether the window calls the
// service in-process or over HTTP through core/remote, as it does with
// --server. The first choice is the default; make test runs each.
func testSetting(t *testing.T, name string, choices ...string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return choices[0]
	}
	if !slices.Contains(choices, v) {
		t.Fatalf("%s=%q: use one of %v", name, v, choices)
	}
	return v
}

// newHarness is a window on the test driver; with, when given, changes
// the service's options (a directory, say).
func newHarness(t *testing.T, lang string, with ...func(*core.Options)) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(900, 640))
	t.Cleanup(w.Close)
	return newHarnessOn(t, lang, a, w, SyncRunner{}, with...)
}

// newHarnessOn builds the harness on a given app and window (the real
// driver for screenshots, the test driver otherwise).
func newHarnessOn(t *testing.T, lang string, a fyne.App, w fyne.Window, r Runner, with ...func(*core.Options)) *harness {
	h := &harness{t: t, now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), admin: core.WithActor(context.Background(), core.LocalAdministrator)}
	dir := t.TempDir()
	var store core.Store
	var err error
	if testSetting(t, "SECURITYINFO_TEST_STORE", "sqlite", "postgres") == "postgres" {
		store, err = postgres.Open(context.Background(), pgtest.FreshDatabase(t))
	} else {
		store, err = sqlite.Open(filepath.Join(dir, "securityinfo.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, err := core.NewKeys([]byte("0123456789abcdef0123456789abcdef"), rand.NewChaCha8([32]byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	h.outbox = outbox.New(filepath.Join(dir, outbox.FileName), h.Now)
	opts := core.Options{Sender: h.outbox, Texts: assets.Default, Now: h.Now,
		Rand: rand.NewChaCha8([32]byte{2}), Background: func(f func()) { f() }}
	for _, fn := range with {
		fn(&opts)
	}
	h.svc = core.NewLocal(store, keys, opts)
	h.w = w
	// Through the server: the window talks to the same service over HTTP,
	// through the remote client, as it does with --server.
	var windowSvc core.Service = h.svc
	if testSetting(t, "SECURITYINFO_TEST_VIA", "local", "http") == "http" {
		api, calls := remote.NewServer(h.svc, nil), new(atomic.Int64)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			api.ServeHTTP(w, r)
		}))
		t.Cleanup(func() {
			srv.Close()
			if calls.Load() == 0 {
				t.Error("the window never called the server")
			}
		})
		c, err := remote.NewClient(srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		windowSvc = c
	}
	h.u = New(a, h.w, Options{Lang: lang, Runner: r, Now: h.Now, Tick: h.tick,
		Open: func(context.Context) (*Backend, error) {
			// A place of its own: the account picker of one test (or
			// screenshot, on the shared real app) starts empty.
			return &Backend{Service: windowSvc, Outbox: h.readOutbox, Close: store.Close, Sessions: h.sessions, Place: dir}, nil
		}})
	return h
}

func (h *harness) Now() time.Time { return h.now }

// as acts as the account itself, without a session (only the owner adds
// to or changes its security info).
func (h *harness) as(a *core.Account) context.Context {
	return core.WithActor(context.Background(), core.OwnerActor(a, "test"))
}

// tick records the countdown's callback; advance calls it.
func (h *harness) tick(_ time.Duration, fn func()) func() {
	i := len(h.ticks)
	h.ticks = append(h.ticks, fn)
	return func() { h.ticks[i] = nil }
}

func (h *harness) advance(d time.Duration) {
	h.now = h.now.Add(d)
	for _, fn := range h.ticks {
		if fn != nil {
			fn()
		}
	}
}

func (h *harness) readOutbox() ([]OutboxEntry, error) {
	es, err := outbox.Read(h.outbox.Path())
	out := make([]OutboxEntry, len(es))
	for i, e := range es {
		out[i] = OutboxEntry{Time: e.Time, Channel: e.Channel, To: e.To, Language: e.Language, Subject: e.Subject, Text: e.Text, AccountID: e.AccountID}
	}
	return out, err
}

const alicePassword = "a long enough passphrase"

// withAccount creates alice (the first account, an admin), starts the
// window and signs her in with her password, as she has no method yet.
func (h *harness) withAccount() *core.Account {
	h.t.Helper()
	a, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", DisplayName: "Alice Smith", Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	// These tests are about the pages: "Keep your account secure" has its own.
	if _, err := h.svc.SetPolicy(h.admin, []string{"requireRegistration=false"}); err != nil {
		h.fatal(err)
	}
	h.u.Start()
	h.entry(h.u.tr.T("signin.namePlaceholder")).SetText("alice@contoso.com")
	test.Type(h.entry(h.u.tr.T("signin.passwordPlaceholder")), alicePassword)
	h.tap(h.u.tr.T("signin.submit"))
	return a
}

// relogin signs alice in again with her phone as second factor, as she
// must to change methods the administrator added after she signed in.
func (h *harness) relogin() {
	h.t.Helper()
	step, err := h.svc.SignIn(h.u.ctx, "alice@contoso.com", alicePassword)
	if err != nil || step.Pending == nil {
		h.fatalf("sign-in: %+v, %v", step, err)
	}
	for _, o := range step.Pending.Options {
		if o.Kind == core.KindPhone {
			ch, err := h.svc.SendSignInCode(h.u.ctx, step.Pending.ID, o.MethodID, o.Channel)
			if err != nil {
				h.fatal(err)
			}
			done, err := h.svc.FinishSignIn(h.u.ctx, step.Pending.ID, o.MethodID, ch.VerificationID, h.lastCode())
			if err != nil {
				h.fatal(err)
			}
			h.u.signedIn(done)
			return
		}
	}
	h.fatal("no phone to sign in with")
}

// lastCode reads the newest code in the outbox, as a person reads their phone.
func (h *harness) lastCode() string {
	h.t.Helper()
	es, _ := h.readOutbox()
	if len(es) == 0 {
		h.fatal("nothing was sent")
	}
	text := strings.ReplaceAll(es[len(es)-1].Text, ", ", "")
	c := regexp.MustCompile(`\b\d{6,8}\b`).FindString(text)
	if c == "" {
		h.fatalf("no code in %q", text)
	}
	return c
}

// objects lists everything shown on the window, in reading order: the
// content, then dialogs on top. Hidden objects and their children are left out.
func (h *harness) objects() []fyne.CanvasObject {
	var all []fyne.CanvasObject
	add := func(o fyne.CanvasObject) { all = append(all, o) }
	walk(h.w.Canvas().Content(), add)
	for _, o := range h.w.Canvas().Overlays().List() {
		walk(o, add)
	}
	return all
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// visible is true of everything objects returns.
func visible(o fyne.CanvasObject) bool { return o.Visible() }

// tappable finds a visible button or link with text, on top-most dialog
// first. It fails the test when there is none.
func (h *harness) tappable(text string) fyne.Tappable {
	h.t.Helper()
	objs := h.objects()
	for i := len(objs) - 1; i >= 0; i-- {
		switch b := objs[i].(type) {
		case *button:
			if b.Text == text && visible(b) {
				return b
			}
		}
	}
	h.fatalf("no button or link %q on screen; text shown:\n%s", text, h.text())
	return nil
}

// tapFirst taps the first button or link with text in reading order.
func (h *harness) tapFirst(text string) {
	h.t.Helper()
	for _, o := range h.objects() {
		if l, ok := o.(*button); ok && l.link && l.Text == text && visible(l) {
			tapCentre(l)
			return
		}
	}
	h.fatalf("no link %q", text)
}

// tap taps the button or link with text.
func (h *harness) tap(text string) {
	h.t.Helper()
	tapCentre(h.tappable(text))
}

// tapCentre taps the middle of a widget: a link reacts only over its text.
func tapCentre(t fyne.Tappable) {
	if o, ok := t.(fyne.CanvasObject); ok {
		test.TapAt(t, fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
		return
	}
	test.Tap(t)
}

// disabled reports whether the button with text is disabled.
func (h *harness) disabled(text string) bool {
	h.t.Helper()
	switch b := h.tappable(text).(type) {
	case *button:
		return b.Disabled()
	}
	return false
}

// entry finds a visible entry by its placeholder.
func (h *harness) entry(placeholder string) *field {
	h.t.Helper()
	objs := h.objects()
	for i := len(objs) - 1; i >= 0; i-- {
		if f, ok := objs[i].(*field); ok && f.PlaceHolder == placeholder && visible(f) {
			return f
		}
	}
	h.fatalf("no entry %q on screen:\n%s", placeholder, h.text())
	return nil
}

// selects lists the visible drop-downs, top-most dialog last.
func (h *harness) selects() []*widget.Select {
	var out []*widget.Select
	for _, o := range h.objects() {
		if s, ok := o.(*widget.Select); ok && visible(s) {
			out = append(out, s)
		}
		if s, ok := o.(*selectBox); ok && visible(s) {
			out = append(out, &s.Select)
		}
	}
	return out
}

// selectBoxes are the visible drop-downs that take the dialog's keys.
func (h *harness) selectBoxes() []*selectBox {
	var out []*selectBox
	for _, o := range h.objects() {
		if s, ok := o.(*selectBox); ok && visible(s) {
			out = append(out, s)
		}
	}
	return out
}

// text is every visible label, link and button text, one a line.
func (h *harness) text() string {
	var b strings.Builder
	for _, o := range h.objects() {
		if !visible(o) {
			continue
		}
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *button:
			b.WriteString("[" + x.Text + "]\n")
		}
	}
	return b.String()
}

// shows fails unless some visible text contains s.
func (h *harness) shows(s string) {
	h.t.Helper()
	if !strings.Contains(h.text(), s) {
		h.fatalf("%q not shown; text shown:\n%s", s, h.text())
	}
}

func (h *harness) notShows(s string) {
	h.t.Helper()
	if strings.Contains(h.text(), s) {
		h.fatalf("%q shown; text shown:\n%s", s, h.text())
	}
}

// dialogs is the number of dialogs open.
func (h *harness) dialogs() int { return len(h.w.Canvas().Overlays().List()) }

// key sends a key to the focused widget.
func (h *harness) key(name fyne.KeyName) {
	h.t.Helper()
	f := h.w.Canvas().Focused()
	if f == nil {
		h.fatal("nothing has the focus")
	}
	f.TypedKey(&fyne.KeyEvent{Name: name})
}

// press sends a key as the GLFW driver does: KeyDown and TypedKey, then
// the rune the key types (0: none), then KeyUp, each to whatever has the
// focus by then. (The test package's Type sends runes alone.)
func (h *harness) press(name fyne.KeyName, r rune) {
	h.t.Helper()
	c := h.w.Canvas()
	ev := &fyne.KeyEvent{Name: name}
	if c.Focused() == nil {
		h.fatal("nothing has the focus")
	}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
	}
	c.Focused().TypedKey(ev)
	if f := c.Focused(); f != nil && r != 0 {
		f.TypedRune(r)
	}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyUp(ev)
	}
}

// typeFocused types into the focused widget.
func (h *harness) typeFocused(s string) {
	h.t.Helper()
	f := h.w.Canvas().Focused()
	if f == nil {
		h.fatal("nothing has the focus")
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

// methods is what the store holds for acct.
func (h *harness) methods(acct *core.Account) []core.MethodView {
	h.t.Helper()
	info, err := h.svc.SecurityInfo(h.as(acct), acct.ID)
	if err != nil {
		h.fatal(err)
	}
	return info.Methods
}

// addMethod opens "Add sign-in method" and starts the wizard of kind.
func (h *harness) addMethod(kind string) {
	h.t.Helper()
	h.tap("Add sign-in method")
	sel := h.selects()
	if len(sel) == 0 {
		h.fatal("no kind drop-down")
	}
	sel[len(sel)-1].SetSelected(kind)
	h.tap("Add")
}

// fatalf fails the test, saying why on stderr too: when it runs on the
// UI goroutine of the real driver (screenshots) the test log is lost.
func (h *harness) fatalf(format string, args ...any) {
	h.t.Helper()
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	h.t.Fatalf(format, args...)
}

func (h *harness) fatal(args ...any) {
	h.t.Helper()
	fmt.Fprintln(os.Stderr, args...)
	h.t.Fatal(args...)
}
