package sqlite

import (
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func (t *tx) QueueDelivery(d *core.Delivery) error {
	_, err := t.exec(`INSERT INTO deliveries (id, created_at, next_at, attempts, payload, last_error) VALUES (?,?,?,?,?,?)`,
		d.ID, formatTime(d.CreatedAt), formatTime(d.NextAt), d.Attempts, d.Payload, d.LastError)
	return err
}

// ClaimDeliveries implements core.Tx. SQLite runs one write transaction
// at a time, so the rows read here are claimed by no one else.
func (t *tx) ClaimDeliveries(now, until time.Time, limit int) ([]*core.Delivery, error) {
	rows, err := t.query(`SELECT id, created_at, attempts, payload, last_error FROM deliveries
		WHERE next_at <= ? ORDER BY next_at, id LIMIT ?`, formatTime(now), limit)
	if err != nil {
		return nil, err
	}
	var out []*core.Delivery
	for rows.Next() {
		d := &core.Delivery{NextAt: until}
		var created string
		if err := rows.Scan(&d.ID, &created, &d.Attempts, &d.Payload, &d.LastError); err != nil {
			rows.Close()
			return nil, err
		}
		if d.CreatedAt, err = parseTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		d.Attempts++
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range out {
		if _, err := t.exec(`UPDATE deliveries SET next_at = ?, attempts = ? WHERE id = ?`,
			formatTime(until), d.Attempts, d.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) RetryDelivery(id string, next time.Time, lastError string) error {
	res, err := t.exec(`UPDATE deliveries SET next_at = ?, last_error = ? WHERE id = ?`, formatTime(next), lastError, id)
	return mustAffect(res, err, "Delivery")
}

func (t *tx) DeleteDelivery(id string) error {
	_, err := t.exec(`DELETE FROM deliveries WHERE id = ?`, id)
	return err
}

func (t *tx) CountDeliveries() (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM deliveries`).Scan(&n)
	return n, err
}
