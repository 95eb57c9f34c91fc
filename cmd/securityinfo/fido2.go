//go:build !windows

package main

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"github.com/fxamacker/cbor/v2"
	libfido2 "github.com/keys-pub/go-libfido2"

	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/ui"
)

// fido2Devices finds security keys through libfido2 (Linux, macOS). On
// Windows a program not run as administrator must go through
// webauthn.dll instead (fido2_windows.go).
type fido2Devices struct{}

func keyDevices(fyne.Window) ui.KeyDevices { return fido2Devices{} }

func (fido2Devices) List(context.Context) ([]ui.KeyDevice, error) {
	locs, err := libfido2.DeviceLocations()
	if err != nil {
		return nil, err
	}
	var out []ui.KeyDevice
	for _, l := range locs {
		d, err := libfido2.NewDevice(l.Path)
		if err != nil {
			continue
		}
		if ok, err := d.IsFIDO2(); err != nil || !ok {
			continue
		}
		out = append(out, fido2Device{d: d, name: strings.TrimSpace(l.Manufacturer + " " + l.Product)})
	}
	return out, nil
}

type fido2Device struct {
	d    *libfido2.Device
	name string
}

func (f fido2Device) Name() string { return f.name }

func (f fido2Device) HasPIN(context.Context) (bool, error) {
	info, err := f.d.Info()
	if err != nil {
		return false, keyErr(err)
	}
	for _, o := range info.Options {
		if o.Name == "clientPin" {
			return o.Value == libfido2.True, nil
		}
	}
	return false, nil
}

func (f fido2Device) SetPIN(_ context.Context, pin string) error { return keyErr(f.d.SetPIN(pin, "")) }

func (f fido2Device) PINRetries(context.Context) (int, error) {
	n, err := f.d.RetryCount()
	return n, keyErr(err)
}

// whileTouched cancels the key's wait for a touch when ctx ends.
func (f fido2Device) whileTouched(ctx context.Context) func() {
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = f.d.Cancel()
		case <-done:
		}
	}()
	return func() { close(done) }
}

func (f fido2Device) MakeCredential(ctx context.Context, rpID string, clientData, userID []byte, userName, pin string, _ [][]byte) ([]byte, []byte, error) {
	defer f.whileTouched(ctx)()
	att, err := f.d.MakeCredential(securitykey.ClientDataHash(clientData), libfido2.RelyingParty{ID: rpID, Name: rpID},
		libfido2.User{ID: userID, Name: userName, DisplayName: userName}, libfido2.ES256, pin, &libfido2.MakeCredentialOpts{RK: libfido2.False})
	if err != nil {
		return nil, nil, keyErr(err)
	}
	// libfido2 gives the authenticator data CBOR-wrapped, and the
	// statement in parts: the attestation object is rebuilt from them.
	var authData []byte
	if err := cbor.Unmarshal(att.AuthData, &authData); err != nil {
		return nil, nil, err
	}
	stmt := map[string]any{}
	if att.Format != "none" {
		stmt["alg"], stmt["sig"] = int(att.CredentialType), att.Sig
		if len(att.Cert) > 0 {
			stmt["x5c"] = [][]byte{att.Cert}
		}
	}
	em, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		return nil, nil, err
	}
	obj, err := em.Marshal(map[string]any{"fmt": att.Format, "attStmt": stmt, "authData": authData})
	return att.CredentialID, obj, err
}

func (f fido2Device) GetAssertion(ctx context.Context, rpID string, clientData []byte, allow [][]byte, pin string) ([]byte, []byte, []byte, error) {
	defer f.whileTouched(ctx)()
	a, err := f.d.Assertion(rpID, securitykey.ClientDataHash(clientData), allow, pin, &libfido2.AssertionOpts{UP: libfido2.True})
	if err != nil {
		return nil, nil, nil, keyErr(err)
	}
	var authData []byte
	if err := cbor.Unmarshal(a.AuthDataCBOR, &authData); err != nil {
		return nil, nil, nil, err
	}
	return a.CredentialID, authData, a.Sig, nil
}

// keyErr maps libfido2's (CTAP2's) errors to the window's.
func keyErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, libfido2.ErrPinInvalid):
		return ui.ErrKeyPINInvalid
	case errors.Is(err, libfido2.ErrPinAuthBlocked):
		return ui.ErrKeyPINBlocked
	case errors.Is(err, libfido2.ErrNoCredentials):
		return ui.ErrKeyNoCredentials
	case errors.Is(err, libfido2.ErrActionTimeout), errors.Is(err, libfido2.ErrKeepaliveCancel), errors.Is(err, libfido2.ErrOperationDenied):
		return ui.ErrKeyNotTouched
	}
	return err
}
