package ui

import (
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// phoneWizard adds a phone, alternate phone or office phone: country and
// number (office: extension), text or call, then the code, then success.
type phoneWizard struct {
	sc        *scope
	m         *modal
	kind      core.MethodKind
	countries []core.Country
	country   *selectBox
	number    *field
	extension *field
	how       *radioChoice
	next      *button
	err       *widget.Label
	// replaces is the phone a Change puts the new number in place of
	// ("" when adding).
	replaces *core.MethodView
}

// newPhoneChangeWizard changes the number of phone m: the new one is
// proven, then takes its place.
func newPhoneChangeWizard(sc *scope, m core.MethodView) *phoneWizard {
	w := newPhoneWizard(sc, m.Kind)
	w.replaces = &m
	// The new number is likely in the old one's country (the main
	// country of its code: a +44 number is the United Kingdom's).
	w.selectCountry(core.MainCountry(m.Detail))
	w.m = newModal(sc.tr.F("change.title", "Kind", sc.tr.KindInSentence(m.Kind)), sc.win)
	w.number.onEscape, w.extension.onEscape = w.m.close, w.m.close
	w.next.onEscape = w.m.close
	return w
}

func newPhoneWizard(sc *scope, kind core.MethodKind) *phoneWizard {
	w := &phoneWizard{sc: sc, m: newModal(sc.tr.Kind(kind), sc.win), kind: kind, err: errorLabel()}
	w.countries = core.Countries(sc.tr.lang, nil)
	var labels []string
	for _, c := range w.countries {
		labels = append(labels, c.Label())
	}
	w.country = newSelect(labels, nil, func() { w.onNext() }, func() { w.m.close() }).named(sc.tr.T("phone.country"))
	w.country.SetSelectedIndex(w.defaultCountry())
	w.number = newField(sc.tr.T("phone.numberPlaceholder"), w.m.close)
	w.number.Validator = plain(w.checkNumber)
	w.number.OnChanged = func(s string) {
		w.followCode(s)
		w.validate()
	}
	w.number.OnSubmitted = func(string) { w.onNext() }
	w.extension = newField(sc.tr.T("phone.extensionPlaceholder"), w.m.close)
	w.extension.OnChanged = func(string) { w.validate() }
	w.extension.OnSubmitted = func(string) { w.onNext() }
	if kind == core.KindPhone {
		w.how = newRadioChoice([]string{sc.tr.T("phone.textMe"), sc.tr.T("phone.callMe")}, func() { w.onNext() }, func() { w.m.close() })
		w.how.SetSelected(sc.tr.T("phone.textMe"))
	}
	w.next = newButton(sc.tr.T("common.next"), widget.HighImportance, w.onNext, w.m.close)
	w.country.OnChanged = func(string) { w.validate() }
	return w
}

// defaultCountry is the country of the window's locale, else the United States.
func (w *phoneWizard) defaultCountry() int {
	want := "US"
	if w.sc.tr.lang == "de" {
		want = "DE"
	}
	for i, c := range w.countries {
		if c.Region == want {
			return i
		}
	}
	return 0
}

// followCode selects the country of a calling code as it is typed ("+44"
// selects the United Kingdom), unless the country chosen has that code
// already (Canada stays chosen for "+1").
func (w *phoneWizard) followCode(number string) {
	r := core.TypedCountry(number)
	if r == "" {
		return
	}
	if i := w.country.SelectedIndex(); i >= 0 && w.countries[i].Code == w.code(r) {
		return
	}
	w.selectCountry(r)
}

func (w *phoneWizard) code(region string) int {
	for _, c := range w.countries {
		if c.Region == region {
			return c.Code
		}
	}
	return 0
}

// selectCountry chooses the country of region in the list.
func (w *phoneWizard) selectCountry(region string) {
	for i, c := range w.countries {
		if c.Region == region && region != "" {
			w.country.SetSelectedIndex(i)
			return
		}
	}
}

func (w *phoneWizard) region() string {
	if i := w.country.SelectedIndex(); i >= 0 {
		return w.countries[i].Region
	}
	return ""
}

// checkNumber is the core's own parse of what is typed so far.
func (w *phoneWizard) checkNumber(string) error {
	_, err := core.ParsePhone(w.number.Text, w.region(), w.extension.Text, w.kind, nil)
	return err
}

func (w *phoneWizard) validate() {
	err := w.checkNumber("")
	if err == nil {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
	// Say what is wrong once something was typed.
	if strings.TrimSpace(w.number.Text) != "" && len(strings.TrimSpace(w.number.Text)) >= 6 {
		w.sc.tr.setError(w.err, err)
	} else {
		w.sc.tr.setError(w.err, nil)
	}
}

func (w *phoneWizard) show() {
	w.m.show(480)
	w.first()
}

// first is the number step.
func (w *phoneWizard) first() {
	tr := w.sc.tr
	lead := tr.T("phone.leadText")
	if w.kind != core.KindPhone {
		lead = tr.T("phone.leadCall")
	}
	if w.replaces != nil {
		lead = tr.F("change.leadPhone", "Number", tr.phone(w.replaces.Detail, w.replaces.Extension)) + " " + lead
	}
	rows := container.NewVBox(wrapped(lead), container.NewGridWithColumns(2, w.country, w.number))
	if w.kind == core.KindOfficePhone {
		rows.Add(container.NewGridWithColumns(2, widget.NewLabel(tr.T("phone.extension")), w.extension))
	}
	if w.how != nil {
		rows.Add(w.how.box)
	} else {
		rows.Add(widget.NewLabel(tr.T("phone.callOnly")))
	}
	rows.Add(wrapped(tr.T("phone.rates")))
	rows.Add(w.err)
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close)
	w.m.onClose = nil
	w.m.step(rows, cancel, w.next)
	w.validate()
	w.sc.win.Canvas().Focus(w.number)
}

func (w *phoneWizard) channel() core.Channel {
	if w.how != nil && w.how.Selected == w.sc.tr.T("phone.textMe") {
		return core.ChannelSMS
	}
	return core.ChannelVoice
}

func (w *phoneWizard) onNext() {
	if w.next.Disabled() {
		return
	}
	w.next.Disable()
	w.m.setBusy(true)
	req := core.PhoneRequest{Kind: w.kind, Number: w.number.Text, Region: w.region(), Extension: w.extension.Text, Channel: w.channel()}
	if w.replaces != nil {
		req.Replaces = w.replaces.ID
	}
	call(w.sc.run, func() (*core.Challenge, error) {
		return w.sc.svc.BeginPhone(w.sc.ctx, w.sc.acct.ID, req)
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

func (w *phoneWizard) done(m *core.MethodView) {
	tr := w.sc.tr
	title := tr.T("phone.verifiedCall")
	if m.Channel == core.ChannelSMS {
		title = tr.T("phone.verifiedText")
	}
	successStep(w.sc, w.m, title, tr.F("phone.registered", "Kind", tr.KindInSentence(m.Kind), "Number", tr.phone(m.Detail, m.Extension)))
}
