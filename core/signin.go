package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"
)

// VerifySignIn is the purpose of a pending two-step sign-in.
const VerifySignIn = "signin"

// SignInLifetime is how long the second step of a sign-in may take.
const SignInLifetime = 10 * time.Minute

// Session is a signed-in person. It ends after the policy's idle time
// without use, or its maximum age, whichever comes first.
type Session struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"accountId"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	// TwoStep is true when the session passed a second factor, or proved a
	// sign-in method it added itself.
	TwoStep bool      `json:"twoStep"`
	EndedAt time.Time `json:"-"`
	// Device names where the session was opened ("Security info desktop
	// on linux", a browser's or tool's User-Agent), for the Devices page.
	Device string `json:"device"`
	// SignInKind is what the session's second step was (a method's kind,
	// or temporaryAccessPass), "" for a password alone or a session older
	// than this record; SignInMethodID is that method's ID ("" for a
	// pass). A device reported lost ends the sessions signed in with it
	// (ReplaceLostMethod), and a session signed in another way may report
	// it lost.
	SignInKind     MethodKind `json:"signInKind,omitempty"`
	SignInMethodID string     `json:"signInMethodId,omitempty"`
}

// signedInWith is what a session's second step was (Session.SignInKind).
type signedInWith struct {
	kind     MethodKind
	methodID string
	how      string // for the audit log ("" for "password and second factor")
	// since is when the sign-in's first credential was checked: a "This
	// wasn't me" of the account at or after it refuses the session (it
	// ended every session, and a sign-in checked before it must not
	// outlive it). Zero: when the session is stored.
	since time.Time
	// passHash is the Temporary Access Pass signed in with: it must still
	// be the account's when the session is stored.
	passHash string
}

// SignInOption is one way to finish a two-step sign-in, shown masked.
type SignInOption struct {
	MethodID  string     `json:"methodId"`
	Kind      MethodKind `json:"kind"`
	Channel   Channel    `json:"channel"`
	Masked    string     `json:"masked"` // "+XX XXXXXXXX58"; the app's name
	IsDefault bool       `json:"isDefault"`
}

// PendingSignIn is a sign-in whose password was right and that waits for
// its second factor.
type PendingSignIn struct {
	ID        string         `json:"signInId"`
	Options   []SignInOption `json:"options"` // the default first
	ExpiresAt time.Time      `json:"expiresAt"`
}

// SignInStep is where a sign-in stands: a session, or a pending second step.
type SignInStep struct {
	Session *Session       `json:"session,omitempty"`
	Account *Account       `json:"account,omitempty"`
	Pending *PendingSignIn `json:"pending,omitempty"`
}

// OwnerActor is an account acting on its own without a session: the
// command line's --as on a local data folder, whose holder administers it.
func OwnerActor(a *Account, source string) Actor {
	return Actor{AccountID: a.ID, Name: a.Name, Role: a.Role, Source: source}
}

// SessionActor is the actor of calls made in a session.
func SessionActor(s *Session, a *Account, source string) Actor {
	return Actor{AccountID: a.ID, Name: a.Name, Role: a.Role, Source: source, SessionID: s.ID}
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// dummy is a hash that no password matches, checked for unknown names so
// that they take as long as known ones.
func dummy() string {
	dummyOnce.Do(func() { dummyHash, _ = HashSecret("no account has this password", rand.Reader) })
	return dummyHash
}

// badSignIn is the one answer for a wrong name or password.
var badSignIn = Reason(EWRONGCODE, "signin.wrong", nil)

// signInLocked says until when sign-in is locked, the same for every name.
func signInLocked(until, now time.Time) error {
	return Reason(ELOCKED, "signin.locked", map[string]any{"Until": clockTime(until, now)})
}

// signInActor runs the pre-sign-in steps as the account itself.
func signInActor(a *Account) Actor {
	return Actor{AccountID: a.ID, Name: a.Name, Role: a.Role, Source: "signin"}
}

// countSignIn adds one to name's failed sign-ins in tx, after a lock that
// has run out, and locks the name at the policy's threshold. It returns
// the lock it set (zero when none).
func (s *Local) countSignIn(tx Tx, name string) (time.Time, error) {
	p, err := tx.Policy()
	if err != nil {
		return time.Time{}, err
	}
	c, err := tx.SignInCounter(name)
	if err != nil {
		return time.Time{}, err
	}
	now := s.clock()
	if !c.LockedUntil.IsZero() && !now.Before(c.LockedUntil) {
		c.Failures, c.LockedUntil = 0, time.Time{} // the last lock has run out
	}
	var set time.Time
	c.Failures++
	if c.Failures >= p.SignInLockoutThreshold {
		c.Failures, c.LockedUntil = 0, now.Add(time.Duration(p.SignInLockoutMinutes)*time.Minute)
		set = c.LockedUntil
	}
	return set, tx.SaveSignInCounter(c)
}

// auditSignInLock audits the lock of a real account's sign-in.
func (s *Local) auditSignInLock(tx Tx, acct *Account, until time.Time) error {
	if acct == nil {
		return nil
	}
	return s.audit(tx, Actor{Name: "system", Source: "lockout"}, acct, ActionSignInLocked, "", "", "until "+until.Format(time.RFC3339))
}

// failSignIn counts a failed proof (a second step, a reset's code) toward
// the sign-in lockout of name. It returns the error to give.
func (s *Local) failSignIn(ctx context.Context, name string, acct *Account) error {
	var lock time.Time
	err := s.store.Update(ctx, func(tx Tx) (err error) {
		if lock, err = s.countSignIn(tx, name); err != nil || lock.IsZero() {
			return err
		}
		return s.auditSignInLock(tx, acct, lock)
	})
	switch {
	case err != nil:
		return err
	case !lock.IsZero():
		return signInLocked(lock, s.clock())
	}
	return badSignIn
}

// checkSignInLock refuses a locked name.
func (s *Local) checkSignInLock(ctx context.Context, name string) error {
	var c *FailureCounter
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.SignInCounter(name)
		return err
	}); err != nil {
		return err
	}
	if now := s.clock(); now.Before(c.LockedUntil) {
		return signInLocked(c.LockedUntil, now)
	}
	return nil
}

// claimSignIn counts a sign-in attempt of name before its password is
// checked, in one write, so that parallel guesses cannot pass the lockout:
// of any number at once, at most the policy's threshold are checked. It
// refuses a locked name, and returns the lock this attempt set (zero when
// it set none).
func (s *Local) claimSignIn(ctx context.Context, name string) (time.Time, error) {
	var set time.Time
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.SignInCounter(name)
		if err != nil {
			return err
		}
		if now := s.clock(); now.Before(c.LockedUntil) {
			return signInLocked(c.LockedUntil, now)
		}
		set, err = s.countSignIn(tx, name)
		return err
	})
	return set, err
}

// settleSignIn finishes an attempt claimed by claimSignIn. A wrong
// password stays counted; when it was the attempt that locked the name,
// the lock is audited (for a real account) and said. A right password
// takes its own count back, and the lock it set.
func (s *Local) settleSignIn(ctx context.Context, name string, acct *Account, lock time.Time, right bool) error {
	if !right {
		if lock.IsZero() {
			return badSignIn
		}
		if err := s.store.Update(ctx, func(tx Tx) error { return s.auditSignInLock(tx, acct, lock) }); err != nil {
			return err
		}
		return signInLocked(lock, s.clock())
	}
	return s.store.Update(ctx, func(tx Tx) error {
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		c, err := tx.SignInCounter(name)
		if err != nil {
			return err
		}
		switch {
		case !lock.IsZero() && c.LockedUntil.Equal(lock):
			c.Failures, c.LockedUntil = p.SignInLockoutThreshold-1, time.Time{}
		case c.Failures > 0:
			c.Failures--
		default:
			return nil
		}
		return tx.SaveSignInCounter(c)
	})
}

// signInAttempt is one attempt to sign in by name, whatever the
// credential: it finds the account (and, with lookup, what the check
// needs), counts the attempt before check runs (claimSignIn), and settles
// it. check gets a nil account for a made-up name and must take the same
// time for it. It returns the account when check was right, nil and the
// same error for a wrong credential and a made-up name.
func (s *Local) signInAttempt(ctx context.Context, name string, lookup func(tx Tx, a *Account) error, check func(acct *Account) (bool, error)) (*Account, error) {
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil, err
	}
	claim, err := s.claimClient(ctx, "signin")
	if err != nil {
		return nil, err
	}
	var acct *Account
	err = s.store.View(ctx, func(tx Tx) error {
		a, err := tx.AccountByName(norm)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		acct = a
		return lookup(tx, a)
	})
	if err != nil {
		return nil, err
	}
	// Attempts of one name are checked one at a time in this process,
	// so the lockout counts them exactly; claimSignIn keeps them within
	// it across processes sharing a store.
	mu := &s.nameLocks[nameStripe(norm)]
	mu.Lock()
	defer mu.Unlock()
	lock, err := s.claimSignIn(ctx, norm)
	if err != nil {
		return nil, err
	}
	right, err := check(acct)
	if errors.Is(err, ErrDirectoryUnreachable) {
		// Nothing was checked: the attempt is taken back, so a
		// directory's outage locks nobody out.
		if rerr := s.refundClient(ctx, claim); rerr != nil {
			return nil, rerr
		}
		if serr := s.settleSignIn(ctx, norm, acct, lock, true); serr != nil {
			return nil, serr
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if right {
		// Only failures stay counted toward the address's limit: the
		// right passwords of people behind one address use none of it.
		if err := s.refundClient(ctx, claim); err != nil {
			return nil, err
		}
	}
	if err := s.settleSignIn(ctx, norm, acct, lock, right); err != nil || !right {
		return nil, err
	}
	return acct, nil
}

// nameStripes is how many locks the sign-ins of all names share.
const nameStripes = 64

// nameStripe picks the lock of a name among Local.nameLocks.
func nameStripe(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() % nameStripes)
}

// SignIn implements Service. The attempt is counted before the password
// is checked (claimSignIn), the same way for names without an account.
func (s *Local) SignIn(ctx context.Context, name, password string) (*SignInStep, error) {
	if s.dir != nil {
		return s.signInDirectory(ctx, name, password)
	}
	begun := s.clock() // before the password's check
	var methods []*Method
	acct, err := s.signInAttempt(ctx, name, func(tx Tx, a *Account) (err error) {
		methods, err = tx.Methods(a.ID)
		return err
	}, func(acct *Account) (bool, error) {
		hash := dummy()
		if acct != nil {
			hash = acct.PasswordHash
		}
		return VerifySecret(hash, password) && acct != nil, nil
	})
	if err != nil || acct == nil {
		return nil, err
	}
	return s.afterPassword(ctx, acct, methods, begun)
}

// signInOptions lists the ways to finish a sign-in: the default choice
// first, then the others, strongest first, then "Use a recovery code"
// when the account has a set. Codes alone ask for no second step: they
// are a way back for when the daily methods are lost, not one of them.
func signInOptions(acct *Account, methods []*Method) []SignInOption {
	var out []SignInOption
	def := currentDefault(acct, methods)
	for _, c := range DefaultChoices(methods) {
		var m *Method
		for _, x := range methods {
			if x.ID == c.MethodID {
				m = x
			}
		}
		o := SignInOption{MethodID: c.MethodID, Kind: c.Kind, Channel: c.Channel, Masked: MaskedDetail(m),
			IsDefault: def != nil && def.MethodID == c.MethodID && def.Channel == c.Channel}
		if o.IsDefault {
			out = append([]SignInOption{o}, out...)
		} else {
			out = append(out, o)
		}
	}
	if m := codesMethod(methods); m != nil && len(out) > 0 {
		out = append(out, SignInOption{MethodID: m.ID, Kind: KindRecoveryCodes, Channel: ChannelNone})
	}
	return out
}

// pendingSignIn loads a sign-in waiting for its second step.
func (s *Local) pendingSignIn(ctx context.Context, id string) (*Verification, *Account, error) {
	var v *Verification
	var acct *Account
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if v, err = tx.Verification(id); err != nil {
			return err
		}
		acct, err = tx.Account(v.AccountID)
		return err
	})
	if storeFailed(err) {
		return nil, nil, err
	}
	if err != nil || v.Purpose != VerifySignIn || v.Flow != signInFlow(ctx, v.ID) {
		return nil, nil, Errorf(ENOTFOUND, "This sign-in has ended. Start again.")
	}
	if !v.UsedAt.IsZero() || !s.clock().Before(v.ExpiresAt) {
		return nil, nil, Errorf(EEXPIRED, "This sign-in took too long. Start again.")
	}
	return v, acct, nil
}

// SendSignInCode implements Service.
func (s *Local) SendSignInCode(ctx context.Context, signInID, methodID string, channel Channel) (*Challenge, error) {
	v, acct, err := s.pendingSignIn(ctx, signInID)
	if err != nil {
		return nil, err
	}
	if err := s.checkSignInLock(ctx, acct.Name); err != nil {
		return nil, err
	}
	if err := s.limitClient(ctx, "send"); err != nil {
		return nil, err
	}
	return s.proveMethod(WithActor(ctx, signInActor(acct)), acct.ID, methodID, channel, v.Flow)
}

// FinishSignIn implements Service.
func (s *Local) FinishSignIn(ctx context.Context, signInID, methodID, verificationID, code string) (*SignInStep, error) {
	v, acct, err := s.pendingSignIn(ctx, signInID)
	if err != nil {
		return nil, err
	}
	if err := s.checkSignInLock(ctx, acct.Name); err != nil {
		return nil, err
	}
	actx := WithActor(ctx, signInActor(acct))
	var methods []*Method
	if err := s.store.View(ctx, func(tx Tx) (err error) { methods, err = tx.Methods(acct.ID); return err }); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(signInOptions(acct, methods), func(o SignInOption) bool { return o.MethodID == methodID })
	if i < 0 {
		return nil, Errorf(EINVALID, "That method can't be used to sign in.")
	}
	recovery := signInOptions(acct, methods)[i].Kind == KindRecoveryCodes
	switch {
	case recovery && callerFrom(ctx) != nil:
		// A RADIUS client or an application checks daily methods only.
		return nil, Errorf(EINVALID, "That method can't be used to sign in.")
	case recovery:
		err = s.useRecoveryCode(actx, acct.ID, methodID, code)
	case verificationID == "":
		err = s.VerifyAuthenticator(actx, acct.ID, methodID, code)
	default:
		err = s.verifyCodeFor(actx, acct.ID, methodID, "", verificationID, code, v.Flow)
	}
	if c := ErrorCode(err); c == EWRONGCODE || c == EEXPIRED || c == ELOCKED {
		return s.secondStepFailed(ctx, acct, err)
	} else if err != nil {
		return nil, err
	}
	var kind MethodKind
	for _, m := range methods {
		if m.ID == methodID {
			kind = m.Kind
		}
	}
	with := signedInWith{kind: kind, methodID: methodID}
	if recovery {
		with.how = "password and recovery code"
	}
	return s.secondStepDone(ctx, v, acct, with)
}

// secondStepFailed counts a wrong second step toward the sign-in
// lockout, and answers with the lock when it locks.
func (s *Local) secondStepFailed(ctx context.Context, acct *Account, err error) (*SignInStep, error) {
	if lockErr := s.failSignIn(ctx, acct.Name, acct); ErrorCode(lockErr) == ELOCKED {
		return nil, lockErr
	}
	return nil, err
}

// secondStepDone ends a pending sign-in, once, with a two-step session.
func (s *Local) secondStepDone(ctx context.Context, pending *Verification, acct *Account, with signedInWith) (*SignInStep, error) {
	if c := callerFrom(ctx); c != nil {
		return s.verifyAccepted(ctx, c, pending, acct)
	}
	var used bool
	if err := s.store.Update(ctx, func(tx Tx) (err error) { used, err = tx.UseVerification(pending.ID, s.clock()); return err }); err != nil {
		return nil, err
	}
	if !used {
		return nil, Errorf(ECONFLICT, "This sign-in was already finished.")
	}
	how := with.how
	if how == "" {
		how = "password and second factor"
	}
	with.since = pending.CreatedAt // the password's check
	sess, err := s.startSessionHow(ctx, acct, true, how, with)
	if err != nil {
		return nil, err
	}
	return &SignInStep{Session: sess, Account: acct}, nil
}

// verifyCodeFor checks a code sent in a flow (a sign-in, a reset) to the
// method it names, through channel ("" for any).
func (s *Local) verifyCodeFor(ctx context.Context, accountID, methodID string, channel Channel, verificationID, code, flow string) error {
	var v *Verification
	if err := s.store.View(ctx, func(tx Tx) (err error) { v, err = ownVerification(tx, accountID, verificationID); return err }); err != nil {
		return err
	}
	if v.MethodID != methodID || v.Flow != flow || channel != ChannelNone && v.Channel != channel {
		return notFound()
	}
	return s.verifyCode(ctx, accountID, verificationID, code, flow)
}

// samePassword refuses, inside the write that lets a sign-in go on, an
// account whose password changed since it was checked: a sign-in with the
// old password racing a change or reset gets nothing.
func samePassword(tx Tx, checked *Account) error {
	cur, err := tx.Account(checked.ID)
	if err != nil {
		return err
	}
	// A directory person has no hash here: the time of the last change
	// made through this service tells a change apart.
	if cur.PasswordHash != checked.PasswordHash || !cur.PasswordChangedAt.Equal(checked.PasswordChangedAt) {
		return badSignIn
	}
	return nil
}

// startSession opens a session, clears the name's failed sign-ins and
// audits the sign-in.
func (s *Local) startSession(ctx context.Context, acct *Account, twoStep bool, since time.Time) (*Session, error) {
	how := "password"
	if twoStep {
		how = "password and second factor"
	}
	return s.startSessionHow(ctx, acct, twoStep, how, signedInWith{since: since})
}

// startSessionHow is startSession, with how the person signed in for the
// audit log.
func (s *Local) startSessionHow(ctx context.Context, acct *Account, twoStep bool, how string, with signedInWith) (*Session, error) {
	// A session ID is a long-lived bearer secret: 256 bits, after the
	// account's ID (see TokenAccount).
	secret, err := s.randomHex(32)
	if err != nil {
		return nil, err
	}
	id := NewToken(acct.ID, secret)
	now := s.clock()
	sess := &Session{ID: id, AccountID: acct.ID, CreatedAt: now, LastSeenAt: now, TwoStep: twoStep, Device: deviceFrom(ctx),
		SignInKind: with.kind, SignInMethodID: with.methodID}
	stored := *sess
	stored.ID = sessionKey(id)
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := samePassword(tx, acct); err != nil {
			return err
		}
		if err := stillSignsIn(tx, acct, with, now); err != nil {
			return err
		}
		if with.methodID != "" {
			// The method it signed in with is still there: a phone or
			// app declared lost (or deleted) after its code was checked
			// ended every session signed in with it, and must not miss
			// this one.
			if _, err := ownMethod(tx, acct.ID, with.methodID); err != nil {
				if storeFailed(err) {
					return err
				}
				return badSignIn
			}
		}
		if err := tx.CreateSession(&stored); err != nil {
			return err
		}
		if err := tx.SaveSignInCounter(&FailureCounter{Subject: acct.Name}); err != nil {
			return err
		}
		return s.audit(tx, Actor{AccountID: acct.ID, Name: acct.Name, Role: acct.Role, Source: "signin"}, acct, ActionSignedIn, "", how, "")
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// stillSignsIn refuses, in the transaction that stores a session, a
// sign-in that something since its check has ended: a report of the
// account ("This wasn't me" ends every session and pending sign-in), or
// the deletion or replacement of the pass it signed in with. Either may
// land between the check and this transaction.
func stillSignsIn(tx Tx, acct *Account, with signedInWith, now time.Time) error {
	since := with.since
	if since.IsZero() {
		since = now
	}
	if reported, err := reportedSince(tx, acct.ID, since); err != nil {
		return err
	} else if reported {
		return badSignIn
	}
	if with.kind != KindTemporaryAccessPass {
		return nil
	}
	ap, err := tx.AccessPass(acct.ID)
	if storeFailed(err) {
		return err
	}
	if err != nil || ap.Hash != with.passHash {
		return badSignIn
	}
	return nil
}

// NewToken is a session's bearer token: the account's ID, a dot and the
// secret. A token names its account only as a claim: every check of a
// token (caller, onAccount) reads its session by the whole token's key and
// refuses it when the session belongs to another account, so changing the
// ID part gives a token that signs no one in.
func NewToken(accountID, secret string) string { return accountID + "." + secret }

// TokenAccount returns the account a token claims to be for, without
// reading the store: the central service uses it to run a request on
// one's own account as one transaction that checks the session itself,
// instead of first resuming the session in a transaction of its own.
// Tokens from before the account was named in them claim none.
func TokenAccount(token string) (string, bool) {
	id, secret, ok := strings.Cut(token, ".")
	if !ok || !lowerHex(id, 32) || !lowerHex(secret, 64) {
		return "", false // not one of ours: resumed, and refused, as any
	}
	return id, true
}

// lowerHex reports whether s is n lowercase hex digits.
func lowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// sessionKey is what the store keeps of a session token: its SHA-256, so
// a copy of the database holds no token that signs anyone in.
// SessionKey is what the store keeps of a session's bearer token (its
// SHA-256): a tool that seeds sessions straight into a store (the load
// generator) stores it as the Session's ID.
func SessionKey(token string) string { return sessionKey(token) }

func sessionKey(token string) string {
	if token == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// liveSession checks the session of a token has not ended, been idle too
// long or lived too long; touch moves its last use to now. The session
// returned carries the stored key as its ID.
func (s *Local) liveSession(tx Tx, token string, p *Policy, touch bool) (*Session, error) {
	sess, err := tx.Session(sessionKey(token))
	if ErrorCode(err) == ENOTFOUND {
		return nil, Reason(EEXPIRED, "session.ended", nil)
	} else if err != nil {
		return nil, err // the store is away: not a reason to sign out
	}
	now := s.clock()
	switch {
	case !sess.EndedAt.IsZero():
		return nil, Reason(EEXPIRED, "session.signedOut", nil)
	case !now.Before(sess.LastSeenAt.Add(time.Duration(p.SessionIdleMinutes) * time.Minute)):
		return nil, Reason(EEXPIRED, "session.idle", nil)
	case !now.Before(sess.CreatedAt.Add(time.Duration(p.SessionMaxHours) * time.Hour)):
		return nil, Reason(EEXPIRED, "session.maxAge", nil)
	}
	if touch {
		sess.LastSeenAt = now
		if err := tx.UpdateSession(sess); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

// ResumeSession implements Service. It does not count as use: a window
// may ask it now and then to notice that the session ended.
func (s *Local) ResumeSession(ctx context.Context, sessionID string) (*SignedIn, error) {
	var sess *Session
	var acct *Account
	err := s.store.View(ctx, func(tx Tx) error {
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		if sess, err = s.liveSession(tx, sessionID, p, false); err != nil {
			return err
		}
		acct, err = tx.Account(sess.AccountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	sess.ID = sessionID
	return &SignedIn{Session: sess, Account: acct}, nil
}

// SignOut implements Service.
func (s *Local) SignOut(ctx context.Context, sessionID string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		sess, err := tx.Session(sessionKey(sessionID))
		if storeFailed(err) {
			return err // not known to be ended: the caller may try again
		} else if err != nil {
			return nil // already gone
		}
		if sess.EndedAt.IsZero() {
			sess.EndedAt = s.clock()
			return tx.UpdateSession(sess)
		}
		return nil
	})
}

// checkSession checks, inside the transaction on acct, that a session
// actor's session is still live (it may have ended since caller looked),
// and that a change to one's own security info comes from a session that
// passed two steps when the account has a sign-in method. sess is the
// session when the caller has already read it live in tx (nil: read it).
// It returns the session, nil for an actor without one.
func (s *Local) checkSession(tx Tx, a Actor, acct *Account, p *Policy, how access, sess *Session) (*Session, error) {
	if a.SessionID == "" {
		return nil, nil
	}
	if sess == nil {
		var err error
		if sess, err = s.liveSession(tx, a.SessionID, p, false); err != nil {
			return nil, err
		}
	}
	if how&changesInfo == 0 || sess.TwoStep || a.AccountID != acct.ID {
		return sess, nil
	}
	methods, err := tx.Methods(acct.ID)
	if err != nil {
		return nil, err
	}
	if len(signInOptions(acct, methods)) > 0 {
		return nil, Reason(EFORBIDDEN, "session.twoStep", nil)
	}
	return sess, nil
}

// provedInSession marks a session two-step when it proved a sign-in
// method it added itself.
func (s *Local) provedInSession(tx Tx, a Actor, m *Method) error {
	if a.SessionID == "" || strings.TrimSpace(string(m.Kind)) == "" {
		return nil
	}
	if ki, _ := m.Kind.Info(); !ki.SignIn {
		return nil
	}
	sess, err := tx.Session(sessionKey(a.SessionID))
	if err != nil || sess.TwoStep {
		return err
	}
	sess.TwoStep = true
	return tx.UpdateSession(sess)
}
