package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// showOutbox shows the local outbox, newest first, so a person can read
// the codes that were not delivered.
func (u *UI) showOutbox() {
	m := newModal(u.tr.T("outbox.title"), u.win)
	list := container.NewVBox()
	errL := errorLabel()
	closeBtn := newButton(u.tr.T("common.close"), widget.HighImportance, m.close, m.close)
	refresh := newButton(u.tr.T("menu.refresh"), widget.MediumImportance, nil, m.close)
	load := func() {
		m.setBusy(true)
		call(u.o.Runner, func() ([]OutboxEntry, error) { return u.back.Outbox() }, func(es []OutboxEntry, err error) {
			m.setBusy(false)
			u.tr.setError(errL, err)
			list.RemoveAll()
			if len(es) == 0 && err == nil {
				list.Add(widget.NewLabel(u.tr.T("outbox.empty")))
			}
			slices.Reverse(es)
			for _, e := range es {
				head := fmt.Sprintf("%s · %s → %s (%s)", u.tr.dateTime(e.Time), u.tr.T("channel."+string(e.Channel)), e.To, e.Language)
				body := &widget.Label{Text: e.Text, Wrapping: fyne.TextWrapWord}
				if e.Subject != "" {
					body.Text = e.Subject + "\n\n" + e.Text
				}
				list.Add(widget.NewCard("", head, body))
			}
		})
	}
	refresh.OnTapped = load
	m.step(container.NewBorder(wrapped(u.tr.T("outbox.lead")), errL, nil, nil, tall(440, container.NewVScroll(list))), refresh, closeBtn)
	m.show(620)
	load()
	u.win.Canvas().Focus(closeBtn)
}
