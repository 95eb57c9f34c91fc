package directory

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core"
)

// People implements core.Directory: one connection as the service
// account, the groups' members read first (sets of DNs, the only thing
// held for the whole listing), then the people page by page (RFC 2696
// paged results, PageSize entries a page). An entry whose sign-in name is
// not an account name is left out.
func (d *Directory) People(ctx context.Context, fn func(*core.DirectoryPerson) error) error {
	conn, done, err := d.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	admins, err := d.members(conn, d.c.AdminGroup)
	if err != nil {
		return err
	}
	helpdesk, err := d.members(conn, d.c.HelpdeskGroup)
	if err != nil {
		return err
	}
	return d.paged(ctx, conn, d.c.UserFilter, d.attributes(), func(e *ldap.Entry) error {
		p, err := d.person(e)
		if err != nil {
			return nil
		}
		switch key := dnKey(p.DN); {
		case admins[key]:
			p.Role = core.RoleAdmin
		case helpdesk[key]:
			p.Role = core.RoleHelpdesk
		}
		return fn(p)
	})
}

// paged runs a subtree search under the base, a page at a time, calling
// fn with each entry as its page arrives.
func (d *Directory) paged(ctx context.Context, conn *ldap.Conn, filter string, attrs []string, fn func(*ldap.Entry) error) error {
	paging := ldap.NewControlPaging(d.c.PageSize)
	req := ldap.NewSearchRequest(d.c.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		filter, attrs, []ldap.Control{paging})
	for {
		if err := ctx.Err(); err != nil {
			return core.DirectoryUnreachable(err)
		}
		res, err := conn.Search(req)
		if err != nil {
			return core.DirectoryUnreachable(fmt.Errorf("list people under %s: %w", d.c.BaseDN, err))
		}
		for _, e := range res.Entries {
			if err := fn(e); err != nil {
				d.abandon(conn, req, paging)
				return err
			}
		}
		c, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		if !ok || len(c.Cookie) == 0 {
			return nil
		}
		paging.SetCookie(c.Cookie)
	}
}

// abandon tells the server a paged search ends early (a page size of 0
// with the cookie), so it frees what it kept for it.
func (d *Directory) abandon(conn *ldap.Conn, req *ldap.SearchRequest, paging *ldap.ControlPaging) {
	paging.PagingSize = 0
	_, _ = conn.Search(req)
}

// members returns the DNs (dnKey) of a group's members: its member and
// uniqueMember values on OpenLDAP; on AD every person under the base that
// is a member through nested groups (memberOf with the matching rule
// LDAP_MATCHING_RULE_IN_CHAIN), paged like the people.
func (d *Directory) members(conn *ldap.Conn, group string) (map[string]bool, error) {
	set := map[string]bool{}
	if group == "" {
		return set, nil
	}
	if d.c.Kind == KindActiveDirectory {
		filter := fmt.Sprintf("(&%s(memberOf:1.2.840.113556.1.4.1941:=%s))", d.c.UserFilter, ldap.EscapeFilter(group))
		err := d.paged(context.Background(), conn, filter, []string{"1.1"}, func(e *ldap.Entry) error {
			set[dnKey(e.DN)] = true
			return nil
		})
		return set, err
	}
	res, err := conn.Search(ldap.NewSearchRequest(group, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"member", "uniqueMember"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return set, nil
	}
	if err != nil {
		return nil, core.DirectoryUnreachable(fmt.Errorf("read group %s: %w", group, err))
	}
	for _, e := range res.Entries {
		for _, v := range append(e.GetEqualFoldAttributeValues("member"), e.GetEqualFoldAttributeValues("uniqueMember")...) {
			set[dnKey(v)] = true
		}
	}
	return set, nil
}

// dnKey is a DN in one spelling for comparing: attribute types and values
// folded to lower case, no spaces around separators.
func dnKey(dn string) string {
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(dn))
	}
	var b strings.Builder
	for i, rdn := range parsed.RDNs {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, a := range rdn.Attributes {
			if j > 0 {
				b.WriteByte('+')
			}
			b.WriteString(strings.ToLower(a.Type))
			b.WriteByte('=')
			b.WriteString(strings.ToLower(a.Value))
		}
	}
	return b.String()
}
