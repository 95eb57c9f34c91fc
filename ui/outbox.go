package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// showOutbox shows the local outbox, newest first, so a person can read
// the codes that were not delivered: only the messages for their own
// account; an administrator (two steps) sees every account's, and that is
// audited.
func (sc *scope) showOutbox() {
	m := newModal(sc.tr.T("outbox.title"), sc.win)
	list := container.NewVBox()
	errL := errorLabel()
	lead := wrapped(sc.tr.T("outbox.lead"))
	closeBtn := newButton(sc.tr.T("common.close"), widget.HighImportance, m.close, m.close)
	refresh := newButton(sc.tr.T("menu.refresh"), widget.MediumImportance, nil, m.close)
	admin, ctx, me := sc.acct.Role == core.RoleAdmin, sc.ctx, sc.acct.ID
	type shown struct {
		entries []OutboxEntry
		all     bool
	}
	load := func() {
		m.setBusy(true)
		call(sc.run, func() (shown, error) {
			es, err := sc.outbox()
			if err != nil {
				return shown{}, err
			}
			// Every account's messages only for an administrator whose
			// look is recorded; anyone else, or an administrator the core
			// refuses (one step), sees their own.
			if admin && sc.svc.RecordOutboxView(ctx) == nil {
				return shown{es, true}, nil
			}
			own := es[:0:0]
			for _, e := range es {
				if e.AccountID == me {
					own = append(own, e)
				}
			}
			return shown{own, false}, nil
		}, func(got shown, err error) {
			es := got.entries
			m.setBusy(false)
			sc.tr.setError(errL, err)
			if got.all {
				lead.SetText(sc.tr.T("outbox.leadAll"))
			} else {
				lead.SetText(sc.tr.T("outbox.lead"))
			}
			list.RemoveAll()
			if len(es) == 0 && err == nil {
				list.Add(widget.NewLabel(sc.tr.T("outbox.empty")))
			}
			slices.Reverse(es)
			for _, e := range es {
				head := fmt.Sprintf("%s · %s → %s (%s)", sc.tr.dateTime(e.Time), sc.tr.T("channel."+string(e.Channel)), e.To, e.Language)
				body := &widget.Label{Text: e.Text, Wrapping: fyne.TextWrapWord}
				if e.Subject != "" {
					body.Text = e.Subject + "\n\n" + e.Text
				}
				list.Add(widget.NewCard("", head, body))
			}
		})
	}
	refresh.OnTapped = load
	m.step(container.NewBorder(lead, errL, nil, nil, tall(440, container.NewVScroll(list))), refresh, closeBtn)
	m.show(620)
	load()
	sc.win.Canvas().Focus(closeBtn)
}
