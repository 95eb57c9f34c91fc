package core

import "context"

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

// Tx is what a store transaction can do. Lookups return ENOTFOUND when the
// row is not there; creating a duplicate returns ECONFLICT.
type Tx interface {
	CreateAccount(a *Account) error
	UpdateAccount(a *Account) error
	Account(id string) (*Account, error)
	AccountByName(name string) (*Account, error)
	// Accounts lists every account, by name.
	Accounts() ([]*Account, error)
	CountAccounts() (int, error)

	// Methods lists an account's methods, oldest first.
	Methods(accountID string) ([]*Method, error)
	Method(id string) (*Method, error)
	CreateMethod(m *Method) error
	UpdateMethod(m *Method) error
	DeleteMethod(id string) error

	// Policy returns the saved policy, or DefaultPolicy when none was saved.
	Policy() (*Policy, error)
	SavePolicy(p *Policy) error

	// Setting returns a store-wide value ("" when unset); SetSetting sets it.
	Setting(name string) (string, error)
	SetSetting(name, value string) error

	AuditHead() (AuditHead, error)
	// AppendAudit stores e (already chained) and makes it the head.
	AppendAudit(e *AuditEvent) error
	// AuditEvents lists events matching f, oldest first.
	AuditEvents(f AuditFilter) ([]*AuditEvent, error)
}

// AuditFilter selects audit events. Zero fields select everything.
type AuditFilter struct {
	AccountID string
	// Limit, when positive, keeps only the newest Limit events.
	Limit int
}
