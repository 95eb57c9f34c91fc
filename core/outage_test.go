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

func (t awayTx) Method(id string) (*core.Method, error) {
	if t.fail == "method" {
		return nil, errAway
	}
	return t.Tx.Method(id)
}

func (t awayTx) Verification(id string) (*core.Verification, error) {
	if t.fail == "verification" {
		return nil, errAway
	}
	return t.Tx.Verification(id)
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
	// Signing out while the session cannot be read says so: the session
	// is not known to have ended.
	away := f.service(&awayStore{Store: f.store, fail: "session"})
	a, _ := core.ActorFrom(own)
	if err := away.SignOut(context.Background(), a.SessionID); core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Errorf("sign out while the store is away: %v, want unavailable", err)
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

// A method or a verification that cannot be read during an outage is
// "unavailable", never "not in your security info" or "not found": the
// window then says to try again, and the retry works (CI once caught a
// rename answered "not found" while the database dropped its connections).
func TestStoreOutageIsNotNotFound(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, &core.Method{ID: "aliceapp", Kind: core.KindAuthenticatorApp, Name: "Authenticator", Detail: "s"}, &core.Method{ID: "alicemail", Kind: core.KindEmail, Detail: "alice@gmail.com", Channel: core.ChannelEmail})
	ch := f.beginPhone(t, "+44 20 7946 0001", core.ChannelSMS)
	code := f.lastCode(t)
	methodAway := f.service(&awayStore{Store: f.store, fail: "method"})
	verificationAway := f.service(&awayStore{Store: f.store, fail: "verification"})
	for name, call := range map[string]func() error{
		"rename": func() error {
			_, err := methodAway.RenameMethod(f.own, f.alice.ID, "aliceapp", "Work phone app")
			return err
		},
		"preview delete": func() error { _, err := methodAway.PreviewDelete(f.own, f.alice.ID, "alicemail"); return err },
		"delete":         func() error { _, err := methodAway.DeleteMethod(f.own, f.alice.ID, "alicemail"); return err },
		"confirm": func() error {
			_, err := verificationAway.Confirm(f.own, f.alice.ID, ch.VerificationID, code)
			return err
		},
	} {
		if err := call(); core.ErrorCode(err) != core.EUNAVAILABLE {
			t.Errorf("%s while the store is away: %v, want unavailable", name, err)
		}
	}
	// Nothing changed, and the same calls work once the store answers.
	info := f.info(t)
	if len(info.Methods) != 2 {
		t.Fatalf("methods after the outage: %+v", info.Methods)
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); err != nil {
		t.Fatalf("the code after the outage: %v", err)
	}
	if _, err := f.svc.RenameMethod(f.own, f.alice.ID, "aliceapp", "Work phone app"); err != nil {
		t.Fatal(err)
	}
}
