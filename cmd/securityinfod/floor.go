package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
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
func measureFloor(ctx context.Context, o benchOptions) (*result, cpuUse, error) {
	cfg, err := pgxpool.ParseConfig(o.store)
	if err != nil {
		return nil, cpuUse{}, fmt.Errorf("bench: floor: %w", err)
	}
	cfg.MaxConns = int32(o.clients)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, cpuUse{}, fmt.Errorf("bench: floor: %w", err)
	}
	defer pool.Close()
	table := "securityinfo_bench_floor_" + randomHex(4)
	if _, err := pool.Exec(ctx, `CREATE TABLE `+table+` (id integer PRIMARY KEY, step bigint NOT NULL)`); err != nil {
		return nil, cpuUse{}, fmt.Errorf("bench: floor: %w", err)
	}
	defer pool.Exec(context.WithoutCancel(ctx), `DROP TABLE `+table)
	if _, err := pool.Exec(ctx, `INSERT INTO `+table+` SELECT i, 0 FROM generate_series(1, $1) i`, max(floorRows, o.clients)); err != nil {
		return nil, cpuUse{}, fmt.Errorf("bench: floor: %w", err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE `+table); err != nil {
		return nil, cpuUse{}, fmt.Errorf("bench: floor: %w", err)
	}
	c0 := cpuNow()
	update := `UPDATE ` + table + ` SET step = $2 WHERE id = $1 AND step < $2`
	var step atomic.Int64
	r := runClients(ctx, o, func(c int) func(context.Context) error {
		// Client c updates the rows c+1, c+1+clients, ...: no two
		// clients race for one row, so each update changes it.
		mine := max(floorRows/o.clients, 1)
		return func(ctx context.Context) error {
			tag, err := pool.Exec(ctx, update, c+1+o.clients*rand.IntN(mine), step.Add(1))
			if err == nil && tag.RowsAffected() != 1 {
				err = fmt.Errorf("the conditional update changed %d rows", tag.RowsAffected())
			}
			return err
		}
	})
	c1 := cpuNow() // before the pool closes: its server processes end with it
	used := c1.since(c0)
	if r.ok == 0 {
		return nil, cpuUse{}, fmt.Errorf("bench: floor: no update succeeded: %v", r.firstErr)
	}
	return r, used, nil
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

// cpuUse is CPU time used so far by this process and by the machine's
// PostgreSQL server processes (those named postgres; none when the
// database is on another machine), read from /proc.
type cpuUse struct{ self, postgres time.Duration }

func cpuNow() cpuUse {
	var u cpuUse
	u.self = procCPU("/proc/self/stat")
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		if comm, err := os.ReadFile("/proc/" + d.Name() + "/comm"); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			u.postgres += procCPU("/proc/" + d.Name() + "/stat")
		}
	}
	return u
}

// procCPU is a process's user and system time from its stat file (in
// clock ticks of 10 ms, Linux's USER_HZ).
func procCPU(path string) time.Duration {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command may hold spaces
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	var user, sys int64
	fmt.Sscan(f[11], &user)
	fmt.Sscan(f[12], &sys)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// printCPU says how much CPU each operation took, of this process and of
// PostgreSQL's, between two readings.
func printCPU(w io.Writer, what string, used cpuUse, ops int64) {
	if ops == 0 {
		return
	}
	per := func(d time.Duration) time.Duration { return (d / time.Duration(ops)).Round(time.Microsecond) }
	fmt.Fprintf(w, "%s: CPU per operation: this process %v, PostgreSQL %v\n", what, per(used.self), per(used.postgres))
}

func (u cpuUse) since(before cpuUse) cpuUse {
	return cpuUse{self: u.self - before.self, postgres: u.postgres - before.postgres}
}
