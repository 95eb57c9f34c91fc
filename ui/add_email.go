package ui

import (
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// emailWizard adds an email address: the address, checked as it is typed
// (the organisation's own domains refused with the reason), the code,
// success.
type emailWizard struct {
	sc      *scope
	m       *modal
	policy  *core.Policy
	address *field
	next    *button
	err     *widget.Label
	// replaces is the address a Change puts the new one in place of.
	replaces *core.MethodView
}

// newEmailChangeWizard changes the address of email method m: the new one
// is proven, then takes its place.
func newEmailChangeWizard(sc *scope, m core.MethodView) *emailWizard {
	w := newEmailWizard(sc)
	w.replaces = &m
	w.m = newModal(sc.tr.F("change.title", "Kind", sc.tr.KindInSentence(m.Kind)), sc.win)
	w.address.onEscape, w.next.onEscape = w.m.close, w.m.close
	return w
}

func newEmailWizard(sc *scope) *emailWizard {
	w := &emailWizard{sc: sc, m: newModal(sc.tr.Kind(core.KindEmail), sc.win), err: errorLabel()}
	w.address = newField(sc.tr.T("email.placeholder"), w.m.close)
	w.address.Validator = plain(func(s string) error {
		_, err := core.ParseEmail(s, w.policy)
		return err
	})
	w.address.OnChanged = func(string) { w.validate() }
	w.address.OnSubmitted = func(string) { w.onNext() }
	w.next = newButton(sc.tr.T("common.next"), widget.HighImportance, w.onNext, w.m.close)
	w.next.Disable()
	return w
}

func (w *emailWizard) show() {
	w.m.show(460)
	w.first()
	w.m.setBusy(true)
	call(w.sc.run, func() (*core.Policy, error) {
		return w.sc.svc.Policy(w.sc.ctx)
	}, func(p *core.Policy, err error) {
		w.m.setBusy(false)
		w.sc.tr.setError(w.err, err)
		if p != nil {
			w.policy = p.ForAccount(w.sc.acct.Name) // the sign-in domain is the organisation's
		}
		w.validate()
	})
}

func (w *emailWizard) validate() {
	if w.policy == nil {
		w.next.Disable()
		return
	}
	err := w.address.Validator(w.address.Text)
	if err == nil {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
	// An organisation address is refused at once; other mistakes once the
	// address looks finished.
	text := strings.TrimSpace(w.address.Text)
	if err != nil && (core.ErrorKey(err) == "email.workAddress" || strings.Contains(text, "@") && strings.Contains(text[strings.Index(text, "@"):], ".")) {
		w.sc.tr.setError(w.err, err)
	} else {
		w.sc.tr.setError(w.err, nil)
	}
}

func (w *emailWizard) first() {
	tr := w.sc.tr
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close)
	w.m.onClose = nil
	lead := tr.T("email.lead")
	if w.replaces != nil {
		lead = tr.F("change.leadEmail", "Address", w.replaces.Detail)
	}
	w.m.step(container.NewVBox(wrapped(lead), w.address, wrapped(tr.T("email.notWork")), w.err), cancel, w.next)
	w.validate()
	w.sc.win.Canvas().Focus(w.address)
}

func (w *emailWizard) onNext() {
	if w.next.Disabled() {
		return
	}
	w.next.Disable()
	w.m.setBusy(true)
	addr := w.address.Text
	replaces := ""
	if w.replaces != nil {
		replaces = w.replaces.ID
	}
	call(w.sc.run, func() (*core.Challenge, error) {
		if replaces != "" {
			return w.sc.svc.BeginEmailChange(w.sc.ctx, w.sc.acct.ID, replaces, addr, "")
		}
		return w.sc.svc.BeginEmail(w.sc.ctx, w.sc.acct.ID, addr, "")
	}, func(ch *core.Challenge, err error) {
		w.m.setBusy(false)
		w.next.Enable()
		if err != nil {
			w.sc.tr.setError(w.err, err)
			return
		}
		newCodeStep(w.sc, w.m, ch, w.first, w.done).show()
	})
}

func (w *emailWizard) done(m *core.MethodView) {
	successStep(w.sc, w.m, w.sc.tr.T("email.verified"), w.sc.tr.F("email.registered", "Address", m.Detail))
}
