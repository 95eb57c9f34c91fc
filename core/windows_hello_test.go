package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// TestWindowsHelloIsAKeyOfOneComputer: the policy offers Windows Hello
// on its own (windowsHello); it registers as a security key bound to the
// computer (channel platform, named after the computer), counts with the
// keys, can be the default and signs in as a key; a key is still refused
// where only Windows Hello is allowed.
func TestWindowsHelloIsAKeyOfOneComputer(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,windowsHello"}); err != nil {
		t.Fatal(err)
	}
	kinds, err := f.svc.AvailableKinds(f.own, f.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(kinds, core.KindWindowsHello) || contains(kinds, core.KindSecurityKey) {
		t.Fatalf("available kinds: %v", kinds)
	}
	register := func(key *softkey.Key, r core.KeyRegistration) (*core.MethodView, error) {
		ch, err := f.svc.BeginSecurityKey(f.own, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
		cd := rp.ClientData(true, ch.Challenge)
		id, att, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(cd), "1234", "none", ch.Credentials...)
		if err != nil {
			t.Fatal(err)
		}
		r.CredentialID, r.ClientData, r.AttestationObject = id, cd, att
		return f.svc.ConfirmSecurityKey(f.own, f.alice.ID, ch.VerificationID, r)
	}
	usb := softkey.New()
	usb.SetPIN("1234")
	if _, err := register(usb, core.KeyRegistration{Name: "YubiKey", Transports: []string{"usb"}}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a security key where only Windows Hello is allowed: %v", err)
	}
	hello := softkey.New()
	hello.SetPIN("1234")
	m, err := register(hello, core.KeyRegistration{Name: "LAPTOP-42", Attachment: core.AttachmentPlatform, Transports: []string{"internal"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != core.KindSecurityKey || m.Channel != core.ChannelPlatform || m.Detail != "LAPTOP-42" {
		t.Fatalf("Windows Hello: %+v", m)
	}
	info, _ := f.svc.SecurityInfo(f.own, f.alice.ID)
	if info.Default == nil || info.Default.MethodID != m.ID || info.Default.Label != "Windows Hello" {
		t.Fatalf("default: %+v", info.Default)
	}
	step, vid, a := keySignIn(t, f, hello, "1234")
	if s, err := f.svc.FinishKeySignIn(f.ctx, step.Pending.ID, vid, a); err != nil || !s.Session.TwoStep {
		t.Fatalf("sign-in with Windows Hello: %+v %v", s, err)
	}
	// A reset offers it as the key option while the policy allows it.
	if st, err := f.svc.StartReset(context.Background(), f.alice.Name); err != nil || kindsOf(st.Options) != "securityKey/key" {
		t.Fatalf("reset options: %+v %v", st, err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.svc.StartReset(context.Background(), f.alice.Name); strings.Contains(kindsOf(st.Options), "securityKey") {
		t.Fatalf("Windows Hello offered while the policy does not allow it: %+v", st.Options)
	}
}
