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
	// summary is the chosen person's summary line, kept current by
	// every search that finds them again.
	summary *widget.Label
	// asked counts searches, so that the answer to an older one that
	// arrives late does not replace a newer one.
	asked int

	sel      *core.AccountSummary
	verified time.Time // until when sel is verified for this agent
	// stopWait stops asking whether a request was approved.
	stopWait func()
	// approvals lists the requests this agent may approve.
	approvals *fyne.Container
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
	p.approvals = container.NewVBox()
	p.root = container.NewBorder(container.NewVBox(heading(u.tr.T("nav.helpdesk")), flowing(wrapped(u.tr.T("helpdesk.lead"))), p.approvals), nil, nil, nil, split)
	return p
}

// loadApprovals lists the other agents' requests this agent may approve,
// each with Approve; nothing when there are none.
func (p *helpdeskPage) loadApprovals() {
	tr := p.u.tr
	call(p.u.o.Runner, func() ([]core.Approval, error) {
		return p.u.svc.PendingApprovals(p.u.ctx)
	}, func(list []core.Approval, err error) {
		p.approvals.RemoveAll()
		if err != nil || len(list) == 0 {
			return // not staff with two steps, or nothing to approve
		}
		rows := container.NewVBox()
		errL := errorLabel()
		for _, ap := range list {
			key := "helpdesk.approvalInPerson"
			if ap.Kind == core.ApprovalAdmin {
				key = "helpdesk.approvalAdmin"
			}
			approve := &widget.Button{Text: tr.T("helpdesk.approve"), Importance: widget.HighImportance}
			approve.OnTapped = func() {
				approve.Disable()
				call(p.u.o.Runner, func() (*core.Approval, error) { return p.u.svc.Approve(p.u.ctx, ap.ID) }, func(_ *core.Approval, err error) {
					tr.setError(errL, err)
					if err == nil {
						approve.SetText(tr.T("helpdesk.approved"))
					}
				})
			}
			rows.Add(container.NewBorder(nil, nil, nil, approve,
				wrapped(tr.F(key, "Requester", ap.RequesterName, "Account", ap.AccountName, "Reason", ap.Reason)+" ("+clockOf(ap.ExpiresAt)+")")))
		}
		refresh := widget.NewButtonWithIcon(tr.T("helpdesk.refresh"), theme.ViewRefreshIcon(), p.loadApprovals)
		rows.Add(container.NewHBox(refresh))
		rows.Add(errL)
		p.approvals.Add(widget.NewCard(tr.T("helpdesk.approvalsTitle"), "", rows))
	})
}

func (p *helpdeskPage) title() string           { return p.u.tr.T("nav.helpdesk") }
func (p *helpdeskPage) icon() fyne.Resource     { return icon("helpdesk") }
func (p *helpdeskPage) view() fyne.CanvasObject { return p.root }
func (p *helpdeskPage) reload()                 { p.find(); p.loadApprovals() }

// summaryLine is a result's second line: role, masked methods, an
// active Temporary Access Pass, last sign-in, lockout, pending removal.
func (p *helpdeskPage) summaryLine(a core.AccountSummary) string {
	tr := p.u.tr
	parts := []string{tr.T("role." + string(a.Role))}
	for _, m := range a.Methods {
		parts = append(parts, tr.Kind(m.Kind)+" "+m.Detail)
	}
	if ap := a.AccessPass; ap != nil {
		key := "helpdesk.summaryPassReusable"
		if ap.OneTime {
			key = "helpdesk.summaryPassOneTime"
		}
		parts = append(parts, tr.F(key, "Until", tr.until(ap.ExpiresAt, p.u.o.Now())))
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
		for _, a := range found {
			if p.sel != nil && p.summary != nil && a.ID == p.sel.ID {
				p.summary.SetText(a.Name + " · " + p.summaryLine(a))
			}
		}
	})
}

// choose shows a person: the masked summary, the identity check, and the
// actions, which wait for the check.
func (p *helpdeskPage) choose(a *core.AccountSummary) {
	tr := p.u.tr
	if p.stopWait != nil {
		p.stopWait()
		p.stopWait = nil
	}
	p.sel, p.verified = a, time.Time{}
	status := &widget.Label{Text: tr.T("helpdesk.notVerified"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	errL := errorLabel()
	reason := newField(tr.T("helpdesk.reasonPlaceholder"), nil)
	var actions []fyne.Disableable
	enable := func() {
		for _, b := range actions {
			if p.verified.IsZero() {
				b.Disable()
			} else {
				b.Enable()
			}
		}
	}
	verifiedNow := func(until time.Time, text string) {
		p.verified = until
		status.Importance = widget.SuccessImportance
		status.SetText(text)
		enable()
	}

	// Proving who is asking: a method, then the code they read out.
	var options []string
	byLabel := map[string]core.MaskedMethod{}
	for _, m := range a.Methods {
		if m.ProvesIdentity {
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
			if err == nil {
				verifiedNow(proof.VerifiedUntil, tr.F("helpdesk.verifiedUntil", "How", tr.Kind(core.MethodKind(proof.How)), "Until", clockOf(proof.VerifiedUntil)))
			}
		})
	}
	check.OnTapped = finish
	code.OnSubmitted = func(string) { finish() }

	// What one agent may not do alone: a second agent approves it.
	ask := func(kind core.ApprovalKind) func() {
		return func() {
			r := reason.Text
			call(p.u.o.Runner, func() (*core.Approval, error) {
				return p.u.svc.RequestApproval(p.u.ctx, a.ID, core.ApprovalRequest{Kind: kind, Reason: r})
			}, func(ap *core.Approval, err error) {
				tr.setError(errL, err)
				if err != nil {
					return
				}
				status.Importance = widget.WarningImportance
				status.SetText(tr.F("helpdesk.waiting", "Until", clockOf(ap.ExpiresAt)))
				p.waitFor(a, ap, func(st *core.Approval) {
					switch {
					case st == nil:
						status.SetText(tr.T("helpdesk.lapsed"))
					case st.Kind == core.ApprovalInPerson:
						verifiedNow(st.ExpiresAt, tr.F("helpdesk.verifiedInPerson", "By", st.ApproverName, "Until", clockOf(st.ExpiresAt)))
					default:
						status.Importance = widget.SuccessImportance
						status.SetText(tr.F("helpdesk.approvedAdmin", "By", st.ApproverName, "Until", clockOf(st.ExpiresAt)))
					}
				})
			})
		}
	}
	inPerson := &widget.Button{Text: tr.T("helpdesk.inPerson"), Importance: widget.LowImportance, OnTapped: ask(core.ApprovalInPerson)}

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
				kind := tr.T("helpdesk.reusable")
				if np.OneTime {
					kind = tr.T("helpdesk.oneTime")
				}
				p.showSecret(tr.T("helpdesk.passTitle"), tr.F("helpdesk.passFor", "Name", a.Name), np.Pass,
					tr.F("helpdesk.passValid", "Kind", kind, "Until", tr.dateTime(np.ExpiresAt)))
				p.find() // the summary shows the new pass
			}
		})
	}
	actions = append(actions, pass)
	resetPassword := func() {
		r := reason.Text
		call(p.u.o.Runner, func() (*core.TemporaryPassword, error) {
			return p.u.svc.ResetPasswordForPerson(p.u.ctx, a.ID, r)
		}, func(tmp *core.TemporaryPassword, err error) {
			tr.setError(errL, err)
			if err == nil {
				p.showSecret(tr.T("helpdesk.tempTitle"), tr.F("helpdesk.tempFor", "Name", a.Name), tmp.Password, tr.T("helpdesk.tempMustChange"))
				p.find()
			}
		})
	}
	resetPw := &widget.Button{Text: tr.T("helpdesk.resetPassword"), OnTapped: func() { p.confirm("helpdesk.resetPassword", "helpdesk.resetPasswordConfirm", a, resetPassword) }}
	actions = append(actions, resetPw)
	unlock := act(tr.T("helpdesk.unlock"), false, func(r string) error { return p.u.svc.UnlockAccount(p.u.ctx, a.ID, r) }, tr.T("helpdesk.unlocked"))
	revoke := act(tr.T("helpdesk.signOutEverywhere"), true, func(r string) error { return p.u.svc.RevokeSessions(p.u.ctx, a.ID, r) }, tr.T("helpdesk.signedOut"))
	reregister := act(tr.T("helpdesk.reregister"), true, func(r string) error { return p.u.svc.RequireReregistration(p.u.ctx, a.ID, r) }, tr.T("helpdesk.reregistered"))
	reregisterTap := reregister.OnTapped
	reregister.OnTapped = func() {
		p.confirm("helpdesk.reregister", "helpdesk.reregisterConfirm", a, reregisterTap)
	}
	walkup := &widget.Button{Text: tr.T("helpdesk.walkup"), Icon: theme.AccountIcon()}
	walkup.OnTapped = func() { p.walkUp(a, reason.Text, errL) }
	actions = append(actions, walkup)

	// Deleting one method (a lost phone), with the owner's preview.
	var mOptions []string
	mByLabel := map[string]core.MaskedMethod{}
	for _, m := range a.Methods {
		l := tr.Kind(m.Kind) + " " + m.Detail
		mOptions = append(mOptions, l)
		mByLabel[l] = m
	}
	which := widget.NewSelect(mOptions, nil)
	which.PlaceHolder = tr.T("helpdesk.deleteWhich")
	del := &widget.Button{Text: tr.T("helpdesk.deleteMethod"), Icon: theme.DeleteIcon(), Importance: widget.DangerImportance}
	del.OnTapped = func() {
		m, ok := mByLabel[which.Selected]
		if !ok {
			return
		}
		p.deleteMethod(a, m, which.Selected, reason.Text, status)
	}
	actions = append(actions, which, del)
	enable()

	verifyBox := container.NewVBox(container.NewBorder(nil, nil, nil, start, method), container.NewBorder(nil, nil, nil, check, code), status)
	if a.Role == core.RoleAdmin {
		verifyBox.Add(&widget.Label{Text: tr.F("helpdesk.adminLead", "Name", a.Name), Wrapping: fyne.TextWrapWord})
		verifyBox.Add(container.NewHBox(&widget.Button{Text: tr.T("helpdesk.askAdmin"), OnTapped: ask(core.ApprovalAdmin)}))
	}
	verifyBox.Add(container.NewHBox(inPerson))

	p.person.RemoveAll()
	p.person.Add(subheading(a.DisplayName))
	p.summary = &widget.Label{Text: a.Name + " · " + p.summaryLine(*a), Wrapping: fyne.TextWrapWord}
	p.person.Add(p.summary)
	p.person.Add(widget.NewForm(widget.NewFormItem(tr.T("helpdesk.ticket"), reason)))
	p.person.Add(widget.NewCard(tr.T("helpdesk.verifyTitle"), tr.T("helpdesk.verifyLead"), verifyBox))
	p.person.Add(widget.NewCard(tr.T("helpdesk.helpTitle"), tr.T("helpdesk.helpLead"),
		container.NewVBox(container.NewGridWithColumns(3, pass, resetPw, unlock, revoke, reregister, walkup),
			container.NewBorder(nil, nil, nil, del, which), errL)))
	if len(options) == 0 {
		status.SetText(tr.T("helpdesk.noMethod"))
	}
}

// waitFor asks every few seconds whether ap was approved, until it is
// (then done(approval)), it lapses (done(nil)), or another person is
// chosen.
func (p *helpdeskPage) waitFor(a *core.AccountSummary, ap *core.Approval, done func(*core.Approval)) {
	if p.stopWait != nil {
		p.stopWait()
	}
	var stop func()
	busy := false
	stop = p.u.o.Tick(3*time.Second, func() {
		if p.sel != a {
			stop()
			return
		}
		if busy {
			return
		}
		busy = true
		call(p.u.o.Runner, func() (*core.Approval, error) {
			return p.u.svc.ApprovalStatus(p.u.ctx, ap.ID)
		}, func(st *core.Approval, err error) {
			busy = false
			if err != nil {
				stop() // signed out, or the request is gone: stop asking
				return
			}
			if p.sel != a {
				return
			}
			if !st.ApprovedAt.IsZero() {
				stop()
				done(st)
			} else if !p.u.o.Now().Before(st.ExpiresAt) {
				stop()
				done(nil)
			}
		})
	})
	p.stopWait = stop
}

// deleteMethod shows the owner's delete dialog, with its preview, for
// one of the person's methods, and deletes it through the desk's call.
func (p *helpdeskPage) deleteMethod(a *core.AccountSummary, m core.MaskedMethod, label, reason string, status *widget.Label) {
	tr := p.u.tr
	d := &deleteDialog{u: p.u, m: newModal(tr.T("delete.title"), p.u.win), accountID: a.ID, methodID: m.ID, label: label, err: errorLabel()}
	d.del = func() (*core.DeletePreview, error) { return p.u.svc.DeleteMethodForPerson(p.u.ctx, a.ID, m.ID, reason) }
	d.done = func(pv *core.DeletePreview) {
		if pv.Scheduled {
			status.SetText(tr.F("helpdesk.deleteScheduled", "Method", label, "Date", tr.date(pv.EffectiveAt)))
		} else {
			status.SetText(tr.F("helpdesk.deleted", "Method", label))
		}
		p.find()
	}
	d.show()
}

// confirm asks before an action that cannot be undone (re-registration
// removing phones and apps, a reset replacing the password), naming the
// person and what follows; No has the focus.
func (p *helpdeskPage) confirm(titleKey, questionKey string, a *core.AccountSummary, yes func()) {
	tr := p.u.tr
	m := newModal(tr.T(titleKey), p.u.win)
	no := newButton(tr.T("common.no"), widget.MediumImportance, m.close, m.close)
	ok := newButton(tr.T("common.yes"), widget.DangerImportance, func() { m.close(); yes() }, m.close)
	m.step(wrapped(tr.F(questionKey, "Name", a.Name)), no, ok)
	m.show(460)
	p.u.win.Canvas().Focus(no)
}

// showSecret shows a pass or a temporary password once, large, to read
// out or copy.
func (p *helpdeskPage) showSecret(title, lead, secret, valid string) {
	tr := p.u.tr
	big := canvas.NewText(secret, theme.Color(theme.ColorNameForeground))
	big.TextSize = 32
	big.TextStyle = fyne.TextStyle{Monospace: true}
	big.Alignment = fyne.TextAlignCenter
	bg := canvas.NewRectangle(color.Transparent)
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = theme.Color(theme.ColorNamePrimary), 2, 6
	copyB := widget.NewButtonWithIcon(tr.T("helpdesk.copy"), theme.ContentCopyIcon(), func() {
		p.u.app.Clipboard().SetContent(secret)
	})
	body := container.NewVBox(wrapped(lead),
		container.NewStack(bg, container.NewPadded(big)),
		wrapped(valid),
		&widget.Label{Text: tr.T("helpdesk.passOnce"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord},
		container.NewHBox(copyB))
	d := dialog.NewCustom(title, tr.T("common.done"), body, p.u.win)
	d.Resize(fyne.NewSize(560, 340))
	d.Show()
}

// clockOf is a time of day in the local zone.
func clockOf(t time.Time) string { return t.Local().Format("15:04") }
