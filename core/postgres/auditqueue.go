package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
)

func (t *tx) QueueAudit(q core.QueuedAudit) error {
	_, err := t.exec(`INSERT INTO audit_queue (id, sealed) VALUES ($1, $2)`, q.ID, q.Sealed)
	return err
}

// QueuedAudit implements core.Tx: FOR UPDATE holds the rows, so a second
// sequencer waits, then fails to serialize and runs again on what is left.
func (t *tx) QueuedAudit(limit int) ([]core.QueuedAudit, error) {
	return collect(t, nil, func(r pgx.Row) (core.QueuedAudit, error) {
		var q core.QueuedAudit
		return q, r.Scan(&q.ID, &q.Sealed)
	}, `SELECT id, sealed FROM audit_queue ORDER BY n LIMIT $1 FOR UPDATE`, limit)
}

func (t *tx) DeleteQueuedAudit(ids []string) error {
	_, err := t.exec(`DELETE FROM audit_queue WHERE id = ANY($1)`, ids)
	return err
}
