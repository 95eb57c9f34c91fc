package postgres

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/internal/preload"
)

// Preload implements core.Preloader (core/internal/preload): the
// account, the session, the method and its failure counter, and a digest
// of the policy's text, in one statement.
func (t *tx) Preload(p core.Preload) error {
	pre, err := dialect.Read(p, func(q string, args ...any) preload.Row { return t.queryRow(q, args...) },
		func(err error) bool { return errors.Is(err, pgx.ErrNoRows) })
	t.pre = pre
	return err
}

// dialect is this store's preload statement and scans.
var dialect = &preload.Dialect{
	Param:          func(n int) string { return fmt.Sprintf("$%d", n) },
	PolicyKey:      `(SELECT md5(body) FROM policy WHERE id = 1)`,
	LockedUntil:    `f.locked_until`,
	AccountColumns: accountColumns, SessionColumns: sessionColumns, MethodColumns: methodColumns,
	Account: func(r preload.Row) (*core.Account, error) { return scanAccount(r) },
	Session: func(r preload.Row) (*core.Session, error) { return scanSession(r) },
	Method:  func(r preload.Row) (*core.Method, error) { return scanMethod(r) },
	Time:    func(p *time.Time) any { return ts(p) },
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
