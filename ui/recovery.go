package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// resender is "Send a new code" on the sign-in and password-reset code
// screens: disabled and counting down until the core allows another code,
// with the code's lifetime beside it. send asks the core for a new code
// (off the UI goroutine); sent takes it.
type resender struct {
	sc     *scope
	button *button
	life   *widget.Label
	ch     *core.Challenge
	stop   func()
	// left: its screen was left; a late answer changes nothing.
	left bool
	// queued: "I don't have a code" asked for another code during the
	// wait; it is sent when the wait is over.
	queued bool
}

func newResender(sc *scope, send func() (*core.Challenge, error), sent func(*core.Challenge), errL *widget.Label) *resender {
	r := &resender{sc: sc, life: &widget.Label{Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}}
	r.button = newButton(sc.tr.T("code.resend"), widget.LowImportance, nil, nil)
	r.button.Disable()
	r.button.OnTapped = func() {
		r.button.Disable()
		call(sc.run, send, func(ch *core.Challenge, err error) {
			if r.left {
				return
			}
			if err != nil {
				sc.tr.setError(errL, err)
				if r.ch == nil {
					r.button.Enable() // no code to wait on: try again
				}
				r.tick()
				return
			}
			errL.Importance = widget.SuccessImportance
			errL.SetText(sc.tr.T("code.newSent"))
			errL.Show()
			r.start(ch)
			sent(ch)
		})
	}
	return r
}

// view is the row to put under the code entry.
func (r *resender) view() fyne.CanvasObject {
	return container.NewVBox(r.life, container.NewHBox(r.button))
}

// start counts down to when ch allows another code, and says until when
// ch's code works.
func (r *resender) start(ch *core.Challenge) {
	r.ch = ch
	r.life.SetText(r.sc.tr.F("code.worksUntil", "Time", clockOf(ch.ExpiresAt)))
	r.halt()
	r.tick()
	if r.button.Disabled() {
		r.stop = r.sc.tick(time.Second, r.tick)
	}
}

// leave stops the countdown for good: the screen was left.
func (r *resender) leave() {
	r.left = true
	r.halt()
}

// halt stops the countdown.
func (r *resender) halt() {
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

func (r *resender) tick() {
	if r.ch == nil {
		return
	}
	if wait := r.ch.ResendAfter.Sub(r.sc.now()); wait > 0 {
		r.button.SetText(r.sc.tr.F("code.resendIn", "Seconds", int((wait+time.Second-1)/time.Second)))
		r.button.Disable()
		return
	}
	r.button.SetText(r.sc.tr.T("code.resend"))
	r.button.Enable()
	r.halt()
	if r.queued {
		r.queued = false
		r.button.OnTapped()
	}
}

// noCode is "I don't have a code": another code now when the wait is
// over, else as soon as it is, saying when in errL.
func (r *resender) noCode(errL *widget.Label) {
	if !r.button.Disabled() {
		r.button.OnTapped()
		return
	}
	if r.ch == nil {
		return // a code is being sent
	}
	wait := r.ch.ResendAfter.Sub(r.sc.now())
	r.queued = true
	errL.Importance = widget.MediumImportance
	errL.SetText(r.sc.tr.F("code.sendsAt", "Seconds", int((wait+time.Second-1)/time.Second)))
	errL.Show()
}

// showNoMethods is "I don't have any of these": what the help desk can do
// for a person who can use none of their methods, a way to the sign-in
// with a Temporary Access Pass, and Back.
func (d *door) showNoMethods(back func(), useCode func()) {
	tr := d.tr
	pass := newButton(tr.T("signin.usePass"), widget.HighImportance, func() {
		s := newSignInScreen(d, "")
		s.picked = true // the form, with the last name used
		s.show()
		s.switchPass()
	}, nil)
	backB := newButton(tr.T("common.back"), widget.MediumImportance, back, nil)
	box := container.NewVBox(heading(tr.T("recovery.title")), wrapped(tr.T("recovery.lead")),
		wrapped("• "+tr.T("recovery.pass")), wrapped("• "+tr.T("recovery.reregister")), wrapped("• "+tr.T("recovery.bring")),
		container.NewHBox(pass), container.NewHBox(backB))
	if useCode != nil {
		// A recovery code is the person's own way back: offered first.
		code := newButton(tr.T("signin.useRecoveryCode"), widget.HighImportance, useCode, nil)
		pass.Importance = widget.MediumImportance
		box.Objects = append(box.Objects[:1], append([]fyne.CanvasObject{wrapped(tr.T("codes.noneLead")), container.NewHBox(code)}, box.Objects[1:]...)...)
		d.show(box)
		d.win.Canvas().Focus(code)
		return
	}
	d.show(box)
	d.win.Canvas().Focus(pass)
}
