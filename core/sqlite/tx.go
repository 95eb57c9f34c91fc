package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// tx implements core.Tx over one SQL transaction.
type tx struct {
	ctx    context.Context
	tx     *sql.Tx
	stmts  *stmtCache      // nil: nothing prepared (migrations)
	missed []string        // queries run unprepared, to prepare after the transaction
	pre    *core.Preloaded // Preload's rows, until a write
}

// timeLayout is fixed-width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// tsDest scans a stored time (timeLayout's text, "" for none) into a
// time.Time.
type tsDest struct{ p *time.Time }

func ts(p *time.Time) tsDest { return tsDest{p} }

// Scan implements sql.Scanner.
func (d tsDest) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
	default:
		return fmt.Errorf("stored time is a %T", src)
	}
	t, err := parseTime(s)
	*d.p = t
	return err
}

// isUnique reports a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// mustAffect returns ENOTFOUND when a write touched no row.
func mustAffect(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return core.Errorf(core.ENOTFOUND, "%s not found.", what)
	}
	return nil
}

const accountColumns = `id, name, display_name, role, language, created_at, password_hash, password_changed_at,
	default_method_id, default_channel, removal_at, removal_method_id, registration_snoozes, confirmed_at,
	reconfirm_noticed_at, reconfirm_skipped_until, password_must_change`

func scanAccount(row interface{ Scan(...any) error }) (*core.Account, error) {
	var a core.Account
	if err := row.Scan(&a.ID, &a.Name, &a.DisplayName, &a.Role, &a.Language, ts(&a.CreatedAt), &a.PasswordHash, ts(&a.PasswordChangedAt),
		&a.DefaultMethodID, &a.DefaultChannel, ts(&a.RemovalAt), &a.RemovalMethodID, &a.RegistrationSnoozes, ts(&a.ConfirmedAt),
		ts(&a.ReconfirmNoticedAt), ts(&a.ReconfirmSkippedUntil), &a.PasswordMustChange); err != nil {
		return nil, err
	}
	return &a, nil
}

func (t *tx) CreateAccount(a *core.Account) error {
	_, err := t.exec(`INSERT INTO accounts (`+accountColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.ID, a.Name, a.DisplayName, a.Role, a.Language, formatTime(a.CreatedAt), a.PasswordHash, formatTime(a.PasswordChangedAt),
		a.DefaultMethodID, a.DefaultChannel, formatTime(a.RemovalAt), a.RemovalMethodID, a.RegistrationSnoozes,
		formatTime(a.ConfirmedAt), formatTime(a.ReconfirmNoticedAt), formatTime(a.ReconfirmSkippedUntil), a.PasswordMustChange)
	if isUnique(err) {
		return core.Errorf(core.ECONFLICT, "An account named %s already exists.", a.Name)
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

func (t *tx) UpdateAccount(a *core.Account) error {
	res, err := t.exec(`UPDATE accounts SET name=?, display_name=?, role=?, language=?, password_hash=?, password_changed_at=?,
		default_method_id=?, default_channel=?, removal_at=?, removal_method_id=?, registration_snoozes=?, confirmed_at=?,
		reconfirm_noticed_at=?, reconfirm_skipped_until=?, password_must_change=? WHERE id=?`,
		a.Name, a.DisplayName, a.Role, a.Language, a.PasswordHash, formatTime(a.PasswordChangedAt),
		a.DefaultMethodID, a.DefaultChannel, formatTime(a.RemovalAt), a.RemovalMethodID, a.RegistrationSnoozes,
		formatTime(a.ConfirmedAt), formatTime(a.ReconfirmNoticedAt), formatTime(a.ReconfirmSkippedUntil), a.PasswordMustChange, a.ID)
	if isUnique(err) {
		return core.Errorf(core.ECONFLICT, "An account named %s already exists.", a.Name)
	}
	return mustAffect(res, err, "Account")
}

func (t *tx) account(where string, arg any) (*core.Account, error) {
	a, err := scanAccount(t.queryRow(`SELECT `+accountColumns+` FROM accounts WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "Account not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("read account: %w", err)
	}
	return a, nil
}

func (t *tx) Account(id string) (*core.Account, error) {
	if a := t.pre.TakeAccount(id); a != nil {
		return a, nil
	}
	return t.account(`id = ?`, id)
}

func (t *tx) AccountByName(name string) (*core.Account, error) {
	a, err := t.account(`name = ?`, name)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.Errorf(core.ENOTFOUND, "There is no account named %s.", name)
	}
	return a, err
}

func (t *tx) Accounts() ([]*core.Account, error) {
	rows, err := t.query(`SELECT ` + accountColumns + ` FROM accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	out := []*core.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) CountAccounts() (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM accounts`).Scan(&n)
	return n, err
}

const methodColumns = `id, account_id, kind, detail, extension, channel, name, language, created_at, last_used_at,
	secret, last_step`

func scanMethod(row interface{ Scan(...any) error }) (*core.Method, error) {
	var m core.Method
	if err := row.Scan(&m.ID, &m.AccountID, &m.Kind, &m.Detail, &m.Extension, &m.Channel, &m.Name, &m.Language,
		ts(&m.CreatedAt), ts(&m.LastUsedAt), &m.Secret, &m.LastStep); err != nil {
		return nil, err
	}
	return &m, nil
}

func (t *tx) Methods(accountID string) ([]*core.Method, error) {
	rows, err := t.query(`SELECT `+methodColumns+` FROM methods WHERE account_id = ? ORDER BY created_at, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list methods: %w", err)
	}
	defer rows.Close()
	out := []*core.Method{}
	for rows.Next() {
		m, err := scanMethod(rows)
		if err != nil {
			return nil, fmt.Errorf("list methods: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (t *tx) Method(id string) (*core.Method, error) {
	if m := t.pre.TakeMethod(id); m != nil {
		return m, nil
	}
	m, err := scanMethod(t.queryRow(`SELECT `+methodColumns+` FROM methods WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "That method is not in your security info.")
	}
	if err != nil {
		return nil, fmt.Errorf("read method: %w", err)
	}
	return m, nil
}

func (t *tx) CreateMethod(m *core.Method) error {
	_, err := t.exec(`INSERT INTO methods (`+methodColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.ID, m.AccountID, m.Kind, m.Detail, m.Extension, m.Channel, m.Name, m.Language, formatTime(m.CreatedAt),
		formatTime(m.LastUsedAt), m.Secret, m.LastStep)
	if isUnique(err) {
		return core.Errorf(core.ECONFLICT, "A method with this ID already exists.")
	}
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return core.Errorf(core.ENOTFOUND, "Account not found.")
	}
	if err != nil {
		return fmt.Errorf("create method: %w", err)
	}
	if err := t.indexPhone(m); err != nil {
		return err
	}
	return nil
}

func (t *tx) UpdateMethod(m *core.Method) error {
	res, err := t.exec(`UPDATE methods SET detail=?, extension=?, channel=?, name=?, language=?, last_used_at=?, secret=?,
		last_step=? WHERE id=?`,
		m.Detail, m.Extension, m.Channel, m.Name, m.Language, formatTime(m.LastUsedAt), m.Secret, m.LastStep, m.ID)
	if err := mustAffect(res, err, "Method"); err != nil {
		return err
	}
	return t.indexPhone(m)
}

// indexPhone keeps a phone's reversed number for the search by its last
// digits.
func (t *tx) indexPhone(m *core.Method) error {
	if !m.Kind.IsPhone() {
		return nil
	}
	_, err := t.exec(`INSERT INTO phone_suffixes (method_id, account_id, rev) VALUES (?,?,?)
		ON CONFLICT (method_id) DO UPDATE SET rev = excluded.rev WHERE rev <> excluded.rev`, m.ID, m.AccountID, core.Reverse(m.Detail))
	return err
}

func (t *tx) DeleteMethod(id string) error {
	res, err := t.exec(`DELETE FROM methods WHERE id = ?`, id)
	return mustAffect(res, err, "Method")
}

func (t *tx) Policy() (*core.Policy, error) {
	var body string
	if key, ok := t.pre.TakePolicyKey(); ok {
		if key == nil {
			return core.DefaultPolicy(), nil
		}
		body = *key
	} else {
		err := t.queryRow(`SELECT body FROM policy WHERE id = 1`).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return core.DefaultPolicy(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("read policy: %w", err)
		}
	}
	if c := lastPolicy.Load(); c != nil && c.body == body {
		return c.policy.Clone(), nil // every request reads it: parse it once a change
	}
	// Start from the defaults so a key added by a newer build has a value.
	p := core.DefaultPolicy()
	if err := json.Unmarshal([]byte(body), p); err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	lastPolicy.Store(&parsedPolicy{body: body, policy: p.Clone()})
	return p, nil
}

// parsedPolicy is a policy row's text and what it reads as.
type parsedPolicy struct {
	body   string
	policy *core.Policy
}

// lastPolicy is the last policy read, kept by its text: a new text is
// parsed again, so a change by another process counts at once.
var lastPolicy atomic.Pointer[parsedPolicy]

func (t *tx) SavePolicy(p *core.Policy) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO policy (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`, string(body))
	if err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	return nil
}

func (t *tx) Setting(name string) (string, error) {
	var v string
	err := t.queryRow(`SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", name, err)
	}
	return v, nil
}

func (t *tx) SetSetting(name, value string) error {
	_, err := t.exec(`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", name, err)
	}
	return nil
}

func (t *tx) AuditHead() (core.AuditHead, error) {
	var h core.AuditHead
	err := t.queryRow(`SELECT seq, hash, mac FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash, &h.MAC)
	if errors.Is(err, sql.ErrNoRows) {
		return core.AuditHead{}, nil
	}
	if err != nil {
		return h, fmt.Errorf("read audit head: %w", err)
	}
	return h, nil
}

func (t *tx) AppendAudit(e *core.AuditEvent) error {
	_, err := t.exec(`INSERT INTO audit_events (seq, time, actor_id, actor_name, account_id, account_name, action, kind, detail,
		source, reason, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, formatTime(e.Time), e.ActorID, e.ActorName, e.AccountID, e.AccountName, e.Action, e.Kind, e.Detail, e.Source,
		e.Reason, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	var mac any // an unsealed head is stored as NULL, not as an empty blob
	if len(e.HeadMAC) > 0 {
		mac = e.HeadMAC
	}
	_, err = t.exec(`INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac`, e.Seq, e.Hash, mac)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

func (t *tx) AuditEvents(f core.AuditFilter) ([]*core.AuditEvent, error) {
	q := `SELECT seq, time, actor_id, actor_name, account_id, account_name, action, kind, detail, source, reason, prev_hash, hash
		FROM audit_events`
	var args []any
	if f.AccountID != "" {
		q += ` WHERE account_id = ?`
		args = append(args, f.AccountID)
	}
	if f.Limit > 0 {
		q = `SELECT * FROM (` + q + ` ORDER BY seq DESC LIMIT ?) ORDER BY seq`
		args = append(args, f.Limit)
	} else {
		q += ` ORDER BY rowid`
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	defer rows.Close()
	out := []*core.AuditEvent{}
	for rows.Next() {
		var e core.AuditEvent
		var ts string
		if err := rows.Scan(&e.Seq, &ts, &e.ActorID, &e.ActorName, &e.AccountID, &e.AccountName, &e.Action, &e.Kind,
			&e.Detail, &e.Source, &e.Reason, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("list audit events: %w", err)
		}
		// A time that no longer parses was edited by hand; leave it zero
		// and let the chain report the row.
		e.Time, _ = parseTime(ts)
		out = append(out, &e)
	}
	return out, rows.Err()
}
