package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
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
	// HeadMAC is the seal of the chain head that this event makes, set by
	// Keys.Chain. The store keeps it with the head (Tx.AppendAudit), not
	// with the event, so it is nil in events read back.
	HeadMAC []byte `json:"-"`
	// Reportable and Reported are set for the account's owner reading
	// Recent activity (not part of the event, nor of its hash): whether
	// "This wasn't me" may be said of it, and whether it was.
	Reportable bool `json:"reportable,omitempty"`
	Reported   bool `json:"reported,omitempty"`
}

// AuditHead is the sequence number and hash of the newest audit event, kept
// apart so that removing the newest rows is detected too. MAC seals Seq and
// Hash with a key of its own: without the key (in the keyring) a person
// editing the database cannot point the head at an older event after
// deleting the newer ones. A head with no MAC is unsealed: it was written
// by an older version, or after the log had already been tampered with.
type AuditHead struct {
	Seq  int64
	Hash []byte
	MAC  []byte
}

// empty reports whether h is the head of a log never written to (or whose
// head was deleted).
func (h AuditHead) empty() bool { return h.Seq == 0 && len(h.Hash) == 0 && len(h.MAC) == 0 }

// headMAC seals a chain head: a keyed hash of "head", its sequence number
// and its hash.
func (k *Keys) headMAC(seq int64, hash []byte) []byte {
	m := hmac.New(sha256.New, k.auditHead[:])
	for _, b := range [][]byte{[]byte("head"), binary.BigEndian.AppendUint64(nil, uint64(seq)), hash} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		m.Write(n[:])
		m.Write(b)
	}
	return m.Sum(nil)
}

// headSealed reports whether h carries a seal and the seal matches it.
func (k *Keys) headSealed(h AuditHead) bool {
	return len(h.MAC) > 0 && hmac.Equal(h.MAC, k.headMAC(h.Seq, h.Hash))
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

// Chain fills in e's sequence number, hashes and HeadMAC after head and
// returns the new head, sealed with its MAC. The new head is sealed only
// when head is empty or its own seal matches: chaining after a head that
// is unsealed or edited leaves the new head unsealed (HeadMAC nil), so a
// log cut short by hand stays reported broken after more events are
// written instead of being sealed over.
func (k *Keys) Chain(head AuditHead, e *AuditEvent) AuditHead {
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	e.Time = e.Time.UTC()
	e.Hash = k.AuditHash(e)
	e.HeadMAC = nil
	if head.empty() || k.headSealed(head) {
		e.HeadMAC = k.headMAC(e.Seq, e.Hash)
	}
	return AuditHead{Seq: e.Seq, Hash: e.Hash, MAC: e.HeadMAC}
}

// AuditBreak describes the first place the chain is broken.
type AuditBreak struct {
	Seq    int64  `json:"seq"`    // the event where the break shows
	Reason string `json:"reason"` // what is wrong there
}

// Error implements error.
func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", b.Seq, b.Reason)
}

// VerifyAudit checks events (in stored order) against the chain and the
// head. It returns nil when intact, or the first break: an edited row, a
// removed or reordered row, rows missing at the end, or a head that is
// missing, unsealed or edited (so that rows may have been cut from the
// end). An empty log with no head is intact here: VerifyAuditLog also
// tells an emptied log from a new one.
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
	const cut = "so events may have been cut from the end of the log"
	switch {
	case head.empty() && n == 0:
		return nil
	case head.empty():
		return &AuditBreak{n + 1, "the chain head is missing (it was deleted), " + cut}
	case len(head.MAC) == 0:
		return &AuditBreak{n + 1, "the chain head has no seal (written by an older version, or edited), " + cut}
	case !k.headSealed(head):
		return &AuditBreak{n + 1, "the chain head was edited (its seal does not match), " + cut}
	case head.Seq > n:
		return &AuditBreak{n + 1, fmt.Sprintf("events %d to %d are missing from the end", n+1, head.Seq)}
	case head.Seq != n || !hmac.Equal(head.Hash, prev):
		return &AuditBreak{n, "the chain head does not match the newest event"}
	}
	return nil
}

// VerifyAuditLog is VerifyAudit for a whole stored log, given how many
// accounts the store holds. Every account's creation is logged, so a log
// with no events and no head while accounts exist was emptied by hand.
func (k *Keys) VerifyAuditLog(events []*AuditEvent, head AuditHead, accounts int) *AuditBreak {
	if len(events) == 0 && head.empty() && accounts > 0 {
		return &AuditBreak{1, "the audit log is empty although accounts exist (events were deleted)"}
	}
	return k.VerifyAudit(events, head)
}
