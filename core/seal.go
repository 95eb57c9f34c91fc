package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the size of the master key kept in the OS keyring.
const KeySize = 32

// Keys holds the keys derived from the master key: one to seal reversible
// secrets, one to hash one-time codes, one to chain the audit log, one to
// seal the audit log's head.
type Keys struct {
	seal      [32]byte
	code      [32]byte
	audit     [32]byte
	auditHead [32]byte
	check     [32]byte
	rand      io.Reader
}

// NewKeys derives the working keys from a 256-bit master key. rand supplies
// the nonces when sealing. Returns EINTERNAL for a key of the wrong size.
func NewKeys(master []byte, rand io.Reader) (*Keys, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("master key is %d bytes, want %d", len(master), KeySize)
	}
	k := &Keys{rand: rand}
	copy(k.seal[:], derive(master, "securityinfo seal v1"))
	copy(k.code[:], derive(master, "securityinfo code v1"))
	copy(k.audit[:], derive(master, "securityinfo audit v1"))
	copy(k.auditHead[:], derive(master, "securityinfo audit head v1"))
	copy(k.check[:], derive(master, "securityinfo key check v1"))
	return k, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Check returns a value that identifies the master key without revealing
// it, stored with the data so that opening it with another key fails at
// once with a clear message rather than later with broken secrets.
func (k *Keys) Check() string { return hex.EncodeToString(k.check[:16]) }

// ErrTampered is returned when a sealed secret does not open: it was changed,
// moved to another row, or sealed under another key.
var ErrTampered = errors.New("sealed secret failed authentication")

// Seal encrypts plaintext with XChaCha20-Poly1305. The context (such as the
// method ID) is authenticated, so a sealed value copied to another row does
// not open there.
func (k *Keys) Seal(plaintext []byte, context string) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(k.seal[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := io.ReadFull(k.rand, out); err != nil {
		return nil, fmt.Errorf("seal nonce: %w", err)
	}
	return aead.Seal(out, out, plaintext, []byte(context)), nil
}

// Open decrypts a value made by Seal with the same context. Returns
// ErrTampered when it does not authenticate.
func (k *Keys) Open(sealed []byte, context string) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(k.seal[:])
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrTampered
	}
	pt, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(context))
	if err != nil {
		return nil, ErrTampered
	}
	return pt, nil
}

// CodeHash is the keyed hash stored for a one-time code: without the key in
// the keyring, a copy of the database does not reveal codes by brute force.
func (k *Keys) CodeHash(verificationID, code string) []byte {
	m := hmac.New(sha256.New, k.code[:])
	m.Write([]byte(verificationID))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return m.Sum(nil)
}

// CodeMatches compares a typed code with a stored hash in constant time.
func (k *Keys) CodeMatches(hash []byte, verificationID, code string) bool {
	return hmac.Equal(hash, k.CodeHash(verificationID, code))
}
