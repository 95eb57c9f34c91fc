package core_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/sqlite"
)

// TestVerifyAuditHeadSeal cuts the newest events and repairs the head the
// way a person editing the database can: the head's seal gives it away.
func TestVerifyAuditHeadSeal(t *testing.T) {
	k := testKeys(t, 1)
	forger := testKeys(t, 9)
	tests := []struct {
		name    string
		tamper  func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead)
		wantSeq int64 // 0: intact
		want    string
	}{
		{"intact", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) { return es, h }, 0, ""},
		{"newest rows cut, head moved to the last remaining row", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return es[:3], core.AuditHead{Seq: 3, Hash: es[2].Hash, MAC: h.MAC}
		}, 4, "the chain head was edited (its seal does not match), so events may have been cut from the end of the log"},
		{"newest rows cut, head moved and its seal removed", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return es[:3], core.AuditHead{Seq: 3, Hash: es[2].Hash}
		}, 4, "the chain head has no seal (written by an older version, or edited)"},
		{"newest rows cut, head sealed under another key", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			var fh core.AuditHead
			for _, e := range es[:3] {
				c := *e
				fh = forger.Chain(fh, &c)
			}
			return es[:3], fh
		}, 4, "the chain head was edited"},
		{"head seq edited", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			h.Seq = 4
			return es[:4], h
		}, 5, "the chain head was edited"},
		{"head MAC edited", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			h.MAC = append([]byte(nil), h.MAC...)
			h.MAC[0] ^= 1
			return es, h
		}, 6, "the chain head was edited"},
		{"head deleted", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return es, core.AuditHead{}
		}, 6, "the chain head is missing (it was deleted)"},
		{"every event and the head deleted", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return nil, core.AuditHead{}
		}, 1, "the audit log is empty although accounts exist (events were deleted)"},
		{"every event deleted, head kept", func(es []*core.AuditEvent, h core.AuditHead) ([]*core.AuditEvent, core.AuditHead) {
			return nil, h
		}, 1, "events 1 to 5 are missing from the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, h := chain(k, 5)
			if len(h.MAC) == 0 {
				t.Fatal("Chain returned an unsealed head")
			}
			es, h = tt.tamper(es, h)
			brk := k.VerifyAuditLog(es, h, 2)
			if tt.wantSeq == 0 {
				if brk != nil {
					t.Fatalf("intact log reported broken: %v", brk)
				}
				return
			}
			if brk == nil || brk.Seq != tt.wantSeq || !strings.Contains(brk.Reason, tt.want) {
				t.Fatalf("VerifyAuditLog = %v; want a break at %d: %s", brk, tt.wantSeq, tt.want)
			}
		})
	}
}

func TestVerifyAuditLogEmpty(t *testing.T) {
	k := testKeys(t, 1)
	if brk := k.VerifyAuditLog(nil, core.AuditHead{}, 0); brk != nil {
		t.Fatalf("a new store with no accounts and no events: %v", brk)
	}
	brk := k.VerifyAuditLog([]*core.AuditEvent{}, core.AuditHead{}, 1)
	if brk == nil || brk.Seq != 1 || brk.Error() != "audit chain broken at event 1: the audit log is empty although accounts exist (events were deleted)" {
		t.Fatalf("emptied log with an account: %v", brk)
	}
}

// TestChainAfterBadHeadStaysUnsealed: the next event written after the head
// was tampered with must not seal the tampering over.
func TestChainAfterBadHeadStaysUnsealed(t *testing.T) {
	k := testKeys(t, 1)
	next := func() *core.AuditEvent {
		return &core.AuditEvent{Time: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), ActorName: "system", Action: core.ActionPolicyChanged}
	}
	es, h := chain(k, 5)

	// Intact: the next head is sealed, and so is the event's HeadMAC.
	e := next()
	nh := k.Chain(h, e)
	if len(nh.MAC) == 0 || string(e.HeadMAC) != string(nh.MAC) {
		t.Fatalf("head after an intact head = %+v, event HeadMAC %x", nh, e.HeadMAC)
	}
	if brk := k.VerifyAuditLog(append(es[:5:5], e), nh, 1); brk != nil {
		t.Fatalf("intact log with one more event: %v", brk)
	}

	for name, bad := range map[string]core.AuditHead{
		"moved":    {Seq: 3, Hash: es[2].Hash, MAC: h.MAC},
		"unsealed": {Seq: 3, Hash: es[2].Hash},
	} {
		t.Run(name, func(t *testing.T) {
			e := next()
			nh := k.Chain(bad, e)
			if len(nh.MAC) != 0 || len(e.HeadMAC) != 0 {
				t.Fatalf("head chained after a %s head is sealed: %+v", name, nh)
			}
			brk := k.VerifyAuditLog(append(es[:3:3], e), nh, 1)
			if brk == nil || brk.Seq != 5 || !strings.Contains(brk.Reason, "the chain head has no seal") {
				t.Fatalf("cut log with one more event = %v; want a break at 5", brk)
			}
		})
	}
}

// auditStore is a service over a new SQLite file, with the path to edit
// the file behind the service's back.
type auditStore struct {
	svc  *core.Local
	path string
	ctx  context.Context
}

func newAuditStore(t *testing.T) *auditStore {
	t.Helper()
	path := filepath.Join(t.TempDir(), "securityinfo.db")
	store, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := core.NewLocal(store, testKeys(t, 7), core.Options{Texts: assets.Default})
	return &auditStore{svc: svc, path: path, ctx: core.WithActor(context.Background(), core.LocalAdministrator)}
}

// edit runs SQL on the database file the way the sqlite3 tool would.
func (a *auditStore) edit(t *testing.T, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", a.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func (a *auditStore) createAccount(t *testing.T, name string) {
	t.Helper()
	if _, err := a.svc.CreateAccount(a.ctx, core.NewAccount{Name: name, Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
}

func (a *auditStore) verify(t *testing.T) (int, *core.AuditBreak) {
	t.Helper()
	rep, err := a.svc.VerifyAudit(a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Events, rep.Break
}

// TestVerifyAuditStoredLogCut tampers with a stored log through SQL, and
// then writes more events: the break is reported before and after.
func TestVerifyAuditStoredLogCut(t *testing.T) {
	tests := []struct {
		name string
		sql  []string
		want string
	}{
		{"newest rows cut, head copied from the last remaining row", []string{
			`DELETE FROM audit_events WHERE seq > 2`,
			`UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2)`,
		}, "audit chain broken at event 3: the chain head was edited"},
		{"newest rows cut, head copied and unsealed", []string{
			`DELETE FROM audit_events WHERE seq > 2`,
			`UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2), mac = NULL`,
		}, "audit chain broken at event 3: the chain head has no seal"},
		{"head MAC edited", []string{
			`UPDATE audit_head SET mac = zeroblob(32)`,
		}, "audit chain broken at event 4: the chain head was edited"},
		{"every event and the head deleted", []string{
			`DELETE FROM audit_events`,
			`DELETE FROM audit_head`,
		}, "audit chain broken at event 1: the audit log is empty although accounts exist (events were deleted)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAuditStore(t)
			a.createAccount(t, "alice@contoso.com")
			a.createAccount(t, "bob@contoso.com")
			if _, err := a.svc.SetPolicy(a.ctx, []string{"codeLength=8"}); err != nil {
				t.Fatal(err)
			}
			if n, brk := a.verify(t); n != 3 || brk != nil {
				t.Fatalf("before: %d events, %v", n, brk)
			}
			a.edit(t, tt.sql...)
			if _, brk := a.verify(t); brk == nil || !strings.HasPrefix(brk.Error(), tt.want) {
				t.Fatalf("after the edit: %v; want %q", brk, tt.want)
			}
			// More events must not seal the tampering over.
			a.createAccount(t, "carol@contoso.com")
			if _, err := a.svc.SetPolicy(a.ctx, []string{"codeLength=6"}); err != nil {
				t.Fatal(err)
			}
			if n, brk := a.verify(t); brk == nil || !strings.Contains(brk.Reason, "the chain head has no seal") {
				t.Fatalf("after more events: %d events, %v; want the head reported unsealed", n, brk)
			}
		})
	}
}

// TestVerifyAuditNewStore: a new store is intact before and after its first
// events, including a policy change made before any account exists.
func TestVerifyAuditNewStore(t *testing.T) {
	a := newAuditStore(t)
	if n, brk := a.verify(t); n != 0 || brk != nil {
		t.Fatalf("new store: %d events, %v", n, brk)
	}
	if _, err := a.svc.SetPolicy(a.ctx, []string{"codeLength=8"}); err != nil {
		t.Fatal(err)
	}
	a.createAccount(t, "alice@contoso.com")
	a.createAccount(t, "bob@contoso.com")
	if n, brk := a.verify(t); n != 3 || brk != nil {
		t.Fatalf("after three events: %d events, %v", n, brk)
	}
	b := newAuditStore(t)
	b.createAccount(t, "alice@contoso.com")
	if n, brk := b.verify(t); n != 1 || brk != nil {
		t.Fatalf("after the first account: %d events, %v", n, brk)
	}
}

// TestAuditActionsIsComplete: every Action constant of the core is in
// AuditActions, which the window words in each language.
func TestAuditActionsIsComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\bAction\w+\s*=\s*"([^"]+)"`)
	listed := map[string]bool{}
	for _, a := range core.AuditActions() {
		listed[a] = true
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			found++
			if !listed[m[1]] {
				t.Errorf("%s: action %q is not in core.AuditActions", f, m[1])
			}
		}
	}
	if found != len(listed) {
		t.Errorf("%d action constants, %d listed", found, len(listed))
	}
}
