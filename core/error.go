package core

import (
	"errors"
	"fmt"
)

// Error codes returned by the service. They are stable strings so that the
// remote client can map an HTTP answer back to the same code.
const (
	EINVALID     = "invalid"     // input a person can correct
	ENOTFOUND    = "not_found"   // no such account, method or verification
	ECONFLICT    = "conflict"    // the state forbids it now (pending removal, limit per kind)
	EFORBIDDEN   = "forbidden"   // the actor may not do this
	ELIMITED     = "limited"     // a rate limit; the message says when to try again
	ELOCKED      = "locked"      // too many failures; the message says until when
	EUNAVAILABLE = "unavailable" // an outside thing (keyring, delivery) is not there
	EINTERNAL    = "internal"    // anything unexpected
	EWRONGCODE   = "wrong_code"  // a code or answer did not match
	EEXPIRED     = "expired"     // a code or verification is no longer valid
)

// Error is an error a person can act on: Code is for programs, Message for
// people. Anything that is not an *Error is reported as "Internal error.".
type Error struct {
	Code    string
	Message string
	// Key is the stable reason (reason.go), "" for messages not given
	// one yet; Args are what its words are made from.
	Key  string
	Args map[string]any
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("securityinfo error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// storeFailed tells a store that failed (unavailable, internal) from a
// row that is not there: a lookup that failed for any reason but ENOTFOUND
// goes back to the caller as it is, never as "not found", so that a person
// told "that method is not in your security info" during an outage is not
// misled, and a retry after the outage works.
func storeFailed(err error) bool { return err != nil && ErrorCode(err) != ENOTFOUND }

// ReasonOf returns the reason key of the first *Error in err's chain, ""
// when it has none.
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "Internal error." for any other error, so that nothing unexpected (SQL, paths,
// secrets) ever reaches a person.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
