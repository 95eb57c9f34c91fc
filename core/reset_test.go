package core_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"

	"github.com/securityinfo/securityinfo/core"
)

// kindsOf lists the options' kinds and channels, but "Use a recovery
// code", which every name is offered alike (TestRecoveryOptionForEveryName).
func kindsOf(opts []core.ResetOption) string {
	var ks []string
	for _, o := range withoutRecovery(opts) {
		ks = append(ks, string(o.Kind)+"/"+string(o.Channel))
	}
	return strings.Join(ks, " ")
}

// withoutRecovery is opts without "Use a recovery code".
func withoutRecovery(opts []core.ResetOption) []core.ResetOption {
	var out []core.ResetOption
	for _, o := range opts {
		if o.Kind != core.KindRecoveryCodes {
			out = append(out, o)
		}
	}
	return out
}

func option(t *testing.T, st *core.ResetState, kind core.MethodKind, ch core.Channel) core.ResetOption {
	t.Helper()
	for _, o := range st.Options {
		if o.Kind == kind && o.Channel == ch {
			return o
		}
	}
	t.Fatalf("no %s/%s option in %+v", kind, ch, st.Options)
	return core.ResetOption{}
}

func TestResetWithOneMethod(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.add(t, f.alice, &core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, Language: "de"})
	st, err := f.svc.StartReset(ctx, "alice@contoso.com")
	if err != nil || st.Needed != 1 || kindsOf(st.Options) != "phone/sms phone/voice" || st.Options[0].Masked != "+XX XXXXXXXX58" {
		t.Fatalf("start = %+v, %v", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("password before proof: %v", err)
	}
	ch, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	if err != nil || ch.Destination != "+XX XXXXXXXX58" {
		t.Fatalf("send = %+v, %v", ch, err)
	}
	st, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t))
	if err != nil || !st.Ready() {
		t.Fatalf("verify = %+v, %v", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "alice1234"); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("password with the account name: %v", err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR2"); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("second use of a reset: %v", err)
	}
	if _, err := f.svc.SignIn(ctx, "alice@contoso.com", "k8#mQz!vR"); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	sent := f.sent(t)
	last := sent[len(sent)-1]
	if last.To != "+442079460958" || !strings.Contains(last.Text, "The password of alice@contoso.com was reset on") {
		t.Fatalf("notice %+v", last)
	}
	events, _ := f.svc.RecentActivity(f.own, f.alice.ID, 0)
	found := false
	for _, e := range events {
		found = found || e.Action == core.ActionPasswordReset
	}
	if !found {
		t.Fatal("reset not audited")
	}
}

func TestResetWithTwoMethods(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.svc.SetPolicy(f.ctx, []string{"methodsRequiredForReset=2"})
	f.add(t, f.alice,
		&core.Method{ID: "phone", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, Language: "en"},
		&core.Method{ID: "email", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail, Language: "en"})
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	sms := option(t, st, core.KindPhone, core.ChannelSMS)
	ch, _ := f.svc.ResetSendCode(ctx, st.ResetID, sms.ID)
	st, err := f.svc.ResetVerify(ctx, st.ResetID, sms.ID, ch.VerificationID, f.lastCode(t))
	if err != nil || st.Ready() || st.Proven != 1 || kindsOf(st.Options) != "email/email" {
		t.Fatalf("after the phone = %+v, %v (the phone's other channel is the same method)", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); core.ErrorCode(err) != core.EFORBIDDEN || !strings.Contains(core.ErrorMessage(err), "2 different methods") {
		t.Fatalf("password after one of two: %v", err)
	}
	em := option(t, st, core.KindEmail, core.ChannelEmail)
	ch, _ = f.svc.ResetSendCode(ctx, st.ResetID, em.ID)
	if ch.Destination != "al*****@gmail.com" {
		t.Fatalf("email destination %q", ch.Destination)
	}
	if st, err = f.svc.ResetVerify(ctx, st.ResetID, em.ID, ch.VerificationID, f.lastCode(t)); err != nil || !st.Ready() {
		t.Fatalf("after the email = %+v, %v", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); err != nil {
		t.Fatal(err)
	}
}

// decoyLike finds a made-up name whose decoy shows the same kinds and
// channels as want.
func decoyLike(t *testing.T, f *fixture, want []core.ResetOption) string {
	t.Helper()
	for i := 0; i < 500; i++ {
		name := fmt.Sprintf("visitor%d@contoso.com", i)
		st, err := f.svc.StartReset(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if kindsOf(st.Options) == kindsOf(want) {
			return name
		}
	}
	t.Fatalf("no decoy shows %s", kindsOf(want))
	return ""
}

// shape hides what differs between any two accounts (IDs, digits,
// letters), keeping the form of an answer.
var shape = strings.NewReplacer()

func init() {
	var pairs []string
	for c := '0'; c <= '9'; c++ {
		pairs = append(pairs, string(c), "9")
	}
	shape = strings.NewReplacer(pairs...)
}

// masked keeps the form of a masked phone or address, not the length of
// its country code or domain: those differ from person to person, and
// TestDecoysLookLikeRealAccounts checks decoys vary as people do.
func masked(s string) string {
	s = regexp.MustCompile(`X+`).ReplaceAllString(shape.Replace(s), "X")
	return regexp.MustCompile(`^[a-z0-9]{1,2}\*\*\*\*\*@.*$`).ReplaceAllString(s, "aa*****@domain")
}

// resetTranscript plays an attacker's probe of a reset of name: every
// answer, with IDs replaced by their length and digits by 9.
func resetTranscript(t *testing.T, f *fixture, name string, start time.Time) []string {
	t.Helper()
	ctx := context.Background()
	f.clock.t = start
	var out []string
	note := func(what string, err error) {
		key, args := core.ErrorReason(err)
		out = append(out, fmt.Sprintf("%s: %s %s %s %v", what, core.ErrorCode(err), key, core.ErrorMessage(err), args))
	}
	st, err := f.svc.StartReset(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, fmt.Sprintf("start: %d options %s, needed %d, id %d", len(st.Options), kindsOf(st.Options), st.Needed, len(st.ResetID)))
	var phone, app core.ResetOption
	for _, o := range st.Options {
		out = append(out, fmt.Sprintf("option %d %s", len(o.ID), masked(o.Masked)))
		switch {
		case o.Kind == core.KindPhone && o.Channel == core.ChannelSMS:
			phone = o
		case o.Kind == core.KindAuthenticatorApp:
			app = o
		}
	}
	if phone.ID != "" {
		send := func(what string) *core.Challenge {
			ch, err := f.svc.ResetSendCode(ctx, st.ResetID, phone.ID)
			note(what, err)
			if ch != nil {
				out = append(out, fmt.Sprintf("%s: id %d, to %s, %d digits, expires %v, resend %v", what, len(ch.VerificationID),
					masked(ch.Destination), ch.CodeLength, ch.ExpiresAt.Sub(f.clock.Now()), ch.ResendAfter.Sub(f.clock.Now())))
			}
			return ch
		}
		ch := send("send")
		send("send again at once")
		for i := 0; i < 6; i++ {
			_, err := f.svc.ResetVerify(ctx, st.ResetID, phone.ID, ch.VerificationID, "000000")
			note(fmt.Sprintf("wrong code %d", i+1), err)
		}
		f.clock.Advance(31 * time.Second)
		ch2 := send("new code")
		_, err = f.svc.ResetVerify(ctx, st.ResetID, phone.ID, ch2.VerificationID, "000000")
		note("wrong new code", err)
		_, err = f.svc.ResetVerify(ctx, st.ResetID, phone.ID, "0123456789abcdef0123456789abcdef", "000000")
		note("unknown verification", err)
		_, err = f.svc.ResetVerify(ctx, st.ResetID, "0123456789abcdef0123456789abcdef:sms", ch2.VerificationID, "000000")
		note("unknown option", err)
		for i := 0; i < 4; i++ {
			f.clock.Advance(31 * time.Second)
			send(fmt.Sprintf("send %d", i+3))
		}
	}
	if app.ID != "" {
		_, err = f.svc.ResetVerify(ctx, st.ResetID, app.ID, "", "000000")
		note("wrong app code", err)
		_, err = f.svc.ResetSendCode(ctx, st.ResetID, app.ID)
		note("send to the app", err)
	}
	for i := 0; ; i++ {
		_, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, "", "000000")
		if core.ErrorCode(err) == core.ELOCKED {
			note(fmt.Sprintf("locked after %d more", i+1), err)
			break
		}
	}
	note("password", f.svc.ResetPassword(ctx, st.ResetID, "a brand new passphrase"))
	return out
}

// TestResetUnknownAccountLooksTheSame plays the same probe against a real
// account and against made-up names whose decoys show the same kinds: no
// answer, limit or count tells them apart (item 4 of the hardening issue).
func TestResetUnknownAccountLooksTheSame(t *testing.T) {
	for _, tc := range []struct {
		name    string
		methods []*core.Method
	}{
		{"phone and email", []*core.Method{
			{ID: "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS},
			{ID: "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b2", Kind: core.KindEmail, Detail: "bob@gmail.com", Channel: core.ChannelEmail}}},
		{"app only", []*core.Method{
			{ID: "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b3", Kind: core.KindAuthenticatorApp, Name: "Authenticator app", Channel: core.ChannelApp}}},
		{"US phone", []*core.Method{
			{ID: "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b4", Kind: core.KindPhone, Detail: "+14255550112", Channel: core.ChannelSMS}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
			for _, m := range tc.methods {
				if m.Kind == core.KindAuthenticatorApp {
					m.Secret, _ = f.keys.Seal([]byte("12345678901234567890"), "method:"+m.ID)
				}
			}
			f.add(t, bob, tc.methods...)
			start := f.clock.Now().Add(time.Hour)
			realSt, _ := f.svc.StartReset(context.Background(), "bob@contoso.com")
			decoy := decoyLike(t, f, realSt.Options)
			sent := len(f.sent(t))
			real := resetTranscript(t, f, "bob@contoso.com", start)
			realSent := len(f.sent(t)) - sent
			made := resetTranscript(t, f, decoy, start)
			if len(f.sent(t))-sent != realSent {
				t.Fatal("a message was sent for a decoy")
			}
			diffTranscripts(t, real, made)
		})
	}
}

// TestDecoysLookLikeRealAccounts: made-up names show the sets of methods
// real accounts have, not always the same one, and phones from countries
// whose codes have one, two or three digits.
func TestDecoysLookLikeRealAccounts(t *testing.T) {
	f := newFixture(t)
	sets, ccs := map[string]bool{}, map[int]bool{}
	for i := 0; i < 300; i++ {
		st, err := f.svc.StartReset(context.Background(), fmt.Sprintf("someone%d@contoso.com", i))
		if err != nil {
			t.Fatal(err)
		}
		sets[kindsOf(st.Options)] = true
		again, _ := f.svc.StartReset(context.Background(), fmt.Sprintf("someone%d@contoso.com", i))
		if kindsOf(again.Options) != kindsOf(st.Options) || again.Options[0].Masked != st.Options[0].Masked {
			t.Fatalf("a name's decoy changes between resets: %+v %+v", st.Options, again.Options)
		}
		for _, o := range st.Options {
			if o.Kind.IsPhone() {
				cc, _, _ := strings.Cut(strings.TrimPrefix(o.Masked, "+"), " ")
				ccs[len(cc)] = true
			}
		}
	}
	if len(sets) < 8 || !sets["authenticatorApp/app"] || !ccs[1] || !ccs[2] || !ccs[3] {
		t.Fatalf("decoys show %d sets of methods %v and country codes of lengths %v", len(sets), sets, ccs)
	}
}

func TestResetWithQuestionsAndApp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.AddQuestions(f.own, f.alice.ID, []core.QuestionAnswer{
		{Question: "city-born", Answer: "Leeds"}, {Question: "first-pet", Answer: "Rex"}, {Question: "childhood-nickname", Answer: "Bunny"}}); err != nil {
		t.Fatal(err)
	}
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	q := option(t, st, core.KindSecurityQuestions, core.ChannelNone)
	qc, err := f.svc.ResetQuestions(ctx, st.ResetID, q.ID, "en")
	if err != nil || len(qc.Questions) != 3 {
		t.Fatalf("questions = %+v, %v", qc, err)
	}
	answers := map[string]string{"city-born": "leeds", "first-pet": "rex", "childhood-nickname": "bunny"}
	if st, err = f.svc.ResetAnswer(ctx, st.ResetID, q.ID, qc.VerificationID, answers); err != nil || !st.Ready() {
		t.Fatalf("answers = %+v, %v", st, err)
	}
	// Questions alone are no second factor: the password needs 15 characters.
	if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); !strings.Contains(core.ErrorMessage(err), "at least 15") {
		t.Fatalf("short password: %v", err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "a brand new long passphrase"); err != nil {
		t.Fatal(err)
	}
}

// TestResetWithTooFewMethods: two methods required, one registered. The
// one can be proven, and then there is nothing more to prove.
func TestResetWithTooFewMethods(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.svc.SetPolicy(f.ctx, []string{"methodsRequiredForReset=2"})
	f.add(t, f.alice, &core.Method{ID: "a0a0a0a0a0a0a0a1", Kind: core.KindEmail, Detail: "alain@gmail.com", Channel: core.ChannelEmail})
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	ch, _ := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	st, err := f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t))
	if err != nil || st.Ready() || len(withoutRecovery(st.Options)) != 0 {
		t.Fatalf("after the only method = %+v, %v", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "a brand new long passphrase"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("password with one of two: %v", err)
	}
}

// TestResetAnswersBeforeDelivery: a reset's real send answers without
// waiting for the provider (a decoy has none to wait for), so neither a
// slow provider nor a cold start tells a real account from a made-up one;
// the code is still delivered, in the background.
func TestResetAnswersBeforeDelivery(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	release, delivered := make(chan struct{}), make(chan struct{})
	f.svc = core.NewLocal(f.store, f.keys, core.Options{Texts: assets.Default, Now: f.clock.Now,
		Sender: core.SenderFunc(func(ctx context.Context, m core.Message) error {
			<-release // a provider that has not answered yet
			defer close(delivered)
			return f.outbox.Send(ctx, m)
		})})
	f.add(t, f.alice, &core.Method{ID: "a0a0a0a0a0a0a0a1", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	if _, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID); err != nil {
		t.Fatal(err) // returned although the provider has not answered
	}
	if n := len(f.sent(t)); n != 0 {
		t.Fatalf("%d messages before the provider answered", n)
	}
	close(release)
	<-delivered
	if n := len(f.sent(t)); n != 1 {
		t.Fatalf("%d messages delivered in the background, want 1", n)
	}
}
