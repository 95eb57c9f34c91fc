package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// helpdeskPage is the help desk's: find the person, prove who is asking,
// then help. Nothing but the masked summary is shown or done for a person
// until they are verified, and every action asks for a ticket or reason.
type helpdeskPage struct {
	u       *UI
	root    fyne.CanvasObject
	search  *field
	results []core.AccountSummary
	list    *widget.List
	err     *widget.Label
	person  *fyne.Container
	// asked counts searches, so that the answer to an older one that
	// arrives late does not replace a newer one.
	asked int

	sel      *core.AccountSummary
	verified time.Time // until when sel is verified for this agent
}

func newHelpdeskPage(u *UI) *helpdeskPage {
	p := &helpdeskPage{u: u, err: errorLabel(), person: container.NewVBox()}
	p.search = newField(u.tr.T("helpdesk.searchPlaceholder"), nil)
	p.search.OnChanged = func(string) { p.find() }
	p.list = widget.NewList(func() int { return len(p.results) },
		func() fyne.CanvasObject {
			return container.NewVBox(&widget.Label{Text: "Uma Thurman (uma@contoso.com)", TextStyle: fyne.TextStyle{Bold: true}},
				&widget.Label{Text: "user · phone +XX XXXXXXXX58", Truncation: fyne.TextTruncateEllipsis})
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			a := p.results[id]
			rows := o.(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(a.DisplayName + " (" + a.Name + ")")
			rows[1].(*widget.Label).SetText(p.summaryLine(a))
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		a := p.results[id]
		p.choose(&a)
	}
	left := container.NewBorder(container.NewVBox(p.search, flowing(p.err)), nil, nil, nil, p.list)
	split := container.NewHSplit(left, container.NewVScroll(p.person))
	split.SetOffset(0.45)
	p.root = container.NewBorder(container.NewVBox(heading(u.tr.T("nav.helpdesk")), flowing(wrapped(u.tr.T("helpdesk.lead")))), nil, nil, nil, split)
	return p
}

func (p *helpdeskPage) title() string           { return p.u.tr.T("nav.helpdesk") }
func (p *helpdeskPage) icon() fyne.Resource     { return icon("helpdesk") }
func (p *helpdeskPage) view() fyne.CanvasObject { return p.root }
func (p *helpdeskPage) reload()                 { p.find() }

// summaryLine is a result's second line: role, masked methods, last
// sign-in, lockout, pending removal.
func (p *helpdeskPage) summaryLine(a core.AccountSummary) string {
	tr := p.u.tr
	parts := []string{tr.T("role." + string(a.Role))}
	for _, m := range a.Methods {
		parts = append(parts, tr.Kind(m.Kind)+" "+m.Detail)
	}
	if a.LastSignInAt != nil {
		parts = append(parts, tr.F("helpdesk.lastSignIn", "When", tr.dateTime(*a.LastSignInAt)))
	} else {
		parts = append(parts, tr.T("helpdesk.neverSignedIn"))
	}
	if a.Locked {
		parts = append(parts, tr.T("helpdesk.locked"))
	}
	if a.PendingRemoval {
		parts = append(parts, tr.T("helpdesk.removalPending"))
	}
	return strings.Join(parts, " · ")
}

// find searches as the agent types, off the UI goroutine.
func (p *helpdeskPage) find() {
	text := strings.TrimSpace(p.search.Text)
	p.asked++
	asked := p.asked
	if text == "" {
		p.results = nil
		p.list.Refresh()
		p.u.tr.setError(p.err, nil)
		return
	}
	call(p.u.o.Runner, func() ([]core.AccountSummary, error) {
		return p.u.svc.SearchAccounts(p.u.ctx, core.AccountSearch{Text: text, Limit: 50})
	}, func(found []core.AccountSummary, err error) {
		if asked != p.asked {
			return // a newer search is under way
		}
		p.u.tr.setError(p.err, err)
		p.results = found
		p.list.UnselectAll()
		p.list.Refresh()
	})
}

// choose shows a person: the masked summary, the identity check, and the
// actions, which wait for the check.
func (p *helpdeskPage) choose(a *core.AccountSummary) {
	tr := p.u.tr
	p.sel, p.verified = a, time.Time{}
	status := &widget.Label{Text: tr.T("helpdesk.notVerified"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	errL := errorLabel()
	reason := newField(tr.T("helpdesk.reasonPlaceholder"), nil)
	var actions []*widget.Button
	enable := func() {
		for _, b := range actions {
			if p.verified.IsZero() {
				b.Disable()
			} else {
				b.Enable()
			}
		}
	}

	// Proving who is asking: a method, then the code they read out.
	var options []string
	byLabel := map[string]core.MaskedMethod{}
	for _, m := range a.Methods {
		if m.Kind.IsPhone() || m.Kind == core.KindEmail || m.Kind == core.KindAuthenticatorApp {
			l := tr.Kind(m.Kind) + " " + m.Detail
			options = append(options, l)
			byLabel[l] = m
		}
	}
	method := widget.NewSelect(options, nil)
	code := newField(tr.T("code.placeholder"), nil)
	var verification string
	check := &widget.Button{Text: tr.T("helpdesk.check"), Importance: widget.HighImportance}
	check.Disable()
	start := widget.NewButton(tr.T("helpdesk.sendCode"), nil)
	start.Disable()
	method.OnChanged = func(l string) {
		start.Enable()
		if byLabel[l].Kind == core.KindAuthenticatorApp {
			start.SetText(tr.T("helpdesk.askApp"))
		} else {
			start.SetText(tr.T("helpdesk.sendCode"))
		}
	}
	start.OnTapped = func() {
		m := byLabel[method.Selected]
		start.Disable()
		call(p.u.o.Runner, func() (*core.Challenge, error) {
			return p.u.svc.BeginIdentityCheck(p.u.ctx, a.ID, m.ID)
		}, func(ch *core.Challenge, err error) {
			start.Enable()
			tr.setError(errL, err)
			if err != nil {
				return
			}
			verification = ch.VerificationID
			if ch.Channel == core.ChannelApp {
				status.SetText(tr.T("helpdesk.readApp"))
			} else {
				status.SetText(tr.F("helpdesk.codeSent", "To", ch.Destination))
			}
			check.Enable()
			p.u.win.Canvas().Focus(code)
		})
	}
	finish := func() {
		if verification == "" || strings.TrimSpace(code.Text) == "" {
			return
		}
		check.Disable()
		call(p.u.o.Runner, func() (*core.IdentityProof, error) {
			return p.u.svc.FinishIdentityCheck(p.u.ctx, a.ID, verification, code.Text)
		}, func(proof *core.IdentityProof, err error) {
			check.Enable()
			code.SetText("")
			tr.setError(errL, err)
			if err != nil {
				return
			}
			p.verified = proof.VerifiedUntil
			status.Importance = widget.SuccessImportance
			status.SetText(tr.F("helpdesk.verifiedUntil", "How", tr.Kind(core.MethodKind(proof.How)), "Until", clockOf(proof.VerifiedUntil)))
			enable()
		})
	}
	check.OnTapped = finish
	code.OnSubmitted = func(string) { finish() }

	// Helping, each with a reason.
	act := func(label string, danger bool, do func(reason string) error, done string) *widget.Button {
		b := &widget.Button{Text: label}
		if danger {
			b.Importance = widget.DangerImportance
		}
		b.OnTapped = func() {
			r := reason.Text
			call(p.u.o.Runner, func() (struct{}, error) { return struct{}{}, do(r) }, func(_ struct{}, err error) {
				tr.setError(errL, err)
				if err == nil {
					status.SetText(done)
					p.find()
				}
			})
		}
		actions = append(actions, b)
		return b
	}
	pass := &widget.Button{Text: tr.T("helpdesk.createPass"), Importance: widget.HighImportance}
	pass.OnTapped = func() {
		r := reason.Text
		call(p.u.o.Runner, func() (*core.NewAccessPass, error) {
			return p.u.svc.CreateAccessPass(p.u.ctx, a.ID, core.AccessPassRequest{Reason: r})
		}, func(np *core.NewAccessPass, err error) {
			tr.setError(errL, err)
			if err == nil {
				p.showPass(a, np)
			}
		})
	}
	actions = append(actions, pass)
	unlock := act(tr.T("helpdesk.unlock"), false, func(r string) error { return p.u.svc.UnlockAccount(p.u.ctx, a.ID, r) }, tr.T("helpdesk.unlocked"))
	revoke := act(tr.T("helpdesk.signOutEverywhere"), true, func(r string) error { return p.u.svc.RevokeSessions(p.u.ctx, a.ID, r) }, tr.T("helpdesk.signedOut"))
	enable()

	p.person.RemoveAll()
	p.person.Add(subheading(a.DisplayName))
	p.person.Add(&widget.Label{Text: a.Name + " · " + p.summaryLine(*a), Wrapping: fyne.TextWrapWord})
	p.person.Add(widget.NewCard(tr.T("helpdesk.verifyTitle"), tr.T("helpdesk.verifyLead"),
		container.NewVBox(container.NewBorder(nil, nil, nil, start, method), container.NewBorder(nil, nil, nil, check, code), status)))
	p.person.Add(widget.NewCard(tr.T("helpdesk.helpTitle"), tr.T("helpdesk.helpLead"),
		container.NewVBox(reason, container.NewGridWithColumns(3, pass, unlock, revoke), errL)))
	if len(options) == 0 {
		status.SetText(tr.T("helpdesk.noMethod"))
	}
}

// showPass shows a new pass once, large, to read out or copy.
func (p *helpdeskPage) showPass(a *core.AccountSummary, np *core.NewAccessPass) {
	tr := p.u.tr
	big := canvas.NewText(np.Pass, theme.Color(theme.ColorNameForeground))
	big.TextSize = 32
	big.TextStyle = fyne.TextStyle{Monospace: true}
	big.Alignment = fyne.TextAlignCenter
	kind := tr.T("helpdesk.reusable")
	if np.OneTime {
		kind = tr.T("helpdesk.oneTime")
	}
	bg := canvas.NewRectangle(color.Transparent)
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = theme.Color(theme.ColorNamePrimary), 2, 6
	copyB := widget.NewButtonWithIcon(tr.T("helpdesk.copy"), theme.ContentCopyIcon(), func() {
		p.u.app.Clipboard().SetContent(np.Pass)
	})
	body := container.NewVBox(wrapped(tr.F("helpdesk.passFor", "Name", a.Name)),
		container.NewStack(bg, container.NewPadded(big)),
		wrapped(tr.F("helpdesk.passValid", "Kind", kind, "Until", tr.dateTime(np.ExpiresAt))),
		&widget.Label{Text: tr.T("helpdesk.passOnce"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord},
		container.NewHBox(copyB))
	d := dialog.NewCustom(tr.T("helpdesk.passTitle"), tr.T("common.done"), body, p.u.win)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

// clockOf is a time of day in the local zone.
func clockOf(t time.Time) string { return t.Local().Format("15:04") }
