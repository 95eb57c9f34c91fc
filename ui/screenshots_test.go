package ui

// The main states of the window, walked step by step. Each TestScreenshots*
// is run two ways, by the shooter of the build:
//
//   - with -tags screenshots (make screenshots, under Xvfb) the real
//     OpenGL driver paints each state and shot saves it as a PNG for the
//     README and docs/ (screenshots_real_test.go);
//   - without, in go test ./ui, the test driver builds the same states
//     headless and shot presses every button and link of each with Enter
//     (screens_keys_test.go).

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
	"github.com/securityinfo/securityinfo/internal/version"
)

// pickFirst chooses, when the account picker is shown, the account
// signed in last, which fills in its name.
func (h *harness) pickFirst() {
	h.t.Helper()
	list := h.u.remembered()
	if len(list) == 0 {
		return
	}
	label := list[0].Name
	if list[0].DisplayName != "" {
		label = list[0].DisplayName + " (" + list[0].Name + ")"
	}
	h.tap(label)
}

func TestScreenshots(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	s.do(func() { h.u.Start() })
	s.shot("first_account")
	var alice *core.Account
	s.do(func() {
		accts, _ := h.svc.Accounts(h.admin)
		_ = accts
		a, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", DisplayName: "Alice Smith", Password: alicePassword})
		alice = a
		h.svc.SetPolicy(h.admin, []string{"requireRegistration=false"})
		h.u.chooseAccount()
		h.entry("Account name, for example alice@contoso.com").SetText("alice@contoso.com")
		test.Type(h.entry("Password"), alicePassword)
	})
	s.shot("signin")
	s.do(func() { h.tap("Sign in") })
	s.shot("page_empty")
	s.do(func() { h.addMethod("Phone") })
	s.do(func() {
		h.selects()[0].SetSelected("United Kingdom (+44)")
		test.Type(h.entry("Enter phone number"), "020 7946 0958")
	})
	s.shot("phone_number")
	s.do(func() { h.tap("Next") })
	s.shot("phone_code")
	s.do(func() { test.Type(h.entry("Enter code"), h.lastCode()); h.tap("Next") })
	s.shot("phone_success")
	s.do(func() { h.tap("Done"); h.u.reloadAll() })
	s.do(func() { h.tap("Add sign-in method") })
	s.shot("add_method")
	s.do(func() { h.selects()[len(h.selects())-1].SetSelected("Email"); h.tap("Add") })
	s.do(func() { test.Type(h.entry("For example alain@gmail.com"), "alice@contoso.com") })
	s.shot("email_refused")
	s.do(func() {
		h.entry("For example alain@gmail.com").SetText("alain@gmail.com")
		h.tap("Next")
		test.Type(h.entry("Enter code"), h.lastCode())
		h.tap("Next")
		h.tap("Done")
	})
	s.do(func() { h.addMethod("Authenticator app") })
	s.shot("app_get")
	s.do(func() { h.tap("Next"); h.tap("Can't scan image?") })
	s.shot("app_qr")
	s.do(func() { h.tap("Cancel") })
	s.do(func() {
		addPhoneAndAppFor(t, h, alice)
		h.addMethod("Security questions")
		sels := h.selects()
		sels[0].SetSelected("In what city were you born?")
		sels[1].SetSelected("What was the name of your first pet?")
		sels[2].SetSelected("What was your childhood nickname?")
	})
	s.shot("questions")
	s.do(func() { h.tap("Cancel"); h.u.reloadAll() })
	s.shot("page_methods")
	s.do(func() { h.tapFirst("Change") })
	s.shot("default_change")
	s.do(func() { h.tap("Cancel"); h.tapFirst("Delete") })
	s.shot("delete_confirm")
	s.do(func() { h.tap("No"); h.u.nav.Select(0) })
	s.shot("overview")
	s.do(func() { h.u.nav.Select(2) })
	s.shot("password")
	s.do(func() {
		// A second place where alice is signed in: the command line.
		ctx := core.WithDevice(context.Background(), "securityinfoctl on linux")
		step, err := h.svc.SignIn(ctx, "alice@contoso.com", alicePassword)
		if err != nil {
			h.fatal(err)
		}
		o := step.Pending.Options[0]
		ch, err := h.svc.SendSignInCode(ctx, step.Pending.ID, o.MethodID, o.Channel)
		if err != nil {
			h.fatal(err)
		}
		if _, err := h.svc.FinishSignIn(ctx, step.Pending.ID, o.MethodID, ch.VerificationID, h.lastCode()); err != nil {
			h.fatal(err)
		}
		h.u.nav.Select(3)
	})
	s.shot("devices")
	s.do(func() { h.u.nav.Select(4) })
	s.shot("activity")
	s.do(func() { h.u.nav.Select(1); h.tap("Open outbox") })
	s.shot("outbox")
	s.do(func() { h.tap("Close") })
	s.do(func() {
		for _, m := range h.methods(alice) {
			h.svc.DeleteMethod(h.as(alice), alice.ID, m.ID)
		}
		h.u.reloadAll()
	})
	s.shot("pending_removal")
	// Sign out, and back in with two steps.
	s.do(func() {
		h.svc.CancelRemoval(h.as(alice), alice.ID)
		ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
		h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
		h.svc.SetDefault(h.as(alice), alice.ID, h.methods(alice)[1].ID, core.ChannelSMS)
		h.u.signOut("")
		h.pickFirst()
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
	})
	s.shot("signin_code")
	s.do(func() { h.tap("Sign in another way") })
	s.shot("signin_another_way")
	// Forgot my password.
	s.do(func() {
		h.u.signOut("")
		h.pickFirst()
		h.tap("Forgot my password")
		h.tap("Next")
	})
	s.shot("reset_choose")
	// A made-up name: made-up methods, and a wrong code answered as a
	// real one would be.
	s.do(func() {
		h.u.signOut("")
		h.pickFirst()
		h.tap("Forgot my password")
		h.entry("Account name, for example alice@contoso.com").SetText("someone@contoso.com")
		h.tap("Next")
	})
	s.shot("reset_decoy")
	s.do(func() {
		for _, o := range h.objects() {
			if b, ok := o.(*button); ok && strings.HasPrefix(b.Text, "Text my mobile phone") {
				tapCentre(b)
				break
			}
		}
		test.Type(h.entry("Enter code"), "123456")
		h.tap("Verify")
	})
	s.shot("reset_decoy_wrong")
	// Verify your security info, 180 days on.
	s.do(func() {
		h.now = h.now.Add(181 * 24 * time.Hour)
		h.relogin()
	})
	s.shot("verify_info")
}

func TestScreenshotsHelpdesk(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	s.do(func() {
		h.withAccount()
		deskOn(h)
		h.u.nav.Select(len(h.u.pages) - 1)
		test.Type(h.entry(h.u.tr.T("helpdesk.searchPlaceholder")), "um")
		h.u.helpdesk.list.Select(0)
	})
	s.shot("helpdesk_search")
	s.do(func() {
		h.selects()[0].SetSelected("Email um*****@gmail.com")
		h.tap("Send code")
		test.Type(h.entry(h.u.tr.T("code.placeholder")), h.lastCode())
		h.tap("Check")
		test.Type(h.entry(h.u.tr.T("helpdesk.reasonPlaceholder")), "INC-42 lost phone")
	})
	s.shot("helpdesk_verified")
	// The window a person chose is kept: at 751 px the page wraps.
	s.do(func() { h.w.Resize(fyne.NewSize(751, 680)) })
	s.shot("helpdesk_narrow")
	s.do(func() { h.w.Resize(fyne.NewSize(1000, 680)) })
	s.do(func() { h.tap("Create Temporary Access Pass") })
	s.shot("helpdesk_pass_options")
	s.do(func() { h.tap("Create pass") })
	s.shot("helpdesk_pass")
	var pass string
	s.do(func() {
		pass = h.shownPass()
		h.tap("Done")
	})
	s.shot("helpdesk_person_pass")
	s.do(func() {
		h.u.signOut("")
		h.pickFirst()
		h.entry(h.u.tr.T("signin.namePlaceholder")).SetText("uma@contoso.com")
		h.tap("Use a Temporary Access Pass")
		test.Type(h.entry(h.u.tr.T("signin.passPlaceholder")), pass)
	})
	s.shot("signin_pass")
	s.do(func() { h.tap(h.u.tr.T("signin.submit")) })
	s.shot("signin_pass_done")
}

// TestScreenshotsHelpdeskActions: the temporary password, the desk's
// delete, the walk-up session, the photo-ID approval on both sides, and
// the change a temporary password asks for.
func TestScreenshotsHelpdeskActions(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	var uma *core.Account
	var hd2 context.Context
	s.do(func() {
		h.withAccount()
		uma = deskOn(h)
		_, hd2 = h.secondAgent("hd2@contoso.com", "+44 20 7946 0002")
		h.svc.CreateAccount(h.admin, core.NewAccount{Name: "wes@contoso.com", DisplayName: "Wes Walkup", Password: alicePassword})
		h.verifyUma()
	})
	s.do(func() { h.u.helpdesk.scroll.ScrollToBottom() })
	s.shot("helpdesk_actions")
	s.do(func() {
		for range 10 {
			h.svc.SignIn(context.Background(), uma.Name, "wrong password, wrong")
		}
		h.u.helpdesk.refresh()
		h.u.helpdesk.scroll.ScrollToTop()
	})
	s.shot("helpdesk_locked")
	s.do(func() { h.tap("Unlock") })
	s.do(func() { h.tap("Let the person register here") })
	s.shot("helpdesk_walkup")
	var tmp string
	s.do(func() {
		h.tap("Done")
		h.tap("Reset password")
	})
	s.shot("helpdesk_reset_confirm")
	s.do(func() { h.tap("Yes") })
	s.shot("helpdesk_temp_password")
	s.do(func() {
		tmp = h.shownPass()
		h.tap("Done")
		h.selects()[1].SetSelected("Email um*****@gmail.com")
		h.tap("Delete")
	})
	s.shot("helpdesk_delete")
	s.do(func() {
		h.tap("No")
		h.entry(h.u.tr.T("helpdesk.searchPlaceholder")).SetText("wes")
		h.u.helpdesk.list.UnselectAll()
		h.u.helpdesk.list.Select(0)
		test.Type(h.entry(h.u.tr.T("helpdesk.reasonPlaceholder")), "INC-60 passport checked")
		h.tap("Verify in person with photo ID")
		h.svc.RequestApproval(hd2, uma.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-61 lost phone and laptop"})
		h.u.helpdesk.loadApprovals()
	})
	s.shot("helpdesk_approvals")
	s.do(func() {
		step, err := h.svc.SignIn(context.Background(), uma.Name, tmp)
		if err != nil {
			h.fatal(err)
		}
		h.u.carried = tmp // as the sign-in screen hands it over
		h.u.signedIn(step)
	})
	s.shot("password_must_change")
}

// TestScreenshotsAccessPass: a person signed in with a reusable pass
// sees it on their Security info page, and its Delete asks first.
func TestScreenshotsAccessPass(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	s.do(func() {
		h.withAccount()
		uma := deskOn(h)
		h.svc.SetPolicy(h.admin, []string{"tapOneTime=false"})
		_, agent := h.secondAgent("hd2@contoso.com", "+44 20 7946 0002")
		pass := h.issuePass(agent, uma, false)
		step, err := h.svc.SignInWithPass(context.Background(), uma.Name, pass)
		if err != nil {
			h.fatal(err)
		}
		h.u.signedIn(step)
	})
	s.shot("securityinfo_access_pass")
	s.do(func() { h.tap("Delete") })
	s.shot("securityinfo_access_pass_delete")
}

func TestScreenshotsKeepSecure(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	s.do(func() {
		h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", Password: alicePassword})
		h.u.Start()
		h.entry("Account name, for example alice@contoso.com").SetText("bob@contoso.com")
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
	})
	s.shot("keep_secure")
}

func TestScreenshotsGerman(t *testing.T) {
	s := newShooter(t, "de")
	h := s.h
	var alice *core.Account
	s.do(func() { alice = h.withAccount(); addPhoneAndAppFor(t, h, alice) })
	s.shot("page_methods_de")
	s.do(func() {
		h.tap("Anmeldemethode hinzufügen")
		h.selects()[len(h.selects())-1].SetSelected("E-Mail")
		h.tap("Hinzufügen")
	})
	s.shot("email_de")
	// Errors are worded by their reason key in the window's language.
	s.do(func() {
		h.u.signOut("")
		h.pickFirst()
		test.Type(h.entry("Kennwort"), "not the password")
		h.tap("Anmelden")
	})
	s.shot("signin_wrong_de")
}

// addPhoneAndAppFor adds an office phone and an authenticator app.
func addPhoneAndAppFor(t *testing.T, h *harness, alice *core.Account) {
	ch, err := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindOfficePhone, Number: "+4930901820", Extension: "77"})
	if err != nil {
		t.Fatal(err)
	}
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.now = h.now.Add(time.Minute)
	e, _ := h.svc.BeginAuthenticator(h.as(alice), alice.ID, "Pixel 8")
	code, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if _, err := h.svc.Confirm(h.as(alice), alice.ID, e.VerificationID, code); err != nil {
		t.Fatal(err)
	}
	h.u.reloadAll()
}

// TestScreenshotsRecovery: the code screen's recovery paths, the help
// desk's options, Change of a phone, "Add the new info first", and the
// account picker.
func TestScreenshotsRecovery(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	s.do(func() {
		bob, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", DisplayName: "Bob Jones", Password: alicePassword})
		_ = bob
		alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", DisplayName: "Alice Smith", Password: alicePassword})
		ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
		h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
		h.svc.SetPolicy(h.admin, []string{"requireRegistration=false"})
		h.u.Start()
		h.toForm()
		h.entry("Account name, for example alice@contoso.com").SetText("bob@contoso.com")
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
		h.u.signOut("")
		h.pickFirst()
		h.advance(time.Minute)
		h.toForm()
		h.entry("Account name, for example alice@contoso.com").SetText("alice@contoso.com")
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
	})
	s.shot("signin_code_recovery")
	s.do(func() { h.tap("Sign in another way") })
	s.shot("signin_another_way")
	s.do(func() { h.tap("I don't have any of these") })
	s.shot("signin_help_desk")
	s.do(func() {
		h.tap("Back")
		h.tap("Back")
		test.Type(h.entry("Enter code"), h.lastCode())
		h.tap("Verify")
		h.tap("Delete")
	})
	s.shot("delete_add_first")
	s.do(func() { h.tap("Add the new info first") })
	s.shot("change_phone")
	s.do(func() {
		h.tap("Cancel")
		h.u.switchAccount()
	})
	s.shot("account_picker")
}

// TestScreenshotsKeys: the security key wizard and sign-in, with a
// software key plugged in.
func TestScreenshotsKeys(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	key := softkey.New()
	s.do(func() {
		h.u.keys = &softDevices{keys: []*softkey.Key{key}}
		h.withAccount()
		h.svc.SetPolicy(h.admin, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"})
		h.addMethod("Security key")
	})
	s.shot("key_insert")
	s.do(func() { h.tap("Search for the key") })
	s.shot("key_set_pin")
	s.do(func() {
		h.entry("Security key PIN").SetText("1234")
		h.entry("Confirm the PIN").SetText("1234")
		h.tap("Next")
		h.entry("A name for the key").SetText("YubiKey 5 NFC")
	})
	s.shot("key_name")
	s.do(func() { h.tap("Save") })
	s.shot("key_success")
	s.do(func() {
		h.tap("Done")
		h.u.signOut("")
		h.pickFirst()
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
		test.Type(h.entry("Security key PIN"), "0000")
		h.tap("Continue")
	})
	s.shot("signin_key")
	s.do(func() {
		h.u.signOut("")
		h.pickFirst()
		h.tap("Forgot my password")
		h.tap("Next")
	})
	s.shot("reset_key_choose")
	s.do(func() {
		h.tap("Use my security key")
		h.u.keys = &softDevices{keys: []*softkey.Key{softkey.New()}}
		test.Type(h.entry("Security key PIN"), "1234")
		h.tap("Continue")
	})
	s.shot("reset_key")
}

// TestScreenshotsAbout: Help › About.
func TestScreenshotsAbout(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	version.Version, version.Commit, version.Date = "0.1.0", "1a2b3c4d5e6f", "2026-12-03T12:00:00Z"
	defer func() { version.Version, version.Commit, version.Date = "", "", "" }()
	s.do(func() {
		h.withAccount()
		h.u.showAbout()
	})
	s.shot("about")
}

// TestScreenshotsWayBack: signed in with a pass, the person replaces a
// lost phone (the banner, the choice, the new phone's wizard), then says
// "This wasn't me" about the pass they did not ask for (Recent activity,
// the question, the sign-in screen after), and the help desk sees it.
func TestScreenshotsWayBack(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	var uma *core.Account
	s.do(func() {
		h.withAccount()
		uma = umaWithPhoneOnPass(h)
	})
	s.shot("lost_after_pass")
	s.do(func() { h.tap("I lost a phone or app") })
	s.do(func() { sels := h.selects(); sels[len(sels)-1].SetSelectedIndex(0) })
	s.shot("lost_choose")
	s.do(func() { h.tap("Remove it and set up a new one") })
	s.shot("lost_new_phone")
	s.do(func() {
		h.tap("Cancel")
		h.u.reloadAll()
		h.u.nav.Select(4)
	})
	s.shot("activity_not_me")
	s.do(func() {
		events, err := h.svc.RecentActivity(h.u.ctx, uma.ID, 50)
		if err != nil {
			h.fatal(err)
		}
		for _, e := range events {
			if e.Action == core.ActionPassCreated {
				h.u.activity.onReport(e)
			}
		}
	})
	s.shot("report_confirm")
	s.do(func() { h.tap("Report and sign out everywhere") })
	s.shot("report_signed_out")
	s.do(func() {
		_, done := h.staffSession("hd3@contoso.com", core.RoleHelpdesk, "+44 20 7946 0003")
		h.u.signedIn(done)
		h.u.nav.Select(len(h.u.pages) - 1)
	})
	s.shot("helpdesk_reports")
	// For a day after the report the desk can't check the caller with the
	// person's own phones and apps.
	s.do(func() {
		test.Type(h.entry(h.u.tr.T("helpdesk.searchPlaceholder")), "uma")
		h.u.helpdesk.list.Select(0)
		sel := h.selects()[0]
		sel.SetSelected(sel.Options[0])
		h.tap("Send code")
	})
	s.do(func() {
		h.u.helpdesk.scroll.Offset = fyne.NewPos(0, 310) // the check's step, with its error
		h.u.helpdesk.scroll.Refresh()
	})
	s.shot("helpdesk_reported_check")
}

// TestScreenshotsWindowsHello: on Windows, Windows Hello registered (its
// success and its row, this computer's), and sign-in with a key, which
// asks for no PIN (Windows does).
func TestScreenshotsWindowsHello(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	hello := softkey.New()
	hello.SetPIN("2580")
	s.do(func() {
		h.u.keys = NewWebAuthnKeys(&softWindows{key: softkey.New(), hello: hello, pin: "2580"}, true)
		h.u.computer = "LAPTOP-42"
		h.withAccount()
		h.svc.SetPolicy(h.admin, []string{"enabledMethods=authenticatorApp,phone,email,securityKey,windowsHello"})
		h.addMethod("Windows Hello")
	})
	s.shot("hello_success")
	s.do(func() { h.tap("Done") })
	s.shot("page_hello")
	s.do(func() {
		h.u.signOut("")
		h.pickFirst()
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
	})
	s.shot("signin_key_windows")
}
