package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// addMethodDialog is "Add a method": a drop-down of the kinds the policy
// enables and the account can still add, then the wizard of that kind.
type addMethodDialog struct {
	sc     *scope
	m      *modal
	kinds  []core.MethodKind
	choose *selectBox
	add    *button
	err    *widget.Label
}

func newAddMethodDialog(sc *scope) *addMethodDialog {
	d := &addMethodDialog{sc: sc, m: newModal(sc.tr.T("add.title"), sc.win), err: errorLabel()}
	d.choose = newSelect(nil, func(string) { d.add.Enable() }, func() { d.onAdd() }, func() { d.m.close() })
	d.choose.PlaceHolder = sc.tr.T("add.choose")
	d.add = newButton(sc.tr.T("add.add"), widget.HighImportance, d.onAdd, d.m.close)
	d.add.Disable()
	cancel := newButton(sc.tr.T("common.cancel"), widget.MediumImportance, d.m.close, d.m.close)
	d.m.step(container.NewVBox(widget.NewLabel(sc.tr.T("add.which")), d.choose, d.err), cancel, d.add)
	return d
}

func (d *addMethodDialog) show() {
	d.m.show(420)
	d.m.setBusy(true)
	call(d.sc.run, func() ([]core.MethodKind, error) {
		return d.sc.svc.AvailableKinds(d.sc.ctx, d.sc.acct.ID)
	}, func(kinds []core.MethodKind, err error) {
		d.m.setBusy(false)
		d.sc.tr.setError(d.err, err)
		if d.sc.walkUp {
			kinds = slices.DeleteFunc(kinds, func(k core.MethodKind) bool { return k == core.KindRecoveryCodes })
		}
		d.kinds = d.kinds[:0]
		var labels []string
		for _, k := range kinds {
			if k == core.KindWindowsHello && windowsHelloOf(d.sc.keys) == nil {
				continue // Windows Hello only where this computer has it
			}
			d.kinds = append(d.kinds, k)
			labels = append(labels, d.sc.tr.Kind(k))
		}
		d.choose.SetOptions(labels)
		if len(kinds) == 0 && err == nil {
			d.err.SetText(d.sc.tr.T("add.none"))
			d.err.Show()
		}
	})
	d.sc.win.Canvas().Focus(d.choose)
}

func (d *addMethodDialog) onAdd() {
	i := d.choose.SelectedIndex()
	if i < 0 {
		return
	}
	d.m.close()
	startWizard(d.sc, d.kinds[i])
}

// startWizard opens the add wizard of a kind.
func startWizard(sc *scope, k core.MethodKind) {
	switch k {
	case core.KindPhone, core.KindAlternatePhone, core.KindOfficePhone:
		newPhoneWizard(sc, k).show()
	case core.KindEmail:
		newEmailWizard(sc).show()
	case core.KindAuthenticatorApp:
		newAuthenticatorWizard(sc, func() { newAddMethodDialog(sc).show() }).show()
	case core.KindSecurityQuestions:
		newQuestionsWizard(sc).show()
	case core.KindSecurityKey:
		newKeyWizard(sc).show()
	case core.KindRecoveryCodes:
		newRecoveryCodesDialog(sc, false).show()
	case core.KindWindowsHello:
		w := newKeyWizard(sc)
		w.hello = true
		w.m = newModal(sc.tr.Kind(core.KindWindowsHello), sc.win)
		w.show()
	}
}

// added closes a wizard's success step and refreshes the pages, or goes
// on with "Keep your account secure".
func (u *UI) added() {
	if u.registering {
		u.registered()
		return
	}
	u.reloadAll()
}

var _ fyne.CanvasObject = (*widget.Select)(nil)
