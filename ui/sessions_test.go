package ui

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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
	h.shows("Forgot my password")
	if len(kept.m) != 0 {
		t.Fatalf("still kept after sign-out: %v", kept.m)
	}
}
