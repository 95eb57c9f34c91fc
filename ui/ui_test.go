package ui

import (
	"context"
	"encoding/base32"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/internal/version"
)

func TestFirstAccountOnEmptyStore(t *testing.T) {
	h := newHarness(t, "en")
	h.u.Start()
	h.shows("Welcome to Security info")
	test.AssertRendersToMarkup(t, "first_account.xml", h.w.Canvas())
	if !h.disabled("Create account") {
		t.Fatal("Create account enabled on an empty form")
	}
	test.Type(h.entry("alice@contoso.com"), "alice@contoso.com")
	test.Type(h.entry("Alice Smith"), "Alice Smith")
	var pw []*field
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.Password {
			pw = append(pw, f)
		}
	}
	where := func() fyne.Position {
		for _, o := range h.objects() {
			if b, ok := o.(*button); ok && b.Text == "Create account" {
				return fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
			}
		}
		h.fatal("no Create account")
		return fyne.Position{}
	}
	before := where()
	test.Type(pw[0], "short")
	test.Type(pw[1], "short")
	if !h.disabled("Create account") {
		t.Fatal("Create account enabled with a short password")
	}
	h.shows("Use at least 15 characters")
	if after := where(); after != before {
		t.Fatalf("the form jumped when the password's problem appeared: Create account moved from %v to %v", before, after)
	}
	pw[0].SetText("a long enough passphrase")
	pw[1].SetText("a long enough passphrase")
	h.tap("Create account")
	// The policy requires registration: the first thing asked is to set it up.
	h.shows("Keep your account secure")
	h.tap("Skip for now (3 left)")
	h.shows("These are the methods you use to sign into your account or reset your password.")
	h.shows("Alice Smith")
	accts, _ := h.svc.Accounts(h.admin)
	if len(accts) != 1 || accts[0].Role != core.RoleAdmin || accts[0].DisplayName != "Alice Smith" {
		t.Fatalf("accounts %+v", accts)
	}
}

func TestSecurityInfoPageEmptyAndWithMethods(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	h.shows("You have no security info yet.")
	h.notShows("Default sign-in method:")
	test.AssertRendersToMarkup(t, "page_empty.xml", h.w.Canvas())

	// Add a phone and an email through the CLI-equivalent service calls.
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	ch, _ = h.svc.BeginEmail(h.as(alice), alice.ID, "alain@gmail.com", "")
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	ch, _ = h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindOfficePhone, Number: "+4930901820", Extension: "77"})
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.u.reloadAll()
	h.shows("Phone - text (+44 20 7946 0958)")
	h.shows("+44 20 7946 0958")
	h.shows("alain@gmail.com")
	h.shows("+49 30 901820 ext. 77")
	test.AssertRendersToMarkup(t, "page_methods.xml", h.w.Canvas())
}

func TestPhoneWizard(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	h.addMethod("Phone")
	h.shows("What phone number would you like to use?")
	if !h.disabled("Next") {
		t.Fatal("Next enabled without a number")
	}
	test.AssertRendersToMarkup(t, "phone_number.xml", h.w.Canvas())
	h.selects()[0].SetSelected("United Kingdom (+44)")
	test.Type(h.entry("Enter phone number"), "020 7946")
	if !h.disabled("Next") {
		t.Fatal("Next enabled with an incomplete number")
	}
	h.shows("This number is not a valid phone number for United Kingdom (+44).")
	test.Type(h.entry("Enter phone number"), " 0958")
	h.tap("Next")
	h.shows("We just sent a 6-digit code to +44 20 7946 0958. Enter the code below.")
	h.shows("Resend code (30 s)")
	test.AssertRendersToMarkup(t, "phone_code.xml", h.w.Canvas())
	if len(h.methods(alice)) != 0 {
		t.Fatal("the phone was added before its code")
	}
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Next")
	h.shows("Text message verified")
	h.shows("Your phone +44 20 7946 0958 was registered successfully.") // lower-case mid-sentence
	test.AssertRendersToMarkup(t, "phone_success.xml", h.w.Canvas())
	h.tap("Done")
	if h.dialogs() != 0 {
		t.Fatal("the wizard is still open")
	}
	h.shows("Phone - text (+44 20 7946 0958)")
	ms := h.methods(alice)
	if len(ms) != 1 || ms[0].Detail != "+442079460958" || ms[0].Channel != core.ChannelSMS || !ms[0].IsDefault {
		t.Fatalf("methods %+v", ms)
	}
}

func TestOfficePhoneByCall(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	h.addMethod("Office phone")
	h.shows("We'll call you with a code.")
	h.notShows("Text me a code")
	h.selects()[0].SetSelected("Germany (+49)")
	test.Type(h.entry("Enter phone number"), "030 901820")
	test.Type(h.entry("Optional"), "123")
	h.tap("Next")
	h.shows("We're calling +49 30 901820 now")
	es, _ := h.readOutbox()
	if es[len(es)-1].Channel != core.ChannelVoice {
		t.Fatalf("office phone reached by %s", es[len(es)-1].Channel)
	}
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Next")
	h.shows("Call answered")
	h.tap("Done")
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Extension != "123" || ms[0].Kind != core.KindOfficePhone {
		t.Fatalf("methods %+v", ms)
	}
}

func TestWrongCodeTriesAndResendCountdown(t *testing.T) {
	h := newHarness(t, "en")
	h.withAccount()
	h.addMethod("Phone")
	test.Type(h.entry("Enter phone number"), "+44 20 7946 0958")
	h.tap("Next")
	code := h.lastCode()
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	test.Type(h.entry("Enter code"), wrong)
	h.tap("Next")
	h.shows("That code is wrong. You have 4 tries left.")
	if !h.disabled("Resend code (30 s)") {
		t.Fatal("resend allowed at once")
	}
	h.advance(12 * time.Second)
	h.shows("Resend code (18 s)")
	h.advance(18 * time.Second)
	if h.disabled("Resend code") {
		t.Fatal("resend not allowed after 30 s")
	}
	before, _ := h.readOutbox()
	h.tap("Resend code")
	after, _ := h.readOutbox()
	if len(after) != len(before)+1 {
		t.Fatal("no new code was sent")
	}
	h.shows("A new code was sent. The old one no longer works.")
	h.shows("Resend code (30 s)")
	// Back returns to the number, with the number kept.
	h.tap("Back")
	if got := h.entry("Enter phone number").Text; got != "+44 20 7946 0958" {
		t.Fatalf("number after Back = %q", got)
	}
}

func TestEmailWizard(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	// No organisation domain in the policy: alice's own sign-in domain
	// counts as one.
	h.addMethod("Email")
	test.Type(h.entry("For example alain@gmail.com"), "alice@contoso.com")
	h.shows("This email address can't be your work or school email (contoso.com).")
	if !h.disabled("Next") {
		t.Fatal("Next enabled for an organisation address")
	}
	test.AssertRendersToMarkup(t, "email_refused.xml", h.w.Canvas())
	e := h.entry("For example alain@gmail.com")
	e.SetText("alain@gmail.com")
	h.notShows("work or school email (")
	h.tap("Next")
	h.shows("We just sent a 6-digit code to alain@gmail.com.")
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Next")
	h.shows("Email verified")
	h.tap("Done")
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Kind != core.KindEmail {
		t.Fatalf("methods %+v", ms)
	}
	h.notShows("Default sign-in method:") // email is never a sign-in method
}

func TestAuthenticatorWizard(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	h.addMethod("Authenticator app")
	h.shows("Start by getting the app")
	test.AssertRendersToMarkup(t, "app_get.xml", h.w.Canvas())
	h.tap("Next")
	h.shows("Scan the QR code")
	h.notShows("Secret key")
	h.tap("Can't scan image?")
	h.shows("Secret key")
	h.shows("alice@contoso.com")
	test.AssertRendersToMarkup(t, "app_qr.xml", h.w.Canvas())
	var secret string
	for _, line := range strings.Split(h.text(), "\n") {
		if len(line) == 39 && strings.Count(line, " ") == 7 {
			secret = strings.ReplaceAll(line, " ", "")
		}
	}
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil || len(secret) != 32 {
		t.Fatalf("secret shown %q: %v", secret, err)
	}
	h.tap("Copy secret key")
	if got := h.u.app.Clipboard().Content(); got != secret {
		t.Fatalf("clipboard %q, want %q", got, secret)
	}
	h.tap("Next")
	code, _ := totp.GenerateCodeCustom(secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	test.Type(h.entry("Enter code"), code)
	test.Type(h.entry("Authenticator app"), "Pixel 8")
	test.AssertRendersToMarkup(t, "app_code.xml", h.w.Canvas())
	h.tap("Next")
	h.shows("Authenticator app registered")
	h.shows("Pixel 8 was registered successfully.")
	h.tap("Done")
	h.shows("Authenticator app or hardware token - code")
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Name != "Pixel 8" {
		t.Fatalf("methods %+v", ms)
	}
}

func TestQuestionsWizard(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	h.addMethod("Security questions")
	sels := h.selects()
	if len(sels) != 3 {
		t.Fatalf("%d question drop-downs, want 3", len(sels))
	}
	sels[0].SetSelected("In what city were you born?")
	for _, o := range sels[1].Options {
		if o == "In what city were you born?" {
			t.Fatal("a question chosen above is offered again")
		}
	}
	sels[1].SetSelected("What was the name of your first pet?")
	sels[2].SetSelected("What was your childhood nickname?")
	answers := []*field{}
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.PlaceHolder == "Answer" {
			answers = append(answers, f)
		}
	}
	test.Type(answers[0], "Leeds")
	test.Type(answers[1], "pet")
	h.shows("can't contain the question, or be part of it")
	answers[1].SetText("Rex")
	test.Type(answers[2], "leeds")
	h.shows("Each answer must be different.")
	if !h.disabled("Done") {
		t.Fatal("Done enabled with a repeated answer")
	}
	answers[2].SetText("Bunny")
	test.AssertRendersToMarkup(t, "questions.xml", h.w.Canvas())
	h.tap("Done")
	h.shows("Security questions saved")
	h.tap("Done")
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Kind != core.KindSecurityQuestions {
		t.Fatalf("methods %+v", ms)
	}
	// Change answers them again: the new answers replace the old.
	before := h.methods(alice)[0].ID
	h.tap("Change")
	h.shows("Change security questions")
	sels = h.selects()
	sels[0].SetSelected("In what city were you born?")
	sels[1].SetSelected("What was the name of your first pet?")
	sels[2].SetSelected("What was your childhood nickname?")
	answers = answers[:0]
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.PlaceHolder == "Answer" {
			answers = append(answers, f)
		}
	}
	for i, a := range []string{"York", "Tom", "Sunny"} {
		test.Type(answers[i], a)
	}
	h.tap("Done")
	h.shows("Security questions saved")
	h.tap("Done")
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Kind != core.KindSecurityQuestions || ms[0].ID == before {
		t.Fatalf("after Change: methods %+v", ms)
	}
}

func addPhoneAndApp(t *testing.T, h *harness, alice *core.Account) (phone, app core.MethodView) {
	ch, err := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.now = h.now.Add(time.Minute)
	e, _ := h.svc.BeginAuthenticator(h.as(alice), alice.ID, "Pixel")
	code, _ := totp.GenerateCodeCustom(e.Secret, h.now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	a, err := h.svc.Confirm(h.as(alice), alice.ID, e.VerificationID, code)
	if err != nil {
		t.Fatal(err)
	}
	h.u.reloadAll()
	h.relogin()
	return *p, *a
}

func TestDeleteWithConfirmation(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	phone, _ := addPhoneAndApp(t, h, alice)
	h.svc.SetDefault(h.as(alice), alice.ID, phone.ID, core.ChannelSMS)
	h.u.reloadAll()
	// The phone's row is the first; its Delete link is the first "Delete".
	h.tapFirst("Delete")
	h.shows("Are you sure you want to delete Phone (+44 20 7946 0958)?")
	h.shows("Your default sign-in method becomes Authenticator app or hardware token - code.")
	h.shows("There's no way to undo it.")
	test.AssertRendersToMarkup(t, "delete_confirm.xml", h.w.Canvas())
	h.tap("No")
	if len(h.methods(alice)) != 2 || h.dialogs() != 0 {
		t.Fatal("No deleted the method or left the dialog open")
	}
	h.tapFirst("Delete")
	h.tap("Yes")
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Kind != core.KindAuthenticatorApp {
		t.Fatalf("methods after delete %+v", ms)
	}
	h.notShows("+44 20 7946 0958")
	h.shows("Authenticator app or hardware token - code")
	// Deleting the last one is scheduled, shown with its date and a Cancel.
	h.tap("Delete")
	h.shows("This is your last security info.")
	h.notShows("There's no way to undo it.") // it can be cancelled until the date
	h.tap("Yes")
	h.shows("Removal of your security info is scheduled for 22 December 2026.")
	if h.disabled("Add sign-in method") && (strings.Contains(h.text(), "Add an authenticator app") || strings.Contains(h.text(), "Add a sign-in method")) {
		h.fatal("the page asks to add a method that cannot be added")
	}
	h.shows("Removal pending")
	h.notShows("[Delete]")
	h.tap("Cancel removal")
	h.notShows("Removal pending")
	h.shows("[Delete]")
}

func TestChangeDefault(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	addPhoneAndApp(t, h, alice)
	h.shows("Phone - text (+44 20 7946 0958)")
	h.tapFirst("Change") // the default line's, above the rows
	sel := h.selects()
	dlg := sel[len(sel)-1]
	want := []string{"Authenticator app or hardware token - code", "Phone - text (+44 20 7946 0958)", "Phone - call (+44 20 7946 0958)"}
	if strings.Join(dlg.Options, "|") != strings.Join(want, "|") {
		t.Fatalf("choices %q", dlg.Options)
	}
	if !h.disabled("Confirm") {
		t.Fatal("Confirm enabled before a change")
	}
	dlg.SetSelected("Phone - call (+44 20 7946 0958)")
	test.AssertRendersToMarkup(t, "default_change.xml", h.w.Canvas())
	h.tap("Confirm")
	h.shows("Phone - call (+44 20 7946 0958)")
	info, _ := h.svc.SecurityInfo(h.as(alice), alice.ID)
	if info.Default.Channel != core.ChannelVoice {
		t.Fatalf("default %+v", info.Default)
	}
}

// TestKeyboardOnlyPhone adds a phone with the keyboard alone: Tab to
// "Add sign-in method", Space, arrows and Enter in the list, Tab, typing,
// Enter to go on, Escape to cancel.
func TestKeyboardOnlyPhone(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	c := h.w.Canvas()
	for i := 0; i < 30; i++ {
		c.FocusNext()
		if b, ok := c.Focused().(*button); ok && b.Text == "Add sign-in method" {
			break
		}
	}
	h.key(fyne.KeySpace)
	if h.dialogs() != 1 {
		t.Fatal("Space on Add sign-in method did not open the dialog")
	}
	// The kind drop-down has the focus: open it (on its first kind), move
	// to "Phone", choose.
	h.key(fyne.KeySpace)
	h.key(fyne.KeyDown)
	h.key(fyne.KeyReturn)
	c.FocusNext() // to Cancel
	c.FocusNext() // to Add
	h.key(fyne.KeySpace)
	h.shows("What phone number would you like to use?")
	h.typeFocused("+44 20 7946 0958")
	h.key(fyne.KeyReturn)
	h.shows("Enter the code below.")
	h.typeFocused(h.lastCode())
	h.key(fyne.KeyReturn)
	h.shows("Text message verified")
	h.key(fyne.KeySpace) // Done has the focus
	if h.dialogs() != 0 {
		t.Fatal("Done did not close the wizard")
	}
	if len(h.methods(alice)) != 1 {
		t.Fatal("no phone added")
	}
	// Escape cancels a dialog from a text field.
	h.addMethod("Email")
	h.key(fyne.KeyEscape)
	if h.dialogs() != 0 {
		t.Fatal("Escape did not cancel")
	}
}

func TestGermanWindow(t *testing.T) {
	h := newHarness(t, "de")
	h.withAccount()
	h.shows("Dies sind die Methoden, mit denen Sie sich bei Ihrem Konto anmelden oder Ihr Kennwort zurücksetzen.")
	h.shows("Anmeldemethode hinzufügen")
	h.shows("Letzte Aktivitäten")
}

func TestRecentActivityAndOverview(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	addPhoneAndApp(t, h, alice)
	h.u.nav.Select(4)
	h.shows("Method added: Authenticator app · Pixel")
	h.shows("Method added: Phone · +XX XXXXXXXX58")
	h.shows("Account created")
	h.u.nav.Select(0)
	h.shows("Two-step sign-in is set up.")
	h.shows("Sign-in, Password reset")
}

func TestOutboxBannerAndViewer(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	h.shows("Messages are not being delivered")
	ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	_ = ch
	h.tap("Open outbox")
	h.shows("is your Security info verification code")
	h.tap("Close")
	if h.dialogs() != 0 {
		t.Fatal("outbox still open")
	}
}

// TestOutboxShowsOnlyOwnMessages: on a shared desk machine a person reads
// only the codes and notices for their own account; an administrator who
// signed in with two steps reads every account's, and that is audited.
func TestOutboxShowsOnlyOwnMessages(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	bob, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "bob@contoso.com", Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.BeginPhone(h.as(bob), bob.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460777"}); err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"}); err != nil {
		h.fatal(err)
	}
	// The codes as the phones received them.
	es, _ := h.readOutbox()
	codeTo := map[string]string{}
	for _, e := range es {
		codeTo[e.To] = e.Text
	}
	aliceCode, bobCode := codeTo["+442079460958"], codeTo["+442079460777"]
	if aliceCode == "" || bobCode == "" || aliceCode == bobCode {
		h.fatalf("codes: %q %q", aliceCode, bobCode)
	}
	h.tap("Open outbox")
	h.shows(aliceCode)
	h.notShows(bobCode)
	h.tap("Close")

	root, step := h.staffSession("root@contoso.com", core.RoleAdmin, "+44 20 7946 0003")
	h.u.signedIn(step)
	h.tap("Open outbox")
	h.shows(bobCode)
	h.shows(aliceCode)
	h.shows("this look is recorded in the audit log")
	events, _ := h.svc.AuditLog(h.admin, core.AuditFilter{})
	if last := events[len(events)-1]; last.Action != core.ActionOutboxViewed || last.ActorID != root.ID {
		h.fatalf("the administrator's look is not audited: %+v", last)
	}
	h.tap("Close")

	// An administrator with one step sees their own only.
	weak, err := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "weak@contoso.com", Role: core.RoleAdmin, Password: alicePassword})
	if err != nil {
		h.fatal(err)
	}
	ws, err := h.svc.SignIn(h.u.ctx, weak.Name, alicePassword)
	if err != nil || ws.Session == nil || ws.Session.TwoStep {
		h.fatalf("one-step sign-in: %+v %v", ws, err)
	}
	h.u.signedIn(ws)
	h.tap("Open outbox")
	h.notShows(bobCode)
	h.notShows(aliceCode)
	h.notShows("this look is recorded")
}

// TestChangeAPhone: Change on a sole phone proves the new number, then
// puts it in the old one's place; Delete of the last info offers "Add the
// new info first", which leads to the same Change.
func TestChangeAPhone(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	ch, err := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode()); err != nil {
		t.Fatal(err)
	}
	h.relogin()
	h.tap("Delete")
	h.shows("This is your last security info.")
	h.tap("Add the new info first")
	h.shows("The new number takes the place of +44 20 7946 0958 once you enter the code sent to it.")
	if got := h.selects()[0].Selected; got != "United Kingdom (+44)" {
		h.fatalf("country %q, not the old number's", got)
	}
	test.Type(h.entry("Enter phone number"), "20 7946 0111")
	h.tap("Next")
	h.shows("We just sent a 6-digit code to +44 20 7946 0111.")
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Next")
	h.tap("Done")
	ms := h.methods(alice)
	if len(ms) != 1 || ms[0].Detail != "+442079460111" {
		t.Fatalf("methods after the change: %+v", ms)
	}
	h.shows("+44 20 7946 0111")
	h.notShows("+44 20 7946 0958")
	h.notShows("Removal pending")

	// The Change link of the row does the same for an email address.
	ch, _ = h.svc.BeginEmail(h.as(alice), alice.ID, "alice@gmail.com", "")
	h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
	h.u.reloadAll()
	h.relogin()
	// The links in reading order: the default's Change, then the rows'
	// (Email before Phone).
	var changes []*button
	for _, o := range h.objects() {
		if l, ok := o.(*button); ok && l.Text == "Change" {
			changes = append(changes, l)
		}
	}
	if len(changes) != 3 {
		t.Fatalf("%d Change links, want 3", len(changes))
	}
	tapCentre(changes[1])
	h.shows("It takes the place of alice@gmail.com once you enter the code sent to it.")
	test.Type(h.entry("For example alain@gmail.com"), "alice@web.de")
	h.tap("Next")
	test.Type(h.entry("Enter code"), h.lastCode())
	h.tap("Next")
	h.tap("Done")
	h.shows("alice@web.de")
	h.notShows("alice@gmail.com")
}

// TestEnterAndEscapeEverywhere: focus starts on the primary action where
// there is no field, Enter presses it (Done, Yes on delete, the app on
// "Keep your account secure", Looks good), and Escape cancels from a
// drop-down or a radio button as from a field; Enter there goes on.
func TestEnterAndEscapeEverywhere(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	c := h.w.Canvas()
	focused := func() string {
		switch f := c.Focused().(type) {
		case *button:
			return f.Text
		case *radioOption:
			return "radio " + f.Text
		case *selectBox:
			return "select " + f.Selected
		case *field:
			return "field " + f.PlaceHolder
		}
		return fmt.Sprintf("%T", c.Focused())
	}
	h.addMethod("Phone")
	// Escape from the country drop-down cancels.
	c.Focus(h.selectBoxes()[0])
	h.key(fyne.KeyEscape)
	if h.dialogs() != 0 {
		h.fatal("Escape on the country list did not cancel")
	}
	// Enter from the radio buttons goes on.
	h.addMethod("Phone")
	h.entry("Enter phone number").SetText("+44 20 7946 0958")
	c.FocusNext() // from the number to "Text me a code"
	if got := focused(); got != "radio Text me a code" {
		h.fatalf("focus after the number: %s", got)
	}
	h.key(fyne.KeySpace)
	c.FocusNext()
	h.key(fyne.KeySpace) // Call me
	h.key(fyne.KeyReturn)
	h.shows("We're calling +44 20 7946 0958")
	h.typeFocused(h.lastCode())
	h.key(fyne.KeyReturn)
	if got := focused(); got != "Done" {
		h.fatalf("focus on the success step: %s", got)
	}
	h.key(fyne.KeyReturn)
	if h.dialogs() != 0 {
		h.fatal("Enter on Done did not close the wizard")
	}
	if ms := h.methods(alice); len(ms) != 1 || ms[0].Channel != core.ChannelVoice {
		h.fatalf("methods: %+v", ms)
	}
	// Enter on the delete dialog deletes (Yes has the focus).
	h.tap("Delete")
	h.shows("This is your last security info.")
	h.tap("No")
	h.relogin()
	h.tap("Delete")
	if got := focused(); got != "Add the new info first" {
		h.fatalf("focus on the last info's delete: %s", got)
	}
	h.key(fyne.KeyEscape)
	if h.dialogs() != 0 {
		h.fatal("Escape did not cancel the delete")
	}
}

// TestEnterOnKeepYourAccountSecure: the primary action has the focus, so
// Enter starts the authenticator app's set-up.
func TestEnterOnKeepYourAccountSecure(t *testing.T) {
	h := newHarness(t, "en")
	h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
	h.u.Start()
	h.signInPage(alicePassword)
	h.shows("Keep your account secure")
	h.key(fyne.KeyReturn)
	if h.dialogs() != 1 {
		h.fatal("Enter did not start the authenticator app's set-up")
	}
}

// TestEveryAuditActionIsWorded: Recent activity has a sentence for every
// action the audit log records, in each language, never a raw key; a
// sign-in says how.
func TestEveryAuditActionIsWorded(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		tr := text{lang}
		for _, a := range core.AuditActions() {
			got := activityText(tr, &core.AuditEvent{Action: a, ActorID: "x", AccountID: "x"})
			if got == a || strings.HasPrefix(got, "ui.") || strings.Contains(got, a) {
				t.Errorf("%s: %q has no words: %q", lang, a, got)
			}
		}
		for _, how := range []string{"password", "password and second factor", "temporary access pass"} {
			got := activityText(tr, &core.AuditEvent{Action: core.ActionSignedIn, Detail: how, ActorID: "x", AccountID: "x"})
			if strings.Contains(got, ": ") || strings.HasPrefix(got, "ui.") {
				t.Errorf("%s: sign-in by %q reads %q", lang, how, got)
			}
		}
	}
	if got := activityText(text{"en"}, &core.AuditEvent{Action: core.ActionSignedIn, Detail: "password"}); got != "Signed in with password" {
		t.Errorf("sign-in: %q", got)
	}
	// A phone changed before details said "to" still reads in the font.
	old := &core.AuditEvent{Action: core.ActionMethodChanged, Kind: core.KindPhone, Detail: "+XX XXXXXXXX58 \u2192 +XX XXXXXXXX12"}
	if got := activityText(text{"en"}, old); got != "Method changed: Phone · +XX XXXXXXXX58 to +XX XXXXXXXX12" {
		t.Errorf("an event written with an arrow: %q", got)
	}
}

// TestPluralsAndWordsMidSentence: "1 method", "2 methods" (no "(s)"),
// kinds lower-case mid-sentence in English, the extension's word in each
// language.
func TestPluralsAndWordsMidSentence(t *testing.T) {
	en, de := text{"en"}, text{"de"}
	for n, want := range map[int]string{1: "1 method to reset", 2: "2 methods to reset"} {
		if got := en.F("register.needReset", "N", n); !strings.HasPrefix(got, want) {
			t.Errorf("%d: %q", n, got)
		}
	}
	if got := de.F("register.needReset", "N", 1); !strings.HasPrefix(got, "1 Methode,") {
		t.Errorf("de 1: %q", got)
	}
	if got := resetOptionText(en, core.ResetOption{Kind: core.KindOfficePhone, Channel: core.ChannelVoice, Masked: "+XX XXXXXX20"}); got != "Call my office phone +XX XXXXXX20" {
		t.Errorf("reset option: %q", got)
	}
	if got := de.phone("+4930901820", "77"); got != "+49 30 901820 Durchwahl 77" {
		t.Errorf("de extension: %q", got)
	}
	for _, lang := range []string{"en", "de"} {
		for _, k := range []string{"register.needReset"} {
			if s := (text{lang}).F(k, "N", 3); strings.Contains(s, "(s)") || strings.Contains(s, "(n)") {
				t.Errorf("%s %s: %q", lang, k, s)
			}
		}
	}
}

// TestAboutShowsTheBuild: Help › About shows the version, commit and
// build date the build set, and where the data is.
func TestAboutShowsTheBuild(t *testing.T) {
	version.Version, version.Commit, version.Date = "1.2.3", "abcdef123456", "2026-12-03T12:00:00Z"
	defer func() { version.Version, version.Commit, version.Date = "", "", "" }()
	h := newHarness(t, "en")
	h.withAccount()
	var about *fyne.MenuItem
	for _, m := range h.w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "About Security info" {
				about = it
			}
		}
	}
	if about == nil {
		h.fatal("no Help › About Security info")
	}
	about.Action()
	h.shows("1.2.3")
	h.shows("abcdef123456")
	h.shows("2026-12-03T12:00:00Z")
	h.shows(h.u.back.Place)
}

// TestPhoneCountryFollowsTheNumber: Change on a +44 7911 number (a range
// libphonenumber gives to Guernsey) chooses the United Kingdom, the main
// country of +44; on Add, typing "+44 …" moves the country from the
// United States to the United Kingdom, and "+1" keeps Canada when it is
// chosen.
func TestPhoneCountryFollowsTheNumber(t *testing.T) {
	h := newHarness(t, "en")
	alice := h.withAccount()
	ch, err := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+447911123456"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode()); err != nil {
		t.Fatal(err)
	}
	h.relogin()
	h.tap("Change")
	if got := h.selects()[0].Selected; got != "United Kingdom (+44)" {
		h.fatalf("Change on +44 7911 123456 chose %q", got)
	}
	h.key(fyne.KeyEscape)
	h.addMethod("Alternate phone")
	if got := h.selects()[0].Selected; got != "United States (+1)" {
		h.fatalf("the add wizard starts on %q", got)
	}
	test.Type(h.entry("Enter phone number"), "+44 20")
	if got := h.selects()[0].Selected; got != "United Kingdom (+44)" {
		h.fatalf("typing +44 leaves the country on %q", got)
	}
	h.entry("Enter phone number").SetText("")
	h.selects()[0].SetSelected("Canada (+1)")
	test.Type(h.entry("Enter phone number"), "+1 416")
	if got := h.selects()[0].Selected; got != "Canada (+1)" {
		h.fatalf("typing +1 moved Canada to %q", got)
	}
}

// TestRecentActivityInWords: a reset's event reads "1 method proven" (a
// count with its plural, in the window's language, not the core's
// English), sources have names ("password reset", not "reset"), and the
// lead says the page lists sign-ins too.
func TestRecentActivityInWords(t *testing.T) {
	for _, c := range []struct{ lang, proven, source, lead string }{
		{"en", "Password reset: 1 method proven", "password reset", "Sign-ins and changes"},
		{"de", "1 Methode nachgewiesen", "Kennwortzurücksetzung", "Anmeldungen und Änderungen"},
	} {
		h := newHarness(t, c.lang)
		alice, _ := h.svc.CreateAccount(h.admin, core.NewAccount{Name: "alice@contoso.com", Password: alicePassword})
		ch, _ := h.svc.BeginPhone(h.as(alice), alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
		h.svc.Confirm(h.as(alice), alice.ID, ch.VerificationID, h.lastCode())
		h.advance(time.Minute)
		st, err := h.svc.StartReset(context.Background(), alice.Name)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := h.svc.ResetSendCode(context.Background(), st.ResetID, st.Options[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.ResetVerify(context.Background(), st.ResetID, st.Options[0].ID, rc.VerificationID, h.lastCode()); err != nil {
			t.Fatal(err)
		}
		if err := h.svc.ResetPassword(context.Background(), st.ResetID, "k8#mQz!vR and more"); err != nil {
			t.Fatal(err)
		}
		step, err := h.svc.SignIn(context.Background(), alice.Name, "k8#mQz!vR and more")
		if err != nil {
			t.Fatal(err)
		}
		h.advance(time.Minute)
		oc, err := h.svc.SendSignInCode(context.Background(), step.Pending.ID, step.Pending.Options[0].MethodID, step.Pending.Options[0].Channel)
		if err != nil {
			t.Fatal(err)
		}
		if step, err = h.svc.FinishSignIn(context.Background(), step.Pending.ID, step.Pending.Options[0].MethodID, oc.VerificationID, h.lastCode()); err != nil {
			t.Fatal(err)
		}
		h.u.Start()
		h.u.signedIn(step)
		for i, p := range h.u.pages {
			if p == page(h.u.activity) {
				h.u.nav.Select(i)
			}
		}
		h.shows(c.proven)
		h.shows(c.source)
		h.shows(c.lead)
		h.notShows("methods proven")
	}
}
