package directory_test

import (
	"context"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory/ldaptest"
)

// TestAD runs the activedirectory kind against Samba's AD domain
// controller (scripts/with-samba-ad): userPrincipalName and displayName,
// userAccountControl's ACCOUNTDISABLE, nested groups through
// LDAP_MATCHING_RULE_IN_CHAIN, unicodePwd written by the service and
// changed by the person, pwdLastSet for "must change", and AD's password
// policy refusals.
func TestAD(t *testing.T) {
	ad := ldaptest.NewAD(t)
	ctx := context.Background()
	jo := ad.Person(t, "jo", "Jo Example", "Jo-pass-1x", map[string][]string{"mobile": {"+1 425 555 0112"}})
	ad.Join(t, ad.Inner, jo) // admins ⊃ inner ⊃ jo
	kim := ad.Person(t, "kim", "Kim Example", "Kim-pass-1x", nil)
	ad.Join(t, ad.HelpdeskGroup, kim)
	off := ad.Person(t, "off", "Off Example", "Off-pass-1x", map[string][]string{"userAccountControl": {"514"}})
	d := open(t, ad.Config())

	p, err := d.Person(ctx, "JO@contoso.test")
	if err != nil {
		t.Fatalf("Person: %v", err)
	}
	want := core.DirectoryPerson{DN: jo, Name: "jo@contoso.test", DisplayName: "Jo Example", Mobile: "+1 425 555 0112", Role: core.RoleAdmin}
	if *p != want {
		t.Fatalf("Person = %+v, want %+v", *p, want)
	}
	if ok, err := d.CheckPassword(ctx, p, "Jo-pass-1x"); !ok || err != nil {
		t.Fatalf("bind: %v, %v", ok, err)
	}
	if ok, err := d.CheckPassword(ctx, p, "jo-pass-1x"); ok || err != nil {
		t.Fatalf("wrong password binds: %v, %v", ok, err)
	}
	o, err := d.Person(ctx, "off@contoso.test")
	if err != nil || !o.Disabled {
		t.Fatalf("disabled: %+v, %v", o, err)
	}
	o.Disabled = false
	if ok, err := d.CheckPassword(ctx, o, "Off-pass-1x"); ok || err != nil {
		t.Fatalf("a disabled user binds: %v, %v", ok, err)
	}
	_ = off

	roles := map[string]core.Role{}
	if err := d.People(ctx, func(p *core.DirectoryPerson) error { roles[p.Name] = p.Role; return nil }); err != nil {
		t.Fatal(err)
	}
	if roles["jo@contoso.test"] != core.RoleAdmin || roles["kim@contoso.test"] != core.RoleHelpdesk || roles["off@contoso.test"] != core.RoleUser || len(roles) != 3 {
		t.Fatalf("roles %v", roles)
	}

	// The help desk's temporary password: must change (pwdLastSet 0).
	k, _ := d.Person(ctx, "kim@contoso.test")
	if err := d.SetPassword(ctx, k, "Temp-pass-2x", true); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if got := ad.Attribute(t, kim, "pwdLastSet"); got != "0" {
		t.Fatalf("pwdLastSet = %q", got)
	}
	k, _ = d.Person(ctx, "kim@contoso.test")
	if !k.MustChange {
		t.Fatal("must change not read back")
	}
	if ok, err := d.CheckPassword(ctx, k, "Temp-pass-2x"); !ok || err != nil {
		t.Fatalf("the temporary password (must change) is not taken as right: %v, %v", ok, err)
	}
	if ok, _ := d.CheckPassword(ctx, k, "Temp-pass-9x"); ok {
		t.Fatal("a wrong password taken as right while must change")
	}
	if err := d.ChangePassword(ctx, k, "wrong", "Kim-pass-3x"); core.ErrorKey(err) != "signin.wrong" {
		t.Fatalf("change with a wrong current one: %v", err)
	}
	if err := d.ChangePassword(ctx, k, "Temp-pass-2x", "Kim-pass-3x"); err != nil {
		t.Fatalf("change after must change: %v", err)
	}
	if !ad.Bind(t, kim, "Kim-pass-3x") || ad.Bind(t, kim, "Temp-pass-2x") {
		t.Fatal("the new password does not bind, or the old one still does")
	}
	// The person's own change: unicodePwd's delete and add.
	k, _ = d.Person(ctx, "kim@contoso.test")
	if k.MustChange {
		t.Fatal("must change left after the change")
	}
	if err := d.ChangePassword(ctx, k, "Kim-pass-3x", "Kim-pass-4x"); err != nil {
		t.Fatalf("change: %v", err)
	}
	if !ad.Bind(t, kim, "Kim-pass-4x") || ad.Bind(t, kim, "Kim-pass-3x") {
		t.Fatal("the changed password does not bind, or the old one (old password allowed period 0) still does")
	}
	// The domain's policy refuses: too short, not complex, in history.
	for _, tc := range []struct{ pw, reason string }{
		{"Ab1-", "directory.passwordQuality"},
		{"alllowercaseletters", "directory.passwordQuality"},
		{"Kim-pass-3x", "directory.passwordHistory"},
	} {
		err := d.ChangePassword(ctx, k, "Kim-pass-4x", tc.pw)
		if core.ErrorCode(err) != core.EINVALID || core.ErrorKey(err) != tc.reason {
			t.Fatalf("change to %q: %v, want %s", tc.pw, err, tc.reason)
		}
		if !ad.Bind(t, kim, "Kim-pass-4x") {
			t.Fatal("a refused change changed the password")
		}
	}
	if err := d.SetPassword(ctx, k, "Ab1-", false); core.ErrorKey(err) != "directory.passwordQuality" {
		t.Fatalf("service set of a too short one: %v", err)
	}
	_ = ldap.ScopeBaseObject
}
