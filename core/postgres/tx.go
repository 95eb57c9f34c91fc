package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/securityinfo/securityinfo/core"
)

// tx implements core.Tx over one pgx transaction. After a statement fails
// the transaction is aborted (PostgreSQL's rule): the core returns the
// error, and the store rolls back.
type tx struct {
	ctx context.Context
	tx  *lazyTx
	// conflict is set when a statement failed with a serialization failure
	// or a deadlock: Update then runs its function again.
	conflict bool
	pre      *core.Preloaded // Preload's rows, until a write
	// steps are the last steps of the methods read since the last write
	// (AdvanceTOTPStep).
	steps    map[string]int64
	policies *policyCache // the store's
}

// note remembers a conflict in err, and returns err.
func (t *tx) note(err error) error {
	if retryable(err) {
		t.conflict = true
	}
	return err
}

func (t *tx) exec(query string, args ...any) (pgconn.CommandTag, error) {
	t.pre, t.steps = nil, nil // a write may change a row read
	tag, err := t.tx.Exec(t.ctx, query, args...)
	return tag, t.note(err)
}

// row is a pgx.Row whose error is noted.
type row struct {
	t *tx
	r pgx.Row
}

func (r row) Scan(dest ...any) error { return r.t.note(r.r.Scan(dest...)) }

func (t *tx) queryRow(query string, args ...any) row {
	t.wrote(query)
	return row{t, t.tx.QueryRow(t.ctx, query, args...)}
}

// collect appends to out a value scanned from each row of query.
func collect[T any](t *tx, out []T, scan func(pgx.Row) (T, error), query string, args ...any) ([]T, error) {
	t.wrote(query)
	rows, err := t.tx.Query(t.ctx, query, args...)
	if err != nil {
		return nil, t.note(err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, t.note(err)
		}
		out = append(out, v)
	}
	return out, t.note(rows.Err())
}

// wrote drops the preloaded rows before a statement that writes (one
// with RETURNING).
func (t *tx) wrote(query string) {
	if (t.pre != nil || t.steps != nil) && !strings.HasPrefix(strings.TrimSpace(query), "SELECT") {
		t.pre, t.steps = nil, nil
	}
}

// Error codes of PostgreSQL that the store turns into core errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// mustAffect returns ENOTFOUND when a write touched no row.
func mustAffect(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "%s not found.", what)
	}
	return nil
}

// tsArg is a time as a timestamptz argument: the zero time is NULL. The
// value stored is truncated to the microsecond.
func tsArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// nanosArg is what tsArg(t) loses: the nanoseconds past the microsecond.
func nanosArg(t time.Time) int16 {
	if t.IsZero() {
		return 0
	}
	return int16(t.Nanosecond() % 1000)
}

// withNanos adds back what nanosArg kept.
func withNanos(t time.Time, nanos int16) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(time.Duration(nanos))
}

// tsDest scans a timestamptz into a time in UTC, NULL as the zero time.
type tsDest struct{ p *time.Time }

// ts is the scan destination of a timestamptz column.
func ts(p *time.Time) tsDest { return tsDest{p} }

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (d tsDest) ScanTimestamptz(v pgtype.Timestamptz) error {
	switch {
	case !v.Valid:
		*d.p = time.Time{}
	case v.InfinityModifier != pgtype.Finite:
		return fmt.Errorf("stored time is %s", v.InfinityModifier)
	default:
		*d.p = v.Time.UTC()
	}
	return nil
}

// list is a list as a text[] argument: never NULL.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// nilIfEmpty reads an empty text[] back as nil, as the SQLite store does.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

const accountColumns = `id, name, display_name, role, language, created_at, password_hash, password_changed_at,
	default_method_id, default_channel, removal_at, removal_method_id, registration_snoozes, confirmed_at,
	reconfirm_noticed_at, reconfirm_skipped_until, password_must_change`

func scanAccount(r pgx.Row) (*core.Account, error) {
	var a core.Account
	if err := r.Scan(&a.ID, &a.Name, &a.DisplayName, &a.Role, &a.Language, ts(&a.CreatedAt), &a.PasswordHash,
		ts(&a.PasswordChangedAt), &a.DefaultMethodID, &a.DefaultChannel, ts(&a.RemovalAt), &a.RemovalMethodID,
		&a.RegistrationSnoozes, ts(&a.ConfirmedAt), ts(&a.ReconfirmNoticedAt), ts(&a.ReconfirmSkippedUntil), &a.PasswordMustChange); err != nil {
		return nil, err
	}
	return &a, nil
}

func (t *tx) CreateAccount(a *core.Account) error {
	_, err := t.exec(`INSERT INTO accounts (`+accountColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
		a.ID, a.Name, a.DisplayName, a.Role, a.Language, tsArg(a.CreatedAt), a.PasswordHash, tsArg(a.PasswordChangedAt),
		a.DefaultMethodID, a.DefaultChannel, tsArg(a.RemovalAt), a.RemovalMethodID, a.RegistrationSnoozes,
		tsArg(a.ConfirmedAt), tsArg(a.ReconfirmNoticedAt), tsArg(a.ReconfirmSkippedUntil), a.PasswordMustChange)
	if pgCode(err) == uniqueViolation {
		return core.Errorf(core.ECONFLICT, "An account named %s already exists.", a.Name)
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

func (t *tx) UpdateAccount(a *core.Account) error {
	tag, err := t.exec(`UPDATE accounts SET name=$1, display_name=$2, role=$3, language=$4, password_hash=$5,
		password_changed_at=$6, default_method_id=$7, default_channel=$8, removal_at=$9, removal_method_id=$10,
		registration_snoozes=$11, confirmed_at=$12, reconfirm_noticed_at=$13, reconfirm_skipped_until=$14,
		password_must_change=$15 WHERE id=$16`,
		a.Name, a.DisplayName, a.Role, a.Language, a.PasswordHash, tsArg(a.PasswordChangedAt),
		a.DefaultMethodID, a.DefaultChannel, tsArg(a.RemovalAt), a.RemovalMethodID, a.RegistrationSnoozes,
		tsArg(a.ConfirmedAt), tsArg(a.ReconfirmNoticedAt), tsArg(a.ReconfirmSkippedUntil), a.PasswordMustChange, a.ID)
	if pgCode(err) == uniqueViolation {
		return core.Errorf(core.ECONFLICT, "An account named %s already exists.", a.Name)
	}
	return mustAffect(tag, err, "Account")
}

func (t *tx) account(where string, arg any) (*core.Account, error) {
	a, err := scanAccount(t.queryRow(`SELECT `+accountColumns+` FROM accounts WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
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
	return t.account(`id = $1`, id)
}

func (t *tx) AccountByName(name string) (*core.Account, error) {
	a, err := t.account(`name = $1`, name)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, core.Errorf(core.ENOTFOUND, "There is no account named %s.", name)
	}
	return a, err
}

func (t *tx) Accounts() ([]*core.Account, error) {
	out, err := collect(t, []*core.Account{}, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

func (t *tx) CountAccounts() (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM accounts`).Scan(&n)
	return n, err
}

const methodColumns = `id, account_id, kind, detail, extension, channel, name, language, created_at, last_used_at,
	secret, last_step`

func scanMethod(r pgx.Row) (*core.Method, error) {
	var m core.Method
	if err := r.Scan(&m.ID, &m.AccountID, &m.Kind, &m.Detail, &m.Extension, &m.Channel, &m.Name, &m.Language,
		ts(&m.CreatedAt), ts(&m.LastUsedAt), &m.Secret, &m.LastStep); err != nil {
		return nil, err
	}
	return &m, nil
}

func (t *tx) Methods(accountID string) ([]*core.Method, error) {
	out, err := collect(t, []*core.Method{}, scanMethod,
		`SELECT `+methodColumns+` FROM methods WHERE account_id = $1 ORDER BY created_at NULLS FIRST, id COLLATE "C"`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list methods: %w", err)
	}
	return out, nil
}

func (t *tx) Method(id string) (*core.Method, error) {
	m, err := t.method(id)
	if err == nil {
		if t.steps == nil {
			t.steps = map[string]int64{}
		}
		t.steps[id] = m.LastStep
	}
	return m, err
}

func (t *tx) method(id string) (*core.Method, error) {
	if m := t.pre.TakeMethod(id); m != nil {
		return m, nil
	}
	m, err := scanMethod(t.queryRow(`SELECT `+methodColumns+` FROM methods WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "That method is not in your security info.")
	}
	if err != nil {
		return nil, fmt.Errorf("read method: %w", err)
	}
	return m, nil
}

func (t *tx) CreateMethod(m *core.Method) error {
	_, err := t.exec(`INSERT INTO methods (`+methodColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		m.ID, m.AccountID, m.Kind, m.Detail, m.Extension, m.Channel, m.Name, m.Language, tsArg(m.CreatedAt),
		tsArg(m.LastUsedAt), m.Secret, m.LastStep)
	switch pgCode(err) {
	case uniqueViolation:
		return core.Errorf(core.ECONFLICT, "A method with this ID already exists.")
	case foreignKeyViolation:
		return core.Errorf(core.ENOTFOUND, "Account not found.")
	}
	if err != nil {
		return fmt.Errorf("create method: %w", err)
	}
	return t.indexPhone(m)
}

func (t *tx) UpdateMethod(m *core.Method) error {
	tag, err := t.exec(`UPDATE methods SET detail=$1, extension=$2, channel=$3, name=$4, language=$5, last_used_at=$6,
		secret=$7, last_step=$8 WHERE id=$9`,
		m.Detail, m.Extension, m.Channel, m.Name, m.Language, tsArg(m.LastUsedAt), m.Secret, m.LastStep, m.ID)
	if err := mustAffect(tag, err, "Method"); err != nil {
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
	_, err := t.exec(`INSERT INTO phone_suffixes (method_id, account_id, rev) VALUES ($1,$2,$3)
		ON CONFLICT (method_id) DO UPDATE SET rev = excluded.rev WHERE phone_suffixes.rev <> excluded.rev`, m.ID, m.AccountID, core.Reverse(m.Detail))
	return err
}

func (t *tx) DeleteMethod(id string) error {
	tag, err := t.exec(`DELETE FROM methods WHERE id = $1`, id)
	return mustAffect(tag, err, "Method")
}

func (t *tx) SavePolicy(p *core.Policy) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO policy (id, body) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET body = excluded.body`, string(body))
	if err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	return nil
}

func (t *tx) Setting(name string) (string, error) {
	var v string
	err := t.queryRow(`SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", name, err)
	}
	return v, nil
}

func (t *tx) SetSetting(name, value string) error {
	_, err := t.exec(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", name, err)
	}
	return nil
}

func (t *tx) AuditHead() (core.AuditHead, error) {
	var h core.AuditHead
	err := t.queryRow(`SELECT seq, hash, mac FROM audit_head WHERE id = 1`).Scan(&h.Seq, &h.Hash, &h.MAC)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.AuditHead{}, nil
	}
	if err != nil {
		return core.AuditHead{}, fmt.Errorf("read audit head: %w", err)
	}
	return h, nil
}

func (t *tx) AppendAudit(e *core.AuditEvent) error {
	// The head first: of two transactions that read the same head and
	// append after it, the second fails to update the head with a
	// serialization failure, and Update runs it again after the first.
	// (Inserting the event first would fail it with a unique violation,
	// which is not retried.)
	var mac []byte // an unsealed head is stored as NULL, not as an empty bytea
	if len(e.HeadMAC) > 0 {
		mac = e.HeadMAC
	}
	_, err := t.exec(`INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac`, e.Seq, e.Hash, mac)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	_, err = t.exec(`INSERT INTO audit_events (seq, time, time_nanos, actor_id, actor_name, account_id, account_name, action,
		kind, detail, source, reason, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		e.Seq, tsArg(e.Time), nanosArg(e.Time), e.ActorID, e.ActorName, e.AccountID, e.AccountName, e.Action, e.Kind,
		e.Detail, e.Source, e.Reason, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

func scanAuditEvent(r pgx.Row) (*core.AuditEvent, error) {
	var e core.AuditEvent
	var at pgtype.Timestamptz
	var nanos int16
	if err := r.Scan(&e.Seq, &at, &nanos, &e.ActorID, &e.ActorName, &e.AccountID, &e.AccountName, &e.Action,
		&e.Kind, &e.Detail, &e.Source, &e.Reason, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	// A time set to infinity was edited by hand; leave it zero and let the
	// chain report the row.
	if at.Valid && at.InfinityModifier == pgtype.Finite {
		e.Time = withNanos(at.Time.UTC(), nanos)
	}
	return &e, nil
}

func (t *tx) AuditEvents(f core.AuditFilter) ([]*core.AuditEvent, error) {
	q := `SELECT seq, time, time_nanos, actor_id, actor_name, account_id, account_name, action, kind, detail, source,
		reason, prev_hash, hash FROM audit_events`
	var args []any
	if f.AccountID != "" {
		args = append(args, f.AccountID)
		q += ` WHERE account_id = $1`
	}
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q = `SELECT * FROM (` + q + ` ORDER BY seq DESC LIMIT $` + strconv.Itoa(len(args)) + `) newest ORDER BY seq`
	} else {
		q += ` ORDER BY seq`
	}
	out, err := collect(t, []*core.AuditEvent{}, scanAuditEvent, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	return out, nil
}
