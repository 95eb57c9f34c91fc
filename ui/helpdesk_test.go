package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

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
	h.tap("Create pass")
	h.shows("Enter a ticket or reason first.")
	test.Type(h.entry(tr.T("helpdesk.reasonPlaceholder")), "INC-42 lost phone")
	h.notShows("Enter a ticket or reason first.")
	h.tap("Create Temporary Access Pass")
	h.tap("Create pass")
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
	// The picker remembers uma: choosing her fills in her name.
	h.tap("Uma Thurman (uma@contoso.com)")
	h.tap("Use a Temporary Access Pass")
	test.Type(h.entry(tr.T("signin.passPlaceholder")), pass.Pass)
	h.tap(tr.T("signin.submit"))
	h.shows("Your account name or password is incorrect.")
	h.tap("Use your password")
	h.entry(tr.T("signin.passwordPlaceholder"))
}

// verifyUma takes the Help desk page to uma, verified by the code sent to
// her address, with a ticket reference entered.
func (h *harness) verifyUma() {
	h.t.Helper()
	tr := h.u.tr
	h.u.nav.Select(len(h.u.pages) - 1)
	h.entry(tr.T("helpdesk.searchPlaceholder")).SetText("")
	test.Type(h.entry(tr.T("helpdesk.searchPlaceholder")), "uma")
	h.u.helpdesk.list.UnselectAll()
	h.u.helpdesk.list.Select(0)
	h.selects()[0].SetSelected("Email um*****@gmail.com")
	h.tap("Send code")
	test.Type(h.entry(tr.T("code.placeholder")), h.lastCode())
	h.tap("Check")
	h.shows("Verified by Email until")
	h.entry(tr.T("helpdesk.reasonPlaceholder")).SetText("INC-51")
}

// TestHelpdeskPageResetsThePassword: the temporary password is shown once
// in large type; the person who signs in with it in the window must choose
// their own before anything else.
func TestHelpdeskPageResetsThePassword(t *testing.T) {
	h, uma := deskHarness(t)
	for _, b := range []string{"Reset password", "Require re-registration", "Let the person register here", "Delete"} {
		h.u.nav.Select(len(h.u.pages) - 1)
		test.Type(h.entry(h.u.tr.T("helpdesk.searchPlaceholder")), "uma")
		h.u.helpdesk.list.Select(0)
		if !h.disabled(b) {
			h.fatalf("%s is enabled before the person is verified", b)
		}
		h.entry(h.u.tr.T("helpdesk.searchPlaceholder")).SetText("")
	}
	h.verifyUma()
	h.tap("Reset password")
	h.tap("Yes")
	h.shows("Temporary password for uma@contoso.com:")
	h.shows("They must choose their own password at their next sign-in.")
	tmp := h.shownPass()
	h.tap("Done")

	// uma signs in with it: the window asks for her own password first.
	step, err := h.svc.SignIn(context.Background(), uma.Name, tmp)
	if err != nil || step.Session == nil || !step.Account.PasswordMustChange {
		h.fatalf("uma signs in with the temporary password: %+v %v", step, err)
	}
	h.u.signedIn(step)
	h.shows("The help desk set a temporary password for you.")
	h.notShows("Security info")
	tr := h.u.tr
	fields := []string{tmp, "a very own passphrase of mine", "a very own passphrase of mine"}
	i := 0
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.Password && i < len(fields) {
			test.Type(f, fields[i])
			i++
		}
	}
	h.tap(tr.T("password.change"))
	h.tap("Continue")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	// Recent activity says who did it and why.
	for i, p := range h.u.pages {
		if p == page(h.u.activity) {
			h.u.nav.Select(i)
		}
	}
	h.shows("Temporary password set by the help desk: verified by: email — by hd@contoso.com — reason: INC-51")
}

// TestHelpdeskPageResetAsksFirst: "Reset password" asks first, naming the
// person and what follows; No leaves everything as it was (no audit event,
// no notice, the old password still works), Yes resets it.
func TestHelpdeskPageResetAsksFirst(t *testing.T) {
	h, uma := deskHarness(t)
	h.verifyUma()
	audited := func() bool {
		events, err := h.svc.AuditLog(h.admin, core.AuditFilter{AccountID: uma.ID})
		if err != nil {
			h.fatal(err)
		}
		for _, e := range events {
			if e.Action == core.ActionPasswordSetByDesk {
				return true
			}
		}
		return false
	}
	sent, _ := h.readOutbox()
	h.tap("Reset password")
	h.shows("Reset the password of uma@contoso.com?")
	h.shows("signed out everywhere")
	h.shows("must change at their next sign-in")
	h.tap("No")
	if h.dialogs() != 0 {
		h.fatal("No left the question open")
	}
	if audited() {
		h.fatal("No reset the password: it was audited")
	}
	if now, _ := h.readOutbox(); len(now) != len(sent) {
		h.fatalf("No sent %d messages", len(now)-len(sent))
	}
	if step, err := h.svc.SignIn(context.Background(), uma.Name, alicePassword); err != nil || step.Session == nil {
		h.fatalf("after No, uma's password no longer works: %+v %v", step, err)
	}

	h.tap("Reset password")
	h.tap("Yes")
	h.shows("Temporary password for uma@contoso.com:")
	if !audited() {
		h.fatal("Yes did not reset the password")
	}
	if _, err := h.svc.SignIn(context.Background(), uma.Name, h.shownPass()); err != nil {
		h.fatalf("the temporary password shown does not sign in: %v", err)
	}
}

// TestHelpdeskPageReregistersAndDeletes: re-registration asks first; the
// desk's delete shows the owner's preview (here: the last info, removed in
// 30 days) and records the ticket.
func TestHelpdeskPageReregistersAndDeletes(t *testing.T) {
	h, uma := deskHarness(t)
	h.verifyUma()
	h.tap("Require re-registration")
	h.shows("Remove the phones and authenticator apps of uma@contoso.com")
	h.tap("Yes")
	h.shows("Phones and apps were removed")
	h.selects()[1].SetSelected("Email um*****@gmail.com")
	h.tap("Delete")
	h.shows("This is your last security info") // the owner's preview, word for word
	h.tap("Yes")
	h.shows("Email um*****@gmail.com is their last security info: its removal takes effect on")
	events, _ := h.svc.AuditLog(h.admin, core.AuditFilter{AccountID: uma.ID})
	last := events[len(events)-1]
	if last.Action != core.ActionRemovalScheduled || !strings.HasPrefix(last.Reason, "INC-51; verified by: email") {
		h.fatalf("audit: %+v", last)
	}
}

// TestWalkUpRegistration: "Let the person register here" signs the person
// in with a pass the agent never sees, shows only their Security info under
// the walk-up banner, and gives the window back to the agent after two
// idle minutes or Done, the person's session ended and nothing of theirs
// kept.
func TestWalkUpRegistration(t *testing.T) {
	h := newHarness(t, "en")
	kept := &keptTokens{m: map[string]string{}}
	h.sessions = kept
	h.withAccount()
	uma := deskOn(h)
	h.verifyUma()
	h.tap("Let the person register here")
	h.shows("uma@contoso.com: register your methods here.")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	h.notShows("Find the person")
	if len(h.u.pages) == 0 || h.u.helpdesk == nil {
		h.fatal("the agent's window was replaced")
	}
	live := func() int {
		ss, err := h.svc.Sessions(h.admin, uma.ID)
		if err != nil {
			h.fatal(err)
		}
		return len(ss)
	}
	if live() != 1 {
		h.fatalf("%d sessions of uma during the walk-up", live())
	}
	h.advance(time.Minute)
	h.shows("uma@contoso.com: register your methods here.")
	h.advance(time.Minute)
	h.shows("The walk-up session of uma@contoso.com ended after 2 minutes without use.")
	h.shows("Find the person")
	if live() != 0 {
		h.fatal("uma's walk-up session is still live")
	}
	if _, ok := kept.m["uma@contoso.com"]; ok || h.u.lastName() == "uma@contoso.com" {
		h.fatalf("uma's session or name was kept: %v", kept.m)
	}
	for _, r := range h.u.remembered() {
		if r.Name == "uma@contoso.com" {
			h.fatal("uma is remembered in the account picker")
		}
	}

	// Done ends it at once.
	h.verifyUma()
	h.tap("Let the person register here")
	h.shows("uma@contoso.com: register your methods here.")
	person := h.u.walkUpPerson
	if person == nil {
		h.fatal("no walk-up window")
	}
	// Recovery codes are not made on the desk's machine.
	h.tap("Add sign-in method")
	for _, s := range h.selects() {
		if slices.Contains(s.Options, "Recovery codes") {
			h.fatalf("Recovery codes offered at the desk: %v", s.Options)
		}
	}
	h.tap("Cancel")
	h.tap("Done")
	h.shows("The walk-up session of uma@contoso.com ended.")
	if h.u.walkUpPerson != nil {
		h.fatal("the walk-up person's window is still kept")
	}
	// A late answer for the person's screens shows nothing.
	agent := h.u.win.Content()
	person.showPages()
	if h.u.win.Content() != agent {
		h.fatal("a late answer replaced the agent's screen")
	}
	if live() != 0 {
		h.fatal("uma's walk-up session is still live after Done")
	}
	events, _ := h.svc.AuditLog(h.admin, core.AuditFilter{AccountID: uma.ID})
	var notes int
	for _, e := range events {
		if e.Action == core.ActionPassCreated && e.Reason == "INC-51 (walk-up registration at the desk)" {
			notes++
		}
	}
	if notes != 2 {
		h.fatalf("%d walk-up ticket notes in the audit log, want 2", notes)
	}
}

// staffSession makes an account of role with a phone and signs it in
// with two steps outside the window.
func (h *harness) staffSession(name string, role core.Role, number string) (*core.Account, *core.SignInStep) {
	h.t.Helper()
	a, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: name, Role: role, Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	ch, err := h.svc.BeginPhone(h.as(a), a.ID, core.PhoneRequest{Kind: core.KindPhone, Number: number})
	if err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.Confirm(h.as(a), a.ID, ch.VerificationID, h.lastCode()); err != nil {
		h.fatal(err)
	}
	h.advance(time.Minute)
	step, err := h.svc.SignIn(context.Background(), name, alicePassword)
	if err != nil {
		h.fatal(err)
	}
	o := step.Pending.Options[0]
	sc, err := h.svc.SendSignInCode(context.Background(), step.Pending.ID, o.MethodID, o.Channel)
	if err != nil {
		h.fatal(err)
	}
	done, err := h.svc.FinishSignIn(context.Background(), step.Pending.ID, o.MethodID, sc.VerificationID, h.lastCode())
	if err != nil {
		h.fatal(err)
	}
	return a, done
}

// secondAgent is another help-desk agent signed in with two steps.
func (h *harness) secondAgent(name, number string) (*core.Account, context.Context) {
	a, done := h.staffSession(name, core.RoleHelpdesk, number)
	return a, core.WithActor(context.Background(), core.SessionActor(done.Session, done.Account, "test"))
}

// TestHelpdeskPageApprovals: a person with no method is verified in
// person once a second agent approves, which the window notices by
// itself; and the agent approves a colleague's request from the list of
// requests for their approval.
func TestHelpdeskPageApprovals(t *testing.T) {
	h, uma := deskHarness(t)
	tr := h.u.tr
	_, hd2 := h.secondAgent("hd2@contoso.com", "+44 20 7946 0002")
	if _, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "wes@contoso.com", DisplayName: "Wes Walkup", Password: alicePassword}); err != nil {
		h.fatal(err)
	}
	h.u.nav.Select(len(h.u.pages) - 1)
	test.Type(h.entry(tr.T("helpdesk.searchPlaceholder")), "wes")
	h.u.helpdesk.list.Select(0)
	h.shows("This person has no method to prove who they are with.")
	h.tap("Verify in person with photo ID")
	h.shows("Enter a ticket or reason first.")
	test.Type(h.entry(tr.T("helpdesk.reasonPlaceholder")), "INC-60 passport")
	h.tap("Verify in person with photo ID")
	h.shows("Waiting for a second approval until 09:")
	if !h.disabled("Create Temporary Access Pass") {
		h.fatal("a pass before the approval")
	}
	pending, err := h.svc.PendingApprovals(hd2)
	if err != nil || len(pending) != 1 {
		h.fatalf("hd2's list: %+v %v", pending, err)
	}
	if _, err := h.svc.Approve(hd2, pending[0].ID); err != nil {
		h.fatal(err)
	}
	h.advance(3 * time.Second)
	h.shows("Verified in person with photo ID, approved by hd2@contoso.com, until")
	if h.disabled("Create Temporary Access Pass") {
		h.fatal("no pass after the approval")
	}

	// hd2 asks; the window's agent approves from the list.
	if _, err := h.svc.RequestApproval(hd2, uma.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-61 lost everything"}); err != nil {
		h.fatal(err)
	}
	h.u.helpdesk.reload()
	h.shows("hd2@contoso.com checked the photo ID of uma@contoso.com in person: INC-61 lost everything")
	h.tap("Approve")
	h.shows("Approved.")
	if _, err := h.svc.CreateAccessPass(hd2, uma.ID, core.AccessPassRequest{Reason: "INC-61"}); err != nil {
		h.fatalf("hd2 after the window's approval: %v", err)
	}
}
