package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ResetLifetime is how long a password reset may take.
const ResetLifetime = 30 * time.Minute

// Reset is a self-service password reset in progress, kept by name.
type Reset struct {
	ID        string
	Name      string
	AccountID string // "" when no account has the name
	CreatedAt time.Time
	ExpiresAt time.Time
	Proven    []string // methods proven so far
	DoneAt    time.Time
	// QuestionAsks counts the requests for security questions in this
	// reset (MaxQuestionAsks); stored in the column once used for decoy tries.
	QuestionAsks int
	// Decoy is the state of a reset's made-up options (JSON, kept by the
	// core): the codes "sent" to them and their tries, so that they behave
	// as real ones do.
	Decoy string
}

// ResetOption is a way to prove who one is during a reset, shown masked.
type ResetOption struct {
	ID      string     `json:"id"`
	Kind    MethodKind `json:"kind"`
	Channel Channel    `json:"channel"`
	Masked  string     `json:"masked"`
}

// ResetState says what a reset needs next.
type ResetState struct {
	ResetID   string        `json:"resetId"`
	Options   []ResetOption `json:"options"` // those not proven yet
	Needed    int           `json:"needed"`  // different methods the policy asks for
	Proven    int           `json:"proven"`
	ExpiresAt time.Time     `json:"expiresAt"`
}

// Ready reports whether the new password may be set.
func (s *ResetState) Ready() bool { return s.Proven >= s.Needed }

// resetOptions are the reset-capable ways of an account's methods. The
// account's security keys are one option, "Use a security key", offered
// while the policy allows keys (a made-up account shows one only then).
func resetOptions(methods []*Method, p *Policy) []ResetOption {
	var out []ResetOption
	keyOffered := false
	for _, m := range methods {
		ki, _ := m.Kind.Info()
		if m.Kind == KindSecurityKey {
			if !keyOffered && usableKey(m) && keyAllowed(p, m) {
				out = append(out, ResetOption{ID: m.ID + ":" + string(ChannelKey), Kind: m.Kind, Channel: ChannelKey, Masked: ki.Label})
				keyOffered = true
			}
			continue
		}
		if !ki.Reset || m.Kind == KindRecoveryCodes {
			continue // codes: one option for every name (withRecoveryOption)
		}
		masked := MaskedDetail(m)
		if m.Kind == KindAuthenticatorApp {
			masked = ki.Label // an app's own name is the owner's to see, not a stranger's
		}
		for _, ch := range ki.Channels {
			out = append(out, ResetOption{ID: m.ID + ":" + string(ch), Kind: m.Kind, Channel: ch, Masked: masked})
		}
	}
	sortOptions(out)
	return out
}

// resetKindOrder is the order a reset lists its options in, whatever
// order the methods were added in (which a decoy could not know).
var resetKindOrder = []MethodKind{KindSecurityKey, KindAuthenticatorApp, KindPhone, KindAlternatePhone, KindOfficePhone, KindEmail, KindSecurityQuestions}

func sortOptions(opts []ResetOption) {
	slices.SortStableFunc(opts, func(a, b ResetOption) int {
		return slices.Index(resetKindOrder, a.Kind) - slices.Index(resetKindOrder, b.Kind)
	})
}

// StartReset implements Service: it begins a reset for any well-formed
// name, answering alike whether or not the account exists or has methods.
func (s *Local) StartReset(ctx context.Context, name string) (*ResetState, error) {
	norm, err := NormalizeAccountName(name)
	if err != nil {
		return nil, err
	}
	if err := s.limitClient(ctx, "reset"); err != nil {
		return nil, err
	}
	if err := s.checkSignInLock(ctx, norm); err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	now := s.clock()
	r := &Reset{ID: id, Name: norm, CreatedAt: now, ExpiresAt: now.Add(ResetLifetime)}
	err = s.store.Update(ctx, func(tx Tx) error {
		if a, err := tx.AccountByName(norm); err == nil {
			r.AccountID = a.ID
		} else if ErrorCode(err) != ENOTFOUND {
			return err
		}
		return tx.CreateReset(r)
	})
	if err != nil {
		return nil, err
	}
	return s.resetState(ctx, r)
}

// shownOptions are the options a reset offers: the account's own, or,
// for a name without an account or without reset-capable methods, the
// decoys of the name. real says which.
func (s *Local) shownOptions(tx Tx, r *Reset) (opts []ResetOption, real bool, err error) {
	p, err := tx.Policy()
	if err != nil {
		return nil, false, err
	}
	if r.AccountID != "" {
		methods, err := tx.Methods(r.AccountID)
		if err != nil {
			return nil, false, err
		}
		if opts := resetOptions(methods, p); len(opts) > 0 {
			return withRecoveryOption(opts, p), true, nil
		}
	}
	return withRecoveryOption(s.keys.decoyOptions(r.Name, keysAllowed(p)), p), false, nil
}

// RecoveryOptionID is the reset option "Use a recovery code". It is
// offered to every name while the policy allows codes, with or without an
// account or a set, so that it tells nothing; a set is one method however
// many codes are typed.
const RecoveryOptionID = "recoveryCodes"

func withRecoveryOption(opts []ResetOption, p *Policy) []ResetOption {
	if !p.Enabled(KindRecoveryCodes) {
		return opts
	}
	return append(opts, ResetOption{ID: RecoveryOptionID, Kind: KindRecoveryCodes, Channel: ChannelNone, Masked: "Recovery code"})
}

// resetState lists what r still needs.
func (s *Local) resetState(ctx context.Context, r *Reset) (*ResetState, error) {
	var opts []ResetOption
	var p *Policy
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if p, err = tx.Policy(); err != nil {
			return err
		}
		opts, _, err = s.shownOptions(tx, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	st := &ResetState{ResetID: r.ID, Needed: p.MethodsRequiredForReset, Proven: provenCount(r, p), ExpiresAt: r.ExpiresAt}
	for _, o := range opts {
		if !slices.Contains(r.Proven, provenAs(o)) {
			st.Options = append(st.Options, o)
		}
	}
	return st, nil
}

func methodOf(optionID string) string { m, _, _ := strings.Cut(optionID, ":"); return m }

// provenAs is what a proof of o is recorded as: its method, or for the
// security key option "securityKey", whichever key signed, so that keys
// count as one method however many there are.
func provenAs(o ResetOption) string {
	if o.Kind == KindSecurityKey || o.Kind == KindRecoveryCodes {
		return string(o.Kind)
	}
	return methodOf(o.ID)
}

// provenCount is how many of r's proofs count under p: a security key's
// only while the policy still allows keys.
func provenCount(r *Reset, p *Policy) int {
	n := len(r.Proven)
	if slices.Contains(r.Proven, string(KindSecurityKey)) && !keysAllowed(p) {
		n--
	}
	if slices.Contains(r.Proven, string(KindRecoveryCodes)) && !p.Enabled(KindRecoveryCodes) {
		n--
	}
	return n
}

// liveProvenCount is provenCount of the proofs whose method is still
// the account's: a phone or app declared lost (or deleted) after it was
// proven in a reset no longer counts toward it.
func liveProvenCount(tx Tx, r *Reset, accountID string, p *Policy) (int, error) {
	n := provenCount(r, p)
	for _, id := range r.Proven {
		switch id {
		case string(KindSecurityKey):
			continue
		case string(KindRecoveryCodes):
			// A code proves the set: it counts while the account has one.
			methods, err := tx.Methods(accountID)
			if err != nil {
				return 0, err
			}
			if !slices.ContainsFunc(methods, func(m *Method) bool { return m.Kind == KindRecoveryCodes }) {
				n--
			}
			continue
		}
		if _, err := ownMethod(tx, accountID, id); storeFailed(err) {
			return 0, err
		} else if err != nil {
			n--
		}
	}
	return n, nil
}

// openReset loads a reset that is still going, and its account (nil for
// a decoy).
func (s *Local) openReset(ctx context.Context, id string) (*Reset, *Account, error) {
	var r *Reset
	var acct *Account
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if r, err = s.liveReset(tx, id); err != nil {
			return err
		}
		if r.AccountID != "" {
			acct, err = tx.Account(r.AccountID)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkSignInLock(ctx, r.Name); err != nil {
		return nil, nil, err
	}
	return r, acct, nil
}

// resetChoice is a reset still going and the option chosen in it; real
// is false for a decoy.
type resetChoice struct {
	reset  *Reset
	acct   *Account
	option ResetOption
	real   bool
}

// flow is the flow the reset's verifications are bound to.
func (c resetChoice) flow() string { return "reset:" + c.reset.ID }

// notAChoice is the answer to an option that is not offered (or not of
// the kind the call needs), the same for real and made-up accounts.
var notAChoice = Reason(EINVALID, "reset.notAChoice", nil)

// resetOption loads a reset still going and the option chosen in it,
// which must be one the reset offers and has not been proven yet and,
// when kinds are given, of one of them.
func (s *Local) resetOption(ctx context.Context, resetID, optionID string, kinds ...MethodKind) (resetChoice, error) {
	r, acct, err := s.openReset(ctx, resetID)
	if err != nil {
		return resetChoice{}, err
	}
	c := resetChoice{reset: r, acct: acct}
	var opts []ResetOption
	if err := s.store.View(ctx, func(tx Tx) (err error) { opts, c.real, err = s.shownOptions(tx, r); return err }); err != nil {
		return resetChoice{}, err
	}
	i := slices.IndexFunc(opts, func(o ResetOption) bool { return o.ID == optionID })
	if i < 0 || len(kinds) > 0 && !slices.Contains(kinds, opts[i].Kind) || slices.Contains(r.Proven, provenAs(opts[i])) {
		return resetChoice{}, notAChoice
	}
	c.option = opts[i]
	return c, nil
}

// resetActor is the account proving itself during its own reset.
func resetActor(ctx context.Context, acct *Account) context.Context {
	return WithActor(ctx, Actor{AccountID: acct.ID, Name: acct.Name, Role: acct.Role, Source: "reset"})
}

// failedProof counts a failed proof toward the sign-in lockout of the
// name, and says so once it locks.
func (s *Local) failedProof(ctx context.Context, r *Reset, acct *Account, err error) error {
	if lock := s.failSignIn(ctx, r.Name, acct); ErrorCode(lock) == ELOCKED {
		return lock
	}
	return err
}

// codeKinds are the kinds a reset sends a code to.
var codeKinds = []MethodKind{KindPhone, KindAlternatePhone, KindOfficePhone, KindEmail}

// ResetSendCode implements Service: it sends a code to a phone or address
// of the reset, answering before the delivery. For a decoy it sends
// nothing and answers the same, within the same limits.
func (s *Local) ResetSendCode(ctx context.Context, resetID, optionID string) (*Challenge, error) {
	c, err := s.resetOption(ctx, resetID, optionID, codeKinds...)
	if err != nil {
		return nil, err
	}
	if err := s.limitClient(ctx, "send"); err != nil {
		return nil, err
	}
	if c.real {
		return s.proveMethod(resetActor(ctx, c.acct), c.acct.ID, methodOf(c.option.ID), c.option.Channel, c.flow())
	}
	return s.decoySend(ctx, c)
}

// ResetVerify implements Service: it checks a code (verificationID "" for
// an authenticator app) and counts the method as proven. Failures count
// toward the sign-in lockout of the name.
func (s *Local) ResetVerify(ctx context.Context, resetID, optionID, verificationID, code string) (*ResetState, error) {
	if err := s.limitClient(ctx, "proof"); err != nil {
		return nil, err
	}
	c, err := s.resetOption(ctx, resetID, optionID, append([]MethodKind{KindAuthenticatorApp, KindRecoveryCodes}, codeKinds...)...)
	if err != nil {
		return nil, err
	}
	switch {
	case c.option.Kind == KindRecoveryCodes:
		err = s.resetRecoveryCode(ctx, c, code)
		if ErrorCode(err) == EINVALID {
			return nil, err // not a code's shape: nothing was checked
		}
	case !c.real:
		err = s.decoyCheck(ctx, c, verificationID)
	case c.option.Kind == KindAuthenticatorApp:
		err = s.VerifyAuthenticator(resetActor(ctx, c.acct), c.acct.ID, methodOf(c.option.ID), code)
	default:
		err = s.verifyCodeFor(resetActor(ctx, c.acct), c.acct.ID, methodOf(c.option.ID), c.option.Channel, verificationID, code, c.flow())
	}
	if err != nil {
		return nil, s.failedProof(ctx, c.reset, c.acct, err)
	}
	return s.proven(ctx, c.reset, provenAs(c.option))
}

// resetRecoveryCode checks a recovery code typed in a reset. A name
// without an account or without a set reads as much, hashes the code the
// same way and is counted and locked as a set is (decoyRecoveryCode), so
// the answers and their cost do not tell them apart.
func (s *Local) resetRecoveryCode(ctx context.Context, c resetChoice, code string) error {
	normalized, ok := NormalizeRecoveryCode(code)
	if !ok {
		return Reason(EINVALID, "recovery.format", nil)
	}
	var set *Method
	if err := s.store.View(ctx, func(tx Tx) error {
		id := ""
		if c.acct != nil {
			id = c.acct.ID
		}
		methods, err := tx.Methods(id)
		set = codesMethod(methods)
		return err
	}); err != nil {
		return err
	}
	if set == nil {
		return s.decoyRecoveryCode(ctx, c, normalized)
	}
	return s.useRecoveryCode(resetActor(ctx, c.acct), c.acct.ID, set.ID, code)
}

// decoyRecoveryCode answers a recovery code where there is no set: never
// right, with a set's words, its failures counted and locked as a set's.
func (s *Local) decoyRecoveryCode(ctx context.Context, c resetChoice, normalized string) error {
	var userErr error
	err := s.onDecoy(ctx, c, func(tx Tx, p *Policy, _ map[string]*decoyCode) error {
		userErr = nil // a transaction run again starts over
		now := s.clock()
		_ = s.keys.recoveryCodeHash(c.reset.ID, normalized) // the cost of a real check
		fc, lockErr := s.decoyLock(tx, c, now)
		if userErr = lockErr; lockErr != nil {
			return nil
		}
		locked, err := decoyFail(tx, fc, p, now)
		if userErr = wrongRecoveryCode(); locked {
			userErr = Reason(ELOCKED, "recovery.locked", map[string]any{"Until": clockTime(fc.LockedUntil, now)})
		}
		return err
	})
	if err != nil {
		return err
	}
	return userErr
}

// ResetQuestions implements Service: the security questions to answer,
// the same ones for a day however often they are asked for.
func (s *Local) ResetQuestions(ctx context.Context, resetID, optionID, lang string) (*QuestionChallenge, error) {
	c, err := s.resetOption(ctx, resetID, optionID, KindSecurityQuestions)
	if err != nil {
		return nil, err
	}
	if err := s.countQuestionAsks(ctx, c); err != nil {
		return nil, err
	}
	if !c.real {
		return s.decoyQuestions(ctx, c, lang)
	}
	return s.askQuestions(resetActor(ctx, c.acct), c.acct.ID, lang, c.flow())
}

// MaxQuestionAsks is how often one reset may ask for its security
// questions, real or made-up alike, so that neither can be told apart by
// what piles up behind them.
const MaxQuestionAsks = 3

// countQuestionAsks counts a request for a reset's questions.
func (s *Local) countQuestionAsks(ctx context.Context, c resetChoice) error {
	return s.store.Update(ctx, func(tx Tx) error {
		r, err := s.liveReset(tx, c.reset.ID)
		if err != nil {
			return err
		}
		if r.QuestionAsks >= MaxQuestionAsks {
			return Reason(ELIMITED, "reset.questionsAsked", map[string]any{"Max": MaxQuestionAsks})
		}
		r.QuestionAsks++
		return tx.UpdateReset(r)
	})
}

// ResetAnswer implements Service: it checks the answers to ResetQuestions.
func (s *Local) ResetAnswer(ctx context.Context, resetID, optionID, verificationID string, answers map[string]string) (*ResetState, error) {
	// Answers are hashed: counted per address before anything else, so
	// that no flood of answers makes the service hash without end.
	if err := s.limitClient(ctx, "proof"); err != nil {
		return nil, err
	}
	c, err := s.resetOption(ctx, resetID, optionID, KindSecurityQuestions)
	if err != nil {
		return nil, err
	}
	if !c.real {
		err = s.decoyAnswer(ctx, c, verificationID, answers)
	} else {
		err = s.checkAnswers(resetActor(ctx, c.acct), c.acct.ID, verificationID, answers, c.flow())
	}
	if err != nil {
		return nil, s.failedProof(ctx, c.reset, c.acct, err)
	}
	return s.proven(ctx, c.reset, provenAs(c.option))
}

// proven records a proven method of a reset: read, checked and written
// in one transaction, so a proof racing the end of the reset cannot bring
// it back.
func (s *Local) proven(ctx context.Context, r *Reset, methodID string) (*ResetState, error) {
	var cur *Reset
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if cur, err = s.liveReset(tx, r.ID); err != nil {
			return err
		}
		if !slices.Contains(cur.Proven, methodID) {
			cur.Proven = append(cur.Proven, methodID)
		}
		return tx.UpdateReset(cur)
	})
	if err != nil {
		return nil, err
	}
	return s.resetState(ctx, cur)
}

// liveReset reads a reset that has not ended, inside a transaction.
func (s *Local) liveReset(tx Tx, id string) (*Reset, error) {
	r, err := tx.Reset(id)
	if storeFailed(err) {
		return nil, err
	}
	if err != nil || !r.DoneAt.IsZero() || !s.clock().Before(r.ExpiresAt) {
		return nil, Reason(EEXPIRED, "reset.ended", nil)
	}
	return r, nil
}

// ResetPassword implements Service: once enough different methods are
// proven, it sets the new password (DESIGN rules), audits it and tells the
// account's contact methods.
func (s *Local) ResetPassword(ctx context.Context, resetID, password string) error {
	r, acct, err := s.openReset(ctx, resetID)
	if err != nil {
		return err
	}
	st, err := s.resetState(ctx, r)
	if err != nil {
		return err
	}
	if acct == nil || !st.Ready() {
		return Reason(EFORBIDDEN, "reset.proveFirst", map[string]any{"N": st.Needed})
	}
	var methods []*Method
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		// Before a directory password is written, and again below.
		if err := pausedAfterReport(tx, acct.ID, s.clock(), "reset.afterReport"); err != nil {
			return err
		}
		methods, err = tx.Methods(acct.ID)
		return err
	}); err != nil {
		return err
	}
	hash, err := s.resetPasswordHash(ctx, acct, methods, password)
	if err != nil {
		return err
	}
	var notices []queued
	err = s.store.Update(ctx, func(tx Tx) error {
		cur, err := s.liveReset(tx, r.ID)
		if err != nil {
			return err
		}
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		n, err := liveProvenCount(tx, cur, acct.ID, p)
		if err != nil {
			return err
		}
		if n < p.MethodsRequiredForReset {
			return Reason(EFORBIDDEN, "reset.proveFirst", map[string]any{"N": p.MethodsRequiredForReset})
		}
		a, err := tx.Account(acct.ID)
		if err != nil {
			return err
		}
		now := s.clock()
		if err := pausedAfterReport(tx, acct.ID, now, "reset.afterReport"); err != nil {
			return err
		}
		a.PasswordHash, a.PasswordChangedAt, a.PasswordMustChange = hash, now, false
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		cur.DoneAt = now
		if err := tx.UpdateReset(cur); err != nil {
			return err
		}
		owner := Actor{AccountID: a.ID, Name: a.Name, Role: a.Role, Source: "reset"}
		if err := s.endOtherAccess(tx, owner, a, "", cur.ID, now); err != nil {
			return err
		}
		if err := tx.SaveSignInCounter(&FailureCounter{Subject: a.Name}); err != nil {
			return err
		}
		if err := s.audit(tx, owner, a, ActionPasswordReset, "",
			provenWords(len(cur.Proven)), ""); err != nil {
			return err
		}
		notices, err = s.queueNotice(tx, a, notice{key: "notice.passwordReset"})
		return err
	})
	if err != nil {
		return err
	}
	s.sendNotices(ctx, notices)
	return nil
}

// resetPasswordHash checks and writes the password of a self-service
// reset: the directory's, set there by the service before the reset is
// marked done (nothing here changes when it refuses), or the store's,
// checked by the DESIGN rules and hashed.
func (s *Local) resetPasswordHash(ctx context.Context, acct *Account, methods []*Method, password string) (string, error) {
	if s.dir != nil {
		return "", s.directoryPassword(ctx, acct, "", password, false)
	}
	if err := ValidatePassword(password, acct.Name, len(signInOptions(acct, methods)) > 0); err != nil {
		return "", err
	}
	return HashSecret(password, s.rand)
}

// ResetKeyChallenge implements Service: a challenge for the reset's
// security key option, listing the account's keys. A made-up account's
// key option answers alike, with made-up credentials.
func (s *Local) ResetKeyChallenge(ctx context.Context, resetID, optionID string) (*KeyChallenge, error) {
	c, err := s.resetOption(ctx, resetID, optionID, KindSecurityKey)
	if err != nil {
		return nil, err
	}
	if err := s.limitClient(ctx, "send"); err != nil {
		return nil, err
	}
	if err := s.countKeyAsk(ctx, c); err != nil {
		return nil, err
	}
	if !c.real {
		return s.decoyKeyChallenge(ctx, c)
	}
	var out *KeyChallenge
	err = s.store.Update(ctx, func(tx Tx) error {
		methods, err := tx.Methods(c.acct.ID)
		if err != nil {
			return err
		}
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		v := &Verification{AccountID: c.acct.ID, Purpose: VerifyProve, Flow: c.flow()}
		out, err = s.newKeyChallenge(tx, v, relyingParty(p, c.acct.Name), s.keys.paddedCredentials(c.reset.Name, keyCredentials(methods)))
		return err
	})
	return out, err
}

// ResetKeyVerify implements Service: the key's assertion proves the
// reset's security key option. Failures count toward the sign-in lockout
// of the name, as a wrong code does.
func (s *Local) ResetKeyVerify(ctx context.Context, resetID, optionID, verificationID string, r KeyAssertion) (*ResetState, error) {
	c, err := s.resetOption(ctx, resetID, optionID, KindSecurityKey)
	if err != nil {
		return nil, err
	}
	if !c.real {
		err = s.decoyKeyCheck(ctx, c, verificationID)
	} else {
		var userErr error
		err = s.store.Update(ctx, func(tx Tx) error {
			userErr = nil // a transaction run again starts over
			v, err := ownVerification(tx, c.acct.ID, verificationID)
			if err != nil {
				return err
			}
			if v.Kind != KindSecurityKey || v.Purpose != VerifyProve || v.Flow != c.flow() {
				return notFound()
			}
			userErr, err = s.checkKeyAssertion(tx, Actor{AccountID: c.acct.ID, Name: c.acct.Name, Role: c.acct.Role, Source: "reset"}, c.acct, v, r)
			return err
		})
		if err == nil {
			err = userErr
		}
		// The list holds made-up credentials besides the account's, so to
		// a stranger every credential is "not verified" alike.
		if e := (*Error)(nil); errors.As(err, &e) && e.Key == "key.notRegistered" {
			err = keyNotVerified()
		}
	}
	switch {
	case ErrorCode(err) == EWRONGCODE:
		return nil, s.failedProof(ctx, c.reset, c.acct, err)
	case err != nil:
		return nil, err
	}
	return s.proven(ctx, c.reset, provenAs(c.option))
}

// MaxKeyAsks is how many key challenges one reset may ask for, real or
// made-up alike.
const MaxKeyAsks = 10

// countKeyAsk counts a key challenge of a reset, in the reset's decoy
// state for real and made-up accounts alike (one write of the same size
// either way).
func (s *Local) countKeyAsk(ctx context.Context, c resetChoice) error {
	return s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		n := st[keyAsksEntry]
		if n == nil {
			n = &decoyCode{Option: keyAsksEntry}
			st[keyAsksEntry] = n
		}
		if n.Tries >= MaxKeyAsks {
			return Reason(ELIMITED, "reset.keysAsked", map[string]any{"Max": MaxKeyAsks})
		}
		n.Tries++
		return nil
	})
}

// provenWords is the detail of a reset's audit event: "1 method proven",
// "2 methods proven" (the window words it in the person's language).
func provenWords(n int) string {
	if n == 1 {
		return "1 method proven"
	}
	return fmt.Sprintf("%d methods proven", n)
}
