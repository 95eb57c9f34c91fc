package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

// TestAttackCodeScreenOutboxShowsThisFlowOnly: "Open outbox" on the
// sign-in's code screen shows the codes of this sign-in, not every message
// written since it began, and a reset's code screen has no outbox at all. On a shared desk machine a person
// who starts a reset for any name (a made-up one will do) and leaves the
// outbox open must not read the codes and notices of the people who use
// the computer after them, which the signed-in outbox shows only to their
// owner (or, audited, to an administrator).
func TestAttackCodeScreenOutboxShowsThisFlowOnly(t *testing.T) {
	h := newHarness(t, "en")
	alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if _, err := h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode()); err != nil {
		t.Fatal(err)
	}
	bob, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", Password: alicePassword})
	h.advance(time.Minute)
	h.u.Start()
	h.signInPage(alicePassword)
	h.shows("We texted your phone +XX XXXXXXXX58.")
	sent := h.lastCode()
	// Someone else's code, written while alice's code screen is open.
	if _, err := h.svc.BeginPhone(h.as(bob), bob.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460777"}); err != nil {
		t.Fatal(err)
	}
	bobCode := h.lastCode()
	if bobCode == sent {
		t.Fatal("the same code twice")
	}
	h.tap("Open outbox")
	h.shows(sent)
	h.notShows(bobCode)
	h.tap("Refresh")
	h.shows(sent)
	h.notShows(bobCode)
	h.tap("Close")

	// A reset's code screen: its own code, not another's sent after.
	h.advance(time.Minute)
	newResetFlow(h.u.door()).start()
	test.Type(h.entry("Account name, for example alice@contoso.com"), "")
	h.tap("Next")
	h.tap("Text my mobile phone +XX XXXXXXXX58")
	h.shows("We sent a 6-digit code to +XX XXXXXXXX58.")
	resetCode := h.lastCode()
	if _, err := h.svc.SignIn(context.Background(), bob.Name, alicePassword); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Minute)
	if _, err := h.svc.BeginEmail(h.as(bob), bob.ID, "bob@example.com", "en"); err != nil {
		t.Fatal(err)
	}
	_ = resetCode
	// A reset proves who the person is by its code alone: its screen does
	// not open the outbox at all, or anyone at this computer could reset
	// any account.
	h.notShows("Open outbox")
}
