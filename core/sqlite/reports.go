package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/securityinfo/securityinfo/core"
)

const reportColumns = `id, account_id, account_name, event_seq, event_time, event_actor, action, kind, detail,
	reported_by_id, reported_by_name, reported_at, source`

func (t *tx) AuditEvent(seq int64) (*core.AuditEvent, error) {
	var e core.AuditEvent
	var at string
	err := t.queryRow(`SELECT seq, time, actor_id, actor_name, account_id, account_name, action, kind, detail, source, reason,
		prev_hash, hash FROM audit_events WHERE seq = ?`, seq).Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.AccountID, &e.AccountName,
		&e.Action, &e.Kind, &e.Detail, &e.Source, &e.Reason, &e.PrevHash, &e.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "No such audit event.")
	}
	if err != nil {
		return nil, fmt.Errorf("read audit event: %w", err)
	}
	e.Time, _ = parseTime(at) // an edited time stays zero, as in AuditEvents
	return &e, nil
}

func (t *tx) CreateReport(r *core.ActivityReport) error {
	_, err := t.exec(`INSERT INTO activity_reports (`+reportColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.AccountID, r.AccountName, r.EventSeq, formatTime(r.EventTime), r.EventActor, r.Action, r.Kind, r.Detail,
		r.ReportedByID, r.ReportedByName, formatTime(r.ReportedAt), r.Source)
	if isUnique(err) {
		return core.Errorf(core.ECONFLICT, "This event was already reported.")
	}
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	return nil
}

func (t *tx) Reports(f core.ReportFilter) ([]*core.ActivityReport, error) {
	q := `SELECT ` + reportColumns + ` FROM activity_reports`
	var args []any
	if f.AccountID != "" {
		q += ` WHERE account_id = ?`
		args = append(args, f.AccountID)
	}
	q += ` ORDER BY reported_at DESC, event_seq DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	defer rows.Close()
	out := []*core.ActivityReport{}
	for rows.Next() {
		var r core.ActivityReport
		var at, reported string
		if err := rows.Scan(&r.ID, &r.AccountID, &r.AccountName, &r.EventSeq, &at, &r.EventActor, &r.Action, &r.Kind, &r.Detail,
			&r.ReportedByID, &r.ReportedByName, &reported, &r.Source); err != nil {
			return nil, fmt.Errorf("list reports: %w", err)
		}
		if r.EventTime, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list reports: %w", err)
		}
		if r.ReportedAt, err = parseTime(reported); err != nil {
			return nil, fmt.Errorf("list reports: %w", err)
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}
