package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

const verificationColumns = `id, account_id, purpose, kind, method_id, detail, extension, channel, name, language,
	code_hash, secret, created_at, sent_at, expires_at, tries, used_at, flow`

func (t *tx) CreateVerification(v *core.Verification) error {
	_, err := t.exec(`INSERT INTO verifications (`+verificationColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		v.ID, v.AccountID, v.Purpose, v.Kind, v.MethodID, v.Detail, v.Extension, v.Channel, v.Name, v.Language,
		v.CodeHash, v.Secret, formatTime(v.CreatedAt), formatTime(v.SentAt), formatTime(v.ExpiresAt), v.Tries, formatTime(v.UsedAt), v.Flow)
	if err != nil {
		return fmt.Errorf("create verification: %w", err)
	}
	return nil
}

func (t *tx) Verification(id string) (*core.Verification, error) {
	var v core.Verification
	var created, sent, expires, used string
	err := t.queryRow(`SELECT `+verificationColumns+` FROM verifications WHERE id = ?`, id).Scan(
		&v.ID, &v.AccountID, &v.Purpose, &v.Kind, &v.MethodID, &v.Detail, &v.Extension, &v.Channel, &v.Name, &v.Language,
		&v.CodeHash, &v.Secret, &created, &sent, &expires, &v.Tries, &used, &v.Flow)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "This verification was not found. Start again.")
	}
	if err != nil {
		return nil, fmt.Errorf("read verification: %w", err)
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{created, &v.CreatedAt}, {sent, &v.SentAt}, {expires, &v.ExpiresAt}, {used, &v.UsedAt}} {
		if *f.t, err = parseTime(f.s); err != nil {
			return nil, err
		}
	}
	return &v, nil
}

func (t *tx) UpdateVerification(v *core.Verification) error {
	res, err := t.exec(`UPDATE verifications SET code_hash=?, secret=?, sent_at=?, expires_at=?, tries=?, used_at=? WHERE id=?`,
		v.CodeHash, v.Secret, formatTime(v.SentAt), formatTime(v.ExpiresAt), v.Tries, formatTime(v.UsedAt), v.ID)
	return mustAffect(res, err, "Verification")
}

func (t *tx) DeleteVerification(id string) error {
	_, err := t.exec(`DELETE FROM verifications WHERE id = ?`, id)
	return err
}

func (t *tx) UseVerification(id string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE verifications SET used_at = ? WHERE id = ? AND used_at = ''`, formatTime(at), id)
	if err != nil {
		return false, fmt.Errorf("use verification: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) EndVerifications(accountID, purpose string, at time.Time) error {
	_, err := t.exec(`UPDATE verifications SET used_at = ? WHERE account_id = ? AND purpose = ? AND used_at = ''`,
		formatTime(at), accountID, purpose)
	if err != nil {
		return fmt.Errorf("end verifications: %w", err)
	}
	return nil
}

func (t *tx) DeleteExpiredVerifications(before time.Time) error {
	_, err := t.exec(`DELETE FROM verifications WHERE expires_at < ?`, formatTime(before))
	return err
}

func (t *tx) RecordSend(s core.Send) error {
	_, err := t.exec(`INSERT INTO sends (account_id, destination, channel, purpose, at) VALUES (?,?,?,?,?)`,
		s.AccountID, s.Destination, s.Channel, s.Purpose, formatTime(s.At))
	return err
}

func (t *tx) DeleteSend(s core.Send) error {
	_, err := t.exec(`DELETE FROM sends WHERE rowid = (SELECT rowid FROM sends WHERE account_id = ? AND destination = ? AND purpose = ? AND at = ? LIMIT 1)`,
		s.AccountID, s.Destination, s.Purpose, formatTime(s.At))
	return err
}

func (t *tx) SendTimes(f core.SendFilter) ([]time.Time, error) {
	q := `SELECT at FROM sends WHERE at > ?`
	args := []any{formatTime(f.Since)}
	if f.Destination != "" {
		q += ` AND destination = ?`
		args = append(args, f.Destination)
	}
	if f.AccountID != "" {
		q += ` AND account_id = ?`
		args = append(args, f.AccountID)
	}
	if f.Purpose != "" {
		q += ` AND purpose = ?`
		args = append(args, f.Purpose)
	}
	rows, err := t.query(q+` ORDER BY at`, args...)
	if err != nil {
		return nil, fmt.Errorf("list sends: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		at, err := parseTime(s)
		if err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

func (t *tx) FailureCounter(accountID, subject string) (*core.FailureCounter, error) {
	if c := t.pre.TakeCounter(accountID, subject); c != nil {
		return c, nil
	}
	c := &core.FailureCounter{AccountID: accountID, Subject: subject}
	var locked string
	err := t.queryRow(`SELECT failures, locked_until FROM failure_counters WHERE account_id = ? AND subject = ?`,
		accountID, subject).Scan(&c.Failures, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read failure counter: %w", err)
	}
	c.LockedUntil, err = parseTime(locked)
	return c, err
}

func (t *tx) SaveFailureCounter(c *core.FailureCounter) error {
	_, err := t.exec(`INSERT INTO failure_counters (account_id, subject, failures, locked_until) VALUES (?,?,?,?)
		ON CONFLICT (account_id, subject) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
		c.AccountID, c.Subject, c.Failures, formatTime(c.LockedUntil))
	if err != nil {
		return fmt.Errorf("save failure counter: %w", err)
	}
	return nil
}

func (t *tx) AdvanceTOTPStep(methodID string, step int64, usedAt time.Time) (bool, error) {
	res, err := t.exec(`UPDATE methods SET last_step = ?, last_used_at = ? WHERE id = ? AND last_step < ?`, step, formatTime(usedAt), methodID, step)
	if err != nil {
		return false, fmt.Errorf("advance TOTP step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) CreateAnswers(methodID string, answers []core.StoredAnswer) error {
	for i, a := range answers {
		if _, err := t.exec(`INSERT INTO answers (method_id, position, question_id, question_text, answer_hash) VALUES (?,?,?,?,?)`,
			methodID, i, a.QuestionID, a.QuestionText, a.AnswerHash); err != nil {
			return fmt.Errorf("store answers: %w", err)
		}
	}
	return nil
}

func (t *tx) Answers(methodID string) ([]core.StoredAnswer, error) {
	rows, err := t.query(`SELECT question_id, question_text, answer_hash FROM answers WHERE method_id = ? ORDER BY position`, methodID)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	defer rows.Close()
	var out []core.StoredAnswer
	for rows.Next() {
		var a core.StoredAnswer
		if err := rows.Scan(&a.QuestionID, &a.QuestionText, &a.AnswerHash); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) SignInCounter(name string) (*core.FailureCounter, error) {
	c := &core.FailureCounter{Subject: name}
	var locked string
	err := t.queryRow(`SELECT failures, locked_until FROM signin_failures WHERE name = ?`, name).Scan(&c.Failures, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sign-in failures: %w", err)
	}
	c.LockedUntil, err = parseTime(locked)
	return c, err
}

func (t *tx) SaveSignInCounter(c *core.FailureCounter) error {
	_, err := t.exec(`INSERT INTO signin_failures (name, failures, locked_until) VALUES (?,?,?)
		ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
		c.Subject, c.Failures, formatTime(c.LockedUntil))
	if err != nil {
		return fmt.Errorf("save sign-in failures: %w", err)
	}
	return nil
}

func (t *tx) CreateSession(s *core.Session) error {
	_, err := t.exec(`INSERT INTO sessions (id, account_id, created_at, last_seen_at, two_step, ended_at, device) VALUES (?,?,?,?,?,?,?)`,
		s.ID, s.AccountID, formatTime(s.CreatedAt), formatTime(s.LastSeenAt), s.TwoStep, formatTime(s.EndedAt), s.Device)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

const sessionColumns = `id, account_id, created_at, last_seen_at, two_step, ended_at, device`

func scanSession(row interface{ Scan(...any) error }) (*core.Session, error) {
	s := &core.Session{}
	if err := row.Scan(&s.ID, &s.AccountID, ts(&s.CreatedAt), ts(&s.LastSeenAt), &s.TwoStep, ts(&s.EndedAt), &s.Device); err != nil {
		return nil, err
	}
	return s, nil
}

func (t *tx) Session(id string) (*core.Session, error) {
	if s := t.pre.TakeSession(id); s != nil {
		return s, nil
	}
	s, err := scanSession(t.queryRow(`SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "Your session has ended. Sign in again.")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return s, nil
}

func (t *tx) Sessions(accountID string) ([]*core.Session, error) {
	rows, err := t.query(`SELECT `+sessionColumns+` FROM sessions WHERE account_id = ? AND ended_at = ''
		ORDER BY last_seen_at DESC, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	out := []*core.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (t *tx) UpdateSession(s *core.Session) error {
	keep := t.pre.WithoutSession(s.ID) // it writes that session's row alone
	defer func() { t.pre = keep }()
	res, err := t.exec(`UPDATE sessions SET last_seen_at = ?, two_step = ?, ended_at = ? WHERE id = ?`,
		formatTime(s.LastSeenAt), s.TwoStep, formatTime(s.EndedAt), s.ID)
	return mustAffect(res, err, "Session")
}

func (t *tx) EndSessions(accountID, except string, at time.Time) error {
	_, err := t.exec(`UPDATE sessions SET ended_at = ? WHERE account_id = ? AND id <> ? AND ended_at = ''`, formatTime(at), accountID, except)
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

func (t *tx) CreateReset(r *core.Reset) error {
	_, err := t.exec(`INSERT INTO resets (id, name, account_id, created_at, expires_at, proven, done_at, decoy_tries, decoy_state) VALUES (?,?,?,?,?,?,?,?,?)`,
		r.ID, r.Name, r.AccountID, formatTime(r.CreatedAt), formatTime(r.ExpiresAt), strings.Join(r.Proven, ","), formatTime(r.DoneAt),
		r.QuestionAsks, r.Decoy)
	if err != nil {
		return fmt.Errorf("create reset: %w", err)
	}
	return nil
}

func (t *tx) Reset(id string) (*core.Reset, error) {
	r := &core.Reset{}
	var created, expires, proven, done string
	err := t.queryRow(`SELECT id, name, account_id, created_at, expires_at, proven, done_at, decoy_tries, decoy_state FROM resets WHERE id = ?`, id).Scan(
		&r.ID, &r.Name, &r.AccountID, &created, &expires, &proven, &done, &r.QuestionAsks, &r.Decoy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "This password reset has ended. Start again.")
	}
	if err != nil {
		return nil, fmt.Errorf("read reset: %w", err)
	}
	if proven != "" {
		r.Proven = strings.Split(proven, ",")
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{created, &r.CreatedAt}, {expires, &r.ExpiresAt}, {done, &r.DoneAt}} {
		if *f.t, err = parseTime(f.s); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (t *tx) UpdateReset(r *core.Reset) error {
	res, err := t.exec(`UPDATE resets SET proven = ?, done_at = ?, decoy_tries = ?, decoy_state = ? WHERE id = ?`,
		strings.Join(r.Proven, ","), formatTime(r.DoneAt), r.QuestionAsks, r.Decoy, r.ID)
	return mustAffect(res, err, "Reset")
}

func (t *tx) EndResets(accountID, except string, at time.Time) error {
	_, err := t.exec(`UPDATE resets SET done_at = ? WHERE account_id = ? AND id <> ? AND done_at = ''`, formatTime(at), accountID, except)
	if err != nil {
		return fmt.Errorf("end resets: %w", err)
	}
	return nil
}

func (t *tx) QuestionDraw(methodID string) (*core.QuestionDraw, error) {
	d := &core.QuestionDraw{MethodID: methodID}
	var ids, drawn string
	err := t.queryRow(`SELECT question_ids, drawn_at, draws FROM question_draws WHERE method_id = ?`, methodID).Scan(
		&ids, &drawn, &d.Draws)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "No security questions were drawn.")
	}
	if err != nil {
		return nil, fmt.Errorf("read question draw: %w", err)
	}
	if ids != "" {
		d.QuestionIDs = strings.Split(ids, ",")
	}
	d.DrawnAt, err = parseTime(drawn)
	return d, err
}

func (t *tx) SaveQuestionDraw(d *core.QuestionDraw) error {
	_, err := t.exec(`INSERT INTO question_draws (method_id, question_ids, drawn_at, draws) VALUES (?,?,?,?)
		ON CONFLICT (method_id) DO UPDATE SET question_ids = excluded.question_ids, drawn_at = excluded.drawn_at, draws = excluded.draws`,
		d.MethodID, strings.Join(d.QuestionIDs, ","), formatTime(d.DrawnAt), d.Draws)
	if err != nil {
		return fmt.Errorf("save question draw: %w", err)
	}
	return nil
}
