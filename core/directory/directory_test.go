package directory_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory"
	"github.com/securityinfo/securityinfo/core/directory/ldaptest"
)

func open(t *testing.T, c directory.Config) *directory.Directory {
	t.Helper()
	d, err := directory.New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func TestConfigRefusesPlainPasswords(t *testing.T) {
	base := directory.Config{Kind: "openldap", BindDN: "cn=s,dc=x", BindPassword: "pw", BaseDN: "dc=x"}
	for _, tc := range []struct {
		url      string
		startTLS bool
		ok       bool
	}{
		{"ldap://dc1.contoso.com", false, false},
		{"ldap://dc1.contoso.com", true, true},
		{"ldaps://dc1.contoso.com", false, true},
		{"ldaps://dc1.contoso.com", true, false},
		{"ldap://127.0.0.1:3890", false, true},
		{"ldap://localhost", false, true},
		{"ldap://[::1]:389", false, true},
		{"ldap://10.0.0.1", false, false},
		{"http://dc1.contoso.com", false, false},
		{"ldaps://user:pw@dc1.contoso.com", false, false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			c := base
			c.URL, c.StartTLS = tc.url, tc.startTLS
			_, err := directory.New(c)
			if (err == nil) != tc.ok {
				t.Fatalf("New(%s, start_tls=%v) = %v, want ok=%v", tc.url, tc.startTLS, err, tc.ok)
			}
			if err != nil && core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("code %s, want invalid", core.ErrorCode(err))
			}
		})
	}
	for _, tc := range []struct {
		name   string
		change func(*directory.Config)
	}{
		{"no kind", func(c *directory.Config) { c.Kind = "" }},
		{"unknown kind", func(c *directory.Config) { c.Kind = "novell" }},
		{"no password", func(c *directory.Config) { c.BindPassword = "" }},
		{"bad filter", func(c *directory.Config) { c.UserFilter = "(objectClass=person" }},
		{"bad group", func(c *directory.Config) { c.AdminGroup = "not a dn" }},
		{"missing CA file", func(c *directory.Config) { c.CAFile = filepath.Join(t.TempDir(), "none.pem") }},
		{"plain AD on loopback", func(c *directory.Config) { c.Kind, c.URL = "activedirectory", "ldap://127.0.0.1" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.URL = "ldaps://dc1.contoso.com"
			tc.change(&c)
			if _, err := directory.New(c); core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("New = %v, want invalid", err)
			}
		})
	}
}

// TestBind: a password is checked by binding as the entry; wrong, locked
// and filtered-out people get one answer.
func TestBind(t *testing.T) {
	tr := ldaptest.New(t)
	ctx := context.Background()
	alice := tr.Person(t, "alice", "alice@contoso.test", "Alice Smith", "Alice-pass-1", map[string][]string{
		"mobile": {"+1 425 555 0112"}, "telephoneNumber": {"+1 425 555 0100"}})
	locked := tr.Person(t, "bob", "bob@contoso.test", "Bob", "Bob-pass-1", nil)
	tr.Modify(t, locked, func(r *ldap.ModifyRequest) { r.Replace("pwdAccountLockedTime", []string{"000001010000Z"}) })
	tr.Add(t, "cn=printer,"+tr.People, map[string][]string{"objectClass": {"device", "simpleSecurityObject"}, "cn": {"printer"}, "userPassword": {"Printer-pass-1"}})
	d := open(t, tr.Config())

	p, err := d.Person(ctx, "Alice@Contoso.test")
	if err != nil {
		t.Fatalf("Person: %v", err)
	}
	want := core.DirectoryPerson{DN: alice, Name: "alice@contoso.test", DisplayName: "Alice Smith", Mobile: "+1 425 555 0112", OfficePhone: "+1 425 555 0100", Role: core.RoleUser}
	if *p != want {
		t.Fatalf("Person = %+v, want %+v", *p, want)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"Alice-pass-1", true}, {"alice-pass-1", false}, {"", false}} {
		ok, err := d.CheckPassword(ctx, p, tc.pw)
		if err != nil || ok != tc.want {
			t.Fatalf("CheckPassword(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}

	b, err := d.Person(ctx, "bob@contoso.test")
	if err != nil {
		t.Fatalf("Person(bob): %v", err)
	}
	if !b.Disabled {
		t.Fatalf("bob with pwdAccountLockedTime is not disabled: %+v", b)
	}
	// Even asked to bind, the directory refuses him: the same answer
	// as a wrong password.
	b.Disabled = false
	if ok, err := d.CheckPassword(ctx, b, "Bob-pass-1"); ok || err != nil {
		t.Fatalf("locked bob binds: %v, %v", ok, err)
	}
	// Outside the filter (a device, not an inetOrgPerson), and nobody.
	for _, name := range []string{"printer", "carol@contoso.test", "*", "alice@contoso.test)(uid=*"} {
		if _, err := d.Person(ctx, name); core.ErrorCode(err) != core.ENOTFOUND {
			t.Fatalf("Person(%q) = %v, want not found", name, err)
		}
	}
}

func TestTransports(t *testing.T) {
	tr := ldaptest.New(t)
	ctx := context.Background()
	tr.Person(t, "dana", "dana@contoso.test", "Dana", "Dana-pass-1", nil)
	ldaps := tr.Config()
	ldaps.URL, ldaps.StartTLS = tr.URLS, false
	plain := tr.Config()
	plain.StartTLS = false // loopback: allowed
	noCA := tr.Config()
	noCA.CAFile = ""
	for _, tc := range []struct {
		name string
		c    directory.Config
		ok   bool
	}{{"starttls", tr.Config(), true}, {"ldaps", ldaps, true}, {"plain loopback", plain, true}, {"unknown CA", noCA, false}} {
		t.Run(tc.name, func(t *testing.T) {
			d := open(t, tc.c)
			p, err := d.Person(ctx, "dana@contoso.test")
			if !tc.ok {
				if core.ErrorCode(err) != core.EUNAVAILABLE || core.ErrorKey(err) != "directory.unreachable" {
					t.Fatalf("Person = %v, want directory.unreachable", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Person: %v", err)
			}
			if ok, err := d.CheckPassword(ctx, p, "Dana-pass-1"); !ok || err != nil {
				t.Fatalf("CheckPassword = %v, %v", ok, err)
			}
		})
	}
	// A wrong service password, and nobody listening: unreachable, never
	// "wrong password".
	bad := tr.Config()
	bad.BindPassword = "wrong"
	d := open(t, bad)
	if _, err := d.Person(ctx, "dana@contoso.test"); core.ErrorKey(err) != "directory.unreachable" {
		t.Fatalf("wrong service password: %v", err)
	}
	gone := tr.Config()
	gone.URL = "ldap://127.0.0.1:1"
	d = open(t, gone)
	if _, err := d.CheckPassword(ctx, &core.DirectoryPerson{DN: "uid=x," + tr.People}, "x"); core.ErrorKey(err) != "directory.unreachable" {
		t.Fatalf("nobody listening: %v", err)
	}
	if err := d.Check(ctx); core.ErrorCode(err) != core.EUNAVAILABLE {
		t.Fatalf("Check = %v", err)
	}
}

// TestPasswordWrites: the service sets, the person changes, and the
// directory's policy refusals come back as reasons with nothing changed.
func TestPasswordWrites(t *testing.T) {
	tr := ldaptest.New(t)
	ctx := context.Background()
	dn := tr.Person(t, "erin", "erin@contoso.test", "Erin", "Erin-pass-1", nil)
	d := open(t, tr.Config())
	p, err := d.Person(ctx, "erin@contoso.test")
	if err != nil {
		t.Fatal(err)
	}

	// The help desk's temporary password: set, and must change.
	if err := d.SetPassword(ctx, p, "Temp-pass-2", true); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if !tr.Bind(t, dn, "Temp-pass-2") || tr.Bind(t, dn, "Erin-pass-1") {
		t.Fatal("the new password does not bind, or the old one still does")
	}
	if p, err = d.Person(ctx, "erin@contoso.test"); err != nil || !p.MustChange {
		t.Fatalf("after a temporary password: %+v, %v; want MustChange", p, err)
	}
	// The person changes it with the current one: pwdReset goes.
	if err := d.ChangePassword(ctx, p, "wrong-current", "Erin-pass-3"); core.ErrorKey(err) != "signin.wrong" {
		t.Fatalf("ChangePassword with a wrong current one = %v", err)
	}
	if err := d.ChangePassword(ctx, p, "Temp-pass-2", "Erin-pass-3"); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if p, err = d.Person(ctx, "erin@contoso.test"); err != nil || p.MustChange {
		t.Fatalf("after the person's change: %+v, %v", p, err)
	}
	if ok, _ := d.CheckPassword(ctx, p, "Erin-pass-3"); !ok {
		t.Fatal("the changed password does not bind")
	}
	// A self-service reset: set, no must-change.
	if err := d.SetPassword(ctx, p, "Erin-pass-4", false); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if p, _ = d.Person(ctx, "erin@contoso.test"); p.MustChange {
		t.Fatal("a self-service reset left must-change")
	}

	for _, tc := range []struct {
		name, pw, reason string
	}{
		{"too short", "Ab1-", "directory.passwordQuality"},
		{"in history", "Erin-pass-3", "directory.passwordHistory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, write := range []struct {
				how string
				do  func() error
			}{
				{"service", func() error { return d.SetPassword(ctx, p, tc.pw, false) }},
				{"person", func() error { return d.ChangePassword(ctx, p, "Erin-pass-4", tc.pw) }},
			} {
				err := write.do()
				if core.ErrorCode(err) != core.EINVALID || core.ErrorKey(err) != tc.reason {
					t.Fatalf("%s: %v, want %s", write.how, err, tc.reason)
				}
				if !tr.Bind(t, dn, "Erin-pass-4") {
					t.Fatalf("%s: a refused password changed the password", write.how)
				}
			}
		})
	}

	// Too young: under the strict policy (a day's minimum age) a
	// password set when the entry was made cannot be changed yet.
	young := tr.Person(t, "frank", "frank@contoso.test", "Frank", "Frank-pass-1", map[string][]string{"pwdPolicySubentry": {tr.StrictPolicy}})
	f, err := d.Person(ctx, "frank@contoso.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ChangePassword(ctx, f, "Frank-pass-1", "Frank-pass-2"); core.ErrorKey(err) != "directory.passwordTooYoung" {
		t.Fatalf("change = %v, want directory.passwordTooYoung", err)
	}
	if !tr.Bind(t, young, "Frank-pass-1") {
		t.Fatal("a refused change changed the password")
	}
}

// TestPeopleAndRoles: a listing in pages smaller than the people, roles
// from the groups.
func TestPeopleAndRoles(t *testing.T) {
	tr := ldaptest.New(t)
	ctx := context.Background()
	var admin, desk string
	for i := range 23 {
		dn := tr.Person(t, fmt.Sprintf("p%02d", i), fmt.Sprintf("p%02d@contoso.test", i), fmt.Sprintf("Person %d", i), "", nil)
		switch i {
		case 3:
			admin = dn
			tr.Join(t, tr.AdminGroup, dn)
		case 4:
			desk = dn
			tr.Join(t, tr.HelpdeskGroup, dn)
		case 5: // in both: admin wins
			tr.Join(t, tr.AdminGroup, dn)
			tr.Join(t, tr.HelpdeskGroup, dn)
		}
	}
	// One with a name that is not an account name is left out.
	tr.Person(t, "odd", "not an account name", "Odd", "", nil)
	c := tr.Config()
	c.PageSize = 5
	d := open(t, c)
	roles := map[string]core.Role{}
	if err := d.People(ctx, func(p *core.DirectoryPerson) error {
		roles[p.Name] = p.Role
		return nil
	}); err != nil {
		t.Fatalf("People: %v", err)
	}
	if len(roles) != 23 {
		t.Fatalf("People listed %d, want 23", len(roles))
	}
	for name, want := range map[string]core.Role{"p03@contoso.test": core.RoleAdmin, "p04@contoso.test": core.RoleHelpdesk,
		"p05@contoso.test": core.RoleAdmin, "p06@contoso.test": core.RoleUser} {
		if roles[name] != want {
			t.Errorf("role of %s = %s, want %s", name, roles[name], want)
		}
		p, err := d.Person(ctx, name)
		if err != nil || p.Role != want {
			t.Errorf("Person(%s) = %+v, %v; want role %s", name, p, err, want)
		}
	}
	_, _ = admin, desk
	// fn's error stops the listing and comes back.
	stop := fmt.Errorf("enough")
	n := 0
	if err := d.People(ctx, func(*core.DirectoryPerson) error {
		n++
		if n == 7 {
			return stop
		}
		return nil
	}); err != stop || n != 7 {
		t.Fatalf("People stopped with %v after %d", err, n)
	}
}

// TestNoSecretInErrors: what a failed bind or write says never carries
// the password.
func TestNoSecretInErrors(t *testing.T) {
	tr := ldaptest.New(t)
	ctx := context.Background()
	c := tr.Config()
	c.BindPassword = "Service-secret-9"
	d := open(t, c)
	_, err := d.Person(ctx, "x@contoso.test")
	if err == nil || strings.Contains(fmt.Sprint(err), "Service-secret-9") {
		t.Fatalf("error %v", err)
	}
	c = tr.Config()
	c.URL = "ldap://127.0.0.1:1"
	d = open(t, c)
	err = d.SetPassword(ctx, &core.DirectoryPerson{DN: "uid=x," + tr.People}, "New-secret-9", false)
	if err == nil || strings.Contains(fmt.Sprint(err), "New-secret-9") {
		t.Fatalf("error %v", err)
	}
	_ = os.Getenv
}
