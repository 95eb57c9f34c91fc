package core

import (
	"context"
	"errors"
)

// Directory is the organisation's directory (OpenLDAP, Active Directory)
// where one is configured: the source of people, their passwords, their
// directory phone numbers and their roles. The core asks it and never
// keeps or compares a directory person's password; core/directory is the
// LDAP adapter. Every method returns EUNAVAILABLE (reason
// directory.unreachable) when the directory cannot be reached or answers
// with an error nothing here can act on, so the caller says so and never
// falls back to a local password.
type Directory interface {
	// Person finds the person whose sign-in name is name, with their
	// role from the groups. ENOTFOUND when no entry within the base and
	// the filter has that name (or more than one has).
	Person(ctx context.Context, name string) (*DirectoryPerson, error)
	// CheckPassword binds as the person's entry with password and
	// reports whether the directory accepted it. A refused bind is
	// (false, nil) whatever the directory's reason (wrong password,
	// locked, disabled), so no caller can tell them apart.
	CheckPassword(ctx context.Context, p *DirectoryPerson, password string) (bool, error)
	// SetPassword sets the person's password as the service (a
	// self-service reset, the help desk's reset), and with mustChange
	// marks it to be changed at the next sign-in (OpenLDAP's pwdReset,
	// AD's pwdLastSet=0), else clears that mark. The directory's
	// refusals are EINVALID with a directory.password* reason; nothing
	// changes then.
	SetPassword(ctx context.Context, p *DirectoryPerson, password string, mustChange bool) error
	// ChangePassword changes the person's password as the person, with
	// the current one. A wrong current password is EINVALID with reason
	// signin.wrong; refusals as for SetPassword.
	ChangePassword(ctx context.Context, p *DirectoryPerson, current, next string) error
	// People calls fn with every person within the base and the filter,
	// page by page (RFC 2696), so a large directory is read in bounded
	// memory. It stops at fn's first error and returns it.
	People(ctx context.Context, fn func(*DirectoryPerson) error) error
	// Describe says which directory this is (kind, URL, base), with no
	// secret, for logs and `securityinfoctl directory check`.
	Describe() string
}

// DirectoryPerson is a person as the directory has them.
type DirectoryPerson struct {
	// DN is the entry's distinguished name: what a bind names.
	DN string `json:"dn"`
	// Name is the sign-in name (name_attribute), normalised as an
	// account name is.
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	// Mobile and OfficePhone are the directory's numbers as they are
	// written there (not checked here).
	Mobile      string `json:"mobile,omitempty"`
	OfficePhone string `json:"officePhone,omitempty"`
	// Role comes from group membership: admin_group, helpdesk_group,
	// else user.
	Role Role `json:"role"`
	// Disabled is set for an entry that may not sign in: AD's
	// ACCOUNTDISABLE, OpenLDAP's pwdAccountLockedTime.
	Disabled bool `json:"disabled,omitempty"`
	// MustChange is set when the directory wants the password changed at
	// the next sign-in (pwdReset, pwdLastSet=0).
	MustChange bool `json:"mustChange,omitempty"`
}

// DirectoryPhones are a person's directory numbers, as the Security info
// page shows them: read-only rows "from your organization's directory".
type DirectoryPhones struct {
	Mobile      string `json:"mobile,omitempty"`
	OfficePhone string `json:"officePhone,omitempty"`
}

// ErrDirectoryUnreachable is the error of a directory that cannot be
// reached; errors.Is finds it in an adapter's wrapped errors.
var ErrDirectoryUnreachable = errors.New("directory unreachable")

// DirectoryUnreachable is what a person is told when the directory cannot
// be reached: EUNAVAILABLE with reason directory.unreachable, wrapping
// cause for the log (a cause never carries a password).
func DirectoryUnreachable(cause error) error {
	return &directoryError{person: Reason(EUNAVAILABLE, "directory.unreachable", nil), cause: cause}
}

// directoryError is a person's error with the adapter's cause kept for
// the log.
type directoryError struct {
	person *Error
	cause  error
}

func (e *directoryError) Error() string {
	if e.cause == nil {
		return e.person.Error()
	}
	return e.person.Error() + ": " + e.cause.Error()
}

func (e *directoryError) Unwrap() []error {
	return []error{e.person, ErrDirectoryUnreachable, e.cause}
}
