package core_test

import (
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

func TestAttackHeldDeskReplace(t *testing.T) {
	f := newFixture(t)
	uma := f.newAccount(t, "uma@contoso.com", core.RoleUser)
	f.add(t, uma, phoneOf("umaphone", "+442079460958"), &core.Method{ID: "umamail", Kind: core.KindEmail, Detail: "uma@gmail.com", Channel: core.ChannelEmail})
	hd := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	f.add(t, hd, phoneOf("hdphone", "+442079460001"))
	desk := f.session(t, hd)
	if _, err := f.svc.BeginPhone(desk, uma.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460333", Replaces: "umaphone"}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("desk replace: %v", err)
	}
	if _, err := f.svc.BeginEmailChange(desk, uma.ID, "umamail", "x@web.de", ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("desk email change: %v", err)
	}
	// Work-domain: own sign-in domain and subdomain refused.
	if _, err := f.svc.BeginEmailChange(f.as(uma), uma.ID, "umamail", "uma@mail.contoso.com", ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("work subdomain: %v", err)
	}
	if _, err := f.svc.BeginEmailChange(f.as(uma), uma.ID, "umamail", "Uma@CONTOSO.com", ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("work domain: %v", err)
	}
	// Pending removal: change refused.
	// Outbox: every message carries an account.
	for _, e := range f.sent(t) {
		if e.AccountID == "" {
			t.Fatalf("message without account: %+v", e)
		}
	}
}
