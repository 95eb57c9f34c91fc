package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// afterSignIn asks what the core wants shown before the pages: "Keep
// your account secure" or "Verify your security info".
func (u *UI) afterSignIn() {
	pw := u.carried
	u.carried = "" // the password typed at sign-in is kept no longer than this
	if u.acct.PasswordMustChange {
		u.carried = pw
		u.mustChangePassword()
		return
	}
	call(u.run, func() (*core.AfterSignIn, error) {
		return u.svc.CheckAfterSignIn(u.ctx, u.acct.ID)
	}, func(st *core.AfterSignIn, err error) {
		switch {
		case err != nil:
			u.o.Log.Warn("after sign-in", "err", core.Redact(err.Error()))
			u.showPages()
		case st.Register:
			u.keepSecure(st)
		case st.Reconfirm:
			u.verifyInfo(st)
		default:
			u.showPages()
		}
	})
}

// keepSecure is "Keep your account secure": the authenticator app first,
// "I want to set up a different method", and Skip while snoozes are left.
func (u *UI) keepSecure(st *core.AfterSignIn) {
	tr := u.tr
	u.registering = true
	errL := errorLabel()
	status := container.NewVBox()
	for _, s := range []struct {
		ok  bool
		msg string
	}{
		{st.Requirements.SignInMet, tr.T("register.needSignIn")},
		{st.Requirements.ResetMet, tr.F("register.needReset", "N", st.Requirements.ResetNeeded)},
	} {
		res := iconOK()
		if !s.ok {
			res = icon("authenticator")
		}
		status.Add(container.NewBorder(nil, nil, widget.NewIcon(res), nil, wrapped(s.msg)))
	}
	app := newButton(tr.T("register.app"), widget.HighImportance, func() { newAuthenticatorWizard(u.scope, func() { newAddMethodDialog(u.scope).show() }).show() }, nil)
	other := link(tr.T("app.differentMethod"), func() { newAddMethodDialog(u.scope).show() })
	lead := wrapped(tr.T("register.lead"))
	if u.viaPass {
		lead.SetText(tr.T("pass.registerNow") + " " + tr.T("register.lead"))
	}
	box := container.NewVBox(heading(tr.T("register.title")), lead, status,
		container.NewHBox(app), container.NewHBox(other), errL)
	if st.SnoozesLeft > 0 {
		skip := link(tr.F("register.skip", "N", st.SnoozesLeft), func() {
			call(u.run, func() (struct{}, error) { return struct{}{}, u.svc.SnoozeRegistration(u.ctx, u.acct.ID) },
				func(_ struct{}, err error) {
					u.tr.setError(errL, err)
					if err == nil {
						u.registering = false
						u.showPages()
					}
				})
		})
		box.Add(container.NewHBox(skip))
	}
	u.showColumn(box)
	u.win.Canvas().Focus(app) // Enter sets up the app
}

// registered re-checks registration after a method was added from the
// "Keep your account secure" screen, ending on a summary once done.
func (u *UI) registered() {
	call(u.run, func() (*core.AfterSignIn, error) {
		return u.svc.CheckAfterSignIn(u.ctx, u.acct.ID)
	}, func(st *core.AfterSignIn, err error) {
		if err != nil || st.Register {
			if err == nil {
				u.keepSecure(st)
			}
			return
		}
		u.registering = false
		u.summary()
	})
}

// summary lists what is registered: "You've set up your security info".
func (u *UI) summary() {
	tr := u.tr
	list := container.NewVBox()
	done := newButton(tr.T("common.done"), widget.HighImportance, u.showPages, nil)
	u.showColumn(container.NewVBox(heading(tr.T("register.doneTitle")), wrapped(tr.T("register.doneLead")), list, container.NewHBox(done)))
	call(u.run, func() (*core.SecurityInfo, error) { return u.svc.SecurityInfo(u.ctx, u.acct.ID) },
		func(info *core.SecurityInfo, err error) {
			if err != nil {
				return
			}
			for _, m := range info.Methods {
				list.Add(container.NewBorder(nil, nil, sized(kindIcon(m.Kind), 20), nil, widget.NewLabel(methodLine(tr, m))))
			}
			if info.Default != nil {
				list.Add(&widget.Label{Text: tr.T("info.defaultMethod") + " " + choiceLabel(tr, *info.Default), TextStyle: fyne.TextStyle{Bold: true}})
			}
		})
}

// verifyInfo is "Verify your security info": the methods, "Looks good",
// edit, and Skip for 24 hours while the 7 days last.
func (u *UI) verifyInfo(st *core.AfterSignIn) {
	tr := u.tr
	list := container.NewVBox()
	errL := errorLabel()
	good := newButton(tr.T("verify.good"), widget.HighImportance, func() {
		call(u.run, func() (struct{}, error) { return struct{}{}, u.svc.ConfirmSecurityInfo(u.ctx, u.acct.ID) },
			func(_ struct{}, err error) {
				u.tr.setError(errL, err)
				if err == nil {
					u.showPages()
				}
			})
	}, nil)
	edit := newButton(tr.T("verify.edit"), widget.MediumImportance, u.showPages, nil)
	if !st.CanSkip {
		// Past the days of putting it off, editing ends in confirming.
		edit.OnTapped = func() {
			u.showPages()
			u.top.Add(banner(tr.T("verify.confirmAfterEdit"), widget.WarningImportance, newButton(tr.T("verify.good"), widget.MediumImportance, func() {
				call(u.run, func() (struct{}, error) { return struct{}{}, u.svc.ConfirmSecurityInfo(u.ctx, u.acct.ID) },
					func(_ struct{}, err error) {
						if err != nil {
							u.tr.setError(errL, err)
							return
						}
						u.showPages()
					})
			}, nil)))
		}
	}
	box := container.NewVBox(heading(tr.T("verify.title")), wrapped(tr.T("verify.lead")), list, container.NewHBox(good, edit), errL)
	if st.CanSkip {
		box.Add(&widget.Label{Text: tr.F("verify.skipUntil", "Date", tr.date(st.MustBy)), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord})
		box.Add(container.NewHBox(link(tr.T("verify.skip"), func() {
			call(u.run, func() (struct{}, error) { return struct{}{}, u.svc.SkipReconfirm(u.ctx, u.acct.ID) },
				func(_ struct{}, err error) {
					u.tr.setError(errL, err)
					if err == nil {
						u.showPages()
					}
				})
		})))
	} else {
		box.Add(&widget.Label{Text: tr.T("verify.mustNow"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
	}
	u.showColumn(box)
	u.win.Canvas().Focus(good)
	call(u.run, func() (*core.SecurityInfo, error) { return u.svc.SecurityInfo(u.ctx, u.acct.ID) },
		func(info *core.SecurityInfo, err error) {
			if err != nil {
				u.tr.setError(errL, err)
				return
			}
			for _, m := range info.Methods {
				list.Add(container.NewBorder(nil, nil, sized(kindIcon(m.Kind), 20), nil, widget.NewLabel(methodLine(tr, m))))
			}
		})
}

// mustChangePassword is the only screen after signing in with a password
// the help desk set: the person chooses their own before anything else.
func (u *UI) mustChangePassword() {
	p := newPasswordPage(u.scope)
	p.changed.Hide() // not loaded here: the lead says what to do
	p.then = func() {
		u.acct.PasswordMustChange = false
		done := &widget.Label{Text: u.tr.T("password.changedNow"), Importance: widget.SuccessImportance, Wrapping: fyne.TextWrapWord}
		next := newButton(u.tr.T("common.continue"), widget.HighImportance, u.afterSignIn, nil)
		u.showColumn(container.NewVBox(heading(u.tr.T("nav.password")), done, container.NewHBox(next)))
		u.win.Canvas().Focus(next)
	}
	lead := &widget.Label{Text: u.tr.T("password.mustChangeLead"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	u.showColumn(container.NewVBox(lead, p.body))
	if pw := u.carried; pw != "" {
		u.carried = ""
		p.withCurrent(pw)
		lead.SetText(u.tr.T("password.mustChangeCarried"))
		u.win.Canvas().Focus(p.next)
		return
	}
	u.win.Canvas().Focus(p.current)
}
