package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// codeForm is the one pattern of the screens that ask for a code before
// sign-in (the second step, a password reset): the lead, the field with
// its placeholder, the error right under it, Verify (enabled once the code
// is long enough and there is a code to check), and for a sent code the
// countdown to another and "I don't have a code".
type codeForm struct {
	sc     *scope
	lead   *widget.Label
	code   *field
	err    *widget.Label
	busy   *widget.ProgressBarInfinite
	verify *button
	// ch is the sent code asked for; app: the code comes from an app, and
	// there is nothing to wait for.
	ch      *core.Challenge
	app     bool
	working bool
	// recovery: the code is a recovery code (12 symbols, any grouping).
	recovery bool
	// resend is "Resend code" of a sent code (nil for an app); start
	// shows the code sent before or sends one (forSent sets both), got
	// takes a code sent.
	resend *resender
	start  func()
	got    func(*core.Challenge)
	// noOutbox: no "Open outbox" here. A password reset proves who the
	// person is by the code alone; reading it from the window would let
	// anyone at this computer reset any account (the sign-in's second
	// step follows a right password).
	noOutbox bool
	sent     *sentCodes
}

// newCodeForm makes the form; verify gets the sent code's verification
// ID ("" for an app) and the code typed.
func newCodeForm(sc *scope, verify func(verificationID, code string)) *codeForm {
	f := &codeForm{sc: sc, lead: wrapped(""), err: errorLabel(), busy: widget.NewProgressBarInfinite()}
	f.busy.Hide()
	f.busy.Stop()
	f.code = newField(sc.tr.T("code.placeholder"), nil)
	f.verify = newButton(sc.tr.T("signin.verify"), widget.HighImportance, nil, nil)
	f.verify.OnTapped = func() {
		if f.verify.Disabled() {
			return
		}
		vid := ""
		if f.ch != nil {
			vid = f.ch.VerificationID
		}
		verify(vid, strings.TrimSpace(f.code.Text))
	}
	f.code.OnChanged = func(string) { f.validate() }
	f.code.OnSubmitted = func(string) { f.verify.OnTapped() }
	f.verify.Disable()
	return f
}

// rows are the form's parts, top to bottom; then the links of the screen.
func (f *codeForm) rows(links ...fyne.CanvasObject) []fyne.CanvasObject {
	rows := []fyne.CanvasObject{f.lead, f.code, f.err, f.busy, container.NewHBox(f.verify)}
	if f.resend != nil {
		rows = append(rows, f.resend.view(), container.NewHBox(link(f.sc.tr.T("code.noCode"), func() { f.resend.noCode(f.err) })))
		if f.sc.outbox != nil && !f.noOutbox {
			// Delivery is the local outbox: the code is read there.
			sent := f.sent
			rows = append(rows, container.NewHBox(link(f.sc.tr.T("outbox.open"), func() { f.sc.showOutboxOf(sent) })))
		}
	}
	for _, l := range links {
		rows = append(rows, container.NewHBox(l))
	}
	return rows
}

// validate enables Verify when there is a code to check and enough digits.
func (f *codeForm) validate() {
	n := 6
	if f.ch != nil && f.ch.CodeLength > 0 {
		n = f.ch.CodeLength
	}
	if f.recovery {
		n = len("7QKDM2XF9PLA")
	}
	if !f.working && len(strings.TrimSpace(f.code.Text)) >= n && (f.app || f.ch != nil) {
		f.verify.Enable()
	} else {
		f.verify.Disable()
	}
}

func (f *codeForm) setBusy(b bool) {
	f.working = b
	if b {
		f.busy.Show()
		f.busy.Start()
	} else {
		f.busy.Stop()
		f.busy.Hide()
	}
	f.validate()
}

// failed shows why a code was refused, under the field, and empties it.
func (f *codeForm) failed(err error) {
	f.sc.tr.setError(f.err, err)
	f.code.SetText("")
}

// forApp asks for an authenticator app's code.
func (f *codeForm) forApp(lead string) {
	f.app, f.ch = true, nil
	f.lead.SetText(lead)
	f.start = f.validate
}

// forRecoveryCode asks for a recovery code: nothing is sent, and the
// field takes the code as printed ("7QKD-M2XF-9PLA").
func (f *codeForm) forRecoveryCode(lead string) {
	f.app, f.recovery, f.ch = true, true, nil
	f.code.SetPlaceHolder(f.sc.tr.T("codes.placeholder"))
	f.code.named(f.sc.tr.T("codes.fieldName"))
	f.lead.SetText(lead)
	f.start = f.validate
}

// leave stops the countdown for good: the screen was left.
func (f *codeForm) leave() {
	if f.resend != nil {
		f.resend.leave()
	}
}

// sentCodes keeps the code sent to each option of one sign-in or reset, so
// that choosing the option again while its code still works goes back to
// that code (it stays usable and its wait counts on) instead of asking for
// another the core would refuse until the wait is over.
// since is when the flow began: "Open outbox" shows what came after to
// where its codes went.
type sentCodes struct {
	since time.Time
	codes map[string]*core.Challenge
}

func newSentCodes(now time.Time) *sentCodes {
	return &sentCodes{since: now, codes: map[string]*core.Challenge{}}
}

func (s *sentCodes) live(key string, now time.Time) *core.Challenge {
	if ch := s.codes[key]; ch != nil && now.Before(ch.ExpiresAt) {
		return ch
	}
	return nil
}

// forSent asks for a code sent by send, reusing the one in sent under key
// while it works; start shows or sends it. leadFor says where a code
// went; current says whether the form is still the one shown (a late
// answer changes nothing).
func (f *codeForm) forSent(sent *sentCodes, key string, send func() (*core.Challenge, error), leadFor func(*core.Challenge) string, current func() bool) {
	f.app, f.ch, f.sent = false, nil, sent
	f.got = func(ch *core.Challenge) {
		sent.codes[key] = ch
		f.ch = ch
		f.lead.SetText(leadFor(ch))
		f.resend.start(ch)
		f.validate()
	}
	f.resend = newResender(f.sc, send, f.got, f.err)
	f.start = func() {
		if ch := sent.live(key, f.sc.now()); ch != nil {
			f.got(ch)
			return
		}
		f.lead.SetText(f.sc.tr.T("signin.sending"))
		f.setBusy(true)
		call(f.sc.run, send, func(ch *core.Challenge, err error) {
			if !current() {
				return
			}
			f.setBusy(false)
			if err != nil {
				f.sc.tr.setError(f.err, err)
				f.lead.SetText(f.sc.tr.T("code.notSentLead"))
				f.resend.button.Enable() // try again (a wait, a delivery that failed)
				return
			}
			f.got(ch)
		})
	}
}
