package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory"
	"github.com/securityinfo/securityinfo/core/directory/ldaptest"
)

// TestDirectoryInTheWindow: with the organization's directory (a real
// slapd, scripts/with-ldap), a person defined only there signs in with the
// directory's password; the first-account form does not appear; the
// Security info page shows the directory's numbers as rows of their own,
// read-only; the Password page says the password is the organization's;
// and the help desk is offered the directory's number to call back first.
func TestDirectoryInTheWindow(t *testing.T) {
	tree := ldaptest.New(t)
	d, err := directory.New(tree.Config())
	if err != nil {
		t.Fatal(err)
	}
	tree.Person(t, "dora", "dora@contoso.test", "Dora Example", "Dora-pass-1", map[string][]string{"mobile": {"+44 20 7946 0958"}, "telephoneNumber": {"+49 30 901820"}})
	h := newHarness(t, "en", func(o *core.Options) { o.Directory = d })
	h.u.Start()
	h.notShows("Welcome to Security info")
	test.Type(h.entry(h.u.tr.T("signin.namePlaceholder")), "dora@contoso.test")
	test.Type(h.entry(h.u.tr.T("signin.passwordPlaceholder")), "Dora-pass-1")
	h.tap(h.u.tr.T("signin.submit"))
	if h.u.acct == nil || h.u.acct.Name != "dora@contoso.test" {
		h.fatalf("the directory's person did not sign in; shown:\n%s", h.text())
	}
	if h.u.info == nil {
		// "Keep your account secure" first: later.
		h.tap("Skip for now (3 left)")
	}
	h.u.nav.Select(1)
	h.shows("+44 20 7946 0958, from your organization's directory")
	h.shows("+49 30 901820, from your organization's directory")
	h.u.nav.Select(2)
	h.shows("This is your organization's password")
}
