package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// codeStep asks for the code sent to a phone or address: the code entry,
// "Resend code" counting down to when it is allowed, the tries left after
// a wrong code, Back and Next.
type codeStep struct {
	sc      *scope
	m       *modal
	ch      *core.Challenge
	entry   *field
	next    *button
	resend  *button
	back    *button
	err     *widget.Label
	lead    *widget.Label
	stop    func()
	onBack  func()
	onAdded func(*core.MethodView)
}

func newCodeStep(sc *scope, m *modal, ch *core.Challenge, onBack func(), onAdded func(*core.MethodView)) *codeStep {
	s := &codeStep{sc: sc, m: m, ch: ch, onBack: onBack, onAdded: onAdded, err: errorLabel(), lead: wrapped("")}
	s.entry = newField(sc.tr.T("code.placeholder"), m.close)
	s.entry.Validator = plain(func(v string) error {
		v = strings.TrimSpace(v)
		if len(v) != ch.CodeLength || strings.Trim(v, "0123456789") != "" {
			return core.Errorf(core.EINVALID, "%s", sc.tr.F("code.digits", "N", ch.CodeLength))
		}
		return nil
	})
	s.entry.OnChanged = func(string) { s.validate() }
	s.entry.OnSubmitted = func(string) { s.onNext() }
	s.next = newButton(sc.tr.T("common.next"), widget.HighImportance, s.onNext, m.close)
	s.back = newButton(sc.tr.T("common.back"), widget.MediumImportance, s.goBack, m.close)
	s.resend = newButton(sc.tr.T("code.resend"), widget.LowImportance, s.onResend, m.close)
	m.onClose = s.stopCountdown
	return s
}

// show displays the step and starts the countdown.
func (s *codeStep) show() {
	s.setLead()
	cancel := newButton(s.sc.tr.T("common.cancel"), widget.MediumImportance, s.m.close, s.m.close)
	s.m.step(container.NewVBox(s.lead, s.entry, container.NewHBox(s.resend), s.err), cancel, s.back, s.next)
	s.validate()
	s.startCountdown()
	s.sc.win.Canvas().Focus(s.entry)
}

func (s *codeStep) setLead() {
	dest := s.ch.Destination
	if !strings.Contains(dest, "@") {
		dest = core.FormatPhone(dest, "")
	}
	key := "code.sentText"
	switch s.ch.Channel {
	case core.ChannelVoice:
		key = "code.sentCall"
	case core.ChannelEmail:
		key = "code.sentEmail"
	}
	s.lead.SetText(s.sc.tr.F(key, "N", s.ch.CodeLength, "Destination", dest))
}

func (s *codeStep) validate() {
	if valid(s.entry) {
		s.next.Enable()
	} else {
		s.next.Disable()
	}
}

// startCountdown updates "Resend code" every second until it is allowed.
func (s *codeStep) startCountdown() {
	s.stopCountdown()
	s.tick()
	s.stop = s.sc.tick(time.Second, s.tick)
}

func (s *codeStep) stopCountdown() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

func (s *codeStep) tick() {
	wait := s.ch.ResendAfter.Sub(s.sc.now())
	if wait > 0 {
		s.resend.SetText(s.sc.tr.F("code.resendIn", "Seconds", int((wait+time.Second-1)/time.Second)))
		s.resend.Disable()
		return
	}
	s.resend.SetText(s.sc.tr.T("code.resend"))
	s.resend.Enable()
	s.stopCountdown()
}

func (s *codeStep) goBack() {
	s.stopCountdown()
	s.onBack()
}

func (s *codeStep) busy(b bool) {
	s.m.setBusy(b)
	if b {
		s.next.Disable()
		s.back.Disable()
		return
	}
	s.back.Enable()
	s.validate()
}

func (s *codeStep) onNext() {
	if !valid(s.entry) || s.next.Disabled() {
		return
	}
	s.busy(true)
	code := strings.TrimSpace(s.entry.Text)
	call(s.sc.run, func() (*core.MethodView, error) {
		return s.sc.svc.Confirm(s.sc.ctx, s.sc.acct.ID, s.ch.VerificationID, code)
	}, func(m *core.MethodView, err error) {
		s.busy(false)
		if err != nil {
			s.sc.tr.setError(s.err, err)
			s.entry.SetText("")
			s.sc.win.Canvas().Focus(s.entry)
			return
		}
		s.stopCountdown()
		s.onAdded(m)
	})
}

func (s *codeStep) onResend() {
	s.resend.Disable()
	s.m.setBusy(true)
	call(s.sc.run, func() (*core.Challenge, error) {
		return s.sc.svc.Resend(s.sc.ctx, s.sc.acct.ID, s.ch.VerificationID)
	}, func(ch *core.Challenge, err error) {
		s.m.setBusy(false)
		if err != nil {
			s.sc.tr.setError(s.err, err)
			s.tick()
			return
		}
		s.ch = ch
		s.sc.tr.setError(s.err, nil)
		s.err.SetText(s.sc.tr.T("code.resent"))
		s.err.Importance = widget.SuccessImportance
		s.err.Show()
		s.setLead()
		s.startCountdown()
	})
}

// successStep ends a wizard: what was added, and Done.
func successStep(sc *scope, m *modal, title, body string) {
	done := newButton(sc.tr.T("common.done"), widget.HighImportance, m.close, m.close)
	m.onClose = sc.onAdded
	m.step(container.NewVBox(sized(iconOK(), 48), subheading(title), wrapped(body)), done)
	sc.win.Canvas().Focus(done)
}

var _ fyne.Focusable = (*field)(nil)
