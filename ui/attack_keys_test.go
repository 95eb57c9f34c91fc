package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// hookDevices is softDevices whose key runs during hook while it waits
// for the touch (the person does something else in the window meanwhile).
type hookDevices struct {
	k    *softkey.Key
	hook func()
}

func (d *hookDevices) List(context.Context) ([]KeyDevice, error) {
	return []KeyDevice{hookDevice{softDevice{d.k}, d}}, nil
}

type hookDevice struct {
	softDevice
	d *hookDevices
}

func (d hookDevice) MakeCredential(ctx context.Context, rpID string, cd, userID []byte, userName, pin string, exclude [][]byte) ([]byte, []byte, error) {
	if d.d.hook != nil {
		h := d.d.hook
		d.d.hook = nil
		h()
	}
	return d.softDevice.MakeCredential(ctx, rpID, cd, userID, userName, pin, exclude)
}

func (d hookDevice) GetAssertion(ctx context.Context, rpID string, cd []byte, allow [][]byte, pin string) ([]byte, []byte, []byte, error) {
	if d.d.hook != nil {
		h := d.d.hook
		d.d.hook = nil
		h()
	}
	return d.softDevice.GetAssertion(ctx, rpID, cd, allow, pin)
}

// TestAttackLateKeyAnswerDoesNotTakeOverAnotherWay: while the key waits for its
// touch the person chooses "Sign in another way" and a phone; the key's
// late answer must not replace the code screen they chose (the rule the
// other options follow: "another way was chosen meanwhile").
func TestAttackLateKeyAnswerDoesNotTakeOverAnotherWay(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	h.svc.SetPolicy(h.admin, []string{"enabledMethods=authenticatorApp,phone,email,securityKey", "requireRegistration=false"})
	ph, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if _, err := h.svc.Confirm(h.as(alice), alice.ID, ph.VerificationID, h.lastCode()); err != nil {
		t.Fatal(err)
	}
	ch, err := h.svc.BeginSecurityKey(h.as(alice), alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
	cd := rp.ClientData(true, ch.Challenge)
	id, att, _ := key.MakeCredential(rp.ID, securitykey.ClientDataHash(cd), "1234", "packed")
	if _, err := h.svc.ConfirmSecurityKey(h.as(alice), alice.ID, ch.VerificationID, core.KeyRegistration{CredentialID: id, ClientData: cd, AttestationObject: att, Name: "YubiKey"}); err != nil {
		t.Fatal(err)
	}
	devs := &hookDevices{k: key}
	h.u.keys = devs
	h.u.Start()
	h.signInPage(alicePassword)
	h.tap("Sign in another way")
	h.tap("Use a security key")
	h.shows("Insert your security key and enter its PIN.")
	devs.hook = func() {
		h.tap("Sign in another way")
		h.tap("Text +XX XXXXXXXX58")
	}
	test.Type(h.entry("Security key PIN"), "1234")
	h.tap("Continue")
	if h.u.sess != nil {
		t.Fatalf("the key's late answer signed the window in after the person chose a phone code instead")
	}
}

// TestAttackCancelDuringTouchAddsNoKey: the person cancels the wizard
// while the key waits for its touch, and the key is touched just then:
// no key is added behind the person's back.
func TestAttackCancelDuringTouchAddsNoKey(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	h, alice := keyHarness(t)
	devs := &hookDevices{k: key}
	h.u.keys = devs
	h.addMethod("Security key")
	h.tap("Search for the key")
	test.Type(h.entry("Security key PIN"), "1234")
	devs.hook = func() {
		h.shows("Touch your security key now")
		h.tap("Cancel")
	}
	h.tap("Next")
	if h.dialogs() != 0 {
		h.fatal("the wizard is still open after Cancel")
	}
	if ms := h.methods(alice); len(ms) != 0 {
		h.fatalf("a key was added after the person cancelled: %+v", ms)
	}
}

// TestAttackLateKeyAnswerDoesNotMoveAReset: during a password reset the
// key waits for its touch while the person goes back to sign-in; the
// key's late answer neither proves the reset behind their back nor
// brings the reset screens back.
func TestAttackLateKeyAnswerDoesNotMoveAReset(t *testing.T) {
	key := softkey.New()
	key.SetPIN("1234")
	h, _ := keyHarness(t, key)
	registerKey(h)
	devs := &hookDevices{k: key}
	h.u.keys = devs
	h.u.signOut("")
	h.toForm()
	h.tap("Forgot my password")
	h.tap("Next")
	h.tap("Use my security key")
	test.Type(h.entry("Security key PIN"), "1234")
	devs.hook = func() { h.tap("Back to sign-in") }
	h.tap("Continue")
	h.notShows("Get back into your account")
	h.shows("Choose the account you want to sign in with.")
	h.toForm()
	h.tap("Forgot my password")
	h.tap("Next")
	h.shows("Use my security key") // the key was not proven behind the person's back
}
