package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// deleteDialog confirms a delete, saying what follows from the core's
// preview: the new default, whether sign-in and reset requirements are
// still met, the 30-day wait for the last info, and that there is no undo.
// It takes the account it acts on: the owner's own, or the person a
// help-desk agent helps (del is then the desk's delete, with its reason).
type deleteDialog struct {
	sc        *scope
	m         *modal
	accountID string
	methodID  string
	label     string // the method, as the dialog names it
	del       func() (*core.DeletePreview, error)
	done      func(*core.DeletePreview)
	// addFirst, when set, is offered instead of a delete that would start
	// the removal of the last info.
	addFirst func()
	yes      *button
	err      *widget.Label
}

// newDeleteDialog deletes one of the signed-in owner's methods; addFirst
// is offered in place of a delete that would start the removal of the last
// info.
func newDeleteDialog(sc *scope, m core.MethodView, addFirst func()) *deleteDialog {
	d := &deleteDialog{sc: sc, m: newModal(sc.tr.T("delete.title"), sc.win), accountID: sc.acct.ID, methodID: m.ID,
		label: sc.tr.Kind(m.Kind) + " (" + methodDetail(sc.tr, m) + ")", err: errorLabel()}
	d.del = func() (*core.DeletePreview, error) { return sc.svc.DeleteMethod(sc.ctx, d.accountID, d.methodID) }
	d.done = func(*core.DeletePreview) { sc.changed() }
	d.addFirst = addFirst
	return d
}

func (d *deleteDialog) show() {
	tr := d.sc.tr
	no := newButton(tr.T("common.no"), widget.MediumImportance, d.m.close, d.m.close)
	d.yes = newButton(tr.T("common.yes"), widget.DangerImportance, d.onYes, d.m.close)
	d.yes.Disable()
	d.m.step(container.NewVBox(d.err), no, d.yes)
	d.m.show(460)
	d.m.setBusy(true)
	d.sc.win.Canvas().Focus(no)
	call(d.sc.run, func() (*core.DeletePreview, error) {
		return d.sc.svc.PreviewDelete(d.sc.ctx, d.accountID, d.methodID)
	}, func(pv *core.DeletePreview, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			return
		}
		lines := container.NewVBox(wrapped(tr.F("delete.question", "Method", d.label)))
		for _, s := range previewLines(tr, pv) {
			lines.Add(wrapped("• " + s))
		}
		if !pv.Scheduled {
			// A scheduled removal can be cancelled until its date (the
			// preview says so): only a delete at once is final.
			lines.Add(&widget.Label{Text: tr.T("delete.noUndo"), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord})
		}
		lines.Add(d.err)
		if pv.Scheduled && d.addFirst != nil {
			first := newButton(tr.T("delete.addFirst"), widget.HighImportance, func() { d.m.close(); d.addFirst() }, d.m.close)
			d.m.step(lines, no, d.yes, first)
			d.yes.Enable()
			d.sc.win.Canvas().Focus(first)
			return
		}
		d.m.step(lines, no, d.yes)
		d.yes.Enable()
		d.sc.win.Canvas().Focus(d.yes) // Enter deletes, Escape cancels
	})
}

// previewLines says what the core's preview foresees.
func previewLines(tr text, pv *core.DeletePreview) []string {
	var out []string
	if pv.Scheduled {
		return []string{tr.F("delete.scheduled", "Date", tr.date(pv.EffectiveAt))}
	}
	switch {
	case pv.WasDefault && pv.NewDefault != nil:
		out = append(out, tr.F("delete.newDefault", "Choice", choiceLabel(tr, *pv.NewDefault)))
	case pv.WasDefault:
		out = append(out, tr.T("delete.noDefault"))
	}
	if pv.Requirements.SignInMet {
		out = append(out, tr.T("delete.signInMet"))
	} else {
		out = append(out, tr.T("delete.signInNotMet"))
	}
	if pv.Requirements.ResetMet {
		out = append(out, tr.T("delete.resetMet"))
	} else {
		out = append(out, tr.F("delete.resetNotMet", "Needed", pv.Requirements.ResetNeeded, "Have", pv.Requirements.ResetMethods))
	}
	return out
}

func (d *deleteDialog) onYes() {
	d.yes.Disable()
	d.m.setBusy(true)
	call(d.sc.run, d.del, func(pv *core.DeletePreview, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			return
		}
		d.m.close()
		d.done(pv)
	})
}

// defaultDialog changes the default sign-in method.
type defaultDialog struct {
	sc      *scope
	m       *modal
	current *core.DefaultChoice
	choices []core.DefaultChoice
	sel     *selectBox
	confirm *button
	err     *widget.Label
}

func newDefaultDialog(sc *scope, info *core.SecurityInfo) *defaultDialog {
	d := &defaultDialog{sc: sc, m: newModal(sc.tr.T("default.title"), sc.win), err: errorLabel()}
	if info != nil {
		d.current = info.Default
	}
	d.sel = newSelect(nil, func(string) { d.confirm.Enable() }, func() { d.onConfirm() }, func() { d.m.close() })
	d.confirm = newButton(sc.tr.T("common.confirm"), widget.HighImportance, d.onConfirm, d.m.close)
	d.confirm.Disable()
	return d
}

func (d *defaultDialog) show() {
	tr := d.sc.tr
	back := newButton(tr.T("common.cancel"), widget.MediumImportance, d.m.close, d.m.close)
	d.m.step(container.NewVBox(wrapped(tr.T("default.lead")), d.sel, d.err), back, d.confirm)
	d.m.show(520)
	d.m.setBusy(true)
	call(d.sc.run, func() ([]core.DefaultChoice, error) {
		return d.sc.svc.DefaultChoices(d.sc.ctx, d.sc.acct.ID)
	}, func(cs []core.DefaultChoice, err error) {
		d.m.setBusy(false)
		d.sc.tr.setError(d.err, err)
		d.choices = cs
		var labels []string
		for _, c := range cs {
			labels = append(labels, choiceLabel(tr, c))
		}
		d.sel.SetOptions(labels)
		for i, c := range cs {
			if d.current != nil && c.MethodID == d.current.MethodID && c.Channel == d.current.Channel {
				d.sel.SetSelectedIndex(i)
			}
		}
		d.confirm.Disable()
		d.sc.win.Canvas().Focus(d.sel)
	})
}

func (d *defaultDialog) onConfirm() {
	i := d.sel.SelectedIndex()
	if i < 0 {
		return
	}
	c := d.choices[i]
	d.confirm.Disable()
	d.m.setBusy(true)
	call(d.sc.run, func() (*core.DefaultChoice, error) {
		return d.sc.svc.SetDefault(d.sc.ctx, d.sc.acct.ID, c.MethodID, c.Channel)
	}, func(_ *core.DefaultChoice, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			return
		}
		d.m.close()
		d.sc.changed()
	})
}

// renameDialog renames an authenticator app or security key.
type renameDialog struct {
	sc     *scope
	m      *modal
	method core.MethodView
	name   *field
	save   *button
	err    *widget.Label
}

func newRenameDialog(sc *scope, m core.MethodView) *renameDialog {
	d := &renameDialog{sc: sc, m: newModal(sc.tr.T("rename.title"), sc.win), method: m, err: errorLabel()}
	d.name = newField("", d.m.close)
	d.name.SetText(m.Name)
	d.name.Validator = plain(func(s string) error { _, err := core.ValidateMethodName(s); return err })
	d.name.OnSubmitted = func(string) { d.onSave() }
	d.save = newButton(sc.tr.T("common.save"), widget.HighImportance, d.onSave, d.m.close)
	d.name.OnChanged = func(string) {
		if valid(d.name) {
			d.save.Enable()
		} else {
			d.save.Disable()
		}
	}
	return d
}

func (d *renameDialog) show() {
	cancel := newButton(d.sc.tr.T("common.cancel"), widget.MediumImportance, d.m.close, d.m.close)
	d.m.step(container.NewVBox(widget.NewLabel(d.sc.tr.T("rename.lead")), d.name, d.err), cancel, d.save)
	d.m.show(420)
	d.sc.win.Canvas().Focus(d.name)
}

func (d *renameDialog) onSave() {
	if d.save.Disabled() {
		return
	}
	name := d.name.Text
	d.m.setBusy(true)
	call(d.sc.run, func() (*core.Method, error) {
		return d.sc.svc.RenameMethod(d.sc.ctx, d.sc.acct.ID, d.method.ID, name)
	}, func(_ *core.Method, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			return
		}
		d.m.close()
		d.sc.changed()
	})
}
