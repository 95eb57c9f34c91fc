package ui

import (
	"context"
	"errors"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// softDevices stands in for libfido2 with software keys (core's softkey:
// real keys, CBOR and signatures), their errors mapped as a device
// layer maps CTAP2's.
type softDevices struct{ keys []*softkey.Key }

func (d *softDevices) List(context.Context) ([]KeyDevice, error) {
	var out []KeyDevice
	for _, k := range d.keys {
		out = append(out, softDevice{k})
	}
	return out, nil
}

type softDevice struct{ k *softkey.Key }

func mapKeyErr(err error) error {
	switch {
	case errors.Is(err, softkey.ErrPINInvalid):
		return ErrKeyPINInvalid
	case errors.Is(err, softkey.ErrPINBlocked):
		return ErrKeyPINBlocked
	case errors.Is(err, softkey.ErrNoCredentials):
		return ErrKeyNoCredentials
	case errors.Is(err, softkey.ErrNotPresent):
		return ErrKeyNotTouched
	case errors.Is(err, softkey.ErrExcluded):
		return ErrKeyExcluded
	}
	return err
}

func (d softDevice) Name() string                               { return "Software key" }
func (d softDevice) HasPIN(context.Context) (bool, error)       { return d.k.HasPIN(), nil }
func (d softDevice) SetPIN(_ context.Context, pin string) error { d.k.SetPIN(pin); return nil }
func (d softDevice) PINRetries(context.Context) (int, error)    { return d.k.PINTries(), nil }
func (d softDevice) MakeCredential(_ context.Context, rpID string, cd, _ []byte, _, pin string, exclude [][]byte) ([]byte, []byte, error) {
	id, att, err := d.k.MakeCredential(rpID, securitykey.ClientDataHash(cd), pin, "packed", exclude...)
	return id, att, mapKeyErr(err)
}
func (d softDevice) GetAssertion(_ context.Context, rpID string, cd []byte, allow [][]byte, pin string) ([]byte, []byte, []byte, error) {
	id, ad, sig, err := d.k.GetAssertion(rpID, securitykey.ClientDataHash(cd), allow, pin)
	return id, ad, sig, mapKeyErr(err)
}

// keyHarness is the window with alice signed in, security keys allowed,
// and the software keys plugged in.
func keyHarness(t *testing.T, keys ...*softkey.Key) (*harness, *core.Account) {
	h := newHarness(t, "en")
	h.u.keys = &softDevices{keys: keys}
	alice := h.withAccount()
	h.svc.SetPolicy(h.admin, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"})
	return h, alice
}

// TestAddASecurityKey: insert, set a PIN on a key that has none (its
// rules), touch, name it; the key is then a method with that name.
// Refusals: no key plugged in, a wrong PIN with the tries left, the key
// not touched, the same key again.
func TestAddASecurityKey(t *testing.T) {
	key := softkey.New()
	h, alice := keyHarness(t)
	h.addMethod("Security key")
	h.shows("Insert your security key")
	h.tap("Search for the key")
	h.shows("No security key was found.")
	h.u.keys = &softDevices{keys: []*softkey.Key{key}}
	h.tap("Search for the key")
	h.shows("Found: Software key.")
	h.shows("This key has no PIN yet.")
	test.Type(h.entry("Security key PIN"), "12")
	test.Type(h.entry("Confirm the PIN"), "12")
	h.tap("Next")
	h.shows("A security key PIN has 4 to 63 characters.")
	h.entry("Security key PIN").SetText("1234")
	h.entry("Confirm the PIN").SetText("1234")
	h.tap("Next")
	h.shows("Name your security key")
	h.entry("A name for the key").SetText("YubiKey 5")
	h.tap("Save")
	h.shows("YubiKey 5 was registered.")
	h.tap("Done")
	ms := h.methods(alice)
	if len(ms) != 1 || ms[0].Kind != core.KindSecurityKey || ms[0].Detail != "YubiKey 5" {
		h.fatalf("methods: %+v", ms)
	}

	// The same key again: it refuses, already registered.
	h.addMethod("Security key")
	h.tap("Search for the key")
	test.Type(h.entry("Security key PIN"), "1234")
	h.tap("Next")
	h.shows("This security key is already registered for your account.")
	h.tap("Back")

	// Another key: a wrong PIN says the tries left; no touch says so.
	k2 := softkey.New()
	k2.SetPIN("4321")
	h.u.keys = &softDevices{keys: []*softkey.Key{k2}}
	h.tap("Search for the key")
	test.Type(h.entry("Security key PIN"), "0000")
	h.tap("Next")
	h.shows("That PIN is wrong. 7 tries left before the key blocks.")
	k2.Touch = false
	h.entry("Security key PIN").SetText("4321")
	h.tap("Next")
	h.shows("The key was not touched in time.")
}

// registerKey adds the plugged-in key (PIN 1234) through the wizard.
func registerKey(h *harness) {
	h.t.Helper()
	h.addMethod("Security key")
	h.tap("Search for the key")
	test.Type(h.entry("Security key PIN"), "1234")
	h.tap("Next")
	h.tap("Save")
	h.tap("Done")
}

// TestSignInWithASecurityKey: "Use a security key" asks for the PIN and
// the touch and signs in with two steps; a wrong PIN says the tries left.
func TestSignInWithASecurityKey(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	h, _ := keyHarness(t, key)
	registerKey(h)
	h.u.signOut("")
	h.toForm()
	h.signInPage(alicePassword)
	// The key ranks first: it is the default second step.
	h.shows("Insert your security key and enter its PIN.")
	test.Type(h.entry("Security key PIN"), "9999")
	h.tap("Continue")
	h.shows("That PIN is wrong. 7 tries left before the key blocks.")
	test.Type(h.entry("Security key PIN"), "1234")
	h.tap("Continue")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	if h.u.sess == nil || !h.u.sess.TwoStep {
		h.fatal("not signed in with two steps")
	}
}

// TestKeysSignOnlyForTheServersDomain: with the central service, the
// window lets a key sign only for the server's own domain or a parent of
// it (or for a server on this computer): a server cannot have the key
// sign for another site. On a data folder the window is the relying
// party.
func TestKeysSignOnlyForTheServersDomain(t *testing.T) {
	u := &UI{scope: &scope{}}
	for _, c := range []struct {
		place, rp string
		ok        bool
	}{
		{"/home/alice/.config/securityinfo", "github.com", true},
		{"https://securityinfo.contoso.com", "contoso.com", true},
		{"https://securityinfo.contoso.com:8443/", "securityinfo.contoso.com", true},
		{"https://securityinfo.contoso.com", "github.com", false},
		{"https://securityinfo.contoso.com", "evilcontoso.com", false},
		{"https://securityinfo.contoso.com", "", false},
		{"http://127.0.0.1:8443", "contoso.com", true},
		{"http://[::1]:8443", "contoso.com", true},
	} {
		u.place = c.place
		if got := u.rpFits(c.rp); got != c.ok {
			t.Errorf("server %q, relying party %q: %v, want %v", c.place, c.rp, got, c.ok)
		}
	}
}

// TestResetWithASecurityKey: "Forgot my password" offers "Use my security
// key" first; the PIN and the touch prove it and the new password is set.
// A key that is not the account's, and a PIN blocked, say so.
func TestResetWithASecurityKey(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	h, alice := keyHarness(t, key)
	registerKey(h)
	h.u.signOut("")
	h.toForm()
	h.tap("Forgot my password")
	h.tap("Next")
	h.shows("Use my security key")
	h.tap("Use my security key")
	h.shows("Insert your security key and enter its PIN.")

	// A stranger's key: not registered for this account.
	stranger := softkey.New()
	stranger.SetPIN("1234")
	h.u.keys = &softDevices{keys: []*softkey.Key{stranger}}
	test.Type(h.entry("Security key PIN"), "1234")
	h.tap("Continue")
	h.shows("This security key is not registered for your account.")

	// The right key, a wrong PIN first.
	h.u.keys = &softDevices{keys: []*softkey.Key{key}}
	test.Type(h.entry("Security key PIN"), "0000")
	h.tap("Continue")
	h.shows("That PIN is wrong. 7 tries left before the key blocks.")
	test.Type(h.entry("Security key PIN"), "1234")
	h.tap("Continue")
	h.shows("Use at least 8 characters")
	var pw []*field
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.Password && visible(f) {
			pw = append(pw, f)
		}
	}
	test.Type(pw[0], "k8#mQz!vR new")
	test.Type(pw[1], "k8#mQz!vR new")
	h.tap("Finish")
	h.shows("Your password was reset")
	if _, err := h.svc.SignIn(context.Background(), alice.Name, "k8#mQz!vR new"); err != nil {
		h.fatalf("the new password: %v", err)
	}

	// Wrong PINs until the key blocks it: the window says so.
	h.toForm()
	h.tap("Forgot my password")
	h.tap("Next")
	h.tap("Use my security key")
	for range softkey.MaxPINTries {
		test.Type(h.entry("Security key PIN"), "0000")
		h.tap("Continue")
	}
	h.shows("This key's PIN is blocked after too many wrong tries.")
}

// TestNoKeySupport: a window without a device layer (Windows without
// webauthn.dll) says so where a key would be used, and offers the other ways.
func TestNoKeySupport(t *testing.T) {
	h, _ := keyHarness(t)
	h.u.keys = nil
	h.addMethod("Security key")
	h.tap("Search for the key")
	h.shows("Security info can't use security keys on this computer. On Windows it needs Windows 10 version 1903 or later.")
	h.tap("Cancel")
}
