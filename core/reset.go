package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// ActionPasswordReset is audited when a password is reset by its owner.
const ActionPasswordReset = "password.reset"

// ResetLifetime is how long a password reset may take.
const ResetLifetime = 30 * time.Minute

// Reset is a self-service password reset in progress, kept by name.
type Reset struct {
	ID         string
	Name       string
	AccountID  string // "" when no account has the name
	CreatedAt  time.Time
	ExpiresAt  time.Time
	Proven     []string // methods proven so far
	DoneAt     time.Time
	DecoyTries int
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

// resetOptions are the reset-capable ways of an account's methods.
func resetOptions(methods []*Method) []ResetOption {
	var out []ResetOption
	for _, m := range methods {
		ki, _ := m.Kind.Info()
		if !ki.Reset || m.Kind == KindSecurityKey {
			continue
		}
		for _, ch := range ki.Channels {
			out = append(out, ResetOption{ID: m.ID + ":" + string(ch), Kind: m.Kind, Channel: ch, Masked: MaskedDetail(m)})
		}
	}
	return out
}

// decoyOptions stand in for a name without an account or methods: the
// same kinds of choices, made up from a keyed hash of the name, so the
// answers and screens do not tell that nothing is there. No message is
// ever sent to them and no code matches.
func (k *Keys) decoyOptions(name string) []ResetOption {
	m := hmac.New(sha256.New, k.code[:])
	m.Write([]byte("decoy\x00" + name))
	sum := m.Sum(nil)
	id := func(i int) string { return hex.EncodeToString(sum[i*8 : i*8+8]) }
	domains := []string{"gmail.com", "outlook.com", "yahoo.com", "gmx.de"}
	email := fmt.Sprintf("%c%c*****@%s", 'a'+sum[0]%26, 'a'+sum[1]%26, domains[int(sum[2])%len(domains)])
	phone := fmt.Sprintf("+XX XXXXXXXX%02d", int(sum[3])%100)
	return []ResetOption{
		{ID: id(0) + ":sms", Kind: KindPhone, Channel: ChannelSMS, Masked: phone},
		{ID: id(0) + ":voice", Kind: KindPhone, Channel: ChannelVoice, Masked: phone},
		{ID: id(1) + ":email", Kind: KindEmail, Channel: ChannelEmail, Masked: email},
	}
}

// StartReset implements Service: it begins a reset for any well-formed
// name, answering alike whether or not the account exists or has methods.
func (s *Local) StartReset(ctx context.Context, name string) (*ResetState, error) {
	norm, err := NormalizeAccountName(name)
	if err != nil {
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

// resetState lists what r still needs.
func (s *Local) resetState(ctx context.Context, r *Reset) (*ResetState, error) {
	var methods []*Method
	var p *Policy
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if p, err = tx.Policy(); err != nil || r.AccountID == "" {
			return err
		}
		methods, err = tx.Methods(r.AccountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	opts := resetOptions(methods)
	if len(opts) == 0 {
		opts = s.keys.decoyOptions(r.Name)
	}
	st := &ResetState{ResetID: r.ID, Needed: p.MethodsRequiredForReset, Proven: len(r.Proven), ExpiresAt: r.ExpiresAt}
	for _, o := range opts {
		if !slices.Contains(r.Proven, methodOf(o.ID)) {
			st.Options = append(st.Options, o)
		}
	}
	return st, nil
}

func methodOf(optionID string) string { m, _, _ := strings.Cut(optionID, ":"); return m }

// openReset loads a reset that is still going, and its account (nil for
// a decoy).
func (s *Local) openReset(ctx context.Context, id string) (*Reset, *Account, error) {
	var r *Reset
	var acct *Account
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if r, err = tx.Reset(id); err != nil {
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
	if !r.DoneAt.IsZero() || !s.clock().Before(r.ExpiresAt) {
		return nil, nil, Errorf(EEXPIRED, "This password reset has ended. Start again.")
	}
	if err := s.checkSignInLock(ctx, r.Name); err != nil {
		return nil, nil, err
	}
	return r, acct, nil
}

// realOption finds optionID among the account's options; false for a decoy.
func (s *Local) realOption(ctx context.Context, acct *Account, optionID string) (ResetOption, bool, error) {
	if acct == nil {
		return ResetOption{}, false, nil
	}
	var methods []*Method
	if err := s.store.View(ctx, func(tx Tx) (err error) { methods, err = tx.Methods(acct.ID); return err }); err != nil {
		return ResetOption{}, false, err
	}
	for _, o := range resetOptions(methods) {
		if o.ID == optionID {
			return o, true, nil
		}
	}
	return ResetOption{}, false, nil
}

// resetOption loads a reset still going and the option chosen in it;
// real is false for a decoy.
func (s *Local) resetOption(ctx context.Context, resetID, optionID string) (*Reset, *Account, ResetOption, bool, error) {
	r, acct, err := s.openReset(ctx, resetID)
	if err != nil {
		return nil, nil, ResetOption{}, false, err
	}
	o, real, err := s.realOption(ctx, acct, optionID)
	return r, acct, o, real, err
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

// ResetSendCode implements Service: it sends a code to a phone or address
// of the reset. For a decoy it sends nothing and answers the same.
func (s *Local) ResetSendCode(ctx context.Context, resetID, optionID string) (*Challenge, error) {
	r, acct, o, real, err := s.resetOption(ctx, resetID, optionID)
	if err != nil {
		return nil, err
	}
	if real {
		return s.ProveMethod(resetActor(ctx, acct), acct.ID, methodOf(o.ID), o.Channel)
	}
	var decoy ResetOption
	for _, d := range s.keys.decoyOptions(r.Name) {
		if d.ID == optionID {
			decoy = d
		}
	}
	if decoy.ID == "" || decoy.Channel == ChannelApp {
		return nil, Errorf(EINVALID, "That is not one of the choices. Start again.")
	}
	p, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	// Take as long as a real send through this channel has been taking.
	s.sleep(s.latency.typical(decoy.Channel))
	now := s.clock()
	return &Challenge{VerificationID: id, Destination: decoy.Masked, Channel: decoy.Channel, CodeLength: p.CodeLength,
		ExpiresAt: now.Add(time.Duration(p.CodeLifetimeMinutes) * time.Minute), ResendAfter: now.Add(time.Duration(p.ResendSeconds) * time.Second)}, nil
}

// ResetVerify implements Service: it checks a code (verificationID "" for
// an authenticator app) and counts the method as proven. Failures count
// toward the sign-in lockout of the name.
func (s *Local) ResetVerify(ctx context.Context, resetID, optionID, verificationID, code string) (*ResetState, error) {
	r, acct, o, real, err := s.resetOption(ctx, resetID, optionID)
	if err != nil {
		return nil, err
	}
	if !real {
		return nil, s.decoyWrong(ctx, r)
	}
	actx := resetActor(ctx, acct)
	if o.Kind == KindAuthenticatorApp {
		err = s.VerifyAuthenticator(actx, acct.ID, methodOf(o.ID), code)
	} else {
		err = s.verifyCodeFor(actx, acct.ID, methodOf(o.ID), verificationID, code)
	}
	if err != nil {
		return nil, s.failedProof(ctx, r, acct, err)
	}
	return s.proven(ctx, r, methodOf(o.ID))
}

// ResetQuestions implements Service: the security questions to answer.
func (s *Local) ResetQuestions(ctx context.Context, resetID, optionID, lang string) (*QuestionChallenge, error) {
	_, acct, o, real, err := s.resetOption(ctx, resetID, optionID)
	if err != nil {
		return nil, err
	}
	if !real || o.Kind != KindSecurityQuestions {
		return nil, Errorf(EINVALID, "That is not one of the choices. Start again.")
	}
	return s.AskQuestions(resetActor(ctx, acct), acct.ID, lang)
}

// ResetAnswer implements Service: it checks the answers to ResetQuestions.
func (s *Local) ResetAnswer(ctx context.Context, resetID, optionID, verificationID string, answers map[string]string) (*ResetState, error) {
	r, acct, o, real, err := s.resetOption(ctx, resetID, optionID)
	if err != nil {
		return nil, err
	}
	if !real || o.Kind != KindSecurityQuestions {
		return nil, s.decoyWrong(ctx, r)
	}
	if err := s.CheckAnswers(resetActor(ctx, acct), acct.ID, verificationID, answers); err != nil {
		return nil, s.failedProof(ctx, r, acct, err)
	}
	return s.proven(ctx, r, methodOf(o.ID))
}

// decoyWrong answers a code typed for a decoy as a wrong code is answered.
func (s *Local) decoyWrong(ctx context.Context, r *Reset) error {
	p, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	r.DecoyTries++
	if err := s.store.Update(ctx, func(tx Tx) error { return tx.UpdateReset(r) }); err != nil {
		return err
	}
	if lock := s.failSignIn(ctx, r.Name, nil); ErrorCode(lock) == ELOCKED {
		return lock
	}
	left := p.CodeMaxTries - (r.DecoyTries-1)%p.CodeMaxTries - 1
	if left <= 0 {
		return Errorf(EWRONGCODE, "That code is wrong, and this code can't be used any more. Ask for a new code.")
	}
	tries := "tries"
	if left == 1 {
		tries = "try"
	}
	return Errorf(EWRONGCODE, "That code is wrong. You have %d %s left.", left, tries)
}

// proven records a proven method of a reset.
func (s *Local) proven(ctx context.Context, r *Reset, methodID string) (*ResetState, error) {
	if !slices.Contains(r.Proven, methodID) {
		r.Proven = append(r.Proven, methodID)
	}
	if err := s.store.Update(ctx, func(tx Tx) error { return tx.UpdateReset(r) }); err != nil {
		return nil, err
	}
	return s.resetState(ctx, r)
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
		return Errorf(EFORBIDDEN, "Prove %d different methods first.", st.Needed)
	}
	var methods []*Method
	if err := s.store.View(ctx, func(tx Tx) (err error) { methods, err = tx.Methods(acct.ID); return err }); err != nil {
		return err
	}
	if err := ValidatePassword(password, acct.Name, len(signInOptions(acct, methods)) > 0); err != nil {
		return err
	}
	hash, err := HashSecret(password, s.rand)
	if err != nil {
		return err
	}
	var acctCopy Account
	err = s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Reset(r.ID)
		if err != nil || !cur.DoneAt.IsZero() {
			return Errorf(EEXPIRED, "This password reset has ended. Start again.")
		}
		a, err := tx.Account(acct.ID)
		if err != nil {
			return err
		}
		now := s.clock()
		a.PasswordHash, a.PasswordChangedAt = hash, now
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		cur.DoneAt = now
		if err := tx.UpdateReset(cur); err != nil {
			return err
		}
		if err := tx.SaveSignInCounter(&FailureCounter{Subject: a.Name}); err != nil {
			return err
		}
		acctCopy = *a
		return s.audit(tx, Actor{AccountID: a.ID, Name: a.Name, Role: a.Role, Source: "reset"}, a, ActionPasswordReset, "",
			fmt.Sprintf("%d methods proven", len(cur.Proven)), "")
	})
	if err != nil {
		return err
	}
	s.notify(ctx, &acctCopy, notice{key: "notice.passwordReset"})
	return nil
}

// latencies keeps a moving average of delivery time per channel.
type latencies struct {
	mu  sync.Mutex
	avg map[Channel]time.Duration
}

func (l *latencies) observe(ch Channel, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.avg == nil {
		l.avg = map[Channel]time.Duration{}
	}
	if cur, ok := l.avg[ch]; ok {
		l.avg[ch] = (cur*7 + d) / 8
	} else {
		l.avg[ch] = d
	}
}

func (l *latencies) typical(ch Channel) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.avg[ch]
}
