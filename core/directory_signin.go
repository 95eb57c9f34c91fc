package core

import (
	"context"
	"strings"
	"time"
)

// Where a directory is configured (Options.Directory), the directory is
// the source of people and passwords: a sign-in binds as the person's
// entry, and a change or reset writes the directory's password. Nothing
// here stores or compares a directory person's password: such an account
// has no PasswordHash. What this file decides:
//
//   - A person not in the directory, outside its filter, or disabled there
//     gets the answer of a wrong password (badSignIn), after the same
//     counting: the lockout, the per-address limit and the two-step rules
//     are those of every sign-in.
//   - A directory that cannot be reached says so (directory.unreachable)
//     and the attempt is not counted against the person; there is no
//     fallback to a local password.
//   - A first sign-in adds the person at once, with the role of their
//     groups; every sign-in brings the role and display name up to date.

// directoryPerson finds the person for name in the directory: nil (no
// error) for one who may not sign in (not there, outside the filter,
// disabled).
func (s *Local) directoryPerson(ctx context.Context, name string) (*DirectoryPerson, error) {
	p, err := s.dir.Person(ctx, name)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	case p.Disabled:
		return nil, nil
	}
	return p, nil
}

// directoryBind is the check of a sign-in by password against the
// directory: found, enabled, and the bind accepted. It returns the person
// when it was right.
func (s *Local) directoryBind(ctx context.Context, name, password string) (*DirectoryPerson, bool, error) {
	p, err := s.directoryPerson(ctx, name)
	if err != nil {
		return nil, false, err
	}
	// Nobody binds too (as an entry that does not exist), so a made-up or
	// disabled name takes as long as a wrong password.
	ok, err := s.dir.CheckPassword(ctx, p, password)
	if p == nil {
		return nil, false, err
	}
	if err != nil || !ok {
		return nil, false, err
	}
	return p, true, nil
}

// signInDirectory is SignIn with a directory.
func (s *Local) signInDirectory(ctx context.Context, name, password string) (*SignInStep, error) {
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil, err
	}
	begun := s.clock() // before the password's check
	var person *DirectoryPerson
	acct, err := s.signInAttempt(ctx, norm, func(Tx, *Account) error { return nil }, func(*Account) (bool, error) {
		p, right, err := s.directoryBind(ctx, norm, password)
		person = p
		return right, err
	})
	if err != nil || person == nil {
		return nil, err
	}
	if acct, err = s.adoptPerson(ctx, acct, person); err != nil {
		return nil, err
	}
	var methods []*Method
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		methods, err = tx.Methods(acct.ID)
		return err
	}); err != nil {
		return nil, err
	}
	return s.afterPassword(ctx, acct, methods, begun)
}

// adoptPerson makes the account match the directory's person after a
// right sign-in: created at once for a first sign-in (audited as the
// directory's), its role and display name brought up to date, and the
// directory's "must change" taken on.
func (s *Local) adoptPerson(ctx context.Context, acct *Account, p *DirectoryPerson) (*Account, error) {
	var out *Account
	err := s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.AccountByName(p.Name)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			out, err = s.addPerson(tx, p)
			return err
		case err != nil:
			return err
		}
		if acct != nil && cur.ID != acct.ID {
			return badSignIn
		}
		changed := s.updatePerson(cur, p)
		if p.MustChange && !cur.PasswordMustChange {
			cur.PasswordMustChange, changed = true, true
		}
		if changed {
			if err := tx.UpdateAccount(cur); err != nil {
				return err
			}
		}
		out = cur
		return nil
	})
	return out, err
}

// directoryActor is the directory acting: a sync or a first sign-in.
var directoryActor = Actor{Name: "directory", Source: "directory"}

// addPerson creates the account of a directory person, audited.
func (s *Local) addPerson(tx Tx, p *DirectoryPerson) (*Account, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	display := p.DisplayName
	if n, err := NormalizeText("display name", display); err == nil {
		display = n
	} else {
		display = ""
	}
	now := s.clock()
	a := &Account{ID: id, Name: p.Name, DisplayName: display, Role: p.Role, Language: "en", CreatedAt: now,
		PasswordChangedAt: now, PasswordMustChange: p.MustChange}
	if err := tx.CreateAccount(a); err != nil {
		return nil, err
	}
	return a, s.audit(tx, directoryActor, a, ActionDirectoryAdded, "", "role "+string(a.Role), "")
}

// updatePerson brings an account's role and display name to the
// directory's and reports whether anything changed.
func (s *Local) updatePerson(a *Account, p *DirectoryPerson) bool {
	changed := false
	if a.Role != p.Role {
		a.Role, changed = p.Role, true
	}
	if n, err := NormalizeText("display name", p.DisplayName); err == nil && n != a.DisplayName {
		a.DisplayName, changed = n, true
	}
	return changed
}

// afterPassword is what follows a right password: a session at once for
// an account without a second method, else a pending sign-in.
// begun is when the sign-in began, before its password was checked: a
// report of the account since refuses it (see stillSignsIn).
func (s *Local) afterPassword(ctx context.Context, acct *Account, methods []*Method, begun time.Time) (*SignInStep, error) {
	options := signInOptions(acct, methods)
	if len(options) == 0 && callerFrom(ctx) != nil {
		return &SignInStep{Account: acct}, nil // no second step: the caller refuses it (verify.go)
	}
	if len(options) == 0 {
		sess, err := s.startSession(ctx, acct, false, begun)
		if err != nil {
			return nil, err
		}
		return &SignInStep{Session: sess, Account: acct}, nil
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	v := &Verification{ID: id, AccountID: acct.ID, Purpose: VerifySignIn, Flow: signInFlow(ctx, id), Language: acct.Language, CreatedAt: now, ExpiresAt: now.Add(SignInLifetime)}
	if err := s.store.Update(ctx, func(tx Tx) error {
		if err := samePassword(tx, acct); err != nil {
			return err
		}
		// A report since the check ended every pending sign-in, and
		// would have ended this one.
		if reported, err := reportedSince(tx, acct.ID, begun); err != nil {
			return err
		} else if reported {
			return badSignIn
		}
		return tx.CreateVerification(v)
	}); err != nil {
		return nil, err
	}
	return &SignInStep{Pending: &PendingSignIn{ID: id, Options: options, ExpiresAt: v.ExpiresAt}}, nil
}

// directoryPassword writes a password to the directory for acct: as the
// person with their current one (current != ""), else as the service,
// with mustChange for the help desk's temporary password. A person no
// longer in the directory gets the answer of a wrong password.
func (s *Local) directoryPassword(ctx context.Context, acct *Account, current, next string, mustChange bool) error {
	p, err := s.directoryPerson(ctx, acct.Name)
	if err != nil {
		return err
	}
	if p == nil {
		return badSignIn
	}
	if current != "" {
		return s.dir.ChangePassword(ctx, p, current, next)
	}
	return s.dir.SetPassword(ctx, p, next, mustChange)
}

// directoryTemporaryPassword is a temporary password a directory takes:
// digits, lower and upper case letters all in it (AD's complexity rule
// wants three kinds).
func (s *Local) directoryTemporaryPassword() (string, error) {
	for {
		pw, err := s.newPass(temporaryPasswordLength)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(pw, "23456789") && strings.ContainsAny(pw, "abcdefghijkmnpqrstuvwxyz") &&
			strings.ContainsAny(pw, "ABCDEFGHJKLMNPQRSTUVWXYZ") {
			return pw, nil
		}
	}
}

// HasDirectory reports whether people and passwords come from a
// directory.
func (s *Local) HasDirectory() bool { return s.dir != nil }

// directoryPhones reads the person's directory numbers for their Security
// info page; a directory that cannot be reached or has no such person
// shows none (the page still opens).
func (s *Local) directoryPhones(ctx context.Context, acct *Account) *DirectoryPhones {
	if s.dir == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	p, err := s.dir.Person(ctx, acct.Name)
	if err != nil {
		if ErrorCode(err) != ENOTFOUND {
			s.log.Warn("directory phones", "account", acct.Name, "err", err)
		}
		return nil
	}
	if p.Mobile == "" && p.OfficePhone == "" {
		return nil
	}
	return &DirectoryPhones{Mobile: p.Mobile, OfficePhone: p.OfficePhone}
}

// The IDs of a person's directory numbers in an identity check: the help
// desk calls back a number from the directory, one the caller cannot have
// chosen (the strongest defence against a caller who claims to be someone
// else), offered first where SecurityInfo.Directory has one.
const (
	DirectoryMobileID = "directory:mobile"
	DirectoryOfficeID = "directory:office"
)

// directoryCallback is the method an identity check calls back for a
// directory number's ID (nil for any other ID): a voice call to the
// number the directory has now. The agent is checked before the
// directory is asked. ENOTFOUND without a directory or such a number.
func (s *Local) directoryCallback(ctx context.Context, accountID, methodID string) (*Method, error) {
	if methodID != DirectoryMobileID && methodID != DirectoryOfficeID {
		return nil, nil
	}
	var acct *Account
	if err := s.onDesk(ctx, accountID, false, func(_ Tx, _ Actor, a *Account, _ *Policy, _ time.Time) error {
		acct = a
		return nil
	}); err != nil {
		return nil, err
	}
	if s.dir == nil {
		return nil, Errorf(ENOTFOUND, "That method is not in your security info.")
	}
	p, err := s.directoryPerson(ctx, acct.Name)
	if err != nil {
		return nil, err
	}
	number, kind := "", KindPhone
	if p != nil {
		number = p.Mobile
		if methodID == DirectoryOfficeID {
			number, kind = p.OfficePhone, KindOfficePhone
		}
	}
	if number == "" {
		return nil, Errorf(ENOTFOUND, "The directory has no such number for this person.")
	}
	ph, err := ParsePhone(number, "", "", kind, &Policy{})
	if err != nil {
		return nil, Errorf(EINVALID, "The directory's number for this person is not one that can be called: %s", ErrorMessage(err))
	}
	return &Method{ID: methodID, AccountID: accountID, Kind: kind, Detail: ph.E164, Extension: ph.Extension,
		Channel: ChannelVoice, Language: acct.Language}, nil
}

// identityMethod is the method an identity check's verification was sent
// to: one of the account's, or the directory number it called back (as
// the verification recorded it).
func identityMethod(tx Tx, accountID string, v *Verification) (*Method, error) {
	if v.MethodID == DirectoryMobileID || v.MethodID == DirectoryOfficeID {
		return &Method{ID: v.MethodID, AccountID: accountID, Kind: v.Kind, Detail: v.Detail, Extension: v.Extension,
			Channel: v.Channel, Language: v.Language}, nil
	}
	return ownMethod(tx, accountID, v.MethodID)
}
