package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// floorRows is the size of the floor's table: rows picked at random, as
// pgbench's accounts are, so that clients rarely wait on one another's row.
const floorRows = 30000 // at most --clients of them

// measureFloor measures what PostgreSQL itself commits: o.clients
// connections, each running for o.duration one durable conditional
// one-row UPDATE after another (UPDATE … SET step = $2 WHERE id = $1 AND
// step < $2, each in its own transaction, as a verification's write of
// its time step is), on a table of the bench's own, created first and
// dropped after. The service's rate is then read as a ratio of it.
func measureFloor(ctx context.Context, o benchOptions) (*result, error) {
	cfg, err := pgxpool.ParseConfig(o.store)
	if err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	cfg.MaxConns = int32(o.clients)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	defer pool.Close()
	table := "securityinfo_bench_floor_" + randomHex(4)
	if _, err := pool.Exec(ctx, `CREATE TABLE `+table+` (id integer PRIMARY KEY, step bigint NOT NULL)`); err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	defer pool.Exec(context.WithoutCancel(ctx), `DROP TABLE `+table)
	if _, err := pool.Exec(ctx, `INSERT INTO `+table+` SELECT i, 0 FROM generate_series(1, $1) i`, max(floorRows, o.clients)); err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE `+table); err != nil {
		return nil, fmt.Errorf("bench: floor: %w", err)
	}
	update := `UPDATE ` + table + ` SET step = $2 WHERE id = $1 AND step < $2`
	var step atomic.Int64
	var r result
	var mu sync.Mutex
	var wg sync.WaitGroup
	rctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	started := time.Now()
	for c := range o.clients {
		wg.Go(func() {
			// Client c updates the rows c+1, c+1+clients, ...: no two
			// clients race for one row, so each update changes it.
			mine := max(floorRows/o.clients, 1)
			var lat []time.Duration
			for rctx.Err() == nil {
				t0 := time.Now()
				tag, err := pool.Exec(rctx, update, c+1+o.clients*rand.IntN(mine), step.Add(1))
				if rctx.Err() != nil {
					break
				}
				if err == nil && tag.RowsAffected() != 1 {
					err = fmt.Errorf("the conditional update changed %d rows", tag.RowsAffected())
				}
				if err != nil {
					mu.Lock()
					r.failed++
					if r.firstErr == nil {
						r.firstErr = err
					}
					mu.Unlock()
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			r.latencies = append(r.latencies, lat...)
			r.ok += int64(len(lat))
			mu.Unlock()
		})
	}
	wg.Wait()
	r.elapsed = time.Since(started)
	if r.ok == 0 {
		return nil, fmt.Errorf("bench: floor: no update succeeded: %v", r.firstErr)
	}
	return &r, nil
}

// peakRSSMB is this process's peak resident memory (VmHWM), in MB; 0
// where /proc does not say.
func peakRSSMB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb / 1024
		}
	}
	return 0
}
