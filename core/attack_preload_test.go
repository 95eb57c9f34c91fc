package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestAttackParallelAppGuesses: 32 wrong codes for an app at once, from
// one session (the preloaded, pipelined path on PostgreSQL): each is
// counted, none is lost to a race; then 32 submissions of the right code
// at once: one is accepted, the others fail as replays and are counted.
func TestAttackParallelAppGuesses(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"methodLockoutThreshold=50"}); err != nil {
		t.Fatal(err)
	}
	uma := f.session(t, d.user)
	p := core.DefaultPolicy()
	wrong := ""
	for i := 0; i < 1000000; i++ {
		c := fmt.Sprintf("%06d", i)
		if _, ok := core.MatchTOTP(d.secret, c, f.clock.Now(), p, -1<<62); !ok {
			wrong = c
			break
		}
	}
	race := func(code string) (accepted, failed int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := f.svc.VerifyAuthenticator(uma, d.user.ID, d.app.ID, code)
				mu.Lock()
				defer mu.Unlock()
				switch core.ErrorCode(err) {
				case "":
					accepted++
				case core.EWRONGCODE:
					failed++
				default:
					t.Errorf("guess %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		return
	}
	counted := func() int {
		var n int
		if err := f.store.View(context.Background(), func(tx core.Tx) error {
			c, err := tx.FailureCounter(d.user.ID, "method:"+d.app.ID)
			if err == nil {
				n = c.Failures
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if accepted, failed := race(wrong); accepted != 0 || failed != 32 {
		t.Fatalf("32 wrong codes: %d accepted, %d wrong", accepted, failed)
	}
	if n := counted(); n != 32 {
		t.Fatalf("32 wrong codes at once counted %d failures", n)
	}
	right, err := core.TOTPCode(d.secret, f.clock.Now(), p)
	if err != nil {
		t.Fatal(err)
	}
	if accepted, failed := race(right); accepted != 1 || failed != 31 {
		t.Fatalf("the right code 32 times at once: %d accepted, %d refused", accepted, failed)
	}
	if n := counted(); n != 31 {
		t.Fatalf("after one right code and 31 replays: %d failures counted", n)
	}
}
