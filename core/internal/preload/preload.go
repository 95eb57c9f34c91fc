// Package preload is what the SQL stores share of core.Preloader: the
// statement that reads a Preload's rows in one join, in a store's own
// dialect, and the reading of its one row through the stores' own scan
// functions.
package preload

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// Row is a row to scan: database/sql's and pgx's both are.
type Row interface{ Scan(dest ...any) error }

// Dialect is how one store writes the statement and scans its row.
type Dialect struct {
	Param     func(n int) string // the n-th parameter: "$1", "?1"
	PolicyKey string             // the policy's key, a scalar subquery
	// LockedUntil is the failure counter's locked_until, which the left
	// join leaves NULL when there is no counter.
	LockedUntil string
	// The stores' column lists, and their scan functions over them.
	AccountColumns, SessionColumns, MethodColumns string
	Account                                       func(Row) (*core.Account, error)
	Session                                       func(Row) (*core.Session, error)
	Method                                        func(Row) (*core.Method, error)
	Time                                          func(*time.Time) any // a scan destination for a time
	queries                                       sync.Map             // [2]bool (session, method) → statement
}

// Read runs the statement for p through queryRow and returns its rows.
// When the account, the session or the method is missing no row comes
// back (noRows reports that error) and Read returns nil: every read then
// goes to the database as before, with the errors it gives.
func (d *Dialect) Read(p core.Preload, queryRow func(string, ...any) Row, noRows func(error) bool) (*core.Preloaded, error) {
	if p.AccountID == "" {
		return nil, nil
	}
	q, args := d.query(p)
	var c capture
	policy := new(*string)
	c.dest = append(c.dest, policy)
	acct, _ := d.Account(&c)
	var sess *core.Session
	if p.SessionID != "" {
		sess, _ = d.Session(&c)
	}
	var m *core.Method
	var counter *core.FailureCounter
	if p.MethodID != "" {
		m, _ = d.Method(&c)
		counter = &core.FailureCounter{AccountID: p.AccountID, Subject: p.Subject}
		c.dest = append(c.dest, &counter.Failures, d.Time(&counter.LockedUntil))
	}
	err := queryRow(q, args...).Scan(c.dest...)
	if noRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read account: %w", err)
	}
	return &core.Preloaded{HavePolicy: true, PolicyKey: *policy, Account: acct, Session: sess, Method: m, Counter: counter}, nil
}

// capture is a row that keeps the destinations a scan function gives it,
// so that several scan functions' columns are read by one Scan.
type capture struct{ dest []any }

func (c *capture) Scan(dest ...any) error {
	c.dest = append(c.dest, dest...)
	return nil
}

// query is the statement of p's shape (with a session or not, with a
// method or not), built once, and its arguments.
func (d *Dialect) query(p core.Preload) (string, []any) {
	args := []any{p.AccountID}
	key := [2]bool{p.SessionID != "", p.MethodID != ""}
	if key[0] {
		args = append(args, p.SessionID)
	}
	if key[1] {
		args = append(args, p.MethodID, p.Subject)
	}
	if q, ok := d.queries.Load(key); ok {
		return q.(string), args
	}
	cols := []string{d.PolicyKey, prefixed("a", d.AccountColumns)}
	from := ` FROM accounts a`
	n := 1
	if key[0] {
		n++
		cols = append(cols, prefixed("s", d.SessionColumns))
		from += ` JOIN sessions s ON s.id = ` + d.Param(n)
	}
	if key[1] {
		cols = append(cols, prefixed("m", d.MethodColumns), `coalesce(f.failures, 0)`, d.LockedUntil)
		from += ` JOIN methods m ON m.id = ` + d.Param(n+1) +
			` LEFT JOIN failure_counters f ON f.account_id = a.id AND f.subject = ` + d.Param(n+2)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + from + ` WHERE a.id = ` + d.Param(1)
	d.queries.Store(key, q)
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
