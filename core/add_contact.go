package core

import (
	"context"
	"strings"
)

// PhoneRequest asks to add a phone.
type PhoneRequest struct {
	Kind      MethodKind `json:"kind"` // phone, alternatePhone or officePhone
	Number    string     `json:"number"`
	Region    string     `json:"region,omitempty"` // ISO country for a national number; "" when Number starts with +
	Extension string     `json:"extension,omitempty"`
	Channel   Channel    `json:"channel,omitempty"`
	Language  string     `json:"language,omitempty"` // "" means the account's language
	// Replaces, when set, is the ID of a phone of the same kind that the
	// proven number takes the place of (Change), instead of a new phone.
	Replaces string `json:"replaces,omitempty"`
}

// BeginPhone implements Service: it checks the number and sends a code to it.
func (s *Local) BeginPhone(ctx context.Context, accountID string, r PhoneRequest) (*Challenge, error) {
	ki, ok := r.Kind.Info()
	if !ok || !r.Kind.IsPhone() {
		return nil, Errorf(EINVALID, "%q is not a kind of phone.", r.Kind)
	}
	if r.Channel == ChannelNone {
		r.Channel = ki.Channels[0]
	}
	if r.Channel != ChannelSMS && r.Channel != ChannelVoice {
		return nil, Errorf(EINVALID, "A phone is reached by text (sms) or call (voice), not %q.", r.Channel)
	}
	if r.Channel == ChannelSMS && r.Kind != KindPhone {
		return nil, Errorf(EINVALID, "%s can only be called, not texted. Choose \"Call me\".", ki.Label)
	}
	v := &Verification{AccountID: accountID, Purpose: VerifyAdd, Kind: r.Kind, Channel: r.Channel, MethodID: r.Replaces}
	return s.sendCode(ctx, v, false, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := canAddOrChange(tx, accountID, r.Kind, r.Replaces, p)
		if err != nil {
			return err
		}
		ph, err := ParsePhone(r.Number, r.Region, r.Extension, r.Kind, p)
		if err != nil {
			return err
		}
		for _, m := range methods {
			if m.Kind.IsPhone() && m.Detail == ph.E164 && m.Extension == ph.Extension {
				mk, _ := m.Kind.Info()
				return Errorf(ECONFLICT, "This number is already your %s. Use a different number.", strings.ToLower(mk.Label))
			}
		}
		v.Detail, v.Extension = ph.E164, ph.Extension
		v.Language = r.Language
		if v.Language == "" {
			v.Language = acct.Language
		}
		return nil
	})
}

// BeginEmail implements Service: it checks the address and sends a code to it.
func (s *Local) BeginEmail(ctx context.Context, accountID, address, language string) (*Challenge, error) {
	return s.beginEmail(ctx, accountID, "", address, language)
}

// BeginEmailChange implements Service: the address proven by the code
// takes the place of the email method methodID.
func (s *Local) BeginEmailChange(ctx context.Context, accountID, methodID, address, language string) (*Challenge, error) {
	if methodID == "" {
		return nil, notFound()
	}
	return s.beginEmail(ctx, accountID, methodID, address, language)
}

func (s *Local) beginEmail(ctx context.Context, accountID, replaces, address, language string) (*Challenge, error) {
	v := &Verification{AccountID: accountID, Purpose: VerifyAdd, Kind: KindEmail, Channel: ChannelEmail, MethodID: replaces}
	return s.sendCode(ctx, v, false, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := canAddOrChange(tx, accountID, KindEmail, replaces, p)
		if err != nil {
			return err
		}
		addr, err := ParseEmail(address, p.ForAccount(acct.Name))
		if err != nil {
			return err
		}
		if strings.EqualFold(addr, acct.Name) {
			return Errorf(EINVALID, "This is your account name. Use a different address that works when you can't sign in.")
		}
		for _, m := range methods {
			if m.Kind == KindEmail && strings.EqualFold(m.Detail, addr) {
				return Errorf(ECONFLICT, "This address is already your email method. Use a different address.")
			}
		}
		v.Detail = addr
		v.Language = language
		if v.Language == "" {
			v.Language = acct.Language
		}
		return nil
	})
}

// canAddOrChange checks that a method of kind may be added, or, when
// replaces is set, that replaces is the account's method of that kind to
// change; it returns the account's methods.
func canAddOrChange(tx Tx, accountID string, kind MethodKind, replaces string, p *Policy) ([]*Method, error) {
	methods, err := tx.Methods(accountID)
	if err != nil {
		return nil, err
	}
	if replaces == "" {
		return methods, CanAdd(methods, kind, p)
	}
	if !p.Enabled(kind) {
		return nil, CanAdd(nil, kind, p) // the kind is no longer allowed: no new number or address for it
	}
	for _, m := range methods {
		if m.ID == replaces {
			if m.Kind != kind {
				return nil, Errorf(EINVALID, "A %s can only be changed to another one of its kind.", m.Kind)
			}
			return methods, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "That method is not in your security info.")
}

// duplicateOf refuses, when a number or address is confirmed, one that
// another method of the account already has (two begun at once).
func duplicateOf(methods []*Method, v *Verification) error {
	for _, m := range methods {
		if m.ID == v.MethodID {
			continue // the method being changed
		}
		switch {
		case v.Kind.IsPhone() && m.Kind.IsPhone() && m.Detail == v.Detail && m.Extension == v.Extension:
			return Errorf(ECONFLICT, "This number is already in your security info. Use a different number.")
		case v.Kind == KindEmail && m.Kind == KindEmail && strings.EqualFold(m.Detail, v.Detail):
			return Errorf(ECONFLICT, "This address is already your email method. Use a different address.")
		}
	}
	return nil
}
