package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lazyTx is a transaction whose BEGIN goes out with its first statement,
// in one round trip (a pipeline of the two), instead of a round trip of
// its own; and whose deferred writes (Defer) go out with the statement
// after them, or with COMMIT. A verification with an app is then two
// round trips: BEGIN with the gate's reads, and the write of its time
// step with COMMIT. Commit and Rollback end it as pgx.Tx's do; a
// transaction that ran no statement has nothing to end.
type lazyTx struct {
	conn    *pgxpool.Conn
	begin   string // BEGIN with the isolation level and access mode
	begun   bool
	pending []queued // deferred writes not sent yet
	ended   bool     // committed or rolled back: the connection is back in the pool
}

// release gives the connection back to the pool, once.
func (l *lazyTx) release() {
	l.ended = true
	l.conn.Release()
}

// queued is a statement and its arguments.
type queued struct {
	sql  string
	args []any
}

// errDeferredMissed is a deferred write that changed no row: the
// transaction was rolled back and runs again (Store.attempt), when its
// reads will see why.
var errDeferredMissed = errors.New("a deferred write changed no row")

func beginLazy(ctx context.Context, pool *pgxpool.Pool, opts pgx.TxOptions) (*lazyTx, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	begin := "BEGIN ISOLATION LEVEL " + string(opts.IsoLevel)
	if opts.AccessMode != "" {
		begin += " " + string(opts.AccessMode)
	}
	return &lazyTx{conn: conn, begin: begin}, nil
}

// Defer queues a write that must change exactly one row, to be sent with
// the next statement or with COMMIT. It is for a write whose caller
// already knows, from what the transaction read, that it will change its
// row: under SERIALIZABLE a concurrent change to that row makes the write
// fail to serialize rather than change nothing; and either way (a
// failure, or no row changed) the transaction is rolled back and runs
// again, never committed without it.
func (l *lazyTx) Defer(sql string, args ...any) {
	// The statement fails when it changes no row (a division by zero),
	// which aborts the transaction and makes PostgreSQL skip the COMMIT
	// sent after it in the same pipeline.
	l.pending = append(l.pending, queued{`WITH changed AS (` + sql + ` RETURNING 1) SELECT 1 / count(*) FROM changed`, args})
}

// send sends what is queued (BEGIN first, then the deferred writes) with
// sql, in one round trip, and returns the batch with sql's result next;
// the caller closes it.
func (l *lazyTx) send(ctx context.Context, sql string, args ...any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	if !l.begun {
		b.Queue(l.begin)
	}
	for _, q := range l.pending {
		b.Queue(q.sql, q.args...)
	}
	b.Queue(sql, args...)
	br := l.conn.SendBatch(ctx, b)
	if !l.begun {
		l.begun = true
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, fmt.Errorf("begin: %w", err)
		}
	}
	pending := l.pending
	l.pending = nil
	for range pending {
		if _, err := br.Exec(); err != nil {
			br.Close()
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "22012" {
				return nil, errDeferredMissed
			}
			return nil, err
		}
	}
	return br, nil
}

// direct reports whether a statement can go out alone.
func (l *lazyTx) direct() bool { return l.begun && len(l.pending) == 0 }

func (l *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if l.direct() {
		return l.conn.Exec(ctx, sql, args...)
	}
	br, err := l.send(ctx, sql, args...)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

func (l *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if l.direct() {
		return l.conn.QueryRow(ctx, sql, args...)
	}
	br, err := l.send(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return batchRow{br.QueryRow(), br}
}

func (l *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if l.direct() {
		return l.conn.Query(ctx, sql, args...)
	}
	br, err := l.send(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// Commit sends the deferred writes with COMMIT, and gives the connection
// back to the pool.
func (l *lazyTx) Commit(ctx context.Context) error {
	if l.ended {
		return errors.New("commit: the transaction has ended")
	}
	defer l.release()
	if !l.begun && len(l.pending) == 0 {
		return nil
	}
	br, err := l.send(ctx, "COMMIT")
	if err != nil {
		// A deferred write failed: the transaction is aborted and its
		// COMMIT was skipped. (The pool drops a connection still in a
		// transaction if this fails too.)
		l.conn.Exec(ctx, "ROLLBACK")
		return err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err == nil && tag.String() == "ROLLBACK" {
		// A statement failed and the transaction was aborted: COMMIT
		// then rolls back, and says so only in its tag.
		return pgx.ErrTxCommitRollback
	}
	return err
}

// Rollback rolls back and gives the connection back to the pool (which
// closes it if it is still in a transaction, after a failed rollback).
func (l *lazyTx) Rollback(ctx context.Context) {
	if l.ended {
		return // committed or rolled back already
	}
	defer l.release()
	l.pending = nil
	if l.begun {
		l.conn.Exec(ctx, "ROLLBACK")
	}
}

// batchRow is the first statement's row: the batch is closed once it is
// scanned.
type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// batchRows are the first statement's rows: the batch is closed with them.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	r.br.Close()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
