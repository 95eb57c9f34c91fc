package ui

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// softWindows stands in for webauthn.dll: the options the window's
// Windows layer builds go to software keys (core's softkey) as Windows
// would pass them on, the PIN being what the person types into Windows'
// own prompt. key is the security key plugged in, hello this computer's
// Windows Hello. Failures come back as the DLL names them.
type softWindows struct {
	key, hello *softkey.Key
	pin        string
	created    []*WebAuthnCreate
	got        []*WebAuthnGet
}

// hashed is what Windows does with the client data: the hash the key
// signs, by the algorithm named.
func hashed(clientData []byte, alg string) ([]byte, error) {
	if alg != WebAuthnHashSHA256 {
		return nil, &WebAuthnError{HRESULT: 0x80090029, Name: "NotSupportedError"}
	}
	h := sha256.Sum256(clientData)
	return h[:], nil
}

func named(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, softkey.ErrExcluded):
		return &WebAuthnError{HRESULT: 0x8009000F, Name: "InvalidStateError"}
	case errors.Is(err, softkey.ErrPINInvalid), errors.Is(err, softkey.ErrPINBlocked), errors.Is(err, softkey.ErrNotPresent),
		errors.Is(err, softkey.ErrNoCredentials):
		// Windows says why in its own prompt; the person closes it.
		return &WebAuthnError{HRESULT: 0x800704C7, Name: "NotAllowedError"}
	}
	return err
}

func (s *softWindows) MakeCredential(_ context.Context, o *WebAuthnCreate) (*WebAuthnCreated, error) {
	s.created = append(s.created, o)
	cdh, err := hashed(o.ClientDataJSON, o.HashAlgorithm)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(o.Algorithms, WebAuthnES256) || o.UserVerification != WebAuthnUserVerificationRequired {
		return nil, &WebAuthnError{HRESULT: 0x80090029, Name: "NotSupportedError"}
	}
	k, format, transport := s.key, "packed", uint32(WebAuthnTransportUSB)
	if o.Attachment == WebAuthnAttachmentPlatform {
		k, transport = s.hello, WebAuthnTransportInternal
	}
	if o.Attestation == WebAuthnAttestationNone {
		format = "none"
	}
	id, att, err := k.MakeCredential(o.RPID, cdh, s.pin, format, o.Exclude...)
	if err != nil {
		return nil, named(err)
	}
	return &WebAuthnCreated{CredentialID: id, AttestationObject: att, Transport: transport}, nil
}

func (s *softWindows) GetAssertion(_ context.Context, o *WebAuthnGet) (*WebAuthnAsserted, error) {
	s.got = append(s.got, o)
	cdh, err := hashed(o.ClientDataJSON, o.HashAlgorithm)
	if err != nil {
		return nil, err
	}
	// Windows offers whichever of its authenticators holds a credential.
	for _, k := range []*softkey.Key{s.hello, s.key} {
		if k == nil || o.Attachment == WebAuthnAttachmentCrossPlatform && k == s.hello {
			continue
		}
		id, ad, sig, err := k.GetAssertion(o.RPID, cdh, o.Allow, s.pin)
		if errors.Is(err, softkey.ErrNoCredentials) {
			continue
		}
		if err != nil {
			return nil, named(err)
		}
		return &WebAuthnAsserted{CredentialID: id, AuthenticatorData: ad, Signature: sig}, nil
	}
	return nil, named(softkey.ErrNoCredentials)
}

// noEntry fails when a field with placeholder is on screen.
func (h *harness) noEntry(placeholder string) {
	h.t.Helper()
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.PlaceHolder == placeholder {
			h.fatalf("entry %q is on screen:\n%s", placeholder, h.text())
		}
	}
}

// TestSecurityKeysOnWindows: the window through its Windows layer (the
// options for webauthn.dll) against software keys. Adding a key asks for
// no PIN (Windows does) and registers it; the options are a key's
// (cross-platform, user verified, ES256, SHA-256 of the window's client
// data, the account's keys excluded); the same key again is refused as
// Windows names it (InvalidStateError); a prompt closed says the key was
// not used; sign-in asks for no PIN and signs in with two steps.
func TestSecurityKeysOnWindows(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	win := &softWindows{key: key, pin: "1234"}
	h, alice := keyHarness(t)
	h.u.keys = NewWebAuthnKeys(win, false)

	h.addMethod("Security key")
	h.tap("Search for the key")
	h.shows("Name your security key")
	h.entry("A name for the key").SetText("YubiKey 5")
	h.tap("Save")
	h.tap("Done")
	ms := h.methods(alice)
	if len(ms) != 1 || ms[0].Kind != core.KindSecurityKey || ms[0].Detail != "YubiKey 5" {
		h.fatalf("methods: %+v", ms)
	}
	o := win.created[0]
	var cd struct{ Type, Origin, Challenge string }
	if err := json.Unmarshal(o.ClientDataJSON, &cd); err != nil || cd.Type != "webauthn.create" || cd.Origin != "https://"+o.RPID {
		h.fatalf("client data %s: %v", o.ClientDataJSON, err)
	}
	if o.Attachment != WebAuthnAttachmentCrossPlatform || o.Attestation != WebAuthnAttestationDirect || len(o.Exclude) != 0 ||
		o.UserName != "alice@contoso.com" || len(o.UserID) == 0 || o.Timeout <= 0 {
		h.fatalf("make-credential options: %+v", o)
	}

	h.addMethod("Security key")
	h.tap("Search for the key")
	h.shows("This security key is already registered for your account.")
	if ex := win.created[1].Exclude; len(ex) != 1 {
		h.fatalf("the registered key was not excluded: %d", len(ex))
	}
	h.tap("Back")
	k2 := softkey.New()
	k2.SetPIN("4321")
	win.key, win.pin = k2, "0000" // another key, a wrong PIN in Windows' prompt, which the person then closes
	h.tap("Search for the key")
	h.shows("The key was not touched in time.")
	if len(h.methods(alice)) != 1 {
		h.fatal("a key was added without its PIN")
	}

	win.key, win.pin = key, "1234"
	h.u.signOut("")
	h.toForm()
	h.signInPage(alicePassword)
	h.shows("Select Continue, then follow Windows")
	h.noEntry("Security key PIN")
	h.tap("Continue")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	if h.u.sess == nil || !h.u.sess.TwoStep {
		h.fatal("not signed in with two steps")
	}
	g := win.got[len(win.got)-1]
	if g.Attachment != WebAuthnAttachmentAny || g.UserVerification != WebAuthnUserVerificationRequired || len(g.Allow) != 1 ||
		g.HashAlgorithm != WebAuthnHashSHA256 {
		h.fatalf("get-assertion options: %+v", g)
	}
}

// TestWebAuthnErrorNames: the DLL's error names mean the window's key
// failures; others stay unexplained.
func TestWebAuthnErrorNames(t *testing.T) {
	for _, c := range []struct {
		name string
		want error
	}{
		{"NotAllowedError", ErrKeyNotTouched},
		{"InvalidStateError", ErrKeyExcluded},
		{"NotSupportedError", nil},
		{"UnknownError", nil},
	} {
		err := error(&WebAuthnError{HRESULT: 0x80090027, Name: c.name})
		if got := errors.Unwrap(err); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if c.want == nil && keyMessage(text{"en"}, nil, err) != keyMessage(text{"en"}, nil, errors.New("x")) {
			t.Errorf("%s is not the general key failure", c.name)
		}
	}
}

// addOptions opens "Add sign-in method" and lists its kinds.
func (h *harness) addOptions() []string {
	h.t.Helper()
	h.tap("Add sign-in method")
	sel := h.selects()
	if len(sel) == 0 {
		h.fatal("no kind drop-down")
	}
	opts := slices.Clone(sel[len(sel)-1].Options)
	h.tap("Cancel")
	return opts
}

// TestWindowsHello: where Windows has Windows Hello, Add sign-in method
// offers it; it asks for no PIN and no name, registers this computer's
// authenticator (platform, user verified, no attestation) under the
// computer's name, and its row says it is this computer's; another
// computer lists it as "Windows Hello on LAPTOP-42" and does not offer
// it, and it signs in like a key.
func TestWindowsHello(t *testing.T) {
	hello := softkey.New()
	hello.SetPIN("2580")
	win := &softWindows{key: softkey.New(), hello: hello, pin: "2580"}
	h, alice := keyHarness(t)
	h.svc.SetPolicy(h.admin, []string{"enabledMethods=authenticatorApp,phone,email,securityKey,windowsHello"})
	h.u.computer = "LAPTOP-42"
	h.u.keys = NewWebAuthnKeys(win, false)
	if opts := h.addOptions(); slices.Contains(opts, "Windows Hello") || !slices.Contains(opts, "Security key") {
		h.fatalf("without Windows Hello the window offers %v", opts)
	}
	h.u.keys = NewWebAuthnKeys(win, true)
	h.addMethod("Windows Hello")
	h.shows("You can now sign in with Windows Hello on LAPTOP-42.")
	h.tap("Done")
	ms := h.methods(alice)
	if len(ms) != 1 || ms[0].Kind != core.KindSecurityKey || ms[0].Channel != core.ChannelPlatform || ms[0].Detail != "LAPTOP-42" {
		h.fatalf("methods: %+v", ms)
	}
	if o := win.created[0]; o.Attachment != WebAuthnAttachmentPlatform || o.Attestation != WebAuthnAttestationNone ||
		o.UserVerification != WebAuthnUserVerificationRequired {
		h.fatalf("make-credential options: %+v", o)
	}
	h.shows("Windows Hello on LAPTOP-42 (this computer)")
	h.notShows("Security key") // the default is Windows Hello, not a key

	h.u.computer = "DESKTOP-7"
	h.u.keys = nil
	h.u.reloadAll()
	h.shows("Windows Hello on LAPTOP-42")
	h.notShows("(this computer)")
	if opts := h.addOptions(); slices.Contains(opts, "Windows Hello") {
		h.fatalf("a computer without Windows Hello offers it: %v", opts)
	}

	h.u.keys = NewWebAuthnKeys(win, true)
	h.u.signOut("")
	h.toForm()
	h.signInPage(alicePassword)
	h.tap("Continue")
	if h.u.sess == nil || !h.u.sess.TwoStep {
		h.fatal("not signed in with Windows Hello")
	}
}
