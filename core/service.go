package core

import (
	"context"
	"time"
)

// Service is what the desktop window, the command line and the central
// service's clients call. It is served in-process over a Store (NewLocal)
// and, for an organisation, over HTTP by the remote client, so callers do
// not know which they have. It is the sum of small interfaces, one for each
// kind of caller, so a piece that needs one of them asks for that one. The
// acting person comes from the context (WithActor). Errors are *Error
// values with the codes of error.go and the reason keys of reason.go.
type Service interface {
	AccountService
	MethodService
	RegistrationService
	ProofService
	AfterSignInService
	SignInService
	HelpdeskService
	ResetService
	AuditService
	PolicyService
	SessionService
	ApplicationService
	ReportService
}

// SessionService is the Devices page: where one is signed in.
type SessionService interface {
	// Sessions lists the account's live sessions, most recently used first.
	Sessions(ctx context.Context, accountID string) ([]SessionView, error)
	// EndSession signs out one session (by SessionView.ID).
	EndSession(ctx context.Context, accountID, sessionID string) error
	// SignOutEverywhere ends every session of the account, this one too.
	SignOutEverywhere(ctx context.Context, accountID string) error
}

// AccountService creates and finds accounts: the first-run form, and
// administrators.
type AccountService interface {
	// NeedsFirstAccount reports whether the store has no account yet.
	NeedsFirstAccount(ctx context.Context) (bool, error)
	// CreateFirstAccount creates the first account of an empty store, an
	// administrator, with no actor; ECONFLICT once any account exists.
	CreateFirstAccount(ctx context.Context, n NewAccount) (*Account, error)
	// CreateAccount creates an account (an administrator signed in with two
	// steps, or the local administrator); ECONFLICT for a name that is
	// taken or looks like one that is.
	CreateAccount(ctx context.Context, n NewAccount) (*Account, error)
	// Accounts lists every account (administrators and the help desk).
	Accounts(ctx context.Context) ([]*Account, error)
	// AccountByName finds one's own account, or one the actor may act on.
	AccountByName(ctx context.Context, name string) (*Account, error)
}

// MethodService is the Security info page: what an account has, and the
// changes its owner (or, for deleting, staff) makes to it.
type MethodService interface {
	// SecurityInfo returns an account's methods, default and requirements.
	SecurityInfo(ctx context.Context, accountID string) (*SecurityInfo, error)
	// AvailableKinds lists the kinds the account may still add.
	AvailableKinds(ctx context.Context, accountID string) ([]MethodKind, error)
	// DefaultChoices lists the choices for the default sign-in method.
	DefaultChoices(ctx context.Context, accountID string) ([]DefaultChoice, error)
	// SetDefault makes a method (through a channel; "" for its own) the
	// default sign-in method.
	SetDefault(ctx context.Context, accountID, methodID string, channel Channel) (*DefaultChoice, error)
	// RenameMethod renames an authenticator app or security key.
	RenameMethod(ctx context.Context, accountID, methodID, name string) (*Method, error)
	// PreviewDelete says what deleting a method would do, changing nothing.
	PreviewDelete(ctx context.Context, accountID, methodID string) (*DeletePreview, error)
	// DeleteMethod deletes a method, or schedules the removal when it is the
	// last security info, and returns what was done.
	DeleteMethod(ctx context.Context, accountID, methodID string) (*DeletePreview, error)
	// CancelRemoval cancels a scheduled removal of the last security info.
	CancelRemoval(ctx context.Context, accountID string) error
	// DeleteOwnAccessPass ends the owner's own Temporary Access Pass
	// (ENOTFOUND without one).
	DeleteOwnAccessPass(ctx context.Context, accountID string) error
	// ChangePassword changes the signed-in account's own password.
	ChangePassword(ctx context.Context, accountID, current, next string) error
	// RecentActivity lists the account's audit events, newest first.
	RecentActivity(ctx context.Context, accountID string, limit int) ([]*AuditEvent, error)
}

// RegistrationService adds methods: each is saved only once proven.
type RegistrationService interface {
	// BeginPhone checks a number and sends it a code (a phone, alternate or
	// office phone being added). Nothing is added until Confirm.
	BeginPhone(ctx context.Context, accountID string, r PhoneRequest) (*Challenge, error)
	// BeginEmail checks an address and sends it a code.
	BeginEmail(ctx context.Context, accountID, address, language string) (*Challenge, error)
	// BeginEmailChange sends a code to a new address for the email method
	// methodID; Confirm then puts it in the old one's place. (A phone is
	// changed by BeginPhone with PhoneRequest.Replaces.)
	BeginEmailChange(ctx context.Context, accountID, methodID, address, language string) (*Challenge, error)
	// BeginSecurityKey issues a challenge for registering a security key
	// (the desktop talks to the key); ConfirmSecurityKey checks the key's
	// answer and adds it.
	BeginSecurityKey(ctx context.Context, accountID string) (*KeyChallenge, error)
	ConfirmSecurityKey(ctx context.Context, accountID, verificationID string, r KeyRegistration) (*MethodView, error)
	// BeginAuthenticator makes a new app secret; the app's first code confirms it.
	BeginAuthenticator(ctx context.Context, accountID, name string) (*Enrolment, error)
	// Confirm checks the code of a Begin call and adds the method.
	// A wrong code is EWRONGCODE saying how many tries are left.
	Confirm(ctx context.Context, accountID, verificationID, code string) (*MethodView, error)
	// Resend sends a new code in place of the old one (ELIMITED too soon).
	Resend(ctx context.Context, accountID, verificationID string) (*Challenge, error)
	// QuestionBank lists the security questions in a language.
	QuestionBank(ctx context.Context, lang string) ([]Question, error)
	// AddQuestions registers the policy's number of security questions.
	AddQuestions(ctx context.Context, accountID string, qas []QuestionAnswer) (*MethodView, error)
	// ChangeQuestions answers the policy's number of questions again, in
	// place of the registered ones.
	ChangeQuestions(ctx context.Context, accountID string, qas []QuestionAnswer) (*MethodView, error)
	// AddRecoveryCodes makes the owner's set of recovery codes and returns
	// them, the only time they are shown (ECONFLICT with a set already).
	AddRecoveryCodes(ctx context.Context, accountID string) (*RecoveryCodes, error)
	// NewRecoveryCodes ("Get new codes") replaces the set: the old codes
	// stop working at once (ENOTFOUND without a set).
	NewRecoveryCodes(ctx context.Context, accountID string) (*RecoveryCodes, error)
}

// ProofService lets an owner prove a method already registered.
type ProofService interface {
	// ProveMethod sends a code to an existing phone or address, shown masked.
	ProveMethod(ctx context.Context, accountID, methodID string, channel Channel) (*Challenge, error)
	// VerifyCode checks a code sent by ProveMethod.
	VerifyCode(ctx context.Context, accountID, verificationID, code string) error
	// VerifyAuthenticator checks a code from a registered app, each once.
	VerifyAuthenticator(ctx context.Context, accountID, methodID, code string) error
	// AskQuestions draws the policy's reset count of registered questions.
	AskQuestions(ctx context.Context, accountID, lang string) (*QuestionChallenge, error)
	// CheckAnswers checks answers (by question ID) to AskQuestions.
	CheckAnswers(ctx context.Context, accountID, verificationID string, answers map[string]string) error
}

// AfterSignInService is what the window asks right after sign-in: "Keep
// your account secure" and "Verify your security info".
type AfterSignInService interface {
	// CheckAfterSignIn says whether to ask for registration or for a review
	// of the security info right after sign-in.
	CheckAfterSignIn(ctx context.Context, accountID string) (*AfterSignIn, error)
	// SnoozeRegistration puts off "Keep your account secure" (policy's count).
	SnoozeRegistration(ctx context.Context, accountID string) error
	// SkipReconfirm puts off the review 24 hours, for at most 7 days.
	SkipReconfirm(ctx context.Context, accountID string) error
	// ConfirmSecurityInfo records that the person reviewed their info.
	ConfirmSecurityInfo(ctx context.Context, accountID string) error
}

// SignInService signs people in and out; it needs no actor.
type SignInService interface {
	// SignIn checks an account name and password. With a sign-in method
	// registered the result is a pending two-step sign-in; without, a
	// session. Wrong names and passwords get the same answer, and count
	// toward the sign-in lockout.
	SignIn(ctx context.Context, name, password string) (*SignInStep, error)
	// SendSignInCode sends a code to a phone of a pending sign-in.
	SendSignInCode(ctx context.Context, signInID, methodID string, channel Channel) (*Challenge, error)
	// FinishSignIn checks the second factor (verificationID is "" for an
	// app) and returns the session.
	FinishSignIn(ctx context.Context, signInID, methodID, verificationID, code string) (*SignInStep, error)
	// BeginKeySignIn issues a challenge for the second step with one of
	// the account's security keys; FinishKeySignIn checks the key's
	// assertion (signature, counter) and finishes the sign-in.
	BeginKeySignIn(ctx context.Context, signInID string) (*KeyChallenge, error)
	FinishKeySignIn(ctx context.Context, signInID, verificationID string, r KeyAssertion) (*SignInStep, error)
	// SignInWithPass signs in with a Temporary Access Pass in place of the
	// password and the second step.
	SignInWithPass(ctx context.Context, name, pass string) (*SignInStep, error)
	// ResumeSession returns a session that has not ended or expired, and
	// its account, without counting as use of it.
	ResumeSession(ctx context.Context, sessionID string) (*SignedIn, error)
	// SignOut ends a session.
	SignOut(ctx context.Context, sessionID string) error
}

// ResetService is self-service password reset, for any name; it needs no
// actor, and its answers never tell whether an account exists.
type ResetService interface {
	// StartReset begins a self-service password reset for any name.
	StartReset(ctx context.Context, name string) (*ResetState, error)
	// ResetSendCode sends a code to a phone or address of the reset.
	ResetSendCode(ctx context.Context, resetID, optionID string) (*Challenge, error)
	// ResetVerify checks a code (verificationID "" for an app).
	ResetVerify(ctx context.Context, resetID, optionID, verificationID, code string) (*ResetState, error)
	// ResetQuestions draws the security questions to answer.
	ResetQuestions(ctx context.Context, resetID, optionID, lang string) (*QuestionChallenge, error)
	// ResetAnswer checks the answers to ResetQuestions.
	ResetAnswer(ctx context.Context, resetID, optionID, verificationID string, answers map[string]string) (*ResetState, error)
	// ResetKeyChallenge issues a challenge for the reset's security key
	// option; ResetKeyVerify checks the key's assertion.
	ResetKeyChallenge(ctx context.Context, resetID, optionID string) (*KeyChallenge, error)
	ResetKeyVerify(ctx context.Context, resetID, optionID, verificationID string, r KeyAssertion) (*ResetState, error)
	// ResetPassword sets the new password once enough methods are proven.
	ResetPassword(ctx context.Context, resetID, password string) error
}

// AuditService reads and checks the audit log (administrators, and the
// help desk for reading).
type AuditService interface {
	// AuditLog lists audit events, oldest first.
	AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
	// VerifyAudit checks the whole audit chain: the number of events, and
	// the first break (nil when intact).
	VerifyAudit(ctx context.Context) (*AuditReport, error)
	// RecordOutboxView audits an administrator reading every account's
	// messages in the local outbox; anyone else sees only their own.
	RecordOutboxView(ctx context.Context) error
}

// PolicyService reads the organisation's policy (anyone) and changes it
// (administrators).
type PolicyService interface {
	Policy(ctx context.Context) (*Policy, error)
	// SetPolicy applies KEY=VALUE pairs (admins only); all or nothing.
	SetPolicy(ctx context.Context, pairs []string) (*Policy, error)
}

// SignedIn is a live session and its account.
type SignedIn struct {
	Session *Session `json:"session"`
	Account *Account `json:"account"`
}

// AuditReport is what VerifyAudit found: how many events there are, and
// the first break, nil when the chain is intact.
type AuditReport struct {
	Events int         `json:"events"`
	Break  *AuditBreak `json:"break"`
}

// SecurityInfo is what the Security info page shows for one account.
type SecurityInfo struct {
	Account        *Account        `json:"account"`
	Methods        []MethodView    `json:"methods"`
	Default        *DefaultChoice  `json:"default"`
	Requirements   Requirements    `json:"requirements"`
	PendingRemoval *PendingRemoval `json:"pendingRemoval"`
	// AccessPass is the account's active Temporary Access Pass (nil
	// without one); its owner may delete it.
	AccessPass *AccessPassView `json:"accessPass"`
	// Directory is the person's numbers in the organisation's directory
	// (nil without a directory or numbers): rows "from your
	// organization's directory", read-only here. Masked for anyone but
	// the owner.
	Directory *DirectoryPhones `json:"directory,omitempty"`
	// OrganizationPassword is set where the password is the
	// organisation's directory's: the Password page says so, and a change
	// or reset is refused by the directory's own rules (directory.password*
	// reasons).
	OrganizationPassword bool `json:"organizationPassword,omitempty"`
}

// PendingRemoval is a scheduled removal of the last security info.
type PendingRemoval struct {
	MethodID    string     `json:"methodId"`
	Kind        MethodKind `json:"kind"`
	EffectiveAt time.Time  `json:"effectiveAt"`
}

// MethodView is a method as shown to its owner and printed by
// `securityinfoctl methods list --json`. It carries no secret.
type MethodView struct {
	ID         string     `json:"id"`
	Kind       MethodKind `json:"kind"`
	Detail     string     `json:"detail"` // E.164 number, address, or the app's name
	Extension  string     `json:"extension,omitempty"`
	Channel    Channel    `json:"channel"`
	Name       string     `json:"name"`
	IsDefault  bool       `json:"isDefault"`
	UsableFor  []Usage    `json:"usableFor"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	Language   string     `json:"language"`
	// CodesLeft of CodesTotal recovery codes are unused (CodesTotal is 0
	// for other kinds); CodesLow: RecoveryCodesLow or fewer, the page warns.
	CodesLeft  int  `json:"codesLeft,omitempty"`
	CodesTotal int  `json:"codesTotal,omitempty"`
	CodesLow   bool `json:"codesLow,omitempty"`
}

// View returns the method as its owner sees it.
func (m *Method) View(def *DefaultChoice) MethodView {
	v := MethodView{
		ID: m.ID, Kind: m.Kind, Detail: m.Detail, Extension: m.Extension, Channel: m.Channel, Name: m.Name,
		IsDefault: def != nil && def.MethodID == m.ID, UsableFor: m.UsableFor(),
		CreatedAt: m.CreatedAt.UTC(), Language: m.Language,
	}
	if v.Name == "" {
		ki, _ := m.Kind.Info()
		v.Name = ki.Label
	}
	if v.Detail == "" && m.Kind == KindAuthenticatorApp || m.Kind == KindSecurityKey {
		v.Detail = m.Name // a key's credential ID is not for showing
	}
	if !m.LastUsedAt.IsZero() {
		t := m.LastUsedAt.UTC()
		v.LastUsedAt = &t
	}
	return v
}

// Actor is the person (or tool) on whose behalf a call is made.
type Actor struct {
	AccountID string
	Name      string
	Role      Role
	Source    string // "desktop", "cli", "helpdesk", "api"
	// SessionID is the signed-in session the call comes from; the core
	// checks it has not ended and, for changes to security info, that it
	// passed two-step verification when the account has a method.
	SessionID string
	// mustChange: the account's password was set by the help desk and
	// not changed since, so the actor has no staff power (caller).
	mustChange bool
}

// LocalAdministrator is the actor of the command line on a local data
// folder: whoever can read the folder and the key administers it.
var LocalAdministrator = Actor{Name: "local administrator", Role: RoleAdmin, Source: "cli"}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, and false when there is none.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
