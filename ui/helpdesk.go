package ui

import (
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// helpdeskRefresh is how often the page reads the chosen person again
// while it is shown: a lockout, an unlock, a new method or the end of
// the verification shows without File › Refresh.
const helpdeskRefresh = 15 * time.Second

// helpdeskPage is the help desk's: find the person, prove who is asking,
// then help. Nothing but the masked summary is shown or done for a person
// until they are verified, and every action asks for a ticket or reason.
// Whether the person is verified is the service's to say (HelpdeskPerson),
// read whenever they are chosen, after every action and every
// helpdeskRefresh while the page is shown.
type helpdeskPage struct {
	sc *scope
	// agent is the account whose page this is: what is carried over
	// when the same agent comes back (switching accounts and back).
	agent string
	// startWalkUp hands the window to a walk-up person (UI.startWalkUp).
	startWalkUp func(step *core.SignInStep, done func(idle bool))
	root        fyne.CanvasObject
	search      *field
	results     []core.AccountSummary
	list        *choiceList
	err         *widget.Label
	errBox      fyne.CanvasObject // err's room, hidden with it
	person      *fyne.Container
	scroll      *container.Scroll // the person's, below the search
	// summary is the chosen person's summary line and locked their
	// lockout badge, kept current by every search that finds them and
	// every read of the person.
	summary, locked *widget.Label
	// asked counts searches, and reads the reads of the person, so that
	// the answer to an older one that arrives late does not replace a
	// newer one.
	asked, reads int

	sel    *core.AccountSummary
	chosen *personView
	// tickets keeps the ticket typed for each person, so that choosing
	// them again or a refresh keeps it.
	tickets map[string]string
	// stopWait stops asking whether a request was approved; stopRefresh
	// stops reading the person again (the page is left).
	stopWait, stopRefresh func()
	// approvals lists the requests this agent may approve.
	approvals *fyne.Container
	// reports lists what people said "This wasn't me" about, for the
	// desk to follow up: at the top of the page.
	reports *fyne.Container
}

func newHelpdeskPage(sc *scope, startWalkUp func(step *core.SignInStep, done func(idle bool))) *helpdeskPage {
	p := &helpdeskPage{sc: sc, startWalkUp: startWalkUp, err: errorLabel(), person: container.NewVBox(), tickets: map[string]string{}}
	if sc.acct != nil {
		p.agent = sc.acct.ID
	}
	p.search = newField(sc.tr.T("helpdesk.searchPlaceholder"), nil)
	p.search.OnChanged = func(string) { p.find() }
	p.list = newChoiceList(func() int { return len(p.results) },
		func() fyne.CanvasObject {
			name := &widget.Label{Text: "Uma Thurman (uma@contoso.com)", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
			return container.NewVBox(container.NewBorder(nil, nil, nil, lockBadge(), name),
				&widget.Label{Text: "user · phone +XX XXXXXXXX58", Truncation: fyne.TextTruncateEllipsis})
		},
		func(id int, o fyne.CanvasObject) {
			a := p.results[id]
			rows := o.(*fyne.Container).Objects
			top := rows[0].(*fyne.Container).Objects
			top[0].(*widget.Label).SetText(a.DisplayName + " (" + a.Name + ")")
			p.setLocked(top[1].(*widget.Label), a)
			rows[1].(*widget.Label).SetText(p.summaryLine(a))
		},
		func(id int) string {
			a := p.results[id]
			return a.DisplayName + " (" + a.Name + "), " + p.summaryLine(a)
		})
	p.list.OnSelected = func(id int) {
		a := p.results[id]
		p.choose(&a)
	}
	p.errBox = flowing(p.err)
	p.errBox.Hide()
	p.scroll = container.NewVScroll(container.NewPadded(p.person))
	split := container.NewHSplit(p.list.view, p.scroll)
	split.SetOffset(0.4)
	p.approvals, p.reports = container.NewVBox(), container.NewVBox()
	p.reports.Hide()
	top := container.NewVBox(heading(sc.tr.T("nav.helpdesk")), flowing(wrapped(sc.tr.T("helpdesk.lead"))), p.reports, p.approvals, p.search, p.errBox)
	p.root = container.NewBorder(top, nil, nil, nil, split)
	return p
}

// carry takes over what the same agent's page before this one had
// (after switching accounts and back): the tickets, the search and the
// chosen person, read again.
func (p *helpdeskPage) carry(old *helpdeskPage) {
	if old == nil || old.agent == "" || old.agent != p.agent {
		return
	}
	p.tickets = old.tickets
	if old.sel != nil {
		sel := *old.sel
		p.sel = &sel
	}
	p.search.SetText(old.search.Text)
}

// lockBadge is the label that says, prominently, until when a person's
// sign-in is locked; hidden while it is not.
func lockBadge() *widget.Label {
	l := &widget.Label{Text: "Locked until 00:05", TextStyle: fyne.TextStyle{Bold: true}, Importance: widget.DangerImportance}
	l.Hide()
	return l
}

// setLocked shows in l until when a's sign-in is locked, or hides l.
func (p *helpdeskPage) setLocked(l *widget.Label, a core.AccountSummary) {
	if a.LockedUntil == nil {
		l.Hide()
		return
	}
	l.SetText(p.sc.tr.F("helpdesk.lockedUntil", "Until", p.sc.tr.until(*a.LockedUntil, p.sc.now())))
	l.Show()
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

// reportsShown is how many of the newest reports the page lists; the
// command line lists them all (helpdesk reports).
const reportsShown = 5

// loadReports lists the newest "This wasn't me" reports of the people
// this agent may read, each what was reported, by whom and when, to
// follow up with them; nothing when there are none.
func (p *helpdeskPage) loadReports() {
	tr := p.sc.tr
	call(p.sc.run, func() ([]*core.ActivityReport, error) {
		return p.sc.svc.ActivityReports(p.sc.ctx, reportsShown)
	}, func(list []*core.ActivityReport, err error) {
		p.reports.RemoveAll()
		if err != nil || len(list) == 0 {
			p.reports.Hide() // takes no room: not staff with two steps, or nothing reported
			return
		}
		p.reports.Show()
		rows := container.NewVBox()
		for _, r := range list {
			e := &core.AuditEvent{Action: r.Action, Kind: r.Kind, Detail: r.Detail, AccountID: r.AccountID, ActorName: r.EventActor}
			if r.EventActor != r.AccountName {
				e.ActorID = "someone else" // activityText then names who did it
			}
			rows.Add(&widget.Label{Text: tr.F("helpdesk.reportLine", "Account", r.AccountName, "When", tr.dateTime(r.ReportedAt)),
				TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord})
			rows.Add(wrapped(activityText(tr, e) + " · " + tr.dateTime(r.EventTime)))
		}
		refresh := newButton(tr.T("helpdesk.refresh"), widget.MediumImportance, p.loadReports, nil).withIcon(theme.ViewRefreshIcon()).
			named(tr.T("helpdesk.refresh") + " " + tr.T("helpdesk.reportsTitle"))
		rows.Add(container.NewHBox(refresh))
		p.reports.Add(widget.NewCard(tr.T("helpdesk.reportsTitle"), tr.T("helpdesk.reportsLead"), rows))
	})
}

func (p *helpdeskPage) title() string           { return p.sc.tr.T("nav.helpdesk") }
func (p *helpdeskPage) icon() fyne.Resource     { return icon("helpdesk") }
func (p *helpdeskPage) view() fyne.CanvasObject { return p.root }

// reload is File › Refresh and every page's reload after a change: the
// results, the requests to approve, and the chosen person.
func (p *helpdeskPage) reload() { p.find(); p.loadReports(); p.loadApprovals(); p.refresh() }

// shown is called when the page comes on screen: its search has the
// focus, and the chosen person is read again every helpdeskRefresh
// until the page is left.
func (p *helpdeskPage) shown() {
	p.sc.win.Canvas().Focus(p.search)
	if p.stopRefresh == nil {
		p.stopRefresh = p.sc.tick(helpdeskRefresh, p.refresh)
	}
}

// left stops reading the person again: the page is off screen.
func (p *helpdeskPage) left() {
	if p.stopRefresh != nil {
		p.stopRefresh()
		p.stopRefresh = nil
	}
}

// stopPolls stops everything the page asks on its own, as the session
// it asks in ends (sign-out, switching accounts).
func (p *helpdeskPage) stopPolls() {
	p.left()
	if p.stopWait != nil {
		p.stopWait()
		p.stopWait = nil
	}
}

// summaryLine is a result's second line: role, masked methods, an
// active Temporary Access Pass, last sign-in, pending removal. A lockout
// has a badge of its own (setLocked).
func (p *helpdeskPage) summaryLine(a core.AccountSummary) string {
	tr := p.sc.tr
	parts := []string{tr.T("role." + string(a.Role))}
	for _, m := range a.Methods {
		if m.Kind == core.KindRecoveryCodes {
			parts = append(parts, deskMethodLabel(tr, m))
			continue
		}
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
	if a.PendingRemoval {
		parts = append(parts, tr.T("helpdesk.removalPending"))
	}
	return strings.Join(parts, " · ")
}

// setError shows err above the results (nothing and no room without one).
func (p *helpdeskPage) setError(err error) {
	p.sc.tr.setError(p.err, err)
	if err == nil {
		p.errBox.Hide()
	} else {
		p.errBox.Show()
	}
}

// find searches as the agent types, off the UI goroutine. The chosen
// person keeps the highlight when the results hold them.
func (p *helpdeskPage) find() {
	text := strings.TrimSpace(p.search.Text)
	p.asked++
	asked := p.asked
	if text == "" {
		p.results = nil
		p.list.UnselectAll()
		p.list.Refresh()
		p.setError(nil)
		return
	}
	call(p.sc.run, func() ([]core.AccountSummary, error) {
		return p.sc.svc.SearchAccounts(p.sc.ctx, core.AccountSearch{Text: text, Limit: 50})
	}, func(found []core.AccountSummary, err error) {
		if asked != p.asked {
			return // a newer search is under way
		}
		p.setError(err)
		p.results = found
		p.list.Refresh()
		for i, a := range found {
			if p.sel != nil && a.ID == p.sel.ID {
				p.list.Select(i) // the view stays (choose)
				p.update(a)
				return
			}
		}
		p.list.UnselectAll()
	})
}

// choose shows a person: the masked summary, the identity check, and the
// actions, which wait for the service to say the person is verified.
// Choosing the person shown already keeps their view.
func (p *helpdeskPage) choose(a *core.AccountSummary) {
	if p.sel != nil && p.chosen != nil && p.sel.ID == a.ID {
		return
	}
	if p.stopWait != nil {
		p.stopWait()
		p.stopWait = nil
	}
	p.sel = a
	v := newPersonView(p, a)
	p.chosen = v
	p.person.RemoveAll()
	p.person.Add(&widget.Label{Text: a.DisplayName, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Truncation: fyne.TextTruncateEllipsis})
	p.locked = lockBadge()
	p.person.Add(p.locked)
	p.summary = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.person.Add(p.summary)
	for _, o := range v.view() {
		p.person.Add(o)
	}
	p.update(*a)
	p.refresh()
}

// refresh reads the chosen person again: their summary and whether
// this agent's verification of them is live.
func (p *helpdeskPage) refresh() {
	a, v := p.sel, p.chosen
	if a == nil || v == nil {
		return
	}
	p.reads++
	n := p.reads
	call(p.sc.run, func() (*core.HelpdeskPerson, error) {
		return p.sc.svc.HelpdeskPerson(p.sc.ctx, a.ID)
	}, func(hp *core.HelpdeskPerson, err error) {
		if n != p.reads || p.chosen != v {
			return // a newer read, or another person
		}
		if err != nil {
			v.tr.setError(v.errL, err)
			return
		}
		p.update(hp.Summary)
		v.setVerified(hp.Verified)
	})
}

// update shows the chosen person's summary a, read again: the line, the
// lockout badge, the methods to choose from, and their result row.
func (p *helpdeskPage) update(a core.AccountSummary) {
	if p.sel == nil || p.sel.ID != a.ID || p.chosen == nil {
		return
	}
	*p.sel = a
	p.summary.SetText(a.Name + " · " + p.summaryLine(a))
	p.setLocked(p.locked, a)
	p.chosen.setMethods(a.Methods)
	for i := range p.results {
		if p.results[i].ID == a.ID {
			p.results[i] = a
			p.list.RefreshItem(i)
		}
	}
}

// personView is the help desk's view of one person: the identity check
// (a method, then the code the person reads out, or a second agent's
// approval), and the actions, each with the ticket or reason, enabled
// only while the service says the person is verified for this agent.
type personView struct {
	p  *helpdeskPage
	a  *core.AccountSummary
	tr text
	// state says whether the person is verified; status how the check
	// goes (a code sent, a request waiting); done what the last action
	// did. checkErr, errL and ticketErr show what went wrong next to it.
	state, status, done       *widget.Label
	checkErr, errL, ticketErr *widget.Label
	reason                    *field
	// until is when the person's verification ends (zero: not verified).
	until time.Time
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
	hidden := func(l *widget.Label) *widget.Label { l.Hide(); return l }
	v := &personView{p: p, a: a, tr: tr, errL: errorLabel(), checkErr: errorLabel(), ticketErr: errorLabel(),
		reason: newField(tr.T("helpdesk.reasonPlaceholder"), nil),
		state:  &widget.Label{Text: tr.T("helpdesk.notVerified"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord},
		status: hidden(&widget.Label{Wrapping: fyne.TextWrapWord}),
		done:   hidden(&widget.Label{Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord})}
	v.reason.SetText(p.tickets[a.ID])
	v.reason.OnChanged = func(s string) {
		p.tickets[a.ID] = s
		v.tr.setError(v.ticketErr, nil)
	}
	v.buildCheck()
	v.buildActions()
	v.setMethods(a.Methods)
	v.setVerified(nil)
	return v
}

// buildCheck makes the identity check's widgets: the methods that can
// prove identity (the core says which; setMethods), the code, Send and
// Check.
func (v *personView) buildCheck() {
	v.method = newSelect(nil, v.onMethod, nil, nil)
	v.code = newField(v.tr.T("code.placeholder"), nil)
	v.code.OnSubmitted = func(string) { v.onCheck() }
	v.check = newButton(v.tr.T("helpdesk.check"), widget.HighImportance, v.onCheck, nil)
	v.check.Disable()
	v.start = newButton(v.tr.T("helpdesk.sendCode"), widget.MediumImportance, v.onStart, nil)
	v.start.Disable()
}

// deskMethodLabel names a method for the help desk: its kind and masked
// detail, or for a recovery-code set how many are left, all it learns
// of the codes ("Recovery codes: 7 left").
func deskMethodLabel(tr text, m core.MaskedMethod) string {
	if m.Kind == core.KindRecoveryCodes {
		return tr.F("helpdesk.codesLeft", "Kind", tr.Kind(m.Kind), "Left", m.CodesLeft)
	}
	return tr.Kind(m.Kind) + " " + m.Detail
}

// setMethods offers the person's methods, read again, to prove who is
// asking with and to delete, keeping what was chosen while it is there.
func (v *personView) setMethods(methods []core.MaskedMethod) {
	var proving, all []string
	v.byLabel, v.whichByLabel = map[string]core.MaskedMethod{}, map[string]core.MaskedMethod{}
	for _, m := range methods {
		l := deskMethodLabel(v.tr, m)
		if m.FromDirectory {
			// Called back, offered first (the core puts it first); not
			// the person's to delete.
			l = v.tr.F("helpdesk.directoryCallback", "Kind", v.tr.KindInSentence(m.Kind), "Number", m.Detail)
			proving = append(proving, l)
			v.byLabel[l] = m
			continue
		}
		all = append(all, l)
		v.whichByLabel[l] = m
		if m.ProvesIdentity {
			proving = append(proving, l)
			v.byLabel[l] = m
		}
	}
	keep := func(s *selectBox, options []string) {
		was := s.Selected
		s.SetOptions(options)
		if was != "" && !slices.Contains(options, was) {
			s.ClearSelected()
		}
	}
	keep(v.method, proving)
	if _, ok := v.byLabel[v.method.Selected]; !ok {
		v.start.Disable()
	}
	keep(v.which, all)
	if v.until.IsZero() {
		v.setVerified(nil) // the words for a person with no method, or with one now
	}
}

// buildActions makes the actions' buttons.
func (v *personView) buildActions() {
	tr := v.tr
	v.pass = v.action(newButton(tr.T("helpdesk.createPass"), widget.HighImportance, v.onCreatePass, nil))
	v.resetPw = v.action(newButton(tr.T("helpdesk.resetPassword"), widget.MediumImportance, func() {
		v.p.confirm("helpdesk.resetPassword", "helpdesk.resetPasswordConfirm", v.a, v.onResetPassword)
	}, nil))
	a, sc := v.a, v.p.sc
	v.unlock = v.simple(tr.T("helpdesk.unlock"), false, func(r string) error { return sc.svc.UnlockAccount(sc.ctx, a.ID, r) }, tr.T("helpdesk.unlocked"))
	v.revoke = v.simple(tr.T("helpdesk.signOutEverywhere"), true, func(r string) error { return sc.svc.RevokeSessions(sc.ctx, a.ID, r) }, tr.T("helpdesk.signedOut"))
	v.reregister = v.simple(tr.T("helpdesk.reregister"), true, func(r string) error { return sc.svc.RequireReregistration(sc.ctx, a.ID, r) }, tr.T("helpdesk.reregistered"))
	reregister := v.reregister.OnTapped
	v.reregister.OnTapped = func() { v.p.confirm("helpdesk.reregister", "helpdesk.reregisterConfirm", a, reregister) }
	v.walkup = v.action(newButton(tr.T("helpdesk.walkup"), widget.MediumImportance, func() { v.p.walkUp(a, v.reason.Text, v.errL) }, nil).withIcon(theme.AccountIcon()))

	// Deleting one method (a lost phone), with the owner's preview.
	v.which = newSelect(nil, nil, nil, nil)
	v.which.PlaceHolder = tr.T("helpdesk.deleteWhich")
	v.actions = append(v.actions, v.which)
	v.del = v.action(newButton(tr.T("helpdesk.deleteMethod"), widget.DangerImportance, v.onDelete, nil).withIcon(theme.DeleteIcon()))
}

// view is the person's ticket, check and actions, below their name and
// summary. Everything wraps to the width the window gives it.
func (v *personView) view() []fyne.CanvasObject {
	tr := v.tr
	verifyBox := container.NewVBox(wrapped(tr.T("helpdesk.verifyLead")),
		container.NewBorder(nil, nil, nil, v.start, v.method), container.NewBorder(nil, nil, nil, v.check, v.code),
		v.state, v.status, v.checkErr)
	if v.a.Role == core.RoleAdmin {
		verifyBox.Add(wrapped(tr.F("helpdesk.adminLead", "Name", v.a.Name)))
		verifyBox.Add(container.NewHBox(newButton(tr.T("helpdesk.askAdmin"), widget.MediumImportance, v.ask(core.ApprovalAdmin), nil)))
	}
	verifyBox.Add(container.NewHBox(newButton(tr.T("helpdesk.inPerson"), widget.LowImportance, v.ask(core.ApprovalInPerson), nil)))
	actions := container.New(&wrapRow{}, v.pass, v.resetPw, v.unlock, v.revoke, v.reregister, v.walkup)
	return []fyne.CanvasObject{
		widget.NewForm(widget.NewFormItem(tr.T("helpdesk.ticket"), v.reason)), v.ticketErr,
		widget.NewCard(tr.T("helpdesk.verifyTitle"), "", verifyBox),
		widget.NewCard(tr.T("helpdesk.helpTitle"), "", container.NewVBox(wrapped(tr.T("helpdesk.helpLead")), actions,
			container.NewBorder(nil, nil, nil, v.del, v.which), v.done, v.errL)),
	}
}

// action adds b to the actions that wait for the identity check.
func (v *personView) action(b *button) *button {
	v.actions = append(v.actions, b)
	return b
}

// setVerified shows what the service says of this agent's verification
// of the person (nil: none live), and enables the actions while it is.
func (v *personView) setVerified(lv *core.LiveVerification) {
	tr := v.tr
	switch {
	case lv == nil:
		v.until = time.Time{}
		v.state.Importance = widget.WarningImportance
		if len(v.byLabel) == 0 {
			v.state.SetText(tr.T("helpdesk.noMethod"))
		} else {
			v.state.SetText(tr.T("helpdesk.notVerified"))
		}
	case lv.InPerson:
		v.until = lv.Until
		v.state.Importance = widget.SuccessImportance
		v.state.SetText(tr.F("helpdesk.verifiedInPerson", "By", lv.ApprovedBy, "Until", clockOf(lv.Until)))
	default:
		v.until = lv.Until
		v.state.Importance = widget.SuccessImportance
		v.state.SetText(tr.F("helpdesk.verifiedUntil", "How", tr.Kind(lv.How), "Until", clockOf(lv.Until)))
	}
	v.state.Refresh()
	for _, b := range v.actions {
		if v.until.IsZero() {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// setStatus says how the identity check goes ("": nothing to say).
func (v *personView) setStatus(s string, importance widget.Importance) {
	v.status.Importance = importance
	v.status.SetText(s)
	v.status.Hidden = s == ""
	v.status.Refresh()
}

// setDone says what the last action did.
func (v *personView) setDone(s string) {
	v.done.SetText(s)
	v.done.Show()
}

// fail shows err in l, or, when the ticket is missing, under the Ticket
// field, which gets the focus. It reports whether there was an error.
func (v *personView) fail(err error, l *widget.Label) bool {
	v.tr.setError(v.ticketErr, nil)
	if core.ErrorKey(err) == "helpdesk.reason" {
		v.tr.setError(l, nil)
		v.ticketErr.SetText(v.tr.T("helpdesk.ticketFirst"))
		v.ticketErr.Show()
		v.p.sc.win.Canvas().Focus(v.reason)
		return true
	}
	v.tr.setError(l, err)
	return err != nil
}

func (v *personView) onMethod(l string) {
	if _, ok := v.byLabel[l]; !ok {
		return
	}
	v.start.Enable()
	if v.byLabel[l].Kind == core.KindAuthenticatorApp {
		v.start.SetText(v.tr.T("helpdesk.askApp"))
	} else {
		v.start.SetText(v.tr.T("helpdesk.sendCode"))
	}
}

// onStart begins the identity check with the chosen method.
func (v *personView) onStart() {
	m, ok := v.byLabel[v.method.Selected]
	if !ok {
		return
	}
	v.start.Disable()
	u := v.p.sc
	call(u.run, func() (*core.Challenge, error) {
		return u.svc.BeginIdentityCheck(u.ctx, v.a.ID, m.ID)
	}, func(ch *core.Challenge, err error) {
		v.start.Enable()
		if v.fail(err, v.checkErr) {
			return
		}
		v.verification = ch.VerificationID
		// A new check ends the one before: the service says so.
		v.setVerified(nil)
		if ch.Channel == core.ChannelApp {
			v.setStatus(v.tr.T("helpdesk.readApp"), widget.MediumImportance)
		} else {
			v.setStatus(v.tr.F("helpdesk.codeSent", "To", ch.Destination), widget.MediumImportance)
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
		if v.fail(err, v.checkErr) {
			return
		}
		v.setStatus("", widget.MediumImportance)
		v.setVerified(&core.LiveVerification{How: core.MethodKind(proof.How), Until: proof.VerifiedUntil})
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
			if v.fail(err, v.checkErr) {
				return
			}
			v.setStatus(v.tr.F("helpdesk.waiting", "Until", clockOf(ap.ExpiresAt)), widget.WarningImportance)
			v.p.waitFor(v.a, ap, v.approved)
		})
	}
}

// approved shows the answer to a request (nil: it lapsed).
func (v *personView) approved(st *core.Approval) {
	switch {
	case st == nil:
		v.setStatus(v.tr.T("helpdesk.lapsed"), widget.WarningImportance)
	case st.Kind == core.ApprovalInPerson:
		v.setStatus("", widget.MediumImportance)
		v.setVerified(&core.LiveVerification{InPerson: true, ApprovedBy: st.ApproverName, Until: st.ExpiresAt})
	default:
		v.setStatus(v.tr.F("helpdesk.approvedAdmin", "By", st.ApproverName, "Until", clockOf(st.ExpiresAt)), widget.SuccessImportance)
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
			if !v.fail(err, v.errL) {
				v.setDone(done)
			}
			v.p.refresh()
		})
	}
	return v.action(b)
}

// onCreatePass asks how long the person's Temporary Access Pass works,
// and whether it is reusable where the policy allows it, then creates
// it and shows it once.
func (v *personView) onCreatePass() {
	u := v.p.sc
	call(u.run, func() (*core.Policy, error) {
		return u.svc.Policy(u.ctx)
	}, func(pol *core.Policy, err error) {
		if v.fail(err, v.errL) {
			return
		}
		newPassDialog(u, v.a.Name, pol, v.createPass)
	})
}

// createPass creates the pass the dialog asked for and shows it once.
func (v *personView) createPass(lifetimeMinutes int, oneTime bool) {
	u, r := v.p.sc, v.reason.Text
	call(u.run, func() (*core.NewAccessPass, error) {
		return u.svc.CreateAccessPass(u.ctx, v.a.ID, core.AccessPassRequest{Reason: r, LifetimeMinutes: lifetimeMinutes, OneTime: &oneTime})
	}, func(np *core.NewAccessPass, err error) {
		defer v.p.refresh() // the summary shows the new pass
		if v.fail(err, v.errL) {
			return
		}
		kind := v.tr.T("helpdesk.reusable")
		if np.OneTime {
			kind = v.tr.T("helpdesk.oneTime")
		}
		v.p.showSecret(v.tr.T("helpdesk.passTitle"), v.tr.F("helpdesk.passFor", "Name", v.a.Name), np.Pass,
			v.tr.F("helpdesk.passValid", "Kind", kind, "Until", v.tr.dateTime(np.ExpiresAt)))
	})
}

// onResetPassword resets the person's password (asked first) and shows
// the temporary one once.
func (v *personView) onResetPassword() {
	u, r := v.p.sc, v.reason.Text
	call(u.run, func() (*core.TemporaryPassword, error) {
		return u.svc.ResetPasswordForPerson(u.ctx, v.a.ID, r)
	}, func(tmp *core.TemporaryPassword, err error) {
		defer v.p.refresh()
		if !v.fail(err, v.errL) {
			v.p.showSecret(v.tr.T("helpdesk.tempTitle"), v.tr.F("helpdesk.tempFor", "Name", v.a.Name), tmp.Password, v.tr.T("helpdesk.tempMustChange"))
		}
	})
}

// onDelete deletes the chosen method, with the owner's preview.
func (v *personView) onDelete() {
	m, ok := v.whichByLabel[v.which.Selected]
	if !ok {
		return
	}
	v.p.deleteMethod(v, m, v.which.Selected)
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
func (p *helpdeskPage) deleteMethod(v *personView, m core.MaskedMethod, label string) {
	tr, a, reason := p.sc.tr, v.a, v.reason.Text
	d := &deleteDialog{sc: p.sc, m: newModal(tr.T("delete.title"), p.sc.win), accountID: a.ID, methodID: m.ID, label: label, err: errorLabel()}
	d.del = func() (*core.DeletePreview, error) {
		return p.sc.svc.DeleteMethodForPerson(p.sc.ctx, a.ID, m.ID, reason)
	}
	d.done = func(pv *core.DeletePreview) {
		if pv.Scheduled {
			v.setDone(tr.F("helpdesk.deleteScheduled", "Method", label, "Date", tr.date(pv.EffectiveAt)))
		} else {
			v.setDone(tr.F("helpdesk.deleted", "Method", label))
		}
		p.refresh()
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
