package core

import "regexp"

var (
	// Runs of six or more digits (codes, phone numbers, with spaces,
	// dashes or commas inside, as a voice call spells a code: "4, 5, 7")
	// and of sixteen or more Base32 letters (TOTP secrets).
	digitRun  = regexp.MustCompile(`\+?\d[\d ,\-]{4,}\d`)
	base32Run = regexp.MustCompile(`\b[A-Z2-7]{16,}\b`)
	emailLike = regexp.MustCompile(`([A-Za-z0-9._%+\-]{1,2})[A-Za-z0-9._%+\-]*@`)
)

// Redact hides what may be a code, a phone number, a secret or the local
// part of an address in a text bound for a log, such as the error of an
// outside service that quoted the request back. Logs keep the shape of the
// problem, never the values.
func Redact(s string) string {
	s = digitRun.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 6 {
			return m // "error 451, 4.3.0": no code or number
		}
		return "[digits]"
	})
	s = base32Run.ReplaceAllString(s, "[secret]")
	return emailLike.ReplaceAllString(s, "$1*****@")
}
