package core

import (
	"context"
	"encoding/json"
	"fmt"
)

// QueuedAudit is an audit event written by a change but not chained yet:
// with Options.Queue, changes do not line up behind the chain's head row;
// SequenceAudit chains the queued events in batches. The event is sealed,
// so an edit in the database is found when it is chained.
type QueuedAudit struct {
	ID     string
	Sealed []byte
}

// auditBatch is how many queued events one SequenceAudit transaction
// chains.
const auditBatch = 500

// queueAudit stores e, unchained, in the change's transaction.
func (s *Local) queueAudit(tx Tx, e *AuditEvent) error {
	id, err := s.newID()
	if err != nil {
		return err
	}
	plain, err := json.Marshal(e)
	if err != nil {
		return err
	}
	sealed, err := s.keys.Seal(plain, "audit-queue:"+id)
	if err != nil {
		return err
	}
	if err := tx.QueueAudit(QueuedAudit{ID: id, Sealed: sealed}); err != nil {
		return fmt.Errorf("queue audit: %w", err)
	}
	return nil
}

// SequenceAudit chains the queued audit events, oldest first, in batches,
// and returns how many it chained. The outbox worker runs it, and the
// audit log is sequenced before it is read or verified, so a reader sees
// every committed event. Several servers may run it at once: the store
// lets one batch through at a time.
func (s *Local) SequenceAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.store.Update(ctx, func(tx Tx) error {
			qs, err := tx.QueuedAudit(auditBatch)
			if err != nil {
				return err
			}
			n = len(qs)
			if n == 0 {
				return nil
			}
			events := make([]*AuditEvent, len(qs))
			ids := make([]string, len(qs))
			for i, q := range qs {
				ids[i] = q.ID
				e := &AuditEvent{}
				plain, err := s.keys.Open(q.Sealed, "audit-queue:"+q.ID)
				if err == nil {
					err = json.Unmarshal(plain, e)
				}
				if err != nil {
					// Edited in the database before it was chained: the
					// chain records that, in place of the event.
					e = &AuditEvent{Time: s.clock(), Action: ActionAuditTampered, Source: "sequencer",
						Reason: "a queued audit event was edited before it was chained"}
					s.log.Error("audit log: a queued event fails its seal", "queued", q.ID)
				}
				events[i] = e
			}
			created := 0
			for _, e := range events {
				if e.Action == ActionAccountCreated {
					created++
				}
			}
			for _, e := range events {
				if err := s.chainAudit(tx, e, created); err != nil {
					return err
				}
				if e.Action == ActionAccountCreated {
					created--
				}
			}
			return tx.DeleteQueuedAudit(ids)
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < auditBatch {
			return total, nil
		}
	}
}

// sequenced chains what is queued before the log is read, whichever
// mode queued it (a command line reading the folder a server writes).
func (s *Local) sequenced(ctx context.Context) error {
	_, err := s.SequenceAudit(ctx)
	return err
}
