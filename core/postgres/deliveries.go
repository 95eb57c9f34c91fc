package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
)

func (t *tx) QueueDelivery(d *core.Delivery) error {
	_, err := t.exec(`INSERT INTO deliveries (id, created_at, next_at, attempts, payload, last_error) VALUES ($1,$2,$3,$4,$5,$6)`,
		d.ID, d.CreatedAt, d.NextAt, d.Attempts, d.Payload, d.LastError)
	return err
}

// ClaimDeliveries implements core.Tx in one statement: rows that another
// server's worker holds are skipped, not waited for.
func (t *tx) ClaimDeliveries(now, until time.Time, limit int) ([]*core.Delivery, error) {
	return collect(t, nil, func(r pgx.Row) (*core.Delivery, error) {
		d := &core.Delivery{}
		err := r.Scan(&d.ID, &d.CreatedAt, &d.NextAt, &d.Attempts, &d.Payload, &d.LastError)
		d.CreatedAt, d.NextAt = d.CreatedAt.UTC(), d.NextAt.UTC()
		return d, err
	}, `WITH due AS (
			SELECT id, next_at FROM deliveries WHERE next_at <= $1 ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
		), claimed AS (
			UPDATE deliveries d SET next_at = $2, attempts = d.attempts + 1 FROM due WHERE d.id = due.id
			RETURNING d.id, d.created_at, d.next_at, d.attempts, d.payload, d.last_error, due.next_at AS was_due
		)
		SELECT id, created_at, next_at, attempts, payload, last_error FROM claimed ORDER BY was_due, id`, now, until, limit)
}

func (t *tx) RetryDelivery(id string, next time.Time, lastError string) error {
	tag, err := t.exec(`UPDATE deliveries SET next_at = $2, last_error = $3 WHERE id = $1`, id, next, lastError)
	return mustAffect(tag, err, "Delivery")
}

func (t *tx) DeleteDelivery(id string) error {
	_, err := t.exec(`DELETE FROM deliveries WHERE id = $1`, id)
	return err
}

func (t *tx) CountDeliveries() (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM deliveries`).Scan(&n)
	return n, err
}
