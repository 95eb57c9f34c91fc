package radius_test

import (
	"fmt"
	"sync"
	"testing"

	"layeh.com/radius"
	"layeh.com/radius/rfc2865"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
)

// guessAtOnce sends 32 Access-Requests at once, each answering the
// challenge state with a code: wrong ones, and right among them when it
// is not "". It returns how many of each answer came back, and fails the
// test when a wrong code is accepted.
func guessAtOnce(t *testing.T, addr string, state []byte, right string) map[radius.Code]int {
	t.Helper()
	var mu sync.Mutex
	answers := map[radius.Code]int{}
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fmt.Sprintf("%06d", (i*7919+13)%1000000)
			if code == right {
				code = "999999"
			}
			if i == 16 && right != "" {
				code = right
			}
			res := exchange(t, addr, request{name: "alice@contoso.com", password: code, state: state}, wait)
			mu.Lock()
			defer mu.Unlock()
			answers[codeOf(res)]++
			if codeOf(res) == radius.CodeAccessAccept && code != right {
				t.Errorf("the guess %s was accepted", code)
			}
		}()
	}
	wg.Wait()
	return answers
}

// TestAttackRadiusGuessesAtOnce: 32 Access-Requests at once, each
// guessing the code of one challenge: all are refused, and the failures
// count toward the person's lockout as in the window: the next sign-in,
// with the right password, is refused.
func TestAttackRadiusGuessesAtOnce(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	r.app(alice)
	addr := r.serve(r.svc, vpn(false))
	res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait)
	answers := guessAtOnce(t, addr, rfc2865.State_Get(res), "")
	if answers[radius.CodeAccessReject] != 32 {
		t.Fatalf("answers: %v", answers)
	}
	if len(r.events(core.ActionSignInLocked))+len(r.events(core.ActionMethodLocked)) == 0 {
		t.Errorf("32 wrong codes locked nothing")
	}
	r.clock.Advance(30e9)
	if res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("after the guesses: %v, want Access-Reject", codeOf(res))
	}
}

// TestAttackRadiusRightCodeAmongGuesses: the right code among 31 wrong
// ones, all at once on one challenge: at most the right one is accepted
// (it is refused when the guesses locked the method first), every wrong
// one is refused. What follows depends on the order (a right code
// accepted early resets the count, as a sign-in does): the lockout itself
// is TestAttackRadiusGuessesAtOnce's.
func TestAttackRadiusRightCodeAmongGuesses(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	app := r.app(alice)
	addr := r.serve(r.svc, vpn(false))
	res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait)
	answers := guessAtOnce(t, addr, rfc2865.State_Get(res), r.code(app))
	if answers[radius.CodeAccessAccept] > 1 || answers[radius.CodeAccessReject] < 31 || answers[radius.CodeAccessAccept]+answers[radius.CodeAccessReject] != 32 {
		t.Fatalf("answers: %v", answers)
	}
}

// TestRadiusTwoServersShareTheState: the challenge of one server is
// answered to another on the same PostgreSQL database (a NAS fails over
// between servers): the State lives in the store.
func TestRadiusTwoServersShareTheState(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	r := newRigOn(t, openStore(t, url))
	alice := r.person("alice@contoso.com", core.RoleUser)
	app := r.app(alice)
	first := r.serve(r.svc, vpn(false))
	second := r.serve(r.service(openStore(t, url)), vpn(false))
	res := exchange(t, first, request{name: "alice@contoso.com", password: password}, wait)
	if codeOf(res) != radius.CodeAccessChallenge {
		t.Fatalf("first server: %v", codeOf(res))
	}
	state := rfc2865.State_Get(res)
	if res := exchange(t, second, request{name: "alice@contoso.com", password: r.code(app), state: state}, wait); codeOf(res) != radius.CodeAccessAccept {
		t.Fatalf("second server: %v, want Access-Accept", codeOf(res))
	}
	// And the first one knows it is used.
	if res := exchange(t, first, request{name: "alice@contoso.com", password: r.code(app), state: state}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("the State again on the first server: %v, want Access-Reject", codeOf(res))
	}
}
