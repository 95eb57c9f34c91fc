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
	list     *widget.List
	err      *widget.Label
	all      *button
	signOut  func(why string)
}

// newDevicesPage lists the account's sessions; signOut ends this window's
// own, saying why.
func newDevicesPage(sc *scope, signOut func(why string)) *devicesPage {
	p := &devicesPage{sc: sc, svc: sc.svc, signOut: signOut, err: errorLabel()}
	p.list = widget.NewList(func() int { return len(p.sessions) },
		func() fyne.CanvasObject {
			out := newButton(sc.tr.T("devices.signOut"), widget.LowImportance, nil, nil)
			this := widget.NewLabel(sc.tr.T("devices.this"))
			return container.NewBorder(nil, nil, nil, container.NewStack(out, this),
				container.NewVBox(&widget.Label{Text: "Security info desktop on linux", TextStyle: fyne.TextStyle{Bold: true}}, widget.NewLabel("Signed in")))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := p.sessions[id]
			c := o.(*fyne.Container)
			text := c.Objects[0].(*fyne.Container)
			device := s.Device
			if device == "" {
				device = sc.tr.T("devices.unknown")
			}
			text.Objects[0].(*widget.Label).SetText(device)
			text.Objects[1].(*widget.Label).SetText(sc.tr.F("devices.when", "Created", sc.tr.dateTime(s.CreatedAt), "Used", sc.tr.dateTime(s.LastSeenAt)))
			right := c.Objects[1].(*fyne.Container)
			out, this := right.Objects[0].(*button), right.Objects[1].(*widget.Label)
			out.OnTapped = func() { p.onEnd(s) }
			if s.Current {
				out.Hide()
				this.Show()
			} else {
				this.Hide()
				out.Show()
			}
		})
	p.all = newButton(sc.tr.T("devices.everywhere"), widget.DangerImportance, p.onEverywhere, nil)
	p.root = container.NewBorder(container.NewVBox(heading(sc.tr.T("nav.devices")), flowing(wrapped(sc.tr.T("devices.lead"))),
		flowing(p.err)), container.NewHBox(p.all), nil, nil, p.list)
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
			p.list.Refresh()
		}
	})
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
