package ui

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// WebAuthn is what the window asks of Windows' webauthn.dll
// (cmd/securityinfo/webauthn_windows.go): its two calls, which draw
// Windows' own PIN, touch and Windows Hello prompts and block until the
// person answers them or ctx ends (WebAuthNCancelCurrentOperation).
// Failures the DLL names are a *WebAuthnError.
type WebAuthn interface {
	MakeCredential(ctx context.Context, o *WebAuthnCreate) (*WebAuthnCreated, error)
	GetAssertion(ctx context.Context, o *WebAuthnGet) (*WebAuthnAsserted, error)
}

// Values of webauthn.h (API version 3) the options carry;
// webauthn_windows.go fails to compile when one differs from the header.
const (
	WebAuthnAttachmentAny           = 0 // WEBAUTHN_AUTHENTICATOR_ATTACHMENT_ANY
	WebAuthnAttachmentPlatform      = 1 // WEBAUTHN_AUTHENTICATOR_ATTACHMENT_PLATFORM: Windows Hello
	WebAuthnAttachmentCrossPlatform = 2 // WEBAUTHN_AUTHENTICATOR_ATTACHMENT_CROSS_PLATFORM: a security key

	WebAuthnUserVerificationRequired = 1 // WEBAUTHN_USER_VERIFICATION_REQUIREMENT_REQUIRED

	WebAuthnAttestationNone   = 1 // WEBAUTHN_ATTESTATION_CONVEYANCE_PREFERENCE_NONE
	WebAuthnAttestationDirect = 3 // WEBAUTHN_ATTESTATION_CONVEYANCE_PREFERENCE_DIRECT

	WebAuthnES256 = -7 // WEBAUTHN_COSE_ALGORITHM_ECDSA_P256_WITH_SHA256

	WebAuthnTransportUSB      = 0x01 // WEBAUTHN_CTAP_TRANSPORT_USB
	WebAuthnTransportNFC      = 0x02 // WEBAUTHN_CTAP_TRANSPORT_NFC
	WebAuthnTransportBLE      = 0x04 // WEBAUTHN_CTAP_TRANSPORT_BLE
	WebAuthnTransportInternal = 0x10 // WEBAUTHN_CTAP_TRANSPORT_INTERNAL
)

// WebAuthnHashSHA256 is WEBAUTHN_HASH_ALGORITHM_SHA_256: Windows hashes
// the client data itself, with the algorithm named.
const WebAuthnHashSHA256 = "SHA-256"

// webAuthnTimeout is how long Windows waits for the person; the window's
// Cancel ends the wait sooner.
const webAuthnTimeout = 2 * time.Minute

// WebAuthnCreate is WebAuthNAuthenticatorMakeCredential's arguments: the
// relying party and user entities, the client data JSON (not its hash:
// Windows hashes it), the algorithms, and the options.
type WebAuthnCreate struct {
	RPID, RPName     string
	UserID           []byte
	UserName         string
	ClientDataJSON   []byte
	HashAlgorithm    string
	Algorithms       []int32
	Exclude          [][]byte
	Attachment       uint32
	UserVerification uint32
	Attestation      uint32
	Timeout          time.Duration
}

// WebAuthnCreated is what the window keeps of
// WEBAUTHN_CREDENTIAL_ATTESTATION: the credential, the CBOR attestation
// object as the core verifies it, and the transport used.
type WebAuthnCreated struct {
	CredentialID      []byte
	AttestationObject []byte
	Transport         uint32
}

// WebAuthnGet is WebAuthNAuthenticatorGetAssertion's arguments.
type WebAuthnGet struct {
	RPID             string
	ClientDataJSON   []byte
	HashAlgorithm    string
	Allow            [][]byte
	Attachment       uint32
	UserVerification uint32
	Timeout          time.Duration
}

// WebAuthnAsserted is what the window keeps of WEBAUTHN_ASSERTION.
type WebAuthnAsserted struct {
	CredentialID, AuthenticatorData, Signature []byte
}

// WebAuthnError is a failure of webauthn.dll: its HRESULT and the name
// WebAuthNGetErrorName gives it (the W3C DOMException's name).
type WebAuthnError struct {
	HRESULT uint32
	Name    string
}

func (e *WebAuthnError) Error() string {
	return fmt.Sprintf("webauthn.dll: %s (HRESULT 0x%08x)", e.Name, e.HRESULT)
}

// Unwrap is the window's meaning of the failure: NotAllowedError is the
// person cancelling Windows' prompt or letting it time out (Windows has
// already said why, a wrong PIN or a key not registered included);
// InvalidStateError is a key that holds one of the excluded credentials.
func (e *WebAuthnError) Unwrap() error {
	switch e.Name {
	case "NotAllowedError":
		return ErrKeyNotTouched
	case "InvalidStateError":
		return ErrKeyExcluded
	}
	return nil
}

// NewWebAuthnKeys is the security keys through webauthn.dll, and this
// computer's Windows Hello when hello says Windows has it set up
// (WebAuthNIsUserVerifyingPlatformAuthenticatorAvailable).
func NewWebAuthnKeys(api WebAuthn, hello bool) KeyDevices {
	return webAuthnKeys{api: api, hello: hello}
}

type webAuthnKeys struct {
	api   WebAuthn
	hello bool
}

// List is one device standing for every key: Windows lists them and asks
// for the one to use in its own prompt.
func (k webAuthnKeys) List(context.Context) ([]KeyDevice, error) {
	return []KeyDevice{webAuthnKey{api: k.api, attachment: WebAuthnAttachmentCrossPlatform}}, nil
}

func (webAuthnKeys) platformPrompts() {}

func (k webAuthnKeys) windowsHello() KeyDevice {
	if !k.hello {
		return nil
	}
	return webAuthnKey{api: k.api, attachment: WebAuthnAttachmentPlatform}
}

// platformPrompter is a device layer whose system asks for the PIN (or
// face, finger) and the touch itself: the window asks for no PIN.
type platformPrompter interface{ platformPrompts() }

// helloDevices is a device layer that also has this computer's own
// authenticator (Windows Hello), nil where it is not set up.
type helloDevices interface{ windowsHello() KeyDevice }

// promptsItself says whether keys asks for PINs and touches itself.
func promptsItself(keys KeyDevices) bool {
	_, ok := keys.(platformPrompter)
	return ok
}

// windowsHelloOf is keys' Windows Hello, or nil.
func windowsHelloOf(keys KeyDevices) KeyDevice {
	if h, ok := keys.(helloDevices); ok {
		return h.windowsHello()
	}
	return nil
}

type webAuthnKey struct {
	api        WebAuthn
	attachment uint32
}

func (k webAuthnKey) Name() string {
	if k.attachment == WebAuthnAttachmentPlatform {
		return "Windows Hello"
	}
	return "Windows"
}

// Windows asks for the PIN, and sets one on a key that needs it.
func (webAuthnKey) HasPIN(context.Context) (bool, error) { return true, nil }
func (webAuthnKey) SetPIN(context.Context, string) error {
	return errors.New("webauthn.dll: Windows sets a key's PIN itself")
}
func (webAuthnKey) PINRetries(context.Context) (int, error) { return 0, nil }

// createOptions is MakeCredential's arguments for this device: ES256, no
// resident key, the user verified (the PIN, or Windows Hello's face,
// finger or PIN), the attestation the core checks for a key and none for
// Windows Hello (its TPM's certificates say nothing the core uses).
func (k webAuthnKey) createOptions(rpID string, clientData, userID []byte, userName string, exclude [][]byte) *WebAuthnCreate {
	o := &WebAuthnCreate{RPID: rpID, RPName: rpID, UserID: userID, UserName: userName, ClientDataJSON: clientData,
		HashAlgorithm: WebAuthnHashSHA256, Algorithms: []int32{WebAuthnES256}, Exclude: exclude, Attachment: k.attachment,
		UserVerification: WebAuthnUserVerificationRequired, Attestation: WebAuthnAttestationDirect, Timeout: webAuthnTimeout}
	if k.attachment == WebAuthnAttachmentPlatform {
		o.Attestation = WebAuthnAttestationNone
	}
	return o
}

// getOptions is GetAssertion's arguments: any of allow's credentials, on
// a key or Windows Hello (Windows offers those it has), the user
// verified.
func (k webAuthnKey) getOptions(rpID string, clientData []byte, allow [][]byte) *WebAuthnGet {
	return &WebAuthnGet{RPID: rpID, ClientDataJSON: clientData, HashAlgorithm: WebAuthnHashSHA256, Allow: allow,
		Attachment: WebAuthnAttachmentAny, UserVerification: WebAuthnUserVerificationRequired, Timeout: webAuthnTimeout}
}

func (k webAuthnKey) MakeCredential(ctx context.Context, rpID string, clientData, userID []byte, userName, _ string, exclude [][]byte) ([]byte, []byte, error) {
	r, err := k.api.MakeCredential(ctx, k.createOptions(rpID, clientData, userID, userName, exclude))
	if err != nil {
		return nil, nil, err
	}
	return r.CredentialID, r.AttestationObject, nil
}

func (k webAuthnKey) GetAssertion(ctx context.Context, rpID string, clientData []byte, allow [][]byte, _ string) ([]byte, []byte, []byte, error) {
	r, err := k.api.GetAssertion(ctx, k.getOptions(rpID, clientData, allow))
	if err != nil {
		return nil, nil, nil, err
	}
	return r.CredentialID, r.AuthenticatorData, r.Signature, nil
}
