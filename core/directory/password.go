package directory

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/core"
)

// SetPassword implements core.Directory, as the service account: the
// Password Modify extended operation on OpenLDAP, a replace of unicodePwd
// on AD (over TLS only). With mustChange the entry is marked to change it
// at the next sign-in (pwdReset TRUE; pwdLastSet 0), else that mark is
// cleared.
func (d *Directory) SetPassword(ctx context.Context, p *core.DirectoryPerson, password string, mustChange bool) error {
	if p == nil || p.DN == "" || password == "" {
		return core.Reason(core.EINVALID, "directory.passwordRefused", nil)
	}
	if d.c.Kind == KindActiveDirectory && !d.secure {
		return core.DirectoryUnreachable(errors.New("active directory takes a password only over TLS: use ldaps:// or start_tls"))
	}
	conn, done, err := d.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	if d.c.Kind == KindActiveDirectory {
		req := ldap.NewModifyRequest(p.DN, nil)
		req.Replace("unicodePwd", []string{adPassword(password)})
		if err := conn.Modify(req); err != nil {
			return d.refusal("set the password of "+p.DN, err)
		}
		last := "-1"
		if mustChange {
			last = "0"
		}
		req = ldap.NewModifyRequest(p.DN, nil)
		req.Replace("pwdLastSet", []string{last})
		if err := conn.Modify(req); err != nil {
			return core.DirectoryUnreachable(fmt.Errorf("set pwdLastSet of %s: %w", p.DN, err))
		}
		return nil
	}
	if _, err := conn.PasswordModify(ldap.NewPasswordModifyRequest(p.DN, "", password)); err != nil {
		return d.refusal("set the password of "+p.DN, err)
	}
	req := ldap.NewModifyRequest(p.DN, nil)
	if mustChange {
		req.Replace("pwdReset", []string{"TRUE"})
	} else {
		req.Delete("pwdReset", nil)
	}
	// Without the ppolicy overlay there is no pwdReset (undefined
	// attribute type): the service's own "must change" still holds.
	if err := conn.Modify(req); err != nil && !ldap.IsErrorAnyOf(err, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultUndefinedAttributeType) {
		return core.DirectoryUnreachable(fmt.Errorf("set pwdReset of %s: %w", p.DN, err))
	}
	return nil
}

// ChangePassword implements core.Directory, as the person: bound with the
// current password, the Password Modify extended operation with the old
// and new passwords on OpenLDAP, the delete-and-add of unicodePwd on AD.
func (d *Directory) ChangePassword(ctx context.Context, p *core.DirectoryPerson, current, next string) error {
	if p == nil || p.DN == "" || current == "" || p.Disabled {
		return core.Reason(core.EINVALID, "signin.wrong", nil)
	}
	if next == "" {
		return core.Reason(core.EINVALID, "directory.passwordRefused", nil)
	}
	if d.c.Kind == KindActiveDirectory && !d.secure {
		return core.DirectoryUnreachable(errors.New("active directory takes a password only over TLS: use ldaps:// or start_tls"))
	}
	if d.c.Kind == KindActiveDirectory && p.MustChange {
		return d.changeMustChange(ctx, p, current, next)
	}
	conn, done, err := d.dial(ctx)
	if err != nil {
		return err
	}
	defer done()
	if err := conn.Bind(p.DN, current); err != nil {
		var le *ldap.Error
		if errors.As(err, &le) && refusedBind[le.ResultCode] {
			return core.Reason(core.EINVALID, "signin.wrong", nil)
		}
		return core.DirectoryUnreachable(fmt.Errorf("bind as %s: %w", p.DN, err))
	}
	if d.c.Kind == KindActiveDirectory {
		req := ldap.NewModifyRequest(p.DN, nil)
		req.Delete("unicodePwd", []string{adPassword(current)})
		req.Add("unicodePwd", []string{adPassword(next)})
		if err := conn.Modify(req); err != nil {
			return d.refusal("change the password of "+p.DN, err)
		}
		return nil
	}
	if _, err := conn.PasswordModify(ldap.NewPasswordModifyRequest("", current, next)); err != nil {
		return d.refusal("change the password of "+p.DN, err)
	}
	return nil
}

// changeMustChange is the change of an AD password marked "must change":
// AD lets no such person bind, so the current password is proven by the
// bind's answer (data 773 comes only for the right one) and the new one
// set by the service, clearing the mark.
func (d *Directory) changeMustChange(ctx context.Context, p *core.DirectoryPerson, current, next string) error {
	right, err := d.CheckPassword(ctx, p, current)
	if err != nil {
		return err
	}
	if !right {
		return core.Reason(core.EINVALID, "signin.wrong", nil)
	}
	return d.SetPassword(ctx, p, next, false)
}

// adPassword is a password as AD's unicodePwd takes it: in double quotes,
// UTF-16LE.
func adPassword(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

// refusal turns the directory's answer to a password write into a reason
// a person can act on: its password policy's refusals (OpenLDAP's
// ppolicy diagnostics, AD's constraint violation and its extended error)
// are EINVALID with a directory.password* reason; anything else is the
// directory being unavailable, with the result kept for the log.
func (d *Directory) refusal(what string, err error) error {
	var le *ldap.Error
	if !errors.As(err, &le) {
		return core.DirectoryUnreachable(fmt.Errorf("%s: %w", what, err))
	}
	msg := strings.ToLower(le.Err.Error())
	switch le.ResultCode {
	case ldap.LDAPResultConstraintViolation:
		switch {
		case strings.Contains(msg, "history"):
			return core.Reason(core.EINVALID, "directory.passwordHistory", nil)
		case strings.Contains(msg, "too young"):
			return core.Reason(core.EINVALID, "directory.passwordTooYoung", nil)
		case strings.Contains(msg, "quality"), strings.Contains(msg, "too short"), strings.Contains(msg, "not long enough"),
			strings.Contains(msg, "complexity"):
			return core.Reason(core.EINVALID, "directory.passwordQuality", nil)
		case strings.Contains(msg, "0000052d"):
			// AD: the password does not meet the domain's policy
			// (length, complexity, history or minimum age: AD does
			// not say which).
			return core.Reason(core.EINVALID, "directory.passwordPolicy", nil)
		}
		return core.Reason(core.EINVALID, "directory.passwordRefused", nil)
	case ldap.LDAPResultUnwillingToPerform:
		if strings.Contains(msg, "0000052d") {
			return core.Reason(core.EINVALID, "directory.passwordPolicy", nil)
		}
		return core.Reason(core.EINVALID, "directory.passwordRefused", nil)
	}
	return core.DirectoryUnreachable(fmt.Errorf("%s: %w", what, err))
}
