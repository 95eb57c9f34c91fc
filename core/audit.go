package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// Audit actions.
const (
	ActionAccountCreated   = "account.created"
	ActionMethodAdded      = "method.added"
	ActionMethodDeleted    = "method.deleted"
	ActionMethodRenamed    = "method.renamed"
	ActionDefaultChanged   = "default.changed"
	ActionRemovalScheduled = "removal.scheduled"
	ActionRemovalCancelled = "removal.cancelled"
	ActionRemovalCompleted = "removal.completed"
	ActionPolicyChanged    = "policy.changed"
	ActionMethodLocked     = "method.locked"
)

// AuditEvent is one row of the append-only audit log. Detail is masked: it
// never holds a full number, an address, a code or a secret.
type AuditEvent struct {
	Seq         int64      `json:"seq"`
	Time        time.Time  `json:"time"`
	ActorID     string     `json:"actorId"`
	ActorName   string     `json:"actor"`
	AccountID   string     `json:"accountId"`
	AccountName string     `json:"account"`
	Action      string     `json:"action"`
	Kind        MethodKind `json:"kind"`
	Detail      string     `json:"detail"`
	Source      string     `json:"source"`
	Reason      string     `json:"reason"`
	PrevHash    []byte     `json:"-"`
	Hash        []byte     `json:"-"`
}

// AuditHead is the sequence number and hash of the newest audit event, kept
// apart so that removing the newest rows is detected too.
type AuditHead struct {
	Seq  int64
	Hash []byte
}

// AuditHash chains e to the previous event: a keyed hash of the previous
// hash and every field of e. Without the key (in the keyring) a person
// editing the database cannot make the chain whole again.
func (k *Keys) AuditHash(e *AuditEvent) []byte {
	m := hmac.New(sha256.New, k.audit[:])
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		m.Write(n[:])
		m.Write(b)
	}
	field(e.PrevHash)
	field(binary.BigEndian.AppendUint64(nil, uint64(e.Seq)))
	field([]byte(e.Time.UTC().Format(time.RFC3339Nano)))
	for _, s := range []string{e.ActorID, e.ActorName, e.AccountID, e.AccountName, e.Action, string(e.Kind), e.Detail, e.Source, e.Reason} {
		field([]byte(s))
	}
	return m.Sum(nil)
}

// Chain fills in e's sequence number and hashes after head and returns the
// new head.
func (k *Keys) Chain(head AuditHead, e *AuditEvent) AuditHead {
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	e.Time = e.Time.UTC()
	e.Hash = k.AuditHash(e)
	return AuditHead{Seq: e.Seq, Hash: e.Hash}
}

// AuditBreak describes the first place the chain is broken.
type AuditBreak struct {
	Seq    int64  // the event where the break shows
	Reason string // what is wrong there
}

// Error implements error.
func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", b.Seq, b.Reason)
}

// VerifyAudit checks events (in stored order) against the chain and the
// head. It returns nil when intact, or the first break: an edited row, a
// removed or reordered row, or rows missing at the end.
func (k *Keys) VerifyAudit(events []*AuditEvent, head AuditHead) *AuditBreak {
	var prev []byte
	for i, e := range events {
		want := int64(i + 1)
		switch {
		case e.Seq != want && e.Seq > want:
			return &AuditBreak{want, fmt.Sprintf("event %d is missing (found event %d in its place)", want, e.Seq)}
		case e.Seq != want:
			return &AuditBreak{want, fmt.Sprintf("events are out of order (found event %d in place of event %d)", e.Seq, want)}
		case !hmac.Equal(e.PrevHash, prev):
			return &AuditBreak{e.Seq, "it does not follow the event before it (a row was removed, reordered or replaced)"}
		case !hmac.Equal(e.Hash, k.AuditHash(e)):
			return &AuditBreak{e.Seq, "its contents were changed after it was written"}
		}
		prev = e.Hash
	}
	n := int64(len(events))
	if head.Seq != n || !hmac.Equal(head.Hash, prev) {
		if head.Seq > n {
			return &AuditBreak{n + 1, fmt.Sprintf("events %d to %d are missing from the end", n+1, head.Seq)}
		}
		return &AuditBreak{n, "the chain head does not match the newest event"}
	}
	return nil
}
