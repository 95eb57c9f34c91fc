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
	// changed shows everywhere what a screen changed (every page
	// reloads); onAdded ends a wizard that added a method: the pages, or
	// the next step of "Keep your account secure".
	changed, onAdded func()
}
