package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func testSessions(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error { return tx.CreateAccount(account("a1", "alice@contoso.com")) })
	update(t, s, func(tx core.Tx) error {
		return tx.CreateSession(&core.Session{ID: "s1", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0})
	})
	update(t, s, func(tx core.Tx) error {
		sess, err := tx.Session("s1")
		if err != nil || sess.TwoStep || !sess.CreatedAt.Equal(t0) || !sess.EndedAt.IsZero() {
			return fmt.Errorf("session read back as %+v, %v", sess, err)
		}
		sess.TwoStep, sess.LastSeenAt, sess.EndedAt = true, t0.Add(time.Minute), t0.Add(time.Hour)
		return tx.UpdateSession(sess)
	})
	view(t, s, func(tx core.Tx) error {
		sess, err := tx.Session("s1")
		if err != nil || !sess.TwoStep || !sess.LastSeenAt.Equal(t0.Add(time.Minute)) || !sess.EndedAt.Equal(t0.Add(time.Hour)) {
			return fmt.Errorf("session update not kept: %+v, %v", sess, err)
		}
		if _, err := tx.Session("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing session: %v", err)
		}
		c, err := tx.SignInCounter("nobody@contoso.com")
		if err != nil || c.Failures != 0 || !c.LockedUntil.IsZero() {
			return fmt.Errorf("unknown name's counter = %+v, %v", c, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		return tx.SaveSignInCounter(&core.FailureCounter{Subject: "nobody@contoso.com", Failures: 3, LockedUntil: t0})
	})
	view(t, s, func(tx core.Tx) error {
		c, err := tx.SignInCounter("nobody@contoso.com")
		if err != nil || c.Failures != 3 || !c.LockedUntil.Equal(t0) {
			return fmt.Errorf("counter = %+v, %v", c, err)
		}
		return nil
	})
}

// testEndAccess: a password change ends the account's other sessions,
// pending sign-ins and resets, and nothing of another account.
func testEndAccess(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, a := range []*core.Account{account("a1", "alice@contoso.com"), account("b1", "bob@contoso.com")} {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		for _, sess := range []*core.Session{{ID: "keep", AccountID: "a1"}, {ID: "other", AccountID: "a1"}, {ID: "bobs", AccountID: "b1"}} {
			sess.CreatedAt, sess.LastSeenAt = t0, t0
			if err := tx.CreateSession(sess); err != nil {
				return err
			}
		}
		for _, v := range []*core.Verification{{ID: "v1", AccountID: "a1", Purpose: core.VerifySignIn, Flow: "signin:v1"},
			{ID: "v2", AccountID: "a1", Purpose: core.VerifyAdd, Flow: core.FlowOwner}, {ID: "v3", AccountID: "b1", Purpose: core.VerifySignIn}} {
			v.CreatedAt, v.ExpiresAt = t0, t0.Add(time.Hour)
			if err := tx.CreateVerification(v); err != nil {
				return err
			}
		}
		for _, r := range []*core.Reset{{ID: "r1", Name: "alice@contoso.com", AccountID: "a1"}, {ID: "r2", Name: "alice@contoso.com", AccountID: "a1"},
			{ID: "r3", Name: "bob@contoso.com", AccountID: "b1"}} {
			r.CreatedAt, r.ExpiresAt = t0, t0.Add(time.Hour)
			if err := tx.CreateReset(r); err != nil {
				return err
			}
		}
		return nil
	})
	at := t0.Add(time.Minute)
	update(t, s, func(tx core.Tx) error {
		if err := tx.EndSessions("a1", "keep", at); err != nil {
			return err
		}
		if err := tx.EndVerifications("a1", core.VerifySignIn, at); err != nil {
			return err
		}
		return tx.EndResets("a1", "r2", at)
	})
	view(t, s, func(tx core.Tx) error {
		for id, ended := range map[string]bool{"keep": false, "other": true, "bobs": false} {
			if sess, err := tx.Session(id); err != nil || sess.EndedAt.IsZero() == ended {
				return fmt.Errorf("session %s = %+v, %v; want ended %v", id, sess, err, ended)
			}
		}
		for id, used := range map[string]bool{"v1": true, "v2": false, "v3": false} {
			v, err := tx.Verification(id)
			if err != nil || v.UsedAt.IsZero() == used {
				return fmt.Errorf("verification %s = %+v, %v; want used %v", id, v, err, used)
			}
			if id == "v1" && (v.Flow != "signin:v1" || !v.UsedAt.Equal(at)) {
				return fmt.Errorf("verification flow or end not kept: %+v", v)
			}
		}
		for id, done := range map[string]bool{"r1": true, "r2": false, "r3": false} {
			if r, err := tx.Reset(id); err != nil || r.DoneAt.IsZero() == done {
				return fmt.Errorf("reset %s = %+v, %v; want done %v", id, r, err, done)
			}
		}
		return nil
	})
}

// testResetsAndDraws: a reset's decoy state and a method's question draw
// round-trip.
func testResetsAndDraws(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		if err := tx.CreateMethod(&core.Method{ID: "q1", AccountID: "a1", Kind: core.KindSecurityQuestions, Language: "en", CreatedAt: t0}); err != nil {
			return err
		}
		return tx.CreateReset(&core.Reset{ID: "r1", Name: "nobody@contoso.com", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), Decoy: `{"a":{}}`})
	})
	update(t, s, func(tx core.Tx) error {
		r, err := tx.Reset("r1")
		if err != nil || r.Decoy != `{"a":{}}` || r.AccountID != "" {
			return fmt.Errorf("reset = %+v, %v", r, err)
		}
		r.Decoy, r.Proven = `{"b":{}}`, []string{"m1"}
		if err := tx.UpdateReset(r); err != nil {
			return err
		}
		if _, err := tx.QuestionDraw("q1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("no draw yet: %v", err)
		}
		return tx.SaveQuestionDraw(&core.QuestionDraw{MethodID: "q1", QuestionIDs: []string{"city-born", "first-pet"}, DrawnAt: t0, Draws: 2})
	})
	view(t, s, func(tx core.Tx) error {
		r, err := tx.Reset("r1")
		if err != nil || r.Decoy != `{"b":{}}` || len(r.Proven) != 1 {
			return fmt.Errorf("reset update not kept: %+v, %v", r, err)
		}
		d, err := tx.QuestionDraw("q1")
		if err != nil || strings.Join(d.QuestionIDs, ",") != "city-born,first-pet" || !d.DrawnAt.Equal(t0) || d.Draws != 2 {
			return fmt.Errorf("draw = %+v, %v", d, err)
		}
		return nil
	})
}

// testRaceResetProven: methods proven at once in one reset are all kept
// (read the reset, append, write in one Update).
func testRaceResetProven(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		return tx.CreateReset(&core.Reset{ID: "r1", Name: "alice@contoso.com", AccountID: "a1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		r, err := tx.Reset("r1")
		if err != nil {
			return struct{}{}, err
		}
		r.Proven = append(r.Proven, "m"+strconv.Itoa(i))
		return struct{}{}, tx.UpdateReset(r)
	})
	view(t, s, func(tx core.Tx) error {
		r, err := tx.Reset("r1")
		if err != nil {
			return err
		}
		got := slices.Sorted(slices.Values(r.Proven))
		var want []string
		for i := range racers {
			want = append(want, "m"+strconv.Itoa(i))
		}
		if slices.Sort(want); !slices.Equal(got, want) {
			return fmt.Errorf("proven = %v (%d), want all %d methods once", r.Proven, len(r.Proven), racers)
		}
		return nil
	})
}

// testRaceUpdateSession: of many requests that find a session one-step
// and complete its second step at once, exactly one does it.
func testRaceUpdateSession(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateSession(&core.Session{ID: "s1", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0})
	})
	upgraded := race(t, s, func(tx core.Tx, i int) (bool, error) {
		sess, err := tx.Session("s1")
		if err != nil || sess.TwoStep {
			return false, err
		}
		sess.TwoStep, sess.LastSeenAt = true, t0.Add(time.Duration(i+1)*time.Second)
		return true, tx.UpdateSession(sess)
	})
	if n := count(upgraded); n != 1 {
		t.Fatalf("%d of %d requests completed the second step, want 1", n, racers)
	}
	winner := t0.Add(time.Duration(slices.Index(upgraded, true)+1) * time.Second)
	view(t, s, func(tx core.Tx) error {
		if sess, err := tx.Session("s1"); err != nil || !sess.TwoStep || !sess.LastSeenAt.Equal(winner) {
			return fmt.Errorf("session = %+v, %v; want two-step, last seen %v", sess, err, winner)
		}
		return nil
	})
}
