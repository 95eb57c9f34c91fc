package ui

import (
	"image"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// authenticatorWizard adds an authenticator app: "Start by getting the
// app", the QR code (with "Can't scan image?"), the app's first code and
// an optional name, success.
type authenticatorWizard struct {
	sc     *scope
	m      *modal
	e      *core.Enrolment
	name   *field
	code   *field
	next   *button
	err    *widget.Label
	secret *fyne.Container
	// otherMethod is "I want to set up a different method".
	otherMethod func()
}

func newAuthenticatorWizard(sc *scope, otherMethod func()) *authenticatorWizard {
	w := &authenticatorWizard{sc: sc, m: newModal(sc.tr.Kind(core.KindAuthenticatorApp), sc.win), err: errorLabel(), otherMethod: otherMethod}
	w.name = newField(sc.tr.T("app.namePlaceholder"), w.m.close)
	w.name.Validator = plain(func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil // the core names it
		}
		_, err := core.ValidateMethodName(s)
		return err
	})
	w.code = newField(sc.tr.T("code.placeholder"), w.m.close)
	w.code.Validator = plain(func(s string) error {
		// The app's codes have the policy's number of digits, told by
		// the enrolment (6 until it arrives).
		n := 6
		if w.e != nil && w.e.Digits > 0 {
			n = w.e.Digits
		}
		s = strings.TrimSpace(s)
		if len(s) != n || strings.Trim(s, "0123456789") != "" {
			return core.Errorf(core.EINVALID, "%s", sc.tr.F("code.digits", "N", n))
		}
		return nil
	})
	w.name.OnChanged = func(string) { w.validate() }
	w.code.OnChanged = func(string) { w.validate() }
	w.code.OnSubmitted = func(string) { w.onConfirm() }
	w.name.OnSubmitted = func(string) { w.onConfirm() }
	return w
}

func (w *authenticatorWizard) show() {
	w.m.show(500)
	w.getApp()
}

func (w *authenticatorWizard) cancel() *button {
	return newButton(w.sc.tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close)
}

// getApp is "Start by getting the app".
func (w *authenticatorWizard) getApp() {
	tr := w.sc.tr
	next := newButton(tr.T("common.next"), widget.HighImportance, w.scan, w.m.close)
	other := link(tr.T("app.differentMethod"), func() {
		w.m.close()
		w.otherMethod()
	})
	w.m.step(container.NewVBox(subheading(tr.T("app.getTitle")), wrapped(tr.T("app.getBody")), container.NewHBox(other)), w.cancel(), next)
	w.sc.win.Canvas().Focus(next)
}

// scan makes the secret (once) and shows the QR code.
func (w *authenticatorWizard) scan() {
	if w.e != nil {
		w.showQR()
		return
	}
	w.m.setBusy(true)
	call(w.sc.run, func() (*core.Enrolment, error) {
		return w.sc.svc.BeginAuthenticator(w.sc.ctx, w.sc.acct.ID, "")
	}, func(e *core.Enrolment, err error) {
		w.m.setBusy(false)
		if err != nil {
			w.sc.tr.setError(w.err, err)
			w.m.step(container.NewVBox(w.err), w.cancel())
			return
		}
		w.e = e
		w.showQR()
	})
}

// qrImage draws the QR code one pixel per module, scaled without smoothing,
// so it stays crisp at any size.
func qrImage(uri string) (*canvas.Image, error) {
	bits, err := core.QRBitmap(uri)
	if err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, len(bits), len(bits)))
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				img.SetGray(x, y, color.Gray{0})
			} else {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	c := canvas.NewImageFromImage(img)
	c.ScaleMode = canvas.ImageScalePixels
	c.FillMode = canvas.ImageFillContain
	c.SetMinSize(fyne.NewSize(220, 220))
	return c, nil
}

func (w *authenticatorWizard) showQR() {
	tr := w.sc.tr
	qr, err := qrImage(w.e.URI)
	if err != nil {
		w.sc.tr.setError(w.err, err)
		return
	}
	copyBtn := newButton(tr.T("app.copy"), widget.LowImportance, nil, nil).withIcon(theme.ContentCopyIcon())
	copyBtn.OnTapped = func() {
		w.sc.app.Clipboard().SetContent(w.e.Secret)
		copyBtn.SetText(tr.T("app.copied"))
	}
	// The key has a row of its own, wrapped within the dialog, with Copy
	// beside it.
	w.secret = container.NewVBox(
		container.NewGridWithColumns(2,
			&widget.Label{Text: tr.T("app.accountName"), TextStyle: fyne.TextStyle{Bold: true}},
			&widget.Label{Text: w.e.AccountName, Wrapping: fyne.TextWrapBreak}),
		&widget.Label{Text: tr.T("app.secretKey"), TextStyle: fyne.TextStyle{Bold: true}},
		container.NewBorder(nil, nil, nil, copyBtn,
			&widget.Label{Text: core.SecretGroups(w.e.Secret), TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true, Wrapping: fyne.TextWrapWord}))
	w.secret.Hide()
	cant := newButton(tr.T("app.cantScan"), widget.LowImportance, nil, nil)
	cant.OnTapped = func() { w.secret.Show(); cant.Hide() }
	next := newButton(tr.T("common.next"), widget.HighImportance, w.enterCode, w.m.close)
	back := newButton(tr.T("common.back"), widget.MediumImportance, w.getApp, w.m.close)
	w.m.step(container.NewVBox(subheading(tr.T("app.scanTitle")), wrapped(tr.T("app.scanBody")),
		container.NewCenter(newPicture(qr, tr.T("app.qrName"))), container.NewHBox(cant), w.secret), w.cancel(), back, next)
	w.sc.win.Canvas().Focus(next)
}

func (w *authenticatorWizard) validate() {
	if w.next == nil {
		return
	}
	if valid(w.code) && valid(w.name) {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
}

// enterCode asks for the app's code and an optional name.
func (w *authenticatorWizard) enterCode() {
	tr := w.sc.tr
	w.next = newButton(tr.T("common.next"), widget.HighImportance, w.onConfirm, w.m.close)
	back := newButton(tr.T("common.back"), widget.MediumImportance, w.showQR, w.m.close)
	w.m.step(container.NewVBox(subheading(tr.T("app.codeTitle")), wrapped(tr.T("app.codeBody")), w.code,
		widget.NewLabel(tr.T("app.nameLabel")), w.name, w.err), w.cancel(), back, w.next)
	w.validate()
	w.sc.win.Canvas().Focus(w.code)
}

func (w *authenticatorWizard) onConfirm() {
	if w.next == nil || w.next.Disabled() {
		return
	}
	w.next.Disable()
	w.m.setBusy(true)
	code, name := strings.TrimSpace(w.code.Text), strings.TrimSpace(w.name.Text)
	type result struct{ m *core.MethodView }
	call(w.sc.run, func() (result, error) {
		m, err := w.sc.svc.Confirm(w.sc.ctx, w.sc.acct.ID, w.e.VerificationID, code)
		if err == nil && name != "" && name != m.Name {
			if r, err := w.sc.svc.RenameMethod(w.sc.ctx, w.sc.acct.ID, m.ID, name); err == nil {
				m.Name, m.Detail = r.Name, r.Name
			}
		}
		return result{m}, err
	}, func(r result, err error) {
		w.m.setBusy(false)
		if err != nil {
			w.sc.tr.setError(w.err, err)
			w.code.SetText("")
			w.validate()
			w.sc.win.Canvas().Focus(w.code)
			return
		}
		successStep(w.sc, w.m, w.sc.tr.T("app.verified"), w.sc.tr.F("app.registered", "Name", r.m.Name))
	})
}
