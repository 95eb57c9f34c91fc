// Package core is the domain of Security info: accounts and their roles,
// the method kinds and what each may be used for, the policy, the rules
// (which method becomes the default, what a delete would do, the 30-day
// removal of the last security info, masking, phone and email parsing),
// sealing and hashing, verification codes and lockouts, the help desk's
// powers, and the audit chain.
//
// Every front end (the window in ui, the command line, the HTTP server in
// core/remote) calls the one Service interface (service.go). Local
// (local.go) is its in-process implementation over a Store (store.go),
// which the adapters core/sqlite and core/postgres implement; the client
// in core/remote implements Service again over HTTP, so a front end cannot
// tell which it has.
//
// Every operation of Local passes one gate before it reads anything
// (onAccount and caller in gate.go, onDesk in helpdesk.go): the actor's
// session is checked inside the operation's own transaction, the role is
// read again from the account, and the actor is authorized for that
// account and that kind of access. A person's mistakes come back as *Error
// with a Code and a stable reason key (error.go, reason.go); anything else
// is "Internal error.".
//
// The package imports no toolkit, no SQL driver and no HTTP server; the
// outside things it needs (stores, senders) are interfaces it declares and
// adapters in its subpackages implement (the keyring only hands it its key
// bytes). See
// docs/architecture.md for a request walked through the layers.
package core
