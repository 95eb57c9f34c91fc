package ui

import (
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

// keptTokens stands in for the OS keyring (core/keyring's Token calls,
// tested against a real Secret Service in core/keyring).
type keptTokens struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *keptTokens) Load(account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[account], nil
}

func (k *keptTokens) Save(account, token string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[account] = token
	return nil
}

func (k *keptTokens) Forget(account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, account)
	return nil
}

// TestKeptSessionResumes: with a session keeper (the central service), a
// sign-in is kept, the next start of the window resumes it without asking
// to sign in, and signing out forgets it.
func TestKeptSessionResumes(t *testing.T) {
	h := newHarness(t, "en")
	kept := &keptTokens{m: map[string]string{}}
	h.sessions = kept
	h.withAccount()
	h.shows("These are the methods you use to sign into your account or reset your password.")
	token := kept.m["alice@contoso.com"]
	if token == "" || token != h.u.sess.ID {
		t.Fatalf("kept %q, session %q", token, h.u.sess.ID)
	}
	// The window starts again on the same app: no sign-in screen.
	w2 := test.NewWindow(nil)
	w2.Resize(fyne.NewSize(900, 640))
	t.Cleanup(w2.Close)
	u2 := New(h.u.app, w2, h.u.o)
	h.u, h.w = u2, w2
	u2.Start()
	h.shows("These are the methods you use to sign into your account or reset your password.")
	h.notShows("Forgot my password")
	if u2.sess == nil || u2.sess.ID != token {
		t.Fatalf("resumed session %+v", u2.sess)
	}
	u2.signOut("")
	h.shows("Use another account")
	if len(kept.m) != 0 {
		t.Fatalf("still kept after sign-out: %v", kept.m)
	}
	// Signed out, picking alice asks for her password.
	h.tap("Alice Smith (alice@contoso.com)")
	h.shows("Forgot my password")
	if h.entry("Account name, for example alice@contoso.com").Text != "alice@contoso.com" {
		h.fatal("the picked name is not filled in")
	}
}

// TestAccountPicker: the accounts signed in on this desktop are listed at
// sign-in, the latest first (names only); one is forgotten; "Use another
// account" gives an empty form; with sessions kept in the keyring, Switch
// account goes back to the picker and picking an account resumes its
// session without a password. The list is per place (server or folder).
func TestAccountPicker(t *testing.T) {
	h := newHarness(t, "en")
	kept := &keptTokens{m: map[string]string{}}
	h.sessions = kept
	h.withAccount()
	if _, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", DisplayName: "Bob Jones", Password: alicePassword}); err != nil {
		h.fatal(err)
	}
	h.u.switchAccount()
	h.shows("Choose the account you want to sign in with.")
	h.shows("Alice Smith (alice@contoso.com)")
	if _, ok := kept.m["alice@contoso.com"]; !ok {
		h.fatal("switching account ended alice's kept session")
	}
	h.tap("Use another account")
	test.Type(h.entry("Account name, for example alice@contoso.com"), "bob@contoso.com")
	test.Type(h.entry("Password"), alicePassword)
	h.tap("Sign in")
	h.shows("Bob Jones")
	h.u.switchAccount()
	if got := h.u.remembered(); len(got) != 2 || got[0].Name != "bob@contoso.com" || got[1].Name != "alice@contoso.com" {
		h.fatalf("remembered: %+v", got)
	}
	// alice's kept session resumes: no password asked.
	h.tap("Alice Smith (alice@contoso.com)")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	if h.u.acct == nil || h.u.acct.Name != "alice@contoso.com" {
		h.fatal("alice's session did not resume")
	}
	h.u.switchAccount()
	// Forget bob: gone from the list and from the keyring.
	var forgets []*button
	for _, o := range h.objects() {
		if l, ok := o.(*button); ok && l.Text == "Forget this account" {
			forgets = append(forgets, l)
		}
	}
	if len(forgets) != 2 {
		h.fatalf("%d Forget links", len(forgets))
	}
	tapCentre(forgets[1]) // bob's: alice, resumed last, comes first
	h.notShows("Bob Jones")
	if _, ok := kept.m["bob@contoso.com"]; ok {
		h.fatal("bob's session is still in the keyring")
	}
	// Another place has its own list.
	h.u.back.Place = "https://other.example"
	if got := h.u.remembered(); len(got) != 0 {
		h.fatalf("another place's list: %+v", got)
	}
}

// noKeyring is a keyring that is not there: every call fails as the OS
// keyring does when no Secret Service answers.
type noKeyring struct{}

func (noKeyring) Load(string) (string, error) {
	return "", core.Errorf(core.EUNAVAILABLE, "no keyring")
}
func (noKeyring) Save(string, string) error { return core.Errorf(core.EUNAVAILABLE, "no keyring") }
func (noKeyring) Forget(string) error       { return core.Errorf(core.EUNAVAILABLE, "no keyring") }

// TestNoKeyringIsSaidInTheWindow: when the keyring cannot keep the
// session, the window says the next start will ask to sign in again (not
// only a line on stderr); the account picker marks which accounts are
// still signed in and which need their password.
func TestNoKeyringIsSaidInTheWindow(t *testing.T) {
	h := newHarness(t, "en")
	h.sessions = noKeyring{}
	h.withAccount()
	h.shows("This computer has no keyring to keep you signed in, so you'll be asked to sign in again the next time you open Security info.")

	h = newHarness(t, "en")
	kept := &keptTokens{m: map[string]string{}}
	h.sessions = kept
	h.withAccount()
	bob, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", Password: alicePassword})
	if err != nil {
		t.Fatal(err)
	}
	h.u.remember(bob)
	h.u.switchAccount()
	h.shows("alice@contoso.com")
	text := h.text()
	if !strings.Contains(text, "signed in") || !strings.Contains(text, "password needed") {
		t.Fatalf("the picker does not say which accounts are signed in:\n%s", text)
	}
}
