package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// lostDialog is the guided way back after a lost phone or app: pick what
// was lost (a row's "I lost this device" picks it already), it is removed
// at once by the core (ReplaceLostMethod: the sessions signed in with it
// end, the default moves), and the wizard for a new one opens. It is
// opened from a row, and from the banner after signing in with a
// Temporary Access Pass.
type lostDialog struct {
	sc        *scope
	m         *modal
	preselect string // a method ID, or "" to choose
	methods   []core.MethodView
	choose    *selectBox
	remove    *button
	err       *widget.Label
}

func newLostDialog(sc *scope, preselect string) *lostDialog {
	d := &lostDialog{sc: sc, m: newModal(sc.tr.T("lost.title"), sc.win), preselect: preselect, err: errorLabel()}
	d.choose = newSelect(nil, func(string) { d.remove.Enable() }, func() { d.onRemove() }, func() { d.m.close() })
	d.choose.PlaceHolder = sc.tr.T("lost.choose")
	d.choose.named(sc.tr.T("lost.which"))
	d.remove = newButton(sc.tr.T("lost.remove"), widget.DangerImportance, d.onRemove, d.m.close)
	d.remove.Disable()
	return d
}

func (d *lostDialog) show() {
	tr := d.sc.tr
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, d.m.close, d.m.close)
	d.m.step(container.NewVBox(wrapped(tr.T("lost.lead")), widget.NewLabel(tr.T("lost.which")), d.choose,
		&widget.Label{Text: tr.T("delete.noUndo"), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}, d.err), cancel, d.remove)
	d.m.show(480)
	d.m.setBusy(true)
	d.sc.win.Canvas().Focus(d.choose)
	call(d.sc.run, func() (*core.SecurityInfo, error) {
		return d.sc.svc.SecurityInfo(d.sc.ctx, d.sc.acct.ID)
	}, func(info *core.SecurityInfo, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			return
		}
		d.methods = nil
		var labels []string
		for _, m := range info.Methods {
			if m.Kind.CanBeLost() {
				d.methods = append(d.methods, m)
				labels = append(labels, methodLine(tr, m))
			}
		}
		d.choose.SetOptions(labels)
		if len(d.methods) == 0 {
			d.err.SetText(tr.T("lost.none"))
			d.err.Show()
		}
		for i, m := range d.methods {
			if m.ID == d.preselect {
				d.choose.SetSelectedIndex(i)
				d.sc.win.Canvas().Focus(d.remove) // Enter removes it, Escape cancels
			}
		}
		d.m.fit()
	})
}

// onRemove removes the chosen method and opens the wizard for a new one.
func (d *lostDialog) onRemove() {
	i := d.choose.SelectedIndex()
	if i < 0 || i >= len(d.methods) {
		return
	}
	m := d.methods[i]
	d.remove.Disable()
	d.m.setBusy(true)
	call(d.sc.run, func() (*core.LostDevice, error) {
		return d.sc.svc.ReplaceLostMethod(d.sc.ctx, d.sc.acct.ID, m.ID)
	}, func(ld *core.LostDevice, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			d.remove.Enable()
			d.m.fit()
			return
		}
		d.m.close()
		d.sc.changed()
		startWizard(d.sc, ld.Replace)
	})
}
