package postgres

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
)

const reportColumns = `id, account_id, account_name, event_seq, event_time, event_actor, action, kind, detail,
	reported_by_id, reported_by_name, reported_at, source`

func (t *tx) AuditEvent(seq int64) (*core.AuditEvent, error) {
	e, err := scanAuditEvent(t.queryRow(`SELECT seq, time, time_nanos, actor_id, actor_name, account_id, account_name, action, kind, detail,
		source, reason, prev_hash, hash FROM audit_events WHERE seq = $1`, seq))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "No such audit event.")
	}
	if err != nil {
		return nil, fmt.Errorf("read audit event: %w", err)
	}
	return e, nil
}

func (t *tx) CreateReport(r *core.ActivityReport) error {
	_, err := t.exec(`INSERT INTO activity_reports (`+reportColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		r.ID, r.AccountID, r.AccountName, r.EventSeq, r.EventTime, r.EventActor, r.Action, r.Kind, r.Detail,
		r.ReportedByID, r.ReportedByName, r.ReportedAt, r.Source)
	if pgCode(err) == uniqueViolation {
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
		args = append(args, f.AccountID)
		q += ` WHERE account_id = $1`
	}
	q += ` ORDER BY reported_at DESC, event_seq DESC`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += ` LIMIT $` + strconv.Itoa(len(args))
	}
	out, err := collect(t, []*core.ActivityReport{}, func(row pgx.Row) (*core.ActivityReport, error) {
		var r core.ActivityReport
		err := row.Scan(&r.ID, &r.AccountID, &r.AccountName, &r.EventSeq, ts(&r.EventTime), &r.EventActor, &r.Action, &r.Kind, &r.Detail,
			&r.ReportedByID, &r.ReportedByName, ts(&r.ReportedAt), &r.Source)
		return &r, err
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	return out, nil
}
