package core

import (
	_ "embed"
	"strings"
	"unicode/utf8"
)

// Password lengths of DESIGN section 5.
const (
	MinPasswordLength             = 8
	MinPasswordLengthSingleFactor = 15
	MaxPasswordLength             = 256
)

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordsText, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// ValidatePassword checks a new password: its length (longer when the
// account has no second factor), that it is not a common password, and that
// it does not contain the account's name. Returns EINVALID saying what to do.
func ValidatePassword(password, accountName string, hasSecondFactor bool) error {
	n := utf8.RuneCountInString(password)
	min := MinPasswordLengthSingleFactor
	if hasSecondFactor {
		min = MinPasswordLength
	}
	switch {
	case n < min && !hasSecondFactor:
		return Errorf(EINVALID, "Use at least %d characters: without a second sign-in method the password is all that protects the account.", min)
	case n < min:
		return Errorf(EINVALID, "Use at least %d characters.", min)
	case n > MaxPasswordLength:
		return Errorf(EINVALID, "A password can be at most %d characters long.", MaxPasswordLength)
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] || commonPasswords[strings.Join(strings.Fields(lower), "")] {
		return Errorf(EINVALID, "This password is on a list of common passwords. Choose one that is harder to guess.")
	}
	local, _, _ := strings.Cut(strings.ToLower(accountName), "@")
	if len(local) >= 3 && strings.Contains(lower, local) {
		return Errorf(EINVALID, "The password must not contain your account name.")
	}
	return nil
}
