package core

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// Verification is a code or an enrolment waiting to be proven: a method
// being added, or an existing method asked to prove itself. Only the keyed
// hash of a code is kept; an enrolment's TOTP seed is sealed.
type Verification struct {
	ID        string
	AccountID string
	Purpose   string // VerifyAdd, VerifyProve or VerifySignIn
	// Flow is what the verification was made for: FlowOwner (the owner's
	// own page), or a sign-in or reset ("signin:ID", "reset:ID"). A code is
	// accepted only by the flow that asked for it.
	Flow      string
	Kind      MethodKind // the kind being added or proven
	MethodID  string     // the method proven (VerifyProve)
	Detail    string     // destination: E.164 number or address
	Extension string
	Channel   Channel
	Name      string // app name (enrolment)
	Language  string
	CodeHash  []byte
	Secret    []byte // sealed TOTP seed (enrolment)
	CreatedAt time.Time
	SentAt    time.Time // last send
	ExpiresAt time.Time
	Tries     int       // wrong tries of the current code
	UsedAt    time.Time // set once, by the single write that consumes it
}

// Verification purposes.
const (
	VerifyAdd   = "add"
	VerifyProve = "prove"
)

// Send is one code sent, kept to enforce the send limits.
type Send struct {
	AccountID   string // a decoy reset's sends carry a made-up account ID
	Destination string
	Channel     Channel
	Purpose     string // SendAdd, SendSignIn, SendReset or SendOwner
	At          time.Time
}

// Send purposes: the limits of each are counted apart, so that adds and
// resets (which others can start) never use up the codes an account's
// owner needs to sign in.
const (
	SendAdd    = "add"    // a number or address being added
	SendSignIn = "signin" // a second step of a sign-in
	SendReset  = "reset"  // a proof during a password reset
	SendOwner  = "owner"  // the owner proving a method on their own page
)

// Flows a verification is bound to.
const FlowOwner = "owner"

// SendFilter selects sends after a time. Empty fields select any value;
// at least one of AccountID and Destination is set.
type SendFilter struct {
	AccountID   string
	Destination string
	Purpose     string
	Since       time.Time
}

// FailureCounter counts consecutive failed proofs of one subject (a
// destination, a method) of an account, and locks it after too many.
type FailureCounter struct {
	AccountID   string
	Subject     string
	Failures    int
	LockedUntil time.Time
}

// Challenge is what a person is told after a code was sent.
type Challenge struct {
	VerificationID string    `json:"verificationId"`
	Destination    string    `json:"destination"` // E.164 or address when adding; masked when proving
	Channel        Channel   `json:"channel"`
	CodeLength     int       `json:"codeLength"`
	ExpiresAt      time.Time `json:"expiresAt"`
	ResendAfter    time.Time `json:"resendAfter"`
}

// PhoneRequest asks to add a phone.
type PhoneRequest struct {
	Kind      MethodKind `json:"kind"` // phone, alternatePhone or officePhone
	Number    string     `json:"number"`
	Region    string     `json:"region,omitempty"` // ISO country for a national number; "" when Number starts with +
	Extension string     `json:"extension,omitempty"`
	Channel   Channel    `json:"channel,omitempty"`
	Language  string     `json:"language,omitempty"` // "" means the account's language
	// Replaces, when set, is the ID of a phone of the same kind that the
	// proven number takes the place of (Change), instead of a new phone.
	Replaces string `json:"replaces,omitempty"`
}

// newCode returns n random decimal digits.
func newCode(r io.Reader, n int) (string, error) {
	var b strings.Builder
	ten := big.NewInt(10)
	for i := 0; i < n; i++ {
		d, err := randInt(r, ten)
		if err != nil {
			return "", fmt.Errorf("new code: %w", err)
		}
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String(), nil
}

// randInt returns a uniform integer in [0, max) from r, by rejection.
func randInt(r io.Reader, max *big.Int) (*big.Int, error) {
	var buf [1]byte
	limit := 256 - 256%int(max.Int64())
	for {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return nil, err
		}
		if int(buf[0]) < limit {
			return big.NewInt(int64(buf[0]) % max.Int64()), nil
		}
	}
}

// clockTime formats a time for a message: "10:57 UTC", with the date when
// it is not today.
func clockTime(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04 UTC")
	}
	return t.Format("2 January 2006 15:04 UTC")
}

// inWords says a short duration the way a person would: "12 seconds", "3 minutes".
func inWords(d time.Duration) string {
	switch s := int((d + time.Second - 1) / time.Second); {
	case s <= 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	case s < 120:
		return "1 minute"
	default:
		return fmt.Sprintf("%d minutes", (s+59)/60)
	}
}

// sendPurpose is the purpose a send of v is counted under.
func sendPurpose(v *Verification) string {
	switch {
	case v.Purpose == VerifyAdd:
		return SendAdd
	case strings.HasPrefix(v.Flow, "signin:"):
		return SendSignIn
	case strings.HasPrefix(v.Flow, "reset:"):
		return SendReset
	}
	return SendOwner
}

// checkSendLimits refuses a send when a limit of the policy is reached,
// saying when the person may try again. Each purpose is counted apart:
// adds per destination across every account (a number being added may be
// anyone's), everything else per account and destination, so adds and
// resets started by others never use up the sign-in codes of a number.
// Any send waits the policy's resend time after the last one of its kind.
func checkSendLimits(tx Tx, p *Policy, send Send, now time.Time) error {
	dest := SendFilter{Destination: send.Destination, AccountID: send.AccountID, Purpose: send.Purpose}
	if send.Purpose == SendAdd {
		dest.AccountID = ""
	}
	acct := SendFilter{AccountID: send.AccountID, Purpose: send.Purpose}
	wait := time.Duration(p.ResendSeconds) * time.Second
	limits := []struct {
		f      SendFilter
		window time.Duration
		max    int
		reason string
	}{
		{dest, wait, 1, "code.wait"},
		{dest, time.Hour, p.SendsPerDestinationHour, "code.limitHour"},
		{dest, 24 * time.Hour, p.SendsPerDestinationDay, "code.limitDay"},
		{acct, 24 * time.Hour, p.SendsPerAccountDay, "code.limitAccount"},
	}
	for _, l := range limits {
		l.f.Since = now.Add(-l.window)
		times, err := tx.SendTimes(l.f)
		if err != nil {
			return err
		}
		if len(times) >= l.max {
			// The oldest send in the window leaves it first.
			retry := times[len(times)-l.max].Add(l.window)
			if l.reason == "code.wait" {
				return waitFor(retry.Sub(now))
			}
			return Reason(ELIMITED, l.reason, map[string]any{"Max": l.max, "At": clockTime(retry, now)})
		}
	}
	return nil
}

// waitFor is the answer to a send too soon after the last.
func waitFor(d time.Duration) error {
	return Reason(ELIMITED, "code.wait", map[string]any{"Wait": inWords(d), "Seconds": int((d + time.Second - 1) / time.Second)})
}

// checkLock refuses a locked subject, saying until when.
func checkLock(tx Tx, accountID, subject string, now time.Time) (*FailureCounter, error) {
	c, err := tx.FailureCounter(accountID, subject)
	if err != nil {
		return nil, err
	}
	if now.Before(c.LockedUntil) {
		return c, Reason(ELOCKED, "method.locked", map[string]any{"Until": clockTime(c.LockedUntil, now)})
	}
	return c, nil
}

// fail records a failed proof of a subject and locks it at the policy's
// threshold; it reports whether this failure locked it.
func (s *Local) fail(tx Tx, c *FailureCounter, p *Policy, now time.Time) (bool, error) {
	locked := countMethodFailure(c, p, now)
	if locked {
		acct, err := tx.Account(c.AccountID)
		if err != nil {
			return false, err
		}
		detail := c.Subject
		if dest, ok := strings.CutPrefix(c.Subject, "dest:"); ok {
			detail = "dest:" + maskDest(channelOfDest(dest), dest)
		}
		if err := s.audit(tx, Actor{Name: "system", Source: "lockout"}, acct, ActionMethodLocked, "", detail,
			"until "+c.LockedUntil.Format(time.RFC3339)); err != nil {
			return false, err
		}
	}
	return locked, tx.SaveFailureCounter(c)
}

// countMethodFailure adds a failure to c, after a lock that has run out,
// and locks it at the policy's threshold; it reports whether it locked.
// A reset's decoy methods count through it too.
func countMethodFailure(c *FailureCounter, p *Policy, now time.Time) bool {
	if !c.LockedUntil.IsZero() && !now.Before(c.LockedUntil) {
		c.Failures, c.LockedUntil = 0, time.Time{} // the last lock has run out
	}
	c.Failures++
	if c.Failures < p.MethodLockoutThreshold {
		return false
	}
	c.Failures, c.LockedUntil = 0, now.Add(time.Duration(p.MethodLockoutMinutes)*time.Minute)
	return true
}

// succeed clears a subject's failures.
func succeed(tx Tx, c *FailureCounter) error {
	if c.Failures == 0 && c.LockedUntil.IsZero() {
		return nil
	}
	c.Failures, c.LockedUntil = 0, time.Time{}
	return tx.SaveFailureCounter(c)
}

func destSubject(dest string) string { return "dest:" + dest }

// codeText renders the message carrying a code in the language lang.
func (s *Local) codeMessage(p *Policy, ch Channel, to, lang, code string) Message {
	data := map[string]any{"Code": code, "Issuer": p.Issuer, "Minutes": p.CodeLifetimeMinutes,
		"Spoken": strings.Join(strings.Split(code, ""), ", ")}
	m := Message{Channel: ch, To: to, Language: lang, Purpose: PurposeCode}
	switch ch {
	case ChannelEmail:
		m.Subject = s.texts.Text(lang, "message.code.subject", data)
		m.Text = s.texts.Text(lang, "message.code.email", data)
	case ChannelVoice:
		m.Text = s.texts.Text(lang, "message.code.voice", data)
	default:
		m.Text = s.texts.Text(lang, "message.code.sms", data)
	}
	return m
}

// sendCode creates (or, for a resend, renews) a verification's code within
// a write, records the send, then delivers it outside the write. A failed
// delivery undoes the code and the send record, so nothing is half-added.
func (s *Local) sendCode(ctx context.Context, v *Verification, resend bool, prepare func(tx Tx, a Actor, acct *Account, p *Policy) error) (*Challenge, error) {
	return s.sendCodeWith(ctx, v, resend, prepare, v.Purpose == VerifyProve)
}

// sendCodeWith is sendCode; proving says whether the code proves an
// existing method, which is allowed while a removal is pending.
func (s *Local) sendCodeWith(ctx context.Context, v *Verification, resend bool, prepare func(tx Tx, a Actor, acct *Account, p *Policy) error, proving bool) (*Challenge, error) {
	var msg Message
	var prev *Verification
	var send Send
	var d *Delivery
	var ch *Challenge
	how := changeInfo
	switch {
	case strings.HasPrefix(v.Flow, "helpdesk:"):
		how = writes | desk // the help desk's check: onDesk's rules, here and in prepare
	case proving:
		how = prove
	}
	err := s.onAccount(ctx, v.AccountID, how, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		if how&desk != 0 {
			if err := needApproval(tx, a, acct, s.clock()); err != nil {
				return err
			}
		}
		if prepare != nil {
			if err := prepare(tx, a, acct, p); err != nil {
				return err
			}
		}
		now := s.clock()
		if _, err := checkLock(tx, v.AccountID, destSubject(v.Detail), now); err != nil {
			return err
		}
		if resend {
			if wait := v.SentAt.Add(time.Duration(p.ResendSeconds) * time.Second).Sub(now); wait > 0 {
				return waitFor(wait)
			}
		}
		if v.Flow == "" {
			v.Flow = FlowOwner
		}
		send = Send{AccountID: v.AccountID, Destination: v.Detail, Channel: v.Channel, Purpose: sendPurpose(v), At: now}
		if err := checkSendLimits(tx, p, send, now); err != nil {
			return err
		}
		code, err := newCode(s.rand, p.CodeLength)
		if err != nil {
			return err
		}
		if resend {
			old := *v
			prev = &old
		} else {
			if v.ID, err = s.newID(); err != nil {
				return err
			}
			v.CreatedAt = now
			if err := tx.DeleteExpiredVerifications(now.Add(-24 * time.Hour)); err != nil {
				return err
			}
		}
		// A new code replaces the old one with its own tries; the
		// consecutive failures of the destination stay (checkLock, fail),
		// so resending does not buy more than the lockout allows.
		v.Tries = 0
		v.CodeHash = s.keys.CodeHash(v.ID, code)
		v.SentAt = now
		v.ExpiresAt = now.Add(time.Duration(p.CodeLifetimeMinutes) * time.Minute)
		if resend {
			err = tx.UpdateVerification(v)
		} else {
			err = tx.CreateVerification(v)
		}
		if err != nil {
			return err
		}
		if err := tx.RecordSend(send); err != nil {
			return err
		}
		msg = s.codeMessage(p, v.Channel, v.Detail, v.Language, code)
		msg.AccountID = v.AccountID
		if d, err = s.queueDelivery(tx, now, deliveryPayload{Message: msg, Send: &send, Until: v.ExpiresAt}, !s.queue); err != nil {
			return err
		}
		ch = &Challenge{VerificationID: v.ID, Destination: v.Detail, Channel: v.Channel, CodeLength: p.CodeLength,
			ExpiresAt: v.ExpiresAt, ResendAfter: now.Add(time.Duration(p.ResendSeconds) * time.Second)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.queue {
		// The worker delivers it; a failure is retried, and a code given
		// up frees its send, so the person asks for a new one.
		s.kick()
		return ch, nil
	}
	if strings.HasPrefix(v.Flow, "reset:") {
		// A reset answers before delivery, as its decoys do: neither the
		// time a provider takes nor its failure tells a real account
		// from a made-up one. A failed delivery is undone and logged.
		bg := context.WithoutCancel(ctx)
		s.background(func() { _ = s.deliver(bg, v, msg, d, send, prev) })
		return ch, nil
	}
	if err := s.deliver(ctx, v, msg, d, send, prev); err != nil {
		return nil, err
	}
	return ch, nil
}

// deliver sends msg, carrying v's code and queued as d, at once; a failed
// delivery undoes the code, the send record and the queued row, so
// nothing is half-added.
func (s *Local) deliver(ctx context.Context, v *Verification, msg Message, d *Delivery, send Send, prev *Verification) error {
	// Within the row's lease, so that no worker sends it a second time.
	sendCtx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	err := s.sender.Send(sendCtx, msg)
	cancel()
	if err == nil {
		s.delivered(ctx, d)
	}
	if err != nil {
		s.log.Warn("code delivery failed", "channel", v.Channel, "to", maskDest(v.Channel, v.Detail), "err", Redact(err.Error()))
		undo := s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
			if err := tx.DeleteSend(send); err != nil {
				return err
			}
			if err := tx.DeleteDelivery(d.ID); err != nil {
				return err
			}
			if prev != nil {
				return tx.UpdateVerification(prev)
			}
			return tx.DeleteVerification(v.ID)
		})
		if undo != nil {
			s.log.Error("undo after failed delivery", "err", Redact(undo.Error()))
		}
		if ErrorCode(err) == EUNAVAILABLE {
			return err
		}
		return &Error{Code: EUNAVAILABLE, Message: "The code could not be sent. Check the number or address, or try again later."}
	}
	s.log.Info("code sent", "channel", v.Channel, "to", maskDest(v.Channel, v.Detail), "verification", v.ID)
	return nil
}

// channelOfDest tells an address from a number.
func channelOfDest(dest string) Channel {
	if strings.Contains(dest, "@") {
		return ChannelEmail
	}
	return ChannelSMS
}

func maskDest(ch Channel, dest string) string {
	if ch == ChannelEmail {
		return MaskEmail(dest)
	}
	return MaskPhone(dest)
}

// BeginPhone implements Service: it checks the number and sends a code to it.
func (s *Local) BeginPhone(ctx context.Context, accountID string, r PhoneRequest) (*Challenge, error) {
	ki, ok := r.Kind.Info()
	if !ok || !r.Kind.IsPhone() {
		return nil, Errorf(EINVALID, "%q is not a kind of phone.", r.Kind)
	}
	if r.Channel == ChannelNone {
		r.Channel = ki.Channels[0]
	}
	if r.Channel != ChannelSMS && r.Channel != ChannelVoice {
		return nil, Errorf(EINVALID, "A phone is reached by text (sms) or call (voice), not %q.", r.Channel)
	}
	if r.Channel == ChannelSMS && r.Kind != KindPhone {
		return nil, Errorf(EINVALID, "%s can only be called, not texted. Choose \"Call me\".", ki.Label)
	}
	v := &Verification{AccountID: accountID, Purpose: VerifyAdd, Kind: r.Kind, Channel: r.Channel, MethodID: r.Replaces}
	return s.sendCode(ctx, v, false, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := canAddOrChange(tx, accountID, r.Kind, r.Replaces, p)
		if err != nil {
			return err
		}
		ph, err := ParsePhone(r.Number, r.Region, r.Extension, r.Kind, p)
		if err != nil {
			return err
		}
		for _, m := range methods {
			if m.Kind.IsPhone() && m.Detail == ph.E164 && m.Extension == ph.Extension {
				mk, _ := m.Kind.Info()
				return Errorf(ECONFLICT, "This number is already your %s. Use a different number.", strings.ToLower(mk.Label))
			}
		}
		v.Detail, v.Extension = ph.E164, ph.Extension
		v.Language = r.Language
		if v.Language == "" {
			v.Language = acct.Language
		}
		return nil
	})
}

// BeginEmail implements Service: it checks the address and sends a code to it.
func (s *Local) BeginEmail(ctx context.Context, accountID, address, language string) (*Challenge, error) {
	return s.beginEmail(ctx, accountID, "", address, language)
}

// BeginEmailChange implements Service: the address proven by the code
// takes the place of the email method methodID.
func (s *Local) BeginEmailChange(ctx context.Context, accountID, methodID, address, language string) (*Challenge, error) {
	if methodID == "" {
		return nil, notFound()
	}
	return s.beginEmail(ctx, accountID, methodID, address, language)
}

func (s *Local) beginEmail(ctx context.Context, accountID, replaces, address, language string) (*Challenge, error) {
	v := &Verification{AccountID: accountID, Purpose: VerifyAdd, Kind: KindEmail, Channel: ChannelEmail, MethodID: replaces}
	return s.sendCode(ctx, v, false, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := canAddOrChange(tx, accountID, KindEmail, replaces, p)
		if err != nil {
			return err
		}
		addr, err := ParseEmail(address, p.ForAccount(acct.Name))
		if err != nil {
			return err
		}
		if strings.EqualFold(addr, acct.Name) {
			return Errorf(EINVALID, "This is your account name. Use a different address that works when you can't sign in.")
		}
		for _, m := range methods {
			if m.Kind == KindEmail && strings.EqualFold(m.Detail, addr) {
				return Errorf(ECONFLICT, "This address is already your email method. Use a different address.")
			}
		}
		v.Detail = addr
		v.Language = language
		if v.Language == "" {
			v.Language = acct.Language
		}
		return nil
	})
}

// canAddOrChange checks that a method of kind may be added, or, when
// replaces is set, that replaces is the account's method of that kind to
// change; it returns the account's methods.
func canAddOrChange(tx Tx, accountID string, kind MethodKind, replaces string, p *Policy) ([]*Method, error) {
	methods, err := tx.Methods(accountID)
	if err != nil {
		return nil, err
	}
	if replaces == "" {
		return methods, CanAdd(methods, kind, p)
	}
	if !p.Enabled(kind) {
		return nil, CanAdd(nil, kind, p) // the kind is no longer allowed: no new number or address for it
	}
	for _, m := range methods {
		if m.ID == replaces {
			if m.Kind != kind {
				return nil, Errorf(EINVALID, "A %s can only be changed to another one of its kind.", m.Kind)
			}
			return methods, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "That method is not in your security info.")
}

// duplicateOf refuses, when a number or address is confirmed, one that
// another method of the account already has (two begun at once).
func duplicateOf(methods []*Method, v *Verification) error {
	for _, m := range methods {
		if m.ID == v.MethodID {
			continue // the method being changed
		}
		switch {
		case v.Kind.IsPhone() && m.Kind.IsPhone() && m.Detail == v.Detail && m.Extension == v.Extension:
			return Errorf(ECONFLICT, "This number is already in your security info. Use a different number.")
		case v.Kind == KindEmail && m.Kind == KindEmail && strings.EqualFold(m.Detail, v.Detail):
			return Errorf(ECONFLICT, "This address is already your email method. Use a different address.")
		}
	}
	return nil
}

// Resend implements Service: a new code replaces the old one, no sooner
// than the policy's resend wait.
func (s *Local) Resend(ctx context.Context, accountID, verificationID string) (*Challenge, error) {
	var v *Verification
	// Read through the gate: who asks is checked before anything is said
	// of the verification.
	if err := s.read(ctx, accountID, func(tx Tx, _ *Account, _ *Policy) (err error) {
		v, err = ownVerification(tx, accountID, verificationID)
		return err
	}); err != nil {
		return nil, err
	}
	if v.Channel == ChannelApp {
		return nil, Errorf(EINVALID, "An authenticator app makes its own codes; nothing can be resent.")
	}
	if v.Channel != ChannelSMS && v.Channel != ChannelVoice && v.Channel != ChannelEmail {
		return nil, notFound() // a security key's challenge is no code to send
	}
	if !v.UsedAt.IsZero() {
		return nil, Reason(ECONFLICT, "code.used", nil)
	}
	ch, err := s.sendCode(ctx, v, true, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		cur, err := ownVerification(tx, accountID, verificationID)
		if err != nil {
			return err
		}
		if !cur.UsedAt.IsZero() {
			return Reason(ECONFLICT, "code.used", nil)
		}
		// A help-desk check's code is resent by the agent who started it
		// only.
		if strings.HasPrefix(cur.Flow, "helpdesk:") && (cur.Flow != flowDesk(a.AccountID) || deskActor(a, acct) != nil) {
			return notFound()
		}
		*v = *cur
		return nil
	})
	if err == nil && v.Purpose == VerifyProve {
		ch.Destination = maskDest(v.Channel, v.Detail)
	}
	return ch, err
}

func ownVerification(tx Tx, accountID, id string) (*Verification, error) {
	v, err := tx.Verification(id)
	if storeFailed(err) {
		return nil, err
	}
	if err != nil || v.AccountID != accountID {
		return nil, notFound()
	}
	return v, nil
}

// checkCode checks a typed code against a verification inside a write. It
// returns the error to give the person (nil when right); failures are
// recorded in tx either way, so the caller must commit.
func (s *Local) checkCode(tx Tx, v *Verification, code string, p *Policy, now time.Time) (error, error) {
	// A code proving a method proves it only while the method still has
	// the number or address the code went to: after a Change, a code sent
	// to the old (perhaps stolen) phone proves nothing.
	if v.Purpose == VerifyProve && v.MethodID != "" {
		m, err := tx.Method(v.MethodID)
		if storeFailed(err) {
			return nil, err
		}
		if err != nil || m.AccountID != v.AccountID || m.Detail != v.Detail || m.Extension != v.Extension {
			return nil, notFound()
		}
	}
	subject := destSubject(v.Detail)
	c, lockErr := checkLock(tx, v.AccountID, subject, now)
	if lockErr != nil {
		if c == nil {
			return nil, lockErr
		}
		return lockErr, nil
	}
	if err := codeUnusable(v.UsedAt, v.ExpiresAt, v.Tries, p, now); err != nil {
		return err, nil
	}
	code = strings.Join(strings.Fields(code), "")
	if s.keys.CodeMatches(v.CodeHash, v.ID, code) {
		if err := succeed(tx, c); err != nil {
			return nil, err
		}
		return nil, nil
	}
	v.Tries++
	if err := tx.UpdateVerification(v); err != nil {
		return nil, err
	}
	locked, err := s.fail(tx, c, p, now)
	if err != nil {
		return nil, err
	}
	if locked {
		return Reason(ELOCKED, "method.locked", map[string]any{"Until": clockTime(c.LockedUntil, now)}), nil
	}
	return wrongCode(p.CodeMaxTries - v.Tries), nil
}

// codeUnusable says why a code can no longer be checked, nil when it can.
// A reset's decoy codes answer through it too, so they say the same.
func codeUnusable(used, expires time.Time, tries int, p *Policy, now time.Time) error {
	switch {
	case !used.IsZero():
		return Reason(ECONFLICT, "code.used", nil)
	case !now.Before(expires):
		return Reason(EEXPIRED, "code.expired", nil)
	case tries >= p.CodeMaxTries:
		return Reason(EEXPIRED, "code.usedUp", map[string]any{"Max": p.CodeMaxTries})
	}
	return nil
}

// wrongCode is the answer to a wrong code that has left tries.
func wrongCode(left int) error {
	if left <= 0 {
		return Reason(EWRONGCODE, "code.wrongLast", nil)
	}
	return Reason(EWRONGCODE, "code.wrong", map[string]any{"Left": left})
}
