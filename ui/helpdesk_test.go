package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

// deskHarness signs a help-desk agent (with a phone, so with two steps)
// into the window, with a user, uma, who has an email address.
func deskHarness(t *testing.T) (*harness, *core.Account) {
	h := newHarness(t, "en")
	h.withAccount()
	return h, deskOn(h)
}

// deskOn is deskHarness on a harness whose window has started.
func deskOn(h *harness) *core.Account {
	mk := func(name string, role core.Role) *core.Account {
		a, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: name, DisplayName: map[string]string{"hd@contoso.com": "Harry Desk", "uma@contoso.com": "Uma Thurman"}[name],
			Role: role, Password: alicePassword})
		if err != nil {
			h.fatal(err)
		}
		return a
	}
	agent, uma := mk("hd@contoso.com", core.RoleHelpdesk), mk("uma@contoso.com", core.RoleUser)
	for _, add := range []struct {
		a     *core.Account
		begin func(ctx context.Context) (*core.Challenge, error)
	}{
		{agent, func(ctx context.Context) (*core.Challenge, error) {
			return h.svc.BeginPhone(ctx, agent.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+44 20 7946 0001"})
		}},
		{uma, func(ctx context.Context) (*core.Challenge, error) {
			return h.svc.BeginEmail(ctx, uma.ID, "uma@gmail.com", "en")
		}},
	} {
		ch, err := add.begin(h.as(add.a))
		if err != nil {
			h.fatal(err)
		}
		if _, err := h.svc.Confirm(h.as(add.a), add.a.ID, ch.VerificationID, h.lastCode()); err != nil {
			h.fatal(err)
		}
	}
	step, err := h.svc.SignIn(h.u.ctx, "hd@contoso.com", alicePassword)
	if err != nil || step.Pending == nil {
		h.fatalf("agent sign-in: %+v %v", step, err)
	}
	o := step.Pending.Options[0]
	ch, err := h.svc.SendSignInCode(h.u.ctx, step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		h.fatal(err)
	}
	done, err := h.svc.FinishSignIn(h.u.ctx, step.Pending.ID, o.MethodID, ch.VerificationID, h.lastCode())
	if err != nil {
		h.fatal(err)
	}
	h.u.signedIn(done)
	return uma
}

// shownPass is the pass in the dialog: the large monospace text.
func (h *harness) shownPass() string {
	for _, o := range h.objects() {
		if txt, ok := o.(*canvas.Text); ok && txt.TextSize == 32 {
			return txt.Text
		}
	}
	h.fatal("no pass shown")
	return ""
}

// TestHelpdeskPage: the agent finds the person as they type, sees only a
// masked summary, cannot act before the person is verified, verifies them
// with the code sent to their address, and creates a pass that is shown
// once and signs the person in; unlock and sign out everywhere follow.
func TestHelpdeskPage(t *testing.T) {
	h, _ := deskHarness(t)
	tr := h.u.tr
	h.u.nav.Select(len(h.u.pages) - 1)
	h.shows("Find the person, prove who is asking")
	test.Type(h.entry(tr.T("helpdesk.searchPlaceholder")), "um")
	h.shows("Uma Thurman (uma@contoso.com)")
	h.shows("User · Email um*****@gmail.com · never signed in")
	h.notShows("uma@gmail.com")
	h.u.helpdesk.list.Select(0)
	h.shows("Not verified yet")
	for _, b := range []string{"Create Temporary Access Pass", "Unlock", "Sign out everywhere"} {
		if !h.disabled(b) {
			h.fatalf("%s is enabled before the person is verified", b)
		}
	}
	h.selects()[0].SetSelected("Email um*****@gmail.com")
	h.tap("Send code")
	h.shows("A code was sent to um*****@gmail.com")
	test.Type(h.entry(tr.T("code.placeholder")), "000000")
	h.tap("Check")
	h.shows("That code is wrong. You have 2 tries left.")
	test.Type(h.entry(tr.T("code.placeholder")), h.lastCode())
	h.tap("Check")
	h.shows("Verified by Email until 09:10.")
	h.tap("Create Temporary Access Pass")
	h.shows("Enter a ticket reference or a reason")
	test.Type(h.entry(tr.T("helpdesk.reasonPlaceholder")), "INC-42 lost phone")
	h.tap("Create Temporary Access Pass")
	h.shows("Temporary Access Pass for uma@contoso.com:")
	h.shows("it is not shown again")
	pass := h.shownPass()
	if step, err := h.svc.SignInWithPass(context.Background(), "uma@contoso.com", pass); err != nil || !step.Session.TwoStep {
		h.fatalf("the pass shown does not sign in: %+v %v", step, err)
	}
	h.tap("Done")
	h.tap("Unlock")
	h.shows("Unlocked: sign-in and the methods' lockouts are cleared.")
	h.tap("Sign out everywhere")
	h.shows("Signed out everywhere.")
}

// TestHelpdeskPageOnlyForStaff: a user's window has no Help desk entry.
func TestHelpdeskPageOnlyForStaff(t *testing.T) {
	h, uma := deskHarness(t)
	step, err := h.svc.SignIn(h.u.ctx, uma.Name, alicePassword)
	if err != nil || step.Session == nil {
		h.fatalf("uma signs in: %+v %v", step, err)
	}
	h.u.signedIn(step)
	for _, p := range h.u.pages {
		if p.title() == "Help desk" {
			h.fatal("a user's window has the Help desk page")
		}
	}
}

// TestSignInWithAPass: "Use a Temporary Access Pass" at sign-in replaces
// the password and the second step; a used one-time pass is refused like a
// wrong password, and "Use your password" goes back.
func TestSignInWithAPass(t *testing.T) {
	h := newHarness(t, "en")
	uma, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "uma@contoso.com", DisplayName: "Uma Thurman", Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	ch, _ := h.svc.BeginEmail(h.as(uma), uma.ID, "uma@gmail.com", "en")
	h.svc.Confirm(h.as(uma), uma.ID, ch.VerificationID, h.lastCode())
	info, _ := h.svc.SecurityInfo(h.as(uma), uma.ID)
	ch, err = h.svc.BeginIdentityCheck(h.admin, uma.ID, info.Methods[0].ID)
	if err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.FinishIdentityCheck(h.admin, uma.ID, ch.VerificationID, h.lastCode()); err != nil {
		h.fatal(err)
	}
	pass, err := h.svc.CreateAccessPass(h.admin, uma.ID, core.AccessPassRequest{Reason: "INC-5"})
	if err != nil {
		h.fatal(err)
	}
	tr := h.u.tr
	h.u.Start()
	h.entry(tr.T("signin.namePlaceholder")).SetText("uma@contoso.com")
	h.tap("Use a Temporary Access Pass")
	test.Type(h.entry(tr.T("signin.passPlaceholder")), pass.Pass)
	h.tap(tr.T("signin.submit"))
	if h.u.acct == nil || h.u.acct.ID != uma.ID {
		h.fatalf("not signed in with the pass; shown:\n%s", h.text())
	}
	h.u.signOut("")
	h.tap("Use a Temporary Access Pass")
	test.Type(h.entry(tr.T("signin.passPlaceholder")), pass.Pass)
	h.tap(tr.T("signin.submit"))
	h.shows("Your account name or password is incorrect.")
	h.tap("Use your password")
	h.entry(tr.T("signin.passwordPlaceholder"))
}
