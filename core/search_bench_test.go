package core_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// BenchmarkHelpdeskSearch seeds SECURITYINFO_BENCH_ACCOUNTS accounts
// (default 1,000,000), each with a phone, straight into the store, then
// times the help desk's search, as the window runs it on each keystroke:
// by the start of a sign-in name, of a display name, and by a phone's
// last digits. It reports the p50 and p95 of one search. SQLite by
// default; PostgreSQL with SECURITYINFO_TEST_STORE=postgres under
// scripts/with-postgres. Run:
//
//	go test ./core -run '^$' -bench HelpdeskSearch -benchtime 200x -timeout 30m
func BenchmarkHelpdeskSearch(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SECURITYINFO_BENCH_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	f := newFixture(b) // SECURITYINFO_TEST_STORE=postgres for PostgreSQL
	firsts := []string{"Uma", "Ulla", "Bob", "Carol", "Dieter", "Eva", "Farid", "Greta", "Hana", "Ivo", "Jana", "Kai"}
	lasts := []string{"Thurman", "Meyer", "Smith", "Okafor", "Lindqvist", "Novak", "Tanaka", "Rossi", "Schmidt", "Garcia"}
	started := time.Now()
	const batch = 5000
	for lo := 0; lo < n; lo += batch {
		err := f.store.Update(context.Background(), func(tx core.Tx) error {
			for i := lo; i < min(lo+batch, n); i++ {
				a := &core.Account{ID: fmt.Sprintf("%032x", i+1), Name: fmt.Sprintf("p%07d@contoso.com", i),
					DisplayName: firsts[i%len(firsts)] + " " + lasts[(i/len(firsts))%len(lasts)] + " " + strconv.Itoa(i),
					Role:        core.RoleUser, Language: "en", CreatedAt: f.clock.Now(), PasswordChangedAt: f.clock.Now()}
				if err := tx.CreateAccount(a); err != nil {
					return err
				}
				m := &core.Method{ID: fmt.Sprintf("m%031x", i+1), AccountID: a.ID, Kind: core.KindPhone, Channel: core.ChannelSMS,
					Detail: fmt.Sprintf("+4420%08d", i), Language: "en", CreatedAt: f.clock.Now()}
				if err := tx.CreateMethod(m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d accounts in %v", n, time.Since(started).Round(time.Second))
	for _, c := range []struct {
		name  string
		query func(i int) string
	}{
		{"name", func(i int) string { return fmt.Sprintf("p%05d", (i*7919)%(n/100+1)) }}, // ~100 matches, a page
		{"displayName", func(i int) string { return firsts[i%len(firsts)] + " " + lasts[i%len(lasts)][:2] }},
		{"phoneDigits", func(i int) string { return fmt.Sprintf("%04d", (i*7919)%10000) }}, // ~100 phones each
	} {
		b.Run(c.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				got, err := f.svc.SearchAccounts(f.ctx, core.AccountSearch{Text: c.query(i), Limit: 20})
				times = append(times, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				if len(got) == 0 {
					b.Fatalf("%q found no one", c.query(i))
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
