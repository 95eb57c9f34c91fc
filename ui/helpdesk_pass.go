package ui

import (
	"slices"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// passLifetimes are the lifetimes, in minutes, the pass dialog offers
// up to the policy's longest; the policy's default and longest are
// offered too.
var passLifetimes = []int{10, 30, 60, 120, 240, 480, 720, 1440, 2880, 10080, 43200}

// lifetimeChoices are the lifetimes to offer under p, shortest first.
func lifetimeChoices(p *core.Policy) []int {
	var out []int
	for _, m := range append(slices.Clone(passLifetimes), p.TAPLifetimeMinutes, p.TAPMaxLifetimeMinutes) {
		if m >= 10 && m <= p.TAPMaxLifetimeMinutes && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// lifetimeWords says a number of minutes as a person would.
func (t text) lifetimeWords(minutes int) string {
	switch {
	case minutes%1440 == 0 && minutes > 1440:
		return t.F("helpdesk.days", "N", minutes/1440)
	case minutes == 1440:
		return t.T("helpdesk.day")
	case minutes%60 == 0 && minutes > 60:
		return t.F("helpdesk.hours", "N", minutes/60)
	case minutes == 60:
		return t.T("helpdesk.hour")
	}
	return t.F("helpdesk.minutes", "N", minutes)
}

// passDialog asks how long the person's Temporary Access Pass works and,
// where the policy allows it, whether it is reusable; the core checks
// both again. create gets the request's lifetime and one-time choice.
type passDialog struct {
	tr       text
	m        *modal
	lifetime *selectBox
	reusable *checkBox
	minutes  map[string]int
}

// newPassDialog shows the dialog for name under policy p.
func newPassDialog(sc *scope, name string, p *core.Policy, create func(lifetimeMinutes int, oneTime bool)) *passDialog {
	tr := sc.tr
	d := &passDialog{tr: tr, m: newModal(tr.T("helpdesk.passTitle"), sc.win), minutes: map[string]int{}}
	var labels []string
	for _, m := range lifetimeChoices(p) {
		l := tr.lifetimeWords(m)
		labels = append(labels, l)
		d.minutes[l] = m
	}
	ok := func() {
		d.m.close()
		create(d.minutes[d.lifetime.Selected], d.reusable == nil || !d.reusable.Checked)
	}
	d.lifetime = newSelect(labels, nil, ok, d.m.close)
	d.lifetime.SetSelected(tr.lifetimeWords(p.TAPLifetimeMinutes))
	form := widget.NewForm(widget.NewFormItem(tr.T("helpdesk.passLifetime"), d.lifetime))
	body := container.NewVBox(wrapped(tr.F("helpdesk.passLead", "Name", name)), form)
	if !p.TAPOneTime {
		d.reusable = newCheckBox(tr.T("helpdesk.passReusable"), ok, d.m.close)
		body.Add(d.reusable)
	} else {
		body.Add(&widget.Label{Text: tr.T("helpdesk.passOneTimeOnly"), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
	}
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, d.m.close, d.m.close)
	createB := newButton(tr.T("helpdesk.passCreate"), widget.HighImportance, ok, d.m.close)
	d.m.step(body, cancel, createB)
	d.m.show(460)
	sc.win.Canvas().Focus(d.lifetime)
	return d
}
