package ui

import (
	"encoding/json"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// rememberedAccount is an account signed in on this desktop: its names
// only (a session token, if kept, is in the keyring).
type rememberedAccount struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

// maxRemembered bounds the account picker.
const maxRemembered = 10

// accountsKey is the preference holding the remembered accounts of the
// place the window works on.
func (u *UI) accountsKey() string { return "accounts " + u.back.Place }

// remembered lists the accounts signed in here, the latest first.
func (u *UI) remembered() []rememberedAccount {
	var out []rememberedAccount
	if err := json.Unmarshal([]byte(u.app.Preferences().String(u.accountsKey())), &out); err != nil {
		return nil
	}
	return out
}

func (u *UI) saveRemembered(list []rememberedAccount) {
	b, _ := json.Marshal(list)
	u.app.Preferences().SetString(u.accountsKey(), string(b))
}

// remember puts a signed-in account first in the picker. A walk-up
// person is never remembered.
func (u *UI) remember(a *core.Account) {
	if u.walkUp != nil {
		return
	}
	list := slices.DeleteFunc(u.remembered(), func(r rememberedAccount) bool { return r.Name == a.Name })
	list = append([]rememberedAccount{{Name: a.Name, DisplayName: a.DisplayName}}, list...)
	u.saveRemembered(list[:min(len(list), maxRemembered)])
}

// forgetAccount drops an account from the picker and its kept session
// from the keyring.
func (u *UI) forgetAccount(name string) {
	u.saveRemembered(slices.DeleteFunc(u.remembered(), func(r rememberedAccount) bool { return r.Name == name }))
	if u.lastName() == name {
		u.setLastName("")
	}
	if keeper := u.back.Sessions; keeper != nil {
		svc := u.svc
		call(u.run, func() (struct{}, error) {
			// The kept session ends too, not only its token here.
			if token, err := keeper.Load(name); err == nil && token != "" {
				if who, err := svc.ResumeSession(deviceContext(), token); err == nil {
					who.Session.ID = token
					ctx := core.WithActor(deviceContext(), core.SessionActor(who.Session, who.Account, "desktop"))
					if err := svc.SignOut(ctx, token); err != nil {
						u.o.Log.Warn("end the forgotten session", "err", core.Redact(err.Error()))
					}
				}
			}
			return struct{}{}, keeper.Forget(name)
		}, func(_ struct{}, err error) {
			if err != nil {
				u.o.Log.Warn("forget the session", "err", core.Redact(err.Error()))
			}
		})
	}
}

// showPicker is the sign-in document's first screen when accounts were
// signed in here: choose one, use another, or forget one.
func (s *signInScreen) showPicker(list []rememberedAccount) {
	tr := s.d.tr
	box := container.NewVBox(heading(tr.T("signin.title")), wrapped(tr.T("picker.lead")))
	if s.notice != "" {
		box.Add(&widget.Label{Text: s.notice, Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord})
	}
	var first fyne.Focusable
	status := map[string]*widget.Label{}
	for _, r := range list {
		label := r.Name
		if r.DisplayName != "" {
			label = r.DisplayName + " (" + r.Name + ")"
		}
		// Enter chooses as Space and a click do.
		pick := newButton(label, widget.MediumImportance, func() { s.pick(r.Name) }, nil)
		pick.Icon, pick.Alignment = icon("password"), widget.ButtonAlignLeading
		forget := link(tr.T("picker.forget"), func() {
			s.d.forget(r.Name)
			s.show()
		}).named(tr.F("picker.forgetNamed", "Name", r.Name))
		if first == nil {
			first = pick
		}
		st := &widget.Label{Importance: widget.LowImportance}
		status[r.Name] = st
		box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(st, forget), pick))
	}
	s.markKept(status)
	box.Add(container.NewHBox(link(tr.T("picker.another"), func() { s.pick("") })))
	box.Add(container.NewHBox(layout.NewSpacer()))
	s.d.show(box)
	if first != nil {
		s.d.win.Canvas().Focus(first)
	}
}

// markKept says beside each remembered account whether a session is kept
// for it here (choosing it signs in at once) or its password is needed;
// without a keyring no session is kept, and the picker says so.
func (s *signInScreen) markKept(status map[string]*widget.Label) {
	tr, keeper := s.d.tr, s.d.sessions
	if keeper == nil {
		return // a data folder: every sign-in asks for the password
	}
	names := make([]string, 0, len(status))
	for n := range status {
		names = append(names, n)
	}
	call(s.d.run, func() (map[string]bool, error) {
		kept := map[string]bool{}
		for _, n := range names {
			token, err := keeper.Load(n)
			if err != nil {
				return nil, err
			}
			kept[n] = token != ""
		}
		return kept, nil
	}, func(kept map[string]bool, err error) {
		for n, l := range status {
			switch {
			case err != nil:
				l.SetText(tr.T("picker.passwordNeeded"))
			case kept[n]:
				l.SetText(tr.T("picker.signedIn"))
			default:
				l.SetText(tr.T("picker.passwordNeeded"))
			}
		}
	})
}

// pick goes on with a remembered account (its kept session resumed when
// there is one) or, for "", another account.
func (s *signInScreen) pick(name string) {
	s.picked = true
	s.name.SetText(name)
	s.d.typed, s.d.viaPass = "", false // a kept session is not the sign-in a password was typed for
	keeper := s.d.sessions
	if name == "" || keeper == nil {
		s.show()
		return
	}
	call(s.d.run, func() (*core.SignedIn, error) {
		token, err := keeper.Load(name)
		if err != nil || token == "" {
			return nil, err
		}
		who, err := s.d.svc.ResumeSession(s.d.ctx, token)
		if err != nil {
			return nil, keeper.Forget(name) // ended meanwhile: sign in
		}
		who.Session.ID = token
		return who, nil
	}, func(who *core.SignedIn, err error) {
		if who != nil {
			s.d.setLastName(name)
			s.d.signedIn(&core.SignInStep{Session: who.Session, Account: who.Account})
			return
		}
		s.show()
	})
}

// switchAccount is the menu's "Switch account": back to the picker. A
// session kept in the keyring stays, so coming back resumes it; without a
// keeper the session ends.
func (u *UI) switchAccount() {
	if u.back.Sessions == nil {
		u.signOut("")
		return
	}
	if u.stopWatch != nil {
		u.stopWatch()
		u.stopWatch = nil
	}
	u.stopPolls()
	u.sess, u.acct = nil, nil
	u.viaPass, u.carried = false, ""
	u.ctx = deviceContext()
	for _, o := range u.win.Canvas().Overlays().List() {
		u.win.Canvas().Overlays().Remove(o)
	}
	newSignInScreen(u.door(), "").show()
}
