package core

import "regexp"

var (
	// Runs of six or more digits (codes, phone numbers, with spaces or
	// dashes inside) and of sixteen or more Base32 letters (TOTP secrets).
	digitRun  = regexp.MustCompile(`\+?\d[\d \-]{4,}\d`)
	base32Run = regexp.MustCompile(`\b[A-Z2-7]{16,}\b`)
	emailLike = regexp.MustCompile(`([A-Za-z0-9._%+\-]{1,2})[A-Za-z0-9._%+\-]*@`)
)

// Redact hides what may be a code, a phone number, a secret or the local
// part of an address in a text bound for a log, such as the error of an
// outside service that quoted the request back. Logs keep the shape of the
// problem, never the values.
func Redact(s string) string {
	s = digitRun.ReplaceAllStringFunc(s, func(m string) string {
		if len(m) <= 2 {
			return m
		}
		return "[digits]"
	})
	s = base32Run.ReplaceAllString(s, "[secret]")
	return emailLike.ReplaceAllString(s, "$1*****@")
}
