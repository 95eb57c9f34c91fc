package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// A password reset answers alike for a name without an account (or
// without reset-capable methods) and for a real account: the decoy of a
// name offers a made-up set of methods, drawn from the keyed hash of the
// name so it is the same at every reset, masked as real ones are; its
// "sent" codes are counted by the same send limits, keep their own tries
// and expiry, and answer every mistake with the words a real code uses.
// Real reset codes are delivered in the background (sendCodeWith), so a
// provider's time does not tell the two apart either.

// decoyProfiles are the sets of methods a decoy may show, in the order a
// person would have added them.
var decoyProfiles = [][]MethodKind{
	{KindAuthenticatorApp},
	{KindPhone},
	{KindEmail},
	{KindAuthenticatorApp, KindPhone},
	{KindPhone, KindEmail},
	{KindAuthenticatorApp, KindEmail},
	{KindAuthenticatorApp, KindPhone, KindEmail},
	{KindPhone, KindSecurityQuestions},
	{KindEmail, KindSecurityQuestions},
	{KindAuthenticatorApp, KindPhone, KindSecurityQuestions},
	{KindPhone, KindOfficePhone, KindEmail},
	{KindPhone, KindAlternatePhone},
	{KindSecurityQuestions},
	{KindAuthenticatorApp, KindAuthenticatorApp},
	{KindAuthenticatorApp, KindPhone, KindEmail, KindSecurityQuestions},
	{KindPhone, KindAlternatePhone, KindEmail, KindSecurityQuestions},
	{KindAuthenticatorApp, KindAuthenticatorApp, KindPhone},
}

// decoyNumbers are country codes and national number lengths of the
// made-up phones.
var decoyNumbers = []struct {
	cc     string
	digits int
}{{"1", 10}, {"44", 10}, {"49", 11}, {"49", 10}, {"33", 9}, {"353", 9}, {"41", 9}, {"31", 9}, {"61", 9}, {"91", 10}}

var decoyDomains = []string{"gmail.com", "outlook.com", "yahoo.com", "gmx.de", "web.de", "icloud.com", "proton.me", "hotmail.com"}

// decoyBytes is the keyed hash of a name and a label.
func (k *Keys) decoyBytes(name, label string) []byte {
	m := hmac.New(sha256.New, k.code[:])
	m.Write([]byte("decoy\x00" + name + "\x00" + label))
	return m.Sum(nil)
}

// decoyOptions are the made-up options of a name; withKeys adds a
// security key to one name in four, as the policy allows keys.
func (k *Keys) decoyOptions(name string, withKeys bool) []ResetOption {
	sum := k.decoyBytes(name, "profile")
	profile := decoyProfiles[binary.BigEndian.Uint32(sum)%uint32(len(decoyProfiles))]
	var out []ResetOption
	if withKeys && sum[4]%4 == 0 {
		b := k.decoyBytes(name, "key")
		ki, _ := KindSecurityKey.Info()
		out = append(out, ResetOption{ID: hex.EncodeToString(b[:16]) + ":" + string(ChannelKey), Kind: KindSecurityKey, Channel: ChannelKey,
			Masked: ki.Label})
		if sum[5]%3 == 0 {
			return out // a key and nothing else, as people who use only keys have
		}
	}
	for i, kind := range profile {
		b := k.decoyBytes(name, fmt.Sprint("method ", i))
		m := &Method{ID: hex.EncodeToString(b[:16]), Kind: kind}
		switch {
		case kind.IsPhone():
			n := decoyNumbers[int(b[16])%len(decoyNumbers)]
			var d strings.Builder
			d.WriteByte('2' + b[17]%8)
			for j := 1; j < n.digits; j++ {
				d.WriteByte('0' + b[17+j%15]>>(j%3)%10)
			}
			m.Detail = "+" + n.cc + d.String()
		case kind == KindEmail:
			m.Detail = fmt.Sprintf("%c%cx@%s", 'a'+b[16]%26, 'a'+b[17]%26, decoyDomains[int(b[18])%len(decoyDomains)])
		case kind == KindAuthenticatorApp:
			m.Name = "Authenticator app"
		}
		ki, _ := kind.Info()
		for _, ch := range ki.Channels {
			out = append(out, ResetOption{ID: m.ID + ":" + string(ch), Kind: kind, Channel: ch, Masked: MaskedDetail(m)})
		}
	}
	sortOptions(out)
	return out
}

// decoyCode is a code "sent" to a decoy option, or security questions
// asked of one.
type decoyCode struct {
	Option    string    `json:"o"`
	Questions []string  `json:"q,omitempty"`
	ExpiresAt time.Time `json:"e"`
	Tries     int       `json:"t"`
	Key       bool      `json:"k,omitempty"` // a key challenge, used once
}

func decodeDecoy(s string) (map[string]*decoyCode, error) {
	st := map[string]*decoyCode{}
	if s == "" {
		return st, nil
	}
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return nil, fmt.Errorf("read decoy state: %w", err)
	}
	return st, nil
}

// encodeDecoy keeps every code: the send limits and MaxQuestionAsks bound
// them, as they bound a real account's verifications.
func encodeDecoy(st map[string]*decoyCode) (string, error) {
	b, err := json.Marshal(st)
	return string(b), err
}

// onDecoy runs fn on the decoy state of a reset still going, in one write.
func (s *Local) onDecoy(ctx context.Context, c resetChoice, fn func(tx Tx, p *Policy, st map[string]*decoyCode) error) error {
	return s.store.Update(ctx, func(tx Tx) error {
		r, err := s.liveReset(tx, c.reset.ID)
		if err != nil {
			return err
		}
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		st, err := decodeDecoy(r.Decoy)
		if err != nil {
			return err
		}
		if err := fn(tx, p, st); err != nil {
			return err
		}
		if r.Decoy, err = encodeDecoy(st); err != nil {
			return err
		}
		return tx.UpdateReset(r)
	})
}

// decoyAccount is the account ID a name's decoy sends are counted under.
func (s *Local) decoyAccount(name string) string {
	return "decoy:" + hex.EncodeToString(s.keys.decoyBytes(name, "account")[:16])
}

// decoySubject names the failure counter of a decoy method. It is kept
// with the sign-in counters (which need no account), under a subject no
// account name can be (NormalizeAccountName refuses '#').
func (s *Local) decoySubject(c resetChoice) string {
	return "#decoy:" + hex.EncodeToString(s.keys.decoyBytes(c.reset.Name, "counter "+methodOf(c.option.ID))[:16])
}

// decoyLock refuses a locked decoy method, as checkLock does a real one.
func (s *Local) decoyLock(tx Tx, c resetChoice, now time.Time) (*FailureCounter, error) {
	fc, err := tx.SignInCounter(s.decoySubject(c))
	if err != nil {
		return nil, err
	}
	if now.Before(fc.LockedUntil) {
		return fc, Reason(ELOCKED, "method.locked", map[string]any{"Until": clockTime(fc.LockedUntil, now)})
	}
	return fc, nil
}

// decoyFail counts a failed proof of a decoy method, as fail does a real
// one's, and reports whether it locked the method.
func decoyFail(tx Tx, fc *FailureCounter, p *Policy, now time.Time) (bool, error) {
	locked := countMethodFailure(fc, p, now)
	return locked, tx.SaveSignInCounter(fc)
}

// decoySend "sends" a code to a decoy option: counted by the send limits
// as a real send is, and remembered with its tries, but sent nowhere.
func (s *Local) decoySend(ctx context.Context, c resetChoice) (*Challenge, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	var ch *Challenge
	err = s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		now := s.clock()
		if _, err := s.decoyLock(tx, c, now); err != nil {
			return err
		}
		send := Send{AccountID: s.decoyAccount(c.reset.Name), Destination: "decoy:" + methodOf(c.option.ID), Channel: c.option.Channel,
			Purpose: SendReset, At: now}
		if err := checkSendLimits(tx, p, send, now); err != nil {
			return err
		}
		if err := tx.RecordSend(send); err != nil {
			return err
		}
		d := &decoyCode{Option: c.option.ID, ExpiresAt: now.Add(time.Duration(p.CodeLifetimeMinutes) * time.Minute)}
		st[id] = d
		ch = &Challenge{VerificationID: id, Destination: c.option.Masked, Channel: c.option.Channel, CodeLength: p.CodeLength,
			ExpiresAt: d.ExpiresAt, ResendAfter: now.Add(time.Duration(p.ResendSeconds) * time.Second)}
		return nil
	})
	return ch, err
}

// notFound is the answer to a verification ID that no flow of this
// account made, real or decoy.
func notFound() error { return Reason(ENOTFOUND, "code.notFound", nil) }

// decoyCheck answers a code typed for a decoy option: never right, with
// the words a real code or app would use.
func (s *Local) decoyCheck(ctx context.Context, c resetChoice, verificationID string) error {
	var userErr error
	err := s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		userErr = nil // a transaction run again starts over
		now := s.clock()
		if c.option.Kind == KindAuthenticatorApp {
			fc, lockErr := s.decoyLock(tx, c, now)
			if userErr = lockErr; lockErr != nil {
				return nil
			}
			locked, err := decoyFail(tx, fc, p, now)
			if userErr = wrongAppCode(); locked {
				userErr = Reason(ELOCKED, "app.locked", map[string]any{"Until": clockTime(fc.LockedUntil, now)})
			}
			return err
		}
		d := st[verificationID]
		if d == nil || d.Option != c.option.ID || d.Questions != nil {
			userErr = notFound()
			return nil
		}
		fc, lockErr := s.decoyLock(tx, c, now)
		if userErr = lockErr; lockErr != nil {
			return nil
		}
		if userErr = codeUnusable(time.Time{}, d.ExpiresAt, d.Tries, p, now); userErr != nil {
			return nil
		}
		d.Tries++
		locked, err := decoyFail(tx, fc, p, now)
		if userErr = wrongCode(p.CodeMaxTries - d.Tries); locked {
			userErr = Reason(ELOCKED, "method.locked", map[string]any{"Until": clockTime(fc.LockedUntil, now)})
		}
		return err
	})
	if err != nil {
		return err
	}
	return userErr
}

// decoyQuestions asks a decoy's security questions: the same ones at
// every reset of the name, as a real account's are for a day.
func (s *Local) decoyQuestions(ctx context.Context, c resetChoice, lang string) (*QuestionChallenge, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	var qc *QuestionChallenge
	err = s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		bank := s.questionBank(p, lang)
		b := s.keys.decoyBytes(c.reset.Name, "questions")
		var picked []int
		for i := 0; len(picked) < min(p.SecurityQuestionsToReset, len(bank)); i++ {
			j := int(b[i%len(b)]+byte(i/len(b))) % len(bank)
			if !containsInt(picked, j) {
				picked = append(picked, j)
			}
		}
		sort.Ints(picked)
		now := s.clock()
		d := &decoyCode{Option: c.option.ID, ExpiresAt: now.Add(time.Duration(p.CodeLifetimeMinutes) * time.Minute)}
		qc = &QuestionChallenge{VerificationID: id, ExpiresAt: d.ExpiresAt}
		for _, j := range picked {
			d.Questions = append(d.Questions, bank[j].ID)
			qc.Questions = append(qc.Questions, bank[j])
		}
		st[id] = d
		return nil
	})
	return qc, err
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// decoyAnswer answers answers typed for a decoy's questions: never right,
// after the same slow hashing and with the same words as real ones.
func (s *Local) decoyAnswer(ctx context.Context, c resetChoice, verificationID string, answers map[string]string) error {
	var d *decoyCode
	if err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.Reset(c.reset.ID)
		if err != nil {
			return err
		}
		st, err := decodeDecoy(r.Decoy)
		d = st[verificationID]
		return err
	}); err != nil {
		return err
	}
	if d == nil || d.Option != c.option.ID || d.Questions == nil {
		return notFound()
	}
	for _, q := range d.Questions {
		VerifySecret(dummy(), NormalizeAnswer(answers[q]))
	}
	var userErr error
	err := s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		userErr = nil // a transaction run again starts over
		d := st[verificationID]
		if d == nil {
			userErr = notFound()
			return nil
		}
		now := s.clock()
		fc, lockErr := s.decoyLock(tx, c, now)
		if userErr = lockErr; lockErr != nil {
			return nil
		}
		if userErr = answersUnusable(time.Time{}, d.ExpiresAt, d.Tries, p, now); userErr != nil {
			return nil
		}
		d.Tries++
		locked, err := decoyFail(tx, fc, p, now)
		if userErr = wrongAnswers(p.CodeMaxTries - d.Tries); locked {
			userErr = Reason(ELOCKED, "answers.locked", map[string]any{"Until": clockTime(fc.LockedUntil, now)})
		}
		return err
	})
	if err != nil {
		return err
	}
	return userErr
}

// keyListSize is how many credentials a reset's key challenge lists:
// the account's keys padded with made-up ones (a made-up account's are
// all made up), so the count does not tell real from made-up. Four fit
// the allow list of common keys (CTAP2 maxCredentialCountInList).
const keyListSize = 4

// decoyCredentialLengths are lengths of credential IDs that keys make.
var decoyCredentialLengths = []int{16, 32, 48, 64, 64, 64, 80, 96, 128}

// paddedCredentials is real padded to keyListSize with made-up credential
// IDs of the name, the same at every reset, in places drawn from the name.
func (k *Keys) paddedCredentials(name string, real [][]byte) [][]byte {
	sum := k.decoyBytes(name, "credentials")
	out := slices.Clone(real)
	for i := 0; len(out) < keyListSize; i++ {
		n := decoyCredentialLengths[int(sum[i])%len(decoyCredentialLengths)]
		var id []byte
		for j := 0; len(id) < n; j++ {
			id = append(id, k.decoyBytes(name, fmt.Sprint("credential ", i, " ", j))...)
		}
		at := int(sum[16+i]) % (len(out) + 1)
		out = slices.Insert(out, at, id[:n])
	}
	return out
}

// keyAsksEntry keeps, in a reset's decoy state, how many key challenges
// it asked for (no verification ID looks like it).
const keyAsksEntry = "#keyAsks"

// decoyKeyChallenge issues a key challenge for a decoy's key option: a
// fresh challenge, the relying party a real account of the name would
// have and the name's made-up credentials, remembered as a real one is.
func (s *Local) decoyKeyChallenge(ctx context.Context, c resetChoice) (*KeyChallenge, error) {
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	challenge := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, challenge); err != nil {
		return nil, err
	}
	var out *KeyChallenge
	err = s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		now := s.clock()
		d := &decoyCode{Option: c.option.ID, Key: true, ExpiresAt: now.Add(keyChallengeLifetime)}
		st[id] = d
		out = &KeyChallenge{VerificationID: id, RelyingPartyID: relyingParty(p, c.reset.Name).ID, Challenge: challenge,
			Credentials: s.keys.paddedCredentials(c.reset.Name, nil), ExpiresAt: d.ExpiresAt}
		return nil
	})
	return out, err
}

// decoyKeyCheck answers a key's assertion for a decoy's key option as
// ResetKeyVerify answers one for a real key that does not check out: the
// challenge is used once, and any credential is "not verified".
func (s *Local) decoyKeyCheck(ctx context.Context, c resetChoice, verificationID string) error {
	err := s.onDecoy(ctx, c, func(tx Tx, p *Policy, st map[string]*decoyCode) error {
		d := st[verificationID]
		if d == nil || d.Option != c.option.ID || !d.Key {
			return notFound()
		}
		if d.Tries > 0 || !s.clock().Before(d.ExpiresAt) {
			return Reason(EEXPIRED, "code.expired", nil) // used or too late, as openKeyChallenge says
		}
		d.Tries++
		return nil
	})
	if err != nil {
		return err
	}
	return keyNotVerified()
}
