package core_test

import (
	"context"
	"encoding/base32"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func (f *fixture) beginPhone(t *testing.T, number string, ch core.Channel) *core.Challenge {
	t.Helper()
	c, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: number, Channel: ch})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAddPhoneEndToEnd(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+44 20 7946 0958", core.ChannelSMS)
	start := f.clock.Now()
	if ch.Destination != "+442079460958" || !ch.ExpiresAt.Equal(start.Add(10*time.Minute)) || !ch.ResendAfter.Equal(start.Add(30*time.Second)) || ch.CodeLength != 6 {
		t.Fatalf("challenge = %+v", ch)
	}
	if len(f.info(t).Methods) != 0 {
		t.Fatal("a method was listed before it was proven")
	}
	sent := f.sent(t)
	if len(sent) != 1 || sent[0].Channel != core.ChannelSMS || sent[0].To != "+442079460958" || sent[0].Language != "en" {
		t.Fatalf("sent %+v", sent)
	}
	code := f.lastCode(t)
	m, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != core.KindPhone || m.Detail != "+442079460958" || m.Channel != core.ChannelSMS || !m.IsDefault {
		t.Fatalf("added %+v", m)
	}
	// Only the keyed hash of the code was stored.
	f.store.View(context.Background(), func(tx core.Tx) error {
		v, err := tx.Verification(ch.VerificationID)
		if err != nil || strings.Contains(string(v.CodeHash), code) || len(v.CodeHash) != 32 || v.UsedAt.IsZero() {
			t.Errorf("stored verification %+v, %v", v, err)
		}
		return nil
	})
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second use of the code: %v", err)
	}
	// A second mobile phone is refused; the same number as alternate too.
	if _, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+14255550112"}); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second phone: %v", err)
	}
	if _, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindAlternatePhone, Number: "+442079460958", Channel: core.ChannelVoice}); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("same number as alternate: %v", err)
	}
	if _, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindOfficePhone, Number: "+4930901820", Channel: core.ChannelSMS}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("texting an office phone: %v", err)
	}
}

func TestAddEachCodeKind(t *testing.T) {
	f := newFixture(t)
	// The policy lists no organisation domain: the account's own sign-in
	// domain (contoso.com) and its subdomains count as the organisation's.
	if _, err := f.svc.BeginEmail(f.own, f.alice.ID, "alice@sub.contoso.com", ""); core.ErrorCode(err) != core.EINVALID ||
		!strings.Contains(core.ErrorMessage(err), "can't be your work or school email") {
		t.Fatalf("organisation address: %v", err)
	}
	if len(f.sent(t)) != 0 {
		t.Fatal("a code was sent to a refused address")
	}
	begin := []struct {
		name  string
		start func() (*core.Challenge, error)
		kind  core.MethodKind
		ch    core.Channel
	}{
		{"office phone", func() (*core.Challenge, error) {
			return f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindOfficePhone, Number: "+49 30 901820", Extension: "123"})
		}, core.KindOfficePhone, core.ChannelVoice},
		{"alternate phone", func() (*core.Challenge, error) {
			return f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindAlternatePhone, Number: "(425) 555-0112", Region: "US", Language: "de"})
		}, core.KindAlternatePhone, core.ChannelVoice},
		{"email", func() (*core.Challenge, error) { return f.svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", "") }, core.KindEmail, core.ChannelEmail},
	}
	for _, b := range begin {
		f.clock.Advance(time.Minute)
		t.Run(b.name, func(t *testing.T) {
			ch, err := b.start()
			if err != nil {
				t.Fatal(err)
			}
			if ch.Channel != b.ch {
				t.Fatalf("channel %s, want %s", ch.Channel, b.ch)
			}
			m, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t))
			if err != nil || m.Kind != b.kind {
				t.Fatalf("confirm = %+v, %v", m, err)
			}
		})
	}
	info := f.info(t)
	// The first sign-in method added (the office phone) became the default.
	if len(info.Methods) != 3 || info.Default == nil || info.Default.Label != "Office phone - call (+49 30 901820 ext. 123)" {
		t.Fatalf("methods %+v default %+v", info.Methods, info.Default)
	}
	if info.Methods[0].Extension != "123" || info.Methods[1].Language != "de" {
		t.Fatalf("extension or language lost: %+v", info.Methods)
	}
	sent := f.sent(t)
	email := sent[len(sent)-1]
	if email.Channel != core.ChannelEmail || email.Subject != "Your Security info verification code" {
		t.Fatalf("email %+v", email)
	}
}

func TestWrongCodesTriesAndExpiry(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	code := f.lastCode(t)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for left := 4; left >= 1; left-- {
		_, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, wrong)
		want := "That code is wrong. You have " + map[bool]string{true: "1 try", false: string(rune('0'+left)) + " tries"}[left == 1] + " left."
		if core.ErrorCode(err) != core.EWRONGCODE || core.ErrorMessage(err) != want {
			t.Fatalf("wrong code: %v, want %q", err, want)
		}
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, wrong); !strings.Contains(core.ErrorMessage(err), "can't be used any more") {
		t.Fatalf("fifth wrong code: %v", err)
	}
	// The right code no longer works after 5 wrong tries.
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("right code after 5 wrong: %v", err)
	}
	// A resend gives a new code with its own tries.
	f.clock.Advance(30 * time.Second)
	if _, err := f.svc.Resend(f.own, f.alice.ID, ch.VerificationID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); code != f.lastCode(t) && core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("old code after resend: %v", err)
	}
	// Expiry: valid until just before 10 minutes, dead at 10 minutes.
	newCode := f.lastCode(t)
	f.clock.Advance(10 * time.Minute)
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, newCode); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("code at 10 minutes: %v", err)
	}
	f.clock.Advance(30 * time.Second)
	ch2, err := f.svc.Resend(f.own, f.alice.ID, ch.VerificationID)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(10*time.Minute - time.Nanosecond)
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch2.VerificationID, f.lastCode(t)); err != nil {
		t.Fatalf("code just before 10 minutes: %v", err)
	}
}

func TestResendWait(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	f.clock.Advance(29 * time.Second)
	_, err := f.svc.Resend(f.own, f.alice.ID, ch.VerificationID)
	if core.ErrorCode(err) != core.ELIMITED || core.ErrorMessage(err) != "A code was just sent. You can ask for a new one in 1 second." {
		t.Fatalf("resend at 29 s: %v", err)
	}
	old := f.lastCode(t)
	f.clock.Advance(time.Second)
	ch2, err := f.svc.Resend(f.own, f.alice.ID, ch.VerificationID)
	if err != nil {
		t.Fatalf("resend at 30 s: %v", err)
	}
	if !ch2.ResendAfter.Equal(f.clock.Now().Add(30 * time.Second)) {
		t.Fatalf("resend after %v", ch2.ResendAfter)
	}
	if fresh := f.lastCode(t); fresh != old {
		if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, old); core.ErrorCode(err) != core.EWRONGCODE {
			t.Fatalf("old code after resend: %v", err)
		}
	}
}

func TestSendLimits(t *testing.T) {
	f := newFixture(t)
	// Per destination: 5 an hour.
	for i := 0; i < 5; i++ {
		f.beginPhone(t, "+442079460958", "")
		f.clock.Advance(time.Minute)
	}
	_, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if core.ErrorCode(err) != core.ELIMITED || !strings.Contains(core.ErrorMessage(err), "5 codes were sent to this destination in the last hour") ||
		!strings.Contains(core.ErrorMessage(err), "Try again after 10:00 UTC") {
		t.Fatalf("6th send in an hour: %v", err)
	}
	// The oldest send leaves the window an hour after it was made (09:00 -> 10:00).
	f.clock.t = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		f.beginPhone(t, "+442079460958", "")
		f.clock.Advance(time.Minute)
	}
	// Per destination: 10 a day.
	f.clock.t = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	_, err = f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if core.ErrorCode(err) != core.ELIMITED || !strings.Contains(core.ErrorMessage(err), "10 codes were sent to this destination in the last 24 hours") {
		t.Fatalf("11th send in a day: %v", err)
	}
	// Per account: 20 a day across destinations.
	numbers := []string{"+442079460001", "+442079460002", "+442079460003"}
	sends := 10
	for _, n := range numbers {
		for i := 0; i < 5 && sends < 20; i++ {
			f.beginPhone(t, n, "")
			f.clock.Advance(31 * time.Second) // any send to a number waits 30 s after the last
			sends++
		}
		f.clock.Advance(time.Hour)
	}
	_, err = f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460004"})
	if core.ErrorCode(err) != core.ELIMITED || !strings.Contains(core.ErrorMessage(err), "20 codes were sent for your account in the last 24 hours") {
		t.Fatalf("21st send for the account: %v", err)
	}
	// Another account may still send to its own numbers.
	bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	if _, err := f.svc.BeginPhone(f.as(bob), bob.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460004"}); err != nil {
		t.Fatalf("bob: %v", err)
	}
	// But not to a number that had its 10 today, whoever asks.
	if _, err := f.svc.BeginEmail(f.as(bob), bob.ID, "bob@gmail.com", ""); err != nil {
		t.Fatal(err)
	}
}

func TestLockoutAfterTenFailures(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	wrong := func(id string) error {
		_, err := f.svc.Confirm(f.own, f.alice.ID, id, "999999x")
		return err
	}
	for i := 0; i < 5; i++ {
		if err := wrong(ch.VerificationID); core.ErrorCode(err) != core.EWRONGCODE {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	f.clock.Advance(30 * time.Second)
	if _, err := f.svc.Resend(f.own, f.alice.ID, ch.VerificationID); err != nil {
		t.Fatal(err)
	}
	for i := 5; i < 9; i++ {
		if err := wrong(ch.VerificationID); core.ErrorCode(err) != core.EWRONGCODE {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	err := wrong(ch.VerificationID)
	if core.ErrorCode(err) != core.ELOCKED || !strings.Contains(core.ErrorMessage(err), "locked until 09:15 UTC") {
		t.Fatalf("10th failure: %v", err)
	}
	// Locked: even the right code, and new sends to it, are refused for 15 minutes.
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t)); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("right code while locked: %v", err)
	}
	// Locked at 09:00:30 until 09:15:30.
	f.clock.Advance(15*time.Minute - time.Second)
	if _, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"}); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("send while locked: %v", err)
	}
	f.clock.Advance(time.Second)
	ch2 := f.beginPhone(t, "+442079460958", "")
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch2.VerificationID, f.lastCode(t)); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: f.alice.ID})
	locked := 0
	for _, e := range events {
		if e.Action == core.ActionMethodLocked {
			locked++
			if strings.Contains(e.Detail, "2079460958") {
				t.Errorf("lock event names the full number: %q", e.Detail)
			}
		}
	}
	if locked != 1 {
		t.Fatalf("%d lock events, want 1", locked)
	}
}

// TestConcurrentConfirm submits the same right code 32 times at once:
// exactly one submission adds the method.
func TestConcurrentConfirm(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	code := f.lastCode(t)
	const n = 32
	var wg sync.WaitGroup
	barrier := make(chan struct{})
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-barrier
			_, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code)
			results <- err
		}()
	}
	close(barrier)
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		if err == nil {
			ok++
		} else if core.ErrorCode(err) != core.ECONFLICT {
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d submissions succeeded, want exactly 1", ok)
	}
	if n := len(f.info(t).Methods); n != 1 {
		t.Fatalf("%d methods added", n)
	}
}

func TestFailedDeliveryAddsNothing(t *testing.T) {
	f := newFixture(t)
	f.fail = &core.Error{Code: core.EUNAVAILABLE, Message: "The text message could not be sent: Twilio refused it."}
	_, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(core.ErrorMessage(err), "Twilio refused it") {
		t.Fatalf("err = %v", err)
	}
	f.fail = errors.New("dial tcp: connection refused")
	if _, err := f.svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", ""); core.ErrorMessage(err) != "The code could not be sent. Check the number or address, or try again later." {
		t.Fatalf("err = %v", err)
	}
	f.store.View(context.Background(), func(tx core.Tx) error {
		times, _ := tx.SendTimes(core.SendFilter{AccountID: f.alice.ID})
		if len(times) != 0 {
			t.Errorf("failed sends counted: %v", times)
		}
		return nil
	})
	// The five-an-hour limit is untouched by the failures.
	f.fail = nil
	for i := 0; i < 5; i++ {
		f.beginPhone(t, "+442079460958", "")
		f.clock.Advance(31 * time.Second)
	}
	if len(f.info(t).Methods) != 0 {
		t.Fatal("a method was added")
	}
}

func TestAuthenticatorEnrolmentAndReplay(t *testing.T) {
	f := newFixture(t)
	e, err := f.svc.BeginAuthenticator(f.own, f.alice.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	if err != nil || len(secret) != 20 {
		t.Fatalf("secret %q: %d bytes, %v", e.Secret, len(secret), err)
	}
	if !strings.HasPrefix(e.URI, "otpauth://totp/Security%20info:alice@contoso.com?secret="+e.Secret+"&issuer=Security%20info") {
		t.Fatalf("uri %s", e.URI)
	}
	if _, err := f.svc.Confirm(f.own, f.alice.ID, e.VerificationID, "000000"); core.ErrorCode(err) != core.EWRONGCODE && codeAt(t, secret, f.clock.Now()) != "000000" {
		t.Fatalf("wrong app code: %v", err)
	}
	code := codeAt(t, secret, f.clock.Now())
	m, err := f.svc.Confirm(f.own, f.alice.ID, e.VerificationID, code)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != core.KindAuthenticatorApp || m.Name != "Authenticator app" || !m.IsDefault {
		t.Fatalf("added %+v", m)
	}
	// The enrolment's code cannot prove the app again: its step was used.
	if err := f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, code); core.ErrorCode(err) != core.EWRONGCODE || !strings.Contains(core.ErrorMessage(err), "already used") {
		t.Fatalf("enrolment code reused: %v", err)
	}
	f.clock.Advance(30 * time.Second)
	next := codeAt(t, secret, f.clock.Now())
	if err := f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, next); err != nil {
		t.Fatalf("next code: %v", err)
	}
	if used := f.info(t).Methods[0].LastUsedAt; used == nil || !used.Equal(f.clock.Now()) {
		t.Fatalf("last used %v after the next code, want %v", used, f.clock.Now())
	}
	f.clock.Advance(time.Second)
	if err := f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, next); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("replay: %v", err)
	}
	// Replay is refused after a restart too: the last step is stored.
	store := f.reopen(t)
	restarted := f.service(store)
	if err := restarted.VerifyAuthenticator(f.own, f.alice.ID, m.ID, next); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("replay after restart: %v", err)
	}
	// The seed is sealed in the database.
	store.View(context.Background(), func(tx core.Tx) error {
		sm, _ := tx.Method(m.ID)
		if strings.Contains(string(sm.Secret), string(secret)) || len(sm.Secret) < 20+24+16 {
			t.Errorf("secret stored as %x", sm.Secret)
		}
		return nil
	})
	// The app can be renamed.
	if r, err := restarted.RenameMethod(f.own, f.alice.ID, m.ID, "Pixel 8"); err != nil || r.Name != "Pixel 8" {
		t.Fatalf("rename %+v %v", r, err)
	}
	if e2, _ := restarted.BeginAuthenticator(f.own, f.alice.ID, ""); e2 == nil {
		t.Fatal("second app refused")
	}
}

func TestAuthenticatorLockout(t *testing.T) {
	f := newFixture(t)
	e, _ := f.svc.BeginAuthenticator(f.own, f.alice.ID, "Phone")
	secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	m, err := f.svc.Confirm(f.own, f.alice.ID, e.VerificationID, codeAt(t, secret, f.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var err10 error
	for i := 0; i < 10; i++ {
		err10 = f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, "12345x")
	}
	if core.ErrorCode(err10) != core.ELOCKED {
		t.Fatalf("10th failure: %v", err10)
	}
	f.clock.Advance(time.Minute)
	if err := f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, codeAt(t, secret, f.clock.Now())); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("right code while locked: %v", err)
	}
	f.clock.Advance(14 * time.Minute)
	if err := f.svc.VerifyAuthenticator(f.own, f.alice.ID, m.ID, codeAt(t, secret, f.clock.Now())); err != nil {
		t.Fatalf("after 15 minutes: %v", err)
	}
}

func TestProveExistingMethod(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	m, _ := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t))
	pc, err := f.svc.ProveMethod(f.own, f.alice.ID, m.ID, core.ChannelVoice)
	if err != nil {
		t.Fatal(err)
	}
	if pc.Destination != "+XX XXXXXXXX58" || pc.Channel != core.ChannelVoice {
		t.Fatalf("prove challenge %+v: destination must be masked", pc)
	}
	if err := f.svc.VerifyCode(f.own, f.alice.ID, pc.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if used := f.info(t).Methods[0].LastUsedAt; used == nil || !used.Equal(f.clock.Now()) {
		t.Fatalf("last used %v", used)
	}
	if err := f.svc.VerifyCode(f.own, f.alice.ID, pc.VerificationID, f.lastCode(t)); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("reuse: %v", err)
	}
	// A code for adding cannot be used to prove, nor the other way round.
	if _, err := f.svc.Confirm(f.own, f.alice.ID, pc.VerificationID, f.lastCode(t)); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("prove code used to add: %v", err)
	}
}

func TestNoticesToOtherMethods(t *testing.T) {
	f := newFixture(t)
	ch, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958", Language: "de"})
	if err != nil {
		t.Fatal(err)
	}
	phone, _ := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t))
	before := len(f.sent(t))
	ch, _ = f.svc.BeginEmail(f.own, f.alice.ID, "alain@gmail.com", "en")
	email, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t))
	if err != nil {
		t.Fatal(err)
	}
	sent := f.sent(t)[before+1:] // after the code email
	if len(sent) != 1 || sent[0].Channel != core.ChannelSMS || sent[0].To != "+442079460958" || sent[0].Language != "de" || sent[0].Purpose != core.PurposeNotice {
		t.Fatalf("notices after adding email: %+v", sent)
	}
	if !strings.Contains(sent[0].Text, "E-Mail (al*****@gmail.com) wurde am") || !strings.Contains(sent[0].Text, "Wenn Sie das nicht waren") {
		t.Fatalf("German notice: %q", sent[0].Text)
	}
	// Deleting the phone tells the email and the phone itself.
	before = len(f.sent(t))
	if _, err := f.svc.DeleteMethod(f.own, f.alice.ID, phone.ID); err != nil {
		t.Fatal(err)
	}
	sent = f.sent(t)[before:]
	if len(sent) != 2 || sent[0].To != "alain@gmail.com" || !strings.Contains(sent[0].Text, "Phone (+XX XXXXXXXX58) was deleted") ||
		sent[1].To != "+442079460958" || sent[1].Language != "de" {
		t.Fatalf("notices after delete: %+v", sent)
	}
	_ = email
}

func TestNoSecretsInLogs(t *testing.T) {
	f := newFixture(t)
	ch := f.beginPhone(t, "+442079460958", "")
	code := f.lastCode(t)
	f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, "000001")
	f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code)
	e, _ := f.svc.BeginAuthenticator(f.own, f.alice.ID, "")
	f.fail = errors.New("provider refused +442079460959: code 123456 for secret " + e.Secret)
	f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindAlternatePhone, Number: "+442079460959", Channel: core.ChannelVoice})
	f.fail = nil
	f.svc.BeginEmail(f.own, f.alice.ID, "canary.address@gmail.com", "")
	log := f.log.String()
	if !strings.Contains(log, "code sent") || !strings.Contains(log, "code delivery failed") {
		t.Fatalf("the log does not show the flows it should:\n%s", log)
	}
	for _, canary := range []string{code, e.Secret, "442079460958", "442079460959", "canary.address"} {
		if strings.Contains(log, canary) {
			t.Errorf("the log holds %q:\n%s", canary, log)
		}
	}
}

func TestSecurityQuestions(t *testing.T) {
	f := newFixture(t)
	bank, err := f.svc.QuestionBank(f.ctx, "de")
	if err != nil || len(bank) < 20 || bank[0].Text == bank[0].ID {
		t.Fatalf("bank %d, %v", len(bank), err)
	}
	good := []core.QuestionAnswer{
		{Question: "city-born", Answer: "  New   York "},
		{Question: "What was the name of your first pet?", Answer: "Rex"},
		{Question: "Wie hieß die erste Schule, die Sie besucht haben?", Answer: "St. Mary's"},
	}
	tests := []struct {
		name string
		qas  []core.QuestionAnswer
		want string
	}{
		{"too few", good[:2], "Answer 3 security questions"},
		{"unknown question", []core.QuestionAnswer{good[0], good[1], {Question: "Favourite colour?", Answer: "blue"}}, "is not one of the security questions"},
		{"question twice", []core.QuestionAnswer{good[0], good[1], {Question: "city-born", Answer: "Paris"}}, "twice"},
		{"short answer", []core.QuestionAnswer{good[0], good[1], {Question: "first-car", Answer: " ab "}}, "at least 3 characters"},
		{"long answer", []core.QuestionAnswer{good[0], good[1], {Question: "first-car", Answer: strings.Repeat("x", 41)}}, "at most 40 characters"},
		{"same answer", []core.QuestionAnswer{good[0], good[1], {Question: "first-car", Answer: "new york"}}, "same answer"},
		{"answer in the question", []core.QuestionAnswer{good[0], good[1], {Question: "first-car", Answer: "first car"}}, "can't contain the question"},
		{"question in the answer", []core.QuestionAnswer{good[0], good[1], {Question: "first-car", Answer: "What was the make and model of your first car? Fiat"}}, "at most 40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.AddQuestions(f.own, f.alice.ID, tt.qas)
			if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	m, err := f.svc.AddQuestions(f.own, f.alice.ID, good)
	if err != nil || m.Kind != core.KindSecurityQuestions || m.IsDefault {
		t.Fatalf("add = %+v, %v", m, err)
	}
	if _, err := f.svc.SetPolicy(f.ctx, []string{"securityQuestionsToReset=2"}); err != nil {
		t.Fatal(err)
	}
	qc, err := f.svc.AskQuestions(f.own, f.alice.ID, "en")
	if err != nil || len(qc.Questions) != 2 {
		t.Fatalf("ask = %+v, %v", qc, err)
	}
	right := map[string]string{"city-born": "new york", "first-pet": "REX", "first-school": "st.  mary's"}
	wrongAnswers := map[string]string{}
	for _, q := range qc.Questions {
		wrongAnswers[q.ID] = right[q.ID]
	}
	wrongAnswers[qc.Questions[1].ID] = "nope"
	if err := f.svc.CheckAnswers(f.own, f.alice.ID, qc.VerificationID, wrongAnswers); core.ErrorCode(err) != core.EWRONGCODE || strings.Contains(core.ErrorMessage(err), qc.Questions[1].Text) {
		t.Fatalf("one wrong answer: %v", err)
	}
	if err := f.svc.CheckAnswers(f.own, f.alice.ID, qc.VerificationID, right); err != nil {
		t.Fatalf("right answers (normalised): %v", err)
	}
	if err := f.svc.CheckAnswers(f.own, f.alice.ID, qc.VerificationID, right); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("answers reused: %v", err)
	}
	// Answers are stored only as argon2id hashes.
	f.store.View(context.Background(), func(tx core.Tx) error {
		as, _ := tx.Answers(m.ID)
		for _, a := range as {
			if !strings.HasPrefix(a.AnswerHash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(strings.ToLower(a.AnswerHash), "york") {
				t.Errorf("stored answer %q", a.AnswerHash)
			}
		}
		return nil
	})
	// Asking again and again within a day shows the same questions (an
	// attacker redrawing until they get a pair they know sees one pair);
	// over many days, every registered question is asked.
	draw := func() string {
		t.Helper()
		qc, err := f.svc.AskQuestions(f.own, f.alice.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, q := range qc.Questions {
			ids = append(ids, q.ID)
		}
		return strings.Join(ids, ",")
	}
	first := draw()
	for i := 0; i < 30; i++ {
		if got := draw(); got != first {
			t.Fatalf("draw %d within a day = %s, want the same %s", i, got, first)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 30; i++ {
		f.clock.Advance(core.QuestionDrawLifetime)
		for _, id := range strings.Split(draw(), ",") {
			seen[id] = true
		}
	}
	if len(seen) != 3 {
		t.Fatalf("questions asked over 30 days: %v", seen)
	}
	_ = filepath.Join
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"provider refused +442079460959: code 123456", "provider refused [digits]: code [digits]"},
		{"dial tcp 127.0.0.1:587: refused", "dial tcp 127.0.0.1:587: refused"},
		{"secret GAYTEMZUGU3DOOBZMFRGGZDFMZTWQ2LK leaked", "secret [secret] leaked"},
		{"550 no such user alain@gmail.com", "550 no such user al*****@gmail.com"},
		{"+44 20 7946 0958", "[digits]"},
	}
	for _, tt := range tests {
		if got := core.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestChangeAPhoneAndAnEmail: a sole phone is changed, not deleted: the
// new number is proven first, then takes the old one's place in one step
// (same method, still the default), audited as a change and told to the
// old number too; an email address likewise. Nothing changes before the
// code, and a change of a method deleted meanwhile is refused.
func TestChangeAPhoneAndAnEmail(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	f.store.Update(context.Background(), func(tx core.Tx) error {
		a, _ := tx.Account(f.alice.ID)
		a.DefaultMethodID, a.DefaultChannel = "alicephone", core.ChannelSMS
		return tx.UpdateAccount(a)
	})
	before := len(f.sent(t))
	ch, err := f.svc.BeginPhone(f.own, f.alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460111", Replaces: "alicephone"})
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := f.svc.SecurityInfo(f.own, f.alice.ID); len(info.Methods) != 1 || info.Methods[0].Detail != "+442079460958" {
		t.Fatalf("changed before the code: %+v", info.Methods)
	}
	m, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, f.lastCode(t))
	if err != nil || m.ID != "alicephone" || m.Detail != "+442079460111" {
		t.Fatalf("confirm: %+v %v", m, err)
	}
	info, _ := f.svc.SecurityInfo(f.own, f.alice.ID)
	if len(info.Methods) != 1 || info.Methods[0].Detail != "+442079460111" || info.Default == nil || info.Default.MethodID != "alicephone" {
		t.Fatalf("after the change: %+v default %+v", info.Methods, info.Default)
	}
	told := map[string]bool{}
	for _, e := range f.sent(t)[before:] {
		if e.Purpose == core.PurposeNotice {
			told[e.To] = true
		}
	}
	if !told["+442079460958"] || !told["+442079460111"] {
		t.Fatalf("told: %v (the old number and the new one)", told)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: f.alice.ID})
	if last := events[len(events)-1]; last.Action != core.ActionMethodChanged || last.Detail != "+XX XXXXXXXX58 to +XX XXXXXXXX11" {
		t.Fatalf("audit: %+v", last)
	}

	// Email.
	f.add(t, f.alice, &core.Method{ID: "alicemail", Kind: core.KindEmail, Detail: "alice@gmail.com", Channel: core.ChannelEmail})
	if _, err := f.svc.BeginEmailChange(f.own, f.alice.ID, "alicemail", "alice@gmail.com", ""); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("the same address: %v", err)
	}
	if _, err := f.svc.BeginEmailChange(f.own, f.alice.ID, "alicephone", "alice@web.de", ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a phone changed to an address: %v", err)
	}
	ch, err = f.svc.BeginEmailChange(f.own, f.alice.ID, "alicemail", "alice@web.de", "")
	if err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t)
	if m, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); err != nil || m.ID != "alicemail" || m.Detail != "alice@web.de" {
		t.Fatalf("email change: %+v %v", m, err)
	}
	// Deleted meanwhile: refused, nothing added.
	ch, err = f.svc.BeginEmailChange(f.own, f.alice.ID, "alicemail", "alice@posteo.de", "")
	if err != nil {
		t.Fatal(err)
	}
	code = f.lastCode(t)
	f.store.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteMethod("alicemail") })
	if _, err := f.svc.Confirm(f.own, f.alice.ID, ch.VerificationID, code); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("a change of a deleted method: %v", err)
	}
	if info, _ := f.svc.SecurityInfo(f.own, f.alice.ID); len(info.Methods) != 1 {
		t.Fatalf("after a refused change: %+v", info.Methods)
	}
	// Another account's method cannot be the one replaced.
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	if _, err := f.svc.BeginPhone(f.as(bob), bob.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460222", Replaces: "alicephone"}); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("replacing another account's phone: %v", err)
	}
}
