// Package directory is the organisation's directory over LDAP, the
// core.Directory of an OpenLDAP server or an Active Directory domain
// controller (github.com/go-ldap/ldap/v3): people are found and listed
// (paged, RFC 2696) as the service account, a password is checked by
// binding as the person's entry, and passwords are written with the
// Password Modify extended operation (RFC 3062, OpenLDAP) or AD's
// unicodePwd. The two kinds differ only where the directories do: how a
// disabled entry and "must change" look, how a password is written, and
// how nested groups are read.
//
// Every operation opens its own connection (TLS as configured) and closes
// it, so nothing is shared between requests; a sync reads on one.
// Passwords are never logged and never in an error: errors name the
// operation, the DN and the directory's result.
package directory

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core"
)

// Kinds of directory.
const (
	KindOpenLDAP        = "openldap"
	KindActiveDirectory = "activedirectory"
)

// Config is the [directory] section of securityinfo.toml. Zero values of
// the attributes and the filter mean the kind's defaults (Defaults).
type Config struct {
	Kind     string
	URL      string // ldaps://host, or ldap://host with StartTLS (or to a loopback address)
	StartTLS bool
	CAFile   string // a private CA's certificates (PEM); "" for the system's

	BindDN       string
	BindPassword string
	BaseDN       string
	UserFilter   string

	NameAttribute        string
	DisplayNameAttribute string
	MobileAttribute      string
	OfficePhoneAttribute string

	HelpdeskGroup string
	AdminGroup    string

	// Timeout bounds each connection and request (10 s when zero).
	Timeout time.Duration
	// PageSize is the size of a page of People (500 when zero).
	PageSize uint32
}

// Defaults fills the kind's defaults into the attributes and the filter
// left empty.
func (c *Config) Defaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	switch c.Kind {
	case KindActiveDirectory:
		def(&c.UserFilter, "(&(objectCategory=person)(objectClass=user))")
		def(&c.NameAttribute, "userPrincipalName")
		def(&c.DisplayNameAttribute, "displayName")
	default:
		def(&c.UserFilter, "(objectClass=inetOrgPerson)")
		def(&c.NameAttribute, "mail")
		def(&c.DisplayNameAttribute, "cn")
	}
	def(&c.MobileAttribute, "mobile")
	def(&c.OfficePhoneAttribute, "telephoneNumber")
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.PageSize == 0 {
		c.PageSize = 500
	}
}

// Directory is a configured LDAP directory. It is safe for concurrent
// use.
type Directory struct {
	c      Config
	tls    *tls.Config
	secure bool // the connection is TLS (ldaps:// or StartTLS)
}

var _ core.Directory = (*Directory)(nil)

// New checks the configuration and returns the directory; it does not
// connect (Check does). Returns EINVALID for a configuration that is
// incomplete or sends passwords in the clear: ldap:// needs start_tls,
// except to a loopback address, and Active Directory's passwords are
// written only over TLS.
func New(c Config) (*Directory, error) {
	c.Defaults()
	switch c.Kind {
	case KindOpenLDAP, KindActiveDirectory:
	case "":
		return nil, core.Errorf(core.EINVALID, "[directory] kind is not set: use %q or %q.", KindOpenLDAP, KindActiveDirectory)
	default:
		return nil, core.Errorf(core.EINVALID, "[directory] kind %q is not known: use %q or %q.", c.Kind, KindOpenLDAP, KindActiveDirectory)
	}
	for _, f := range []struct{ key, v string }{{"url", c.URL}, {"bind_dn", c.BindDN}, {"base_dn", c.BaseDN}} {
		if f.v == "" {
			return nil, core.Errorf(core.EINVALID, "[directory] %s is not set.", f.key)
		}
	}
	if c.BindPassword == "" {
		return nil, core.Errorf(core.EINVALID, "[directory] bind_password is not set: set it in the file, SECURITYINFO_DIRECTORY_BIND_PASSWORD, or keep it in the keyring with: securityinfoctl config set-secret directory-bind-password")
	}
	for _, dn := range []struct{ key, v string }{{"bind_dn", c.BindDN}, {"base_dn", c.BaseDN}, {"helpdesk_group", c.HelpdeskGroup}, {"admin_group", c.AdminGroup}} {
		if dn.v == "" {
			continue
		}
		if _, err := ldap.ParseDN(dn.v); err != nil {
			return nil, core.Errorf(core.EINVALID, "[directory] %s %q is not a distinguished name.", dn.key, dn.v)
		}
	}
	if _, err := ldap.CompileFilter(c.UserFilter); err != nil {
		return nil, core.Errorf(core.EINVALID, "[directory] user_filter %q is not an LDAP filter.", c.UserFilter)
	}
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, core.Errorf(core.EINVALID, "[directory] url %q is not an LDAP address such as ldaps://dc1.contoso.com.", c.URL)
	}
	d := &Directory{c: c, tls: &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}}
	switch u.Scheme {
	case "ldaps":
		if c.StartTLS {
			return nil, core.Errorf(core.EINVALID, "[directory] start_tls is for ldap:// addresses; %s is already TLS.", c.URL)
		}
		d.secure = true
	case "ldap":
		d.secure = c.StartTLS
		if !c.StartTLS && !loopback(u.Hostname()) {
			return nil, core.Errorf(core.EINVALID, "[directory] url %s would send passwords in the clear: use ldaps://, or set start_tls = true.", c.URL)
		}
		if !c.StartTLS && c.Kind == KindActiveDirectory {
			return nil, core.Errorf(core.EINVALID, "[directory] Active Directory takes passwords only over TLS: use ldaps:// (%s is plain), or set start_tls = true.", c.URL)
		}
	default:
		return nil, core.Errorf(core.EINVALID, "[directory] url %q must start with ldaps:// or ldap://.", c.URL)
	}
	if c.CAFile != "" {
		pool, err := core.CAPool("[directory] ca_file", c.CAFile)
		if err != nil {
			return nil, err
		}
		d.tls.RootCAs = pool
	}
	return d, nil
}

// loopback reports whether host is this machine: localhost, 127.0.0.0/8
// or ::1, where a plain ldap:// connection never leaves it.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Describe implements core.Directory.
func (d *Directory) Describe() string {
	how := "TLS"
	if !d.secure {
		how = "plain, loopback only"
	}
	return fmt.Sprintf("%s at %s (%s), people under %s matching %s", d.c.Kind, d.c.URL, how, d.c.BaseDN, d.c.UserFilter)
}

// Kind is the configured kind.
func (d *Directory) Kind() string { return d.c.Kind }

// dial opens a connection, with StartTLS when configured, closed when ctx
// ends. Failures are the directory being unreachable.
func (d *Directory) dial(ctx context.Context) (*ldap.Conn, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, core.DirectoryUnreachable(err)
	}
	conn, err := ldap.DialURL(d.c.URL, ldap.DialWithDialer(&net.Dialer{Timeout: d.c.Timeout}), ldap.DialWithTLSConfig(d.tls))
	if err != nil {
		return nil, nil, core.DirectoryUnreachable(fmt.Errorf("connect to %s: %w", d.c.URL, err))
	}
	conn.SetTimeout(d.c.Timeout)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	done := func() {
		stop()
		conn.Close()
	}
	if d.c.StartTLS {
		if err := conn.StartTLS(d.tls); err != nil {
			done()
			return nil, nil, core.DirectoryUnreachable(fmt.Errorf("StartTLS with %s: %w", d.c.URL, err))
		}
	}
	return conn, done, nil
}

// service opens a connection bound as the service account.
func (d *Directory) service(ctx context.Context) (*ldap.Conn, func(), error) {
	conn, done, err := d.dial(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := conn.Bind(d.c.BindDN, d.c.BindPassword); err != nil {
		done()
		return nil, nil, core.DirectoryUnreachable(fmt.Errorf("bind as the service account %s: %w", d.c.BindDN, err))
	}
	return conn, done, nil
}

// Check connects and binds as the service account: the first thing
// `securityinfoctl directory check` shows.
func (d *Directory) Check(ctx context.Context) error {
	_, done, err := d.service(ctx)
	if err != nil {
		return err
	}
	done()
	return nil
}

// attributes are those read for a person.
func (d *Directory) attributes() []string {
	a := []string{d.c.NameAttribute, d.c.DisplayNameAttribute, d.c.MobileAttribute, d.c.OfficePhoneAttribute}
	if d.c.Kind == KindActiveDirectory {
		return append(a, "userAccountControl", "pwdLastSet")
	}
	return append(a, "pwdAccountLockedTime", "pwdReset")
}

// Person implements core.Directory.
func (d *Directory) Person(ctx context.Context, name string) (*core.DirectoryPerson, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, core.Errorf(core.ENOTFOUND, "No such person in the directory.")
	}
	conn, done, err := d.service(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	filter := fmt.Sprintf("(&%s(%s=%s))", d.c.UserFilter, d.c.NameAttribute, ldap.EscapeFilter(name))
	res, err := conn.Search(ldap.NewSearchRequest(d.c.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 0, false,
		filter, d.attributes(), nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, core.Errorf(core.ENOTFOUND, "No such person in the directory.")
	}
	if err != nil {
		return nil, core.DirectoryUnreachable(fmt.Errorf("find %s under %s: %w", name, d.c.BaseDN, err))
	}
	if len(res.Entries) != 1 {
		return nil, core.Errorf(core.ENOTFOUND, "No such person in the directory.")
	}
	p, err := d.person(res.Entries[0])
	if err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "No such person in the directory.")
	}
	if p.Role, err = d.role(conn, p.DN); err != nil {
		return nil, err
	}
	return p, nil
}

// person reads an entry; EINVALID when its sign-in name is not one.
func (d *Directory) person(e *ldap.Entry) (*core.DirectoryPerson, error) {
	name, err := core.NormalizeAccountName(e.GetEqualFoldAttributeValue(d.c.NameAttribute))
	if err != nil {
		return nil, err
	}
	p := &core.DirectoryPerson{
		DN:          e.DN,
		Name:        name,
		DisplayName: strings.TrimSpace(e.GetEqualFoldAttributeValue(d.c.DisplayNameAttribute)),
		Mobile:      strings.TrimSpace(e.GetEqualFoldAttributeValue(d.c.MobileAttribute)),
		OfficePhone: strings.TrimSpace(e.GetEqualFoldAttributeValue(d.c.OfficePhoneAttribute)),
		Role:        core.RoleUser,
	}
	if d.c.Kind == KindActiveDirectory {
		p.Disabled = adDisabled(e.GetEqualFoldAttributeValue("userAccountControl"))
		p.MustChange = e.GetEqualFoldAttributeValue("pwdLastSet") == "0"
	} else {
		p.Disabled = e.GetEqualFoldAttributeValue("pwdAccountLockedTime") != ""
		p.MustChange = strings.EqualFold(e.GetEqualFoldAttributeValue("pwdReset"), "TRUE")
	}
	return p, nil
}

// role reads the person's role from the groups: admin_group first.
func (d *Directory) role(conn *ldap.Conn, dn string) (core.Role, error) {
	for _, g := range []struct {
		dn   string
		role core.Role
	}{{d.c.AdminGroup, core.RoleAdmin}, {d.c.HelpdeskGroup, core.RoleHelpdesk}} {
		if g.dn == "" {
			continue
		}
		in, err := d.member(conn, g.dn, dn)
		if err != nil {
			return "", err
		}
		if in {
			return g.role, nil
		}
	}
	return core.RoleUser, nil
}

// member reports whether dn is a member of group: directly on OpenLDAP
// (member or uniqueMember), through nested groups on AD (the matching
// rule LDAP_MATCHING_RULE_IN_CHAIN).
func (d *Directory) member(conn *ldap.Conn, group, dn string) (bool, error) {
	esc := ldap.EscapeFilter(dn)
	filter := fmt.Sprintf("(|(member=%s)(uniqueMember=%s))", esc, esc)
	if d.c.Kind == KindActiveDirectory {
		filter = fmt.Sprintf("(member:1.2.840.113556.1.4.1941:=%s)", esc)
	}
	res, err := conn.Search(ldap.NewSearchRequest(group, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		filter, []string{"1.1"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return false, nil
	}
	if err != nil {
		return false, core.DirectoryUnreachable(fmt.Errorf("read group %s: %w", group, err))
	}
	return len(res.Entries) > 0, nil
}

// adMustChange reports whether AD refused a bind because the password,
// right, must be changed first ("data 773" in the diagnostic).
func adMustChange(err error) bool {
	return ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) && strings.Contains(err.Error(), "data 773")
}

// adDisabled reports whether a userAccountControl value has
// ACCOUNTDISABLE (0x2); a value that does not parse counts as disabled.
func adDisabled(uac string) bool {
	var n uint64
	if _, err := fmt.Sscan(uac, &n); err != nil {
		return uac != ""
	}
	return n&0x2 != 0
}

// refusedBind are the results of a bind the directory refused, as opposed
// to one it could not answer (busy, unavailable, a network error).
var refusedBind = map[uint16]bool{
	ldap.LDAPResultInvalidCredentials:          true,
	ldap.LDAPResultInappropriateAuthentication: true,
	ldap.LDAPResultInsufficientAccessRights:    true,
	ldap.LDAPResultUnwillingToPerform:          true,
	ldap.LDAPResultConstraintViolation:         true,
	ldap.LDAPResultNoSuchObject:                true,
	ldap.LDAPResultInvalidDNSyntax:             true,
}

// CheckPassword implements core.Directory: a simple bind as the entry.
// An empty password is refused without asking (an empty simple bind is an
// anonymous bind, which many directories accept). For nobody (nil or no
// DN) or a disabled person it binds as an entry that does not exist and
// answers false, so their answer takes as long as a wrong password's.
func (d *Directory) CheckPassword(ctx context.Context, p *core.DirectoryPerson, password string) (bool, error) {
	if password == "" {
		return false, nil
	}
	dn, decoy := "", p == nil || p.DN == "" || p.Disabled
	if decoy {
		dn = "cn=no such person," + d.c.BaseDN
	} else {
		dn = p.DN
	}
	conn, done, err := d.dial(ctx)
	if err != nil {
		return false, err
	}
	defer done()
	err = conn.Bind(dn, password)
	if decoy && err == nil {
		return false, nil
	}
	var le *ldap.Error
	switch {
	case err == nil:
		return true, nil
	case !decoy && d.c.Kind == KindActiveDirectory && p.MustChange && adMustChange(err):
		// AD checks the password first, then refuses the bind of one
		// that must be changed (data 773): it was right.
		return true, nil
	case errors.As(err, &le) && refusedBind[le.ResultCode]:
		// Refused by the directory (wrong, locked, disabled, must
		// change on AD): one answer for all.
		return false, nil
	default:
		return false, core.DirectoryUnreachable(fmt.Errorf("bind as %s: %w", dn, err))
	}
}
