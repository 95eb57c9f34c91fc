package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lazyTx is a transaction whose BEGIN goes out with its first statement,
// in one round trip (a pipeline of the two), instead of a round trip of
// its own: in the central service's busiest request, one of four.
// Commit and Rollback end it as pgx.Tx's do; a transaction that ran no
// statement has nothing to end.
type lazyTx struct {
	conn  *pgxpool.Conn
	begin string // BEGIN with the isolation level and access mode
	begun bool
}

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

// first sends BEGIN and the first statement together; the statement's
// result is read from the batch it returns, which the caller closes.
func (l *lazyTx) first(ctx context.Context, sql string, args ...any) (pgx.BatchResults, error) {
	l.begun = true
	b := &pgx.Batch{}
	b.Queue(l.begin)
	b.Queue(sql, args...)
	br := l.conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return br, nil
}

func (l *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if l.begun {
		return l.conn.Exec(ctx, sql, args...)
	}
	br, err := l.first(ctx, sql, args...)
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
	if l.begun {
		return l.conn.QueryRow(ctx, sql, args...)
	}
	br, err := l.first(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return batchRow{br.QueryRow(), br}
}

func (l *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if l.begun {
		return l.conn.Query(ctx, sql, args...)
	}
	br, err := l.first(ctx, sql, args...)
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

// Commit commits and gives the connection back to the pool.
func (l *lazyTx) Commit(ctx context.Context) error {
	defer l.conn.Release()
	if !l.begun {
		return nil
	}
	tag, err := l.conn.Exec(ctx, "COMMIT")
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
	defer l.conn.Release()
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
