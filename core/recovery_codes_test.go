package core_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

var recoveryCodeRE = regexp.MustCompile(`^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}$`)

// TestRecoveryCodeFormatAndEntropy: 10 different codes of 12 symbols in
// groups of 4, from 32 symbols without look-alikes, each symbol as likely
// as any other: 60 bits a code, over the 20 bits SP 800-63B 5.1.2.1 asks.
func TestRecoveryCodeFormatAndEntropy(t *testing.T) {
	if len(core.RecoveryCodeAlphabet) != 32 || strings.ContainsAny(core.RecoveryCodeAlphabet, "0O1I") {
		t.Fatalf("alphabet %q: want 32 symbols without 0, O, 1, I", core.RecoveryCodeAlphabet)
	}
	if core.RecoveryCodeBits != 60 || core.RecoveryCodeBits < 20 {
		t.Fatalf("RecoveryCodeBits = %d, want 60", core.RecoveryCodeBits)
	}
	counts := map[rune]int{}
	const sets = 500
	for range sets {
		codes, err := core.NewRecoveryCodeSet(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != core.RecoveryCodeCount {
			t.Fatalf("%d codes, want %d", len(codes), core.RecoveryCodeCount)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if !recoveryCodeRE.MatchString(c) || seen[c] {
				t.Fatalf("code %q: not of the form 7QKD-M2XF-9PLA, or repeated in %v", c, codes)
			}
			seen[c] = true
			for _, r := range strings.ReplaceAll(c, "-", "") {
				counts[r]++
			}
		}
	}
	// 500 sets × 10 codes × 12 symbols = 60000 symbols, 1875 expected of
	// each: a biased draw (a modulo of a number not a multiple of 32, a
	// smaller alphabet) leaves some far off.
	for _, r := range core.RecoveryCodeAlphabet {
		if n := counts[r]; n < 1600 || n > 2150 {
			t.Errorf("symbol %c drawn %d times of 60000, want about 1875", r, n)
		}
	}
	// A set from a constant source is still 10 different codes, or an error.
	if _, err := core.NewRecoveryCodeSet(bytes.NewReader(make([]byte, 4096))); err == nil {
		t.Fatal("a source of zeros gave 10 different codes")
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	tests := []struct {
		typed, want string
		ok          bool
	}{
		{"7QKD-M2XF-9PLA", "7QKDM2XF9PLA", true},
		{" 7qkd m2xf 9pla ", "7QKDM2XF9PLA", true},
		{"7QKDM2XF9PLA", "7QKDM2XF9PLA", true},
		{"7QKD-M2XF-9PL", "", false},     // short
		{"7QKD-M2XF-9PLA2", "", false},   // long
		{"7QKD-M2XF-9PL0", "", false},    // 0 is not a symbol
		{"7QKD-M2XF-9PLÄ", "", false},    // not ASCII
		{"7QKD-M2XF-9PL\x00", "", false}, // control
	}
	for _, tt := range tests {
		got, ok := core.NormalizeRecoveryCode(tt.typed)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, %v; want %q, %v", tt.typed, got, ok, tt.want, tt.ok)
		}
	}
}

// codesFixture: uma, a user with a phone and recovery codes.
type codesFixture struct {
	*fixture
	uma   *core.Account
	codes *core.RecoveryCodes
}

func newCodesFixture(t *testing.T) *codesFixture {
	t.Helper()
	f := newFixture(t)
	uma := f.newAccount(t, "uma@contoso.com", core.RoleUser)
	f.add(t, uma, phoneOf("umaphone", "+442079460958"))
	codes, err := f.svc.AddRecoveryCodes(f.as(uma), uma.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &codesFixture{fixture: f, uma: uma, codes: codes}
}

// pending signs uma in with her password, up to the second step.
func (c *codesFixture) pending(t *testing.T) *core.PendingSignIn {
	t.Helper()
	step, err := c.svc.SignIn(context.Background(), c.uma.Name, "another long passphrase")
	if err != nil || step.Pending == nil {
		t.Fatalf("sign-in = %+v, %v", step, err)
	}
	return step.Pending
}

// signInWithCode finishes a new sign-in of uma with a recovery code.
func (c *codesFixture) signInWithCode(t *testing.T, code string) (*core.SignInStep, error) {
	t.Helper()
	p := c.pending(t)
	return c.svc.FinishSignIn(context.Background(), p.ID, c.codes.MethodID, "", code)
}

func (c *codesFixture) codesView(t *testing.T) core.MethodView {
	t.Helper()
	info, err := c.svc.SecurityInfo(c.as(c.uma), c.uma.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Methods {
		if m.Kind == core.KindRecoveryCodes {
			return m
		}
	}
	t.Fatalf("no recovery codes in %+v", info.Methods)
	return core.MethodView{}
}

// TestRecoveryCodesAreShownOnceAndCounted: the set is one method, its
// codes are in the answer to the addition only (never in the page, the
// notices, the audit log or the log), "10 of 10 left"; a second set is
// refused; the addition is audited and told.
func TestRecoveryCodesAreShownOnceAndCounted(t *testing.T) {
	c := newCodesFixture(t)
	if len(c.codes.Codes) != 10 || c.codes.MethodID == "" {
		t.Fatalf("codes = %+v", c.codes)
	}
	v := c.codesView(t)
	if v.CodesLeft != 10 || v.CodesTotal != 10 || v.CodesLow || v.Detail != "10 of 10 left" || v.IsDefault {
		t.Fatalf("row = %+v, want 10 of 10 left, not default", v)
	}
	if _, err := c.svc.AddRecoveryCodes(c.as(c.uma), c.uma.ID); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second set: %v, want conflict", err)
	}
	events, err := c.svc.AuditLog(c.ctx, core.AuditFilter{AccountID: c.uma.ID})
	if err != nil {
		t.Fatal(err)
	}
	added := false
	for _, e := range events {
		added = added || e.Action == core.ActionMethodAdded && e.Kind == core.KindRecoveryCodes
	}
	if !added {
		t.Fatalf("no method.added of recovery codes in %+v", events)
	}
	sent := c.sent(t)
	if len(sent) == 0 || !strings.Contains(sent[len(sent)-1].Text, "Recovery codes were made for uma@contoso.com") {
		t.Fatalf("no notice of the addition in %+v", sent)
	}
	c.noCodeLeaks(t, c.codes.Codes)
	// The requirement: codes alone are no sign-in method for registration
	// unless the policy says so.
	only := core.CheckRequirements([]*core.Method{{Kind: core.KindRecoveryCodes}}, core.DefaultPolicy())
	p := core.DefaultPolicy()
	p.RecoveryCodesCountForRegistration = true
	counted := core.CheckRequirements([]*core.Method{{Kind: core.KindRecoveryCodes}}, p)
	if only.SignInMet || !counted.SignInMet || !only.ResetMet {
		t.Fatalf("requirements of codes alone: %+v by default, %+v counted; want sign-in met only when counted, reset met", only, counted)
	}
}

// noCodeLeaks fails when a code is in the outbox, the audit log or the
// service's log.
func (c *codesFixture) noCodeLeaks(t *testing.T, codes []string) {
	t.Helper()
	var all strings.Builder
	for _, e := range c.sent(t) {
		all.WriteString(e.Subject + e.Text)
	}
	events, _ := c.svc.AuditLog(c.ctx, core.AuditFilter{})
	for _, e := range events {
		all.WriteString(e.Detail + e.Reason)
	}
	all.WriteString(c.log.String())
	for _, code := range codes {
		n, _ := core.NormalizeRecoveryCode(code)
		if strings.Contains(all.String(), code) || strings.Contains(all.String(), n) {
			t.Fatalf("code %s reached a notice, the audit log or the log", code)
		}
	}
}

// TestSignInWithARecoveryCode: "Use a recovery code" is offered last,
// never as the default; a code finishes a two-step sign-in once; a
// replayed, wrong or other set's code fails; at 2 left the page warns and
// the owner is told.
func TestSignInWithARecoveryCode(t *testing.T) {
	c := newCodesFixture(t)
	p := c.pending(t)
	last := p.Options[len(p.Options)-1]
	if p.Options[0].Kind == core.KindRecoveryCodes || last.Kind != core.KindRecoveryCodes || last.MethodID != c.codes.MethodID || last.Masked != "" {
		t.Fatalf("options = %+v, want recovery codes last, not default, nothing shown of them", p.Options)
	}
	step, err := c.svc.FinishSignIn(context.Background(), p.ID, c.codes.MethodID, "", strings.ToLower(c.codes.Codes[0]))
	if err != nil || step.Session == nil || !step.Session.TwoStep {
		t.Fatalf("sign-in with a code (typed in lower case) = %+v, %v", step, err)
	}
	if _, err := c.signInWithCode(t, c.codes.Codes[0]); core.ErrorCode(err) != core.EWRONGCODE || core.ReasonOf(err) != "recovery.wrong" {
		t.Fatalf("replayed code: %v, want recovery.wrong", err)
	}
	if _, err := c.signInWithCode(t, "7QKD-M2XF-9PLA"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("wrong code: %v", err)
	}
	if _, err := c.signInWithCode(t, "not a code"); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("malformed code: %v, want invalid", err)
	}
	if v := c.codesView(t); v.CodesLeft != 9 || v.Detail != "9 of 10 left" || v.LastUsedAt == nil || v.CodesLow {
		t.Fatalf("after one use: %+v", v)
	}
	events, _ := c.svc.AuditLog(c.ctx, core.AuditFilter{AccountID: c.uma.ID})
	how := false
	for _, e := range events {
		how = how || e.Action == core.ActionSignedIn && e.Detail == "password and recovery code"
	}
	if !how {
		t.Fatalf("no sign-in audited as with a recovery code in %+v", events)
	}
	for i := 1; i <= 7; i++ {
		if _, err := c.signInWithCode(t, c.codes.Codes[i]); err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
	}
	v := c.codesView(t)
	if v.CodesLeft != 2 || !v.CodesLow {
		t.Fatalf("after 8 uses: %+v, want 2 left and low", v)
	}
	sent := c.sent(t)
	if last := sent[len(sent)-1]; !strings.Contains(last.Text, "Only 2 recovery codes are left") || last.To != "+442079460958" {
		t.Fatalf("last notice %+v, want the warning of 2 left to the phone", last)
	}
	c.noCodeLeaks(t, c.codes.Codes)
}

// TestGetNewCodesEndsTheOldSet: the old codes stop working at once, the
// new ones work, the change is audited and told.
func TestGetNewCodesEndsTheOldSet(t *testing.T) {
	c := newCodesFixture(t)
	fresh, err := c.svc.NewRecoveryCodes(c.as(c.uma), c.uma.ID)
	if err != nil || fresh.MethodID != c.codes.MethodID || len(fresh.Codes) != 10 {
		t.Fatalf("new codes = %+v, %v", fresh, err)
	}
	for _, old := range c.codes.Codes[:3] {
		if _, err := c.signInWithCode(t, old); core.ErrorCode(err) != core.EWRONGCODE {
			t.Fatalf("an old code after Get new codes: %v", err)
		}
	}
	if _, err := c.signInWithCode(t, fresh.Codes[9]); err != nil {
		t.Fatalf("a new code: %v", err)
	}
	events, _ := c.svc.AuditLog(c.ctx, core.AuditFilter{AccountID: c.uma.ID})
	changed := false
	for _, e := range events {
		changed = changed || e.Action == core.ActionMethodChanged && e.Kind == core.KindRecoveryCodes && e.Detail == "new codes"
	}
	if !changed {
		t.Fatalf("Get new codes not audited: %+v", events)
	}
	found := false
	for _, e := range c.sent(t) {
		found = found || strings.Contains(e.Text, "the old codes no longer work")
	}
	if !found {
		t.Fatal("Get new codes not told")
	}
	bob := c.newAccount(t, "bob@contoso.com", core.RoleUser)
	if _, err := c.svc.NewRecoveryCodes(c.as(bob), bob.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("new codes without a set: %v", err)
	}
	c.noCodeLeaks(t, append(c.codes.Codes, fresh.Codes...))
}

// TestResetWithARecoveryCode: a code proves one method; a second code of
// the same set is not a second method; the option is offered alike to a
// made-up name, whose codes are all wrong.
func TestResetWithARecoveryCode(t *testing.T) {
	c := newCodesFixture(t)
	ctx := context.Background()
	c.svc.SetPolicy(c.ctx, []string{"methodsRequiredForReset=2"})
	st, err := c.svc.StartReset(ctx, c.uma.Name)
	if err != nil {
		t.Fatal(err)
	}
	opt := option(t, st, core.KindRecoveryCodes, core.ChannelNone)
	if _, err := c.svc.ResetVerify(ctx, st.ResetID, opt.ID, "", "7QKD-M2XF-9PLA"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("wrong code in a reset: %v", err)
	}
	st, err = c.svc.ResetVerify(ctx, st.ResetID, opt.ID, "", c.codes.Codes[4])
	if err != nil || st.Proven != 1 || st.Ready() {
		t.Fatalf("after a code = %+v, %v", st, err)
	}
	for _, o := range st.Options {
		if o.Kind == core.KindRecoveryCodes {
			t.Fatalf("the set is offered again after one code: %+v", st.Options)
		}
	}
	if _, err := c.svc.ResetVerify(ctx, st.ResetID, opt.ID, "", c.codes.Codes[5]); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a second code of the set: %v, want not a choice", err)
	}
	if err := c.svc.ResetPassword(ctx, st.ResetID, "a brand new long passphrase"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("password with one set only, two methods needed: %v", err)
	}
	// With one method needed, a code alone resets.
	c.svc.SetPolicy(c.ctx, []string{"methodsRequiredForReset=1"})
	if err := c.svc.ResetPassword(ctx, st.ResetID, "a brand new long passphrase"); err != nil {
		t.Fatalf("password after a code: %v", err)
	}
	if v := c.codesView(t); v.CodesLeft != 9 {
		t.Fatalf("after the reset: %+v, want 9 left", v)
	}
	// A made-up name is offered the option too, and every code is wrong.
	made, err := c.svc.StartReset(ctx, "nobody@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	mo := option(t, made, core.KindRecoveryCodes, core.ChannelNone)
	if mo != opt {
		t.Fatalf("made-up name's option %+v, real one's %+v", mo, opt)
	}
	if _, err := c.svc.ResetVerify(ctx, made.ResetID, mo.ID, "", c.codes.Codes[6]); core.ErrorCode(err) != core.EWRONGCODE || core.ReasonOf(err) != "recovery.wrong" {
		t.Fatalf("made-up name's code: %v", err)
	}
	// Off by policy: offered to no one.
	c.svc.SetPolicy(c.ctx, []string{"enabledMethods=phone,email"})
	off, _ := c.svc.StartReset(ctx, c.uma.Name)
	for _, o := range off.Options {
		if o.Kind == core.KindRecoveryCodes {
			t.Fatalf("offered while the policy does not allow codes: %+v", off.Options)
		}
	}
	step, err := c.svc.SignIn(ctx, c.uma.Name, "a brand new long passphrase")
	if err != nil || step.Pending == nil {
		t.Fatalf("sign-in after the reset = %+v, %v", step, err)
	}
	if _, err := c.svc.FinishSignIn(ctx, step.Pending.ID, c.codes.MethodID, "", c.codes.Codes[7]); err == nil {
		t.Fatal("signed in with a code the policy no longer allows")
	}
}

// TestWrongRecoveryCodesLockSignIn: wrong codes count toward the sign-in
// lockout like wrong sign-in codes; 32 guesses at once do not get past it,
// and then the right code is refused too.
func TestWrongRecoveryCodesLockSignIn(t *testing.T) {
	c := newCodesFixture(t)
	pendings := make([]*core.PendingSignIn, 32)
	for i := range pendings {
		pendings[i] = c.pending(t)
	}
	errs := make([]error, len(pendings))
	var wg sync.WaitGroup
	for i, p := range pendings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.svc.FinishSignIn(context.Background(), p.ID, c.codes.MethodID, "", "7QKD-M2XF-9PLA")
		}()
	}
	wg.Wait()
	locked := 0
	for _, err := range errs {
		switch core.ErrorCode(err) {
		case core.ELOCKED:
			locked++
		case core.EWRONGCODE:
		default:
			t.Fatalf("guess: %v", err)
		}
	}
	if locked == 0 {
		t.Fatal("32 wrong codes did not lock sign-in")
	}
	p := pendings[0]
	if _, err := c.svc.FinishSignIn(context.Background(), p.ID, c.codes.MethodID, "", c.codes.Codes[0]); core.ReasonOf(err) != "signin.locked" {
		t.Fatalf("right code while locked: %v, want the sign-in lockout", err)
	}
	c.clock.Advance(16 * time.Minute)
	if _, err := c.signInWithCode(t, c.codes.Codes[0]); err != nil {
		t.Fatalf("right code after the lock: %v", err)
	}
}

// TestRecoveryCodeOnceUnder32Racers: one code typed in 32 sign-ins at
// once signs in exactly one.
func TestRecoveryCodeOnceUnder32Racers(t *testing.T) {
	c := newCodesFixture(t)
	pendings := make([]*core.PendingSignIn, 32)
	for i := range pendings {
		pendings[i] = c.pending(t)
	}
	steps := make([]*core.SignInStep, len(pendings))
	errs := make([]error, len(pendings))
	var wg sync.WaitGroup
	for i, p := range pendings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			steps[i], errs[i] = c.svc.FinishSignIn(context.Background(), p.ID, c.codes.MethodID, "", c.codes.Codes[3])
		}()
	}
	wg.Wait()
	won := 0
	for i := range steps {
		if errs[i] == nil && steps[i].Session != nil {
			won++
		} else if core.ErrorCode(errs[i]) != core.EWRONGCODE && core.ErrorCode(errs[i]) != core.ELOCKED {
			t.Fatalf("racer: %v", errs[i])
		}
	}
	if won != 1 {
		t.Fatalf("one code signed in %d times, want once", won)
	}
	if v := c.codesView(t); v.CodesLeft != 9 {
		t.Fatalf("%d left, want 9", v.CodesLeft)
	}
}

// TestRecoveryCodesOfAnotherAccount: another account's set is no option
// of one's sign-in, and no one but the owner makes codes.
func TestRecoveryCodesOfAnotherAccount(t *testing.T) {
	c := newCodesFixture(t)
	bob := c.newAccount(t, "bob@contoso.com", core.RoleUser)
	c.add(t, bob, phoneOf("bobphone", "+442079460001"))
	step, err := c.svc.SignIn(context.Background(), bob.Name, "another long passphrase")
	if err != nil || step.Pending == nil {
		t.Fatal(err)
	}
	if _, err := c.svc.FinishSignIn(context.Background(), step.Pending.ID, c.codes.MethodID, "", c.codes.Codes[0]); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("bob signs in with uma's set: %v", err)
	}
	for name, fn := range map[string]func(context.Context, string) (*core.RecoveryCodes, error){
		"AddRecoveryCodes": c.svc.AddRecoveryCodes, "NewRecoveryCodes": c.svc.NewRecoveryCodes,
	} {
		if _, err := fn(c.as(bob), c.uma.ID); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s by bob for uma: %v, want forbidden", name, err)
		}
	}
	if _, err := c.signInWithCode(t, c.codes.Codes[0]); err != nil {
		t.Fatalf("uma's code after bob's tries: %v", err)
	}
}

// TestHelpdeskSeesOnlyHowManyCodesAreLeft: the desk reads "7 of 10 left",
// never a code; makes none; deletes the set with a reason (audited, told)
// and never an administrator's.
func TestHelpdeskSeesOnlyHowManyCodesAreLeft(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	codes, err := f.svc.AddRecoveryCodes(f.as(d.user), d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range codes.Codes[:3] {
		st, err := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.FinishSignIn(context.Background(), st.Pending.ID, codes.MethodID, "", code); err != nil {
			t.Fatal(err)
		}
	}
	d.verify(t, f)
	person, err := f.svc.HelpdeskPerson(d.as, d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range person.Summary.Methods {
		if m.Kind == core.KindRecoveryCodes {
			found = m.Detail == "7 of 10 left"
		}
	}
	if !found {
		t.Fatalf("desk's summary %+v, want recovery codes: 7 of 10 left", person.Summary.Methods)
	}
	info, err := f.svc.SecurityInfo(d.as, d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Methods {
		if m.Kind == core.KindRecoveryCodes && (m.CodesLeft != 7 || m.Detail != "7 of 10 left") {
			t.Fatalf("desk's view of the set: %+v", m)
		}
	}
	for name, fn := range map[string]func(context.Context, string) (*core.RecoveryCodes, error){
		"AddRecoveryCodes": f.svc.AddRecoveryCodes, "NewRecoveryCodes": f.svc.NewRecoveryCodes,
	} {
		if _, err := fn(d.as, d.user.ID); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s by the desk: %v, want forbidden", name, err)
		}
	}
	if _, err := f.svc.DeleteMethodForPerson(d.as, d.user.ID, codes.MethodID, ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("delete without a reason: %v", err)
	}
	if _, err := f.svc.DeleteMethodForPerson(d.as, d.user.ID, codes.MethodID, "ticket 7: codes lost"); err != nil {
		t.Fatal(err)
	}
	events, _ := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: d.user.ID})
	last := events[len(events)-1]
	if last.Action != core.ActionMethodDeleted || last.Kind != core.KindRecoveryCodes || !strings.Contains(last.Reason, "ticket 7") || last.ActorID != d.agent.ID {
		t.Fatalf("deletion audited as %+v", last)
	}
	st, _ := f.svc.SignIn(context.Background(), d.user.Name, "another long passphrase")
	if _, err := f.svc.FinishSignIn(context.Background(), st.Pending.ID, codes.MethodID, "", codes.Codes[5]); err == nil {
		t.Fatal("a code of a deleted set signed in")
	}
	// An administrator's set is beyond the desk.
	admin := f.newAccount(t, "admin2@contoso.com", core.RoleAdmin)
	f.add(t, admin, phoneOf("adminphone", "+442079460004"))
	ac, err := f.svc.AddRecoveryCodes(f.as(admin), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeleteMethodForPerson(d.as, admin.ID, ac.MethodID, "ticket 8"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("desk deletes an admin's codes: %v", err)
	}
	f.noLeaks(t, append(codes.Codes, ac.Codes...))
}

// noLeaks is codesFixture.noCodeLeaks for a plain fixture.
func (f *fixture) noLeaks(t *testing.T, codes []string) {
	t.Helper()
	(&codesFixture{fixture: f}).noCodeLeaks(t, codes)
}

// TestRecoveryOptionAnswersAlike: in a reset, wrong codes for a real set,
// for an account without a set and for a made-up name get the same
// answers, the set's lock included.
func TestRecoveryOptionAnswersAlike(t *testing.T) {
	c := newCodesFixture(t)
	c.svc.SetPolicy(c.ctx, []string{"methodLockoutThreshold=3", "signInLockoutThreshold=50"})
	bare := c.newAccount(t, "bob@contoso.com", core.RoleUser)
	c.add(t, bare, phoneOf("bobphone", "+442079460001"))
	var transcripts []string
	for _, name := range []string{c.uma.Name, bare.Name, "nobody@contoso.com"} {
		st, err := c.svc.StartReset(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for range 4 {
			_, err := c.svc.ResetVerify(context.Background(), st.ResetID, core.RecoveryOptionID, "", "7QKD-M2XF-9PLA")
			got = append(got, core.ReasonOf(err))
		}
		transcripts = append(transcripts, strings.Join(got, " "))
	}
	want := "recovery.wrong recovery.wrong recovery.locked method.locked"
	for i, tr := range transcripts {
		if tr != want {
			t.Errorf("name %d answered %q, want %q", i, tr, want)
		}
	}
}

// TestResetCodeProofEndsWithTheSet: someone who proved a reset with one
// of the owner's recovery codes cannot finish it once the owner deleted
// the set in between (it was the set that was proven).
func TestResetCodeProofEndsWithTheSet(t *testing.T) {
	c := newCodesFixture(t)
	ctx := context.Background()
	c.svc.SetPolicy(c.ctx, []string{"methodsRequiredForReset=1"})
	st, err := c.svc.StartReset(ctx, c.uma.Name)
	if err != nil {
		t.Fatal(err)
	}
	opt := option(t, st, core.KindRecoveryCodes, core.ChannelNone)
	if st, err = c.svc.ResetVerify(ctx, st.ResetID, opt.ID, "", c.codes.Codes[2]); err != nil || !st.Ready() {
		t.Fatalf("after a code = %+v, %v", st, err)
	}
	if _, err := c.svc.DeleteMethod(c.as(c.uma), c.uma.ID, c.codes.MethodID); err != nil {
		t.Fatal(err)
	}
	if err := c.svc.ResetPassword(ctx, st.ResetID, "a brand new long passphrase"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("password after the proven set was deleted: %v, want refused", err)
	}
}
