package storetest

import (
	"fmt"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

func testPolicy(t *testing.T, s core.Store) {
	view(t, s, func(tx core.Tx) error {
		p, err := tx.Policy()
		if err != nil || p.CodeLength != core.DefaultPolicy().CodeLength || len(p.EnabledMethods) != len(core.DefaultPolicy().EnabledMethods) {
			return fmt.Errorf("unsaved policy = %+v, %v; want the default", p, err)
		}
		return nil
	})
	p, err := core.DefaultPolicy().Apply([]string{"codeLength=8", "organizationDomains=contoso.com", "enabledMethods=phone,email"})
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx core.Tx) error { return tx.SavePolicy(p) })
	update(t, s, func(tx core.Tx) error { return tx.SavePolicy(p) })
	view(t, s, func(tx core.Tx) error {
		got, err := tx.Policy()
		if err != nil || got.CodeLength != 8 || len(got.OrganizationDomains) != 1 || got.OrganizationDomains[0] != "contoso.com" ||
			len(got.EnabledMethods) != 2 {
			return fmt.Errorf("policy read back as %+v, %v", got, err)
		}
		return nil
	})
}

func testSettings(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if v, err := tx.Setting("x"); err != nil || v != "" {
			return fmt.Errorf("unset setting = %q, %v", v, err)
		}
		if err := tx.SetSetting("x", "1"); err != nil {
			return err
		}
		return tx.SetSetting("x", "2")
	})
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Setting("x"); err != nil || v != "2" {
			return fmt.Errorf("setting = %q, %v; want 2", v, err)
		}
		return nil
	})
}
