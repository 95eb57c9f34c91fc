package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// securityInfoPage is the Security info page: the default sign-in
// method, "+ Add sign-in method" and one row per method.
type securityInfoPage struct {
	sc  *scope
	svc core.MethodService // the part of the service it uses

	root        fyne.CanvasObject
	pending     *fyne.Container
	warnings    *fyne.Container
	defaultLine *fyne.Container
	add         *button
	rows        *fyne.Container
	errLabel    *widget.Label
	busy        *widget.ProgressBarInfinite

	info *core.SecurityInfo
}

func newSecurityInfoPage(sc *scope) *securityInfoPage {
	p := &securityInfoPage{sc: sc, svc: sc.svc, pending: container.NewVBox(), warnings: container.NewVBox(), defaultLine: container.NewHBox(),
		rows: container.NewVBox(), errLabel: errorLabel(), busy: widget.NewProgressBarInfinite()}
	p.add = newButton(sc.tr.T("info.add"), widget.LowImportance, p.onAdd, nil).withIcon(theme.ContentAddIcon())
	p.busy.Hide()
	p.busy.Stop()
	p.root = container.NewVScroll(container.NewVBox(
		heading(sc.tr.T("info.title")),
		wrapped(sc.tr.T("info.lead")),
		p.busy,
		p.errLabel,
		p.pending,
		p.warnings,
		p.defaultLine,
		spacer(theme.Padding()),
		container.NewHBox(p.add),
		widget.NewSeparator(),
		p.rows,
	))
	return p
}

func (p *securityInfoPage) title() string           { return p.sc.tr.T("nav.securityInfo") }
func (p *securityInfoPage) icon() fyne.Resource     { return icon("authenticator") }
func (p *securityInfoPage) view() fyne.CanvasObject { return p.root }

// reload fetches the account's security info and shows it.
func (p *securityInfoPage) reload() {
	p.setBusy(true)
	call(p.sc.run, func() (*core.SecurityInfo, error) {
		return p.svc.SecurityInfo(p.sc.ctx, p.sc.acct.ID)
	}, func(info *core.SecurityInfo, err error) {
		p.setBusy(false)
		p.sc.tr.setError(p.errLabel, err)
		if err != nil {
			return
		}
		p.show(info)
	})
}

func (p *securityInfoPage) setBusy(b bool) {
	if b {
		p.busy.Show()
		p.busy.Start()
	} else {
		p.busy.Stop()
		p.busy.Hide()
	}
}

// show lays out info.
func (p *securityInfoPage) show(info *core.SecurityInfo) {
	p.info = info
	tr := p.sc.tr
	p.pending.RemoveAll()
	if r := info.PendingRemoval; r != nil {
		cancel := newButton(tr.T("info.cancelRemoval"), widget.MediumImportance, p.onCancelRemoval, nil)
		p.pending.Add(banner(tr.F("info.pendingRemoval", "Date", tr.date(r.EffectiveAt)), widget.WarningImportance, cancel))
	}
	p.warnings.RemoveAll()
	// While a removal is pending nothing can be added: the banner's
	// "Cancel removal" is the one thing to do, so nothing asks for more.
	if info.PendingRemoval == nil && len(info.Methods) > 0 && !info.Requirements.SignInMet {
		p.warnings.Add(&widget.Label{Text: tr.T("info.noSignIn"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
	}
	if info.PendingRemoval == nil && len(info.Methods) > 0 && !info.Requirements.ResetMet {
		p.warnings.Add(&widget.Label{Text: tr.F("info.resetNotMet", "Needed", info.Requirements.ResetNeeded, "Have", info.Requirements.ResetMethods),
			Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
	}
	for _, m := range info.Methods {
		if m.Kind == core.KindRecoveryCodes && m.CodesLow && info.PendingRemoval == nil {
			p.warnings.Add(&widget.Label{Text: tr.F("codes.low", "Left", m.CodesLeft), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
		}
	}
	p.defaultLine.RemoveAll()
	if info.Default != nil {
		p.defaultLine.Add(widget.NewLabel(tr.T("info.defaultMethod")))
		p.defaultLine.Add(&widget.Label{Text: choiceLabel(tr, *info.Default), TextStyle: fyne.TextStyle{Bold: true}})
		if info.PendingRemoval == nil {
			p.defaultLine.Add(link(tr.T("info.change"), p.onChangeDefault))
		}
	}
	if info.PendingRemoval != nil {
		p.add.Disable()
	} else {
		p.add.Enable()
	}
	p.rows.RemoveAll()
	if len(info.Methods) == 0 {
		p.rows.Add(&widget.Label{Text: tr.T("info.empty"), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
	}
	for _, m := range info.Methods {
		p.rows.Add(p.row(m))
		p.rows.Add(widget.NewSeparator())
	}
	// The directory's numbers are the organization's: shown, marked, with
	// nothing to change here (as Entra shows a directory office phone).
	if d := info.Directory; d != nil {
		for _, n := range []struct {
			kind   core.MethodKind
			number string
		}{{core.KindPhone, d.Mobile}, {core.KindOfficePhone, d.OfficePhone}} {
			if n.number != "" {
				p.rows.Add(p.directoryRow(n.kind, n.number))
				p.rows.Add(widget.NewSeparator())
			}
		}
	}
	// A Temporary Access Pass is no security info, but while it works it
	// signs the person in: shown last, where its owner can end it.
	if info.AccessPass != nil {
		p.rows.Add(p.passRow(*info.AccessPass))
		p.rows.Add(widget.NewSeparator())
	}
	p.sc.win.Content().Refresh()
}

// row is one method: icon, kind, detail, and its actions.
func (p *securityInfoPage) row(m core.MethodView) fyne.CanvasObject {
	tr := p.sc.tr
	kind := &widget.Label{Text: kindLabel(tr, m), TextStyle: fyne.TextStyle{Bold: true}}
	detail := widget.NewLabel(methodDetail(tr, m))
	if m.CodesLow {
		detail.Importance = widget.WarningImportance
	}
	if strings.EqualFold(detail.Text, tr.Kind(m.Kind)) {
		detail.SetText("") // a default name says nothing the kind does not
	}
	if m.Channel == core.ChannelPlatform && strings.EqualFold(m.Detail, p.sc.computer) {
		detail.SetText(tr.F("hello.here", "Computer", m.Detail))
	}
	actions := container.NewHBox()
	// While a removal is pending no change is accepted, so none is offered.
	switch {
	case p.info != nil && p.info.PendingRemoval != nil && p.info.PendingRemoval.MethodID == m.ID:
		actions.Add(&widget.Label{Text: tr.T("info.removalPending"), Importance: widget.WarningImportance})
	case p.info != nil && p.info.PendingRemoval != nil:
	default:
		switch {
		case m.Kind == core.KindAuthenticatorApp || m.Kind == core.KindSecurityKey && m.Channel != core.ChannelPlatform:
			actions.Add(link(tr.T("info.rename"), func() { p.onRename(m) }).named(rowAction(tr, "info.rename", m)))
		case m.Kind.IsPhone() || m.Kind == core.KindEmail:
			actions.Add(link(tr.T("info.change"), func() { changeContact(p.sc, m) }).named(rowAction(tr, "info.change", m)))
		case m.Kind == core.KindSecurityQuestions:
			actions.Add(link(tr.T("info.change"), func() { newQuestionsChangeWizard(p.sc).show() }).named(rowAction(tr, "info.change", m)))
		case m.Kind == core.KindRecoveryCodes && !p.sc.walkUp:
			actions.Add(link(tr.T("codes.getNew"), func() { newRecoveryCodesDialog(p.sc, true).show() }).named(rowAction(tr, "codes.getNew", m)))
		}
		actions.Add(link(tr.T("info.delete"), func() { p.onDelete(m) }).named(rowAction(tr, "info.delete", m)))
		if m.Kind.CanBeLost() {
			actions.Add(link(tr.T("info.lost"), func() { newLostDialog(p.sc, m.ID).show() }).named(rowAction(tr, "info.lostName", m)))
		}
	}
	return rowLayout(kindIcon(m.Kind), kind, detail, actions)
}

// rowAction names a row's action for a screen reader with the row's
// method: "Delete Phone +44 20 7946 0958", not one of several "Delete".
func rowAction(tr text, key string, m core.MethodView) string {
	return tr.T(key) + " " + methodLine(tr, m)
}

// rowLayout lays out a row of the page: icon, kind, detail, actions.
func rowLayout(res fyne.Resource, kind, detail fyne.CanvasObject, actions *fyne.Container) fyne.CanvasObject {
	cols := container.New(layout.NewGridLayoutWithColumns(2), kind, detail)
	// The actions column has one width on every row, so details line up.
	width := fixedWidth(210)
	right := container.New(&width, container.NewHBox(layout.NewSpacer(), actions))
	return container.NewBorder(nil, nil, sized(res, 28), right, cols)
}

// directoryRow is a number from the organization's directory: read-only,
// and said to be the directory's.
func (p *securityInfoPage) directoryRow(kind core.MethodKind, number string) fyne.CanvasObject {
	tr := p.sc.tr
	label := &widget.Label{Text: tr.Kind(kind), TextStyle: fyne.TextStyle{Bold: true}}
	detail := &widget.Label{Text: tr.F("info.fromDirectory", "Number", tr.phone(number, "")), Wrapping: fyne.TextWrapWord}
	return rowLayout(kindIcon(kind), label, detail, container.NewHBox())
}

// passRow is the person's active Temporary Access Pass: until when it
// works, whether once or more than once, and Delete.
func (p *securityInfoPage) passRow(ap core.AccessPassView) fyne.CanvasObject {
	tr := p.sc.tr
	kind := &widget.Label{Text: tr.Kind(core.KindTemporaryAccessPass), TextStyle: fyne.TextStyle{Bold: true}}
	detail := &widget.Label{Text: passDetail(tr, ap, p.sc.now()), Wrapping: fyne.TextWrapWord}
	actions := container.NewHBox(link(tr.T("info.delete"), p.onDeletePass).named(tr.T("info.delete") + " " + tr.Kind(core.KindTemporaryAccessPass)))
	return rowLayout(kindIcon(core.KindTemporaryAccessPass), kind, detail, actions)
}

// passDetail says until when a pass works and whether once or more
// than once: "One-time, works until 10:00".
func passDetail(tr text, ap core.AccessPassView, now time.Time) string {
	key := "info.passReusable"
	if ap.OneTime {
		key = "info.passOneTime"
	}
	return tr.F(key, "Until", tr.until(ap.ExpiresAt, now))
}

// methodDetail is what a row says about a method: the number in
// international format, the address, the app's name.
func methodDetail(tr text, m core.MethodView) string {
	switch {
	case m.Channel == core.ChannelPlatform:
		return tr.F("hello.on", "Computer", m.Detail)
	case m.Kind.IsPhone():
		return tr.phone(m.Detail, m.Extension)
	case m.Kind == core.KindSecurityQuestions:
		return tr.T("info.questionsDetail")
	case m.Kind == core.KindRecoveryCodes:
		return tr.F("codes.left", "Left", m.CodesLeft, "Total", m.CodesTotal)
	}
	return m.Detail
}

// methodLine is a method in one line: its kind, and its detail when that
// adds something ("Authenticator app", not "Authenticator app — Authenticator app").
func methodLine(tr text, m core.MethodView) string {
	d := methodDetail(tr, m)
	if m.Channel == core.ChannelPlatform {
		return d // "Windows Hello on LAPTOP-42"
	}
	if d == "" || strings.EqualFold(d, tr.Kind(m.Kind)) {
		return tr.Kind(m.Kind)
	}
	return tr.Kind(m.Kind) + " — " + d
}

// kindLabel is a method's kind as its row says it: Windows Hello is a
// security key bound to one computer.
func kindLabel(tr text, m core.MethodView) string {
	if m.Channel == core.ChannelPlatform {
		return tr.Kind(core.KindWindowsHello)
	}
	return tr.Kind(m.Kind)
}

// choiceLabel is a default choice in the window's language.
func choiceLabel(tr text, c core.DefaultChoice) string {
	switch c.Kind {
	case core.KindAuthenticatorApp:
		return tr.T("choice.app")
	case core.KindSecurityKey:
		if c.Platform {
			return tr.Kind(core.KindWindowsHello)
		}
		return tr.T("choice.key")
	}
	// Phones: "Phone - text (+44 20 7946 0958)".
	number := "(" + c.Destination + ")"
	how := tr.T("choice.call")
	if c.Channel == core.ChannelSMS {
		how = tr.T("choice.text")
	}
	return tr.Kind(c.Kind) + " - " + how + " " + number
}

func (p *securityInfoPage) onAdd() { newAddMethodDialog(p.sc).show() }

// changeContact opens the Change wizard of a phone or an email address.
func changeContact(sc *scope, m core.MethodView) {
	if m.Kind == core.KindEmail {
		newEmailChangeWizard(sc, m).show()
	} else {
		newPhoneChangeWizard(sc, m).show()
	}
}

func (p *securityInfoPage) onChangeDefault() { newDefaultDialog(p.sc, p.info).show() }

func (p *securityInfoPage) onDelete(m core.MethodView) {
	// Deleting the last info starts a 30-day removal: offer to put the
	// new number or address in its place, or to add another method, first.
	newDeleteDialog(p.sc, m, func() {
		if m.Kind.IsPhone() || m.Kind == core.KindEmail {
			changeContact(p.sc, m)
		} else {
			newAddMethodDialog(p.sc).show()
		}
	}).show()
}

func (p *securityInfoPage) onRename(m core.MethodView) { newRenameDialog(p.sc, m).show() }

func (p *securityInfoPage) onCancelRemoval() {
	p.setBusy(true)
	call(p.sc.run, func() (struct{}, error) {
		return struct{}{}, p.svc.CancelRemoval(p.sc.ctx, p.sc.acct.ID)
	}, func(_ struct{}, err error) {
		p.setBusy(false)
		p.sc.tr.setError(p.errLabel, err)
		p.sc.changed()
	})
}

// onDeletePass asks before the owner ends their Temporary Access Pass.
func (p *securityInfoPage) onDeletePass() {
	tr := p.sc.tr
	m := newModal(tr.T("info.passDeleteTitle"), p.sc.win)
	no := newButton(tr.T("common.no"), widget.MediumImportance, m.close, m.close)
	yes := newButton(tr.T("common.yes"), widget.DangerImportance, func() { m.close(); p.deletePass() }, m.close)
	m.step(container.NewVBox(wrapped(tr.T("info.passDeleteQuestion")),
		&widget.Label{Text: tr.T("delete.noUndo"), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}), no, yes)
	m.show(460)
	p.sc.win.Canvas().Focus(no)
}

// deletePass ends the owner's pass and shows the page without it.
func (p *securityInfoPage) deletePass() {
	p.setBusy(true)
	call(p.sc.run, func() (struct{}, error) {
		return struct{}{}, p.svc.DeleteOwnAccessPass(p.sc.ctx, p.sc.acct.ID)
	}, func(_ struct{}, err error) {
		p.setBusy(false)
		p.sc.tr.setError(p.errLabel, err)
		if err == nil {
			p.sc.changed()
		}
	})
}
