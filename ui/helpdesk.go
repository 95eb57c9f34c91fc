package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// helpdeskPage is the help desk's: find the person, prove who is asking,
// then help. Nothing but the masked summary is shown or done for a person
// until they are verified, and every action asks for a ticket or reason.
type helpdeskPage struct {
	sc *scope
	// startWalkUp hands the window to a walk-up person (UI.startWalkUp).
	startWalkUp func(step *core.SignInStep, done func(idle bool))
	root        fyne.CanvasObject
	search      *field
	results     []core.AccountSummary
	list        *widget.List
	err         *widget.Label
	person      *fyne.Container
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

func newHelpdeskPage(sc *scope, startWalkUp func(step *core.SignInStep, done func(idle bool))) *helpdeskPage {
	p := &helpdeskPage{sc: sc, startWalkUp: startWalkUp, err: errorLabel(), person: container.NewVBox()}
	p.search = newField(sc.tr.T("helpdesk.searchPlaceholder"), nil)
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
	p.root = container.NewBorder(container.NewVBox(heading(sc.tr.T("nav.helpdesk")), flowing(wrapped(sc.tr.T("helpdesk.lead"))), p.approvals), nil, nil, nil, split)
	return p
}

// loadApprovals lists the other agents' requests this agent may approve,
// each with Approve; nothing when there are none.
func (p *helpdeskPage) loadApprovals() {
	tr := p.sc.tr
	call(p.sc.run, func() ([]core.Approval, error) {
		return p.sc.svc.PendingApprovals(p.sc.ctx)
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
			approve := newButton(tr.T("helpdesk.approve"), widget.HighImportance, nil, nil)
			approve.OnTapped = func() {
				approve.Disable()
				call(p.sc.run, func() (*core.Approval, error) { return p.sc.svc.Approve(p.sc.ctx, ap.ID) }, func(_ *core.Approval, err error) {
					tr.setError(errL, err)
					if err == nil {
						approve.SetText(tr.T("helpdesk.approved"))
					}
				})
			}
			rows.Add(container.NewBorder(nil, nil, nil, approve,
				wrapped(tr.F(key, "Requester", ap.RequesterName, "Account", ap.AccountName, "Reason", ap.Reason)+" ("+clockOf(ap.ExpiresAt)+")")))
		}
		refresh := newButton(tr.T("helpdesk.refresh"), widget.MediumImportance, p.loadApprovals, nil).withIcon(theme.ViewRefreshIcon())
		rows.Add(container.NewHBox(refresh))
		rows.Add(errL)
		p.approvals.Add(widget.NewCard(tr.T("helpdesk.approvalsTitle"), "", rows))
	})
}

func (p *helpdeskPage) title() string           { return p.sc.tr.T("nav.helpdesk") }
func (p *helpdeskPage) icon() fyne.Resource     { return icon("helpdesk") }
func (p *helpdeskPage) view() fyne.CanvasObject { return p.root }
func (p *helpdeskPage) reload()                 { p.find(); p.loadApprovals() }

// summaryLine is a result's second line: role, masked methods, an
// active Temporary Access Pass, last sign-in, lockout, pending removal.
func (p *helpdeskPage) summaryLine(a core.AccountSummary) string {
	tr := p.sc.tr
	parts := []string{tr.T("role." + string(a.Role))}
	for _, m := range a.Methods {
		if m.Detail == "" || strings.EqualFold(m.Detail, tr.Kind(m.Kind)) {
			parts = append(parts, tr.Kind(m.Kind))
		} else {
			parts = append(parts, tr.Kind(m.Kind)+" "+m.Detail)
		}
	}
	if ap := a.AccessPass; ap != nil {
		key := "helpdesk.summaryPassReusable"
		if ap.OneTime {
			key = "helpdesk.summaryPassOneTime"
		}
		parts = append(parts, tr.F(key, "Until", tr.until(ap.ExpiresAt, p.sc.now())))
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
		p.sc.tr.setError(p.err, nil)
		return
	}
	call(p.sc.run, func() ([]core.AccountSummary, error) {
		return p.sc.svc.SearchAccounts(p.sc.ctx, core.AccountSearch{Text: text, Limit: 50})
	}, func(found []core.AccountSummary, err error) {
		if asked != p.asked {
			return // a newer search is under way
		}
		p.sc.tr.setError(p.err, err)
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
	if p.stopWait != nil {
		p.stopWait()
		p.stopWait = nil
	}
	p.sel, p.verified = a, time.Time{}
	v := newPersonView(p, a)
	p.person.RemoveAll()
	p.person.Add(subheading(a.DisplayName))
	p.summary = &widget.Label{Text: a.Name + " · " + p.summaryLine(*a), Wrapping: fyne.TextWrapWord}
	p.person.Add(p.summary)
	for _, o := range v.view() {
		p.person.Add(o)
	}
}

// personView is the help desk's view of one person: the identity check
// (a method, then the code the person reads out, or a second agent's
// approval), and the actions, each with the ticket or reason, enabled
// only while the person is verified for this agent.
type personView struct {
	p      *helpdeskPage
	a      *core.AccountSummary
	tr     text
	status *widget.Label
	errL   *widget.Label
	reason *field
	// actions wait for the identity check.
	actions []fyne.Disableable

	// The identity check.
	method       *selectBox
	byLabel      map[string]core.MaskedMethod
	code         *field
	start, check *button
	verification string

	// The actions.
	pass, resetPw, unlock, revoke, reregister, walkup, del *button
	which                                                  *selectBox
	whichByLabel                                           map[string]core.MaskedMethod
}

func newPersonView(p *helpdeskPage, a *core.AccountSummary) *personView {
	tr := p.sc.tr
	v := &personView{p: p, a: a, tr: tr, errL: errorLabel(), reason: newField(tr.T("helpdesk.reasonPlaceholder"), nil),
		status: &widget.Label{Text: tr.T("helpdesk.notVerified"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}}
	v.buildCheck()
	v.buildActions()
	v.enable()
	return v
}

// buildCheck makes the identity check's widgets: the methods that can
// prove identity (the core says which), the code, Send and Check.
func (v *personView) buildCheck() {
	var options []string
	v.byLabel = map[string]core.MaskedMethod{}
	for _, m := range v.a.Methods {
		if m.ProvesIdentity {
			l := v.tr.Kind(m.Kind) + " " + m.Detail
			options = append(options, l)
			v.byLabel[l] = m
		}
	}
	v.method = newSelect(options, v.onMethod, nil, nil)
	v.code = newField(v.tr.T("code.placeholder"), nil)
	v.code.OnSubmitted = func(string) { v.onCheck() }
	v.check = newButton(v.tr.T("helpdesk.check"), widget.HighImportance, v.onCheck, nil)
	v.check.Disable()
	v.start = newButton(v.tr.T("helpdesk.sendCode"), widget.MediumImportance, v.onStart, nil)
	v.start.Disable()
	if len(options) == 0 {
		v.status.SetText(v.tr.T("helpdesk.noMethod"))
	}
}

// buildActions makes the actions' buttons.
func (v *personView) buildActions() {
	tr := v.tr
	v.pass = v.action(newButton(tr.T("helpdesk.createPass"), widget.HighImportance, v.onCreatePass, nil))
	v.resetPw = v.action(newButton(tr.T("helpdesk.resetPassword"), widget.MediumImportance, func() {
		v.p.confirm("helpdesk.resetPassword", "helpdesk.resetPasswordConfirm", v.a, v.onResetPassword)
	}, nil))
	a, svc, ctx := v.a, v.p.sc.svc, v.p.sc.ctx
	v.unlock = v.simple(tr.T("helpdesk.unlock"), false, func(r string) error { return svc.UnlockAccount(ctx, a.ID, r) }, tr.T("helpdesk.unlocked"))
	v.revoke = v.simple(tr.T("helpdesk.signOutEverywhere"), true, func(r string) error { return svc.RevokeSessions(ctx, a.ID, r) }, tr.T("helpdesk.signedOut"))
	v.reregister = v.simple(tr.T("helpdesk.reregister"), true, func(r string) error { return svc.RequireReregistration(ctx, a.ID, r) }, tr.T("helpdesk.reregistered"))
	reregister := v.reregister.OnTapped
	v.reregister.OnTapped = func() { v.p.confirm("helpdesk.reregister", "helpdesk.reregisterConfirm", a, reregister) }
	v.walkup = v.action(newButton(tr.T("helpdesk.walkup"), widget.MediumImportance, func() { v.p.walkUp(a, v.reason.Text, v.errL) }, nil).withIcon(theme.AccountIcon()))

	// Deleting one method (a lost phone), with the owner's preview.
	var options []string
	v.whichByLabel = map[string]core.MaskedMethod{}
	for _, m := range a.Methods {
		l := tr.Kind(m.Kind) + " " + m.Detail
		options = append(options, l)
		v.whichByLabel[l] = m
	}
	v.which = newSelect(options, nil, nil, nil)
	v.which.PlaceHolder = tr.T("helpdesk.deleteWhich")
	v.actions = append(v.actions, v.which)
	v.del = v.action(newButton(tr.T("helpdesk.deleteMethod"), widget.DangerImportance, v.onDelete, nil).withIcon(theme.DeleteIcon()))
}

// view is the person's check and actions, below their name and summary.
func (v *personView) view() []fyne.CanvasObject {
	tr := v.tr
	verifyBox := container.NewVBox(container.NewBorder(nil, nil, nil, v.start, v.method), container.NewBorder(nil, nil, nil, v.check, v.code), v.status)
	if v.a.Role == core.RoleAdmin {
		verifyBox.Add(&widget.Label{Text: tr.F("helpdesk.adminLead", "Name", v.a.Name), Wrapping: fyne.TextWrapWord})
		verifyBox.Add(container.NewHBox(newButton(tr.T("helpdesk.askAdmin"), widget.MediumImportance, v.ask(core.ApprovalAdmin), nil)))
	}
	verifyBox.Add(container.NewHBox(newButton(tr.T("helpdesk.inPerson"), widget.LowImportance, v.ask(core.ApprovalInPerson), nil)))
	return []fyne.CanvasObject{
		widget.NewForm(widget.NewFormItem(tr.T("helpdesk.ticket"), v.reason)),
		widget.NewCard(tr.T("helpdesk.verifyTitle"), tr.T("helpdesk.verifyLead"), verifyBox),
		widget.NewCard(tr.T("helpdesk.helpTitle"), tr.T("helpdesk.helpLead"),
			container.NewVBox(container.NewGridWithColumns(3, v.pass, v.resetPw, v.unlock, v.revoke, v.reregister, v.walkup),
				container.NewBorder(nil, nil, nil, v.del, v.which), v.errL)),
	}
}

// action adds b to the actions that wait for the identity check.
func (v *personView) action(b *button) *button {
	v.actions = append(v.actions, b)
	return b
}

// enable enables the actions while the person is verified.
func (v *personView) enable() {
	for _, b := range v.actions {
		if v.p.verified.IsZero() {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// verifiedNow records that the person is verified until then and says so.
func (v *personView) verifiedNow(until time.Time, text string) {
	v.p.verified = until
	v.status.Importance = widget.SuccessImportance
	v.status.SetText(text)
	v.enable()
}

func (v *personView) onMethod(l string) {
	v.start.Enable()
	if v.byLabel[l].Kind == core.KindAuthenticatorApp {
		v.start.SetText(v.tr.T("helpdesk.askApp"))
	} else {
		v.start.SetText(v.tr.T("helpdesk.sendCode"))
	}
}

// onStart begins the identity check with the chosen method.
func (v *personView) onStart() {
	m := v.byLabel[v.method.Selected]
	v.start.Disable()
	u := v.p.sc
	call(u.run, func() (*core.Challenge, error) {
		return u.svc.BeginIdentityCheck(u.ctx, v.a.ID, m.ID)
	}, func(ch *core.Challenge, err error) {
		v.start.Enable()
		v.tr.setError(v.errL, err)
		if err != nil {
			return
		}
		v.verification = ch.VerificationID
		if ch.Channel == core.ChannelApp {
			v.status.SetText(v.tr.T("helpdesk.readApp"))
		} else {
			v.status.SetText(v.tr.F("helpdesk.codeSent", "To", ch.Destination))
		}
		v.check.Enable()
		u.win.Canvas().Focus(v.code)
	})
}

// onCheck checks the code the person read out.
func (v *personView) onCheck() {
	if v.verification == "" || strings.TrimSpace(v.code.Text) == "" {
		return
	}
	v.check.Disable()
	u, code := v.p.sc, v.code.Text
	call(u.run, func() (*core.IdentityProof, error) {
		return u.svc.FinishIdentityCheck(u.ctx, v.a.ID, v.verification, code)
	}, func(proof *core.IdentityProof, err error) {
		v.check.Enable()
		v.code.SetText("")
		v.tr.setError(v.errL, err)
		if err == nil {
			v.verifiedNow(proof.VerifiedUntil, v.tr.F("helpdesk.verifiedUntil", "How", v.tr.Kind(core.MethodKind(proof.How)), "Until", clockOf(proof.VerifiedUntil)))
		}
	})
}

// ask requests what one agent may not do alone, for a second agent to
// approve, and waits for the answer.
func (v *personView) ask(kind core.ApprovalKind) func() {
	return func() {
		u, r := v.p.sc, v.reason.Text
		call(u.run, func() (*core.Approval, error) {
			return u.svc.RequestApproval(u.ctx, v.a.ID, core.ApprovalRequest{Kind: kind, Reason: r})
		}, func(ap *core.Approval, err error) {
			v.tr.setError(v.errL, err)
			if err != nil {
				return
			}
			v.status.Importance = widget.WarningImportance
			v.status.SetText(v.tr.F("helpdesk.waiting", "Until", clockOf(ap.ExpiresAt)))
			v.p.waitFor(v.a, ap, v.approved)
		})
	}
}

// approved shows the answer to a request (nil: it lapsed).
func (v *personView) approved(st *core.Approval) {
	switch {
	case st == nil:
		v.status.SetText(v.tr.T("helpdesk.lapsed"))
	case st.Kind == core.ApprovalInPerson:
		v.verifiedNow(st.ExpiresAt, v.tr.F("helpdesk.verifiedInPerson", "By", st.ApproverName, "Until", clockOf(st.ExpiresAt)))
	default:
		v.status.Importance = widget.SuccessImportance
		v.status.SetText(v.tr.F("helpdesk.approvedAdmin", "By", st.ApproverName, "Until", clockOf(st.ExpiresAt)))
	}
}

// simple is an action that needs only the reason and says done when it
// worked.
func (v *personView) simple(label string, danger bool, do func(reason string) error, done string) *button {
	b := newButton(label, widget.MediumImportance, nil, nil)
	if danger {
		b.Importance = widget.DangerImportance
	}
	b.OnTapped = func() {
		r := v.reason.Text
		call(v.p.sc.run, func() (struct{}, error) { return struct{}{}, do(r) }, func(_ struct{}, err error) {
			v.tr.setError(v.errL, err)
			if err == nil {
				v.status.SetText(done)
				v.p.find()
			}
		})
	}
	return v.action(b)
}

// onCreatePass creates the person's Temporary Access Pass and shows it once.
func (v *personView) onCreatePass() {
	u, r := v.p.sc, v.reason.Text
	call(u.run, func() (*core.NewAccessPass, error) {
		return u.svc.CreateAccessPass(u.ctx, v.a.ID, core.AccessPassRequest{Reason: r})
	}, func(np *core.NewAccessPass, err error) {
		v.tr.setError(v.errL, err)
		if err != nil {
			return
		}
		kind := v.tr.T("helpdesk.reusable")
		if np.OneTime {
			kind = v.tr.T("helpdesk.oneTime")
		}
		v.p.showSecret(v.tr.T("helpdesk.passTitle"), v.tr.F("helpdesk.passFor", "Name", v.a.Name), np.Pass,
			v.tr.F("helpdesk.passValid", "Kind", kind, "Until", v.tr.dateTime(np.ExpiresAt)))
		v.p.find() // the summary shows the new pass
	})
}

// onResetPassword resets the person's password (asked first) and shows
// the temporary one once.
func (v *personView) onResetPassword() {
	u, r := v.p.sc, v.reason.Text
	call(u.run, func() (*core.TemporaryPassword, error) {
		return u.svc.ResetPasswordForPerson(u.ctx, v.a.ID, r)
	}, func(tmp *core.TemporaryPassword, err error) {
		v.tr.setError(v.errL, err)
		if err == nil {
			v.p.showSecret(v.tr.T("helpdesk.tempTitle"), v.tr.F("helpdesk.tempFor", "Name", v.a.Name), tmp.Password, v.tr.T("helpdesk.tempMustChange"))
			v.p.find()
		}
	})
}

// onDelete deletes the chosen method, with the owner's preview.
func (v *personView) onDelete() {
	m, ok := v.whichByLabel[v.which.Selected]
	if !ok {
		return
	}
	v.p.deleteMethod(v.a, m, v.which.Selected, v.reason.Text, v.status)
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
	stop = p.sc.tick(3*time.Second, func() {
		if p.sel != a {
			stop()
			return
		}
		if busy {
			return
		}
		busy = true
		call(p.sc.run, func() (*core.Approval, error) {
			return p.sc.svc.ApprovalStatus(p.sc.ctx, ap.ID)
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
			} else if !p.sc.now().Before(st.ExpiresAt) {
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
	tr := p.sc.tr
	d := &deleteDialog{sc: p.sc, m: newModal(tr.T("delete.title"), p.sc.win), accountID: a.ID, methodID: m.ID, label: label, err: errorLabel()}
	d.del = func() (*core.DeletePreview, error) {
		return p.sc.svc.DeleteMethodForPerson(p.sc.ctx, a.ID, m.ID, reason)
	}
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
	tr := p.sc.tr
	m := newModal(tr.T(titleKey), p.sc.win)
	no := newButton(tr.T("common.no"), widget.MediumImportance, m.close, m.close)
	ok := newButton(tr.T("common.yes"), widget.DangerImportance, func() { m.close(); yes() }, m.close)
	m.step(wrapped(tr.F(questionKey, "Name", a.Name)), no, ok)
	m.show(460)
	p.sc.win.Canvas().Focus(no)
}

// showSecret shows a pass or a temporary password once, large, to read
// out or copy.
func (p *helpdeskPage) showSecret(title, lead, secret, valid string) {
	tr := p.sc.tr
	big := canvas.NewText(secret, theme.Color(theme.ColorNameForeground))
	big.TextSize = 32
	big.TextStyle = fyne.TextStyle{Monospace: true}
	big.Alignment = fyne.TextAlignCenter
	bg := canvas.NewRectangle(color.Transparent)
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = theme.Color(theme.ColorNamePrimary), 2, 6
	copyB := newButton(tr.T("helpdesk.copy"), widget.MediumImportance, func() {
		p.sc.app.Clipboard().SetContent(secret)
	}, nil).withIcon(theme.ContentCopyIcon())
	body := container.NewVBox(wrapped(lead),
		container.NewStack(bg, container.NewPadded(big)),
		wrapped(valid),
		&widget.Label{Text: tr.T("helpdesk.passOnce"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord},
		container.NewHBox(copyB))
	d := newInfoDialog(title, tr.T("common.done"), body, p.sc.win)
	d.Resize(fyne.NewSize(560, 340))
	d.Show()
}

// clockOf is a time of day in the local zone.
func clockOf(t time.Time) string { return t.Local().Format("15:04") }
