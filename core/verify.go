package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"
)

// Other systems ask for a person's two steps here: a RADIUS client (a
// VPN, a Wi-Fi controller) through core/radius, and an application
// registered by an administrator through the verify API. Both go through
// the window's own sign-in (SignIn, SendSignInCode, FinishSignIn), so the
// same password check, lockout, send limits and audit apply; what differs
// is that a caller gets an answer (accepted, and who) instead of a
// session, and that the pending sign-in is bound to the caller that
// started it.

// Caller kinds.
const (
	CallerRADIUS      = "radius"
	CallerApplication = "application"
)

// Caller is another system asking for a person's two steps.
type Caller struct {
	Kind string // CallerRADIUS or CallerApplication
	// ID is the RADIUS client's name or the application's client ID;
	// Name is what the audit log shows.
	ID, Name string
	// NASAddress and Station are RADIUS's NAS-IP-Address and
	// Calling-Station-Id, for the audit log ("" when not sent).
	NASAddress, Station string
}

type callerKey struct{}

// WithCaller returns a context whose calls are made for caller.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// callerFrom returns the context's caller, nil without one.
func callerFrom(ctx context.Context) *Caller {
	c, ok := ctx.Value(callerKey{}).(Caller)
	if !ok {
		return nil
	}
	return &c
}

// signInFlow is the flow of a pending sign-in: the window's, or one bound
// to the caller that started it, so that no one else (the window's own
// sign-in routes, another application) can finish it.
func signInFlow(ctx context.Context, id string) string {
	if c := callerFrom(ctx); c != nil {
		return "signin:" + id + "|" + c.Kind + ":" + c.ID
	}
	return "signin:" + id
}

// actor is the caller as the audit log's actor.
func (c *Caller) actor() Actor {
	return Actor{Name: c.Name, Source: c.Kind}
}

// detail is where the request came from, for the audit log.
func (c *Caller) detail() string {
	parts := []string{c.Kind + " " + c.Name}
	if c.NASAddress != "" {
		parts = append(parts, "NAS "+c.NASAddress)
	}
	if c.Station != "" {
		parts = append(parts, "station "+c.Station)
	}
	return strings.Join(parts, ", ")
}

// VerifyStep is a pending two-step check: its ID and the masked ways to
// finish it (never a security key, which only the window can use).
type VerifyStep struct {
	SignInID  string         `json:"signInId"`
	Options   []SignInOption `json:"options"` // the default first
	ExpiresAt time.Time      `json:"expiresAt"`
}

// VerifyResult is a finished two-step check.
type VerifyResult struct {
	Result  string          `json:"result"` // "accepted"
	Account VerifiedAccount `json:"account"`
}

// VerifiedAccount is all a caller learns of the person it checked.
type VerifiedAccount struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Role        Role   `json:"role"`
}

// VerifyService is the two-step check other systems drive for a person:
// the RADIUS server and the verify API. The caller comes from the context
// (WithCaller); without one every call is EFORBIDDEN. Wrong names and
// passwords, a person without a usable method and one with only a
// security key all get the same EWRONGCODE; ELOCKED and ELIMITED say until
// when, as in the window.
type VerifyService interface {
	// StartVerify checks a name and password.
	StartVerify(ctx context.Context, name, password string) (*VerifyStep, error)
	// SendVerifyCode sends a code to a phone of a pending check.
	SendVerifyCode(ctx context.Context, signInID, methodID string, channel Channel) (*Challenge, error)
	// FinishVerify checks the second step (verificationID "" for an app).
	FinishVerify(ctx context.Context, signInID, methodID, verificationID, code string) (*VerifyResult, error)
}

var _ VerifyService = (*Local)(nil)

// usableOptions keeps the options a caller can use: not a security key.
func usableOptions(opts []SignInOption) []SignInOption {
	var out []SignInOption
	for _, o := range opts {
		if o.Kind != KindSecurityKey {
			out = append(out, o)
		}
	}
	return out
}

// forCaller returns the context's caller, with the per-address limits
// counted for the caller (per RADIUS client, per application).
func forCaller(ctx context.Context) (context.Context, *Caller, error) {
	c := callerFrom(ctx)
	if c == nil {
		return nil, nil, Reason(EFORBIDDEN, "signin.first", nil)
	}
	return WithClient(ctx, c.Kind+":"+c.ID), c, nil
}

// StartVerify implements VerifyService.
func (s *Local) StartVerify(ctx context.Context, name, password string) (*VerifyStep, error) {
	ctx, c, err := forCaller(ctx)
	if err != nil {
		return nil, err
	}
	step, err := s.SignIn(ctx, name, password)
	if err != nil {
		s.auditVerify(ctx, c, s.accountNamed(ctx, name), ActionVerifyRejected, ErrorMessage(err))
		return nil, err
	}
	if step.Pending == nil {
		s.auditVerify(ctx, c, step.Account, ActionVerifyRejected, "no sign-in method")
		return nil, badSignIn
	}
	opts := usableOptions(step.Pending.Options)
	if len(opts) == 0 {
		s.auditVerify(ctx, c, s.accountNamed(ctx, name), ActionVerifyRejected, "only a security key, which cannot be used here")
		return nil, badSignIn
	}
	s.auditVerify(ctx, c, s.accountNamed(ctx, name), ActionVerifyStarted, "")
	return &VerifyStep{SignInID: step.Pending.ID, Options: opts, ExpiresAt: step.Pending.ExpiresAt}, nil
}

// SendVerifyCode implements VerifyService.
func (s *Local) SendVerifyCode(ctx context.Context, signInID, methodID string, channel Channel) (*Challenge, error) {
	ctx, c, err := forCaller(ctx)
	if err != nil {
		return nil, err
	}
	_, acct, err := s.pendingSignIn(ctx, signInID)
	if err != nil {
		s.auditVerify(ctx, c, s.signInAccount(ctx, signInID), ActionVerifyRejected, ErrorMessage(err))
		return nil, err
	}
	ch, err := s.SendSignInCode(ctx, signInID, methodID, channel)
	if err != nil {
		s.auditVerify(ctx, c, acct, ActionVerifyRejected, ErrorMessage(err))
		return nil, err
	}
	s.auditVerify(ctx, c, acct, ActionVerifyCodeSent, string(ch.Channel))
	return ch, nil
}

// FinishVerify implements VerifyService.
func (s *Local) FinishVerify(ctx context.Context, signInID, methodID, verificationID, code string) (*VerifyResult, error) {
	ctx, c, err := forCaller(ctx)
	if err != nil {
		return nil, err
	}
	_, acct, err := s.pendingSignIn(ctx, signInID)
	if err != nil {
		// A replayed or expired check, or another caller's: refused, and
		// audited against the person it was for.
		s.auditVerify(ctx, c, s.signInAccount(ctx, signInID), ActionVerifyRejected, ErrorMessage(err))
		return nil, err
	}
	var m *Method
	if err := s.store.View(ctx, func(tx Tx) (err error) { m, err = ownMethod(tx, acct.ID, methodID); return err }); storeFailed(err) {
		return nil, err
	}
	if m != nil && m.Kind == KindSecurityKey {
		return nil, Errorf(EINVALID, "That method can't be used to sign in.")
	}
	step, err := s.FinishSignIn(ctx, signInID, methodID, verificationID, code)
	if err != nil {
		s.auditVerify(ctx, c, acct, ActionVerifyRejected, ErrorMessage(err))
		return nil, err
	}
	a := step.Account
	return &VerifyResult{Result: "accepted", Account: VerifiedAccount{Name: a.Name, DisplayName: a.DisplayName, Role: a.Role}}, nil
}

// verifyAccepted ends a caller's pending sign-in, once, without a
// session: it clears the name's failed sign-ins and audits the accept,
// as startSession does for the window.
func (s *Local) verifyAccepted(ctx context.Context, c *Caller, pending *Verification, acct *Account) (*SignInStep, error) {
	err := s.store.Update(ctx, func(tx Tx) error {
		used, err := tx.UseVerification(pending.ID, s.clock())
		if err != nil {
			return err
		}
		if !used {
			return Errorf(ECONFLICT, "This sign-in was already finished.")
		}
		if err := samePassword(tx, acct); err != nil {
			return err
		}
		if err := tx.SaveSignInCounter(&FailureCounter{Subject: acct.Name}); err != nil {
			return err
		}
		return s.audit(tx, c.actor(), acct, ActionVerifyAccepted, "", c.detail(), "")
	})
	if err != nil {
		return nil, err
	}
	return &SignInStep{Account: acct}, nil
}

// accountNamed reads the account of a sign-in name for the audit log (nil
// for a made-up name or a store that does not answer).
func (s *Local) accountNamed(ctx context.Context, name string) *Account {
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil
	}
	var a *Account
	_ = s.store.View(ctx, func(tx Tx) (err error) { a, err = tx.AccountByName(norm); return err })
	return a
}

// signInAccount reads the account a pending sign-in was for, whatever
// state it is in, for the audit log (nil when there is none).
func (s *Local) signInAccount(ctx context.Context, signInID string) *Account {
	var a *Account
	_ = s.store.View(ctx, func(tx Tx) error {
		v, err := tx.Verification(signInID)
		if err != nil || v.Purpose != VerifySignIn {
			return err
		}
		a, err = tx.Account(v.AccountID)
		return err
	})
	return a
}

// auditVerify audits a caller's decision about acct (nil for a made-up
// name: the attempt is still recorded, without the name typed, which may
// be a password). why is said only here, never in the answer. A failure
// to write it is logged: the answer stands.
func (s *Local) auditVerify(ctx context.Context, c *Caller, acct *Account, action, why string) {
	err := s.store.Update(ctx, func(tx Tx) error {
		return s.audit(tx, c.actor(), acct, action, "", c.detail(), why)
	})
	if err != nil {
		s.log.Error("audit a verification", "caller", c.Name, "err", Redact(err.Error()))
	}
}

// Application is a program an administrator registered to use the verify
// API. It authenticates with its ID and secret (HTTP Basic); only the
// SHA-256 of the secret is kept: the secret is 256 random bits, so a
// slow hash would add nothing but time to every call.
type Application struct {
	ID         string    `json:"id"` // the client ID
	Name       string    `json:"name"`
	SecretHash string    `json:"-"`
	CreatedAt  time.Time `json:"createdAt"`
	CreatedBy  string    `json:"createdBy"`
}

// NewApplication is an application just created, with its secret, shown
// this once.
type NewApplication struct {
	Application
	Secret string `json:"secret"`
}

// ApplicationService is the administrators' list of applications.
type ApplicationService interface {
	// CreateApplication registers an application (administrators);
	// EINVALID for a bad name, ECONFLICT for a name taken.
	CreateApplication(ctx context.Context, name string) (*NewApplication, error)
	// Applications lists them (administrators).
	Applications(ctx context.Context) ([]*Application, error)
	// DeleteApplication removes one (administrators); ENOTFOUND when none.
	DeleteApplication(ctx context.Context, id string) error
}

// secretHash is what the store keeps of an application's secret.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// validAppName checks an application's name: 1 to 64 printable characters.
func validAppName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "", Errorf(EINVALID, "Give the application a name of 1 to 64 characters, such as intranet.")
	}
	return name, nil
}

// admin checks the context's actor is an administrator signed in with two steps.
func (s *Local) admin(ctx context.Context) (Actor, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return Actor{}, err
	}
	return a, requireRole(a, sess, RoleAdmin)
}

// CreateApplication implements ApplicationService.
func (s *Local) CreateApplication(ctx context.Context, name string) (*NewApplication, error) {
	name, err := validAppName(name)
	if err != nil {
		return nil, err
	}
	a, err := s.admin(ctx)
	if err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	secret, err := s.randomHex(32)
	if err != nil {
		return nil, err
	}
	app := &Application{ID: id, Name: name, SecretHash: secretHash(secret), CreatedAt: s.clock(), CreatedBy: a.Name}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateApplication(app); err != nil {
			return err
		}
		return s.audit(tx, a, nil, ActionApplicationCreated, "", name+" ("+id+")", "")
	})
	if err != nil {
		return nil, err
	}
	return &NewApplication{Application: *app, Secret: secret}, nil
}

// Applications implements ApplicationService.
func (s *Local) Applications(ctx context.Context) ([]*Application, error) {
	if _, err := s.admin(ctx); err != nil {
		return nil, err
	}
	var out []*Application
	err := s.store.View(ctx, func(tx Tx) (err error) { out, err = tx.Applications(); return err })
	return out, err
}

// DeleteApplication implements ApplicationService.
func (s *Local) DeleteApplication(ctx context.Context, id string) error {
	a, err := s.admin(ctx)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error {
		app, err := tx.Application(id)
		if err != nil {
			return err
		}
		if err := tx.DeleteApplication(id); err != nil {
			return err
		}
		return s.audit(tx, a, nil, ActionApplicationDeleted, "", app.Name+" ("+id+")", "")
	})
}

// appAuthFailed is the one answer for a wrong client ID or secret.
var appAuthFailed = Reason(EFORBIDDEN, "application.wrongSecret", nil)

// AuthenticateApplication checks an application's client ID and secret
// and returns it. A wrong ID or secret is counted against the client
// address (the per-address limit "appauth", 10 failures a minute; a right
// one is refunded), and answered EFORBIDDEN with the reason
// "application.wrongSecret" (the server's 401), the same for both.
func (s *Local) AuthenticateApplication(ctx context.Context, id, secret string) (*Application, error) {
	claim, err := s.claimClient(ctx, "appauth")
	if err != nil {
		return nil, err
	}
	var app *Application
	err = s.store.View(ctx, func(tx Tx) (err error) { app, err = tx.Application(id); return err })
	if storeFailed(err) {
		return nil, err
	}
	want := secretHash("no application has this secret")
	if app != nil {
		want = app.SecretHash
	}
	if subtle.ConstantTimeCompare([]byte(secretHash(secret)), []byte(want)) != 1 || app == nil {
		return nil, appAuthFailed
	}
	if err := s.refundClient(ctx, claim); err != nil {
		return nil, err
	}
	return app, nil
}
