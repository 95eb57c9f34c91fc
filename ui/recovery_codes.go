package ui

import (
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// recoveryCodesDialog makes a set of recovery codes ("Add sign-in
// method" › Recovery codes) or, with replace, "Get new codes" after asking
// first; then shows the codes, this once, with Copy and "Save as a text
// file". The codes live in the dialog only: closing it drops them.
type recoveryCodesDialog struct {
	sc      *scope
	m       *modal
	err     *widget.Label
	replace bool
	codes   []string
	// save opens "Save as a text file" (Fyne's file dialog; tests
	// replace it).
	save func()
}

func newRecoveryCodesDialog(sc *scope, replace bool) *recoveryCodesDialog {
	title := sc.tr.Kind(core.KindRecoveryCodes)
	if replace {
		title = sc.tr.T("codes.getNew")
	}
	d := &recoveryCodesDialog{sc: sc, m: newModal(title, sc.win), err: errorLabel(), replace: replace}
	d.save = d.saveDialog
	return d
}

func (d *recoveryCodesDialog) show() {
	tr := d.sc.tr
	d.m.show(480)
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, d.m.close, d.m.close)
	if d.replace {
		get := newButton(tr.T("codes.getNew"), widget.DangerImportance, d.issue, d.m.close)
		d.m.step(container.NewVBox(wrapped(tr.T("codes.replaceQuestion")), d.err), cancel, get)
		d.sc.win.Canvas().Focus(cancel)
		return
	}
	d.m.step(container.NewVBox(wrapped(tr.T("codes.making")), d.err), cancel)
	d.issue()
}

// issue asks the core for the codes, off the UI goroutine.
func (d *recoveryCodesDialog) issue() {
	d.m.setBusy(true)
	replace := d.replace
	call(d.sc.run, func() (*core.RecoveryCodes, error) {
		if replace {
			return d.sc.svc.NewRecoveryCodes(d.sc.ctx, d.sc.acct.ID)
		}
		return d.sc.svc.AddRecoveryCodes(d.sc.ctx, d.sc.acct.ID)
	}, func(rc *core.RecoveryCodes, err error) {
		d.m.setBusy(false)
		if err != nil {
			d.sc.tr.setError(d.err, err)
			closeB := newButton(d.sc.tr.T("common.close"), widget.MediumImportance, d.m.close, d.m.close)
			d.m.step(container.NewVBox(d.err), closeB)
			d.sc.win.Canvas().Focus(closeB)
			return
		}
		d.showCodes(rc.Codes)
	})
}

// showCodes shows the codes, two columns of five, and what to do with them.
func (d *recoveryCodesDialog) showCodes(codes []string) {
	tr := d.sc.tr
	d.codes = codes
	grid := container.NewGridWithColumns(2)
	for _, c := range codes {
		grid.Add(&widget.Label{Text: c, TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true})
	}
	copyB := newButton(tr.T("codes.copy"), widget.LowImportance, nil, nil).withIcon(theme.ContentCopyIcon())
	copyB.OnTapped = func() {
		d.sc.app.Clipboard().SetContent(codesText(tr, d.sc.acct.Name, d.codes))
		copyB.SetText(tr.T("codes.copied"))
	}
	saveB := newButton(tr.T("codes.save"), widget.LowImportance, func() { d.save() }, nil).withIcon(theme.DocumentSaveIcon())
	done := newButton(tr.T("common.done"), widget.HighImportance, d.m.close, d.m.close)
	// The page shows the new count once the dialog is closed; the codes
	// go with the dialog.
	d.m.onClose = func() {
		d.codes = nil
		if d.replace {
			d.sc.changed()
		} else {
			d.sc.onAdded()
		}
	}
	d.m.step(container.NewVBox(
		subheading(tr.T("codes.saveTitle")),
		wrapped(tr.T("codes.saveLead")),
		grid,
		&widget.Label{Text: tr.T("codes.once"), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		container.NewHBox(copyB, saveB),
		d.err,
	), done)
	d.sc.win.Canvas().Focus(copyB)
}

// saveDialog is "Save as a text file": Fyne's file dialog, then the
// writing off the UI goroutine.
func (d *recoveryCodesDialog) saveDialog() {
	text := codesText(d.sc.tr, d.sc.acct.Name, d.codes)
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			d.sc.tr.setError(d.err, err)
			return // cancelled
		}
		call(d.sc.run, func() (struct{}, error) { return struct{}{}, writeCodes(w, text) }, func(_ struct{}, err error) {
			if err != nil {
				d.sc.tr.setError(d.err, err)
				return
			}
			d.err.Importance = widget.SuccessImportance
			d.err.SetText(d.sc.tr.T("codes.saved"))
			d.err.Show()
		})
	}, d.sc.win)
	fd.SetFileName("recovery-codes.txt")
	fd.Show()
}

// writeCodes writes the text of the codes and closes w.
func writeCodes(w io.WriteCloser, text string) error {
	_, err := io.WriteString(w, text)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save recovery codes: %w", err)
	}
	return nil
}

// codesText is the codes as copied or saved: what they are for, and one
// a line.
func codesText(tr text, account string, codes []string) string {
	var b strings.Builder
	b.WriteString(tr.F("codes.fileHeader", "Account", account) + "\n\n")
	for i, c := range codes {
		fmt.Fprintf(&b, "%2d. %s\n", i+1, c)
	}
	return b.String()
}
