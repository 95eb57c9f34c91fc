package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps the statements a database's transactions run, prepared
// once: parsing a statement costs more than running it, and the same
// few statements run in every request. A statement not yet in the cache
// runs unprepared, and is prepared after its transaction ends (preparing
// it during the transaction would wait for the writer's one connection,
// which the transaction holds). database/sql then prepares it on each
// connection once.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// maxStmts bounds the cache: the store's statements are a fixed set, but
// one built with a varying number of parameters would add a new one each
// time.
const maxStmts = 256

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// prepare adds the queries missed in a transaction, outside it.
func (c *stmtCache) prepare(ctx context.Context, missed []string) {
	for _, q := range missed {
		c.mu.RLock()
		_, have := c.m[q]
		full := len(c.m) >= maxStmts
		c.mu.RUnlock()
		if have || full {
			continue
		}
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue // it runs unprepared next time, and reports its error there
		}
		c.mu.Lock()
		if _, have := c.m[q]; have {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// stmt returns the transaction's handle on query's prepared statement, or
// nil (noting the miss) when it is not prepared yet.
func (t *tx) stmt(query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(t.ctx, st)
	}
	t.missed = append(t.missed, query)
	return nil
}

// wrote forgets the preloaded rows before a statement that writes (one
// with RETURNING).
func (t *tx) wrote(query string) {
	if t.pre != nil && !strings.HasPrefix(strings.TrimSpace(query), "SELECT") {
		t.pre = nil
	}
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	t.wrote(query)
	if st := t.stmt(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	t.wrote(query)
	if st := t.stmt(query); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	t.pre = nil // a write may change a preloaded row
	if st := t.stmt(query); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, query, args...)
}
