package ui

import (
	"context"
	"errors"
	"net"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
)

// KeyDevices finds the FIDO2 security keys plugged in (libfido2 on Linux
// and macOS; webauthn.dll on Windows; a software key in tests). Its calls
// block (USB, the touch): the window makes them off the UI goroutine.
type KeyDevices interface {
	List(ctx context.Context) ([]KeyDevice, error)
}

// KeyDevice is one security key, spoken to in CTAP2.
type KeyDevice interface {
	Name() string
	HasPIN(ctx context.Context) (bool, error)
	SetPIN(ctx context.Context, pin string) error
	// PINRetries is how many wrong PINs are left before the key blocks.
	PINRetries(ctx context.Context) (int, error)
	// MakeCredential registers the key for rpID; it waits for the touch.
	// clientData is the JSON the window built: a CTAP2 key signs its
	// SHA-256 (securitykey.ClientDataHash), webauthn.dll takes it whole.
	MakeCredential(ctx context.Context, rpID string, clientData, userID []byte, userName, pin string, exclude [][]byte) (id, attestationObject []byte, err error)
	// GetAssertion signs with one of allow's credentials; it waits for the
	// touch.
	GetAssertion(ctx context.Context, rpID string, clientData []byte, allow [][]byte, pin string) (id, authenticatorData, signature []byte, err error)
}

// What a key's failures mean to the window; KeyDevice implementations
// return (or wrap) these.
var (
	ErrKeyPINInvalid    = errors.New("wrong PIN")
	ErrKeyPINBlocked    = errors.New("PIN blocked")
	ErrKeyNoCredentials = errors.New("no credential")
	ErrKeyNotTouched    = errors.New("not touched")
	ErrKeyExcluded      = errors.New("already registered")
)

// keyMessage is a key's failure in words a person can act on.
func keyMessage(tr text, d KeyDevice, err error) string {
	switch {
	case errors.Is(err, ErrKeyPINInvalid):
		n := 0
		if d != nil {
			n, _ = d.PINRetries(context.Background())
		}
		return tr.F("key.pinWrong", "N", n)
	case errors.Is(err, ErrKeyPINBlocked):
		return tr.T("key.pinBlocked")
	case errors.Is(err, ErrKeyNoCredentials):
		return tr.T("key.notRegistered")
	case errors.Is(err, ErrKeyNotTouched), errors.Is(err, context.DeadlineExceeded):
		return tr.T("key.notTouched")
	case errors.Is(err, ErrKeyExcluded):
		return tr.T("key.already")
	}
	var ce *core.Error
	if errors.As(err, &ce) {
		return tr.Error(err)
	}
	return tr.T("key.failed")
}

// keyWizard adds a security key: find it, its PIN (set one when it has
// none), the touch, then its name.
type keyWizard struct {
	sc     *scope
	m      *modal
	dev    KeyDevice
	hello  bool // Windows Hello: no key to find, no name to give
	err    *widget.Label
	cancel context.CancelFunc
}

func newKeyWizard(sc *scope) *keyWizard {
	return &keyWizard{sc: sc, m: newModal(sc.tr.Kind(core.KindSecurityKey), sc.win), err: errorLabel()}
}

func (w *keyWizard) show() {
	w.m.show(460)
	w.m.onClose = func() {
		if w.cancel != nil {
			w.cancel() // a touch still awaited is given up
		}
	}
	if w.hello {
		w.dev = windowsHelloOf(w.sc.keys)
		w.touch("")
		return
	}
	w.find()
}

// find is "Insert your security key".
func (w *keyWizard) find() {
	tr := w.sc.tr
	w.sc.tr.setError(w.err, nil)
	search := newButton(tr.T("key.search"), widget.HighImportance, nil, w.m.close)
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close)
	search.OnTapped = func() {
		if w.sc.keys == nil {
			w.err.SetText(tr.T("key.noSupport"))
			w.err.Show()
			return
		}
		search.Disable()
		w.m.setBusy(true)
		call(w.sc.run, func() ([]KeyDevice, error) { return w.sc.keys.List(context.Background()) }, func(ds []KeyDevice, err error) {
			w.m.setBusy(false)
			search.Enable()
			if err == nil && len(ds) == 0 {
				err = core.Errorf(core.ENOTFOUND, "%s", tr.T("key.noneFound"))
			}
			if err != nil {
				w.err.SetText(keyMessage(tr, nil, err))
				w.err.Show()
				return
			}
			w.dev = ds[0]
			if promptsItself(w.sc.keys) {
				w.touch("") // Windows asks for the PIN itself
				return
			}
			w.pin("")
		})
	}
	w.m.step(container.NewVBox(subheading(tr.T("key.insertTitle")), wrapped(tr.T("key.insertLead")), w.err), cancel, search)
	w.sc.win.Canvas().Focus(search)
}

// pin asks for the key's PIN, or for a new one when it has none; msg
// says why it is asked again.
func (w *keyWizard) pin(msg string) {
	tr := w.sc.tr
	call(w.sc.run, func() (bool, error) { return w.dev.HasPIN(context.Background()) }, func(has bool, err error) {
		if err != nil {
			w.err.SetText(keyMessage(tr, w.dev, err))
			w.err.Show()
			return
		}
		pin := newField(tr.T("key.pinPlaceholder"), w.m.close)
		pin.Password = true
		confirm := newField(tr.T("key.pinConfirm"), w.m.close)
		confirm.Password = true
		next := newButton(tr.T("common.next"), widget.HighImportance, nil, w.m.close)
		next.OnTapped = func() {
			p := pin.Text
			if !has {
				if err := checkNewPIN(tr, p, confirm.Text); err != nil {
					w.err.SetText(err.Error())
					w.err.Show()
					return
				}
				call(w.sc.run, func() (struct{}, error) { return struct{}{}, w.dev.SetPIN(context.Background(), p) }, func(_ struct{}, err error) {
					if err != nil {
						w.err.SetText(keyMessage(tr, w.dev, err))
						w.err.Show()
						return
					}
					w.touch(p)
				})
				return
			}
			w.touch(p)
		}
		pin.OnSubmitted = func(string) { next.OnTapped() }
		confirm.OnSubmitted = func(string) { next.OnTapped() }
		rows := container.NewVBox(wrapped(tr.F("key.found", "Name", w.dev.Name())))
		if has {
			rows.Add(wrapped(tr.T("key.pinLead")))
			rows.Add(pin)
		} else {
			rows.Add(wrapped(tr.T("key.setPinLead")))
			rows.Add(pin)
			rows.Add(confirm)
		}
		rows.Add(w.err)
		w.sc.tr.setError(w.err, nil)
		if msg != "" {
			w.err.SetText(msg)
			w.err.Show()
		}
		back := newButton(tr.T("common.back"), widget.MediumImportance, w.find, w.m.close)
		w.m.step(rows, back, next)
		w.sc.win.Canvas().Focus(pin)
	})
}

// checkNewPIN is a FIDO2 PIN's rule: 4 to 63 characters, typed twice.
func checkNewPIN(tr text, pin, again string) error {
	if n := utf8.RuneCountInString(pin); n < 4 || len(pin) > 63 {
		return errors.New(tr.T("key.pinRule"))
	}
	if pin != again {
		return errors.New(tr.T("key.pinMismatch"))
	}
	return nil
}

// touch asks the core for a challenge and the key for its credential,
// waiting for the touch, then registers the key.
func (w *keyWizard) touch(pin string) {
	tr := w.sc.tr
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	stop := newButton(tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close)
	lead := tr.T("key.touchLead")
	switch {
	case w.hello:
		lead = tr.T("hello.lead")
	case promptsItself(w.sc.keys):
		lead = tr.T("key.windowsLead")
	}
	reg := core.KeyRegistration{Name: tr.Kind(core.KindSecurityKey)}
	if w.hello {
		// Bound to this computer: registered under its name.
		reg = core.KeyRegistration{Name: w.sc.computer, Attachment: core.AttachmentPlatform, Transports: []string{"internal"}}
	}
	w.m.step(container.NewVBox(subheading(tr.T("key.touchTitle")), wrapped(lead), widget.NewProgressBarInfinite()), stop)
	u, dev := w.sc, w.dev
	call(u.run, func() (*core.MethodView, error) {
		ch, err := u.svc.BeginSecurityKey(u.ctx, u.acct.ID)
		if err != nil {
			return nil, err
		}
		if !u.rpFits(ch.RelyingPartyID) {
			return nil, core.Errorf(core.EFORBIDDEN, "%s", tr.F("key.wrongSite", "RP", ch.RelyingPartyID))
		}
		rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
		cd := rp.ClientData(true, ch.Challenge)
		id, att, err := dev.MakeCredential(ctx, rp.ID, cd, ch.UserID, ch.UserName, pin, ch.Credentials)
		if err == nil {
			err = ctx.Err() // touched as the person cancelled: the key is not added
		}
		if err != nil {
			return nil, err
		}
		reg.CredentialID, reg.ClientData, reg.AttestationObject = id, cd, att
		return u.svc.ConfirmSecurityKey(u.ctx, u.acct.ID, ch.VerificationID, reg)
	}, func(m *core.MethodView, err error) {
		if ctx.Err() != nil {
			return // cancelled
		}
		w.cancel = nil
		if err != nil {
			if errors.Is(err, ErrKeyPINInvalid) {
				w.pin(keyMessage(tr, dev, err))
				return
			}
			w.err.SetText(keyMessage(tr, dev, err))
			w.err.Show()
			back := newButton(tr.T("common.back"), widget.MediumImportance, w.find, w.m.close)
			if w.hello {
				back = newButton(tr.T("common.close"), widget.MediumImportance, w.m.close, w.m.close)
			}
			w.m.step(container.NewVBox(w.err), back)
			return
		}
		if w.hello {
			successStep(w.sc, w.m, tr.T("hello.registeredTitle"), tr.F("hello.registered", "Computer", m.Detail))
			return
		}
		w.name(m)
	})
}

// name lets the person name the key, then ends on success.
func (w *keyWizard) name(m *core.MethodView) {
	tr := w.sc.tr
	name := newField(tr.T("key.namePlaceholder"), w.m.close)
	name.SetText(m.Detail)
	save := newButton(tr.T("common.save"), widget.HighImportance, nil, w.m.close)
	save.OnTapped = func() {
		n := strings.TrimSpace(name.Text)
		call(w.sc.run, func() (struct{}, error) {
			if n == "" || n == m.Detail {
				return struct{}{}, nil
			}
			_, err := w.sc.svc.RenameMethod(w.sc.ctx, w.sc.acct.ID, m.ID, n)
			return struct{}{}, err
		}, func(_ struct{}, err error) {
			if err != nil {
				w.sc.tr.setError(w.err, err)
				return
			}
			if n == "" {
				n = m.Detail
			}
			successStep(w.sc, w.m, tr.T("key.registeredTitle"), tr.F("key.registered", "Name", n))
		})
	}
	name.OnSubmitted = func(string) { save.OnTapped() }
	w.m.step(container.NewVBox(subheading(tr.T("key.nameTitle")), name, w.err), save)
	w.sc.win.Canvas().Focus(name)
}

// keySignIn is "Use a security key" at sign-in: the PIN, then the touch.
func (s *secondStep) keySignIn() {
	tr := s.d.tr
	u := s.d
	pin := newField(tr.T("key.pinPlaceholder"), nil)
	pin.Password = true
	errL := errorLabel()
	busy := widget.NewProgressBarInfinite()
	busy.Hide()
	var start func()
	cont := newButton(tr.T("key.continue"), widget.HighImportance, func() { start() }, nil)
	pin.OnSubmitted = func(string) { start() }
	other := link(tr.T("signin.anotherWay"), s.showOptions)
	lead := tr.T("key.signInLead")
	if promptsItself(u.keys) {
		pin.Hide() // Windows asks for the PIN, or Windows Hello's face or finger
		lead = tr.T("key.signInLeadWindows")
	}
	box := container.NewVBox(heading(tr.T("signin.verifyTitle")), wrapped(lead), pin, errL, busy,
		container.NewHBox(cont), container.NewHBox(other))
	s.codeBox = box
	start = func() {
		if u.keys == nil {
			errL.SetText(tr.T("key.noSupport"))
			errL.Show()
			return
		}
		p := pin.Text
		o := s.option
		ctx, cancel := context.WithCancel(context.Background())
		s.keyCancel = cancel
		cont.Disable()
		busy.Show()
		errL.Importance = widget.MediumImportance
		if promptsItself(u.keys) {
			errL.SetText(tr.T("key.windowsLead"))
		} else {
			errL.SetText(tr.T("key.touchLead"))
		}
		errL.Show()
		var dev KeyDevice
		call(u.run, func() (*core.SignInStep, error) {
			var vid string
			var a core.KeyAssertion
			var err error
			dev, vid, a, err = u.keyAssert(ctx, p, func() (*core.KeyChallenge, error) { return u.svc.BeginKeySignIn(u.ctx, s.pending.ID) })
			if err != nil {
				return nil, err
			}
			return u.svc.FinishKeySignIn(u.ctx, s.pending.ID, vid, a)
		}, func(step *core.SignInStep, err error) {
			if s.option != o || ctx.Err() != nil {
				return // another way was chosen meanwhile
			}
			s.keyCancel = nil
			busy.Hide()
			cont.Enable()
			pin.SetText("")
			if err != nil {
				errL.Importance = widget.DangerImportance
				errL.SetText(keyMessage(tr, dev, err))
				errL.Show()
				if code := core.ErrorCode(err); code == core.ELOCKED || code == core.ENOTFOUND && dev != nil {
					newSignInScreen(u, keyMessage(tr, dev, err)).show()
				}
				return
			}
			u.signedIn(step)
		})
	}
	u.show(box)
	u.win.Canvas().Focus(pin)
}

var _ fyne.Focusable = (*field)(nil)

// keyAssert finds the security key plugged in, asks begin for the core's
// challenge and has the key answer it with pin, waiting for the touch
// until ctx ends. It blocks: the window calls it off the UI goroutine.
// dev is the key found, for the PIN tries left.
func (sc *scope) keyAssert(ctx context.Context, pin string, begin func() (*core.KeyChallenge, error)) (dev KeyDevice, vid string, a core.KeyAssertion, err error) {
	ds, err := sc.keys.List(context.Background())
	if err != nil {
		return nil, "", a, err
	}
	if len(ds) == 0 {
		return nil, "", a, core.Errorf(core.ENOTFOUND, "%s", sc.tr.T("key.noneFound"))
	}
	dev = ds[0]
	ch, err := begin()
	if err != nil {
		return dev, "", a, err
	}
	if !sc.rpFits(ch.RelyingPartyID) {
		return dev, "", a, core.Errorf(core.EFORBIDDEN, "%s", sc.tr.F("key.wrongSite", "RP", ch.RelyingPartyID))
	}
	rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
	cd := rp.ClientData(false, ch.Challenge)
	id, ad, sig, err := dev.GetAssertion(ctx, rp.ID, cd, ch.Credentials, pin)
	if err == nil {
		err = ctx.Err() // touched as the person went on: the answer is not sent
	}
	if err != nil {
		return dev, "", a, err
	}
	return dev, ch.VerificationID, core.KeyAssertion{CredentialID: id, ClientData: cd, AuthenticatorData: ad, Signature: sig}, nil
}

// rpFits says whether the window lets a key sign for rpID. Unlike a
// browser the window builds the client data itself, so with the central
// service it accepts only the server's own domain or a parent of it (or
// any, for a server on this computer): a server may not have the key
// sign for another site. On a data folder the window is the relying
// party itself.
func (sc *scope) rpFits(rpID string) bool {
	place := sc.place
	if !strings.HasPrefix(place, "https://") && !strings.HasPrefix(place, "http://") {
		return true
	}
	host := place[strings.Index(place, "//")+2:]
	if i := strings.IndexAny(host, "/"); i >= 0 {
		host = host[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
		return true
	}
	rpID = strings.ToLower(rpID)
	return rpID != "" && (host == rpID || strings.HasSuffix(host, "."+rpID))
}
