package ui

import (
	"context"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestDevicesPage: the page lists this window and another sign-in, signs
// the other one out, and "Sign out everywhere" ends this one too.
func TestDevicesPage(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	other, err := h.svc.SignIn(core.WithDevice(context.Background(), "securityinfoctl on linux"), "alice@contoso.com", alicePassword)
	if err != nil || other.Session == nil {
		t.Fatalf("second sign-in = %+v, %v", other, err)
	}
	h.u.nav.Select(3)
	h.shows("Devices")
	h.shows("securityinfoctl on linux")
	h.shows("This device")
	h.tap("Sign out")
	if _, err := h.svc.ResumeSession(context.Background(), other.Session.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("the other session after Sign out: %v", err)
	}
	h.notShows("securityinfoctl on linux")
	mine := h.u.sess.ID
	h.tap("Sign out everywhere")
	h.tap("Yes")
	h.shows("You were signed out everywhere.")
	if _, err := h.svc.ResumeSession(context.Background(), mine); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("this session after Sign out everywhere: %v", err)
	}
	// Another account cannot list or end alice's sessions.
	bob, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	step, _ := h.svc.SignIn(context.Background(), "bob@contoso.com", "another long passphrase")
	bctx := core.WithActor(context.Background(), core.SessionActor(step.Session, bob, "test"))
	if _, err := h.svc.Sessions(bctx, alice.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("bob lists alice's sessions: %v", err)
	}
	if err := h.svc.SignOutEverywhere(bctx, alice.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("bob signs alice out: %v", err)
	}
}
