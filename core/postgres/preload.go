package postgres

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
)

// Preload implements core.Preloader: the account, the session, the
// method and its failure counter, and the policy's digest, in one
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
	digest := new(*string)
	c.dest = append(c.dest, digest)
	acct, _ := scanAccount(&c)
	var sess *core.Session
	if p.SessionID != "" {
		sess = &core.Session{}
		c.dest = append(c.dest, &sess.ID, &sess.AccountID, ts(&sess.CreatedAt), ts(&sess.LastSeenAt), &sess.TwoStep,
			ts(&sess.EndedAt), &sess.Device)
	}
	var m *core.Method
	var counter *core.FailureCounter
	if p.MethodID != "" {
		m, _ = scanMethod(&c)
		counter = &core.FailureCounter{AccountID: p.AccountID, Subject: p.Subject}
		c.dest = append(c.dest, &counter.Failures, ts(&counter.LockedUntil))
	}
	err := t.queryRow(q, args...).Scan(c.dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read account: %w", err)
	}
	t.pre = &core.Preloaded{HavePolicy: true, PolicyKey: *digest, Account: acct, Session: sess, Method: m, Counter: counter}
	return nil
}

// capture is a pgx.Row that keeps the destinations a scan function gives
// it, so that several scan functions' columns are read by one Scan.
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
	cols := []string{`(SELECT md5(body) FROM policy WHERE id = 1)`, prefixed("a", accountColumns)}
	from := ` FROM accounts a`
	n := 1
	if key[0] {
		n++
		cols = append(cols, prefixed("s", sessionColumns))
		from += fmt.Sprintf(` JOIN sessions s ON s.id = $%d`, n)
	}
	if key[1] {
		cols = append(cols, prefixed("m", methodColumns), `coalesce(f.failures, 0)`, `f.locked_until`)
		from += fmt.Sprintf(` JOIN methods m ON m.id = $%d LEFT JOIN failure_counters f ON f.account_id = a.id AND f.subject = $%d`, n+1, n+2)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + from + ` WHERE a.id = $1`
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

// policyCache is the last policy read by each store, kept by its text's
// digest: a transaction that preloaded the digest reads the policy
// without a statement, and one whose text changed parses it again.
type policyCache struct {
	mu     sync.Mutex
	digest string
	policy *core.Policy
}

func (c *policyCache) get(digest string) *core.Policy {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.policy == nil || c.digest != digest {
		return nil
	}
	return c.policy.Clone()
}

func (c *policyCache) put(digest string, p *core.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.digest, c.policy = digest, p.Clone()
}

// Policy implements core.Tx.
func (t *tx) Policy() (*core.Policy, error) {
	if digest, ok := t.pre.TakePolicyKey(); ok {
		if digest == nil {
			return core.DefaultPolicy(), nil
		}
		if p := t.policies.get(*digest); p != nil {
			return p, nil
		}
	}
	var body string
	err := t.queryRow(`SELECT body FROM policy WHERE id = 1`).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.DefaultPolicy(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	sum := md5.Sum([]byte(body))
	digest := hex.EncodeToString(sum[:])
	if p := t.policies.get(digest); p != nil {
		return p, nil
	}
	// Start from the defaults so a key added by a newer build has a value.
	p := core.DefaultPolicy()
	if err := json.Unmarshal([]byte(body), p); err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	t.policies.put(digest, p)
	return p, nil
}
