package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func testMethods(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error { return tx.CreateAccount(account("a1", "alice@contoso.com")) })
	phone := &core.Method{ID: "m2", AccountID: "a1", Kind: core.KindOfficePhone, Detail: "+4930901820", Extension: "123",
		Channel: core.ChannelVoice, Language: "de", CreatedAt: t0.Add(time.Minute)}
	app := &core.Method{ID: "m1", AccountID: "a1", Kind: core.KindAuthenticatorApp, Name: "Pixel", Channel: core.ChannelApp,
		Language: "en", CreatedAt: t0, Secret: []byte{1, 2, 3}, LastStep: 42}
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateMethod(phone); err != nil {
			return err
		}
		return tx.CreateMethod(app)
	})
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateMethod(&core.Method{ID: "m9", AccountID: "ghost", Kind: core.KindEmail, Language: "en", CreatedAt: t0})
	})
	if err == nil {
		t.Fatal("method for a missing account was created")
	}
	view(t, s, func(tx core.Tx) error {
		ms, err := tx.Methods("a1")
		if err != nil {
			return err
		}
		if len(ms) != 2 || ms[0].ID != "m1" || ms[1].ID != "m2" {
			return fmt.Errorf("methods = %v, want m1 (older) then m2", ms)
		}
		if m := ms[0]; string(m.Secret) != "\x01\x02\x03" || m.LastStep != 42 || m.Name != "Pixel" || !m.CreatedAt.Equal(t0) || !m.LastUsedAt.IsZero() {
			return fmt.Errorf("app read back as %+v", m)
		}
		if m := ms[1]; m.Detail != "+4930901820" || m.Extension != "123" || m.Channel != core.ChannelVoice || m.Language != "de" {
			return fmt.Errorf("phone read back as %+v", m)
		}
		if none, err := tx.Methods("nobody"); err != nil || len(none) != 0 {
			return fmt.Errorf("methods of unknown account = %v, %v", none, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		m, err := tx.Method("m1")
		if err != nil {
			return err
		}
		m.Name, m.LastStep = "Work phone", 43
		m.LastUsedAt = t0.Add(2 * time.Hour)
		return tx.UpdateMethod(m)
	})
	view(t, s, func(tx core.Tx) error {
		m, err := tx.Method("m1")
		if err != nil {
			return err
		}
		if m.Name != "Work phone" || m.LastStep != 43 || !m.LastUsedAt.Equal(t0.Add(2*time.Hour)) {
			return fmt.Errorf("update not kept: %+v", m)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error { return tx.DeleteMethod("m1") })
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.Method("m1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("deleted method: err = %v, want ENOTFOUND", err)
		}
		return nil
	})
	if err := s.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteMethod("m1") }); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("second delete: err = %v, want ENOTFOUND", err)
	}
}

// testRaceAdvanceTOTPStep: a time step is accepted once, however many
// sign-ins present it at once; an older step is never accepted.
func testRaceAdvanceTOTPStep(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateMethod(&core.Method{ID: "m1", AccountID: "a1", Kind: core.KindAuthenticatorApp, Language: "en",
			CreatedAt: t0, LastStep: 100})
	})
	used := t0.Add(time.Hour)
	advanced := race(t, s, func(tx core.Tx, i int) (bool, error) { return tx.AdvanceTOTPStep("m1", 101, used) })
	if n := count(advanced); n != 1 {
		t.Fatalf("step 101 accepted %d times out of %d, want once", n, racers)
	}
	update(t, s, func(tx core.Tx) error {
		if ok, err := tx.AdvanceTOTPStep("m1", 99, used.Add(time.Hour)); ok || err != nil {
			return fmt.Errorf("older step 99 accepted after 101: %v, %v", ok, err)
		}
		if m, err := tx.Method("m1"); err != nil || m.LastStep != 101 || !m.LastUsedAt.Equal(used) {
			return fmt.Errorf("method = %+v, %v; want last step 101, last used %v", m, err, used)
		}
		return nil
	})
}
