package core_test

// Attacks on the hardening of issue 8. Tests named TestAttackFixed* fail
// on the current code (each is a finding); TestAttackHeld* pass (tried and
// held).

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/sqlite"
	_ "modernc.org/sqlite"
)

const bobPassword = "another long passphrase"

func reason(err error) string {
	if err == nil {
		return "ok"
	}
	key, _ := core.ErrorReason(err)
	return core.ErrorCode(err) + " " + key
}

// bobWith makes bob@contoso.com with methods, and a made-up name whose decoy
// shows the same kinds.
func bobWith(t *testing.T, f *fixture, ms ...*core.Method) (*core.Account, string) {
	t.Helper()
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	f.add(t, bob, ms...)
	st, err := f.svc.StartReset(context.Background(), bob.Name)
	if err != nil {
		t.Fatal(err)
	}
	return bob, decoyLike(t, f, st.Options)
}

func diffTranscripts(t *testing.T, real, made []string) {
	t.Helper()
	for i := range max(len(real), len(made)) {
		var r, m string
		if i < len(real) {
			r = real[i]
		}
		if i < len(made) {
			m = made[i]
		}
		if r != m {
			t.Errorf("step %d tells a real account from a decoy:\n real:  %s\n decoy: %s", i, r, m)
		}
	}
}

// F1: the per-destination lockout of a real method outlives the name's
// sign-in lockout; decoys have no such counter.
func TestAttackFixedMethodLockoutTellsRealFromDecoy(t *testing.T) {
	f := newFixture(t)
	_, decoy := bobWith(t, f, phoneOf("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1", "+442079460958"))
	start := f.clock.Now().Add(time.Hour)
	probe := func(name string) []string {
		ctx := context.Background()
		f.clock.t = start
		var out []string
		st, _ := f.svc.StartReset(ctx, name)
		ph := option(t, st, core.KindPhone, core.ChannelSMS)
		ch, err := f.svc.ResetSendCode(ctx, st.ResetID, ph.ID)
		out = append(out, "send: "+reason(err))
		for i := 0; i < 5; i++ { // 5 wrong: method 5, name 5
			_, err = f.svc.ResetVerify(ctx, st.ResetID, ph.ID, ch.VerificationID, "000000")
			out = append(out, "wrong: "+reason(err))
		}
		f.clock.Advance(31 * time.Second)
		ch, err = f.svc.ResetSendCode(ctx, st.ResetID, ph.ID)
		out = append(out, "send: "+reason(err))
		for i := 0; i < 4; i++ { // method 9, name 9
			_, err = f.svc.ResetVerify(ctx, st.ResetID, ph.ID, ch.VerificationID, "000000")
			out = append(out, "wrong: "+reason(err))
		}
		// An unknown verification counts for the name only: name 10, locked.
		_, err = f.svc.ResetVerify(ctx, st.ResetID, ph.ID, "0123456789abcdef0123456789abcdef", "000000")
		out = append(out, "unknown id: "+reason(err))
		f.clock.Advance(16 * time.Minute) // the name's lock runs out
		st, err = f.svc.StartReset(ctx, name)
		out = append(out, "start again: "+reason(err))
		ch, err = f.svc.ResetSendCode(ctx, st.ResetID, ph.ID)
		out = append(out, "send: "+reason(err))
		if ch != nil {
			_, err = f.svc.ResetVerify(ctx, st.ResetID, ph.ID, ch.VerificationID, "000000")
			out = append(out, "one wrong code: "+reason(err))
		}
		f.clock.Advance(31 * time.Second)
		_, err = f.svc.ResetSendCode(ctx, st.ResetID, ph.ID)
		out = append(out, "send after: "+reason(err))
		return out
	}
	diffTranscripts(t, probe("bob@contoso.com"), probe(decoy))
}

// F2: a code sent by text is accepted by the call option of the same phone
// on a real account; a decoy answers "not found".
func TestAttackFixedCrossChannelCodeTellsRealFromDecoy(t *testing.T) {
	f := newFixture(t)
	_, decoy := bobWith(t, f, phoneOf("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1", "+442079460958"))
	probe := func(name string) string {
		ctx := context.Background()
		st, _ := f.svc.StartReset(ctx, name)
		sms := option(t, st, core.KindPhone, core.ChannelSMS)
		voice := option(t, st, core.KindPhone, core.ChannelVoice)
		ch, err := f.svc.ResetSendCode(ctx, st.ResetID, sms.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ResetVerify(ctx, st.ResetID, voice.ID, ch.VerificationID, "000000")
		return reason(err)
	}
	if r, d := probe("bob@contoso.com"), probe(decoy); r != d {
		t.Fatalf("text code typed in the call option: real %q, decoy %q", r, d)
	}
}

// F3: a decoy kept at most 32 codes and questions; asking 32 sets of
// questions evicted the code sent before, a real account kept it. Now
// both refuse a fourth ask alike, and keep every code.
func TestAttackFixedDecoyStateEvictionTellsRealFromDecoy(t *testing.T) {
	f := newFixture(t)
	bob, decoy := func() (*core.Account, string) {
		bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
		f.add(t, bob, phoneOf("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1", "+442079460958"))
		if _, err := f.svc.AddQuestions(f.as(bob), bob.ID, []core.QuestionAnswer{
			{Question: "city-born", Answer: "New York"}, {Question: "first-pet", Answer: "Rex the dog"}, {Question: "first-school", Answer: "Elm Street"}}); err != nil {
			t.Fatal(err)
		}
		st, _ := f.svc.StartReset(context.Background(), bob.Name)
		return bob, decoyLike(t, f, st.Options)
	}()
	_ = bob
	probe := func(name string) string {
		ctx := context.Background()
		st, _ := f.svc.StartReset(ctx, name)
		ph := option(t, st, core.KindPhone, core.ChannelSMS)
		qs := option(t, st, core.KindSecurityQuestions, core.ChannelNone)
		ch, err := f.svc.ResetSendCode(ctx, st.ResetID, ph.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Second)
		var asks []string
		for i := 0; i < 32; i++ {
			_, err := f.svc.ResetQuestions(ctx, st.ResetID, qs.ID, "en")
			asks = append(asks, reason(err))
		}
		_, err = f.svc.ResetVerify(ctx, st.ResetID, ph.ID, ch.VerificationID, "000000")
		f.clock.Advance(time.Hour)
		return strings.Join(asks, ",") + " then " + reason(err)
	}
	if r, d := probe("bob@contoso.com"), probe(decoy); r != d {
		t.Fatalf("code after 32 question draws: real %q, decoy %q", r, d)
	}
}

// F4: a real account's questions come in registration order; a decoy's
// always in bank order.
func TestAttackFixedQuestionOrderTellsRealFromDecoy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bank, _ := f.svc.QuestionBank(ctx, "en")
	pos := map[string]int{}
	for i, q := range bank {
		pos[q.ID] = i
	}
	sorted := func(qc *core.QuestionChallenge) bool {
		return slices.IsSortedFunc(qc.Questions, func(a, b core.Question) int { return pos[a.ID] - pos[b.ID] })
	}
	// Every decoy with questions shows them in bank order.
	seen := 0
	for i := 0; i < 200 && seen < 10; i++ {
		st, _ := f.svc.StartReset(ctx, fmt.Sprintf("visitor%d@contoso.com", i))
		for _, o := range st.Options {
			if o.Kind == core.KindSecurityQuestions {
				qc, err := f.svc.ResetQuestions(ctx, st.ResetID, o.ID, "en")
				if err != nil || !sorted(qc) {
					t.Fatalf("decoy questions %+v %v", qc, err)
				}
				seen++
			}
		}
	}
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	if _, err := f.svc.AddQuestions(f.as(bob), bob.ID, []core.QuestionAnswer{ // a person's order, not the bank's
		{Question: "first-school", Answer: "Elm Street"}, {Question: "city-born", Answer: "New York"}, {Question: "first-pet", Answer: "Rex the dog"}}); err != nil {
		t.Fatal(err)
	}
	st, _ := f.svc.StartReset(ctx, bob.Name)
	qc, err := f.svc.ResetQuestions(ctx, st.ResetID, option(t, st, core.KindSecurityQuestions, core.ChannelNone).ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !sorted(qc) {
		t.Fatalf("real questions %v are not in bank order; none of %d decoys ever is", qc.Questions, seen)
	}
}

// F5: sets of options that real accounts have and no decoy ever shows.
func TestAttackFixedOptionSetsNoDecoyShows(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	decoySets := map[string]bool{}
	decoyApps := map[string]bool{}
	for i := 0; i < 400; i++ {
		st, _ := f.svc.StartReset(ctx, fmt.Sprintf("someone%d@contoso.com", i))
		decoySets[kindsOf(st.Options)] = true
		for _, o := range st.Options {
			if o.Kind == core.KindAuthenticatorApp {
				decoyApps[o.Masked] = true
			}
		}
	}
	qa := []core.QuestionAnswer{{Question: "city-born", Answer: "New York"}, {Question: "first-pet", Answer: "Rex the dog"}, {Question: "first-school", Answer: "Elm Street"}}
	// Only security questions, added through the service.
	carol := f.newAccount(t, "carol@contoso.com", core.RoleUser)
	if _, err := f.svc.AddQuestions(f.as(carol), carol.ID, qa); err != nil {
		t.Fatal(err)
	}
	// An email added before the phone.
	dave := f.newAccount(t, "dave@contoso.com", core.RoleUser)
	f.add(t, dave, &core.Method{ID: "davemail", Kind: core.KindEmail, Detail: "dave@gmail.com", Channel: core.ChannelEmail}, phoneOf("davephone", "+442079460111"))
	// An app the person named.
	erin := f.newAccount(t, "erin@contoso.com", core.RoleUser)
	f.add(t, erin, &core.Method{ID: "erinapp", Kind: core.KindAuthenticatorApp, Name: "Pixel 8", Channel: core.ChannelApp})
	for _, a := range []*core.Account{carol, dave, erin} {
		st, _ := f.svc.StartReset(ctx, a.Name)
		k := kindsOf(st.Options)
		if !decoySets[k] {
			t.Errorf("%s shows %q, which no decoy of %d names shows", a.Name, k, 400)
		}
		for _, o := range st.Options {
			if o.Kind == core.KindAuthenticatorApp && !decoyApps[o.Masked] {
				t.Errorf("%s shows an app named %q; decoys only %v", a.Name, o.Masked, decoyApps)
			}
		}
	}
}

// hookStore runs a hook once, before the next Update.
type hookStore struct {
	core.Store
	hook atomic.Pointer[func()]
}

func (h *hookStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	if p := h.hook.Swap(nil); p != nil {
		(*p)()
	}
	return h.Store.Update(ctx, fn)
}

// F6: a sign-in with the old password that is in flight while the owner
// changes the password still gets a session.
func TestAttackFixedSignInRacingPasswordChangeKeepsASession(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser) // no sign-in method: password only
	owner := f.session(t, bob)
	hs := &hookStore{Store: f.store}
	intruderSvc := f.service(hs)
	change := func() {
		if err := f.svc.ChangePassword(owner, bob.ID, bobPassword, "the owner's brand new passphrase"); err != nil {
			t.Error(err)
		}
	}
	// The change commits after the intruder's sign-in read the account and
	// before it checked the password (the argon2id window).
	hs.hook.Store(&change)
	step, err := intruderSvc.SignIn(context.Background(), bob.Name, bobPassword)
	if err != nil {
		return // refused: held
	}
	if _, err := f.svc.ResumeSession(context.Background(), step.Session.ID); err == nil {
		t.Fatalf("the old password signed in after the change: session %s is live", step.Session.ID[:8])
	}
}

// F6b: the same without a hook: an intruder looping sign-ins with the old
// password while the owner changes it.
func TestAttackFixedSignInLoopRacingPasswordChange(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	owner := f.session(t, bob)
	var stop atomic.Bool
	var sessions []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if step, err := f.svc.SignIn(context.Background(), bob.Name, bobPassword); err == nil {
				mu.Lock()
				sessions = append(sessions, step.Session.ID)
				mu.Unlock()
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	if err := f.svc.ChangePassword(owner, bob.ID, bobPassword, "the owner's brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	live := 0
	for _, id := range sessions {
		if _, err := f.svc.ResumeSession(context.Background(), id); err == nil {
			live++
		}
	}
	if live > 0 {
		t.Fatalf("%d of %d intruder sessions made with the old password are live after the change", live, len(sessions))
	}
}

// F7: ChangePassword checks the current password with no lockout.
func TestAttackFixedChangePasswordIsAnUnlimitedPasswordOracle(t *testing.T) {
	f := newFixture(t)
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	stolen := f.session(t, bob) // an unlocked screen
	p, _ := f.svc.Policy(context.Background())
	for i := 0; i < 3*p.SignInLockoutThreshold; i++ {
		err := f.svc.ChangePassword(stolen, bob.ID, fmt.Sprintf("guess %d", i), "mallory's new passphrase")
		if core.ErrorCode(err) == core.ELOCKED {
			return // held
		}
	}
	if err := f.svc.ChangePassword(stolen, bob.ID, bobPassword, "mallory's new passphrase"); err == nil {
		t.Fatalf("%d wrong current passwords, then the right one changed it: no lockout", 3*p.SignInLockoutThreshold)
	}
}

// F8: small-capital Latin letters pass for lower-case ones.
func TestAttackFixedLookalikeSmallCapitals(t *testing.T) {
	f := newFixture(t)
	for _, pair := range [][2]string{{"victor@contoso.com", "\u1d20ictor@contoso.com"}, {"sam@contoso.com", "\ua731am@contoso.com"},
		{"walt@contoso.com", "\u1d21alt@contoso.com"}, {"zoe@contoso.com", "\u1d22oe@contoso.com"}} {
		f.newAccount(t, pair[0], core.RoleUser)
		_, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: pair[1], Password: bobPassword, Role: core.RoleUser})
		if err == nil {
			t.Errorf("%q was created beside %q (skeletons %q / %q)", pair[1], pair[0], core.NameSkeleton(pair[1]), core.NameSkeleton(pair[0]))
		}
	}
}

func rawDB(t *testing.T, f *fixture) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+f.sqlite.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// F9: the head's MAC seals (seq, hash) but not freshness: an older sealed
// head put back after cutting the newer rows verifies.
func TestAttackFixedAuditRollbackToAnOlderHead(t *testing.T) {
	f := newSQLiteFixture(t) // edits the file with SQL
	db := rawDB(t, f)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"issuer=Contoso"}); err != nil {
		t.Fatal(err)
	}
	var seq int64
	var hash, mac []byte
	if err := db.QueryRow(`SELECT seq, hash, mac FROM audit_head WHERE id = 1`).Scan(&seq, &hash, &mac); err != nil {
		t.Fatal(err)
	}
	// What is to be hidden.
	f.svc.SetPolicy(f.ctx, []string{"codeMaxTries=10"})
	f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "mallory@contoso.com", Password: bobPassword, Role: core.RoleAdmin})
	if _, err := db.Exec(`DELETE FROM audit_events WHERE seq > ?`, seq); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1`, seq, hash, mac); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.VerifyAudit(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Break == nil {
		t.Fatalf("events after %d cut and the old head restored: verify says intact (%d events)", seq, rep.Events)
	}
}

// ---- Tried and held ----

func TestAttackHeldOtherAccountsAndForgedActors(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	f.add(t, bob, phoneOf("bobphone", "+442079460001"))
	carol := f.newAccount(t, "carol@contoso.com", core.RoleUser)
	f.add(t, carol, phoneOf("carolphone", "+442079460002"))
	hd := f.newAccount(t, "hd@contoso.com", core.RoleHelpdesk)
	f.add(t, hd, phoneOf("hdphone", "+442079460003"))
	// alice's own verifications to steal
	ach, err := f.svc.ProveMethod(f.own, f.alice.ID, "alicephone", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddQuestions(f.own, f.alice.ID, []core.QuestionAnswer{{Question: "city-born", Answer: "New York"}, {Question: "first-pet", Answer: "Rex the dog"}, {Question: "first-school", Answer: "Elm Street"}}); err != nil {
		t.Fatal(err)
	}
	aq, err := f.svc.AskQuestions(f.own, f.alice.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(31 * time.Second)
	bs := f.session(t, bob)
	hs := f.session(t, hd)
	ba, _ := core.ActorFrom(bs)
	actors := map[string]context.Context{
		"bob":            bs,
		"helpdesk":       hs,
		"made-up sess":   core.WithActor(context.Background(), core.Actor{AccountID: bob.ID, Role: core.RoleAdmin, SessionID: strings.Repeat("ab", 32)}),
		"bob sess as al": core.WithActor(context.Background(), core.Actor{AccountID: f.alice.ID, Role: core.RoleAdmin, SessionID: ba.SessionID}),
		"no id admin":    core.WithActor(context.Background(), core.Actor{Role: core.RoleAdmin, Source: "cli", Name: "x"}),
		"no id admin 2":  core.WithActor(context.Background(), core.Actor{Role: core.RoleAdmin, Source: "desktop", Name: "local administrator"}),
	}
	for who, ctx := range actors {
		target := f.alice.ID
		calls := map[string]func() error{
			"SecurityInfo":   func() error { _, err := f.svc.SecurityInfo(ctx, target); return err },
			"DeleteMethod":   func() error { _, err := f.svc.DeleteMethod(ctx, target, "alicephone"); return err },
			"CancelRemoval":  func() error { return f.svc.CancelRemoval(ctx, target) },
			"RecentActivity": func() error { _, err := f.svc.RecentActivity(ctx, target, 10); return err },
			"CheckAfter":     func() error { _, err := f.svc.CheckAfterSignIn(ctx, target); return err },
			"Snooze":         func() error { return f.svc.SnoozeRegistration(ctx, target) },
			"Skip":           func() error { return f.svc.SkipReconfirm(ctx, target) },
			"ConfirmInfo":    func() error { return f.svc.ConfirmSecurityInfo(ctx, target) },
			"Resend own":     func() error { _, err := f.svc.Resend(ctx, target, ach.VerificationID); return err },
			"VerifyCode":     func() error { return f.svc.VerifyCode(ctx, target, ach.VerificationID, "000000") },
			"AskQuestions":   func() error { _, err := f.svc.AskQuestions(ctx, target, "en"); return err },
			"CheckAnswers":   func() error { return f.svc.CheckAnswers(ctx, target, aq.VerificationID, nil) },
			"ChangePassword": func() error { return f.svc.ChangePassword(ctx, target, alicePassword, "mallory passphrase 123") },
			"ChangeQuestions": func() error {
				_, err := f.svc.ChangeQuestions(ctx, target, []core.QuestionAnswer{{Question: "city-born", Answer: "Mallory town"}, {Question: "first-pet", Answer: "Mallory dog"}, {Question: "first-school", Answer: "Mallory school"}})
				return err
			},
			"AccountByName": func() error { _, err := f.svc.AccountByName(ctx, f.alice.Name); return err },
			"AuditLog":      func() error { _, err := f.svc.AuditLog(ctx, core.AuditFilter{}); return err },
			"SetPolicy":     func() error { _, err := f.svc.SetPolicy(ctx, []string{"issuer=M"}); return err },
		}
		for name, call := range calls {
			err := call()
			if err == nil && !(who == "helpdesk" && (name == "AuditLog")) {
				t.Errorf("%s %s on alice: allowed", who, name)
			}
		}
		// bob's verification IDs used by others under bob's own account ID
		if who != "bob" {
			if _, err := f.svc.Resend(ctx, bob.ID, ach.VerificationID); err == nil {
				t.Errorf("%s resends alice's code under bob", who)
			}
		}
	}
	if _, err := f.svc.Resend(bs, bob.ID, ach.VerificationID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("bob resends alice's verification: %v", err)
	}
	if err := f.svc.CheckAnswers(bs, bob.ID, aq.VerificationID, nil); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("bob answers alice's questions: %v", err)
	}
	// the help desk on a user: reading and deleting is by design, adding not
	if _, err := f.svc.ProveMethod(hs, carol.ID, "carolphone", ""); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("help desk proves carol's phone: %v", err)
	}
	if _, err := f.svc.AskQuestions(hs, carol.ID, "en"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("help desk asks carol's questions: %v", err)
	}
}

func TestAttackHeldRaces(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	secret := []byte("12345678901234567890")
	app := &core.Method{ID: "aliceapp", Kind: core.KindAuthenticatorApp, Name: "Authenticator app", Channel: core.ChannelApp}
	app.Secret, _ = f.keys.Seal(secret, "method:aliceapp")
	f.add(t, f.alice, app)
	ctx := context.Background()
	run := func(n int, fn func(i int) error) (ok int) {
		var wg sync.WaitGroup
		var c atomic.Int32
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if fn(i) == nil {
					c.Add(1)
				}
			}()
		}
		wg.Wait()
		return int(c.Load())
	}
	ch, _ := f.svc.ProveMethod(f.own, f.alice.ID, "alicephone", "")
	code := f.lastCode(t)
	if n := run(32, func(int) error { return f.svc.VerifyCode(f.own, f.alice.ID, ch.VerificationID, code) }); n != 1 {
		t.Errorf("one code used %d times", n)
	}
	f.clock.Advance(time.Minute)
	totp := codeAt(t, secret, f.clock.Now())
	if n := run(32, func(int) error { return f.svc.VerifyAuthenticator(f.own, f.alice.ID, "aliceapp", totp) }); n != 1 {
		t.Errorf("one TOTP step used %d times", n)
	}
	// one reset, 32 passwords (the 31 replays above locked the app 15 min)
	f.clock.Advance(16 * time.Minute)
	st, _ := f.svc.StartReset(ctx, f.alice.Name)
	tc := codeAt(t, secret, f.clock.Now())
	if _, err := f.svc.ResetVerify(ctx, st.ResetID, option(t, st, core.KindAuthenticatorApp, core.ChannelApp).ID, "", tc); err != nil {
		t.Fatal(err)
	}
	if n := run(32, func(i int) error {
		return f.svc.ResetPassword(ctx, st.ResetID, fmt.Sprintf("racing passphrase %d!", i))
	}); n != 1 {
		t.Errorf("one reset set %d passwords", n)
	}
	// 32 password changes from one current password
	bob := f.newAccount(t, "bob@contoso.com", core.RoleUser)
	bs := f.session(t, bob)
	if n := run(32, func(i int) error {
		return f.svc.ChangePassword(bs, bob.ID, bobPassword, fmt.Sprintf("racing passphrase %d!", i))
	}); n != 1 {
		t.Errorf("one current password changed it %d times", n)
	}
	// 32 first accounts on an empty store
	empty, err := sqlite.Open(filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	esvc := f.service(empty)
	if n := run(32, func(i int) error {
		_, err := esvc.CreateFirstAccount(ctx, core.NewAccount{Name: fmt.Sprintf("first%d@contoso.com", i), Password: bobPassword})
		return err
	}); n != 1 {
		t.Errorf("%d first accounts", n)
	}
	// 32 FinishSignIn with one TOTP
	f.clock.Advance(time.Minute)
	step, err := f.svc.SignIn(ctx, f.alice.Name, mustPassword(t, f, st))
	if err != nil || step.Pending == nil {
		t.Fatalf("sign-in after the race: %+v %v", step, err)
	}
	{
		tc := codeAt(t, secret, f.clock.Now())
		if n := run(32, func(int) error { _, err := f.svc.FinishSignIn(ctx, step.Pending.ID, "aliceapp", "", tc); return err }); n != 1 {
			t.Errorf("one pending sign-in finished %d times", n)
		}
	}
}

// mustPassword finds which racing passphrase won the reset.
func mustPassword(t *testing.T, f *fixture, _ *core.ResetState) string {
	var pw string
	f.store.View(context.Background(), func(tx core.Tx) error {
		a, _ := tx.Account(f.alice.ID)
		for i := range 32 {
			if p := fmt.Sprintf("racing passphrase %d!", i); core.VerifySecret(a.PasswordHash, p) {
				pw = p
				return nil
			}
		}
		return nil
	})
	return pw
}

func TestAttackHeldAuditEdits(t *testing.T) {
	edits := map[string][]string{
		"edit a row":            {`UPDATE audit_events SET detail = 'x' WHERE seq = 2`},
		"delete a middle row":   {`DELETE FROM audit_events WHERE seq = 2`},
		"cut the end":           {`DELETE FROM audit_events WHERE seq > 2`},
		"cut end and head":      {`DELETE FROM audit_events WHERE seq > 2`, `DELETE FROM audit_head`},
		"cut, head to seq 2":    {`DELETE FROM audit_events WHERE seq > 2`, `UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE seq = 2)`},
		"empty it":              {`DELETE FROM audit_events`, `DELETE FROM audit_head`},
		"empty, null mac":       {`DELETE FROM audit_events`, `UPDATE audit_head SET mac = NULL, seq = 0, hash = NULL`},
		"swap two rows' seq":    {`UPDATE audit_events SET seq = -1 WHERE seq = 2`, `UPDATE audit_events SET seq = 2 WHERE seq = 3`, `UPDATE audit_events SET seq = 3 WHERE seq = -1`},
		"empty then new events": {`DELETE FROM audit_events`, `DELETE FROM audit_head`},
	}
	for name, stmts := range edits {
		t.Run(name, func(t *testing.T) {
			f := newSQLiteFixture(t) // edits the file with SQL
			db := rawDB(t, f)
			for i := 0; i < 4; i++ {
				f.svc.SetPolicy(f.ctx, []string{fmt.Sprintf("codeMaxTries=%d", i+2)})
			}
			for _, s := range stmts {
				if _, err := db.Exec(s); err != nil {
					t.Fatal(err)
				}
			}
			if name == "empty then new events" {
				f.svc.SetPolicy(f.ctx, []string{"codeMaxTries=9"})
				f.newAccount(t, "bob@contoso.com", core.RoleUser)
			}
			rep, err := f.svc.VerifyAudit(f.ctx)
			if err != nil || rep.Break == nil {
				t.Fatalf("not noticed: %+v %v", rep, err)
			}
		})
	}
}
