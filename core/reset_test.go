package core_test

import (
	"time"

	"context"
	"github.com/securityinfo/securityinfo/assets"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

func kindsOf(opts []core.ResetOption) string {
	var ks []string
	for _, o := range opts {
		ks = append(ks, string(o.Kind)+"/"+string(o.Channel))
	}
	return strings.Join(ks, " ")
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
	events, _ := f.svc.RecentActivity(f.ctx, f.alice.ID, 0)
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

// TestResetUnknownAccountLooksTheSame checks that a name without an
// account, or an account without methods, gets the same kind of answers as
// an account with a phone and an email.
func TestResetUnknownAccountLooksTheSame(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bob, _ := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "bob@contoso.com", Password: "another long passphrase"})
	f.add(t, bob,
		&core.Method{ID: "b0b0b0b0b0b0b0b1", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, Language: "en"},
		&core.Method{ID: "b0b0b0b0b0b0b0b2", Kind: core.KindEmail, Detail: "bob@gmail.com", Channel: core.ChannelEmail, Language: "en"})
	real, _ := f.svc.StartReset(ctx, "bob@contoso.com")
	for _, name := range []string{"nobody@contoso.com", "alice@contoso.com"} { // unknown; no methods
		t.Run(name, func(t *testing.T) {
			st, err := f.svc.StartReset(ctx, name)
			if err != nil || kindsOf(st.Options) != kindsOf(real.Options) || st.Needed != real.Needed {
				t.Fatalf("start = %+v, %v; a real one: %+v", st, err, real)
			}
			again, _ := f.svc.StartReset(ctx, name)
			if again.Options[2].Masked != st.Options[2].Masked || len(st.Options[0].ID) != len(real.Options[0].ID) {
				t.Fatalf("decoys change between starts or look different: %+v %+v", st.Options, again.Options)
			}
			before := len(f.sent(t))
			ch, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
			if err != nil || !strings.HasPrefix(ch.Destination, "+XX XXXXXXXX") || ch.CodeLength != 6 {
				t.Fatalf("send = %+v, %v", ch, err)
			}
			if len(f.sent(t)) != before {
				t.Fatal("a message was sent for a decoy")
			}
			_, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, "123456")
			if core.ErrorMessage(err) != "That code is wrong. You have 4 tries left." {
				t.Fatalf("decoy wrong code: %v", err)
			}
			if err := f.svc.ResetPassword(ctx, st.ResetID, "k8#mQz!vR"); core.ErrorCode(err) != core.EFORBIDDEN {
				t.Fatalf("password for a decoy: %v", err)
			}
		})
	}
	// Wrong codes lock the name, known or not, with one message.
	st, _ := f.svc.StartReset(ctx, "nobody@contoso.com")
	var err error
	for i := 0; i < 10; i++ {
		_, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, "x", "123456")
	}
	if core.ErrorCode(err) != core.ELOCKED || !strings.Contains(core.ErrorMessage(err), "Sign-in is locked until") {
		t.Fatalf("after wrong codes: %v", err)
	}
}

func TestResetWithQuestionsAndApp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.AddQuestions(f.ctx, f.alice.ID, []core.QuestionAnswer{
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
	if err != nil || st.Ready() || len(st.Options) != 0 {
		t.Fatalf("after the only method = %+v, %v", st, err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "a brand new long passphrase"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("password with one of two: %v", err)
	}
}

// TestDecoySendTakesAsLongAsARealOne: a decoy "send" waits as long as real
// sends through the channel have been taking.
func TestDecoySendTakesAsLongAsARealOne(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var slept []time.Duration
	f.svc = core.NewLocal(f.store, f.keys, core.Options{Texts: assets.Default, Now: f.clock.Now,
		Sender: core.SenderFunc(func(ctx context.Context, m core.Message) error {
			time.Sleep(20 * time.Millisecond) // a slow provider
			return f.outbox.Send(ctx, m)
		}),
		Sleep: func(d time.Duration) { slept = append(slept, d) }})
	f.add(t, f.alice, &core.Method{ID: "a0a0a0a0a0a0a0a1", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS})
	st, _ := f.svc.StartReset(ctx, "alice@contoso.com")
	if _, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID); err != nil {
		t.Fatal(err)
	}
	decoy, _ := f.svc.StartReset(ctx, "nobody@contoso.com")
	if _, err := f.svc.ResetSendCode(ctx, decoy.ResetID, decoy.Options[0].ID); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] < 20*time.Millisecond {
		t.Fatalf("decoy waited %v, want about the real send's 20 ms", slept)
	}
}
