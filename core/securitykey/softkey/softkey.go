// Package softkey is a software FIDO2 authenticator for tests: a real
// P-256 key pair per credential, real CBOR (CTAP2 canonical) and ES256
// signatures, a PIN with its tries, a touch that may not come, and a
// sign counter. Only tests import it: it is never in the shipped app.
package softkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"

	"github.com/fxamacker/cbor/v2"
)

// Errors a real key reports through CTAP2.
var (
	ErrPINInvalid    = errors.New("softkey: wrong PIN")
	ErrPINBlocked    = errors.New("softkey: PIN blocked")
	ErrPINNotSet     = errors.New("softkey: no PIN set")
	ErrNoCredentials = errors.New("softkey: no credential for this relying party")
	ErrNotPresent    = errors.New("softkey: the key was not touched")
	ErrExcluded      = errors.New("softkey: a credential of this key is already registered")
)

// MaxPINTries is how many wrong PINs block the key (CTAP2: 8).
const MaxPINTries = 8

// Key is one software authenticator.
type Key struct {
	AAGUID [16]byte
	// Touch says whether the person touches the key when asked.
	Touch    bool
	pin      string
	tries    int
	counter  uint32
	creds    []*credential
	encoding cbor.EncMode
}

type credential struct {
	id   []byte
	rpID string
	key  *ecdsa.PrivateKey
}

// New returns a key with no PIN and no credential, touched when asked.
func New() *Key {
	em, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	k := &Key{Touch: true, tries: MaxPINTries, encoding: em}
	copy(k.AAGUID[:], []byte("securityinfo-sk!"))
	return k
}

// SetPIN sets the key's PIN.
func (k *Key) SetPIN(pin string) { k.pin, k.tries = pin, MaxPINTries }

// PINTries is how many wrong PINs are left.
func (k *Key) PINTries() int { return k.tries }

// Counter is the key's sign counter; SetCounter rolls it (a clone's).
func (k *Key) Counter() uint32     { return k.counter }
func (k *Key) SetCounter(n uint32) { k.counter = n }
func (k *Key) HasPIN() bool        { return k.pin != "" }
func (k *Key) Credentials() int    { return len(k.creds) }
func (k *Key) checkPIN(pin string) error {
	switch {
	case k.pin == "":
		return ErrPINNotSet
	case k.tries == 0:
		return ErrPINBlocked
	case pin != k.pin:
		k.tries--
		if k.tries == 0 {
			return ErrPINBlocked
		}
		return ErrPINInvalid
	}
	k.tries = MaxPINTries
	return nil
}

// flags of the authenticator data.
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
)

// MakeCredential creates a credential for rpID over the client data's
// hash, the PIN verifying the person, and returns its ID and the
// attestation object ("packed" self attestation, or "none"). exclude
// lists credential IDs the relying party already has.
func (k *Key) MakeCredential(rpID string, clientDataHash []byte, pin, format string, exclude ...[]byte) (id, attestationObject []byte, err error) {
	for _, c := range k.creds {
		for _, x := range exclude {
			if bytes.Equal(c.id, x) {
				return nil, nil, ErrExcluded
			}
		}
	}
	if err := k.checkPIN(pin); err != nil {
		return nil, nil, err
	}
	if !k.Touch {
		return nil, nil, ErrNotPresent
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	id = make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		return nil, nil, err
	}
	k.creds = append(k.creds, &credential{id: id, rpID: rpID, key: priv})
	k.counter++
	point, err := priv.PublicKey.Bytes() // 0x04 | X | Y
	if err != nil {
		return nil, nil, err
	}
	pub, err := k.encoding.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: point[1:33], -3: point[33:65]}) // COSE EC2 P-256, ES256
	if err != nil {
		return nil, nil, err
	}
	att := make([]byte, 0, 18+len(id)+len(pub))
	att = append(att, k.AAGUID[:]...)
	att = binary.BigEndian.AppendUint16(att, uint16(len(id)))
	att = append(att, id...)
	att = append(att, pub...)
	authData := k.authData(rpID, flagUP|flagUV|flagAT, att)
	stmt := map[string]any{}
	if format == "packed" {
		sig, err := sign(priv, authData, clientDataHash)
		if err != nil {
			return nil, nil, err
		}
		stmt = map[string]any{"alg": -7, "sig": sig}
	}
	attestationObject, err = k.encoding.Marshal(map[string]any{"fmt": format, "attStmt": stmt, "authData": authData})
	return id, attestationObject, err
}

// GetAssertion signs the client data's hash with a credential of rpID
// among allow. An empty pin asks for presence only (no verification).
func (k *Key) GetAssertion(rpID string, clientDataHash []byte, allow [][]byte, pin string) (id, authenticatorData, signature []byte, err error) {
	var c *credential
	for _, cr := range k.creds {
		for _, a := range allow {
			if cr.rpID == rpID && bytes.Equal(cr.id, a) {
				c = cr
			}
		}
	}
	if c == nil {
		return nil, nil, nil, ErrNoCredentials
	}
	flags := byte(flagUP)
	if pin != "" {
		if err := k.checkPIN(pin); err != nil {
			return nil, nil, nil, err
		}
		flags |= flagUV
	}
	if !k.Touch {
		return nil, nil, nil, ErrNotPresent
	}
	k.counter++
	authenticatorData = k.authData(rpID, flags, nil)
	signature, err = sign(c.key, authenticatorData, clientDataHash)
	return c.id, authenticatorData, signature, err
}

func (k *Key) authData(rpID string, flags byte, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, k.counter)
	return append(out, attested...)
}

func sign(priv *ecdsa.PrivateKey, authData, clientDataHash []byte) ([]byte, error) {
	h := sha256.Sum256(append(append([]byte{}, authData...), clientDataHash...))
	return ecdsa.SignASN1(rand.Reader, priv, h[:])
}
