package remote_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// countingRand counts the 16-byte reads (argon2id salts, among others).
type countingRand struct{ salts atomic.Int64 }

func (c *countingRand) Read(p []byte) (int, error) {
	if len(p) == 16 {
		c.salts.Add(1)
	}
	return rand.Read(p)
}

// spyStore counts what a request makes the store do.
type spyStore struct {
	core.Store
	mu                              sync.Mutex
	updates, sessions, policies, ac int
}

func (s *spyStore) reset() {
	s.mu.Lock()
	s.updates, s.sessions, s.policies, s.ac = 0, 0, 0, 0
	s.mu.Unlock()
}
func (s *spyStore) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.View(ctx, func(tx core.Tx) error { return fn(&spyTx{tx, s}) })
}
func (s *spyStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	s.mu.Lock()
	s.updates++
	s.mu.Unlock()
	return s.Store.Update(ctx, func(tx core.Tx) error { return fn(&spyTx{tx, s}) })
}

type spyTx struct {
	core.Tx
	s *spyStore
}

func (t *spyTx) Session(id string) (*core.Session, error) {
	t.s.mu.Lock()
	t.s.sessions++
	t.s.mu.Unlock()
	return t.Tx.Session(id)
}
func (t *spyTx) Policy() (*core.Policy, error) {
	t.s.mu.Lock()
	t.s.policies++
	t.s.mu.Unlock()
	return t.Tx.Policy()
}
func (t *spyTx) Account(id string) (*core.Account, error) {
	t.s.mu.Lock()
	t.s.ac++
	t.s.mu.Unlock()
	return t.Tx.Account(id)
}

func newSpyEnv(t *testing.T) (*env, *spyStore, *countingRand) {
	t.Helper()
	store := &spyStore{Store: openSQLite(t)}
	cr := &countingRand{}
	return newEnvOn(t, store, cr, nil), store, cr
}

func questionsBody(t *testing.T, e *env) map[string]any {
	var bank []core.Question
	if status, raw := e.call("GET", "/v1/securityQuestions", "", nil, &bank); status != 200 {
		t.Fatalf("bank: %d %s", status, raw)
	}
	var qas []core.QuestionAnswer
	for i, q := range bank[:3] {
		qas = append(qas, core.QuestionAnswer{Question: q.Text, Answer: []string{"zebra crossing", "purple mountain", "quiet harbour"}[i]})
	}
	return map[string]any{"questions": qas}
}

// Attack: with no account at all, a forged token of the right shape
// must not make the server run argon2id (19 MiB, t=2) once per answer
// before the gate refuses it (it did in 64f9d9b, found by an outside
// review: the server no longer resumes the session first).
func TestAttackForgedTokenHashesAnswers(t *testing.T) {
	e, _, cr := newSpyEnv(t)
	body := questionsBody(t, e)
	forged := core.NewToken(strings.Repeat("0", 32), strings.Repeat("ab", 32))

	before := cr.salts.Load()
	start := time.Now()
	status, raw := e.call("POST", "/v1/me/authentication/securityQuestionMethods", forged, body, nil)
	took := time.Since(start)
	hashed := cr.salts.Load() - before
	t.Logf("AddQuestions with forged token: %d %s in %v; argon2id salts drawn: %d", status, strings.TrimSpace(string(raw)), took, hashed)

	start = time.Now()
	s2, _ := e.call("GET", "/v1/me/authentication/securityInfo", forged, nil, nil)
	t.Logf("SecurityInfo with forged token: %d in %v", s2, time.Since(start))

	// 16 unauthenticated requests in parallel.
	start = time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.call("POST", "/v1/me/authentication/securityQuestionMethods", forged, body, nil)
		}()
	}
	wg.Wait()
	t.Logf("16 forged AddQuestions in parallel: %v", time.Since(start))
	if hashed != 0 {
		t.Errorf("an unauthenticated request with a forged token made the server hash %d answers with argon2id before refusing it", hashed)
	}
}

// Attack: a forged token naming a real account must do the same store
// work as one naming a made-up ID (otherwise the time of the answer, a
// round trip a read on PostgreSQL, tells which accounts exist).
func TestAttackForgedTokenSameWorkForRealAndMadeUp(t *testing.T) {
	e, spy, _ := newSpyEnv(t)
	var alice core.Account
	e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}, &alice)
	work := func(path, method, tok string) [4]int {
		spy.reset()
		status, raw := e.call(method, path, tok, nil, nil)
		spy.mu.Lock()
		defer spy.mu.Unlock()
		t.Logf("%s %s %q: %d %s -> updates=%d account=%d policy=%d session=%d", method, path, tok[:8], status,
			strings.TrimSpace(string(raw)), spy.updates, spy.ac, spy.policies, spy.sessions)
		return [4]int{spy.updates, spy.ac, spy.policies, spy.sessions}
	}
	real := core.NewToken(alice.ID, strings.Repeat("ab", 32))
	fake := core.NewToken(strings.Repeat("0", len(alice.ID)), strings.Repeat("ab", 32))
	legacy := strings.Repeat("ab", 32)
	r := work("/v1/me/authentication/securityInfo", "GET", real)
	f := work("/v1/me/authentication/securityInfo", "GET", fake)
	work("/v1/me/authentication/securityInfo", "GET", legacy)
	if r != f {
		t.Errorf("a forged token for an existing account does different store work (%v) than for a made-up one (%v)", r, f)
	}
}
