package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// signInScreen asks for the account name and password.
type signInScreen struct {
	d        *door
	name     *field
	password *field
	submit   *button
	err      *widget.Label
	busy     *widget.ProgressBarInfinite
	notice   string
	// done: notice says something went well (the success colour).
	done bool
	// usePass: the password field takes a Temporary Access Pass, which
	// replaces the password and the second step.
	usePass bool
	toggle  *button
	// picked: an account was chosen from the picker (or "Use another
	// account"), so the form is shown.
	picked bool
}

func newSignInScreen(d *door, notice string) *signInScreen {
	// A sign-in screen again: the sign-in the password was typed for was
	// left (another way, a reset, an error), and a sign-in from here (a
	// kept session picked, another account) is not its.
	d.typed, d.viaPass = "", false
	s := &signInScreen{d: d, err: errorLabel(), busy: widget.NewProgressBarInfinite(), notice: notice}
	s.busy.Hide()
	s.busy.Stop()
	s.name = newField(d.tr.T("signin.namePlaceholder"), nil)
	s.name.SetText(d.lastName())
	s.password = newField(d.tr.T("signin.passwordPlaceholder"), nil)
	s.password.Password = true
	s.submit = newButton(d.tr.T("signin.submit"), widget.HighImportance, s.onSubmit, nil)
	for _, f := range []*field{s.name, s.password} {
		f.OnChanged = func(string) { s.validate() }
		f.OnSubmitted = func(string) { s.onSubmit() }
	}
	return s
}

func (s *signInScreen) validate() {
	if s.name.Text != "" && s.password.Text != "" {
		s.submit.Enable()
	} else {
		s.submit.Disable()
	}
}

func (s *signInScreen) show() {
	tr := s.d.tr
	list := s.d.remembered()
	if len(list) > 0 && !s.picked {
		s.showPicker(list)
		return
	}
	box := container.NewVBox(heading(tr.T("signin.title")))
	if s.notice != "" {
		imp := widget.WarningImportance
		if s.done {
			imp = widget.SuccessImportance
		}
		box.Add(&widget.Label{Text: s.notice, Importance: imp, Wrapping: fyne.TextWrapWord})
	}
	box.Add(s.name)
	box.Add(s.password)
	box.Add(s.err)
	box.Add(s.busy)
	box.Add(container.NewHBox(s.submit))
	s.toggle = link(tr.T("signin.usePass"), s.switchPass)
	box.Add(container.NewHBox(link(tr.T("signin.forgot"), func() { newResetFlow(s.d).start() })))
	box.Add(container.NewHBox(s.toggle))
	if len(list) > 0 {
		box.Add(container.NewHBox(link(tr.T("picker.back"), func() { s.picked = false; s.show() })))
	}
	s.d.show(box)
	s.validate()
	if s.name.Text == "" {
		s.d.win.Canvas().Focus(s.name)
	} else {
		s.d.win.Canvas().Focus(s.password)
	}
}

// switchPass swaps the password for a Temporary Access Pass, or back.
func (s *signInScreen) switchPass() {
	tr := s.d.tr
	s.usePass = !s.usePass
	s.password.SetText("")
	if s.usePass {
		s.password.SetPlaceHolder(tr.T("signin.passPlaceholder"))
		s.toggle.SetText(tr.T("signin.usePassword"))
	} else {
		s.password.SetPlaceHolder(tr.T("signin.passwordPlaceholder"))
		s.toggle.SetText(tr.T("signin.usePass"))
	}
	s.d.tr.setError(s.err, nil)
	if s.name.Text == "" {
		s.d.win.Canvas().Focus(s.name)
	} else {
		s.d.win.Canvas().Focus(s.password)
	}
}

func (s *signInScreen) setBusy(b bool) {
	if b {
		s.busy.Show()
		s.busy.Start()
		s.submit.Disable()
	} else {
		s.busy.Stop()
		s.busy.Hide()
		s.validate()
	}
}

func (s *signInScreen) onSubmit() {
	if s.submit.Disabled() {
		return
	}
	name, pw, usePass := s.name.Text, s.password.Text, s.usePass
	s.d.typed, s.d.viaPass = "", usePass
	if !usePass {
		s.d.typed = pw
	}
	s.setBusy(true)
	call(s.d.run, func() (*core.SignInStep, error) {
		if usePass {
			return s.d.svc.SignInWithPass(s.d.ctx, name, pw)
		}
		return s.d.svc.SignIn(s.d.ctx, name, pw)
	}, func(step *core.SignInStep, err error) {
		s.setBusy(false)
		if err != nil {
			s.d.typed = ""
			s.d.tr.setError(s.err, err)
			s.password.SetText("")
			s.d.win.Canvas().Focus(s.password)
			return
		}
		s.d.setLastName(name)
		if step.Session != nil {
			s.d.signedIn(step)
			return
		}
		newSecondStep(s.d, step.Pending).show(step.Pending.Options[0])
	})
}

// secondStep finishes a sign-in with the default method, or another
// chosen through "Sign in another way".
type secondStep struct {
	d       *door
	pending *core.PendingSignIn
	option  core.SignInOption
	form    *codeForm
	// sent keeps the code sent to each option, so going back to one
	// within its life reuses it; codeBox is the code screen, which Back
	// on "Sign in another way" returns to.
	sent    *sentCodes
	codeBox fyne.CanvasObject
	// keyCancel gives up a key's wait for a touch when another way is
	// chosen.
	keyCancel context.CancelFunc
}

func newSecondStep(d *door, p *core.PendingSignIn) *secondStep {
	return &secondStep{d: d, pending: p, sent: newSentCodes(d.now())}
}

// optionLabel names a way to sign in, masked as before full sign-in.
func optionLabel(tr text, o core.SignInOption) string {
	switch {
	case o.Kind == core.KindSecurityKey:
		return tr.T("signin.useKey")
	case o.Kind == core.KindRecoveryCodes:
		return tr.T("signin.useRecoveryCode")
	case o.Kind == core.KindAuthenticatorApp:
		return tr.F("signin.useApp", "Name", o.Masked)
	case o.Channel == core.ChannelSMS:
		return tr.F("signin.textTo", "Number", o.Masked)
	}
	return tr.F("signin.callTo", "Number", o.Masked)
}

// show asks for the code of option: an app's, or one sent to a phone (the
// one sent before while it works).
func (s *secondStep) show(o core.SignInOption) {
	tr := s.d.tr
	s.option = o
	if s.form != nil {
		s.form.leave()
	}
	if s.keyCancel != nil {
		s.keyCancel()
		s.keyCancel = nil
	}
	if o.Kind == core.KindSecurityKey {
		s.form = nil
		s.keySignIn()
		return
	}
	f := newCodeForm(s.d.scope, s.onVerify)
	s.form = f
	other := link(tr.T("signin.anotherWay"), s.showOptions)
	switch o.Kind {
	case core.KindRecoveryCodes:
		f.forRecoveryCode(tr.T("signin.recoveryLead"))
	case core.KindAuthenticatorApp:
		f.forApp(tr.F("signin.appLead", "Name", o.Masked))
	default:
		send := func() (*core.Challenge, error) {
			return s.d.svc.SendSignInCode(s.d.ctx, s.pending.ID, o.MethodID, o.Channel)
		}
		lead := func(ch *core.Challenge) string {
			if ch.Channel == core.ChannelVoice {
				return tr.F("signin.callLead", "Number", ch.Destination)
			}
			return tr.F("signin.textLead", "Number", ch.Destination)
		}
		f.forSent(s.sent, o.MethodID+" "+string(o.Channel), send, lead, func() bool { return s.form == f })
	}
	box := container.NewVBox(heading(tr.T("signin.verifyTitle")))
	for _, r := range f.rows(other) {
		box.Add(r)
	}
	s.codeBox = box
	s.d.show(box)
	f.start()
	s.d.win.Canvas().Focus(f.code)
}

// showOptions is "Sign in another way".
func (s *secondStep) showOptions() {
	tr := s.d.tr
	box := container.NewVBox(heading(tr.T("signin.anotherWay")))
	for _, o := range s.pending.Options {
		box.Add(optionButton(optionLabel(tr, o), kindIcon(o.Kind), func() { s.show(o) }))
	}
	box.Add(container.NewHBox(link(tr.T("code.noneOfThese"), func() { s.d.showNoMethods(s.showOptions, s.recoveryOption()) })))
	back := newButton(tr.T("common.back"), widget.MediumImportance, func() {
		s.d.show(s.codeBox)
		if s.form != nil {
			s.d.win.Canvas().Focus(s.form.code)
		}
	}, nil)
	box.Add(container.NewHBox(back))
	s.d.show(box)
	focusFirst(s.d.win, box)
}

// recoveryOption is "Use a recovery code" for "I don't have any of
// these", nil when the account has no codes.
func (s *secondStep) recoveryOption() func() {
	for _, o := range s.pending.Options {
		if o.Kind == core.KindRecoveryCodes {
			return func() { s.show(o) }
		}
	}
	return nil
}

func (s *secondStep) onVerify(verification, code string) {
	f := s.form
	f.setBusy(true)
	call(s.d.run, func() (*core.SignInStep, error) {
		return s.d.svc.FinishSignIn(s.d.ctx, s.pending.ID, s.option.MethodID, verification, code)
	}, func(step *core.SignInStep, err error) {
		f.setBusy(false)
		if err != nil {
			f.failed(err)
			if code := core.ErrorCode(err); code == core.ELOCKED || code == core.ENOTFOUND || code == core.EEXPIRED && s.option.Kind == core.KindAuthenticatorApp {
				newSignInScreen(s.d, s.d.tr.Error(err)).show()
			}
			return
		}
		f.leave()
		s.d.signedIn(step)
	})
}

// showColumn shows a centred column 440 wide, as the sign-in screens are.
func (u *UI) showColumn(box fyne.CanvasObject) {
	u.win.SetMainMenu(nil)
	width := fixedWidth(440)
	setContent(u.win, container.NewVScroll(container.NewCenter(container.New(&width, box))))
}

// watchSession notices, every half minute, that the session ended (idle,
// too old, signed out elsewhere) and asks to sign in again.
func (u *UI) watchSession() {
	if u.stopWatch != nil {
		u.stopWatch()
	}
	id := u.sess.ID
	u.stopWatch = u.tick(30*time.Second, func() {
		call(u.run, func() (*core.SignedIn, error) {
			return u.svc.ResumeSession(u.ctx, id)
		}, func(_ *core.SignedIn, err error) {
			if err != nil && u.sess != nil && u.sess.ID == id {
				u.signOut(u.tr.Error(err))
			}
		})
	})
}

// signOut ends the session and shows the sign-in screen with notice.
func (u *UI) signOut(notice string) {
	if u.walkUp != nil {
		u.walkUp()
		return
	}
	u.stopPolls()
	u.viaPass, u.carried = false, ""
	if u.stopWatch != nil {
		u.stopWatch()
		u.stopWatch = nil
	}
	if sess := u.sess; sess != nil {
		u.sess = nil
		keeper, name := u.back.Sessions, u.acct.Name
		call(u.run, func() (struct{}, error) {
			err := u.svc.SignOut(u.ctx, sess.ID)
			if keeper != nil {
				err = errors.Join(err, keeper.Forget(name))
			}
			return struct{}{}, err
		}, func(_ struct{}, err error) {
			if err != nil { // the session still ends when it goes idle
				u.o.Log.Warn("end the session", "err", core.Redact(err.Error()))
			}
		})
	}
	for _, o := range u.win.Canvas().Overlays().List() {
		u.win.Canvas().Overlays().Remove(o)
	}
	newSignInScreen(u.door(), notice).show()
}

// stopPolls stops what the pages ask the service on their own (the help
// desk's wait for an approval and its person read again), as the session
// they ask in ends.
func (u *UI) stopPolls() {
	if u.helpdesk != nil {
		u.helpdesk.stopPolls()
	}
}

// door is the scope of the screens before sign-in, with the window's own
// column, remembered accounts and sign-in.
func (u *UI) door() *door {
	d := &door{scope: u.scope, show: u.showColumn, remembered: u.remembered, forget: u.forgetAccount, sessions: u.back.Sessions}
	d.signedIn = func(step *core.SignInStep) {
		u.carried, d.typed = d.typed, ""
		u.viaPass, d.viaPass = d.viaPass, false
		u.signedIn(step)
	}
	return d
}
