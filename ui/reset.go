package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// resetFlow is "Forgot my password": the account name, then one or two
// different methods as the policy says, then the new password. Its screens
// are the same whether or not the account exists or has methods.
type resetFlow struct {
	d    *door
	st   *core.ResetState
	err  *widget.Label
	busy *widget.ProgressBarInfinite
	// shown counts the screens shown, so that a late answer (a key touched
	// after the person went on) cannot bring a screen back.
	shown int
	// keyCancel gives up a key's wait for a touch.
	keyCancel context.CancelFunc
	// form is the code screen shown (nil on the others); sent keeps the
	// code sent to each option, so going back to one reuses it.
	form *codeForm
	sent *sentCodes
}

func newResetFlow(d *door) *resetFlow {
	r := &resetFlow{d: d, err: errorLabel(), busy: widget.NewProgressBarInfinite(), sent: newSentCodes(d.now())}
	r.busy.Hide()
	r.busy.Stop()
	return r
}

func (r *resetFlow) setBusy(b bool) {
	if b {
		r.busy.Show()
		r.busy.Start()
	} else {
		r.busy.Stop()
		r.busy.Hide()
	}
}

// screen shows one step with the common error, progress and Back to sign-in.
func (r *resetFlow) screen(title string, parts ...fyne.CanvasObject) {
	r.leave()
	back := link(r.d.tr.T("reset.backToSignIn"), func() { r.leave(); newSignInScreen(r.d, "").show() })
	box := container.NewVBox(heading(title))
	for _, p := range parts {
		box.Add(p)
	}
	box.Add(r.err)
	box.Add(r.busy)
	box.Add(container.NewHBox(back))
	r.d.show(box)
}

// leave gives up what the shown screen waits for.
func (r *resetFlow) leave() {
	r.shown++
	if r.form != nil {
		r.form.leave()
		r.form = nil
	}
	if r.keyCancel != nil {
		r.keyCancel()
		r.keyCancel = nil
	}
}

// start asks for the account name.
func (r *resetFlow) start() {
	tr := r.d.tr
	name := newField(tr.T("signin.namePlaceholder"), nil)
	name.SetText(r.d.lastName())
	next := newButton(tr.T("common.next"), widget.HighImportance, nil, nil)
	next.OnTapped = func() {
		r.setBusy(true)
		n := name.Text
		call(r.d.run, func() (*core.ResetState, error) { return r.d.svc.StartReset(r.d.ctx, n) },
			func(st *core.ResetState, err error) {
				r.setBusy(false)
				r.d.tr.setError(r.err, err)
				if err == nil {
					r.st = st
					r.choose()
				}
			})
	}
	name.OnSubmitted = func(string) { next.OnTapped() }
	r.screen(tr.T("reset.title"), wrapped(tr.T("reset.lead")), name, container.NewHBox(next))
	r.d.win.Canvas().Focus(name)
}

// optionText names a reset option as the seeds do.
func resetOptionText(tr text, o core.ResetOption) string {
	switch {
	case o.Kind == core.KindSecurityKey:
		return tr.T("reset.optKey")
	case o.Kind == core.KindRecoveryCodes:
		return tr.T("signin.useRecoveryCode")
	case o.Kind == core.KindAuthenticatorApp:
		return tr.T("reset.optApp")
	case o.Kind == core.KindSecurityQuestions:
		return tr.T("reset.optQuestions")
	case o.Kind == core.KindEmail:
		return tr.F("reset.optEmail", "Masked", o.Masked)
	case o.Channel == core.ChannelSMS:
		return tr.F("reset.optText", "Masked", o.Masked)
	}
	return tr.F("reset.optCall", "Kind", tr.KindInSentence(o.Kind), "Masked", o.Masked)
}

// choose lists the methods still to prove, or asks for the new password.
func (r *resetFlow) choose() {
	tr := r.d.tr
	r.d.tr.setError(r.err, nil)
	if r.st.Ready() {
		r.newPassword()
		return
	}
	box := container.NewVBox(wrapped(tr.F("reset.step", "N", r.st.Proven+1, "Of", r.st.Needed)))
	for _, o := range r.st.Options {
		box.Add(optionButton(resetOptionText(tr, o), kindIcon(o.Kind), func() { r.prove(o) }))
	}
	if len(r.st.Options) == 0 {
		box.Add(wrapped(tr.T("reset.noMore")))
	}
	box.Add(container.NewHBox(link(tr.T("code.noneOfThese"), func() { r.d.showNoMethods(r.choose, r.recoveryOption()) })))
	r.screen(tr.T("reset.title"), box)
	focusFirst(r.d.win, box)
}

// recoveryOption is "Use a recovery code" for "I don't have any of
// these", nil when the reset does not offer it.
func (r *resetFlow) recoveryOption() func() {
	for _, o := range r.st.Options {
		if o.Kind == core.KindRecoveryCodes {
			return func() { r.prove(o) }
		}
	}
	return nil
}

// prove asks for the code or the answers of o.
func (r *resetFlow) prove(o core.ResetOption) {
	tr := r.d.tr
	r.d.tr.setError(r.err, nil)
	if o.Kind == core.KindSecurityKey {
		r.key(o)
		return
	}
	if o.Kind == core.KindSecurityQuestions {
		r.setBusy(true)
		call(r.d.run, func() (*core.QuestionChallenge, error) {
			return r.d.svc.ResetQuestions(r.d.ctx, r.st.ResetID, o.ID, tr.lang)
		}, func(qc *core.QuestionChallenge, err error) {
			r.setBusy(false)
			if err != nil {
				r.d.tr.setError(r.err, err)
				return
			}
			r.questions(o, qc)
		})
		return
	}
	var f *codeForm
	f = newCodeForm(r.d.scope, func(vid, c string) {
		f.setBusy(true)
		call(r.d.run, func() (*core.ResetState, error) { return r.d.svc.ResetVerify(r.d.ctx, r.st.ResetID, o.ID, vid, c) },
			func(st *core.ResetState, err error) {
				f.setBusy(false)
				if err != nil {
					f.failed(err)
					return
				}
				r.st = st
				r.choose()
			})
	})
	other := link(tr.T("reset.another"), r.choose)
	switch o.Kind {
	case core.KindRecoveryCodes:
		f.forRecoveryCode(tr.T("reset.recoveryLead"))
	case core.KindAuthenticatorApp:
		f.forApp(tr.T("reset.appLead"))
	default:
		send := func() (*core.Challenge, error) { return r.d.svc.ResetSendCode(r.d.ctx, r.st.ResetID, o.ID) }
		lead := func(c *core.Challenge) string {
			return tr.F("reset.codeLead", "N", c.CodeLength, "Destination", c.Destination)
		}
		f.noOutbox = true
		f.forSent(r.sent, o.ID, send, lead, func() bool { return r.form == f })
	}
	r.screen(tr.T("reset.title"), f.rows(other)...)
	r.form = f
	f.start()
	r.d.win.Canvas().Focus(f.code)
}

// key is "Use a security key": the PIN, then the touch.
func (r *resetFlow) key(o core.ResetOption) {
	tr, u := r.d.tr, r.d.scope
	pin := newField(tr.T("key.pinPlaceholder"), nil)
	pin.Password = true
	cont := newButton(tr.T("key.continue"), widget.HighImportance, nil, nil)
	touch := wrapped(tr.T("key.touchLead"))
	touch.Hide()
	lead := tr.T("key.signInLead")
	if promptsItself(u.keys) {
		pin.Hide() // Windows asks for the PIN itself
		lead = tr.T("key.signInLeadWindows")
		touch.SetText(tr.T("key.windowsLead"))
	}
	other := link(tr.T("reset.another"), r.choose)
	r.screen(tr.T("reset.title"), wrapped(lead), pin, touch, container.NewHBox(cont), container.NewHBox(other))
	shown := r.shown
	cont.OnTapped = func() {
		r.d.tr.setError(r.err, nil)
		if u.keys == nil {
			r.err.SetText(tr.T("key.noSupport"))
			r.err.Show()
			return
		}
		p, st := pin.Text, r.st
		ctx, cancel := context.WithCancel(context.Background())
		r.keyCancel = cancel
		cont.Disable()
		touch.Show()
		r.setBusy(true)
		var dev KeyDevice
		call(u.run, func() (*core.ResetState, error) {
			var vid string
			var a core.KeyAssertion
			var err error
			dev, vid, a, err = u.keyAssert(ctx, p, func() (*core.KeyChallenge, error) { return u.svc.ResetKeyChallenge(u.ctx, st.ResetID, o.ID) })
			if err != nil {
				return nil, err
			}
			return u.svc.ResetKeyVerify(u.ctx, st.ResetID, o.ID, vid, a)
		}, func(next *core.ResetState, err error) {
			if r.shown != shown || ctx.Err() != nil {
				return // the person went on meanwhile
			}
			r.keyCancel = nil
			r.setBusy(false)
			touch.Hide()
			cont.Enable()
			pin.SetText("")
			if err != nil {
				r.err.SetText(keyMessage(tr, dev, err))
				r.err.Show()
				return
			}
			r.st = next
			r.choose()
		})
	}
	pin.OnSubmitted = func(string) { cont.OnTapped() }
	u.win.Canvas().Focus(pin)
}

// verified takes the state after a proof, or shows why it failed.
func (r *resetFlow) verified(code *field) func(*core.ResetState, error) {
	return func(st *core.ResetState, err error) {
		r.setBusy(false)
		if err != nil {
			r.d.tr.setError(r.err, err)
			if code != nil {
				code.SetText("")
			}
			return
		}
		r.st = st
		r.choose()
	}
}

func (r *resetFlow) questions(o core.ResetOption, qc *core.QuestionChallenge) {
	tr := r.d.tr
	box := container.NewVBox()
	answers := map[string]*field{}
	for _, q := range qc.Questions {
		f := newField(tr.T("questions.answerPlaceholder"), nil).named(tr.F("questions.answerTo", "Question", q.Text))
		answers[q.ID] = f
		box.Add(widget.NewLabel(q.Text))
		box.Add(f)
	}
	verify := newButton(tr.T("signin.verify"), widget.HighImportance, nil, nil)
	verify.OnTapped = func() {
		a := map[string]string{}
		for id, f := range answers {
			a[id] = f.Text
		}
		r.setBusy(true)
		call(r.d.run, func() (*core.ResetState, error) {
			return r.d.svc.ResetAnswer(r.d.ctx, r.st.ResetID, o.ID, qc.VerificationID, a)
		}, r.verified(nil))
	}
	r.screen(tr.T("reset.title"), box, container.NewHBox(verify))
}

// newPassword asks for the new password twice.
func (r *resetFlow) newPassword() {
	tr := r.d.tr
	pw, again := newField("", nil), newField("", nil)
	pw.Password, again.Password = true, true
	pw.named(tr.T("password.new"))
	again.named(tr.T("password.confirm"))
	finish := newButton(tr.T("reset.finish"), widget.HighImportance, nil, nil)
	check := func(string) {
		if pw.Text != "" && pw.Text == again.Text {
			finish.Enable()
		} else {
			finish.Disable()
		}
	}
	pw.OnChanged, again.OnChanged = check, check
	finish.OnTapped = func() {
		p := pw.Text
		r.setBusy(true)
		call(r.d.run, func() (struct{}, error) { return struct{}{}, r.d.svc.ResetPassword(r.d.ctx, r.st.ResetID, p) },
			func(_ struct{}, err error) {
				r.setBusy(false)
				if err != nil {
					r.d.tr.setError(r.err, err)
					return
				}
				done := newSignInScreen(r.d, tr.T("reset.done"))
				done.done = true
				done.show()
			})
	}
	again.OnSubmitted = func(string) { finish.OnTapped() }
	form := widget.NewForm(widget.NewFormItem(tr.T("password.new"), pw), widget.NewFormItem(tr.T("password.confirm"), again))
	r.screen(tr.T("reset.title"), wrapped(tr.T("password.rules")), form, container.NewHBox(finish))
	check("")
	r.d.win.Canvas().Focus(pw)
}
