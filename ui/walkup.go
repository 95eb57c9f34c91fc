package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// walkUpIdle is how long a walk-up session may go without a single action
// before it ends.
const walkUpIdle = 2 * time.Minute

// walkUpPassLength is the length of the one-time pass that signs the
// person in at the desk: never shown, so as long as a pass may be.
const walkUpPassLength = 48

// walkUp lets the person register at the desk's machine: a one-time pass
// the agent never sees signs them in, and the window shows only their own
// Security info and wizards until they choose Done or leave it unused for
// walkUpIdle. Their session is then ended, and nothing of theirs stays:
// no token is kept (no session keeper), no name is remembered.
func (p *helpdeskPage) walkUp(a *core.AccountSummary, reason string, errL *widget.Label) {
	u := p.sc
	if strings.TrimSpace(reason) != "" {
		reason += " (walk-up registration at the desk)"
	}
	oneTime := true
	call(u.run, func() (*core.SignInStep, error) {
		np, err := u.svc.CreateAccessPass(u.ctx, a.ID, core.AccessPassRequest{Reason: reason, LifetimeMinutes: 10, Length: walkUpPassLength, OneTime: &oneTime})
		if err != nil {
			return nil, err
		}
		return u.svc.SignInWithPass(deviceContext(), a.Name, np.Pass)
	}, func(step *core.SignInStep, err error) {
		u.tr.setError(errL, err)
		if err != nil {
			return
		}
		p.startWalkUp(step, func(idle bool) {
			key := "helpdesk.walkupEnded"
			if idle {
				key = "helpdesk.walkupIdle"
			}
			errL.Importance = widget.SuccessImportance
			errL.SetText(u.tr.F(key, "Name", a.Name))
			errL.Show()
			p.refresh()
			p.find()
		})
	})
}

// walkUpWindow is the desk's window while a walk-up person uses it: every
// screen the person's window shows gets the walk-up banner with Done, and
// the menu has nothing of the agent's.
type walkUpWindow struct {
	fyne.Window
	top  fyne.CanvasObject
	menu *fyne.MainMenu
	// ended: the window is the agent's again, and an answer that arrives
	// late for the person's screens shows nothing.
	ended bool
}

func (w *walkUpWindow) SetContent(c fyne.CanvasObject) {
	if !w.ended {
		w.Window.SetContent(container.NewBorder(w.top, nil, nil, nil, c))
	}
}

func (w *walkUpWindow) SetMainMenu(*fyne.MainMenu) {
	if !w.ended {
		w.Window.SetMainMenu(w.menu)
	}
}

// activeRunner notes each service call the person's window makes: the
// walk-up session's idle clock.
type activeRunner struct {
	Runner
	touch func()
}

func (r activeRunner) Run(work, done func()) {
	r.touch()
	r.Runner.Run(work, done)
}

// startWalkUp shows the walk-up person's own window in the desk's window,
// and gives it back to the agent when it ends (done says whether it ended
// for being idle).
func (u *UI) startWalkUp(step *core.SignInStep, done func(idle bool)) {
	saved, menu := u.win.Content(), u.win.MainMenu()
	last := u.now()
	person := &UI{o: u.o, back: &Backend{Service: u.svc},
		scope: &scope{app: u.app, tr: text{u.tr.lang}, ctx: deviceContext(), svc: u.svc, now: u.now, tick: u.tick, keys: u.keys, place: u.place, outbox: u.outbox,
			walkUp: true}}
	person.changed, person.onAdded = person.reloadAll, person.added
	if l := step.Account.Language; l != "" {
		person.tr = text{l}
	}
	person.run = activeRunner{Runner: u.run, touch: func() { last = u.now() }}
	var stopIdle func()
	var win *walkUpWindow
	end := func(idle bool) {
		if win.ended {
			return
		}
		win.ended = true
		u.walkUpPerson = nil
		stopIdle()
		if sess := person.sess; sess != nil {
			person.sess = nil
			ctx := person.ctx
			call(u.run, func() (struct{}, error) { return struct{}{}, u.svc.SignOut(ctx, sess.ID) }, func(_ struct{}, err error) {
				if err != nil {
					u.o.Log.Warn("end the walk-up session", "err", core.Redact(err.Error()))
				}
			})
		}
		for _, o := range u.win.Canvas().Overlays().List() {
			u.win.Canvas().Overlays().Remove(o)
		}
		u.win.SetContent(saved)
		u.win.SetMainMenu(menu)
		done(idle)
	}
	finish := newButton(person.tr.T("common.done"), widget.HighImportance, func() { end(false) }, nil)
	top := banner(person.tr.F("walkup.banner", "Name", step.Account.Name), widget.HighImportance, finish)
	win = &walkUpWindow{Window: u.win, top: top,
		menu: fyne.NewMainMenu(fyne.NewMenu(person.tr.T("menu.file"), fyne.NewMenuItem(person.tr.T("common.done"), func() { end(false) })))}
	person.win = win
	person.walkUp = func() { end(false) }
	stopIdle = u.tick(10*time.Second, func() {
		if !u.now().Before(last.Add(walkUpIdle)) {
			end(true)
		}
	})
	u.walkUpPerson = person
	person.signedIn(step)
}
