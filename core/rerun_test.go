package core_test

import (
	"context"
	"encoding/base32"
	"errors"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// rerunStore runs each Update's function twice, as PostgreSQL's store
// does after a serialization failure: the first run is rolled back, then
// between runs another transaction changes something, then the function
// runs again and commits. An operation must answer from its last run.
type rerunStore struct {
	core.Store
	between func() // run between the two runs of the next Update, once
}

var errRollback = errors.New("rolled back to run again")

func (s *rerunStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	between := s.between
	if between == nil {
		return s.Store.Update(ctx, fn)
	}
	s.between = nil
	if err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRollback
	}); err != errRollback {
		return err
	}
	between()
	return s.Store.Update(ctx, fn)
}

// TestAnswerFromTheLastRun: an app's code checked while its lockout is on
// answers "locked" in a first run; the lockout is lifted before the run
// that commits, which accepts the code. The answer is that run's: the
// code was accepted (its step used), so saying "locked" would be false.
func TestAnswerFromTheLastRun(t *testing.T) {
	f := newFixture(t)
	rs := &rerunStore{Store: f.store}
	svc := f.service(rs)
	e, err := svc.BeginAuthenticator(f.own, f.alice.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	m, err := svc.Confirm(f.own, f.alice.ID, e.VerificationID, codeAt(t, secret, f.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	lock := func(until time.Time) {
		if err := f.store.Update(context.Background(), func(tx core.Tx) error {
			return tx.SaveFailureCounter(&core.FailureCounter{AccountID: f.alice.ID, Subject: "method:" + m.ID, LockedUntil: until})
		}); err != nil {
			t.Fatal(err)
		}
	}
	lock(f.clock.Now().Add(time.Hour))
	f.clock.Advance(30 * time.Second)
	code := codeAt(t, secret, f.clock.Now())
	rs.between = func() { lock(time.Time{}) } // the lock is lifted between the runs
	if err := svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, code); err != nil {
		t.Fatalf("the run that committed accepted the code, but the answer was %v", err)
	}
	if err := svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, code); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("the code again: %v, want refused as used", err)
	}
}
