package core

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MethodKind is a kind of security info. The values are the JSON values used
// by the command line and the HTTP API.
type MethodKind string

// The method kinds of DESIGN section 2.
const (
	KindAuthenticatorApp    MethodKind = "authenticatorApp"
	KindPhone               MethodKind = "phone"
	KindAlternatePhone      MethodKind = "alternatePhone"
	KindOfficePhone         MethodKind = "officePhone"
	KindEmail               MethodKind = "email"
	KindSecurityQuestions   MethodKind = "securityQuestions"
	KindSecurityKey         MethodKind = "securityKey"
	KindTemporaryAccessPass MethodKind = "temporaryAccessPass"
	// KindRecoveryCodes is a set of one-time recovery codes: a way back
	// in as a second step or a reset's proof, not a daily method.
	KindRecoveryCodes MethodKind = "recoveryCodes"
	// KindWindowsHello is a computer's own authenticator (Windows Hello: a
	// platform authenticator, the user verified), offered and enabled by
	// the policy on its own; it is registered and stored as a security key
	// with ChannelPlatform, and signs in and resets like one.
	KindWindowsHello MethodKind = "windowsHello"
)

// Channel is how a method delivers or produces its proof.
type Channel string

// Channels. A phone can text or call; the other phones only call.
const (
	ChannelSMS   Channel = "sms"
	ChannelVoice Channel = "voice"
	ChannelEmail Channel = "email"
	ChannelApp   Channel = "app" // a code from an authenticator app
	ChannelKey   Channel = "key" // a FIDO2 assertion
	// ChannelPlatform is a security key bound to one computer (Windows
	// Hello): a FIDO2 assertion too, from that computer only.
	ChannelPlatform Channel = "platform"
	ChannelNone     Channel = "" // answers, passes
)

// Usage is what a method can be used for.
type Usage string

// Usages, as they appear in JSON "usableFor".
const (
	UsageSignIn Usage = "signIn"
	UsageReset  Usage = "reset"
)

// KindInfo describes one kind: how it is shown, what it is good for and how
// many an account may have.
type KindInfo struct {
	Kind     MethodKind
	Label    string    // English label; the UI translates by Kind
	SignIn   bool      // usable for two-step sign-in
	Reset    bool      // usable for self-service password reset
	Max      int       // how many an account may register
	Channels []Channel // channels it can be verified through, strongest first
}

// kinds lists every kind in the order the "Add sign-in method" list shows them.
var kinds = []KindInfo{
	{KindAuthenticatorApp, "Authenticator app", true, true, 5, []Channel{ChannelApp}},
	{KindPhone, "Phone", true, true, 1, []Channel{ChannelSMS, ChannelVoice}},
	{KindAlternatePhone, "Alternate phone", true, true, 1, []Channel{ChannelVoice}},
	{KindOfficePhone, "Office phone", true, true, 1, []Channel{ChannelVoice}},
	{KindEmail, "Email", false, true, 1, []Channel{ChannelEmail}},
	{KindSecurityQuestions, "Security questions", false, true, 1, []Channel{ChannelNone}},
	{KindSecurityKey, "Security key", true, true, 10, []Channel{ChannelKey}},
	{KindTemporaryAccessPass, "Temporary Access Pass", true, false, 1, []Channel{ChannelNone}},
	{KindRecoveryCodes, "Recovery codes", true, true, 1, []Channel{ChannelNone}},
	{KindWindowsHello, "Windows Hello", true, true, 10, []Channel{ChannelPlatform}},
}

// Kinds returns every method kind, in display order.
func Kinds() []KindInfo {
	return append([]KindInfo(nil), kinds...)
}

// Info returns the description of k, and false for an unknown kind.
func (k MethodKind) Info() (KindInfo, bool) {
	for _, ki := range kinds {
		if ki.Kind == k {
			return ki, true
		}
	}
	return KindInfo{}, false
}

// Valid reports whether k is a known kind.
func (k MethodKind) Valid() bool {
	_, ok := k.Info()
	return ok
}

// IsPhone reports whether k is one of the three phone kinds.
func (k MethodKind) IsPhone() bool {
	return k == KindPhone || k == KindAlternatePhone || k == KindOfficePhone
}

// ParseKind parses a JSON kind value. Returns EINVALID naming the known kinds.
func ParseKind(s string) (MethodKind, error) {
	k := MethodKind(strings.TrimSpace(s))
	if !k.Valid() {
		names := make([]string, len(kinds))
		for i, ki := range kinds {
			names[i] = string(ki.Kind)
		}
		return "", Errorf(EINVALID, "%q is not a method kind. Use one of: %s.", s, strings.Join(names, ", "))
	}
	return k, nil
}

// Method is one registered, proven piece of security info.
type Method struct {
	ID        string
	AccountID string
	Kind      MethodKind
	// Detail is what the method is: an E.164 number for phones, an address for
	// email, empty for apps, keys and questions.
	Detail     string
	Extension  string  // office phone extension, digits only
	Channel    Channel // the channel chosen at registration
	Name       string  // user-chosen name of an app or key
	Language   string  // language messages to this method are written in
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used

	// Secret is the sealed reversible secret (TOTP seed); never shown.
	Secret []byte `json:"-"`
	// LastStep is the last accepted TOTP time step, so a code is used once.
	LastStep int64 `json:"-"`
}

// UsableFor returns what the method can be used for.
func (m *Method) UsableFor() []Usage {
	ki, _ := m.Kind.Info()
	var u []Usage
	if ki.SignIn {
		u = append(u, UsageSignIn)
	}
	if ki.Reset {
		u = append(u, UsageReset)
	}
	return u
}

// MaxNameLength is the longest name an app or key may carry.
const MaxNameLength = 64

// ValidateMethodName checks a user-chosen name for an app or key and
// normalises it with NormalizeText, which refuses control, format and other
// invisible characters. Returns EINVALID.
func ValidateMethodName(name string) (string, error) {
	name, err := NormalizeText("name", name)
	switch {
	case err != nil:
		return "", err
	case name == "":
		return "", Errorf(EINVALID, "Enter a name, for example the phone the app is on.")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", Errorf(EINVALID, "A name can be at most %d characters long.", MaxNameLength)
	}
	return name, nil
}

// isControl reports whether r is a control character: C0, DEL or C1.
func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }
