package core_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkDirectorySync syncs a directory of generated people into an
// empty store (SECURITYINFO_TEST_STORE: SQLite or PostgreSQL), reporting
// the time of one whole sync and the peak heap while it ran. The size is
// SECURITYINFO_BENCH_PEOPLE (100,000 by default; adding them to slapd
// takes longer than the sync). Run inside scripts/with-ldap:
//
//	go test ./core -run '^$' -bench DirectorySync -benchtime 1x
func BenchmarkDirectorySync(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("SECURITYINFO_BENCH_PEOPLE")); err == nil && v > 0 {
		n = v
	}
	b.StopTimer()
	for range b.N {
		f := newDirectoryFixture(b)
		f.tree.Many(b, "p", n)
		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		b.StartTimer()
		r, err := f.svc.SyncDirectory(f.ctx, false, nil)
		b.StopTimer()
		close(stop)
		<-sampled
		if err != nil || r.Added != n {
			b.Fatalf("sync = %+v, %v", r, err)
		}
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		if rss := peakRSS(); rss > 0 {
			b.ReportMetric(rss, "peak-rss-MiB") // the whole process, adding the people too
		}
		b.ReportMetric(float64(n), "people")
	}
}

// BenchmarkDirectoryBind is the time a directory bind adds to a sign-in:
// finding the person (with their groups) and binding as them, over
// StartTLS, each on a connection of its own.
func BenchmarkDirectoryBind(b *testing.B) {
	f := newDirectoryFixture(b)
	f.person(b, "bea", "Bea-pass-1", nil)
	ctx := context.Background()
	for b.Loop() {
		p, err := f.dir.Person(ctx, "bea@contoso.test")
		if err != nil {
			b.Fatal(err)
		}
		if ok, err := f.dir.CheckPassword(ctx, p, "Bea-pass-1"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// peakRSS is the process's peak resident memory in MiB (Linux's VmHWM), 0
// where it cannot be read.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
