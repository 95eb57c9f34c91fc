package sqlite

import "github.com/securityinfo/securityinfo/core"

func (t *tx) QueueAudit(q core.QueuedAudit) error {
	_, err := t.exec(`INSERT INTO audit_queue (id, sealed) VALUES (?, ?)`, q.ID, q.Sealed)
	return err
}

// QueuedAudit implements core.Tx; SQLite's single writer holds the rows.
func (t *tx) QueuedAudit(limit int) ([]core.QueuedAudit, error) {
	rows, err := t.query(`SELECT id, sealed FROM audit_queue ORDER BY n LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.QueuedAudit
	for rows.Next() {
		var q core.QueuedAudit
		if err := rows.Scan(&q.ID, &q.Sealed); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

func (t *tx) DeleteQueuedAudit(ids []string) error {
	for _, id := range ids {
		if _, err := t.exec(`DELETE FROM audit_queue WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}
