package ui

import (
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
	admin, ctx, me := sc.acct.Role == core.RoleAdmin, sc.ctx, sc.acct.ID
	sc.outboxDialog(func(es []OutboxEntry) ([]OutboxEntry, bool) {
		// Every account's messages only for an administrator whose look
		// is recorded; anyone else, or an administrator the core refuses
		// (one step), sees their own.
		if admin && sc.svc.RecordOutboxView(ctx) == nil {
			return es, true
		}
		return slices.DeleteFunc(es, func(e OutboxEntry) bool { return e.AccountID != me }), false
	})
}

// showOutboxOf is "Open outbox" on a code screen before sign-in: the
// messages written since the flow began to where its codes went (the
// same channel, the destination as the code screen shows it), which hold
// those codes. Not every message since then: the person at the computer
// has not signed in, and the signed-in outbox shows a person only their
// own (another's only to an administrator, audited).
func (sc *scope) showOutboxOf(sent *sentCodes) {
	// Taken now, on the UI goroutine: the list is read off it.
	since := sent.since
	var to []*core.Challenge
	for _, ch := range sent.codes {
		to = append(to, ch)
	}
	sc.outboxDialog(func(es []OutboxEntry) ([]OutboxEntry, bool) {
		return slices.DeleteFunc(es, func(e OutboxEntry) bool {
			return e.Time.Before(since) || !slices.ContainsFunc(to, func(ch *core.Challenge) bool {
				return ch.Channel == e.Channel && ch.Destination == maskedTo(e)
			})
		}), false
	})
}

// maskedTo is a message's destination masked as a code screen shows it.
func maskedTo(e OutboxEntry) string {
	if e.Channel == core.ChannelEmail {
		return core.MaskEmail(e.To)
	}
	return core.MaskPhone(e.To)
}

// outboxDialog shows the outbox's messages that pick keeps, newest first;
// all says they are every account's.
func (sc *scope) outboxDialog(pick func([]OutboxEntry) (kept []OutboxEntry, all bool)) {
	m := newModal(sc.tr.T("outbox.title"), sc.win)
	list := container.NewVBox()
	errL := errorLabel()
	lead := wrapped(sc.tr.T("outbox.lead"))
	closeBtn := newButton(sc.tr.T("common.close"), widget.HighImportance, m.close, m.close)
	refresh := newButton(sc.tr.T("menu.refresh"), widget.MediumImportance, nil, m.close)
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
			kept, all := pick(es)
			return shown{kept, all}, nil
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
				head := sc.tr.F("outbox.head", "Time", sc.tr.dateTime(e.Time), "Channel", sc.tr.T("channel."+string(e.Channel)),
					"To", e.To, "Language", e.Language)
				body := &widget.Label{Text: e.Text, Wrapping: fyne.TextWrapWord}
				if e.Subject != "" {
					body.Text = e.Subject + "\n\n" + e.Text
				}
				list.Add(widget.NewCard("", head, body))
			}
		})
	}
	refresh.OnTapped = load
	// The list fits the window, so Refresh and Close stay below it.
	h := sc.win.Canvas().Size().Height - 260
	h = max(160, min(440, h))
	m.step(container.NewBorder(lead, errL, nil, nil, tall(h, container.NewVScroll(list))), refresh, closeBtn)
	m.show(620)
	load()
	sc.win.Canvas().Focus(closeBtn)
}
