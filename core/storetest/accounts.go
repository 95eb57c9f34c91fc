package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func testAccounts(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if n, err := tx.CountAccounts(); err != nil || n != 0 {
			return fmt.Errorf("count on empty store = %d, %v", n, err)
		}
		if err := tx.CreateAccount(account("b1", "bob@contoso.com")); err != nil {
			return err
		}
		return tx.CreateAccount(account("a1", "alice@contoso.com"))
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateAccount(account("a2", "alice@contoso.com")) })
	if core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("duplicate name: err = %v, want ECONFLICT", err)
	}
	view(t, s, func(tx core.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		want := account("a1", "alice@contoso.com")
		if a.Name != want.Name || a.DisplayName != want.DisplayName || a.Role != want.Role || a.Language != "de" ||
			!a.CreatedAt.Equal(t0) || a.PasswordHash != want.PasswordHash || !a.RemovalAt.IsZero() {
			return fmt.Errorf("read back %+v, want %+v", a, want)
		}
		if b, err := tx.AccountByName("bob@contoso.com"); err != nil || b.ID != "b1" {
			return fmt.Errorf("account by name = %+v, %v", b, err)
		}
		if _, err := tx.Account("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing account: err = %v, want ENOTFOUND", err)
		}
		if _, err := tx.AccountByName("carol@contoso.com"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing name: err = %v, want ENOTFOUND", err)
		}
		all, err := tx.Accounts()
		if err != nil || len(all) != 2 || all[0].Name != "alice@contoso.com" || all[1].Name != "bob@contoso.com" {
			return fmt.Errorf("accounts = %v, %v; want alice then bob", all, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		a.DefaultMethodID, a.DefaultChannel = "m1", core.ChannelSMS
		a.RemovalAt, a.RemovalMethodID = t0.Add(time.Hour), "m1"
		a.Role = core.RoleHelpdesk
		return tx.UpdateAccount(a)
	})
	view(t, s, func(tx core.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		if a.DefaultMethodID != "m1" || a.DefaultChannel != core.ChannelSMS || !a.RemovalAt.Equal(t0.Add(time.Hour)) ||
			a.RemovalMethodID != "m1" || a.Role != core.RoleHelpdesk {
			return fmt.Errorf("update not kept: %+v", a)
		}
		return nil
	})
	err = s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateAccount(account("zz", "zz@contoso.com")) })
	if core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("update of missing account: err = %v, want ENOTFOUND", err)
	}
}

// testRaceSignInCounter: failed sign-ins of one name at once are all
// counted, from a counter that does not exist yet.
func testRaceSignInCounter(t *testing.T, s core.Store) {
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		c, err := tx.SignInCounter("nobody@contoso.com")
		if err != nil {
			return struct{}{}, err
		}
		c.Failures++
		return struct{}{}, tx.SaveSignInCounter(c)
	})
	view(t, s, func(tx core.Tx) error {
		if c, err := tx.SignInCounter("nobody@contoso.com"); err != nil || c.Failures != racers {
			return fmt.Errorf("sign-in counter = %+v, %v; want %d failures", c, err, racers)
		}
		return nil
	})
}
