// Package ui is the desktop window of Security info: the Security info
// page and its dialogs, in Fyne. It talks to core.Service only, runs every
// service call off the UI goroutine (Runner) and shows the core's own
// messages. It decides no rule of its own.
package ui

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/internal/version"
)

// OutboxEntry is one message of the local outbox, shown to whoever tries
// the flows without a mail server or an SMS provider.
type OutboxEntry struct {
	Time     time.Time
	Channel  core.Channel
	To       string
	Language string
	Subject  string
	Text     string
	// AccountID is the account the message is for ("": unknown, an
	// older outbox).
	AccountID string
}

// Backend is what the window works on once the data folder is open.
type Backend struct {
	Service core.Service
	// Outbox lists the local outbox; nil when every channel is delivered.
	Outbox func() ([]OutboxEntry, error)
	// Close releases the store.
	Close func() error
	// Sessions keeps the session token between runs (the central service:
	// in the OS keyring); nil for a local data folder.
	Sessions SessionKeeper
	// Place names where the accounts live (the server's URL, the data
	// folder): the accounts signed in on this desktop are remembered per
	// place.
	Place string
}

// SessionKeeper keeps an account's session token between runs of the
// window. Its calls may block (a keyring): the window makes them off the
// UI goroutine.
type SessionKeeper interface {
	// Load returns the token kept for account, "" when none.
	Load(account string) (string, error)
	Save(account, token string) error
	Forget(account string) error
}

// Options are the window's dependencies.
type Options struct {
	// Open opens the data folder: the store, the keyring, the delivery.
	// It is called off the UI goroutine after the window is shown.
	Open func(ctx context.Context) (*Backend, error)
	Lang string // "" means SystemLanguage
	// Runner runs service calls (nil: goroutines and fyne.Do).
	Runner Runner
	Now    func() time.Time
	// Tick calls fn every interval until stop is called (nil: a time.Ticker
	// whose calls go through fyne.Do).
	Tick func(interval time.Duration, fn func()) (stop func())
	Log  *slog.Logger
	// Keys finds the security keys plugged in (nil: this computer can't
	// use them).
	Keys KeyDevices
	// Computer is this computer's name ("": os.Hostname).
	Computer string
}

// UI is the main window: navigation on the left, the chosen page on the right.
type UI struct {
	*scope // app, win, tr, svc, ctx, acct: what screens share
	o      Options
	back   *Backend
	sess   *core.Session
	// stopWatch stops the session watch.
	stopWatch func()
	// notKept: the keyring could not keep this session's token, so the
	// next start asks for the password again (the window says so).
	notKept bool
	// viaPass: this session began with a Temporary Access Pass.
	viaPass bool
	// carried is the password typed at sign-in, kept only until the
	// screen that asks to change a temporary password takes it.
	carried string
	// registering is true while "Keep your account secure" is shown.
	registering bool
	// walkUp, set while a walk-up person uses the desk's window, ends
	// their session and gives the window back to the agent.
	walkUp func()
	// walkUpPerson is the walk-up person's window while one uses the
	// desk's (nil otherwise).
	walkUpPerson *UI

	content *fyne.Container // the page shown
	top     *fyne.Container // banners above the page
	nav     *choiceList
	pages   []page
	current int

	overview *overviewPage
	info     *securityInfoPage
	password *passwordPage
	activity *activityPage
	devices  *devicesPage
	helpdesk *helpdeskPage // staff only
}

// page is one entry of the navigation column.
type page interface {
	title() string
	icon() fyne.Resource
	view() fyne.CanvasObject
	reload()
}

// New makes the window's controller; Start fills the window.
func New(a fyne.App, w fyne.Window, o Options) *UI {
	if o.Runner == nil {
		o.Runner = goRunner{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick == nil {
		o.Tick = realTick
	}
	if o.Lang == "" {
		o.Lang = SystemLanguage(nil)
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	u := &UI{o: o, scope: &scope{app: a, win: w, tr: text{o.Lang}, ctx: deviceContext(), run: o.Runner, now: o.Now, tick: o.Tick, keys: o.Keys, computer: o.Computer}}
	if u.computer == "" {
		u.computer, _ = os.Hostname()
	}
	u.changed, u.onAdded = u.reloadAll, u.added
	tr := u.tr
	revealNames = func(shown bool) string {
		if shown {
			return tr.T("password.hide")
		}
		return tr.T("password.show")
	}
	return u
}

func realTick(interval time.Duration, fn func()) func() {
	t := time.NewTicker(interval)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				fyne.Do(fn)
			case <-done:
				return
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}

// Start shows a light placeholder at once and opens the data folder
// afterwards, so the first frame does not wait on the store or the keyring.
func (u *UI) Start() {
	u.win.SetTitle(u.tr.T("app.title"))
	bar := widget.NewProgressBarInfinite()
	setContent(u.win, container.NewCenter(container.NewVBox(widget.NewLabel(u.tr.T("app.opening")), bar)))
	call(u.run, func() (*Backend, error) {
		return u.o.Open(context.Background())
	}, func(b *Backend, err error) {
		bar.Stop()
		if err != nil {
			u.o.Log.Error("open data folder", "err", core.Redact(err.Error()))
			u.showFatal(err)
			return
		}
		u.back, u.svc, u.place, u.outbox = b, b.Service, b.Place, b.Outbox
		u.chooseAccount()
	})
}

// showFatal explains why the data folder could not be opened.
func (u *UI) showFatal(err error) {
	msg := wrapped(u.tr.Error(err))
	quit := newButton(u.tr.T("app.quit"), widget.MediumImportance, func() { u.app.Quit() }, nil)
	setContent(u.win, container.NewPadded(container.NewVScroll(container.NewVBox(heading(u.tr.T("app.cannotOpen")), msg, container.NewHBox(quit)))))
}

// chooseAccount shows the first-account form on an empty store, resumes
// a kept session that is still live, and shows the sign-in screen
// otherwise.
func (u *UI) chooseAccount() {
	type start struct {
		first   bool
		resumed *core.SignedIn
	}
	account := u.lastName()
	call(u.run, func() (start, error) {
		first, err := u.svc.NeedsFirstAccount(u.ctx)
		if err != nil || first || u.back.Sessions == nil || account == "" {
			return start{first: first}, err
		}
		token, err := u.back.Sessions.Load(account)
		if err != nil || token == "" {
			return start{}, nil // no token kept, or no keyring: sign in
		}
		who, err := u.svc.ResumeSession(u.ctx, token)
		if err != nil {
			return start{}, u.back.Sessions.Forget(account) // ended meanwhile
		}
		who.Session.ID = token
		return start{resumed: who}, nil
	}, func(s start, err error) {
		switch {
		case err != nil && !s.first && s.resumed == nil && u.back.Sessions != nil:
			u.o.Log.Warn("session keeper", "err", core.Redact(err.Error()))
			newSignInScreen(u.door(), "").show()
		case err != nil:
			u.showFatal(err)
		case s.first:
			newFirstAccountForm(u.door()).show()
		case s.resumed != nil:
			u.signedIn(&core.SignInStep{Session: s.resumed.Session, Account: s.resumed.Account})
		default:
			newSignInScreen(u.door(), "").show()
		}
	})
}

// signedIn starts the session of step: what must come first after
// sign-in, then the pages.
func (u *UI) signedIn(step *core.SignInStep) {
	u.acct, u.sess = step.Account, step.Session
	u.remember(step.Account)
	u.ctx = core.WithActor(deviceContext(), core.SessionActor(step.Session, step.Account, "desktop"))
	if keeper := u.back.Sessions; keeper != nil {
		name, token := step.Account.Name, step.Session.ID
		call(u.run, func() (struct{}, error) { return struct{}{}, keeper.Save(name, token) }, func(_ struct{}, err error) {
			if err != nil {
				u.o.Log.Warn("keep the session", "err", core.Redact(err.Error()))
				u.notKept = true
				if u.top != nil && u.acct != nil && u.acct.Name == name {
					u.top.Add(banner(u.tr.T("session.notKept"), widget.WarningImportance))
				}
			}
		})
	}
	if u.walkUp == nil {
		// A walk-up session has its own, shorter, idle end (startWalkUp).
		u.watchSession()
	}
	u.afterSignIn()
}

// showPages shows the Security info pages.
func (u *UI) showPages() {
	acct := u.acct
	u.overview = newOverviewPage(u.scope, func() { u.nav.Select(1) })
	u.info = newSecurityInfoPage(u.scope)
	u.password = newPasswordPage(u.scope)
	u.activity = newActivityPage(u.scope, u.signOut)
	u.devices = newDevicesPage(u.scope, u.signOut)
	u.pages = []page{u.overview, u.info, u.password, u.devices, u.activity}
	switch {
	case u.walkUp != nil:
		u.pages = []page{u.info} // a walk-up person sees their methods only
	case acct.Role == core.RoleHelpdesk || acct.Role == core.RoleAdmin:
		old := u.helpdesk
		u.helpdesk = newHelpdeskPage(u.scope, u.startWalkUp)
		u.helpdesk.carry(old) // the same agent back: their tickets and person
		u.pages = append(u.pages, u.helpdesk)
	}
	u.content = container.NewStack()
	u.top = container.NewVBox()
	if u.back.Outbox != nil {
		u.top.Add(banner(u.tr.T("outbox.banner"), widget.WarningImportance,
			newButton(u.tr.T("outbox.open"), widget.MediumImportance, u.showOutbox, nil)))
	}
	if u.notKept {
		u.top.Add(banner(u.tr.T("session.notKept"), widget.WarningImportance))
	}
	lost := newButton(u.tr.T("lost.button"), widget.MediumImportance, func() { newLostDialog(u.scope, "").show() }, nil)
	switch {
	case u.viaPass:
		// Signed in with a Temporary Access Pass: the time to register,
		// or to replace what was lost.
		u.top.Add(banner(u.tr.T("pass.registerNow"), widget.HighImportance,
			newButton(u.tr.T("pass.registerButton"), widget.MediumImportance, func() { newAddMethodDialog(u.scope).show() }, nil), lost))
	case u.sess != nil && core.SignedInWithoutADevice(u.sess.SignInKind):
		// A session signed in another way (kept, or a recovery code).
		u.top.Add(banner(u.tr.T("lost.signedInAnotherWay"), widget.HighImportance, lost))
	}
	u.nav = newChoiceList(func() int { return len(u.pages) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(nil), widget.NewLabel("Recent activity ....."))
		},
		func(id int, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(u.pages[id].icon())
			row.Objects[1].(*widget.Label).SetText(u.pages[id].title())
		},
		func(id int) string { return u.tr.F("nav.page", "Page", u.pages[id].title()) })
	u.nav.OnSelected = func(id int) { u.showPage(id) }
	who := container.NewVBox(subheading(acct.DisplayName), &widget.Label{Text: acct.Name, Importance: widget.LowImportance})
	left := container.NewBorder(container.NewPadded(who), nil, nil, nil, u.nav.view)
	split := container.NewHSplit(left, container.NewBorder(u.top, nil, nil, nil, container.NewPadded(u.content)))
	split.SetOffset(0.24)
	setContent(u.win, split)
	u.win.SetMainMenu(u.menu())
	for i, p := range u.pages {
		if p == page(u.info) {
			u.nav.Select(i) // the Security info page
		}
	}
}

// menu is the window's menu: the outbox when there is one.
func (u *UI) menu() *fyne.MainMenu {
	items := []*fyne.MenuItem{}
	if u.back.Outbox != nil {
		items = append(items, fyne.NewMenuItem(u.tr.T("outbox.menu"), u.showOutbox))
	}
	items = append(items, fyne.NewMenuItem(u.tr.T("menu.refresh"), func() { u.reloadAll() }),
		fyne.NewMenuItem(u.tr.T("menu.switchAccount"), u.switchAccount),
		fyne.NewMenuItem(u.tr.T("menu.signOut"), func() { u.signOut("") }))
	return fyne.NewMainMenu(fyne.NewMenu(u.tr.T("menu.file"), items...),
		fyne.NewMenu(u.tr.T("menu.help"), fyne.NewMenuItem(u.tr.T("about.menu"), u.showAbout)))
}

// showAbout is Help › About: which build this is, and where its data is.
func (u *UI) showAbout() {
	v := version.Get()
	form := widget.NewForm(
		widget.NewFormItem(u.tr.T("about.version"), widget.NewLabel(v.Version)),
		widget.NewFormItem(u.tr.T("about.commit"), widget.NewLabel(v.Commit)),
		widget.NewFormItem(u.tr.T("about.built"), widget.NewLabel(v.Date)))
	if u.back != nil && u.back.Place != "" {
		form.Append(u.tr.T("about.place"), &widget.Label{Text: u.back.Place, Wrapping: fyne.TextWrapBreak})
	}
	box := container.NewVBox(subheading("Security info"), wrapped(u.tr.T("about.lead")), form)
	d := newInfoDialog(u.tr.T("about.title"), u.tr.T("common.close"), box, u.win)
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}

// onScreen is a page that does something while it is shown (the help
// desk reads its person again), told when it comes on screen and when
// it is left.
type onScreen interface {
	shown()
	left()
}

func (u *UI) showPage(i int) {
	if u.current < len(u.pages) && u.current != i {
		if p, ok := u.pages[u.current].(onScreen); ok {
			p.left()
		}
	}
	u.current = i
	u.content.Objects = []fyne.CanvasObject{u.pages[i].view()}
	u.content.Refresh()
	u.pages[i].reload()
	if p, ok := u.pages[i].(onScreen); ok {
		p.shown()
	}
}

// reloadAll refreshes every page after a change.
func (u *UI) reloadAll() {
	for _, p := range u.pages {
		p.reload()
	}
}

// RememberSize saves the window size on close and restores it now.
func RememberSize(a fyne.App, w fyne.Window, def fyne.Size) {
	p := a.Preferences()
	width, height := p.FloatWithFallback("window.width", float64(def.Width)), p.FloatWithFallback("window.height", float64(def.Height))
	w.Resize(fyne.NewSize(float32(width), float32(height)))
	w.SetCloseIntercept(func() {
		s := w.Canvas().Size()
		if s.Width > 0 && s.Height > 0 {
			p.SetFloat("window.width", float64(s.Width))
			p.SetFloat("window.height", float64(s.Height))
		}
		w.Close()
	})
}

// deviceContext names this window as the device of its sessions.
func deviceContext() context.Context {
	return core.WithDevice(context.Background(), "Security info desktop on "+runtime.GOOS)
}
