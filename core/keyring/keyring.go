// Package keyring keeps the store's 256-bit master key outside the
// database: in the OS keyring (Secret Service, macOS Keychain, Windows
// Credential Manager) through github.com/zalando/go-keyring, or, when the
// person chooses it with --key-file, in a file only they can read.
package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/securityinfo/securityinfo/core"
	gokeyring "github.com/zalando/go-keyring"
)

// Service is the keyring service name under which keys are kept.
const Service = "securityinfo"

// user names the keyring item of the store with the given instance ID, so
// several data folders can share one keyring.
func user(instance string) string { return "master-key-" + instance }

// Keyring reads and creates keys in the OS keyring.
type Keyring struct {
	Service string    // "" means Service
	Rand    io.Reader // nil means crypto/rand
}

// MasterKey returns the master key of the store instance, creating and
// saving a new random one when the keyring has none. create is false when
// the store already holds sealed data: a missing key is then an error, not a
// reason to make a new one. Returns EUNAVAILABLE when no keyring answers.
func (k Keyring) MasterKey(instance string, create bool) ([]byte, error) {
	svc := k.Service
	if svc == "" {
		svc = Service
	}
	v, err := get(svc, user(instance))
	if err == nil {
		key, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(key) != core.KeySize {
			return nil, core.Errorf(core.EUNAVAILABLE, "The key for this data folder in the OS keyring (service %q) is damaged. Restore it, or use --key-file with a backup of the key.", svc)
		}
		return key, nil
	}
	if !errors.Is(err, gokeyring.ErrNotFound) {
		return nil, unavailable(err)
	}
	if !create {
		return nil, core.Errorf(core.EUNAVAILABLE, "The OS keyring has no key for this data folder (service %q), but the folder was set up with one. Use the keyring it was set up with, or --key-file with the key file it was set up with.", svc)
	}
	key := make([]byte, core.KeySize)
	if _, err := io.ReadFull(k.rand(), key); err != nil {
		return nil, fmt.Errorf("new master key: %w", err)
	}
	if err := set(svc, user(instance), base64.StdEncoding.EncodeToString(key)); err != nil {
		return nil, unavailable(err)
	}
	return key, nil
}

// Delete removes the key of a store instance (used by tests and by
// removing a data folder).
func (k Keyring) Delete(instance string) error {
	svc := k.Service
	if svc == "" {
		svc = Service
	}
	return del(svc, user(instance))
}

func (k Keyring) rand() io.Reader {
	if k.Rand == nil {
		return rand.Reader
	}
	return k.Rand
}

func unavailable(err error) error {
	return &core.Error{Code: core.EUNAVAILABLE, Message: fmt.Sprintf(
		"No OS keyring is available to hold the encryption key (%s). Unlock or start your keyring (on Linux, a Secret Service such as gnome-keyring in your desktop session), or pass --key-file PATH to keep the key in a file only you can read.",
		strings.TrimSpace(err.Error()))}
}

func secretUnavailable(name string, err error) error {
	return &core.Error{Code: core.EUNAVAILABLE, Message: fmt.Sprintf(
		"The OS keyring, where %s is looked for, is not available (%s). Unlock your keyring, or set the secret in the configuration file or its SECURITYINFO_ environment variable.",
		name, strings.TrimSpace(err.Error()))}
}

// KeyFile returns the master key kept in the file at path, creating the
// file (mode 0600, its folder 0700) with a new random key when it does not
// exist and create is true. A file that others can read is refused.
func KeyFile(path string, create bool, r io.Reader) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, core.Errorf(core.EUNAVAILABLE, "The key file %s does not exist, but this data folder was set up with a key. Pass the key file it was set up with (or the keyring it used, by leaving out --key-file).", path)
		}
		key := make([]byte, core.KeySize)
		if _, err := io.ReadFull(r, key); err != nil {
			return nil, fmt.Errorf("new master key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create key file: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create key file: %w", err)
		}
		_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return nil, fmt.Errorf("write key file: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "Cannot read the key file %s: %v.", path, err)
	}
	if fi, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, core.Errorf(core.EUNAVAILABLE, "The key file %s can be read by other users (mode %v). Run: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != core.KeySize {
		return nil, core.Errorf(core.EUNAVAILABLE, "The key file %s does not hold a Security info key (%d base64 bytes expected).", path, core.KeySize)
	}
	return key, nil
}

// secretUser names a delivery secret (smtp-password, twilio-auth-token,
// webhook-token) in the keyring.
func secretUser(name string) string { return "secret-" + name }

// Secret returns a delivery secret kept in the keyring, and false when
// there is none. Returns EUNAVAILABLE when no keyring answers.
func (k Keyring) Secret(name string) (string, bool, error) {
	v, err := get(k.service(), secretUser(name))
	if errors.Is(err, gokeyring.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, secretUnavailable(name, err)
	}
	return v, true, nil
}

// SetSecret keeps a delivery secret in the keyring.
func (k Keyring) SetSecret(name, value string) error {
	if err := set(k.service(), secretUser(name), value); err != nil {
		return secretUnavailable(name, err)
	}
	return nil
}

// tokenUser names a session token kept for a server in the keyring.
func tokenUser(name string) string { return "token-" + name }

// Token returns a session token kept in the keyring, and false when there
// is none. Returns EUNAVAILABLE when no keyring answers.
func (k Keyring) Token(name string) (string, bool, error) {
	v, err := get(k.service(), tokenUser(name))
	if errors.Is(err, gokeyring.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, unavailable(err)
	}
	return v, true, nil
}

// SetToken keeps a session token in the keyring.
func (k Keyring) SetToken(name, token string) error {
	if err := set(k.service(), tokenUser(name), token); err != nil {
		return unavailable(err)
	}
	return nil
}

// DeleteToken forgets a session token; none kept is not an error.
func (k Keyring) DeleteToken(name string) error {
	if err := del(k.service(), tokenUser(name)); err != nil && !errors.Is(err, gokeyring.ErrNotFound) {
		return unavailable(err)
	}
	return nil
}

func (k Keyring) service() string {
	if k.Service == "" {
		return Service
	}
	return k.Service
}

// get, set and del reach the OS keyring only when it can be reached
// without starting anything: see sessionBus.
func get(service, user string) (string, error) {
	if err := sessionBus(); err != nil {
		return "", err
	}
	return gokeyring.Get(service, user)
}

func set(service, user, value string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return gokeyring.Set(service, user, value)
}

func del(service, user string) error {
	if err := sessionBus(); err != nil {
		return err
	}
	return gokeyring.Delete(service, user)
}

// sessionBus refuses to use the Secret Service when no D-Bus session bus
// runs. Without one, D-Bus would "autolaunch" a bus daemon of its own
// (and with it a keyring daemon) that outlives the program, for every
// try. The bus is DBUS_SESSION_BUS_ADDRESS's (not "autolaunch:", which
// asks for exactly that), or a socket named bus in $XDG_RUNTIME_DIR or
// /run/user/<uid>, where systemd starts one for a desktop session. D-Bus
// itself looks only in /run/user/<uid> before it autolaunches, so the
// socket found is named to it in DBUS_SESSION_BUS_ADDRESS: what was
// checked is what is used.
func sessionBus() error {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return nil
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && !strings.HasPrefix(a, "autolaunch:") {
		return nil
	}
	for _, dir := range []string{os.Getenv("XDG_RUNTIME_DIR"), fmt.Sprintf("/run/user/%d", os.Getuid())} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, "bus")
		if fi, err := os.Stat(p); err == nil && fi.Mode()&fs.ModeSocket != 0 {
			return os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+busAddressValue(p))
		}
	}
	return errNoBus
}

// busAddressValue escapes a value of a D-Bus address: bytes other than
// [-0-9A-Za-z_/.\*] as %XX.
func busAddressValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '-' || c == '_' || c == '/' || c == '.' || c == '\\' || c == '*' ||
			'0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}

var errNoBus = errors.New("no D-Bus session bus is running")

// Check reports whether the OS keyring answers, without starting one (an
// EUNAVAILABLE error that says how to go on). The data folder asks before
// it creates anything.
func (k Keyring) Check() error {
	if _, err := get(k.service(), "check"); err != nil && !errors.Is(err, gokeyring.ErrNotFound) {
		return unavailable(err)
	}
	return nil
}
