//go:build windows

package main

import "github.com/securityinfo/securityinfo/ui"

// keyDevices is nil on Windows for now: a program not run as
// administrator may not talk to security keys directly and must go
// through webauthn.dll (WebAuthNAuthenticatorMakeCredential and
// WebAuthNAuthenticatorGetAssertion, which draw their own PIN and touch
// prompts). The window then says this computer can't use keys.
func keyDevices() ui.KeyDevices { return nil }
