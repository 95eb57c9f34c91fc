package remote_test

import (
	"crypto/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// TestSetupFloodIsCheapAndLimited: once the first account exists, an
// unauthenticated flood of POST /v1/setup/firstAccount from one address,
// 32 at a time, makes the server hash no password at all and is soon
// answered 429; a real sign-in during the flood is not held up.
func TestSetupFloodIsCheapAndLimited(t *testing.T) {
	e := newEnv(t)
	if status, raw := e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"}, nil); status != 201 {
		t.Fatalf("first account: %d %s", status, raw)
	}
	before := core.Hashing().Total
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range 96 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			status, raw := e.call("POST", "/v1/setup/firstAccount", "", core.NewAccount{Name: "mallory" + string(rune('a'+i%26)) + "@contoso.com", Password: "another long passphrase"}, nil)
			if p := problemOf(t, raw); p.Status != status {
				t.Errorf("problem status %d on %d", p.Status, status)
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if got := core.Hashing().Total - before; got != 0 {
		t.Errorf("refused setups ran argon2id %d times; want none", got)
	}
	if statuses[409]+statuses[429] != 96 || statuses[429] < 96-10 {
		t.Errorf("answers %v; want 409 for the first 10 and 429 after", statuses)
	}
	// A real sign-in still goes through (from the same address: its
	// own limit is not the setup's).
	var step core.SignInStep
	if status, raw := e.call("POST", "/v1/signIn", "", map[string]string{"name": "alice@contoso.com", "password": "a long enough passphrase"}, &step); status != 200 || step.Session == nil {
		t.Fatalf("sign-in after the flood: %d %s", status, raw)
	}
}

// TestHashingIsBoundedAcrossTheProcess: 64 passwords hashed at once run at
// most one argon2id per core at a time, so the heap holds at most that
// many 19 MiB buffers (plus the garbage collector's slack), not 64.
func TestHashingIsBoundedAcrossTheProcess(t *testing.T) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peakHeap := make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				peakHeap <- peak
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := core.HashSecret("a long enough passphrase", rand.Reader); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	peak := <-peakHeap
	cores := runtime.GOMAXPROCS(0)
	if h := core.Hashing(); h.Peak > cores {
		t.Errorf("%d argon2id ran at once; the bound is one per core, %d", h.Peak, cores)
	}
	// Each running hash holds 19 MiB; the collector lets the heap grow
	// to twice what is live before it runs. Unbounded, 64 at once grew
	// it by more than 1 GiB.
	bound := uint64(3*cores+4) * 19 << 20
	if grew := peak - min(peak, base.HeapInuse); grew > bound {
		t.Errorf("the heap grew by %d MiB while hashing; the bound is %d MiB", grew>>20, bound>>20)
	}
	t.Logf("cores %d, heap grew by at most %d MiB", cores, (peak-min(peak, base.HeapInuse))>>20)
}
