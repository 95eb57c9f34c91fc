package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/securityinfo/securityinfo/core"
)

// Preload implements core.Preloader: the account, the session, the
// method and its failure counter, and the policy's text, in one
// statement. When the account, the session or the method is missing, no
// row comes back and every read goes to the database as before (with the
// errors it gives).
func (t *tx) Preload(p core.Preload) error {
	t.pre = nil
	if p.AccountID == "" {
		return nil
	}
	q, args := preloadQuery(p)
	var c capture
	policy := new(*string)
	c.dest = append(c.dest, policy)
	acct, _ := scanAccount(&c)
	var sess *core.Session
	if p.SessionID != "" {
		sess, _ = scanSession(&c)
	}
	var m *core.Method
	var counter *core.FailureCounter
	if p.MethodID != "" {
		m, _ = scanMethod(&c)
		counter = &core.FailureCounter{AccountID: p.AccountID, Subject: p.Subject}
		c.dest = append(c.dest, &counter.Failures, ts(&counter.LockedUntil))
	}
	err := t.queryRow(q, args...).Scan(c.dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read account: %w", err)
	}
	t.pre = &core.Preloaded{HavePolicy: true, PolicyKey: *policy, Account: acct, Session: sess, Method: m, Counter: counter}
	return nil
}

// capture is a row that keeps the destinations a scan function gives it,
// so that several scan functions' columns are read by one Scan.
type capture struct{ dest []any }

func (c *capture) Scan(dest ...any) error {
	c.dest = append(c.dest, dest...)
	return nil
}

// preloadQueries are the statements of each shape of Preload (with a
// session or not, with a method or not), built once.
var preloadQueries sync.Map

func preloadQuery(p core.Preload) (string, []any) {
	args := []any{p.AccountID}
	key := [2]bool{p.SessionID != "", p.MethodID != ""}
	if key[0] {
		args = append(args, p.SessionID)
	}
	if key[1] {
		args = append(args, p.MethodID, p.Subject)
	}
	if q, ok := preloadQueries.Load(key); ok {
		return q.(string), args
	}
	cols := []string{`(SELECT body FROM policy WHERE id = 1)`, prefixed("a", accountColumns)}
	from := ` FROM accounts a`
	if key[0] {
		cols = append(cols, prefixed("s", sessionColumns))
		from += ` JOIN sessions s ON s.id = ?2`
	}
	if key[1] {
		n := 2
		if key[0] {
			n = 3
		}
		cols = append(cols, prefixed("m", methodColumns), `coalesce(f.failures, 0)`, `coalesce(f.locked_until, '')`)
		from += fmt.Sprintf(` JOIN methods m ON m.id = ?%d LEFT JOIN failure_counters f ON f.account_id = a.id AND f.subject = ?%d`, n, n+1)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + from + ` WHERE a.id = ?1`
	preloadQueries.Store(key, q)
	return q, args
}

// prefixed qualifies each of a list of columns with a table's alias.
func prefixed(alias, columns string) string {
	var out []string
	for _, c := range strings.Split(columns, ",") {
		out = append(out, alias+"."+strings.TrimSpace(c))
	}
	return strings.Join(out, ", ")
}
