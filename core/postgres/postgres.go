// Package postgres is the shared store: one PostgreSQL database, through
// pgx (pgxpool), for several servers at once. It implements core.Store
// with the semantics of the SQLite store (core/sqlite), which the
// conformance suite in core/storetest checks.
//
// An Update runs SERIALIZABLE and is re-run from the start when PostgreSQL
// reports a serialization failure or a deadlock, so a read-modify-write in
// one Update is atomic as it is with SQLite's single writer. A View runs
// READ ONLY on one snapshot (REPEATABLE READ).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

func migrations() ([]migrate.Step, error) { return migrate.Load(migrationFiles, "migrations") }

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// MigrationLock is the key of the transaction-level advisory lock that
// Open holds while it migrates, so that servers starting at once against
// one database migrate it once. Advisory locks are per database.
const MigrationLock int64 = 0x5ec1f0_0001

// maxAttempts is how many times Update runs its function before it gives
// up on serialization failures and deadlocks. 32 writers of one row at
// once (the conformance races) took up to 8 attempts on a loaded 2-core
// machine; past the 7th the pause is capped at 128ms, so the margin costs
// at most about 2s more in the worst case.
const maxAttempts = 25

// Store is a core.Store over a pool of connections to one PostgreSQL
// database.
type Store struct {
	pool     *pgxpool.Pool
	where    string      // the database, for messages: no password
	policies policyCache // the last policy read (preload.go)
}

var _ core.Store = (*Store)(nil)

// Open connects to the database at url (a PostgreSQL URL or key=value
// connection string, as pgx takes: pool_max_conns and the like included)
// and applies the embedded migrations. A database written by a newer
// version is refused with EUNAVAILABLE.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default (4 connections on 2 cores) queues requests
		// behind a few commits; PostgreSQL's group commit gains up to
		// about 16 committing at once.
		cfg.MaxConns = int32(max(16, 4*runtime.GOMAXPROCS(0)))
	}
	where := fmt.Sprintf("%q on %s", cfg.ConnConfig.Database, cfg.ConnConfig.Host)
	if !strings.HasPrefix(cfg.ConnConfig.Host, "/") {
		where += ":" + strconv.Itoa(int(cfg.ConnConfig.Port))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	s := &Store{pool: pool, where: where}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// migrate brings the schema up to date in one transaction that holds the
// migration lock. schema_version keeps one row per step applied.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	// READ COMMITTED: each statement sees what a server that held the lock
	// before committed.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("open database %s: %w", s.where, err)
	}
	defer tx.Rollback(ctx)
	fail := func(err error) error { return fmt.Errorf("migrate database %s: %w", s.where, err) }
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, MigrationLock); err != nil {
		return fail(err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fail(err)
	}
	var have int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return fail(err)
	}
	if have > len(ms) {
		return core.Errorf(core.EUNAVAILABLE, "The database %s was written by a newer version of Security info (schema %d; this version knows up to %d). Update Security info, or use another database.",
			s.where, have, len(ms))
	}
	for _, m := range ms[have:] {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fail(fmt.Errorf("migration %s: %w", m.Name, err))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			return fail(fmt.Errorf("migration %s: %w", m.Name, err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// View implements core.Store: fn runs in a READ ONLY transaction on one
// snapshot (REPEATABLE READ, which never fails to serialize when reading).
func (s *Store) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// Update implements core.Store: fn runs in a SERIALIZABLE READ WRITE
// transaction, committed when it returns nil. When PostgreSQL reports a
// serialization failure or a deadlock (in fn or at commit), the whole
// transaction is rolled back and fn runs again, up to maxAttempts times
// with a short random pause: fn only touches the Tx, so it is safe to re-run.
func (s *Store) Update(ctx context.Context, fn func(core.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable, AccessMode: pgx.ReadWrite}, fn)
}

func (s *Store) run(ctx context.Context, opts pgx.TxOptions, fn func(core.Tx) error) error {
	for attempt := 1; ; attempt++ {
		retry, err := s.attempt(ctx, opts, fn)
		if !retry {
			if unreachable(ctx, err) {
				// PostgreSQL is down, restarting or refusing connections:
				// the request fails cleanly and the pool reconnects by
				// itself once the server is back.
				return core.Errorf(core.EUNAVAILABLE, "The database can't be reached just now. Try again in a moment.")
			}
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("transaction still conflicting after %d attempts: %w", attempt, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
}

// backoff is the pause before attempt+1: random ("full jitter") below a
// bound that doubles from 2ms to 128ms, so that transactions that keep
// colliding spread out.
func backoff(attempt int) time.Duration {
	bound := time.Millisecond << min(attempt, 7)
	return time.Duration(rand.Int64N(int64(bound))) + 100*time.Microsecond
}

// attempt runs fn in one transaction and reports whether it should run
// again: a statement or the commit failed with a serialization failure or
// a deadlock. It looks at every statement, not only at fn's error, in case
// the caller replaced that error with one of its own.
func (s *Store) attempt(ctx context.Context, opts pgx.TxOptions, fn func(core.Tx) error) (retry bool, err error) {
	pgTx, err := beginLazy(ctx, s.pool, opts)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	// Whatever fn does, a panic included, the transaction ends and its
	// connection goes back to the pool (a no-op after Commit).
	defer pgTx.Rollback(context.WithoutCancel(ctx))
	t := &tx{ctx: ctx, tx: pgTx, policies: &s.policies}
	if err := fn(t); err != nil {
		pgTx.Rollback(ctx)
		return t.conflict || retryable(err), err
	}
	if t.conflict {
		// fn went on after a conflict it was told about; the transaction
		// is aborted, so the commit would only roll it back.
		pgTx.Rollback(ctx)
		return true, errors.New("transaction aborted by a conflict")
	}
	if err := pgTx.Commit(ctx); err != nil {
		return retryable(err), fmt.Errorf("commit: %w", err)
	}
	return false, nil
}

// unreachable reports an error of the connection rather than of the
// transaction: a server that is down, shutting down, starting up, full, or
// that refuses this database's connections.
func unreachable(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil || core.ErrorCode(err) != core.EINTERNAL {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "57P01", "57P02", "57P03", "53300", "55000": // shutdown, crash, starting, too many, no connections allowed
			return true
		}
		return strings.HasPrefix(pe.Code, "08") // connection exception
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// retryable reports a serialization failure (40001), a deadlock (40P01)
// or a deferred write that changed no row: the transaction lost a race
// and may succeed when run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") || errors.Is(err, errDeferredMissed)
}
