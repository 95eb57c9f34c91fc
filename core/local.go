package core

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Local is the in-process Service over a Store.
type Local struct {
	background func(func())
	pending    sync.WaitGroup // background work under way
	// nameLocks serialise the sign-ins of a name (nameStripe).
	nameLocks [nameStripes]sync.Mutex

	store  Store
	dir    Directory // nil: the store's own accounts and passwords
	keys   *Keys
	sender Sender
	texts  Texts
	log    *slog.Logger
	now    func() time.Time
	rand   io.Reader
	queue  bool          // Options.Queue
	wake   chan struct{} // kicks RunWorker

	setupToken string // AllowSetup
}

var _ Service = (*Local)(nil)

// Options are the injected parts of a Local service. Zero values mean the
// real clock, crypto/rand, no logging, and no delivery (every send fails
// with EUNAVAILABLE).
type Options struct {
	Sender Sender
	Texts  Texts // required: the translations messages are written from
	Log    *slog.Logger
	Now    func() time.Time
	Rand   io.Reader
	// Background runs work that no answer waits for, such as delivering
	// a reset's codes (nil: in a new goroutine); tests may run it at once.
	Background func(func())
	// Directory is the organisation's directory, the source of people
	// and passwords (directory_signin.go); nil for the store's own.
	Directory Directory
	// Queue leaves every delivery to the outbox worker (RunWorker),
	// as the central service does: no request waits for a provider, and a
	// failed delivery is retried with backoff. Without it, the request
	// that queued a message delivers it at once and reports a failed
	// code delivery, as a desktop expects; the queued row then only
	// matters if the process dies first.
	Queue bool
}

// NewLocal returns the in-process service over store, sealing and hashing
// with keys.
func NewLocal(store Store, keys *Keys, o Options) *Local {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Sender == nil {
		o.Sender = Router{}
	}
	s := &Local{store: store, dir: o.Directory, keys: keys, sender: o.Sender, texts: o.Texts, log: o.Log, now: o.Now, rand: o.Rand, background: o.Background,
		queue: o.Queue, wake: make(chan struct{}, 1)}
	if s.background == nil {
		s.background = func(f func()) {
			s.pending.Add(1)
			go func() {
				defer s.pending.Done()
				f()
			}()
		}
	}
	return s
}

// WaitBackground waits until background work (a reset's deliveries) is
// done: before closing the store, or in a tool that must not exit first.
func (s *Local) WaitBackground() { s.pending.Wait() }

// newID returns a random 128-bit identifier as 32 hex digits. Every ID
// that can be presented as a bearer (a verification, a pending sign-in, a
// reset) is one, so none can be guessed.
func (s *Local) newID() (string, error) {
	return s.randomHex(16)
}

// randomHex returns n random bytes as hex.
func (s *Local) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func (s *Local) clock() time.Time { return s.now().UTC() }
