//go:build windows

package main

// Security keys and Windows Hello on Windows go through webauthn.dll
// (Windows 10 1903 and later): a program not run as administrator may not
// talk to keys directly, and Windows draws the PIN, touch and Windows
// Hello prompts itself. The DLL is loaded at run time from System32, so
// the window starts where it is missing and says keys are unavailable.
// The arguments are built in C memory with the header's own types
// (mingw-w64's webauthn.h, API version 3), and each function is called
// through a pointer of its declared type, so the C compiler checks every
// call against the header. ui/webauthn.go builds the options; this file
// only copies them in and the results out.

/*
#include <stdint.h>
#include <stdlib.h>
#include <windows.h>
#include <webauthn.h>

// CALL turns an address from GetProcAddress into the header's function.
#define CALL(name, f) ((__typeof__(&name))(uintptr_t)(f))

static DWORD apiVersion(uintptr_t f) { return CALL(WebAuthNGetApiVersionNumber, f)(); }
static HRESULT platformAvailable(uintptr_t f, BOOL *ok) {
	return CALL(WebAuthNIsUserVerifyingPlatformAuthenticatorAvailable, f)(ok);
}
static HRESULT makeCredential(uintptr_t f, uintptr_t hwnd, PCWEBAUTHN_RP_ENTITY_INFORMATION rp,
		PCWEBAUTHN_USER_ENTITY_INFORMATION user, PCWEBAUTHN_COSE_CREDENTIAL_PARAMETERS params,
		PCWEBAUTHN_CLIENT_DATA cd, PCWEBAUTHN_AUTHENTICATOR_MAKE_CREDENTIAL_OPTIONS o,
		PWEBAUTHN_CREDENTIAL_ATTESTATION *out) {
	return CALL(WebAuthNAuthenticatorMakeCredential, f)((HWND)hwnd, rp, user, params, cd, o, out);
}
static HRESULT getAssertion(uintptr_t f, uintptr_t hwnd, LPCWSTR rpID, PCWEBAUTHN_CLIENT_DATA cd,
		PCWEBAUTHN_AUTHENTICATOR_GET_ASSERTION_OPTIONS o, PWEBAUTHN_ASSERTION *out) {
	return CALL(WebAuthNAuthenticatorGetAssertion, f)((HWND)hwnd, rpID, cd, o, out);
}
static void freeAttestation(uintptr_t f, PWEBAUTHN_CREDENTIAL_ATTESTATION a) { CALL(WebAuthNFreeCredentialAttestation, f)(a); }
static void freeAssertion(uintptr_t f, PWEBAUTHN_ASSERTION a) { CALL(WebAuthNFreeAssertion, f)(a); }
static HRESULT cancellationID(uintptr_t f, GUID *id) { return CALL(WebAuthNGetCancellationId, f)(id); }
static HRESULT cancel(uintptr_t f, const GUID *id) { return CALL(WebAuthNCancelCurrentOperation, f)(id); }
static PCWSTR errorName(uintptr_t f, HRESULT hr) { return CALL(WebAuthNGetErrorName, f)(hr); }
static int wcslength(PCWSTR s) { int n = 0; while (s && s[n]) n++; return n; }
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode/utf16"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"

	"github.com/securityinfo/securityinfo/ui"
)

// ui's copies of the header's values: each line fails to compile (an
// index out of range) when its two sides differ.
var (
	_ = [1]int{}[C.WEBAUTHN_AUTHENTICATOR_ATTACHMENT_ANY-ui.WebAuthnAttachmentAny]
	_ = [1]int{}[C.WEBAUTHN_AUTHENTICATOR_ATTACHMENT_PLATFORM-ui.WebAuthnAttachmentPlatform]
	_ = [1]int{}[C.WEBAUTHN_AUTHENTICATOR_ATTACHMENT_CROSS_PLATFORM-ui.WebAuthnAttachmentCrossPlatform]
	_ = [1]int{}[C.WEBAUTHN_USER_VERIFICATION_REQUIREMENT_REQUIRED-ui.WebAuthnUserVerificationRequired]
	_ = [1]int{}[C.WEBAUTHN_ATTESTATION_CONVEYANCE_PREFERENCE_NONE-ui.WebAuthnAttestationNone]
	_ = [1]int{}[C.WEBAUTHN_ATTESTATION_CONVEYANCE_PREFERENCE_DIRECT-ui.WebAuthnAttestationDirect]
	_ = [1]int{}[C.WEBAUTHN_COSE_ALGORITHM_ECDSA_P256_WITH_SHA256-ui.WebAuthnES256]
	_ = [1]int{}[C.WEBAUTHN_CTAP_TRANSPORT_USB-ui.WebAuthnTransportUSB]
	_ = [1]int{}[C.WEBAUTHN_CTAP_TRANSPORT_NFC-ui.WebAuthnTransportNFC]
	_ = [1]int{}[C.WEBAUTHN_CTAP_TRANSPORT_BLE-ui.WebAuthnTransportBLE]
	_ = [1]int{}[C.WEBAUTHN_CTAP_TRANSPORT_INTERNAL-ui.WebAuthnTransportInternal]
)

// The options' versions asked for are those of API version 1 (Windows 10
// 1903): they have the cancellation ID and the exclude and allow lists,
// which is all the window uses.
const (
	makeOptionsVersion      = C.WEBAUTHN_AUTHENTICATOR_MAKE_CREDENTIAL_OPTIONS_VERSION_3
	getOptionsVersion       = C.WEBAUTHN_AUTHENTICATOR_GET_ASSERTION_OPTIONS_VERSION_4
	attestationWithObject   = C.WEBAUTHN_CREDENTIAL_ATTESTATION_VERSION_3 // has the attestation object and credential ID
	webAuthnLeastAPIVersion = C.WEBAUTHN_API_VERSION_1
)

// keyDevices is webauthn.dll, or nil (no key support) where it is
// missing or older than Windows 10 1903.
func keyDevices(w fyne.Window) ui.KeyDevices {
	d, err := loadWebAuthn(w)
	if err != nil {
		slog.Warn("security keys are unavailable", "err", err)
		return nil
	}
	var ok C.BOOL
	hello := C.platformAvailable(d.procs["WebAuthNIsUserVerifyingPlatformAuthenticatorAvailable"], &ok) == 0 && ok != 0
	return ui.NewWebAuthnKeys(d, hello)
}

// webAuthnDLL is webauthn.dll's functions and the window its prompts
// belong to.
type webAuthnDLL struct {
	procs map[string]C.uintptr_t
	win   fyne.Window
}

func loadWebAuthn(w fyne.Window) (*webAuthnDLL, error) {
	dll := windows.NewLazySystemDLL("webauthn.dll")
	d := &webAuthnDLL{procs: map[string]C.uintptr_t{}, win: w}
	for _, name := range []string{"WebAuthNGetApiVersionNumber", "WebAuthNIsUserVerifyingPlatformAuthenticatorAvailable",
		"WebAuthNAuthenticatorMakeCredential", "WebAuthNAuthenticatorGetAssertion", "WebAuthNFreeCredentialAttestation",
		"WebAuthNFreeAssertion", "WebAuthNGetCancellationId", "WebAuthNCancelCurrentOperation", "WebAuthNGetErrorName"} {
		p := dll.NewProc(name)
		if err := p.Find(); err != nil {
			return nil, fmt.Errorf("webauthn.dll: %w", err)
		}
		d.procs[name] = C.uintptr_t(p.Addr())
	}
	if v := C.apiVersion(d.procs["WebAuthNGetApiVersionNumber"]); v < webAuthnLeastAPIVersion {
		return nil, fmt.Errorf("webauthn.dll: API version %d", v)
	}
	return d, nil
}

// hwnd is the window's handle, which Windows' prompts are modal to.
func (d *webAuthnDLL) hwnd() C.uintptr_t {
	var h uintptr
	if nw, ok := d.win.(driver.NativeWindow); ok {
		nw.RunNative(func(c any) {
			if wc, ok := c.(driver.WindowsWindowContext); ok {
				h = wc.HWND
			}
		})
	}
	return C.uintptr_t(h)
}

// cmem is one call's C memory, freed together after the call.
type cmem []unsafe.Pointer

func (m *cmem) alloc(n uintptr) unsafe.Pointer {
	p := C.calloc(1, C.size_t(n))
	if p == nil {
		panic("webauthn: out of memory")
	}
	*m = append(*m, p)
	return p
}

func (m *cmem) free() {
	for _, p := range *m {
		C.free(p)
	}
}

func (m *cmem) bytes(b []byte) (C.DWORD, C.PBYTE) {
	p := (*C.BYTE)(m.alloc(uintptr(len(b)) + 1))
	copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), len(b)), b)
	return C.DWORD(len(b)), p
}

// wstr is s as a NUL-terminated UTF-16 string, for the header's LPCWSTR
// and PCWSTR fields alike.
func (m *cmem) wstr(s string) *C.WCHAR {
	u := append(utf16.Encode([]rune(s)), 0)
	p := m.alloc(uintptr(len(u)) * 2)
	copy(unsafe.Slice((*uint16)(p), len(u)), u)
	return (*C.WCHAR)(p)
}

func (m *cmem) clientData(json []byte, alg string) *C.WEBAUTHN_CLIENT_DATA {
	cd := (*C.WEBAUTHN_CLIENT_DATA)(m.alloc(uintptr(C.sizeof_WEBAUTHN_CLIENT_DATA)))
	cd.dwVersion = C.WEBAUTHN_CLIENT_DATA_CURRENT_VERSION
	cd.cbClientDataJSON, cd.pbClientDataJSON = m.bytes(json)
	cd.pwszHashAlgId = m.wstr(alg)
	return cd
}

func (m *cmem) credentials(ids [][]byte) *C.WEBAUTHN_CREDENTIAL_LIST {
	l := (*C.WEBAUTHN_CREDENTIAL_LIST)(m.alloc(uintptr(C.sizeof_WEBAUTHN_CREDENTIAL_LIST)))
	if len(ids) == 0 {
		return l
	}
	ptrs := unsafe.Slice((*C.PWEBAUTHN_CREDENTIAL_EX)(m.alloc(uintptr(len(ids))*unsafe.Sizeof(C.PWEBAUTHN_CREDENTIAL_EX(nil)))), len(ids))
	typ := m.wstr("public-key") // WEBAUTHN_CREDENTIAL_TYPE_PUBLIC_KEY
	for i, id := range ids {
		c := (*C.WEBAUTHN_CREDENTIAL_EX)(m.alloc(uintptr(C.sizeof_WEBAUTHN_CREDENTIAL_EX)))
		c.dwVersion = C.WEBAUTHN_CREDENTIAL_EX_CURRENT_VERSION
		c.cbId, c.pbId = m.bytes(id)
		c.pwszCredentialType = typ
		ptrs[i] = c
	}
	l.cCredentials, l.ppCredentials = C.DWORD(len(ids)), &ptrs[0]
	return l
}

// cancelOn asks the DLL for a cancellation ID and cancels the operation
// when ctx ends; stop waits for that watch to end, so the ID's memory
// outlives it.
func (d *webAuthnDLL) cancelOn(ctx context.Context, m *cmem) (id *C.GUID, stop func()) {
	id = (*C.GUID)(m.alloc(uintptr(C.sizeof_GUID)))
	if C.cancellationID(d.procs["WebAuthNGetCancellationId"], id) != 0 {
		return nil, func() {}
	}
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		select {
		case <-ctx.Done():
			C.cancel(d.procs["WebAuthNCancelCurrentOperation"], id)
		case <-done:
		}
	}()
	return id, func() { close(done); <-ended }
}

// failure is a failed call's HRESULT with the DLL's name for it.
func (d *webAuthnDLL) failure(hr C.HRESULT) error {
	p := C.errorName(d.procs["WebAuthNGetErrorName"], hr)
	name := string(utf16.Decode(unsafe.Slice((*uint16)(unsafe.Pointer(p)), int(C.wcslength(p)))))
	return &ui.WebAuthnError{HRESULT: uint32(hr), Name: name}
}

// MakeCredential implements ui.WebAuthn.
func (d *webAuthnDLL) MakeCredential(ctx context.Context, o *ui.WebAuthnCreate) (*ui.WebAuthnCreated, error) {
	var m cmem
	defer m.free()
	rp := (*C.WEBAUTHN_RP_ENTITY_INFORMATION)(m.alloc(uintptr(C.sizeof_WEBAUTHN_RP_ENTITY_INFORMATION)))
	rp.dwVersion = C.WEBAUTHN_RP_ENTITY_INFORMATION_CURRENT_VERSION
	rp.pwszId, rp.pwszName = m.wstr(o.RPID), m.wstr(o.RPName)
	user := (*C.WEBAUTHN_USER_ENTITY_INFORMATION)(m.alloc(uintptr(C.sizeof_WEBAUTHN_USER_ENTITY_INFORMATION)))
	user.dwVersion = C.WEBAUTHN_USER_ENTITY_INFORMATION_CURRENT_VERSION
	user.cbId, user.pbId = m.bytes(o.UserID)
	user.pwszName, user.pwszDisplayName = m.wstr(o.UserName), m.wstr(o.UserName)
	params := (*C.WEBAUTHN_COSE_CREDENTIAL_PARAMETERS)(m.alloc(uintptr(C.sizeof_WEBAUTHN_COSE_CREDENTIAL_PARAMETERS)))
	list := unsafe.Slice((*C.WEBAUTHN_COSE_CREDENTIAL_PARAMETER)(m.alloc(uintptr(len(o.Algorithms))*uintptr(C.sizeof_WEBAUTHN_COSE_CREDENTIAL_PARAMETER))), len(o.Algorithms))
	for i, alg := range o.Algorithms {
		list[i] = C.WEBAUTHN_COSE_CREDENTIAL_PARAMETER{dwVersion: C.WEBAUTHN_COSE_CREDENTIAL_PARAMETER_CURRENT_VERSION,
			pwszCredentialType: m.wstr("public-key"), lAlg: C.LONG(alg)}
	}
	params.cCredentialParameters, params.pCredentialParameters = C.DWORD(len(list)), &list[0]
	opts := (*C.WEBAUTHN_AUTHENTICATOR_MAKE_CREDENTIAL_OPTIONS)(m.alloc(uintptr(C.sizeof_WEBAUTHN_AUTHENTICATOR_MAKE_CREDENTIAL_OPTIONS)))
	opts.dwVersion = makeOptionsVersion
	opts.dwTimeoutMilliseconds = C.DWORD(o.Timeout.Milliseconds())
	opts.dwAuthenticatorAttachment = C.DWORD(o.Attachment)
	opts.dwUserVerificationRequirement = C.DWORD(o.UserVerification)
	opts.dwAttestationConveyancePreference = C.DWORD(o.Attestation)
	opts.pExcludeCredentialList = m.credentials(o.Exclude)
	id, stop := d.cancelOn(ctx, &m)
	opts.pCancellationId = id
	out := (*C.PWEBAUTHN_CREDENTIAL_ATTESTATION)(m.alloc(unsafe.Sizeof(C.PWEBAUTHN_CREDENTIAL_ATTESTATION(nil))))
	hr := C.makeCredential(d.procs["WebAuthNAuthenticatorMakeCredential"], d.hwnd(), rp, user, params,
		m.clientData(o.ClientDataJSON, o.HashAlgorithm), opts, out)
	stop()
	if hr != 0 {
		return nil, d.failure(hr)
	}
	a := *out
	defer C.freeAttestation(d.procs["WebAuthNFreeCredentialAttestation"], a)
	if a.dwVersion < attestationWithObject {
		return nil, errors.New("webauthn.dll: an attestation without its object")
	}
	return &ui.WebAuthnCreated{CredentialID: C.GoBytes(unsafe.Pointer(a.pbCredentialId), C.int(a.cbCredentialId)),
		AttestationObject: C.GoBytes(unsafe.Pointer(a.pbAttestationObject), C.int(a.cbAttestationObject)),
		Transport:         uint32(a.dwUsedTransport)}, nil
}

// GetAssertion implements ui.WebAuthn.
func (d *webAuthnDLL) GetAssertion(ctx context.Context, o *ui.WebAuthnGet) (*ui.WebAuthnAsserted, error) {
	var m cmem
	defer m.free()
	opts := (*C.WEBAUTHN_AUTHENTICATOR_GET_ASSERTION_OPTIONS)(m.alloc(uintptr(C.sizeof_WEBAUTHN_AUTHENTICATOR_GET_ASSERTION_OPTIONS)))
	opts.dwVersion = getOptionsVersion
	opts.dwTimeoutMilliseconds = C.DWORD(o.Timeout.Milliseconds())
	opts.dwAuthenticatorAttachment = C.DWORD(o.Attachment)
	opts.dwUserVerificationRequirement = C.DWORD(o.UserVerification)
	opts.pAllowCredentialList = m.credentials(o.Allow)
	id, stop := d.cancelOn(ctx, &m)
	opts.pCancellationId = id
	out := (*C.PWEBAUTHN_ASSERTION)(m.alloc(unsafe.Sizeof(C.PWEBAUTHN_ASSERTION(nil))))
	hr := C.getAssertion(d.procs["WebAuthNAuthenticatorGetAssertion"], d.hwnd(), m.wstr(o.RPID),
		m.clientData(o.ClientDataJSON, o.HashAlgorithm), opts, out)
	stop()
	if hr != 0 {
		return nil, d.failure(hr)
	}
	a := *out
	defer C.freeAssertion(d.procs["WebAuthNFreeAssertion"], a)
	return &ui.WebAuthnAsserted{CredentialID: C.GoBytes(unsafe.Pointer(a.Credential.pbId), C.int(a.Credential.cbId)),
		AuthenticatorData: C.GoBytes(unsafe.Pointer(a.pbAuthenticatorData), C.int(a.cbAuthenticatorData)),
		Signature:         C.GoBytes(unsafe.Pointer(a.pbSignature), C.int(a.cbSignature))}, nil
}
