package core

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what an account may do beyond managing its own security info.
type Role string

// Roles. The first account of a store is always an admin.
const (
	RoleUser     Role = "user"
	RoleHelpdesk Role = "helpdesk"
	RoleAdmin    Role = "admin"
)

// ParseRole parses "user", "helpdesk" or "admin". Returns EINVALID.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleUser, RoleHelpdesk, RoleAdmin:
		return r, nil
	}
	return "", Errorf(EINVALID, "%q is not a role. Use user, helpdesk or admin.", s)
}

// Account is a person who signs in and owns security info.
type Account struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"` // sign-in name, such as alice@contoso.com, stored lower-case
	DisplayName string    `json:"displayName"`
	Role        Role      `json:"role"`
	Language    string    `json:"language"` // "en" or "de"
	CreatedAt   time.Time `json:"createdAt"`

	// PasswordHash is the argon2id hash of the password (PHC string).
	PasswordHash      string    `json:"-"`
	PasswordChangedAt time.Time `json:"-"`
	// PasswordMustChange is set when the help desk reset the password: the
	// person must choose their own before doing anything else.
	PasswordMustChange bool `json:"passwordMustChange,omitempty"`

	// DefaultMethodID and DefaultChannel name the default sign-in method.
	DefaultMethodID string  `json:"-"`
	DefaultChannel  Channel `json:"-"`

	// RemovalAt is set while the removal of the last security info is
	// pending: the time it takes effect. RemovalMethodID is the method removed.
	RemovalAt       time.Time `json:"-"`
	RemovalMethodID string    `json:"-"`

	// RegistrationSnoozes counts the times "Keep your account secure" was
	// put off.
	RegistrationSnoozes int `json:"-"`
	// ConfirmedAt is when the person last confirmed their security info;
	// ReconfirmNoticedAt when they were first asked to since; and
	// ReconfirmSkippedUntil until when they put it off.
	ConfirmedAt           time.Time `json:"-"`
	ReconfirmNoticedAt    time.Time `json:"-"`
	ReconfirmSkippedUntil time.Time `json:"-"`
}

// MaxAccountNameLength is the longest account name accepted.
const MaxAccountNameLength = 254

// NormalizeAccountName normalises a sign-in name and checks it: Unicode
// NFKC, trimmed and lower-cased, so a name that looks the same is the same.
// A name is a user principal name (alice@contoso.com) or a plain user name
// of letters, digits and . _ - +. It refuses what NormalizeText refuses
// (control, format and invisible characters), symbols and spaces, and a
// part of the name, between dots and @, that mixes scripts (a Cyrillic "а"
// in a Latin "admin"); a name wholly in one script, such as
// иван@contoso.com, is fine. NameSkeleton finds names that look like
// another. Returns EINVALID with what is wrong.
func NormalizeAccountName(s string) (string, error) {
	name, err := NormalizeText("account name", s)
	if err != nil {
		return "", err
	}
	name, ok := foldAccountName(name)
	if err := checkText("account name", name); err != nil || !ok {
		return "", Errorf(EINVALID, "%q cannot be used as an account name. Use letters, digits and . _ - + @, as in alice@contoso.com.", s)
	}
	switch {
	case name == "":
		return "", Errorf(EINVALID, "Enter an account name, such as alice@contoso.com.")
	case utf8.RuneCountInString(name) > MaxAccountNameLength:
		return "", Errorf(EINVALID, "An account name can be at most %d characters long.", MaxAccountNameLength)
	case strings.Count(name, "@") > 1:
		return "", Errorf(EINVALID, "An account name can contain at most one @, as in alice@contoso.com.")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+@", r) ||
			r >= utf8.RuneSelf && unicode.In(r, unicode.L, unicode.M, unicode.Nd) && !unicode.Is(unicode.Variation_Selector, r)) {
			return "", Errorf(EINVALID, "An account name cannot contain %q. Use letters, digits and . _ - + @, as in alice@contoso.com.", r)
		}
	}
	if local, domain, ok := strings.Cut(name, "@"); ok && (local == "" || !strings.Contains(strings.Trim(domain, "."), ".")) {
		return "", Errorf(EINVALID, "%q is not a complete account name. Use the form alice@contoso.com.", s)
	}
	for _, label := range strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == '@' }) {
		if err := checkAccountLabel(label); err != nil {
			return "", err
		}
	}
	return name, nil
}

// NewAccount is what is needed to create an account.
type NewAccount struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	Role        Role   `json:"role,omitempty"`     // ignored for the first account, which is an admin
	Language    string `json:"language,omitempty"` // "" means English
	Password    string `json:"password"`
}

// MaxDisplayNameLength is the longest display name accepted.
const MaxDisplayNameLength = 128

// Validate checks the fields other than the password and normalises them:
// the name with NormalizeAccountName, the display name with NormalizeText.
// Returns EINVALID.
func (n *NewAccount) Validate() error {
	name, err := NormalizeAccountName(n.Name)
	if err != nil {
		return err
	}
	n.Name = name
	display, err := NormalizeText("display name", n.DisplayName)
	if err != nil {
		return err
	}
	if display == "" {
		display = name
	}
	if utf8.RuneCountInString(display) > MaxDisplayNameLength {
		return Errorf(EINVALID, "A display name can be at most %d characters long.", MaxDisplayNameLength)
	}
	n.DisplayName = display
	if n.Role == "" {
		n.Role = RoleUser
	}
	if _, err := ParseRole(string(n.Role)); err != nil {
		return err
	}
	lang, err := NormalizeLanguage(n.Language)
	if err != nil {
		return err
	}
	n.Language = lang
	return nil
}

// Languages the product ships translations for.
var Languages = []string{"en", "de"}

// NormalizeLanguage maps a language tag ("de-DE", "en_US.UTF-8", "C") to one
// of Languages. "" means English. Returns EINVALID for a tag of a language
// the product does not speak.
func NormalizeLanguage(tag string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(tag))
	if t == "" {
		return "en", nil
	}
	base, _, _ := strings.Cut(strings.NewReplacer("_", "-", ".", "-").Replace(t), "-")
	for _, l := range Languages {
		if base == l {
			return l, nil
		}
	}
	return "", Errorf(EINVALID, "Language %q is not available. Use one of: %s.", tag, strings.Join(Languages, ", "))
}

// NeedsFirstAccount implements Service.
func (s *Local) NeedsFirstAccount(ctx context.Context) (bool, error) {
	if s.dir != nil {
		// Administrators come from the directory's admin group.
		return false, nil
	}
	var n int
	err := s.store.View(ctx, func(tx Tx) (err error) {
		n, err = tx.CountAccounts()
		return err
	})
	return n == 0, err
}

// CreateFirstAccount implements Service: on a store without accounts it
// creates the first one, an administrator, with no actor needed. Once any
// account exists it is refused (ECONFLICT): the core alone decides which
// account is the first, whatever a form asks for.
func (s *Local) CreateFirstAccount(ctx context.Context, n NewAccount) (*Account, error) {
	n.Role = RoleAdmin
	return s.createAccount(ctx, n, true)
}

// firstAccountAllowed refuses a first account from a client over its
// per-address limit, or once any account exists.
func (s *Local) firstAccountAllowed(ctx context.Context) error {
	if err := s.limitClient(ctx, "setup"); err != nil {
		return err
	}
	if s.dir != nil {
		return Reason(ECONFLICT, "directory.firstAccount", nil)
	}
	if err := s.setupAllowed(ctx); err != nil {
		return err
	}
	need, err := s.NeedsFirstAccount(ctx)
	if err != nil {
		return err
	}
	if !need {
		return Reason(ECONFLICT, "account.firstTaken", nil)
	}
	return nil
}

// CreateAccount implements Service: an administrator creates an account.
// On a store without accounts the local administrator's first account is
// an administrator whatever n.Role says.
func (s *Local) CreateAccount(ctx context.Context, n NewAccount) (*Account, error) {
	return s.createAccount(ctx, n, false)
}

func (s *Local) createAccount(ctx context.Context, n NewAccount, first bool) (*Account, error) {
	var a Actor
	if first {
		// Before the password is hashed: a refused setup costs a count,
		// not an argon2id computation (the write checks again).
		if err := s.firstAccountAllowed(ctx); err != nil {
			return nil, err
		}
	} else {
		var sess *Session
		var err error
		if a, sess, err = s.caller(ctx); err != nil {
			return nil, err
		}
		if err := requireRole(a, sess, RoleAdmin); err != nil {
			return nil, err
		}
		if s.dir != nil {
			return nil, Reason(ECONFLICT, "directory.managed", nil)
		}
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if err := ValidatePassword(n.Password, n.Name, false); err != nil {
		return nil, err
	}
	hash, err := HashSecret(n.Password, s.rand)
	if err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	acct := &Account{ID: id, Name: n.Name, DisplayName: n.DisplayName, Role: n.Role, Language: n.Language,
		CreatedAt: now, PasswordHash: hash, PasswordChangedAt: now}
	err = s.store.Update(ctx, func(tx Tx) error {
		existing, err := tx.Accounts()
		if err != nil {
			return err
		}
		switch {
		case len(existing) == 0:
			acct.Role = RoleAdmin
			if first {
				a = Actor{AccountID: acct.ID, Name: acct.Name, Role: RoleAdmin, Source: "setup"}
			}
		case first:
			return Reason(ECONFLICT, "account.firstTaken", nil)
		}
		if err := lookAlike(existing, acct.Name); err != nil {
			return err
		}
		if err := tx.CreateAccount(acct); err != nil {
			return err
		}
		return s.audit(tx, a, acct, ActionAccountCreated, "", string(acct.Role), "")
	})
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// lookAlike refuses a new name that looks like an existing account's
// (the same skeleton: "аdmin" with a Cyrillic а and "admin").
func lookAlike(existing []*Account, name string) error {
	sk := NameSkeleton(name)
	for _, e := range existing {
		if e.Name == name {
			return Errorf(ECONFLICT, "An account named %s already exists.", name)
		}
		if NameSkeleton(e.Name) == sk {
			return Reason(ECONFLICT, "account.lookalike", map[string]any{"Name": name})
		}
	}
	return nil
}

// Accounts implements Service.
func (s *Local) Accounts(ctx context.Context) ([]*Account, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
		return nil, err
	}
	var all []*Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		all, err = tx.Accounts()
		return err
	})
	out := []*Account{}
	for _, acct := range all {
		if mayRead(a, acct) {
			out = append(out, acct)
		}
	}
	return out, err
}

// AccountByName implements Service: one's own account, or, for an
// administrator or the help desk, an account they may act on. Anyone else
// asking for another name gets one answer whether or not it exists, and
// the help desk the same for an account it may not read as for a made-up
// name, so that neither can tell which accounts exist.
func (s *Local) AccountByName(ctx context.Context, name string) (*Account, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil, err
	}
	if norm != a.Name && !IsLocalAdministrator(a) {
		// Before any read: the answer cannot depend on the name.
		if err := requireRole(a, sess, RoleAdmin, RoleHelpdesk); err != nil {
			if a.Role != RoleAdmin && a.Role != RoleHelpdesk {
				return nil, Reason(EFORBIDDEN, "forbidden.own", nil)
			}
			return nil, err
		}
	}
	var acct *Account
	err = s.store.View(ctx, func(tx Tx) (err error) {
		acct, err = tx.AccountByName(norm)
		return err
	})
	if ErrorCode(err) == ENOTFOUND || err == nil && acct.ID != a.AccountID && !mayRead(a, acct) {
		return nil, Errorf(ENOTFOUND, "There is no account named %s that you may act on.", norm)
	} else if err != nil {
		return nil, err
	}
	if err := authorize(a, sess, acct, readOnly); err != nil {
		return nil, err
	}
	return acct, nil
}
