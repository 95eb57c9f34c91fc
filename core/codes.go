package core

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

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
