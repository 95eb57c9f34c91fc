package core

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core/securitykey"
)

// KeyChallenge is what the desktop hands a security key: the core's
// challenge for the relying party, and the credentials the key must not
// make again (registration) or may sign with (sign-in).
type KeyChallenge struct {
	VerificationID string    `json:"verificationId"`
	RelyingPartyID string    `json:"relyingPartyId"`
	Challenge      []byte    `json:"challenge"`
	UserID         []byte    `json:"userId,omitempty"`
	UserName       string    `json:"userName,omitempty"`
	Credentials    [][]byte  `json:"credentials"`
	ExpiresAt      time.Time `json:"expiresAt"`
}

// KeyRegistration is a key's answer to a registration challenge, with the
// name the person gives it. Attachment "platform" is Windows Hello (the
// policy's windowsHello; Name is then the computer's name), else a
// security key; Transports are WebAuthn's names ("usb", "internal").
// Neither is proven by the key: they say where it is, for its owner.
type KeyRegistration struct {
	CredentialID      []byte   `json:"credentialId"`
	ClientData        []byte   `json:"clientData"`
	AttestationObject []byte   `json:"attestationObject"`
	Name              string   `json:"name"`
	Attachment        string   `json:"attachment,omitempty"`
	Transports        []string `json:"transports,omitempty"`
}

// AttachmentPlatform is KeyRegistration.Attachment of Windows Hello.
const AttachmentPlatform = "platform"

// KeyAssertion is a key's answer to a sign-in challenge.
type KeyAssertion struct {
	CredentialID      []byte `json:"credentialId"`
	ClientData        []byte `json:"clientData"`
	AuthenticatorData []byte `json:"authenticatorData"`
	Signature         []byte `json:"signature"`
}

// keyChallengeLifetime is how long a key has to answer.
const keyChallengeLifetime = 5 * time.Minute

// storedKey is what a security key method keeps, sealed: its public key
// and make.
type storedKey struct {
	PublicKey  []byte   `json:"publicKey"`
	AAGUID     []byte   `json:"aaguid"`
	Format     string   `json:"format"`
	Attachment string   `json:"attachment,omitempty"`
	Transports []string `json:"transports,omitempty"`
}

// relyingParty is the relying party of an account's keys: the policy's,
// else the domain of the sign-in name.
func relyingParty(p *Policy, name string) securitykey.RelyingParty {
	if p.RelyingPartyID != "" {
		return securitykey.RelyingParty{ID: p.RelyingPartyID}
	}
	return securitykey.RelyingParty{ID: name[strings.LastIndexByte(name, '@')+1:]}
}

// keyCredentials lists the credential IDs of an account's keys.
func keyCredentials(methods []*Method) [][]byte {
	var out [][]byte
	for _, m := range methods {
		if usableKey(m) {
			if id, err := base64.RawURLEncoding.DecodeString(m.Detail); err == nil && len(id) > 0 {
				out = append(out, id)
			}
		}
	}
	return out
}

// newKeyChallenge makes a verification holding a sealed challenge.
func (s *Local) newKeyChallenge(tx Tx, v *Verification, rp securitykey.RelyingParty, creds [][]byte) (*KeyChallenge, error) {
	challenge := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, challenge); err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	sealed, err := s.keys.Seal(challenge, "verification:"+id)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	v.ID, v.Secret, v.CreatedAt, v.ExpiresAt = id, sealed, now, now.Add(keyChallengeLifetime)
	v.Kind, v.Channel = KindSecurityKey, ChannelKey
	if err := tx.CreateVerification(v); err != nil {
		return nil, err
	}
	return &KeyChallenge{VerificationID: id, RelyingPartyID: rp.ID, Challenge: challenge, Credentials: creds, ExpiresAt: v.ExpiresAt}, nil
}

// openKeyChallenge uses a key challenge once and returns its challenge.
func (s *Local) openKeyChallenge(tx Tx, v *Verification) ([]byte, error) {
	now := s.clock()
	if v.Kind != KindSecurityKey || !v.UsedAt.IsZero() || !now.Before(v.ExpiresAt) {
		return nil, Reason(EEXPIRED, "code.expired", nil)
	}
	if ok, err := tx.UseVerification(v.ID, now); err != nil {
		return nil, err
	} else if !ok {
		return nil, Reason(ECONFLICT, "code.used", nil)
	}
	return s.keys.Open(v.Secret, "verification:"+v.ID)
}

// BeginSecurityKey implements Service: a challenge to register a key,
// with the account's keys to exclude.
func (s *Local) BeginSecurityKey(ctx context.Context, accountID string) (*KeyChallenge, error) {
	var out *KeyChallenge
	err := s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		// A key or Windows Hello: which one, Confirm checks.
		if err := CanAdd(methods, KindSecurityKey, p); err != nil && CanAdd(methods, KindWindowsHello, p) != nil {
			return err
		}
		v := &Verification{AccountID: accountID, Purpose: VerifyAdd, Language: acct.Language}
		if out, err = s.newKeyChallenge(tx, v, relyingParty(p, acct.Name), keyCredentials(methods)); err != nil {
			return err
		}
		out.UserID, out.UserName = []byte(acct.ID), acct.Name
		return nil
	})
	return out, err
}

// ConfirmSecurityKey implements Service: the key's attestation is checked
// against the challenge, and the key becomes a method of the account.
func (s *Local) ConfirmSecurityKey(ctx context.Context, accountID, verificationID string, r KeyRegistration) (*MethodView, error) {
	name, err := ValidateMethodName(r.Name)
	if err != nil {
		return nil, err
	}
	var view MethodView
	var notices []queued
	var userErr error
	err = s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		userErr = nil // a transaction run again starts over
		v, err := ownVerification(tx, accountID, verificationID)
		if err != nil {
			return err
		}
		if v.Purpose != VerifyAdd {
			return notFound()
		}
		challenge, err := s.openKeyChallenge(tx, v)
		if err != nil {
			return err
		}
		// From here a refusal is committed with the challenge used: a
		// failed registration cannot be tried again on the same one.
		cred, err := relyingParty(p, acct.Name).VerifyRegistration(challenge, r.CredentialID, r.ClientData, r.AttestationObject)
		if err != nil {
			userErr = Reason(EINVALID, "key.notVerified", nil)
			return nil
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		kind, channel := KindSecurityKey, ChannelKey
		if r.Attachment == AttachmentPlatform {
			kind, channel = KindWindowsHello, ChannelPlatform
		}
		if err := CanAdd(methods, kind, p); err != nil {
			userErr = err
			return nil
		}
		detail := base64.RawURLEncoding.EncodeToString(cred.ID)
		for _, m := range methods {
			if m.Kind == KindSecurityKey && m.Detail == detail {
				userErr = Reason(ECONFLICT, "key.already", nil)
				return nil
			}
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		body, _ := json.Marshal(storedKey{PublicKey: cred.PublicKey, AAGUID: cred.AAGUID, Format: cred.Format,
			Attachment: r.Attachment, Transports: r.Transports})
		sealed, err := s.keys.Seal(body, "method:"+id)
		if err != nil {
			return err
		}
		m := &Method{ID: id, AccountID: accountID, Kind: KindSecurityKey, Channel: channel, Detail: detail, Name: name,
			Language: acct.Language, CreatedAt: s.clock(), Secret: sealed, LastStep: int64(cred.SignCount)}
		if err := tx.CreateMethod(m); err != nil {
			return err
		}
		if err := s.afterAdd(tx, a, acct, methods, m); err != nil {
			return err
		}
		view = m.View(currentDefault(acct, append(methods, m)))
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.added", subject: m})
		return err
	})
	if err != nil {
		return nil, err
	}
	if userErr != nil {
		return nil, userErr
	}
	s.sendNotices(ctx, notices)
	return &view, nil
}

// BeginKeySignIn implements Service: a challenge for the second step with
// one of the account's keys.
func (s *Local) BeginKeySignIn(ctx context.Context, signInID string) (*KeyChallenge, error) {
	pending, acct, err := s.pendingSignIn(ctx, signInID)
	if err != nil {
		return nil, err
	}
	if err := s.checkSignInLock(ctx, acct.Name); err != nil {
		return nil, err
	}
	if err := s.limitClient(ctx, "send"); err != nil {
		return nil, err
	}
	var out *KeyChallenge
	err = s.store.Update(ctx, func(tx Tx) error {
		methods, err := tx.Methods(acct.ID)
		if err != nil {
			return err
		}
		creds := keyCredentials(methods)
		if len(creds) == 0 {
			for _, m := range methods {
				if m.Kind == KindSecurityKey && m.LastStep == math.MaxInt64 {
					return keyCloned()
				}
			}
			return Reason(EINVALID, "key.none", nil)
		}
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		v := &Verification{AccountID: acct.ID, Purpose: VerifyProve, Flow: pending.Flow}
		out, err = s.newKeyChallenge(tx, v, relyingParty(p, acct.Name), creds)
		return err
	})
	return out, err
}

// FinishKeySignIn implements Service: the key's assertion, checked
// against the challenge and the key's public key and counter, finishes
// the sign-in with two steps. A failure counts toward the sign-in
// lockout; a counter that went back marks the key unusable and is audited.
func (s *Local) FinishKeySignIn(ctx context.Context, signInID, verificationID string, r KeyAssertion) (*SignInStep, error) {
	pending, acct, err := s.pendingSignIn(ctx, signInID)
	if err != nil {
		return nil, err
	}
	if err := s.checkSignInLock(ctx, acct.Name); err != nil {
		return nil, err
	}
	var userErr error
	err = s.store.Update(ctx, func(tx Tx) error {
		userErr = nil // a transaction run again starts over
		v, err := ownVerification(tx, acct.ID, verificationID)
		if err != nil {
			return err
		}
		if v.Kind != KindSecurityKey || v.Purpose != VerifyProve || v.Flow != pending.Flow {
			return notFound()
		}
		userErr, err = s.checkKeyAssertion(tx, signInActor(acct), acct, v, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case ErrorCode(userErr) == EWRONGCODE:
		return s.secondStepFailed(ctx, acct, userErr)
	case userErr != nil:
		return nil, userErr
	}
	return s.secondStepDone(ctx, pending, acct, signedInWith{kind: KindSecurityKey})
}

// checkKeyAssertion uses the key challenge v once and checks r against it
// and the account's key: its public key, relying party, PIN and counter.
// A person's mistake comes back as userErr (EWRONGCODE when it counts
// toward a lockout); a counter that went back marks the key unusable
// for good and is audited.
func (s *Local) checkKeyAssertion(tx Tx, a Actor, acct *Account, v *Verification, r KeyAssertion) (userErr, err error) {
	challenge, err := s.openKeyChallenge(tx, v)
	if err != nil {
		return nil, err
	}
	methods, err := tx.Methods(acct.ID)
	if err != nil {
		return nil, err
	}
	var m *Method
	detail := base64.RawURLEncoding.EncodeToString(r.CredentialID)
	for _, x := range methods {
		if x.Kind == KindSecurityKey && x.Detail == detail {
			m = x
		}
	}
	if m == nil || len(r.CredentialID) == 0 || !usableKey(m) {
		return keyNotRegistered(), nil
	}
	body, err := s.keys.Open(m.Secret, "method:"+m.ID)
	if err != nil {
		return nil, fmt.Errorf("open key: %w", err)
	}
	var sk storedKey
	if err := json.Unmarshal(body, &sk); err != nil {
		return nil, err
	}
	cred := &securitykey.Credential{ID: r.CredentialID, PublicKey: sk.PublicKey, SignCount: uint32(m.LastStep)}
	p, err := tx.Policy()
	if err != nil {
		return nil, err
	}
	n, verr := relyingParty(p, acct.Name).VerifyAssertion(challenge, cred, r.ClientData, r.AuthenticatorData, r.Signature)
	switch {
	case errors.Is(verr, securitykey.ErrCloned):
		// Possibly a copy: the key is refused from now on.
		m.LastStep = math.MaxInt64
		if err := tx.UpdateMethod(m); err != nil {
			return nil, err
		}
		return keyCloned(), s.audit(tx, a, acct, ActionKeyCloned, KindSecurityKey, m.Name, "")
	case verr != nil:
		return keyNotVerified(), nil
	}
	if n != 0 {
		if ok, err := tx.AdvanceTOTPStep(m.ID, int64(n), s.clock()); err != nil {
			return nil, err
		} else if !ok {
			return Reason(ECONFLICT, "code.used", nil), nil // the same counter used twice at once
		}
	}
	m.LastUsedAt = s.clock()
	m.LastStep = max(m.LastStep, int64(n))
	return nil, tx.UpdateMethod(m)
}

// keyCloned answers a key whose counter once went back.
func keyCloned() error {
	return Reason(EFORBIDDEN, "key.cloned", nil)
}

// keyNotRegistered answers a credential the account has no usable key for.
func keyNotRegistered() error {
	return Reason(EWRONGCODE, "key.notRegistered", nil)
}

// keyNotVerified answers an assertion whose signature, challenge, relying
// party or flags do not check out.
func keyNotVerified() error {
	return Reason(EWRONGCODE, "key.notVerified", nil)
}

// keyAllowed says whether the policy allows m, a key or Windows Hello.
func keyAllowed(p *Policy, m *Method) bool {
	if m.Channel == ChannelPlatform {
		return p.Enabled(KindWindowsHello)
	}
	return p.Enabled(KindSecurityKey)
}

// keysAllowed says whether the policy allows keys or Windows Hello.
func keysAllowed(p *Policy) bool { return p.Enabled(KindSecurityKey) || p.Enabled(KindWindowsHello) }

// usableKey says whether a key method may sign: it has a credential and
// a public key, and its counter never went back.
func usableKey(m *Method) bool {
	return m.Kind == KindSecurityKey && m.Detail != "" && len(m.Secret) > 0 && m.LastStep != math.MaxInt64
}
