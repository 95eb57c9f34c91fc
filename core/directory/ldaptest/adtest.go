package ldaptest

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"os"
	"testing"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core/directory"
)

// EnvAD names the LDAPS address of the test domain controller
// (scripts/with-samba-ad).
const EnvAD = "SECURITYINFO_TEST_AD"

// AD is a test's own organizational unit in the Samba AD test domain,
// with people, an admins and a help-desk group, and an inner group nested
// in the admins' one.
type AD struct {
	URL, CAFile, Base, AdminDN, AdminPass string
	OU                                    string
	AdminGroup, HelpdeskGroup, Inner      string
	id                                    string
	conn                                  *ldap.Conn
	added                                 []string // removed at the end, newest first
}

// NewAD makes an OU of its own in the test domain, failing tb without
// the domain.
func NewAD(tb testing.TB) *AD {
	tb.Helper()
	a := &AD{URL: os.Getenv(EnvAD), CAFile: os.Getenv("SECURITYINFO_TEST_AD_CA_FILE"), Base: os.Getenv("SECURITYINFO_TEST_AD_BASE"),
		AdminDN: os.Getenv("SECURITYINFO_TEST_AD_ADMIN_DN"), AdminPass: os.Getenv("SECURITYINFO_TEST_AD_ADMIN_PASSWORD")}
	if a.URL == "" || a.Base == "" {
		tb.Fatalf("%s is not set: run the Active Directory tests inside scripts/with-samba-ad (make test does), e.g. scripts/with-samba-ad go test ./core/directory", EnvAD)
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	a.id = "t" + hex.EncodeToString(b)
	a.OU = "OU=" + a.id + "," + a.Base
	a.AdminGroup, a.HelpdeskGroup, a.Inner = "CN=admins-"+a.id+","+a.OU, "CN=helpdesk-"+a.id+","+a.OU, "CN=inner-"+a.id+","+a.OU
	pem, err := os.ReadFile(a.CAFile)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	conn, err := ldap.DialURL(a.URL, ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}))
	if err != nil {
		tb.Fatalf("adtest: connect to %s: %v", a.URL, err)
	}
	tb.Cleanup(func() { conn.Close() })
	if err := conn.Bind(a.AdminDN, a.AdminPass); err != nil {
		tb.Fatalf("adtest: bind as %s: %v", a.AdminDN, err)
	}
	a.conn = conn
	// The domain is one for all of make test's runs (SQLite, then
	// PostgreSQL) and sAMAccountName is unique in it: what a test added
	// goes when it ends, so the next run can add the same people.
	tb.Cleanup(func() {
		for i := len(a.added) - 1; i >= 0; i-- {
			if err := conn.Del(ldap.NewDelRequest(a.added[i], nil)); err != nil {
				tb.Logf("adtest: remove %s: %v", a.added[i], err)
			}
		}
	})
	a.Add(tb, a.OU, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {a.id}})
	for _, g := range []string{a.AdminGroup, a.HelpdeskGroup, a.Inner} {
		cn := g[3 : len(g)-len(a.OU)-1]
		a.Add(tb, g, map[string][]string{"objectClass": {"group"}, "sAMAccountName": {cn}})
	}
	a.Join(tb, a.AdminGroup, a.Inner)
	return a
}

// Config is a directory configuration of kind activedirectory over this
// OU, over LDAPS with the test CA, bound as the domain's Administrator.
func (a *AD) Config() directory.Config {
	return directory.Config{Kind: directory.KindActiveDirectory, URL: a.URL, CAFile: a.CAFile,
		BindDN: a.AdminDN, BindPassword: a.AdminPass, BaseDN: a.OU,
		HelpdeskGroup: a.HelpdeskGroup, AdminGroup: a.AdminGroup}
}

// Add adds an entry as the Administrator.
func (a *AD) Add(tb testing.TB, dn string, attrs map[string][]string) {
	tb.Helper()
	req := ldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		req.Attribute(k, v)
	}
	if err := a.conn.Add(req); err != nil {
		tb.Fatalf("adtest: add %s: %v", dn, err)
	}
	a.added = append(a.added, dn)
}

// Person adds an enabled user sam (userPrincipalName sam@contoso.test)
// with a password and more attributes, and returns its DN.
func (a *AD) Person(tb testing.TB, sam, display, password string, more map[string][]string) string {
	tb.Helper()
	dn := "CN=" + sam + "," + a.OU
	attrs := map[string][]string{"objectClass": {"user"}, "sAMAccountName": {sam}, "userPrincipalName": {sam + "@contoso.test"},
		"displayName": {display}, "unicodePwd": {Quoted(password)}, "userAccountControl": {"512"}}
	for k, v := range more {
		attrs[k] = v
	}
	a.Add(tb, dn, attrs)
	return dn
}

// Modify changes an entry as the Administrator.
func (a *AD) Modify(tb testing.TB, dn string, change func(*ldap.ModifyRequest)) {
	tb.Helper()
	req := ldap.NewModifyRequest(dn, nil)
	change(req)
	if err := a.conn.Modify(req); err != nil {
		tb.Fatalf("adtest: modify %s: %v", dn, err)
	}
}

// Join adds dn to a group.
func (a *AD) Join(tb testing.TB, group, dn string) {
	tb.Helper()
	a.Modify(tb, group, func(r *ldap.ModifyRequest) { r.Add("member", []string{dn}) })
}

// Bind reports whether dn binds with password.
func (a *AD) Bind(tb testing.TB, dn, password string) bool {
	tb.Helper()
	conn, err := ldap.DialURL(a.URL, ldap.DialWithTLSConfig(&tls.Config{InsecureSkipVerify: true})) //nolint:gosec // a probe of what the test domain accepts
	if err != nil {
		tb.Fatalf("adtest: connect: %v", err)
	}
	defer conn.Close()
	return conn.Bind(dn, password) == nil
}

// Attribute reads one attribute of an entry.
func (a *AD) Attribute(tb testing.TB, dn, attr string) string {
	tb.Helper()
	res, err := a.conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil || len(res.Entries) != 1 {
		tb.Fatalf("adtest: read %s of %s: %v", attr, dn, err)
	}
	return res.Entries[0].GetEqualFoldAttributeValue(attr)
}

// Quoted is a password as unicodePwd takes it: quoted, UTF-16LE.
func Quoted(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}
