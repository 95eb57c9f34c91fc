package core_test

import (
	"context"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// awayStore stands for a database that drops its connections while a
// read is under way: the named read fails with an error of the store's own,
// not "not found".
type awayStore struct {
	core.Store
	fail string
}

var errAway = core.Errorf(core.EUNAVAILABLE, "The database is not reachable. Try again in a moment.")

func (s *awayStore) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.View(ctx, func(tx core.Tx) error { return fn(awayTx{tx, s.fail}) })
}

func (s *awayStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.Update(ctx, func(tx core.Tx) error { return fn(awayTx{tx, s.fail}) })
}

type awayTx struct {
	core.Tx
	fail string
}

func (t awayTx) Session(key string) (*core.Session, error) {
	if t.fail == "session" {
		return nil, errAway
	}
	return t.Tx.Session(key)
}

func (t awayTx) Account(id string) (*core.Account, error) {
	if t.fail == "account" {
		return nil, errAway
	}
	return t.Tx.Account(id)
}

// A session is ended only when its row is gone, never because the store
// could not be read: a window that took "unavailable" for "expired" would
// sign the person out during every database restart.
func TestStoreOutageIsNotASignOut(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	own := f.session(t, bob)
	admin := f.newAccount(t, "carol@contoso.com", core.RoleAdmin)
	staff := f.session(t, admin)
	for _, fail := range []string{"session", "account"} {
		svc := f.service(&awayStore{Store: f.store, fail: fail})
		if _, err := svc.SecurityInfo(own, bob.ID); core.ErrorCode(err) != core.EUNAVAILABLE {
			t.Errorf("own account, %s unreadable: %v, want unavailable", fail, err)
		}
		if _, err := svc.SecurityInfo(staff, bob.ID); core.ErrorCode(err) != core.EUNAVAILABLE {
			t.Errorf("staff, %s unreadable: %v, want unavailable", fail, err)
		}
	}
	// And the sessions still work once the store answers again.
	if _, err := f.svc.SecurityInfo(own, bob.ID); err != nil {
		t.Fatal(err)
	}
}

// Every code and notice names the account it is for, so the local outbox
// can show a person their own messages only; an administrator's look at
// everyone's is audited, and refused to anyone else.
func TestOutboxMessagesNameTheirAccount(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	d.verify(t, f)
	if err := f.svc.UnlockAccount(d.as, d.user.ID, "INC-1"); err != nil { // a notice
		t.Fatal(err)
	}
	es := f.sent(t)
	if len(es) < 3 {
		t.Fatalf("sent: %+v", es)
	}
	for _, e := range es {
		want := d.user.ID
		if e.To == "+442079460001" {
			want = d.agent.ID // the agent's own sign-in code
		}
		if e.AccountID != want {
			t.Errorf("%s %s to %s names account %q, want %q", e.Purpose, e.Channel, e.To, e.AccountID, want)
		}
	}
	if err := f.svc.RecordOutboxView(d.as); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("the help desk reads everyone's outbox: %v", err)
	}
	f.add(t, f.alice, phoneOf("alicephone", "+442079460901"))
	if err := f.svc.RecordOutboxView(f.session(t, f.alice)); err != nil {
		t.Fatal(err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{})
	if last := events[len(events)-1]; last.Action != core.ActionOutboxViewed || last.ActorID != f.alice.ID {
		t.Fatalf("audit: %+v", last)
	}
}
