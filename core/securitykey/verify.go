// Package securitykey verifies FIDO2 security keys as a WebAuthn relying
// party: a key's registration (attestation "none" or "packed") and its
// assertions at sign-in, with go-webauthn's protocol package doing the
// CBOR, COSE and signature work. The desktop talks to the key (CTAP2)
// and builds the client data; the core issues the challenge and checks
// the answer here, so the central service can be the relying party.
package securitykey

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// RelyingParty is the organisation as a WebAuthn relying party: its ID is
// its domain (the policy's), its origin https://ID.
type RelyingParty struct {
	ID string
}

// Origin is the origin the desktop puts in the client data.
func (rp RelyingParty) Origin() string { return "https://" + rp.ID }

// Credential is a registered key as stored: its credential ID, COSE
// public key, AAGUID (the key's make and model) and sign counter.
type Credential struct {
	ID        []byte
	PublicKey []byte
	AAGUID    []byte
	SignCount uint32
	Format    string // the attestation format: "none" or "packed"
}

// ErrCloned is a sign counter that did not go up: the key may have been
// copied.
var ErrCloned = errors.New("securitykey: the sign counter went backwards; the key may have been cloned")

// ClientData is the client data JSON the desktop gives the key, as a
// browser would: the ceremony, the core's challenge and the origin.
func (rp RelyingParty) ClientData(create bool, challenge []byte) []byte {
	typ := "webauthn.get"
	if create {
		typ = "webauthn.create"
	}
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": base64.RawURLEncoding.EncodeToString(challenge),
		"origin": rp.Origin(), "crossOrigin": false})
	return b
}

// ClientDataHash is what the key signs over with its authenticator data.
func ClientDataHash(clientData []byte) []byte {
	h := sha256.Sum256(clientData)
	return h[:]
}

// es256 is the one algorithm asked for: ECDSA P-256 with SHA-256, which
// every FIDO2 key has.
var es256 = []protocol.CredentialParameter{{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256}}

// VerifyRegistration checks a new key's answer to the challenge: the client
// data (type, challenge, origin), the relying party ID's hash, that the
// person was present and verified (PIN), and the attestation statement.
func (rp RelyingParty) VerifyRegistration(challenge, credentialID, clientData, attestationObject []byte) (*Credential, error) {
	resp := protocol.CredentialCreationResponse{
		PublicKeyCredential: protocol.PublicKeyCredential{
			Credential: protocol.Credential{ID: base64.RawURLEncoding.EncodeToString(credentialID), Type: string(protocol.PublicKeyCredentialType)},
			RawID:      credentialID,
		},
		AttestationResponse: protocol.AuthenticatorAttestationResponse{
			AuthenticatorResponse: protocol.AuthenticatorResponse{ClientDataJSON: clientData},
			AttestationObject:     attestationObject,
		},
	}
	parsed, err := resp.Parse()
	if err != nil {
		return nil, fmt.Errorf("securitykey: registration: %w", err)
	}
	if _, err := parsed.Verify(base64.RawURLEncoding.EncodeToString(challenge), rp.ID, []string{rp.Origin()}, nil, nil,
		protocol.TopOriginImplicitVerificationMode, false, true, true, nil, es256, protocol.AttestationPolicy{}, protocol.SignaturePolicy{}); err != nil {
		return nil, fmt.Errorf("securitykey: registration: %w", err)
	}
	att := parsed.Response.AttestationObject
	if !bytes.Equal(att.AuthData.AttData.CredentialID, credentialID) {
		return nil, errors.New("securitykey: registration: the credential ID is not the attested one")
	}
	return &Credential{ID: credentialID, PublicKey: att.AuthData.AttData.CredentialPublicKey, AAGUID: att.AuthData.AttData.AAGUID,
		SignCount: att.AuthData.Counter, Format: att.Format}, nil
}

// VerifyAssertion checks a sign-in with a registered key: client data,
// relying party ID hash, presence and verification (PIN), the signature
// by the stored public key, and a sign counter that went up (a key whose
// counter stays at 0 does not count). It returns the new counter.
func (rp RelyingParty) VerifyAssertion(challenge []byte, cred *Credential, clientData, authenticatorData, signature []byte) (uint32, error) {
	resp := protocol.CredentialAssertionResponse{
		PublicKeyCredential: protocol.PublicKeyCredential{
			Credential: protocol.Credential{ID: base64.RawURLEncoding.EncodeToString(cred.ID), Type: string(protocol.PublicKeyCredentialType)},
			RawID:      cred.ID,
		},
		AssertionResponse: protocol.AuthenticatorAssertionResponse{
			AuthenticatorResponse: protocol.AuthenticatorResponse{ClientDataJSON: clientData},
			AuthenticatorData:     authenticatorData,
			Signature:             signature,
		},
	}
	parsed, err := resp.Parse()
	if err != nil {
		return 0, fmt.Errorf("securitykey: assertion: %w", err)
	}
	if err := parsed.Verify(base64.RawURLEncoding.EncodeToString(challenge), rp.ID, "", []string{rp.Origin()}, nil, nil,
		protocol.TopOriginImplicitVerificationMode, false, true, true, cred.PublicKey, protocol.SignaturePolicy{}); err != nil {
		return 0, fmt.Errorf("securitykey: assertion: %w", err)
	}
	n := parsed.Response.AuthenticatorData.Counter
	if (n != 0 || cred.SignCount != 0) && n <= cred.SignCount {
		return 0, ErrCloned
	}
	return n, nil
}
