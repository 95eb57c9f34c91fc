package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// codeSet makes account a1 with a recovery-code set m1 of hashes h0..h9.
func codeSet(t *testing.T, s core.Store) []string {
	t.Helper()
	hashes := make([]string, core.RecoveryCodeCount)
	for i := range hashes {
		hashes[i] = fmt.Sprintf("h%d", i)
	}
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		if err := tx.CreateMethod(&core.Method{ID: "m1", AccountID: "a1", Kind: core.KindRecoveryCodes, Language: "en", CreatedAt: t0}); err != nil {
			return err
		}
		return tx.SaveRecoveryCodes("m1", hashes)
	})
	return hashes
}

// left reads a set's count of unused codes and of all of them.
func left(t *testing.T, s core.Store, methodID string) (int, int) {
	t.Helper()
	var l, n int
	view(t, s, func(tx core.Tx) (err error) { l, n, err = tx.RecoveryCodesLeft(methodID); return err })
	return l, n
}

// testRecoveryCodes: a set is counted, each code is used once, a new set
// replaces the old one at once, and the set goes with its method.
func testRecoveryCodes(t *testing.T, s core.Store) {
	hashes := codeSet(t, s)
	if l, n := left(t, s, "m1"); l != 10 || n != 10 {
		t.Fatalf("new set: %d of %d left, want 10 of 10", l, n)
	}
	if l, n := left(t, s, "nothing"); l != 0 || n != 0 {
		t.Fatalf("no set: %d of %d left, want 0 of 0", l, n)
	}
	update(t, s, func(tx core.Tx) error {
		for _, c := range []struct {
			method, hash string
			want         bool
		}{
			{"m1", hashes[3], true},
			{"m1", hashes[3], false}, // replayed
			{"m1", "unknown", false},
			{"m2", hashes[4], false}, // another set's method
		} {
			if ok, err := tx.UseRecoveryCode(c.method, c.hash, t0.Add(time.Minute)); ok != c.want || err != nil {
				return fmt.Errorf("UseRecoveryCode(%s, %s) = %v, %v; want %v", c.method, c.hash, ok, err, c.want)
			}
		}
		return nil
	})
	if l, n := left(t, s, "m1"); l != 9 || n != 10 {
		t.Fatalf("after one use: %d of %d left, want 9 of 10", l, n)
	}
	update(t, s, func(tx core.Tx) error { return tx.SaveRecoveryCodes("m1", []string{"n0", "n1"}) })
	if l, n := left(t, s, "m1"); l != 2 || n != 2 {
		t.Fatalf("new set: %d of %d left, want 2 of 2", l, n)
	}
	update(t, s, func(tx core.Tx) error {
		if ok, err := tx.UseRecoveryCode("m1", hashes[5], t0); ok || err != nil {
			return fmt.Errorf("a code of the old set was used after new ones: %v, %v", ok, err)
		}
		if ok, err := tx.UseRecoveryCode("m1", "n1", t0); !ok || err != nil {
			return fmt.Errorf("a code of the new set was refused: %v, %v", ok, err)
		}
		return tx.DeleteMethod("m1")
	})
	if l, n := left(t, s, "m1"); l != 0 || n != 0 {
		t.Fatalf("deleted set: %d of %d left, want none", l, n)
	}
}

// testRaceUseRecoveryCode: of 32 uses of one code at once, each in its own
// transaction, exactly one succeeds, and the count goes down by one.
func testRaceUseRecoveryCode(t *testing.T, s core.Store) {
	hashes := codeSet(t, s)
	used := race(t, s, func(tx core.Tx, i int) (bool, error) {
		return tx.UseRecoveryCode("m1", hashes[7], t0.Add(time.Duration(i)*time.Second))
	})
	if n := count(used); n != 1 {
		t.Fatalf("one code used %d times out of %d, want once", n, racers)
	}
	if l, _ := left(t, s, "m1"); l != 9 {
		t.Fatalf("%d left after the race, want 9", l)
	}
}
