package core

// The audit log's actions, every one of them: each has its words in every
// language (assets/translations, "ui.action.ACTION"), and AuditActions
// lists them all (a test keeps the list and this file in step).
const (
	// Accounts.
	ActionAccountCreated    = "account.created"
	ActionPolicyChanged     = "policy.changed"
	ActionOutboxViewed      = "outbox.viewed" // an administrator read every account's messages in the local outbox
	ActionAccountUnlocked   = "account.unlocked"
	ActionReregistration    = "account.reregistrationRequired"
	ActionPasswordChanged   = "password.changed"         // by its owner
	ActionPasswordReset     = "password.reset"           // by its owner, through self-service reset
	ActionPasswordSetByDesk = "password.resetByHelpdesk" // by the help desk

	// Methods.
	ActionMethodAdded      = "method.added"
	ActionMethodChanged    = "method.changed" // a phone number or address changed to a proven one
	ActionMethodDeleted    = "method.deleted"
	ActionMethodRenamed    = "method.renamed"
	ActionMethodLocked     = "method.locked"
	ActionDefaultChanged   = "default.changed"
	ActionRemovalScheduled = "removal.scheduled"
	ActionRemovalCancelled = "removal.cancelled"
	ActionRemovalCompleted = "removal.completed"
	ActionKeyCloned        = "securityKey.cloned" // a key's sign counter went backwards
	ActionMethodLost       = "method.lost"        // a phone or app its owner lost, removed at once to be replaced

	// Sign-in and sessions.
	ActionSignedIn         = "signin.succeeded"
	ActionSignInLocked     = "signin.locked"
	ActionSessionsEnded    = "sessions.ended"    // by their owner
	ActionSessionsRevoked  = "sessions.revoked"  // by the help desk
	ActionActivityReported = "activity.reported" // "This wasn't me" about an event (Detail names it)

	// After sign-in.
	ActionRegistrationSnoozed = "registration.snoozed"
	ActionInfoConfirmed       = "info.confirmed"
	ActionReconfirmSkipped    = "reconfirm.skipped"

	// The help desk.
	ActionIdentityVerified  = "helpdesk.verified"
	ActionIdentityFailed    = "helpdesk.verifyFailed"
	ActionHelpdeskLimited   = "helpdesk.limited"
	ActionPhoneSearched     = "helpdesk.phoneSearched"
	ActionApprovalRequested = "helpdesk.approvalRequested"
	ActionApprovalGiven     = "helpdesk.approved"
	ActionPassCreated       = "tap.created"
	ActionPassDeleted       = "tap.deleted"

	// The organisation's directory.
	ActionDirectoryAdded    = "directory.added"    // a person of the directory added here (first sign-in or a sync)
	ActionDirectoryUpdated  = "directory.updated"  // their role or display name changed by a sync
	ActionDirectoryDisabled = "directory.disabled" // gone from the directory or disabled there: their access ended
	// Other systems: RADIUS clients and applications (verify.go).
	ActionVerifyStarted      = "verify.started"  // the password was right; the second step is asked
	ActionVerifyCodeSent     = "verify.codeSent" // a code was sent for a caller's check
	ActionVerifyAccepted     = "verify.accepted"
	ActionVerifyRejected     = "verify.rejected" // the reason says which step, the answer never does
	ActionApplicationCreated = "application.created"
	ActionApplicationDeleted = "application.deleted"

	// The log itself: stands in the chain for a queued event that was
	// edited in the database before it was chained.
	ActionAuditTampered = "audit.tampered"
)

// AuditActions lists every action the audit log records, so that each
// has words in every language (a test keeps it complete).
func AuditActions() []string {
	return []string{
		ActionAccountCreated, ActionPolicyChanged, ActionOutboxViewed, ActionAccountUnlocked, ActionReregistration,
		ActionPasswordChanged, ActionPasswordReset, ActionPasswordSetByDesk,
		ActionMethodAdded, ActionMethodChanged, ActionMethodDeleted, ActionMethodRenamed, ActionMethodLocked,
		ActionDefaultChanged, ActionRemovalScheduled, ActionRemovalCancelled, ActionRemovalCompleted, ActionKeyCloned, ActionMethodLost,
		ActionSignedIn, ActionSignInLocked, ActionSessionsEnded, ActionSessionsRevoked, ActionActivityReported,
		ActionRegistrationSnoozed, ActionInfoConfirmed, ActionReconfirmSkipped,
		ActionIdentityVerified, ActionIdentityFailed, ActionHelpdeskLimited, ActionPhoneSearched,
		ActionApprovalRequested, ActionApprovalGiven, ActionPassCreated, ActionPassDeleted,
		ActionDirectoryAdded, ActionDirectoryUpdated, ActionDirectoryDisabled,
		ActionVerifyStarted, ActionVerifyCodeSent, ActionVerifyAccepted, ActionVerifyRejected,
		ActionApplicationCreated, ActionApplicationDeleted,
		ActionAuditTampered,
	}
}
