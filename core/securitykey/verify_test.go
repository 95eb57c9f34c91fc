package securitykey_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

var rp = securitykey.RelyingParty{ID: "contoso.com"}

func challenge(t *testing.T) []byte {
	t.Helper()
	c := make([]byte, 32)
	if _, err := rand.Read(c); err != nil {
		t.Fatal(err)
	}
	return c
}

// register makes a credential on key for rp and checks it as the core
// would.
func register(t *testing.T, key *softkey.Key, format string) *securitykey.Credential {
	t.Helper()
	ch := challenge(t)
	cd := rp.ClientData(true, ch)
	id, att, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(cd), "1234", format)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := rp.VerifyRegistration(ch, id, cd, att)
	if err != nil {
		t.Fatalf("registration (%s): %v", format, err)
	}
	return cred
}

// assertion is one sign-in answer.
type assertion struct {
	challenge, clientData, authData, sig []byte
}

func sign(t *testing.T, key *softkey.Key, cred *securitykey.Credential, pin string) assertion {
	t.Helper()
	a := assertion{challenge: challenge(t)}
	a.clientData = rp.ClientData(false, a.challenge)
	var err error
	if _, a.authData, a.sig, err = key.GetAssertion(rp.ID, securitykey.ClientDataHash(a.clientData), [][]byte{cred.ID}, pin); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRegisterAndSignIn: both attestation formats register, keeping the
// key's AAGUID and public key; an assertion verifies and moves the
// counter on.
func TestRegisterAndSignIn(t *testing.T) {
	for _, format := range []string{"packed", "none"} {
		key := softkey.New()
		key.SetPIN("1234")
		cred := register(t, key, format)
		if !bytes.Equal(cred.AAGUID, key.AAGUID[:]) || len(cred.PublicKey) == 0 || cred.Format != format || cred.SignCount != 1 {
			t.Fatalf("%s: credential %+v", format, cred)
		}
		a := sign(t, key, cred, "1234")
		n, err := rp.VerifyAssertion(a.challenge, cred, a.clientData, a.authData, a.sig)
		if err != nil || n != 2 {
			t.Fatalf("%s: assertion: %d %v", format, n, err)
		}
	}
}

// TestRefusedAssertions: a tampered signature, another challenge, another
// relying party, no user verification, a counter going back, a replayed
// assertion, and another credential's key are all refused.
func TestRefusedAssertions(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	cred := register(t, key, "packed")
	refused := func(what string, ch []byte, c *securitykey.Credential, a assertion) {
		t.Helper()
		if _, err := rp.VerifyAssertion(ch, c, a.clientData, a.authData, a.sig); err == nil {
			t.Errorf("%s: accepted", what)
		}
	}

	a := sign(t, key, cred, "1234")
	bad := a
	bad.sig = append([]byte{}, a.sig...)
	bad.sig[len(bad.sig)-1] ^= 1
	refused("tampered signature", a.challenge, cred, bad)
	tampered := a
	tampered.authData = append([]byte{}, a.authData...)
	tampered.authData[32] |= 0x08 // a flag the key did not sign
	refused("tampered authenticator data", a.challenge, cred, tampered)
	refused("another challenge", challenge(t), cred, a)

	// A key made for another relying party.
	other := securitykey.RelyingParty{ID: "fabrikam.com"}
	ch := challenge(t)
	cd := other.ClientData(false, ch)
	if _, _, _, err := key.GetAssertion(other.ID, securitykey.ClientDataHash(cd), [][]byte{cred.ID}, "1234"); !errors.Is(err, softkey.ErrNoCredentials) {
		t.Fatalf("the key signs for another relying party: %v", err)
	}
	// The client data of another origin, signed over by this key.
	ch = challenge(t)
	cd = other.ClientData(false, ch)
	_, ad, sig, err := key.GetAssertion(rp.ID, securitykey.ClientDataHash(cd), [][]byte{cred.ID}, "1234")
	if err != nil {
		t.Fatal(err)
	}
	refused("another origin", ch, cred, assertion{ch, cd, ad, sig})

	refused("no PIN (user not verified)", nil, cred, func() assertion { x := sign(t, key, cred, ""); return x }())

	// Verified in order: the counter moves on; a replay does not.
	good := sign(t, key, cred, "1234")
	n, err := rp.VerifyAssertion(good.challenge, cred, good.clientData, good.authData, good.sig)
	if err != nil {
		t.Fatal(err)
	}
	cred.SignCount = n
	if _, err := rp.VerifyAssertion(good.challenge, cred, good.clientData, good.authData, good.sig); !errors.Is(err, securitykey.ErrCloned) {
		t.Errorf("replayed assertion: %v, want the counter refused", err)
	}
	// A clone: its counter goes back.
	key.SetCounter(1)
	back := sign(t, key, cred, "1234")
	if _, err := rp.VerifyAssertion(back.challenge, cred, back.clientData, back.authData, back.sig); !errors.Is(err, securitykey.ErrCloned) {
		t.Errorf("counter going back: %v", err)
	}

	// Another credential's public key does not verify this one's signature.
	key2 := softkey.New()
	key2.SetPIN("1234")
	stranger := register(t, key2, "packed")
	stranger.ID = cred.ID
	fresh := sign(t, key, cred, "1234")
	refused("another credential's key", fresh.challenge, stranger, fresh)
}

// TestRefusedRegistrations: another challenge, another relying party, no
// user verification, and a tampered attestation are refused.
func TestRefusedRegistrations(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	ch := challenge(t)
	cd := rp.ClientData(true, ch)
	id, att, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(cd), "1234", "packed")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rp.VerifyRegistration(challenge(t), id, cd, att); err == nil {
		t.Error("another challenge: accepted")
	}
	if _, err := (securitykey.RelyingParty{ID: "fabrikam.com"}).VerifyRegistration(ch, id, cd, att); err == nil {
		t.Error("another relying party: accepted")
	}
	tampered := append([]byte{}, att...)
	tampered[len(tampered)-5] ^= 1
	if _, err := rp.VerifyRegistration(ch, id, cd, tampered); err == nil {
		t.Error("tampered attestation: accepted")
	}
	if _, err := rp.VerifyRegistration(ch, append([]byte{1}, id...), cd, att); err == nil {
		t.Error("a credential ID not the attested one: accepted")
	}
	// A get ceremony's client data is not a registration's.
	get := rp.ClientData(false, ch)
	id2, att2, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(get), "1234", "packed")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rp.VerifyRegistration(ch, id2, get, att2); err == nil {
		t.Error("webauthn.get client data at registration: accepted")
	}
}

// TestSoftKeyPIN: wrong PINs count down to blocked, as a key's do; a key
// without a PIN or without a touch refuses.
func TestSoftKeyPIN(t *testing.T) {
	key := softkey.New()
	cd := securitykey.ClientDataHash(rp.ClientData(true, challenge(t)))
	if _, _, err := key.MakeCredential(rp.ID, cd, "1234", "packed"); !errors.Is(err, softkey.ErrPINNotSet) {
		t.Fatalf("no PIN: %v", err)
	}
	key.SetPIN("1234")
	for i := softkey.MaxPINTries - 1; i > 0; i-- {
		if _, _, err := key.MakeCredential(rp.ID, cd, "0000", "packed"); !errors.Is(err, softkey.ErrPINInvalid) || key.PINTries() != i {
			t.Fatalf("wrong PIN: %v, %d tries left, want %d", err, key.PINTries(), i)
		}
	}
	if _, _, err := key.MakeCredential(rp.ID, cd, "0000", "packed"); !errors.Is(err, softkey.ErrPINBlocked) {
		t.Fatalf("eighth wrong PIN: %v", err)
	}
	if _, _, err := key.MakeCredential(rp.ID, cd, "1234", "packed"); !errors.Is(err, softkey.ErrPINBlocked) {
		t.Fatalf("right PIN on a blocked key: %v", err)
	}
	k2 := softkey.New()
	k2.SetPIN("1234")
	k2.Touch = false
	if _, _, err := k2.MakeCredential(rp.ID, cd, "1234", "packed"); !errors.Is(err, softkey.ErrNotPresent) {
		t.Fatalf("no touch: %v", err)
	}
}
