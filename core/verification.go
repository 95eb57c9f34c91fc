package core

import (
	"fmt"
	"time"
)

// Verification is a code or an enrolment waiting to be proven: a method
// being added, or an existing method asked to prove itself. Only the keyed
// hash of a code is kept; an enrolment's TOTP seed is sealed.
type Verification struct {
	ID        string
	AccountID string
	Purpose   string // VerifyAdd, VerifyProve or VerifySignIn
	// Flow is what the verification was made for: FlowOwner (the owner's
	// own page), or a sign-in or reset ("signin:ID", "reset:ID"). A code is
	// accepted only by the flow that asked for it.
	Flow      string
	Kind      MethodKind // the kind being added or proven
	MethodID  string     // the method proven (VerifyProve)
	Detail    string     // destination: E.164 number or address
	Extension string
	Channel   Channel
	Name      string // app name (enrolment)
	Language  string
	CodeHash  []byte
	Secret    []byte // sealed TOTP seed (enrolment)
	CreatedAt time.Time
	SentAt    time.Time // last send
	ExpiresAt time.Time
	Tries     int       // wrong tries of the current code
	UsedAt    time.Time // set once, by the single write that consumes it
}

// Verification purposes.
const (
	VerifyAdd   = "add"
	VerifyProve = "prove"
)

// Send is one code sent, kept to enforce the send limits.
type Send struct {
	AccountID   string // a decoy reset's sends carry a made-up account ID
	Destination string
	Channel     Channel
	Purpose     string // SendAdd, SendSignIn, SendReset or SendOwner
	At          time.Time
}

// Send purposes: the limits of each are counted apart, so that adds and
// resets (which others can start) never use up the codes an account's
// owner needs to sign in.
const (
	SendAdd    = "add"    // a number or address being added
	SendSignIn = "signin" // a second step of a sign-in
	SendReset  = "reset"  // a proof during a password reset
	SendOwner  = "owner"  // the owner proving a method on their own page
)

// Flows a verification is bound to.
const FlowOwner = "owner"

// SendFilter selects sends after a time. Empty fields select any value;
// at least one of AccountID and Destination is set.
type SendFilter struct {
	AccountID   string
	Destination string
	Purpose     string
	Since       time.Time
}

// Challenge is what a person is told after a code was sent.
type Challenge struct {
	VerificationID string    `json:"verificationId"`
	Destination    string    `json:"destination"` // E.164 or address when adding; masked when proving
	Channel        Channel   `json:"channel"`
	CodeLength     int       `json:"codeLength"`
	ExpiresAt      time.Time `json:"expiresAt"`
	ResendAfter    time.Time `json:"resendAfter"`
}

// clockTime formats a time for a message: "10:57 UTC", with the date when
// it is not today.
func clockTime(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04 UTC")
	}
	return t.Format("2 January 2006 15:04 UTC")
}

// inWords says a short duration the way a person would: "12 seconds", "3 minutes".
func inWords(d time.Duration) string {
	switch s := int((d + time.Second - 1) / time.Second); {
	case s <= 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	case s < 120:
		return "1 minute"
	default:
		return fmt.Sprintf("%d minutes", (s+59)/60)
	}
}
