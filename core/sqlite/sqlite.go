// Package sqlite is the embedded store: one SQLite file in the data folder,
// through modernc.org/sqlite (pure Go, no cgo). It implements core.Store.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/internal/migrate"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

func migrations() ([]migrate.Step, error) { return migrate.Load(migrationFiles, "migrations") }

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// Store is a core.Store over one SQLite file. Writes go through a single
// connection that takes the write lock at BEGIN, so two writers never
// deadlock on a lock upgrade; reads use their own pool, which WAL lets run
// beside the writer.
type Store struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	// The statements prepared on each (stmts.go).
	writeStmts, readStmts *stmtCache
}

var _ core.Store = (*Store)(nil)

// Open opens (creating it 0600 if needed) the database at path and applies
// the embedded migrations. A database written by a newer version is refused
// with EUNAVAILABLE.
func Open(path string) (*Store, error) {
	return open(path, -1)
}

// open applies migrations up to version upto (-1: all).
func open(path string, upto int) (*Store, error) {
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	} else {
		f.Close()
	}
	dsn := func(lock string, extra ...string) string {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(FULL)")
		for _, e := range extra {
			q.Add("_pragma", e)
		}
		q.Set("_txlock", lock)
		q.Set("_time_format", "sqlite")
		return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	}
	writer, err := sql.Open("sqlite", dsn("immediate", "journal_mode(WAL)"))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	writer.SetMaxOpenConns(1)
	s := &Store{path: path, writer: writer}
	if err := s.migrate(upto); err != nil {
		writer.Close()
		return nil, err
	}
	reader, err := sql.Open("sqlite", dsn("deferred", "query_only(1)"))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	reader.SetMaxOpenConns(4)
	s.reader = reader
	s.writeStmts, s.readStmts = newStmtCache(writer), newStmtCache(reader)
	return s, nil
}

// migrate brings the schema up to date, one transaction per step.
func (s *Store) migrate(upto int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if upto >= 0 {
		ms = ms[:upto]
	}
	var mode string
	if err := s.writer.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("open database %s: %w", s.path, err)
	}
	if mode != "wal" {
		return fmt.Errorf("open database %s: journal mode is %q, want wal", s.path, mode)
	}
	var have int
	if err := s.writer.QueryRow(`PRAGMA user_version`).Scan(&have); err != nil {
		return fmt.Errorf("read schema version of %s: %w", s.path, err)
	}
	if have > len(ms) {
		return core.Errorf(core.EUNAVAILABLE, "The data in %s was written by a newer version of Security info (schema %d; this version knows up to %d). Update Security info, or open another data folder.",
			s.path, have, len(ms))
	}
	for _, m := range ms[have:] {
		tx, err := s.writer.Begin()
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(m.SQL); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, m.Version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.writeStmts != nil {
		s.writeStmts.close()
		s.readStmts.close()
	}
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	errs = append(errs, s.writer.Close())
	return errors.Join(errs...)
}

// View implements core.Store.
func (s *Store) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.run(ctx, s.reader, s.readStmts, fn)
}

// Update implements core.Store.
func (s *Store) Update(ctx context.Context, fn func(core.Tx) error) error {
	return s.run(ctx, s.writer, s.writeStmts, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, stmts *stmtCache, fn func(core.Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{ctx: ctx, tx: sqlTx, stmts: stmts}
	defer func() {
		if len(t.missed) > 0 {
			stmts.prepare(context.WithoutCancel(ctx), t.missed)
		}
	}()
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
