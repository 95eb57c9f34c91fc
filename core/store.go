package core

import (
	"context"
	"time"
)

// Store keeps accounts, methods, policy and the audit log. Every change the
// service makes to one account happens inside one Update, so a rule that
// reads and then writes (delete and move the default, consume a code) is
// atomic. The SQLite store implements it now, PostgreSQL later.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed when fn returns
	// nil and rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Preload names the rows a request on one account reads first: the
// acting session, the account, one of its methods and one of its failure
// counters (empty names are not read).
type Preload struct {
	SessionID, AccountID, MethodID, Subject string
}

// A Preloader is a Tx that can read a Preload's rows in one statement (a
// round trip and a statement's work instead of four, in the central
// service's busiest request). The Tx then answers the first read of each
// of those rows, and Policy, from what it read, until a write that could
// change them. It is only a shortcut: the answers are the rows as the
// transaction would read them, and where a row is missing every read
// goes to the database as before, so the gate's rules and errors do not
// change.
type Preloader interface {
	Preload(p Preload) error
}

// Preloaded holds the rows a Preloader read, for its Tx: each is handed
// out once (Take…), to the first read of that row; a store forgets them
// all (sets its Preloaded to nil) before a write that could change them.
// A nil *Preloaded hands out nothing.
type Preloaded struct {
	HavePolicy bool    // PolicyKey was read
	PolicyKey  *string // the store's key of its policy row (its text or a digest); nil: no row
	Account    *Account
	Session    *Session
	Method     *Method
	Counter    *FailureCounter
}

// TakePolicyKey returns the policy's key once; ok is false when it was
// not preloaded (or was taken), and key nil when there is no policy row.
func (p *Preloaded) TakePolicyKey() (key *string, ok bool) {
	if p == nil || !p.HavePolicy {
		return nil, false
	}
	p.HavePolicy = false
	return p.PolicyKey, true
}

// TakeAccount returns the preloaded account if it is id.
func (p *Preloaded) TakeAccount(id string) *Account {
	if p == nil || p.Account == nil || p.Account.ID != id {
		return nil
	}
	a := p.Account
	p.Account = nil
	return a
}

// TakeSession returns the preloaded session if it is id.
func (p *Preloaded) TakeSession(id string) *Session {
	if p == nil || p.Session == nil || p.Session.ID != id {
		return nil
	}
	s := p.Session
	p.Session = nil
	return s
}

// TakeMethod returns the preloaded method if it is id.
func (p *Preloaded) TakeMethod(id string) *Method {
	if p == nil || p.Method == nil || p.Method.ID != id {
		return nil
	}
	m := p.Method
	p.Method = nil
	return m
}

// TakeCounter returns the preloaded failure counter if it is accountID's
// for subject.
func (p *Preloaded) TakeCounter(accountID, subject string) *FailureCounter {
	if p == nil || p.Counter == nil || p.Counter.AccountID != accountID || p.Counter.Subject != subject {
		return nil
	}
	c := p.Counter
	p.Counter = nil
	return c
}

// WithoutSession is what stays right after a write of session id alone:
// the other rows, unless that session's own row was not handed out yet
// (then nothing).
func (p *Preloaded) WithoutSession(id string) *Preloaded {
	if p == nil || p.Session != nil && p.Session.ID == id {
		return nil
	}
	return p
}

// Tx is what a store transaction can do. Lookups return ENOTFOUND when the
// row is not there; creating a duplicate returns ECONFLICT.
type Tx interface {
	AccountTx
	MethodTx
	CodeTx
	SessionTx
	DeliveryTx
	AuditTx
	HelpdeskTx
	PolicyTx
	ApplicationTx
	ReportTx
}

// AccountTx is the part of Tx over the accounts, sign-in names and their counters.
type AccountTx interface {
	CreateAccount(a *Account) error
	UpdateAccount(a *Account) error
	Account(id string) (*Account, error)
	AccountByName(name string) (*Account, error)

	// Accounts lists every account, by name.
	Accounts() ([]*Account, error)
	CountAccounts() (int, error)

	// SignInCounter returns the failed sign-ins of an account name (which
	// need not exist), zero when none.
	SignInCounter(name string) (*FailureCounter, error)
	SaveSignInCounter(c *FailureCounter) error
}

// MethodTx is the part of Tx over methods, their answers and steps.
type MethodTx interface {
	// Methods lists an account's methods, oldest first.
	Methods(accountID string) ([]*Method, error)
	Method(id string) (*Method, error)
	CreateMethod(m *Method) error
	UpdateMethod(m *Method) error
	DeleteMethod(id string) error

	// AdvanceTOTPStep sets a method's last accepted TOTP step (or a key's
	// signature counter) to step if it is below it, and its last use to
	// usedAt, in one conditional write, and reports whether it did: a time
	// step is accepted once only.
	AdvanceTOTPStep(methodID string, step int64, usedAt time.Time) (bool, error)

	// SaveRecoveryCodes stores the keyed hashes of a recovery-code set,
	// in place of any the method had: the old codes stop working in the
	// same transaction.
	SaveRecoveryCodes(methodID string, hashes []string) error

	// RecoveryCodesLeft counts a set's codes not used yet, and all of them.
	RecoveryCodesLeft(methodID string) (left, total int, err error)

	// UseRecoveryCode marks the unused code with hash in methodID's set
	// used at the time given, in one conditional write, and reports
	// whether it did: of many uses of one code at once exactly one
	// succeeds; a used or unknown hash reports false.
	UseRecoveryCode(methodID, hash string, at time.Time) (bool, error)

	// CreateAnswers stores the hashed answers of a security-questions method.
	CreateAnswers(methodID string, answers []StoredAnswer) error

	// Answers lists them in the order registered.
	Answers(methodID string) ([]StoredAnswer, error)

	// QuestionDraw returns the security questions last drawn from a
	// method, ENOTFOUND when none were.
	QuestionDraw(methodID string) (*QuestionDraw, error)
	SaveQuestionDraw(d *QuestionDraw) error
}

// CodeTx is the part of Tx over verifications (codes and challenges), sends and their limits, failure counters.
type CodeTx interface {
	CreateVerification(v *Verification) error
	Verification(id string) (*Verification, error)
	UpdateVerification(v *Verification) error
	DeleteVerification(id string) error

	// UseVerification marks a verification used at the time given, in one
	// conditional write: it reports false when it was already used, so of
	// many concurrent uses exactly one succeeds.
	UseVerification(id string, at time.Time) (bool, error)

	// EndVerifications marks every unused verification of an account with
	// the given purpose used at the time given (a password change ends the
	// account's pending sign-ins).
	EndVerifications(accountID, purpose string, at time.Time) error

	// DeleteExpiredVerifications removes verifications that expired before t.
	DeleteExpiredVerifications(before time.Time) error
	RecordSend(s Send) error
	DeleteSend(s Send) error

	// SendTimes lists the times of the sends matching f, oldest first.
	SendTimes(f SendFilter) ([]time.Time, error)

	// FailureCounter returns the counter of a subject, zero when none.
	FailureCounter(accountID, subject string) (*FailureCounter, error)
	SaveFailureCounter(c *FailureCounter) error

	// ClearFailureCounters removes every failure counter and method lock of
	// an account (the help desk's unlock).
	ClearFailureCounters(accountID string) error
}

// SessionTx is the part of Tx over sessions and password resets.
type SessionTx interface {
	CreateSession(s *Session) error
	Session(id string) (*Session, error)
	UpdateSession(s *Session) error

	// Sessions lists an account's sessions that have not ended, the most
	// recently used first.
	Sessions(accountID string) ([]*Session, error)

	// EndSessions ends every session of an account that has not ended,
	// but the one named except (which may be "").
	EndSessions(accountID, except string, at time.Time) error
	CreateReset(r *Reset) error
	Reset(id string) (*Reset, error)
	UpdateReset(r *Reset) error

	// EndResets marks every unfinished reset of an account done, but the
	// one named except (which may be "").
	EndResets(accountID, except string, at time.Time) error
}

// DeliveryTx is the part of Tx over the outbox table of messages to deliver.
type DeliveryTx interface {
	// QueueDelivery stores a message to deliver in the outbox table.
	QueueDelivery(d *Delivery) error

	// ClaimDeliveries takes up to limit deliveries due at now (NextAt at
	// or before now), the longest due first: it moves their NextAt to
	// until and counts an attempt, and returns them so changed. Deliveries
	// another transaction is claiming at the same moment are skipped
	// (PostgreSQL: FOR UPDATE SKIP LOCKED), so each is claimed once.
	ClaimDeliveries(now, until time.Time, limit int) ([]*Delivery, error)

	// RetryDelivery sets when a delivery is tried again and why it failed.
	RetryDelivery(id string, next time.Time, lastError string) error

	// DeleteDelivery removes a delivery that was delivered or given up.
	DeleteDelivery(id string) error

	// CountDeliveries is how many deliveries wait in the outbox table.
	CountDeliveries() (int, error)
}

// AuditTx is the part of Tx over the audit log and its queue.
type AuditTx interface {
	// AuditHead returns the head of the audit log with its MAC, the zero
	// AuditHead when none was written.
	AuditHead() (AuditHead, error)

	// AppendAudit stores e (already chained by Keys.Chain) and makes it the
	// head, sealed with e.HeadMAC (nil: unsealed).
	AppendAudit(e *AuditEvent) error

	// AuditEvents lists events matching f, oldest first.
	AuditEvents(f AuditFilter) ([]*AuditEvent, error)

	// QueueAudit stores an audit event waiting to be chained.
	QueueAudit(q QueuedAudit) error

	// QueuedAudit lists up to limit queued events, oldest first, and
	// holds them, so that two sequencers never chain one event twice
	// (PostgreSQL: FOR UPDATE).
	QueuedAudit(limit int) ([]QueuedAudit, error)

	// DeleteQueuedAudit removes queued events once chained.
	DeleteQueuedAudit(ids []string) error
}

// HelpdeskTx is the part of Tx over the help desk's search, identity proofs, passes and approvals.
type HelpdeskTx interface {
	// SearchAccounts lists up to limit accounts whose sign-in name starts
	// with text (by name, after the name after), then, on the first page,
	// those whose lower-cased display name does (by display name); or,
	// when digits is set, those with a phone ending with digits (by name).
	SearchAccounts(text, digits, after string, limit int) ([]*Account, error)

	// AccountDetails returns, for each account, what the help desk's
	// search shows of it: its methods, oldest first, when its newest
	// session began (zero: never) and until when sign-in under its name
	// is locked. A page of results costs a few queries, not a few each.
	AccountDetails(accts []*Account) (map[string]*AccountDetail, error)

	// IdentityProof returns what an agent proved of who is asking for an
	// account: a zero proof (no VerifiedUntil, no failures) when none.
	IdentityProof(agentID, accountID string) (*IdentityProof, error)
	SaveIdentityProof(p *IdentityProof) error
	// EndIdentityProofs ends every agent's proof of who is asking for
	// an account (a device it may have been made with was lost).
	EndIdentityProofs(accountID string) error

	// AccessPass returns an account's Temporary Access Pass, ENOTFOUND
	// when it has none. SaveAccessPass replaces it (one per account).
	AccessPass(accountID string) (*AccessPass, error)
	SaveAccessPass(p *AccessPass) error
	DeleteAccessPass(accountID string) error

	// UseAccessPass marks a one-time pass used at the time given, in one
	// conditional write: of many uses at once, exactly one reports true.
	UseAccessPass(accountID string, at time.Time) (bool, error)

	// SaveApproval stores a new request for a second agent's approval.
	// Approval returns one by ID, ENOTFOUND when there is none.
	SaveApproval(a *Approval) error
	Approval(id string) (*Approval, error)

	// PendingApprovals lists the requests f selects that are not approved
	// and not expired at f.Now, oldest first, at most f.Limit.
	PendingApprovals(f ApprovalFilter) ([]*Approval, error)

	// Approve marks a pending, unexpired request approved by approver at
	// at, lasting until until, in one conditional write: of many
	// approvals at once, exactly one reports true.
	Approve(id, approver string, at, until time.Time) (bool, error)

	// ApprovedFor returns the latest approval of kind of agentID's request
	// on accountID still in force at now, ENOTFOUND when none is.
	ApprovedFor(agentID, accountID string, kind ApprovalKind, now time.Time) (*Approval, error)
}

// ApplicationTx is the part of Tx over the applications registered to
// use the verify API (verify.go). Their secrets are kept as hashes only.
type ApplicationTx interface {
	// CreateApplication adds one; ECONFLICT when its ID or name is taken.
	CreateApplication(a *Application) error
	// Application reads one by its client ID (ENOTFOUND when none).
	Application(id string) (*Application, error)
	// Applications lists every application, by name.
	Applications() ([]*Application, error)
	// DeleteApplication removes one (ENOTFOUND when none).
	DeleteApplication(id string) error
}

// ReportTx is the part of Tx over "This wasn't me": the reports people
// make about events of their Recent activity, for the help desk.
type ReportTx interface {
	// AuditEvent reads one chained audit event by its sequence number,
	// ENOTFOUND when there is none.
	AuditEvent(seq int64) (*AuditEvent, error)
	// CreateReport stores a report; ECONFLICT when the event it is about
	// was already reported (one conditional write: of many reports of one
	// event at once, exactly one is stored).
	CreateReport(r *ActivityReport) error
	// Reports lists the reports f selects, newest first.
	Reports(f ReportFilter) ([]*ActivityReport, error)
}

// ReportFilter selects activity reports. Zero fields select everything.
type ReportFilter struct {
	AccountID string
	// Limit, when positive, keeps only the newest Limit reports.
	Limit int
}

// PolicyTx is the part of Tx over the policy and store-wide settings.
type PolicyTx interface {
	// Policy returns the saved policy, or DefaultPolicy when none was saved.
	Policy() (*Policy, error)
	SavePolicy(p *Policy) error

	// Setting returns a store-wide value ("" when unset); SetSetting sets it.
	Setting(name string) (string, error)
	SetSetting(name, value string) error
}

// AuditFilter selects audit events. Zero fields select everything.
type AuditFilter struct {
	AccountID string
	// Limit, when positive, keeps only the newest Limit events.
	Limit int
}
