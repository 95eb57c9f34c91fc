package core

import (
	"fmt"
	"time"
)

// DefaultChoice is one entry of the "Default sign-in method" drop-down: a
// sign-in-capable method with the channel it is used through.
type DefaultChoice struct {
	MethodID string     `json:"methodId"`
	Kind     MethodKind `json:"kind"`
	Channel  Channel    `json:"channel"`
	Label    string     `json:"label"` // "Phone - text (+44 20 7946 0958)"
	// Destination is the phone in international format ("" for an app or
	// key), so a window can word the choice in its own language.
	Destination string `json:"destination,omitempty"`
	// Platform is set for a computer's own key (Windows Hello): its
	// channel is still key, but a window calls it by its name.
	Platform bool `json:"platform,omitempty"`
}

// choiceOf is the default choice of m through channel c.
func choiceOf(m *Method, c Channel) DefaultChoice {
	d := DefaultChoice{MethodID: m.ID, Kind: m.Kind, Channel: c, Label: ChoiceLabel(m, c), Platform: m.Channel == ChannelPlatform}
	if m.Kind.IsPhone() {
		d.Destination = FormatPhone(m.Detail, m.Extension)
	}
	return d
}

// choiceRank orders default choices by strength, strongest first (DESIGN
// section 3). Kinds and channels not listed cannot be the default.
var choiceRank = []struct {
	kind    MethodKind
	channel Channel
}{
	{KindSecurityKey, ChannelKey},
	{KindAuthenticatorApp, ChannelApp},
	{KindPhone, ChannelSMS},
	{KindPhone, ChannelVoice},
	{KindAlternatePhone, ChannelVoice},
	{KindOfficePhone, ChannelVoice},
}

func rankOf(k MethodKind, c Channel) int {
	for i, r := range choiceRank {
		if r.kind == k && r.channel == c {
			return i
		}
	}
	return -1
}

// ChoiceLabel is the English label of a default choice.
func ChoiceLabel(m *Method, c Channel) string {
	switch m.Kind {
	case KindAuthenticatorApp:
		return "Authenticator app or hardware token - code"
	case KindSecurityKey:
		if m.Channel == ChannelPlatform {
			return "Windows Hello" // a key bound to one computer
		}
		return "Security key"
	case KindPhone, KindAlternatePhone, KindOfficePhone:
		ki, _ := m.Kind.Info()
		how := "call"
		if c == ChannelSMS {
			how = "text"
		}
		return fmt.Sprintf("%s - %s (%s)", ki.Label, how, FormatPhone(m.Detail, m.Extension))
	}
	return string(m.Kind)
}

// DefaultChoices lists every choice the methods offer, strongest first.
func DefaultChoices(methods []*Method) []DefaultChoice {
	var out []DefaultChoice
	for _, r := range choiceRank {
		for _, m := range methods {
			if m.Kind == r.kind {
				out = append(out, choiceOf(m, r.channel))
			}
		}
	}
	return out
}

// StrongestChoice returns the strongest default choice among methods, or
// false when none is sign-in capable.
func StrongestChoice(methods []*Method) (DefaultChoice, bool) {
	cs := DefaultChoices(methods)
	if len(cs) == 0 {
		return DefaultChoice{}, false
	}
	return cs[0], true
}

// FindChoice returns the choice for a method and channel, or ECONFLICT when
// that method cannot be the default through that channel. An empty channel
// means the method's own channel (for a phone, the one it was registered with).
func FindChoice(methods []*Method, methodID string, c Channel) (DefaultChoice, error) {
	for _, m := range methods {
		if m.ID != methodID {
			continue
		}
		if c == ChannelNone {
			c = m.Channel
		}
		if c == ChannelPlatform {
			c = ChannelKey // Windows Hello signs in as a key
		}
		if rankOf(m.Kind, c) < 0 {
			ki, _ := m.Kind.Info()
			if !ki.SignIn || m.Kind == KindTemporaryAccessPass || m.Kind == KindRecoveryCodes {
				return DefaultChoice{}, Errorf(ECONFLICT, "%s can't be your default sign-in method: it is not used for two-step sign-in.", ki.Label)
			}
			return DefaultChoice{}, Errorf(ECONFLICT, "%s can't be used through %q. Choose text or call where the phone allows it.", ki.Label, c)
		}
		return choiceOf(m, c), nil
	}
	return DefaultChoice{}, Errorf(ENOTFOUND, "That method is not in your security info.")
}

// DefaultAfterAdd returns the default choice after added joins methods: the
// current one if there is one, else the new method if it can be a default.
// ok is false when there is still no default.
func DefaultAfterAdd(current *DefaultChoice, added *Method) (DefaultChoice, bool) {
	if current != nil && current.MethodID != "" {
		return *current, true
	}
	return StrongestChoice([]*Method{added})
}

// Requirements says whether an account's methods meet the policy.
type Requirements struct {
	SignInMet    bool `json:"signInMet"`    // at least one two-step sign-in method
	ResetMet     bool `json:"resetMet"`     // enough reset methods for the policy
	ResetMethods int  `json:"resetMethods"` // how many reset-capable methods there are
	ResetNeeded  int  `json:"resetNeeded"`  // how many the policy asks for
}

// CheckRequirements evaluates methods against the policy. A Temporary Access
// Pass does not count: it is a stopgap, not registered security info.
func CheckRequirements(methods []*Method, p *Policy) Requirements {
	r := Requirements{ResetNeeded: p.MethodsRequiredForReset}
	for _, m := range methods {
		if m.Kind == KindTemporaryAccessPass {
			continue
		}
		ki, _ := m.Kind.Info()
		if ki.SignIn && (m.Kind != KindRecoveryCodes || p.RecoveryCodesCountForRegistration) {
			r.SignInMet = true
		}
		if ki.Reset {
			r.ResetMethods++
		}
	}
	r.ResetMet = r.ResetMethods >= r.ResetNeeded
	return r
}

// RemovalDelay is how long the removal of the last security info waits.
const RemovalDelay = 30 * 24 * time.Hour

// DeletePreview says what deleting a method will do, before it is done.
type DeletePreview struct {
	Method       *Method        `json:"method"` // the method deleted (without its secret)
	WasDefault   bool           `json:"wasDefault"`
	NewDefault   *DefaultChoice `json:"newDefault"` // nil: no default left
	Requirements Requirements   `json:"requirements"`
	// Scheduled is true when this is the last security info: the removal
	// takes effect at EffectiveAt, 30 days on, and can be cancelled.
	Scheduled   bool      `json:"scheduled"`
	EffectiveAt time.Time `json:"effectiveAt"`
}

// PreviewDelete works out what deleting the method with id from methods
// does, at now. The current default is cur (nil when none). Returns
// ENOTFOUND for a method that is not there.
func PreviewDelete(methods []*Method, cur *DefaultChoice, id string, p *Policy, now time.Time) (*DeletePreview, error) {
	var target *Method
	var rest []*Method
	for _, m := range methods {
		if m.ID == id {
			target = m
		} else {
			rest = append(rest, m)
		}
	}
	if target == nil {
		return nil, Errorf(ENOTFOUND, "That method is not in your security info.")
	}
	pv := &DeletePreview{Method: target, Requirements: CheckRequirements(rest, p)}
	if cur != nil && cur.MethodID == id {
		pv.WasDefault = true
		if c, ok := StrongestChoice(rest); ok {
			pv.NewDefault = &c
		}
	} else if cur != nil && cur.MethodID != "" {
		c := *cur
		pv.NewDefault = &c
	}
	if len(securityInfo(rest)) == 0 {
		pv.Scheduled = true
		pv.EffectiveAt = now.Add(RemovalDelay).UTC()
	}
	return pv, nil
}

// securityInfo returns the methods that count as security info: all but a
// Temporary Access Pass, which the help desk issues and expires on its own.
func securityInfo(methods []*Method) []*Method {
	var out []*Method
	for _, m := range methods {
		if m.Kind != KindTemporaryAccessPass {
			out = append(out, m)
		}
	}
	return out
}

// CanAdd reports whether an account with methods may add one more of kind k
// under the policy. Returns ECONFLICT or EFORBIDDEN saying why not.
func CanAdd(methods []*Method, k MethodKind, p *Policy) error {
	ki, ok := k.Info()
	if !ok {
		return Errorf(EINVALID, "%q is not a method kind.", k)
	}
	if !p.Enabled(k) {
		return Errorf(EFORBIDDEN, "Your organization doesn't allow %s as a method. Choose another method or contact your administrator.", ki.Label)
	}
	n := 0
	for _, m := range methods {
		// Windows Hello is a key: keys and Windows Hello count together.
		if m.Kind == k || k == KindWindowsHello && m.Kind == KindSecurityKey {
			n++
		}
	}
	if n >= ki.Max {
		if ki.Max == 1 {
			return Errorf(ECONFLICT, "You already have %s in your security info. Delete it first to add a different one.", ki.Label)
		}
		return Errorf(ECONFLICT, "You already have %d of %s, the most you can have. Delete one to add another.", ki.Max, ki.Label)
	}
	return nil
}

// AvailableKinds lists the kinds the account may still add, in display
// order. A Temporary Access Pass is issued by the help desk, never added.
func AvailableKinds(methods []*Method, p *Policy) []MethodKind {
	var out []MethodKind
	for _, ki := range kinds {
		if ki.Kind == KindTemporaryAccessPass {
			continue
		}
		if CanAdd(methods, ki.Kind, p) == nil {
			out = append(out, ki.Kind)
		}
	}
	return out
}
