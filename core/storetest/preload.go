package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// preload preloads p where the store can (core.Preloader); the reads
// after it must answer the same either way.
func preload(tx core.Tx, p core.Preload) error {
	if pl, ok := tx.(core.Preloader); ok {
		return pl.Preload(p)
	}
	return nil
}

// testPreload: after a Preload, each read answers the row as the
// transaction holds it: the right rows for the keys (another account's
// rows keep their own account), what a write in the same transaction
// changed, a missing row as missing, and a policy saved since, by this
// transaction or another.
func testPreload(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, a := range []*core.Account{account("a1", "alice@contoso.com"), account("b1", "bob@contoso.com")} {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		for _, m := range []*core.Method{
			{ID: "ma", AccountID: "a1", Kind: core.KindAuthenticatorApp, Channel: core.ChannelApp, CreatedAt: t0, Secret: []byte("sealed-a"), LastStep: 5},
			{ID: "mb", AccountID: "b1", Kind: core.KindAuthenticatorApp, Channel: core.ChannelApp, CreatedAt: t0, Secret: []byte("sealed-b"), LastStep: 7},
		} {
			if err := tx.CreateMethod(m); err != nil {
				return err
			}
		}
		for _, sess := range []*core.Session{{ID: "sa", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0, TwoStep: true},
			{ID: "sb", AccountID: "b1", CreatedAt: t0, LastSeenAt: t0}} {
			if err := tx.CreateSession(sess); err != nil {
				return err
			}
		}
		return tx.SaveFailureCounter(&core.FailureCounter{AccountID: "a1", Subject: "method:ma", Failures: 2})
	})
	mine := core.Preload{SessionID: "sa", AccountID: "a1", MethodID: "ma", Subject: "method:ma"}

	// Every row as stored, read twice (the second read from the database).
	update(t, s, func(tx core.Tx) error {
		if err := preload(tx, mine); err != nil {
			return err
		}
		// Rows other than the preloaded ones are themselves.
		if m, err := tx.Method("mb"); err != nil || m.ID != "mb" || m.AccountID != "b1" {
			return fmt.Errorf("method mb = %+v, %v", m, err)
		}
		if a, err := tx.Account("b1"); err != nil || a.ID != "b1" {
			return fmt.Errorf("account b1 = %+v, %v", a, err)
		}
		if sess, err := tx.Session("sb"); err != nil || sess.ID != "sb" || sess.AccountID != "b1" {
			return fmt.Errorf("session sb = %+v, %v", sess, err)
		}
		if c, err := tx.FailureCounter("b1", "method:ma"); err != nil || c.Failures != 0 {
			return fmt.Errorf("b1's counter = %+v, %v", c, err)
		}
		for range 2 {
			if p, err := tx.Policy(); err != nil || p.CodeLength != core.DefaultPolicy().CodeLength {
				return fmt.Errorf("policy = %+v, %v", p, err)
			}
			if sess, err := tx.Session("sa"); err != nil || sess.AccountID != "a1" || !sess.TwoStep || !sess.CreatedAt.Equal(t0) {
				return fmt.Errorf("session = %+v, %v", sess, err)
			}
			if a, err := tx.Account("a1"); err != nil || a.Name != "alice@contoso.com" || a.DisplayName != "Name a1" {
				return fmt.Errorf("account = %+v, %v", a, err)
			}
			if m, err := tx.Method("ma"); err != nil || m.AccountID != "a1" || m.LastStep != 5 || string(m.Secret) != "sealed-a" {
				return fmt.Errorf("method = %+v, %v", m, err)
			}
			if c, err := tx.FailureCounter("a1", "method:ma"); err != nil || c.Failures != 2 {
				return fmt.Errorf("counter = %+v, %v", c, err)
			}
		}
		return nil
	})

	// A write in the transaction is read back, never the preloaded copy.
	update(t, s, func(tx core.Tx) error {
		if err := preload(tx, mine); err != nil {
			return err
		}
		sess, err := tx.Session("sa")
		if err != nil {
			return err
		}
		sess.LastSeenAt = t0.Add(time.Minute)
		if err := tx.UpdateSession(sess); err != nil {
			return err
		}
		if ok, err := tx.AdvanceTOTPStep("ma", 9, t0); err != nil || !ok {
			return fmt.Errorf("advance = %v, %v", ok, err)
		}
		if err := tx.SaveFailureCounter(&core.FailureCounter{AccountID: "a1", Subject: "method:ma", Failures: 3}); err != nil {
			return err
		}
		if m, err := tx.Method("ma"); err != nil || m.LastStep != 9 {
			return fmt.Errorf("method after its step advanced = %+v, %v", m, err)
		}
		if c, err := tx.FailureCounter("a1", "method:ma"); err != nil || c.Failures != 3 {
			return fmt.Errorf("counter after a failure = %+v, %v", c, err)
		}
		if got, err := tx.Session("sa"); err != nil || !got.LastSeenAt.Equal(t0.Add(time.Minute)) {
			return fmt.Errorf("session after its use = %+v, %v", got, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if err := preload(tx, mine); err != nil {
			return err
		}
		if _, err := tx.Session("sa"); err != nil {
			return err
		}
		// The session's use is written before the account is read: the
		// other preloaded rows stay right.
		if err := tx.UpdateSession(&core.Session{ID: "sa", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0.Add(2 * time.Minute), TwoStep: true}); err != nil {
			return err
		}
		a, err := tx.Account("a1")
		if err != nil || a.Name != "alice@contoso.com" {
			return fmt.Errorf("account after the session's use = %+v, %v", a, err)
		}
		a.DisplayName = "Alice"
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		if a, err := tx.Account("a1"); err != nil || a.DisplayName != "Alice" {
			return fmt.Errorf("account after its change = %+v, %v", a, err)
		}
		if m, err := tx.Method("ma"); err != nil || m.LastStep != 9 {
			return fmt.Errorf("method = %+v, %v", m, err)
		}
		return nil
	})

	// Another account's session and method keep their own account; a
	// missing method is missing.
	update(t, s, func(tx core.Tx) error {
		if err := preload(tx, core.Preload{SessionID: "sb", AccountID: "a1", MethodID: "mb", Subject: "method:mb"}); err != nil {
			return err
		}
		if sess, err := tx.Session("sb"); err != nil || sess.AccountID != "b1" || sess.TwoStep {
			return fmt.Errorf("another account's session = %+v, %v", sess, err)
		}
		if m, err := tx.Method("mb"); err != nil || m.AccountID != "b1" || m.LastStep != 7 {
			return fmt.Errorf("another account's method = %+v, %v", m, err)
		}
		if c, err := tx.FailureCounter("a1", "method:mb"); err != nil || c.Failures != 0 || c.AccountID != "a1" {
			return fmt.Errorf("a counter never saved = %+v, %v", c, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if err := preload(tx, core.Preload{SessionID: "sa", AccountID: "a1", MethodID: "nope", Subject: "method:nope"}); err != nil {
			return err
		}
		if _, err := tx.Method("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("a missing method: %v", err)
		}
		if _, err := tx.Session("gone"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("a missing session: %v", err)
		}
		if a, err := tx.Account("a1"); err != nil || a.DisplayName != "Alice" {
			return fmt.Errorf("account = %+v, %v", a, err)
		}
		return nil
	})

	// A policy saved since is the one read, however often the old one was.
	p, err := core.DefaultPolicy().Apply([]string{"codeLength=8"})
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx core.Tx) error { return tx.SavePolicy(p) })
	for _, want := range []int{8, 7} {
		for range 2 {
			update(t, s, func(tx core.Tx) error {
				if err := preload(tx, mine); err != nil {
					return err
				}
				got, err := tx.Policy()
				if err != nil || got.CodeLength != want {
					return fmt.Errorf("policy codeLength = %d, %v; want %d", got.CodeLength, err, want)
				}
				got.CodeLength = 4 // a caller's change to its copy is its own
				return nil
			})
		}
		p.CodeLength = 7
		update(t, s, func(tx core.Tx) error { return tx.SavePolicy(p) })
	}
}
