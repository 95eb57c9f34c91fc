package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/securityinfo/securityinfo/core"
)

// scope is what a screen that acts for the signed-in person needs, and all
// it gets: the service, the person's context and account, the runner, the
// words, the window, the clock, and what to call when it changed
// something. The window keeps one scope and changes its context and
// account at sign-in and sign-out, so a screen left open reads them when
// it makes a call and never acts for a person who is no longer there.
// run, now and tick are Options' (New fills in their defaults); the
// window reads them here only.
type scope struct {
	app  fyne.App // the clipboard
	win  fyne.Window
	tr   text
	svc  core.Service
	ctx  context.Context // carries the signed-in account as actor
	acct *core.Account
	run  Runner
	now  func() time.Time
	tick func(interval time.Duration, fn func()) (stop func())
	// keys finds the security keys plugged in (nil: none can be used);
	// place is the data folder or server the window opened (the relying
	// party a key may sign for follows from it).
	keys  KeyDevices
	place string
	// computer is this computer's name: Windows Hello is registered
	// under it, and its row says whether it is this one.
	computer string
	// outbox lists the local outbox (nil: every channel is delivered).
	outbox func() ([]OutboxEntry, error)
	// changed shows everywhere what a screen changed (every page
	// reloads); onAdded ends a wizard that added a method: the pages, or
	// the next step of "Keep your account secure".
	changed, onAdded func()
	// walkUp: the person uses the help desk's machine (walk-up
	// registration). Recovery codes are neither made nor replaced there:
	// they would be shown on the desk's screen and could be left on its
	// clipboard or disk.
	walkUp bool
}

// door is what the screens before sign-in share (the sign-in screen, the
// second step, the password reset, the first account): the scope, the
// column they show in, the accounts this computer remembers (and their
// kept sessions), and where a complete sign-in goes. They never see the
// window's pages or its session.
type door struct {
	*scope
	show       func(fyne.CanvasObject)
	remembered func() []rememberedAccount
	forget     func(name string)
	sessions   SessionKeeper // nil: no session is kept between runs
	signedIn   func(*core.SignInStep)
	// typed is the password typed on the sign-in screen, handed to the
	// window with the sign-in (a temporary one is changed next, without
	// asking for it again), and nowhere else.
	typed string
	// viaPass: the sign-in used a Temporary Access Pass (the window then
	// asks to register methods now).
	viaPass bool
}

// lastName is the account name last signed in with at this place (the
// data folder or the server): the sign-in screen starts with it.
func (sc *scope) lastName() string { return sc.app.Preferences().String(sc.lastNameKey()) }

func (sc *scope) setLastName(name string) { sc.app.Preferences().SetString(sc.lastNameKey(), name) }

func (sc *scope) lastNameKey() string { return "account " + sc.place }
