package ui

import (
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// overviewPage shows the account and a summary of its methods, with what
// each is good for.
type overviewPage struct {
	sc      *scope
	svc     core.MethodService // the part of the service it uses
	root    fyne.CanvasObject
	account *widget.Form
	methods *fyne.Container
	status  *fyne.Container
	err     *widget.Label
}

// newOverviewPage is the overview; manage shows the Security info page.
func newOverviewPage(sc *scope, manage func()) *overviewPage {
	p := &overviewPage{sc: sc, svc: sc.svc, account: widget.NewForm(), methods: container.NewVBox(), status: container.NewVBox(), err: errorLabel()}
	more := newButton(sc.tr.T("overview.manage"), widget.LowImportance, manage, nil)
	p.root = container.NewVScroll(container.NewVBox(heading(sc.tr.T("overview.title")), p.err,
		widget.NewCard(sc.tr.T("overview.account"), "", p.account),
		widget.NewCard(sc.tr.T("nav.securityInfo"), sc.tr.T("overview.methodsLead"), container.NewVBox(p.status, p.methods, container.NewHBox(more)))))
	return p
}

func (p *overviewPage) title() string           { return p.sc.tr.T("nav.overview") }
func (p *overviewPage) icon() fyne.Resource     { return theme.HomeIcon() }
func (p *overviewPage) view() fyne.CanvasObject { return p.root }

func (p *overviewPage) reload() {
	call(p.sc.run, func() (*core.SecurityInfo, error) {
		return p.svc.SecurityInfo(p.sc.ctx, p.sc.acct.ID)
	}, func(info *core.SecurityInfo, err error) {
		p.sc.tr.setError(p.err, err)
		if err != nil {
			return
		}
		tr := p.sc.tr
		a := info.Account
		p.account.Items = nil
		p.account.Append(tr.T("overview.name"), widget.NewLabel(a.DisplayName))
		p.account.Append(tr.T("overview.signInName"), widget.NewLabel(a.Name))
		p.account.Append(tr.T("overview.role"), widget.NewLabel(tr.T("role."+string(a.Role))))
		p.account.Refresh()
		p.status.RemoveAll()
		for _, s := range []struct {
			ok       bool
			yes, not string
		}{
			{info.Requirements.SignInMet, tr.T("overview.signInReady"), tr.T("overview.signInMissing")},
			{info.Requirements.ResetMet, tr.T("overview.resetReady"), tr.F("overview.resetMissing", "Needed", info.Requirements.ResetNeeded, "Have", info.Requirements.ResetMethods)},
		} {
			res, imp, msg := theme.NewSuccessThemedResource(theme.ConfirmIcon()), widget.MediumImportance, s.yes
			if !s.ok {
				res, imp, msg = theme.NewWarningThemedResource(theme.WarningIcon()), widget.WarningImportance, s.not
			}
			p.status.Add(container.NewBorder(nil, nil, widget.NewIcon(res), nil, &widget.Label{Text: msg, Importance: imp, Wrapping: fyne.TextWrapWord}))
		}
		p.methods.RemoveAll()
		for _, m := range info.Methods {
			var uses []string
			for _, us := range m.UsableFor {
				uses = append(uses, tr.T("usage."+string(us)))
			}
			line := methodLine(tr, m)
			p.methods.Add(container.NewBorder(nil, nil, sized(kindIcon(m.Kind), 20), &widget.Label{Text: strings.Join(uses, ", "), Importance: widget.LowImportance}, widget.NewLabel(line)))
		}
		if len(info.Methods) == 0 {
			p.methods.Add(&widget.Label{Text: tr.T("info.empty"), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
		}
	})
}

// passwordPage shows when the password was last changed and changes it.
type passwordPage struct {
	sc       *scope
	svc      core.MethodService // the part of the service it uses
	root     fyne.CanvasObject
	changed  *widget.Label
	current  *field
	next     *field
	confirm  *field
	save     *button
	err      *widget.Label
	feedback *widget.Label
	body     *fyne.Container // root's content
	form     *widget.Form
	// org says the password is the organization's directory's.
	org *widget.Label
	// then, when set, follows a change instead of the page's feedback
	// (the change the help desk's temporary password asks for).
	then func()
}

func newPasswordPage(sc *scope) *passwordPage {
	p := &passwordPage{sc: sc, svc: sc.svc, changed: widget.NewLabel(""), err: errorLabel(),
		feedback: &widget.Label{Importance: widget.SuccessImportance}}
	p.feedback.Hide()
	p.current = newField("", nil)
	p.current.Password = true
	p.current.named(sc.tr.T("password.current"))
	p.next = newField("", nil)
	p.next.Password = true
	p.next.named(sc.tr.T("password.new"))
	p.confirm = newField("", nil)
	p.confirm.Password = true
	p.confirm.named(sc.tr.T("password.confirm"))
	p.save = newButton(sc.tr.T("password.change"), widget.HighImportance, p.onSave, nil)
	for _, f := range []*field{p.current, p.next, p.confirm} {
		f.OnChanged = func(string) { p.validate() }
		f.OnSubmitted = func(string) { p.onSave() }
	}
	p.form = widget.NewForm(
		widget.NewFormItem(sc.tr.T("password.current"), p.current),
		widget.NewFormItem(sc.tr.T("password.new"), p.next),
		widget.NewFormItem(sc.tr.T("password.confirm"), p.confirm))
	p.org = &widget.Label{Text: sc.tr.T("password.organization"), Wrapping: fyne.TextWrapWord, Importance: widget.HighImportance}
	p.org.Hide()
	p.body = container.NewVBox(heading(sc.tr.T("nav.password")), p.org, p.changed,
		wrapped(sc.tr.T("password.rules")), p.form, container.NewHBox(p.save), p.err, p.feedback)
	p.root = container.NewVScroll(p.body)
	p.validate()
	return p
}

// withCurrent fills in the current password, typed a moment ago at
// sign-in, and does not ask for it again.
func (p *passwordPage) withCurrent(pw string) {
	p.current.SetText(pw)
	form := widget.NewForm(
		widget.NewFormItem(p.sc.tr.T("password.new"), p.next),
		widget.NewFormItem(p.sc.tr.T("password.confirm"), p.confirm))
	for i, o := range p.body.Objects {
		if o == p.form {
			p.body.Objects[i] = form
		}
	}
	p.form = form
	p.body.Refresh()
	p.validate()
}

func (p *passwordPage) title() string           { return p.sc.tr.T("nav.password") }
func (p *passwordPage) icon() fyne.Resource     { return icon("password") }
func (p *passwordPage) view() fyne.CanvasObject { return p.root }

func (p *passwordPage) reload() {
	call(p.sc.run, func() (*core.SecurityInfo, error) {
		return p.svc.SecurityInfo(p.sc.ctx, p.sc.acct.ID)
	}, func(info *core.SecurityInfo, err error) {
		p.sc.tr.setError(p.err, err)
		if err == nil {
			p.changed.SetText(p.sc.tr.F("password.lastChanged", "Date", p.sc.tr.dateTime(info.Account.PasswordChangedAt)))
			if info.OrganizationPassword {
				p.org.Show()
			} else {
				p.org.Hide()
			}
		}
	})
}

func (p *passwordPage) validate() {
	if p.current.Text != "" && p.next.Text != "" && p.next.Text == p.confirm.Text {
		p.save.Enable()
	} else {
		p.save.Disable()
	}
	if p.confirm.Text != "" && p.next.Text != p.confirm.Text {
		p.err.Importance = widget.DangerImportance
		p.err.SetText(p.sc.tr.T("password.mismatch"))
		p.err.Show()
	} else if p.err.Text == p.sc.tr.T("password.mismatch") {
		p.sc.tr.setError(p.err, nil)
	}
}

func (p *passwordPage) onSave() {
	if p.save.Disabled() {
		return
	}
	cur, next := p.current.Text, p.next.Text
	p.save.Disable()
	p.feedback.Hide()
	call(p.sc.run, func() (struct{}, error) {
		return struct{}{}, p.svc.ChangePassword(p.sc.ctx, p.sc.acct.ID, cur, next)
	}, func(_ struct{}, err error) {
		p.sc.tr.setError(p.err, err)
		if err == nil && p.then != nil {
			p.then()
			return
		}
		if err == nil {
			p.current.SetText("")
			p.next.SetText("")
			p.confirm.SetText("")
			p.feedback.SetText(p.sc.tr.T("password.changed"))
			p.feedback.Show()
			p.sc.changed()
		}
		p.validate()
	})
}

// activityPage lists the account's audit events, newest first: what was
// done in words that wrap, and under it when and from where. An event the
// core offers for a report has "This wasn't me" (report.go).
type activityPage struct {
	sc      *scope
	svc     core.Service // the part of the service it uses: MethodService and ReportService
	root    fyne.CanvasObject
	rows    *fyne.Container
	err     *widget.Label
	signOut func(notice string) // ends this window's session, with a notice
}

func newActivityPage(sc *scope, signOut func(notice string)) *activityPage {
	p := &activityPage{sc: sc, svc: sc.svc, err: errorLabel(), rows: container.NewVBox(), signOut: signOut}
	p.root = container.NewBorder(container.NewVBox(heading(sc.tr.T("nav.activity")), flowing(wrapped(sc.tr.T("activity.lead"))), flowing(p.err)),
		nil, nil, nil, container.NewVScroll(p.rows))
	return p
}

// show lists events, each what happened (wrapped) over when and where,
// with "This wasn't me" or "Reported" on the right.
func (p *activityPage) show(events []*core.AuditEvent) {
	tr := p.sc.tr
	p.rows.RemoveAll()
	for _, e := range events {
		what := &widget.Label{Text: activityText(tr, e), Wrapping: fyne.TextWrapWord}
		when := &widget.Label{Text: tr.dateTime(e.Time) + " · " + sourceName(tr, e.Source), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
		var right fyne.CanvasObject
		switch {
		case e.Reported:
			right = &widget.Label{Text: tr.T("activity.reported"), Importance: widget.WarningImportance}
		case e.Reportable:
			right = link(tr.T("activity.notMe"), func() { p.onReport(e) }).named(tr.T("activity.notMe") + ": " + what.Text)
		}
		if right != nil {
			right = container.NewVBox(right) // at the top of a tall row, its own height
		}
		p.rows.Add(container.NewBorder(nil, nil, nil, right, container.NewVBox(what, when)))
		p.rows.Add(widget.NewSeparator())
	}
	if len(events) == 0 {
		p.rows.Add(&widget.Label{Text: tr.T("activity.none"), Importance: widget.LowImportance})
	}
}

// onReport asks first: a report signs out everywhere, this window too.
func (p *activityPage) onReport(e *core.AuditEvent) {
	tr := p.sc.tr
	m := newModal(tr.T("activity.reportTitle"), p.sc.win)
	errL := errorLabel()
	no := newButton(tr.T("common.cancel"), widget.MediumImportance, m.close, m.close)
	yes := newButton(tr.T("activity.reportYes"), widget.DangerImportance, nil, m.close)
	yes.OnTapped = func() {
		yes.Disable()
		m.setBusy(true)
		call(p.sc.run, func() (*core.ActivityReport, error) {
			return p.svc.ReportActivity(p.sc.ctx, p.sc.acct.ID, e.Seq)
		}, func(_ *core.ActivityReport, err error) {
			m.setBusy(false)
			if err != nil {
				tr.setError(errL, err)
				yes.Enable()
				m.fit()
				return
			}
			m.close()
			p.signOut(tr.T("activity.reportedNext"))
		})
	}
	m.step(container.NewVBox(
		&widget.Label{Text: activityText(tr, e), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord},
		wrapped(tr.T("activity.reportQuestion")),
		wrapped("• "+tr.T("activity.reportSignsOut")),
		wrapped("• "+tr.T("activity.reportPass")),
		wrapped("• "+tr.T("activity.reportReset")),
		wrapped("• "+tr.T("activity.reportDesk")),
		wrapped(tr.T("activity.reportNoUndo")),
		errL), no, yes)
	m.show(480)
	p.sc.win.Canvas().Focus(no)
}

// sourceName names where an event came from in words ("Security info app"
// for desktop), or the tag itself when it has no name.
func sourceName(tr text, source string) string {
	if name := tr.T("activity.source." + source); !strings.HasPrefix(name, "ui.") {
		return name
	}
	return source
}

// detailWords puts the core's details that are words into the window's
// language, counts with their plurals ("1 method proven"); the rest
// (masked numbers, names) are data and shown as they are.
func detailWords(tr text, detail string) string {
	// Events recorded before 72b5ab0 say "A → B"; the arrow is not in the
	// theme's font (TestEveryCharacterInTheFont). The chained rows stay
	// as they were written; they read as the new ones do.
	detail = strings.ReplaceAll(detail, " "+oldArrow+" ", " to ")
	if m := provenDetail.FindStringSubmatch(detail); m != nil {
		n, _ := strconv.Atoi(m[1])
		return tr.F("activity.detail.proven", "N", n)
	}
	if w := tr.T("activity.detail." + strings.ReplaceAll(detail, " ", "_")); !strings.HasPrefix(w, "ui.") {
		return w
	}
	return detail
}

// oldArrow is U+2192, written as a number so that the font test, which
// reads this file's strings, does not take it for one the window writes.
var oldArrow = string(rune(0x2192))

var provenDetail = regexp.MustCompile(`^(\d+) methods? proven$`)

// activityText is one event in words: "Method added: Phone (+XX XXXXXXXX58)".
func activityText(tr text, e *core.AuditEvent) string {
	s := tr.T("action." + e.Action)
	if strings.HasPrefix(s, "ui.action.") {
		s = e.Action
	}
	detail := detailWords(tr, e.Detail)
	// A sign-in says how, in a sentence: "Signed in with password".
	if e.Action == core.ActionSignedIn {
		if how := tr.T("activity.signedIn." + strings.ReplaceAll(e.Detail, " ", "_")); !strings.HasPrefix(how, "ui.") {
			s, detail = how, ""
		}
	}
	var what []string
	if e.Kind != "" {
		what = append(what, tr.Kind(e.Kind))
	}
	if detail != "" {
		what = append(what, detail)
	}
	if len(what) > 0 {
		s += ": " + strings.Join(what, " · ")
	}
	// Someone else acting on the account (the help desk, an
	// administrator) is named, with their reason.
	if e.ActorID != e.AccountID && e.ActorName != "" {
		s += " — " + tr.F("activity.by", "Who", e.ActorName)
	}
	if e.Reason != "" {
		s += " — " + tr.F("activity.why", "Why", e.Reason)
	}
	return s
}

func (p *activityPage) title() string           { return p.sc.tr.T("nav.activity") }
func (p *activityPage) icon() fyne.Resource     { return icon("activity") }
func (p *activityPage) view() fyne.CanvasObject { return p.root }

func (p *activityPage) reload() {
	call(p.sc.run, func() ([]*core.AuditEvent, error) {
		return p.svc.RecentActivity(p.sc.ctx, p.sc.acct.ID, 200)
	}, func(events []*core.AuditEvent, err error) {
		p.sc.tr.setError(p.err, err)
		if err == nil {
			p.show(events)
		}
	})
}
