package core

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
)

// HelpdeskService is what the help desk does for a person who asks for
// help: prove who is asking, then act, each action with a reason, audited
// and told to the account's owner. An agent acts only on accounts ranked
// below them (an administrator on the help desk too), never on their own,
// and only from a session that passed two steps.
type HelpdeskService interface {
	// SearchAccounts finds people by the start of a sign-in or display
	// name, or the last digits of a phone, a page at a time, with their
	// methods masked.
	SearchAccounts(ctx context.Context, q AccountSearch) ([]AccountSummary, error)
	// BeginIdentityCheck starts proving that the person asking owns the
	// account through one of its methods: a code is sent to a phone or an
	// address, or, for an authenticator app, the person reads its current
	// code out. Counted against the agent's hourly limit.
	BeginIdentityCheck(ctx context.Context, accountID, methodID string) (*Challenge, error)
	// FinishIdentityCheck checks the code the person read out. Right, the
	// person counts as verified for IdentityProofLifetime, for this agent
	// only; three wrong codes end the check and tell the owner.
	FinishIdentityCheck(ctx context.Context, accountID, verificationID, code string) (*IdentityProof, error)
	// HelpdeskPerson reads one person again as the desk sees them: their
	// summary, and the caller's live verification of them (nil when none,
	// or no longer accepted). ENOTFOUND for an account the caller may not
	// read; EFORBIDDEN for the caller's own account or a caller who is not
	// staff with two steps.
	HelpdeskPerson(ctx context.Context, accountID string) (*HelpdeskPerson, error)
	// CreateAccessPass makes the account's Temporary Access Pass (one per
	// account, replacing any other) and returns it, the only time it is
	// shown.
	CreateAccessPass(ctx context.Context, accountID string, r AccessPassRequest) (*NewAccessPass, error)
	// DeleteAccessPass removes the account's pass.
	DeleteAccessPass(ctx context.Context, accountID, reason string) error
	// UnlockAccount clears the account's sign-in and method lockouts.
	UnlockAccount(ctx context.Context, accountID, reason string) error
	// RevokeSessions signs the account out everywhere.
	RevokeSessions(ctx context.Context, accountID, reason string) error
	// RequireReregistration removes the account's phones, apps and keys
	// (email and questions stay), ends its sessions, and makes the next
	// sign-in ask for registration, which cannot be put off.
	RequireReregistration(ctx context.Context, accountID, reason string) error
	// DeleteMethodForPerson deletes one method (a lost phone) with the
	// owner's delete rules (the delete preview).
	DeleteMethodForPerson(ctx context.Context, accountID, methodID, reason string) (*DeletePreview, error)
	// ResetPasswordForPerson sets a temporary password, returned the only
	// time it is shown, which must be changed at the next sign-in; it
	// ends the account's sessions and clears its sign-in lockout.
	ResetPasswordForPerson(ctx context.Context, accountID, reason string) (*TemporaryPassword, error)

	// RequestApproval asks a second agent to approve what one agent may
	// not do alone: acting on another administrator, or verifying a
	// person by photo ID.
	RequestApproval(ctx context.Context, accountID string, r ApprovalRequest) (*Approval, error)
	// PendingApprovals lists the other agents' requests the caller may
	// approve.
	PendingApprovals(ctx context.Context) ([]Approval, error)
	// Approve approves another agent's request, once.
	Approve(ctx context.Context, approvalID string) (*Approval, error)
	// ApprovalStatus reads a request, for the agent who asked for it or
	// one who may approve it.
	ApprovalStatus(ctx context.Context, approvalID string) (*Approval, error)
}

// TemporaryPassword is a password the help desk set: shown once, to be
// changed at the next sign-in.
type TemporaryPassword struct {
	Password   string `json:"password"`
	MustChange bool   `json:"mustChange"`
}

// temporaryPasswordLength is long enough for the rule on a password
// without a second method (15), from passAlphabet.
const temporaryPasswordLength = 16

// IdentityProofLifetime is how long a person the help desk verified stays
// verified, for the agent who verified them.
const IdentityProofLifetime = 10 * time.Minute

// identityCheckTries is how many wrong codes end an identity check, and
// how many one agent may type for one person in an hour, whatever the
// number of checks: a new check does not bring new tries.
const identityCheckTries = 3

// agentWrongCodes lists the wrong codes agent a typed for acct in the
// hour before now (each recorded as a send of purpose sendAgentWrong).
func agentWrongCodes(tx Tx, a Actor, acct *Account, now time.Time) ([]time.Time, error) {
	return tx.SendTimes(SendFilter{AccountID: a.AccountID, Destination: "person:" + acct.ID, Purpose: sendAgentWrong, Since: now.Add(-time.Hour)})
}

// IdentityProof is what an agent proved of who is asking for an account.
type IdentityProof struct {
	AgentID       string    `json:"agentId"`
	AccountID     string    `json:"accountId"`
	VerifiedUntil time.Time `json:"verifiedUntil"` // zero: not verified
	How           string    `json:"how"`           // the kind of method proven
	Failures      int       `json:"-"`             // wrong codes of the check under way
}

// AccessPass is an account's Temporary Access Pass as stored: its hash.
type AccessPass struct {
	AccountID string
	Hash      string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	OneTime   bool
	UsedAt    time.Time
}

// AccessPassView is an active Temporary Access Pass as its owner and the
// help desk see it: never the pass itself.
type AccessPassView struct {
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	OneTime   bool      `json:"oneTime"`
}

// View returns the pass as shown, or nil when it no longer signs anyone
// in at now (expired, or a one-time pass used).
func (p *AccessPass) View(now time.Time) *AccessPassView {
	if p == nil || !now.Before(p.ExpiresAt) || p.OneTime && !p.UsedAt.IsZero() {
		return nil
	}
	return &AccessPassView{CreatedAt: p.CreatedAt, ExpiresAt: p.ExpiresAt, OneTime: p.OneTime}
}

// activePass reads the account's pass as shown (nil without one).
func activePass(tx Tx, accountID string, now time.Time) (*AccessPassView, error) {
	ap, err := tx.AccessPass(accountID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return ap.View(now), nil
}

// DeleteOwnAccessPass implements Service: the owner ends their own
// Temporary Access Pass (audited, and the other contacts told).
func (s *Local) DeleteOwnAccessPass(ctx context.Context, accountID string) error {
	var notices []queued
	err := s.onAccount(ctx, accountID, prove, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		if _, err := tx.AccessPass(acct.ID); ErrorCode(err) == ENOTFOUND {
			return Reason(ENOTFOUND, "tap.none", nil)
		} else if err != nil {
			return err
		}
		if err := s.endAccessPass(tx, a, acct, "deleted by its owner", ""); err != nil {
			return err
		}
		var err error
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.passDeletedByOwner"})
		return err
	})
	if err != nil {
		return err
	}
	s.sendNotices(ctx, notices)
	return nil
}

// AccessPassRequest asks for a pass. Zero LifetimeMinutes and Length take
// the policy's; OneTime nil takes the policy's. A Length below the
// policy's, or a reusable pass where the policy makes every pass
// one-time, is refused.
type AccessPassRequest struct {
	LifetimeMinutes int    `json:"lifetimeMinutes,omitempty"`
	Length          int    `json:"length,omitempty"`
	OneTime         *bool  `json:"oneTime,omitempty"`
	Reason          string `json:"reason"`
}

// NewAccessPass is a pass just made: shown once, never again.
type NewAccessPass struct {
	Pass      string    `json:"pass"`
	ExpiresAt time.Time `json:"expiresAt"`
	OneTime   bool      `json:"oneTime"`
}

// Send purposes counting what one agent does in an hour.
const (
	sendAgentVerify = "agent-verify"
	sendAgentPass   = "agent-pass"
	sendAgentSearch = "agent-search"
	sendAgentWrong  = "agent-wrong-code"
)

// flowDesk is the flow of an agent's identity check: its codes are
// accepted by that agent's check only.
func flowDesk(agentID string) string { return "helpdesk:" + agentID }

// passAlphabet has no look-alike characters (0/O, 1/l/I), so a pass read
// out over the phone is typed right.
const passAlphabet = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

// onDesk runs fn in a write on an account the actor may help: a staff
// session that passed two steps (authorize), never the actor's own
// account, another administrator's only with a second administrator's
// approval, and, when verified is set, a person this agent verified in the
// last IdentityProofLifetime.
func (s *Local) onDesk(ctx context.Context, accountID string, verified bool, fn func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error) error {
	return s.onAccount(ctx, accountID, writes|desk, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		if err := deskActor(a, acct); err != nil {
			return err
		}
		now := s.clock()
		if err := needApproval(tx, a, acct, now); err != nil {
			return err
		}
		if verified {
			proof, err := tx.IdentityProof(a.AccountID, acct.ID)
			if err != nil {
				return err
			}
			if !now.Before(proof.VerifiedUntil) {
				return Reason(EFORBIDDEN, "helpdesk.unverified", nil)
			}
		}
		return fn(tx, a, acct, p, now)
	})
}

// limitAgent refuses an agent's action past the policy's hourly limit,
// auditing the refusal, and otherwise counts it.
func (s *Local) limitAgent(tx Tx, a Actor, acct *Account, purpose string, max int, now time.Time) (error, error) {
	times, err := tx.SendTimes(SendFilter{AccountID: a.AccountID, Purpose: purpose, Since: now.Add(-time.Hour)})
	if err != nil {
		return nil, err
	}
	if len(times) >= max {
		key := map[string]string{sendAgentVerify: "helpdesk.limitVerify", sendAgentPass: "helpdesk.limitPass",
			sendAgentSearch: "helpdesk.limitSearch"}[purpose]
		if err := s.audit(tx, a, acct, ActionHelpdeskLimited, "", purpose, fmt.Sprintf("%d in the last hour", len(times))); err != nil {
			return nil, err
		}
		return Reason(ELIMITED, key, map[string]any{"Max": max, "At": clockTime(times[0].Add(time.Hour), now)}), nil
	}
	return nil, tx.RecordSend(Send{AccountID: a.AccountID, Destination: "agent", Purpose: purpose, At: now})
}

// BeginIdentityCheck implements HelpdeskService.
func (s *Local) BeginIdentityCheck(ctx context.Context, accountID, methodID string) (*Challenge, error) {
	var v *Verification
	var app *Challenge
	var limited error
	dm, err := s.directoryCallback(ctx, accountID, methodID)
	if err != nil {
		return nil, err
	}
	err = s.onDesk(ctx, accountID, false, func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		m := dm
		if m == nil {
			var err error
			if m, err = ownMethod(tx, accountID, methodID); err != nil {
				return err
			}
			if err := pausedAfterReport(tx, acct.ID, now, "helpdesk.reported"); err != nil {
				return err
			}
		}
		if !provesIdentity(m.Kind) {
			return Errorf(EINVALID, "A person proves who they are with a phone, an email address or an authenticator app.")
		}
		wrong, err := agentWrongCodes(tx, a, acct, now)
		if err != nil {
			return err
		}
		if len(wrong) >= identityCheckTries {
			limited = Reason(ELIMITED, "helpdesk.checkPaused", map[string]any{"Max": identityCheckTries,
				"At": clockTime(wrong[len(wrong)-identityCheckTries].Add(time.Hour), now)})
			return nil
		}
		if limited, err = s.limitAgent(tx, a, acct, sendAgentVerify, p.HelpdeskVerificationsPerHour, now); err != nil || limited != nil {
			return err
		}
		proof, err := tx.IdentityProof(a.AccountID, acct.ID)
		if err != nil {
			return err
		}
		proof.Failures, proof.VerifiedUntil, proof.How = 0, time.Time{}, ""
		if err := tx.SaveIdentityProof(proof); err != nil {
			return err
		}
		v = &Verification{AccountID: accountID, Purpose: VerifyProve, Kind: m.Kind, MethodID: m.ID, Detail: m.Detail,
			Extension: m.Extension, Channel: m.Channel, Language: m.Language, Flow: flowDesk(a.AccountID)}
		if m.Kind != KindAuthenticatorApp {
			return nil
		}
		// The app shows its code to its owner: nothing is sent.
		if v.ID, err = s.newID(); err != nil {
			return err
		}
		v.CreatedAt, v.SentAt, v.ExpiresAt = now, now, now.Add(time.Duration(p.CodeLifetimeMinutes)*time.Minute)
		app = &Challenge{VerificationID: v.ID, Channel: ChannelApp, CodeLength: p.TOTPDigits, ExpiresAt: v.ExpiresAt}
		return tx.CreateVerification(v)
	})
	switch {
	case err != nil:
		return nil, err
	case limited != nil:
		return nil, limited
	case app != nil:
		return app, nil
	}
	ch, err := s.sendCodeWith(ctx, v, false, func(tx Tx, actor Actor, acct *Account, p *Policy) error {
		if v.Flow != flowDesk(actor.AccountID) || actor.AccountID == acct.ID {
			return Reason(EFORBIDDEN, "helpdesk.self", nil)
		}
		return nil
	}, true)
	if err != nil {
		return nil, err
	}
	ch.Destination = maskDest(v.Channel, v.Detail)
	return ch, nil
}

// FinishIdentityCheck implements HelpdeskService.
func (s *Local) FinishIdentityCheck(ctx context.Context, accountID, verificationID, code string) (*IdentityProof, error) {
	var userErr error
	var out *IdentityProof
	var notices []queued
	err := s.onDesk(ctx, accountID, false, func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		userErr = nil // a transaction run again starts over
		v, err := ownVerification(tx, accountID, verificationID)
		if err != nil {
			return err
		}
		if v.Purpose != VerifyProve || v.Flow != flowDesk(a.AccountID) {
			return notFound()
		}
		proof, err := tx.IdentityProof(a.AccountID, acct.ID)
		if err != nil {
			return err
		}
		wrong, err := agentWrongCodes(tx, a, acct, now)
		if err != nil {
			return err
		}
		if proof.Failures >= identityCheckTries || len(wrong) >= identityCheckTries || !v.UsedAt.IsZero() {
			return Reason(ECONFLICT, "helpdesk.checkEnded", nil)
		}
		m, err := identityMethod(tx, accountID, v)
		if err != nil {
			return err
		}
		if m.Kind != KindAuthenticatorApp && (m.Detail != v.Detail || m.Extension != v.Extension) {
			return notFound() // the number or address was changed since the code went out
		}
		// Wrong codes count toward the method's own lockout too, as the
		// owner's would: an agent's guesses are no free tries.
		subject := destSubject(v.Detail)
		if m.Kind == KindAuthenticatorApp {
			subject = "method:" + m.ID
		}
		counter, lockErr := checkLock(tx, acct.ID, subject, now)
		if lockErr != nil {
			if counter == nil {
				return lockErr
			}
			userErr = lockErr
			return nil
		}
		right, unusable, err := s.identityCodeRight(tx, m, v, code, p, now)
		if err != nil || unusable != nil {
			userErr = unusable
			return err
		}
		if !right {
			userErr, notices, err = s.wrongIdentityCode(tx, a, acct, m, v, proof, counter, len(wrong), p, now)
			return err
		}
		if ok, err := tx.UseVerification(v.ID, now); err != nil {
			return err
		} else if !ok {
			userErr = Reason(ECONFLICT, "code.used", nil)
			return nil
		}
		if err := succeed(tx, counter); err != nil {
			return err
		}
		proof.Failures, proof.VerifiedUntil, proof.How = 0, now.Add(IdentityProofLifetime), string(m.Kind)
		if err := tx.SaveIdentityProof(proof); err != nil {
			return err
		}
		out = proof
		return s.audit(tx, a, acct, ActionIdentityVerified, m.Kind, MaskedDetail(m), "")
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	if userErr != nil {
		return nil, userErr
	}
	return out, nil
}

// wrongIdentityCode records a wrong code of an identity check: toward the
// agent's hourly count for the person (wrongBefore codes already in it)
// and the method's lockout. The third, or the one that locks the method,
// ends the check, is audited and tells the owner.
func (s *Local) wrongIdentityCode(tx Tx, a Actor, acct *Account, m *Method, v *Verification, proof *IdentityProof, counter *FailureCounter,
	wrongBefore int, p *Policy, now time.Time) (userErr error, notices []queued, err error) {
	if err := tx.RecordSend(Send{AccountID: a.AccountID, Destination: "person:" + acct.ID, Purpose: sendAgentWrong, At: now}); err != nil {
		return nil, nil, err
	}
	locked, err := s.fail(tx, counter, p, now)
	if err != nil {
		return nil, nil, err
	}
	proof.Failures++
	if left := identityCheckTries - max(proof.Failures, wrongBefore+1); left > 0 && !locked {
		return wrongCode(left), nil, tx.SaveIdentityProof(proof)
	}
	if _, err := tx.UseVerification(v.ID, now); err != nil {
		return nil, nil, err
	}
	if err := tx.SaveIdentityProof(proof); err != nil {
		return nil, nil, err
	}
	if err := s.audit(tx, a, acct, ActionIdentityFailed, m.Kind, MaskedDetail(m), "three wrong codes"); err != nil {
		return nil, nil, err
	}
	notices, err = s.queueNotice(tx, acct, notice{key: "notice.helpdeskCheckFailed", subject: m})
	return Reason(EFORBIDDEN, "helpdesk.checkFailed", nil), notices, err
}

// provesIdentity reports whether the help desk may check who is asking
// with a method of kind k: one that receives a code, or shows one.
func provesIdentity(k MethodKind) bool {
	return k.IsPhone() || k == KindEmail || k == KindAuthenticatorApp
}

// identityCodeRight checks the code of an identity check: the app's
// current code (its step used once), or the code sent. unusable is why a
// code can no longer be checked (expired, used up).
func (s *Local) identityCodeRight(tx Tx, m *Method, v *Verification, code string, p *Policy, now time.Time) (right bool, unusable, err error) {
	if m.Kind != KindAuthenticatorApp {
		code = strings.Join(strings.Fields(code), "")
		if err := codeUnusable(v.UsedAt, v.ExpiresAt, v.Tries, p, now); err != nil {
			return false, err, nil
		}
		return subtle.ConstantTimeEq(int32(len(code)), int32(p.CodeLength)) == 1 && s.keys.CodeMatches(v.CodeHash, v.ID, code), nil, nil
	}
	if !now.Before(v.ExpiresAt) {
		return false, Reason(EEXPIRED, "code.expired", nil), nil
	}
	secret, err := s.keys.Open(m.Secret, "method:"+m.ID)
	if err != nil {
		return false, nil, fmt.Errorf("open app secret: %w", err)
	}
	step, ok := MatchTOTP(secret, code, now, p, m.LastStep)
	if !ok {
		return false, nil, nil
	}
	right, err = tx.AdvanceTOTPStep(m.ID, step, now)
	return right, nil, err
}

// needReason refuses a help-desk action without a ticket or reason.
func needReason(reason string) (string, error) {
	r, err := NormalizeText("reason", reason)
	if err != nil {
		return "", err
	}
	if r == "" {
		return "", Reason(EINVALID, "helpdesk.reason", nil)
	}
	return r, nil
}

// proofHow names how the person was verified, for the audit log.
func proofHow(tx Tx, a Actor, acct *Account) string {
	if IsLocalAdministrator(a) {
		return "verified by: local administrator"
	}
	if proof, err := tx.IdentityProof(a.AccountID, acct.ID); err == nil && proof.How != "" {
		return "verified by: " + proof.How
	}
	return "verified by: unknown"
}

// newPass returns a random pass of n characters of passAlphabet.
func (s *Local) newPass(n int) (string, error) {
	b := make([]byte, n)
	out := make([]byte, n)
	limit := byte(256 - 256%len(passAlphabet))
	for i := 0; i < n; {
		if _, err := s.rand.Read(b); err != nil {
			return "", err
		}
		for _, c := range b {
			if c < limit && i < n {
				out[i] = passAlphabet[int(c)%len(passAlphabet)]
				i++
			}
		}
	}
	return string(out), nil
}

// CreateAccessPass implements HelpdeskService.
func (s *Local) CreateAccessPass(ctx context.Context, accountID string, r AccessPassRequest) (*NewAccessPass, error) {
	reason, err := needReason(r.Reason)
	if err != nil {
		return nil, err
	}
	var out *NewAccessPass
	var limited error
	var notices []queued
	err = s.onDesk(ctx, accountID, true, func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		length, life, oneTime := p.TAPLength, time.Duration(p.TAPLifetimeMinutes)*time.Minute, p.TAPOneTime
		// An agent may ask for a stricter pass than the policy's, never a
		// weaker one: tapLength is a minimum, and with tapOneTime every
		// pass is one-time.
		if r.Length != 0 {
			if r.Length < p.TAPLength {
				return Errorf(EINVALID, "The policy asks for a Temporary Access Pass of at least %d characters (tapLength), not %d.", p.TAPLength, r.Length)
			}
			length = r.Length
		}
		if r.LifetimeMinutes != 0 {
			life = time.Duration(r.LifetimeMinutes) * time.Minute
		}
		if r.OneTime != nil {
			if !*r.OneTime && p.TAPOneTime {
				return Errorf(EFORBIDDEN, "The policy allows only one-time Temporary Access Passes (tapOneTime); an administrator can change it.")
			}
			oneTime = *r.OneTime
		}
		if length < 8 || length > 48 {
			return Errorf(EINVALID, "A Temporary Access Pass is 8 to 48 characters long, not %d.", length)
		}
		if max := time.Duration(p.TAPMaxLifetimeMinutes) * time.Minute; life < 10*time.Minute || life > max {
			return Errorf(EINVALID, "A Temporary Access Pass lasts from 10 minutes to %s (the policy's tapMaxLifetimeMinutes), not %s.", max, life)
		}
		var err error
		if limited, err = s.limitAgent(tx, a, acct, sendAgentPass, p.HelpdeskPassesPerHour, now); err != nil || limited != nil {
			return err
		}
		pass, err := s.newPass(length)
		if err != nil {
			return err
		}
		hash, err := HashSecret(pass, s.rand)
		if err != nil {
			return err
		}
		ap := &AccessPass{AccountID: acct.ID, Hash: hash, CreatedBy: a.AccountID, CreatedAt: now, ExpiresAt: now.Add(life), OneTime: oneTime}
		if err := tx.SaveAccessPass(ap); err != nil {
			return err
		}
		kind := "reusable"
		if oneTime {
			kind = "one-time"
		}
		detail := fmt.Sprintf("%s, until %s; %s", kind, ap.ExpiresAt.Format(time.RFC3339), proofHow(tx, a, acct))
		if err := s.audit(tx, a, acct, ActionPassCreated, KindTemporaryAccessPass, detail, reason); err != nil {
			return err
		}
		out = &NewAccessPass{Pass: pass, ExpiresAt: ap.ExpiresAt, OneTime: oneTime}
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.passCreated"})
		return err
	})
	if err != nil {
		return nil, err
	}
	if limited != nil {
		return nil, limited
	}
	s.sendNotices(ctx, notices)
	return out, nil
}

// deskAction runs a help-desk action that needs a verified person and a
// reason, audits it with how the person was verified, and tells the owner.
func (s *Local) deskAction(ctx context.Context, accountID, reason, action, noticeKey string, fn func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error) error {
	reason, err := needReason(reason)
	if err != nil {
		return err
	}
	var notices []queued
	err = s.onDesk(ctx, accountID, true, func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		if err := fn(tx, a, acct, p, now); err != nil {
			return err
		}
		if err := s.audit(tx, a, acct, action, "", proofHow(tx, a, acct), reason); err != nil {
			return err
		}
		notices, err = s.queueNotice(tx, acct, notice{key: noticeKey})
		return err
	})
	if err != nil {
		return err
	}
	s.sendNotices(ctx, notices)
	return nil
}

// DeleteAccessPass implements HelpdeskService.
func (s *Local) DeleteAccessPass(ctx context.Context, accountID, reason string) error {
	return s.deskAction(ctx, accountID, reason, ActionPassDeleted, "notice.passDeleted", func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		if _, err := tx.AccessPass(acct.ID); err != nil {
			return err
		}
		return tx.DeleteAccessPass(acct.ID)
	})
}

// UnlockAccount implements HelpdeskService.
func (s *Local) UnlockAccount(ctx context.Context, accountID, reason string) error {
	return s.deskAction(ctx, accountID, reason, ActionAccountUnlocked, "notice.unlocked", func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		if err := tx.ClearFailureCounters(acct.ID); err != nil {
			return err
		}
		return tx.SaveSignInCounter(&FailureCounter{Subject: acct.Name})
	})
}

// RevokeSessions implements HelpdeskService.
func (s *Local) RevokeSessions(ctx context.Context, accountID, reason string) error {
	return s.deskAction(ctx, accountID, reason, ActionSessionsRevoked, "notice.sessionsRevoked", func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		return s.endOtherAccess(tx, a, acct, "", "", now)
	})
}

// RequireReregistration implements HelpdeskService.
func (s *Local) RequireReregistration(ctx context.Context, accountID, reason string) error {
	return s.deskAction(ctx, accountID, reason, ActionReregistration, "notice.reregistration", func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		methods, err := tx.Methods(acct.ID)
		if err != nil {
			return err
		}
		for _, m := range methods {
			if m.Kind.IsPhone() || m.Kind == KindAuthenticatorApp || m.Kind == KindSecurityKey {
				if err := tx.DeleteMethod(m.ID); err != nil {
					return err
				}
				if err := s.audit(tx, a, acct, ActionMethodDeleted, m.Kind, MaskedDetail(m), "re-registration required"); err != nil {
					return err
				}
				if acct.DefaultMethodID == m.ID {
					acct.DefaultMethodID, acct.DefaultChannel = "", ChannelNone
				}
			}
		}
		// The next sign-in asks for registration, and it can't be put off.
		acct.RegistrationSnoozes = p.RegistrationSnoozes
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		return s.endOtherAccess(tx, a, acct, "", "", now)
	})
}

// DeleteMethodForPerson implements HelpdeskService.
func (s *Local) DeleteMethodForPerson(ctx context.Context, accountID, methodID, reason string) (*DeletePreview, error) {
	reason, err := needReason(reason)
	if err != nil {
		return nil, err
	}
	var pv *DeletePreview
	var notices []queued
	err = s.onDesk(ctx, accountID, true, func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) (err error) {
		if !acct.RemovalAt.IsZero() {
			return Reason(ECONFLICT, "removal.pending", map[string]any{"Date": acct.RemovalAt.Format("2 January 2006")})
		}
		pv, notices, err = s.deleteIn(tx, a, acct, p, methodID, reason+"; "+proofHow(tx, a, acct))
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	return pv, nil
}

// ResetPasswordForPerson implements HelpdeskService.
func (s *Local) ResetPasswordForPerson(ctx context.Context, accountID, reason string) (*TemporaryPassword, error) {
	// Hashing is slow on purpose: only for an agent who may do this now.
	if _, err := needReason(reason); err != nil {
		return nil, err
	}
	if err := s.onDesk(ctx, accountID, true, func(Tx, Actor, *Account, *Policy, time.Time) error { return nil }); err != nil {
		return nil, err
	}
	pw, hash, err := s.temporaryPassword(ctx, accountID)
	if err != nil {
		return nil, err
	}
	err = s.deskAction(ctx, accountID, reason, ActionPasswordSetByDesk, "notice.passwordResetByHelpdesk", func(tx Tx, a Actor, acct *Account, p *Policy, now time.Time) error {
		acct.PasswordHash, acct.PasswordChangedAt, acct.PasswordMustChange = hash, now, true
		if err := tx.UpdateAccount(acct); err != nil {
			return err
		}
		if err := s.endOtherAccess(tx, a, acct, "", "", now); err != nil {
			return err
		}
		return tx.SaveSignInCounter(&FailureCounter{Subject: acct.Name})
	})
	if err != nil {
		return nil, err
	}
	return &TemporaryPassword{Password: pw, MustChange: true}, nil
}

// temporaryPassword makes the help desk's temporary password: set in the
// directory as the service with "must change" (hash ""), or hashed for
// the store.
func (s *Local) temporaryPassword(ctx context.Context, accountID string) (pw, hash string, err error) {
	if s.dir == nil {
		if pw, err = s.newPass(temporaryPasswordLength); err != nil {
			return "", "", err
		}
		// Hashing is slow on purpose: do it outside the write.
		hash, err = HashSecret(pw, s.rand)
		return pw, hash, err
	}
	var acct *Account
	if err := s.store.View(ctx, func(tx Tx) (err error) { acct, err = tx.Account(accountID); return err }); err != nil {
		return "", "", err
	}
	if pw, err = s.directoryTemporaryPassword(); err != nil {
		return "", "", err
	}
	return pw, "", s.directoryPassword(ctx, acct, "", pw, true)
}

// SignInWithPass signs in with a Temporary Access Pass in place of the
// password and the second step. A wrong pass counts as a wrong password
// (the same lockout, the same answer and time for a made-up name); a
// one-time pass works once, even when tried many times at once.
func (s *Local) SignInWithPass(ctx context.Context, name, pass string) (*SignInStep, error) {
	begun := s.clock()
	var ap *AccessPass
	acct, err := s.signInAttempt(ctx, name, func(tx Tx, a *Account) (err error) {
		if ap, err = tx.AccessPass(a.ID); ErrorCode(err) == ENOTFOUND {
			return nil
		}
		return err
	}, func(acct *Account) (bool, error) {
		hash := dummy()
		if ap != nil {
			hash = ap.Hash
		}
		now := s.clock()
		right := VerifySecret(hash, strings.TrimSpace(pass)) && ap != nil && now.Before(ap.ExpiresAt) && (ap.UsedAt.IsZero() || !ap.OneTime)
		if right && s.dir != nil {
			// A pass is no way in for someone who left the directory
			// or is disabled there.
			p, err := s.directoryPerson(ctx, acct.Name)
			if err != nil {
				return false, err
			}
			right = p != nil
		}
		if !right || !ap.OneTime {
			return right, nil
		}
		err := s.store.Update(ctx, func(tx Tx) (err error) {
			cur, err := tx.AccessPass(acct.ID)
			if storeFailed(err) {
				return err
			}
			if err != nil || cur.Hash != ap.Hash {
				right = false // replaced or deleted meanwhile
				return nil
			}
			right, err = tx.UseAccessPass(acct.ID, now)
			return err
		})
		return right, err
	})
	if err != nil || acct == nil {
		return nil, err
	}
	sess, err := s.startSessionHow(ctx, acct, true, "temporary access pass",
		signedInWith{kind: KindTemporaryAccessPass, since: begun, passHash: ap.Hash})
	if err != nil {
		return nil, err
	}
	return &SignInStep{Session: sess, Account: acct}, nil
}
