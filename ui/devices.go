package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// devicesPage lists where the account is signed in: one session can be
// signed out, or every one at once.
type devicesPage struct {
	sc       *scope
	svc      core.SessionService // the part of the service it uses
	root     fyne.CanvasObject
	sessions []core.SessionView
	list     *fyne.Container // a row a session
	err      *widget.Label
	all      *button
	signOut  func(why string)
}

// newDevicesPage lists the account's sessions; signOut ends this window's
// own, saying why.
func newDevicesPage(sc *scope, signOut func(why string)) *devicesPage {
	p := &devicesPage{sc: sc, svc: sc.svc, signOut: signOut, err: errorLabel()}
	p.list = container.NewVBox()
	p.all = newButton(sc.tr.T("devices.everywhere"), widget.DangerImportance, p.onEverywhere, nil)
	p.root = container.NewBorder(container.NewVBox(heading(sc.tr.T("nav.devices")), flowing(wrapped(sc.tr.T("devices.lead"))),
		flowing(p.err)), container.NewHBox(p.all), nil, nil, container.NewVScroll(p.list))
	return p
}

func (p *devicesPage) title() string           { return p.sc.tr.T("nav.devices") }
func (p *devicesPage) icon() fyne.Resource     { return icon("devices") }
func (p *devicesPage) view() fyne.CanvasObject { return p.root }

func (p *devicesPage) reload() {
	call(p.sc.run, func() ([]core.SessionView, error) {
		return p.svc.Sessions(p.sc.ctx, p.sc.acct.ID)
	}, func(sessions []core.SessionView, err error) {
		p.sc.tr.setError(p.err, err)
		if err == nil {
			p.sessions = sessions
			p.show()
		}
	})
}

// show lists the sessions: where and when, and Sign out for another
// one (named with its device and time, so a screen reader tells the rows'
// buttons apart), "This device" for this window's.
func (p *devicesPage) show() {
	tr := p.sc.tr
	p.list.RemoveAll()
	for _, s := range p.sessions {
		device := s.Device
		if device == "" {
			device = tr.T("devices.unknown")
		}
		when := tr.F("devices.when", "Created", tr.dateTime(s.CreatedAt), "Used", tr.dateTime(s.LastSeenAt))
		var right fyne.CanvasObject = widget.NewLabel(tr.T("devices.this"))
		if !s.Current {
			right = newButton(tr.T("devices.signOut"), widget.LowImportance, func() { p.onEnd(s) }, nil).
				named(tr.F("devices.signOutOf", "Device", device, "When", when))
		}
		p.list.Add(container.NewBorder(nil, nil, nil, right,
			container.NewVBox(&widget.Label{Text: device, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}, &widget.Label{Text: when, Wrapping: fyne.TextWrapWord})))
		p.list.Add(widget.NewSeparator())
	}
}

// onEnd signs out another session.
func (p *devicesPage) onEnd(s core.SessionView) {
	call(p.sc.run, func() (struct{}, error) {
		return struct{}{}, p.svc.EndSession(p.sc.ctx, p.sc.acct.ID, s.ID)
	}, func(_ struct{}, err error) {
		p.sc.tr.setError(p.err, err)
		p.reload()
	})
}

// onEverywhere asks, then ends every session, this one too.
func (p *devicesPage) onEverywhere() {
	showConfirm(p.sc.tr, p.sc.tr.T("devices.everywhere"), p.sc.tr.T("devices.everywhereAsk"), func(ok bool) {
		if !ok {
			return
		}
		call(p.sc.run, func() (struct{}, error) {
			return struct{}{}, p.svc.SignOutEverywhere(p.sc.ctx, p.sc.acct.ID)
		}, func(_ struct{}, err error) {
			if err != nil {
				p.sc.tr.setError(p.err, err)
				return
			}
			p.signOut(p.sc.tr.T("devices.signedOutEverywhere"))
		})
	}, p.sc.win)
}
