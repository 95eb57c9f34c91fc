package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/internal/preload"
)

// Preload implements core.Preloader (core/internal/preload): the
// account, the session, the method and its failure counter, and the
// policy's text, in one statement.
func (t *tx) Preload(p core.Preload) error {
	pre, err := dialect.Read(p, func(q string, args ...any) preload.Row { return t.queryRow(q, args...) },
		func(err error) bool { return errors.Is(err, sql.ErrNoRows) })
	t.pre = pre
	return err
}

// dialect is this store's preload statement and scans.
var dialect = &preload.Dialect{
	Param:          func(n int) string { return fmt.Sprintf("?%d", n) },
	PolicyKey:      `(SELECT body FROM policy WHERE id = 1)`,
	LockedUntil:    `coalesce(f.locked_until, '')`,
	AccountColumns: accountColumns, SessionColumns: sessionColumns, MethodColumns: methodColumns,
	Account: func(r preload.Row) (*core.Account, error) { return scanAccount(r) },
	Session: func(r preload.Row) (*core.Session, error) { return scanSession(r) },
	Method:  func(r preload.Row) (*core.Method, error) { return scanMethod(r) },
	Time:    func(p *time.Time) any { return ts(p) },
}
