// Package ldaptest gives tests a part of a real OpenLDAP directory: the
// throw-away slapd that scripts/with-ldap starts (inside make test) and
// describes in SECURITYINFO_TEST_LDAP*. Each Tree is a subtree of people
// and two groups of its own, so tests and packages run at once do not
// meet. Without the server a test fails and says so; it never skips.
package ldaptest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core/directory"
)

// EnvURL names the plain (StartTLS) address of the test server.
const EnvURL = "SECURITYINFO_TEST_LDAP"

// Server is the test server as scripts/with-ldap describes it.
type Server struct {
	URL, URLS, CAFile    string
	Base                 string
	AdminDN, AdminPass   string
	BindDN, BindPassword string
	StrictPolicy         string
}

// Env reads the server from the environment, failing tb without it.
func Env(tb testing.TB) Server {
	tb.Helper()
	s := Server{
		URL: os.Getenv(EnvURL), URLS: os.Getenv("SECURITYINFO_TEST_LDAPS"), CAFile: os.Getenv("SECURITYINFO_TEST_LDAP_CA_FILE"),
		Base: os.Getenv("SECURITYINFO_TEST_LDAP_BASE"), AdminDN: os.Getenv("SECURITYINFO_TEST_LDAP_ADMIN_DN"),
		AdminPass: os.Getenv("SECURITYINFO_TEST_LDAP_ADMIN_PASSWORD"), BindDN: os.Getenv("SECURITYINFO_TEST_LDAP_BIND_DN"),
		BindPassword: os.Getenv("SECURITYINFO_TEST_LDAP_BIND_PASSWORD"), StrictPolicy: os.Getenv("SECURITYINFO_TEST_LDAP_STRICT_POLICY"),
	}
	if s.URL == "" || s.Base == "" || s.AdminDN == "" || s.BindDN == "" {
		tb.Fatalf("%s is not set: run the directory's tests inside scripts/with-ldap (make test does), e.g. scripts/with-ldap go test ./core/directory", EnvURL)
	}
	return s
}

// Tree is a test's own part of the directory: people under
// ou=<id>,ou=people and the groups admins-<id> and helpdesk-<id>.
type Tree struct {
	Server
	ID            string
	People        string // the subtree's DN: the base_dn of a test's Config
	AdminGroup    string
	HelpdeskGroup string
	admin         *ldap.Conn
}

// New makes a tree of its own on the test server.
func New(tb testing.TB) *Tree {
	tb.Helper()
	s := Env(tb)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	id := "t" + hex.EncodeToString(b)
	conn, err := ldap.DialURL(s.URL)
	if err != nil {
		tb.Fatalf("ldaptest: connect to %s: %v", s.URL, err)
	}
	tb.Cleanup(func() { conn.Close() })
	if err := conn.Bind(s.AdminDN, s.AdminPass); err != nil {
		tb.Fatalf("ldaptest: bind as %s: %v", s.AdminDN, err)
	}
	t := &Tree{Server: s, ID: id, People: "ou=" + id + ",ou=people," + s.Base,
		AdminGroup: "cn=admins-" + id + ",ou=groups," + s.Base, HelpdeskGroup: "cn=helpdesk-" + id + ",ou=groups," + s.Base, admin: conn}
	t.Add(tb, t.People, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {id}})
	for _, g := range []string{t.AdminGroup, t.HelpdeskGroup} {
		// groupOfNames needs a member: the group itself stands in.
		t.Add(tb, g, map[string][]string{"objectClass": {"groupOfNames"}, "member": {g}})
	}
	return t
}

// Config is a directory configuration of kind openldap over this tree,
// through StartTLS on the plain port with the test CA.
func (t *Tree) Config() directory.Config {
	return directory.Config{Kind: directory.KindOpenLDAP, URL: t.URL, StartTLS: true, CAFile: t.CAFile,
		BindDN: t.BindDN, BindPassword: t.BindPassword, BaseDN: t.People,
		HelpdeskGroup: t.HelpdeskGroup, AdminGroup: t.AdminGroup}
}

// Add adds an entry as the root DN.
func (t *Tree) Add(tb testing.TB, dn string, attrs map[string][]string) {
	tb.Helper()
	req := ldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		req.Attribute(k, v)
	}
	if err := t.admin.Add(req); err != nil {
		tb.Fatalf("ldaptest: add %s: %v", dn, err)
	}
}

// Person adds an inetOrgPerson uid=<uid> with mail, cn, the password (set
// as the root DN, so no policy applies) and any other attributes, and
// returns its DN.
func (t *Tree) Person(tb testing.TB, uid, mail, cn, password string, more map[string][]string) string {
	tb.Helper()
	dn := fmt.Sprintf("uid=%s,%s", ldap.EscapeDN(uid), t.People)
	attrs := map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {uid}, "cn": {cn}, "sn": {cn}}
	if mail != "" {
		attrs["mail"] = []string{mail}
	}
	if password != "" {
		attrs["userPassword"] = []string{password}
	}
	for k, v := range more {
		attrs[k] = v
	}
	t.Add(tb, dn, attrs)
	return dn
}

// Modify changes an entry as the root DN.
func (t *Tree) Modify(tb testing.TB, dn string, change func(*ldap.ModifyRequest)) {
	tb.Helper()
	req := ldap.NewModifyRequest(dn, nil)
	change(req)
	if err := t.admin.Modify(req); err != nil {
		tb.Fatalf("ldaptest: modify %s: %v", dn, err)
	}
}

// Join adds dn to a group.
func (t *Tree) Join(tb testing.TB, group, dn string) {
	tb.Helper()
	t.Modify(tb, group, func(r *ldap.ModifyRequest) { r.Add("member", []string{dn}) })
}

// Delete removes an entry.
func (t *Tree) Delete(tb testing.TB, dn string) {
	tb.Helper()
	if err := t.admin.Del(ldap.NewDelRequest(dn, nil)); err != nil {
		tb.Fatalf("ldaptest: delete %s: %v", dn, err)
	}
}

// Bind reports whether dn binds with password (as a client would, to see
// what the directory now accepts).
func (t *Tree) Bind(tb testing.TB, dn, password string) bool {
	tb.Helper()
	conn, err := ldap.DialURL(t.URL)
	if err != nil {
		tb.Fatalf("ldaptest: connect to %s: %v", t.URL, err)
	}
	defer conn.Close()
	return conn.Bind(dn, password) == nil
}

// Attribute reads one attribute of an entry (operational ones too) as the
// root DN.
func (t *Tree) Attribute(tb testing.TB, dn, attr string) string {
	tb.Helper()
	res, err := t.admin.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil || len(res.Entries) != 1 {
		tb.Fatalf("ldaptest: read %s of %s: %v", attr, dn, err)
	}
	return res.Entries[0].GetEqualFoldAttributeValue(attr)
}

// Many adds n people uid=<prefix><i> (mail <prefix><i>@contoso.test, no
// password) over a few connections at once, for benchmarks.
func (t *Tree) Many(tb testing.TB, prefix string, n int) {
	tb.Helper()
	const conns = 4
	errs := make(chan error, conns)
	for c := range conns {
		go func() {
			conn, err := ldap.DialURL(t.URL)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			if err := conn.Bind(t.AdminDN, t.AdminPass); err != nil {
				errs <- err
				return
			}
			for i := c; i < n; i += conns {
				uid := fmt.Sprintf("%s%d", prefix, i)
				req := ldap.NewAddRequest(fmt.Sprintf("uid=%s,%s", uid, t.People), nil)
				req.Attribute("objectClass", []string{"inetOrgPerson"})
				req.Attribute("uid", []string{uid})
				req.Attribute("cn", []string{"Person " + uid})
				req.Attribute("sn", []string{uid})
				req.Attribute("mail", []string{uid + "@contoso.test"})
				req.Attribute("mobile", []string{fmt.Sprintf("+1 425 555 %04d", i%10000)})
				if err := conn.Add(req); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			tb.Fatalf("ldaptest: add people: %v", err)
		}
	}
}
