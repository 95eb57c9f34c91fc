package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// firstAccountForm creates the first account of an empty data folder,
// which becomes its administrator.
type firstAccountForm struct {
	d        *door
	name     *field
	display  *field
	password *field
	confirm  *field
	create   *button
	err      *widget.Label
	busy     *widget.ProgressBarInfinite
	// rules says what a password needs, or the first problem with what
	// is typed, in a space of three lines: the form never jumps.
	rules *widget.Label
}

func newFirstAccountForm(d *door) *firstAccountForm {
	f := &firstAccountForm{d: d, err: errorLabel(), busy: widget.NewProgressBarInfinite()}
	f.busy.Hide()
	f.busy.Stop()
	f.name = newField(d.tr.T("first.namePlaceholder"), nil)
	f.display = newField(d.tr.T("first.displayPlaceholder"), nil)
	f.password = newField("", nil)
	f.password.Password = true
	f.password.named(d.tr.T("password.new"))
	f.confirm = newField("", nil)
	f.confirm.Password = true
	f.confirm.named(d.tr.T("password.confirm"))
	f.rules = &widget.Label{Text: d.tr.T("password.rules"), Wrapping: fyne.TextWrapWord}
	f.create = newButton(d.tr.T("first.create"), widget.HighImportance, f.onCreate, nil)
	for _, e := range []*field{f.name, f.display, f.password, f.confirm} {
		e.OnChanged = func(string) { f.validate() }
		e.OnSubmitted = func(string) { f.onCreate() }
	}
	return f
}

func (f *firstAccountForm) show() {
	tr := f.d.tr
	form := widget.NewForm(
		widget.NewFormItem(tr.T("first.name"), f.name),
		widget.NewFormItem(tr.T("first.display"), f.display),
		widget.NewFormItem(tr.T("password.new"), f.password),
		widget.NewFormItem(tr.T("password.confirm"), f.confirm))
	lines := fyne.MeasureText("Ag", theme.TextSize(), fyne.TextStyle{}).Height*3 + theme.InnerPadding()*2
	box := container.NewVBox(heading(tr.T("first.title")), wrapped(tr.T("first.lead")), form, tall(lines, f.rules),
		f.err, f.busy, container.NewHBox(f.create))
	// A column 520 wide, centred, scrolling when the window is short: its
	// wrapped text must not make the window grow.
	width := fixedWidth(520)
	setContent(f.d.win, container.NewVScroll(container.NewCenter(container.New(&width, box))))
	f.validate()
	f.d.win.Canvas().Focus(f.name)
}

// validate enables Create when every field passes the core's checks, and
// puts the first problem with what is typed where the rules are.
func (f *firstAccountForm) validate() {
	var problem error
	if f.name.Text != "" {
		_, problem = core.NormalizeAccountName(f.name.Text)
	}
	if problem == nil && f.password.Text != "" {
		problem = core.ValidatePassword(f.password.Text, f.name.Text, false)
	}
	if problem == nil && f.confirm.Text != "" && f.confirm.Text != f.password.Text {
		problem = core.Errorf(core.EINVALID, "%s", f.d.tr.T("password.mismatch"))
	}
	if problem != nil {
		f.rules.Importance = widget.DangerImportance
		f.rules.SetText(f.d.tr.Error(problem))
	} else {
		f.rules.Importance = widget.MediumImportance
		f.rules.SetText(f.d.tr.T("password.rules"))
	}
	if problem == nil && f.name.Text != "" && f.password.Text != "" && f.confirm.Text == f.password.Text {
		f.create.Enable()
	} else {
		f.create.Disable()
	}
}

func (f *firstAccountForm) onCreate() {
	if f.create.Disabled() {
		return
	}
	f.create.Disable()
	f.busy.Show()
	f.busy.Start()
	n := core.NewAccount{Name: f.name.Text, DisplayName: f.display.Text, Password: f.password.Text, Language: f.d.tr.lang}
	call(f.d.run, func() (*core.SignInStep, error) {
		if _, err := f.d.svc.CreateFirstAccount(f.d.ctx, n); err != nil {
			return nil, err
		}
		// The new account has no method yet: its password signs it in.
		return f.d.svc.SignIn(f.d.ctx, n.Name, n.Password)
	}, func(step *core.SignInStep, err error) {
		f.busy.Stop()
		f.busy.Hide()
		if err != nil || step.Session == nil {
			f.d.tr.setError(f.err, err)
			f.create.Enable()
			return
		}
		f.d.setLastName(step.Account.Name)
		f.d.signedIn(step)
	})
}
