package postgres

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
)

const verificationColumns = `id, account_id, purpose, kind, method_id, detail, extension, channel, name, language,
	code_hash, secret, created_at, sent_at, expires_at, tries, used_at, flow`

func (t *tx) CreateVerification(v *core.Verification) error {
	_, err := t.exec(`INSERT INTO verifications (`+verificationColumns+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
		v.ID, v.AccountID, v.Purpose, v.Kind, v.MethodID, v.Detail, v.Extension, v.Channel, v.Name, v.Language,
		v.CodeHash, v.Secret, tsArg(v.CreatedAt), tsArg(v.SentAt), tsArg(v.ExpiresAt), v.Tries, tsArg(v.UsedAt), v.Flow)
	if err != nil {
		return fmt.Errorf("create verification: %w", err)
	}
	return nil
}

func (t *tx) Verification(id string) (*core.Verification, error) {
	var v core.Verification
	err := t.queryRow(`SELECT `+verificationColumns+` FROM verifications WHERE id = $1`, id).Scan(
		&v.ID, &v.AccountID, &v.Purpose, &v.Kind, &v.MethodID, &v.Detail, &v.Extension, &v.Channel, &v.Name, &v.Language,
		&v.CodeHash, &v.Secret, ts(&v.CreatedAt), ts(&v.SentAt), ts(&v.ExpiresAt), &v.Tries, ts(&v.UsedAt), &v.Flow)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "This verification was not found. Start again.")
	}
	if err != nil {
		return nil, fmt.Errorf("read verification: %w", err)
	}
	return &v, nil
}

func (t *tx) UpdateVerification(v *core.Verification) error {
	tag, err := t.exec(`UPDATE verifications SET code_hash=$1, secret=$2, sent_at=$3, expires_at=$4, tries=$5, used_at=$6
		WHERE id=$7`,
		v.CodeHash, v.Secret, tsArg(v.SentAt), tsArg(v.ExpiresAt), v.Tries, tsArg(v.UsedAt), v.ID)
	return mustAffect(tag, err, "Verification")
}

func (t *tx) DeleteVerification(id string) error {
	_, err := t.exec(`DELETE FROM verifications WHERE id = $1`, id)
	return err
}

func (t *tx) UseVerification(id string, at time.Time) (bool, error) {
	tag, err := t.exec(`UPDATE verifications SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, tsArg(at), id)
	if err != nil {
		return false, fmt.Errorf("use verification: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (t *tx) EndVerifications(accountID, purpose string, at time.Time) error {
	_, err := t.exec(`UPDATE verifications SET used_at = $1 WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL`,
		tsArg(at), accountID, purpose)
	if err != nil {
		return fmt.Errorf("end verifications: %w", err)
	}
	return nil
}

func (t *tx) DeleteExpiredVerifications(before time.Time) error {
	if before.IsZero() {
		return nil // nothing expired before the zero time
	}
	// The zero time (NULL) is before any other, as in the SQLite store.
	_, err := t.exec(`DELETE FROM verifications WHERE expires_at IS NULL OR expires_at < $1`, before)
	return err
}

func (t *tx) RecordSend(s core.Send) error {
	_, err := t.exec(`INSERT INTO sends (account_id, destination, channel, purpose, at) VALUES ($1,$2,$3,$4,$5)`,
		s.AccountID, s.Destination, s.Channel, s.Purpose, tsArg(s.At))
	return err
}

func (t *tx) DeleteSend(s core.Send) error {
	_, err := t.exec(`DELETE FROM sends WHERE id = (SELECT id FROM sends WHERE account_id = $1 AND destination = $2
		AND purpose = $3 AND at IS NOT DISTINCT FROM $4 LIMIT 1)`,
		s.AccountID, s.Destination, s.Purpose, tsArg(s.At))
	return err
}

func (t *tx) SendTimes(f core.SendFilter) ([]time.Time, error) {
	// A send at the zero time is after no time, as in the SQLite store.
	q := `SELECT at FROM sends WHERE at IS NOT NULL`
	var args []any
	where := func(cond string, arg any) {
		args = append(args, arg)
		q += ` AND ` + cond + ` $` + strconv.Itoa(len(args))
	}
	if !f.Since.IsZero() {
		where(`at >`, f.Since)
	}
	if f.Destination != "" {
		where(`destination =`, f.Destination)
	}
	if f.AccountID != "" {
		where(`account_id =`, f.AccountID)
	}
	if f.Purpose != "" {
		where(`purpose =`, f.Purpose)
	}
	out, err := collect(t, nil, func(r pgx.Row) (at time.Time, err error) {
		err = r.Scan(ts(&at))
		return at, err
	}, q+` ORDER BY at`, args...)
	if err != nil {
		return nil, fmt.Errorf("list sends: %w", err)
	}
	return out, nil
}

func (t *tx) FailureCounter(accountID, subject string) (*core.FailureCounter, error) {
	if c := t.pre.TakeCounter(accountID, subject); c != nil {
		return c, nil
	}
	c := &core.FailureCounter{AccountID: accountID, Subject: subject}
	err := t.queryRow(`SELECT failures, locked_until FROM failure_counters WHERE account_id = $1 AND subject = $2`,
		accountID, subject).Scan(&c.Failures, ts(&c.LockedUntil))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read failure counter: %w", err)
	}
	return c, nil
}

func (t *tx) SaveFailureCounter(c *core.FailureCounter) error {
	_, err := t.exec(`INSERT INTO failure_counters (account_id, subject, failures, locked_until) VALUES ($1,$2,$3,$4)
		ON CONFLICT (account_id, subject) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
		c.AccountID, c.Subject, c.Failures, tsArg(c.LockedUntil))
	if err != nil {
		return fmt.Errorf("save failure counter: %w", err)
	}
	return nil
}

// advanceStatement is a step's conditional write (scripts/verify-ceiling
// sends it too).
const advanceStatement = `UPDATE methods SET last_step = $1, last_used_at = $3 WHERE id = $2 AND last_step < $1`

func (t *tx) AdvanceTOTPStep(methodID string, step int64, usedAt time.Time) (bool, error) {
	const advance = advanceStatement
	if last, read := t.steps[methodID]; read && last < step {
		// This transaction read the method, with its last step below
		// step, and wrote nothing since: under SERIALIZABLE the write
		// changes the row, or fails to serialize when another
		// transaction changed it first. So it goes out with COMMIT (or
		// the next statement), a round trip saved; if it changes no row
		// after all, the transaction runs again (lazyTx.Defer).
		t.wrote("UPDATE")
		t.tx.Defer(advance, step, methodID, tsArg(usedAt))
		return true, nil
	}
	tag, err := t.exec(advance, step, methodID, tsArg(usedAt))
	if err != nil {
		return false, fmt.Errorf("advance TOTP step: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (t *tx) CreateAnswers(methodID string, answers []core.StoredAnswer) error {
	for i, a := range answers {
		if _, err := t.exec(`INSERT INTO answers (method_id, position, question_id, question_text, answer_hash)
			VALUES ($1,$2,$3,$4,$5)`, methodID, i, a.QuestionID, a.QuestionText, a.AnswerHash); err != nil {
			return fmt.Errorf("store answers: %w", err)
		}
	}
	return nil
}

func (t *tx) Answers(methodID string) ([]core.StoredAnswer, error) {
	out, err := collect(t, nil, func(r pgx.Row) (a core.StoredAnswer, err error) {
		err = r.Scan(&a.QuestionID, &a.QuestionText, &a.AnswerHash)
		return a, err
	}, `SELECT question_id, question_text, answer_hash FROM answers WHERE method_id = $1 ORDER BY position`, methodID)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	return out, nil
}

func (t *tx) SignInCounter(name string) (*core.FailureCounter, error) {
	c := &core.FailureCounter{Subject: name}
	var nanos int16
	err := t.queryRow(`SELECT failures, locked_until, locked_until_nanos FROM signin_failures WHERE name = $1`, name).Scan(
		&c.Failures, ts(&c.LockedUntil), &nanos)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sign-in failures: %w", err)
	}
	c.LockedUntil = withNanos(c.LockedUntil, nanos)
	return c, nil
}

func (t *tx) SaveSignInCounter(c *core.FailureCounter) error {
	_, err := t.exec(`INSERT INTO signin_failures (name, failures, locked_until, locked_until_nanos) VALUES ($1,$2,$3,$4)
		ON CONFLICT (name) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
			locked_until_nanos = excluded.locked_until_nanos`,
		c.Subject, c.Failures, tsArg(c.LockedUntil), nanosArg(c.LockedUntil))
	if err != nil {
		return fmt.Errorf("save sign-in failures: %w", err)
	}
	return nil
}

func (t *tx) CreateSession(s *core.Session) error {
	_, err := t.exec(`INSERT INTO sessions (`+sessionColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		s.ID, s.AccountID, tsArg(s.CreatedAt), tsArg(s.LastSeenAt), s.TwoStep, tsArg(s.EndedAt), s.Device, s.SignInKind, s.SignInMethodID)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func (t *tx) Session(id string) (*core.Session, error) {
	if s := t.pre.TakeSession(id); s != nil {
		return s, nil
	}
	s, err := scanSession(t.queryRow(`SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "Your session has ended. Sign in again.")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return s, nil
}

const sessionColumns = `id, account_id, created_at, last_seen_at, two_step, ended_at, device, signin_kind, signin_method_id`

func scanSession(r pgx.Row) (*core.Session, error) {
	s := &core.Session{}
	if err := r.Scan(&s.ID, &s.AccountID, ts(&s.CreatedAt), ts(&s.LastSeenAt), &s.TwoStep, ts(&s.EndedAt), &s.Device,
		&s.SignInKind, &s.SignInMethodID); err != nil {
		return nil, err
	}
	return s, nil
}

func (t *tx) Sessions(accountID string) ([]*core.Session, error) {
	out, err := collect(t, []*core.Session{}, scanSession, `SELECT `+sessionColumns+` FROM sessions WHERE account_id = $1 AND ended_at IS NULL
		ORDER BY last_seen_at DESC, id COLLATE "C"`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

func (t *tx) UpdateSession(s *core.Session) error {
	keep := t.pre.WithoutSession(s.ID) // it writes that session's row alone
	defer func() { t.pre = keep }()
	tag, err := t.exec(`UPDATE sessions SET last_seen_at = $1, two_step = $2, ended_at = $3 WHERE id = $4`,
		tsArg(s.LastSeenAt), s.TwoStep, tsArg(s.EndedAt), s.ID)
	return mustAffect(tag, err, "Session")
}

func (t *tx) EndSessions(accountID, except string, at time.Time) error {
	_, err := t.exec(`UPDATE sessions SET ended_at = $1 WHERE account_id = $2 AND id <> $3 AND ended_at IS NULL`,
		tsArg(at), accountID, except)
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return nil
}

func (t *tx) CreateReset(r *core.Reset) error {
	_, err := t.exec(`INSERT INTO resets (id, name, account_id, created_at, expires_at, proven, done_at, question_asks, decoy_state)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		r.ID, r.Name, r.AccountID, tsArg(r.CreatedAt), tsArg(r.ExpiresAt), list(r.Proven), tsArg(r.DoneAt), r.QuestionAsks, r.Decoy)
	if err != nil {
		return fmt.Errorf("create reset: %w", err)
	}
	return nil
}

func (t *tx) Reset(id string) (*core.Reset, error) {
	r := &core.Reset{}
	err := t.queryRow(`SELECT id, name, account_id, created_at, expires_at, proven, done_at, question_asks, decoy_state
		FROM resets WHERE id = $1`, id).Scan(
		&r.ID, &r.Name, &r.AccountID, ts(&r.CreatedAt), ts(&r.ExpiresAt), &r.Proven, ts(&r.DoneAt), &r.QuestionAsks, &r.Decoy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "This password reset has ended. Start again.")
	}
	if err != nil {
		return nil, fmt.Errorf("read reset: %w", err)
	}
	r.Proven = nilIfEmpty(r.Proven)
	return r, nil
}

func (t *tx) UpdateReset(r *core.Reset) error {
	tag, err := t.exec(`UPDATE resets SET proven = $1, done_at = $2, question_asks = $3, decoy_state = $4 WHERE id = $5`,
		list(r.Proven), tsArg(r.DoneAt), r.QuestionAsks, r.Decoy, r.ID)
	return mustAffect(tag, err, "Reset")
}

func (t *tx) EndResets(accountID, except string, at time.Time) error {
	_, err := t.exec(`UPDATE resets SET done_at = $1 WHERE account_id = $2 AND id <> $3 AND done_at IS NULL`,
		tsArg(at), accountID, except)
	if err != nil {
		return fmt.Errorf("end resets: %w", err)
	}
	return nil
}

func (t *tx) QuestionDraw(methodID string) (*core.QuestionDraw, error) {
	d := &core.QuestionDraw{MethodID: methodID}
	err := t.queryRow(`SELECT question_ids, drawn_at, draws FROM question_draws WHERE method_id = $1`, methodID).Scan(
		&d.QuestionIDs, ts(&d.DrawnAt), &d.Draws)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "No security questions were drawn.")
	}
	if err != nil {
		return nil, fmt.Errorf("read question draw: %w", err)
	}
	d.QuestionIDs = nilIfEmpty(d.QuestionIDs)
	return d, nil
}

func (t *tx) SaveQuestionDraw(d *core.QuestionDraw) error {
	_, err := t.exec(`INSERT INTO question_draws (method_id, question_ids, drawn_at, draws) VALUES ($1,$2,$3,$4)
		ON CONFLICT (method_id) DO UPDATE SET question_ids = excluded.question_ids, drawn_at = excluded.drawn_at,
			draws = excluded.draws`,
		d.MethodID, list(d.QuestionIDs), tsArg(d.DrawnAt), d.Draws)
	if err != nil {
		return fmt.Errorf("save question draw: %w", err)
	}
	return nil
}
