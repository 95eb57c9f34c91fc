package core_test

// An outside review of the issue-18 fixes wrote these attacks; each
// failed when written (the comments say what it found) and holds since.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// TestReviewResetAnswersHashWithoutLimit: an anonymous caller with one
// reset of a made-up name (or a real one) posts answers again and again.
// Each post runs argon2id once per question before the tries, the lock
// or the expiry are looked at, and no per-address limit applies: after
// the verification is used up and the name locked, every post still
// hashes. 60 posts at once from one address: 180 argon2id runs, no 429.
func TestReviewResetAnswersHashWithoutLimit(t *testing.T) {
	f := newFixture(t)
	ctx := core.WithClient(context.Background(), "198.51.100.7")
	var st *core.ResetState
	var qs core.ResetOption
	for i := 0; i < 200 && qs.ID == ""; i++ {
		s, err := f.svc.StartReset(context.Background(), fmt.Sprintf("visitor%d@contoso.com", i))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range s.Options {
			if o.Kind == core.KindSecurityQuestions {
				st, qs = s, o
			}
		}
	}
	qc, err := f.svc.ResetQuestions(ctx, st.ResetID, qs.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	before := core.Hashing().Total
	answers := map[string]string{}
	for _, q := range qc.Questions {
		answers[q.ID] = "wrong answer"
	}
	codes := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.ResetAnswer(ctx, st.ResetID, qs.ID, qc.VerificationID, answers)
			mu.Lock()
			codes[core.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if _, err := f.svc.SignIn(context.Background(), f.alice.Name, alicePassword); err != nil {
		t.Fatal(err)
	}
	signIn := time.Since(start)
	wg.Wait()
	hashed := core.Hashing().Total - before
	t.Logf("a real sign-in during the posts took %v", signIn)
	t.Logf("%d questions, answers %v, argon2id runs %d", len(qc.Questions), codes, hashed)
	if codes[core.ELIMITED] == 0 && hashed > uint64(10*len(qc.Questions)) {
		t.Errorf("60 anonymous answer posts from one address ran argon2id %d times, none refused before hashing", hashed)
	}
}

// TestReviewDeskLearnsAdministrators: the desk's own reads of people it
// may help name the administrators who acted on them: the audit log's
// actor, and PendingApprovals' requester. With the ID read there, the
// desk tells an administrator's account from a made-up ID.
func TestReviewDeskLearnsAdministrators(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	root := f.newAccount(t, "root@contoso.com", core.RoleAdmin)
	f.add(t, root, phoneOf("rootphone", "+442079460111"))
	rootAs := f.session(t, root)
	if _, err := f.svc.RequestApproval(rootAs, d.user.ID, core.ApprovalRequest{Kind: core.ApprovalInPerson, Reason: "INC-9 walk-in"}); err != nil {
		t.Fatal(err)
	}
	var leaks []string
	events, err := f.svc.AuditLog(d.as, core.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	adminID := ""
	for _, e := range events {
		if e.ActorID == root.ID || e.ActorName == root.Name || e.ActorID == f.alice.ID {
			leaks = append(leaks, "audit "+e.Action+" by "+e.ActorName)
			if e.ActorID == root.ID {
				adminID = e.ActorID
			}
		}
	}
	pending, err := f.svc.PendingApprovals(d.as)
	if err != nil {
		t.Fatal(err)
	}
	for _, ap := range pending {
		if ap.RequestedBy == root.ID || ap.RequesterName == root.Name {
			leaks = append(leaks, "approval requested by "+ap.RequesterName)
		}
	}
	if adminID != "" {
		_, real := f.svc.SecurityInfo(d.as, adminID)
		_, fake := f.svc.SecurityInfo(d.as, "0123456789abcdef0123456789abcdef")
		if core.ErrorCode(real) != core.ErrorCode(fake) {
			leaks = append(leaks, fmt.Sprintf("SecurityInfo by ID: %s for the admin, %s for a made-up ID", core.ErrorCode(real), core.ErrorCode(fake)))
		}
	}
	if len(leaks) > 0 {
		t.Errorf("the desk reads about administrators:\n%s", strings.Join(leaks, "\n"))
	}
}

// TestReviewDeskReadsWholeNumbersUnverified: the desk's search masks a
// person's phone and limits digit searches to keep numbers from being
// recovered, but SecurityInfo of the same person, before any identity
// check, gives the whole number and address.
func TestReviewDeskReadsWholeNumbersUnverified(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	info, err := f.svc.SecurityInfo(d.as, d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Methods {
		if m.Detail == d.phone.Detail {
			t.Errorf("an unverified agent reads the whole number %s (search shows %s)", m.Detail, core.MaskedDetail(d.phone))
		}
	}
}

// TestReviewLockoutByPasswordChangeKeepsThePass: a session guessing the
// current password locks the name and ends every session, but leaves the
// reusable pass, which signs in again once the lock runs out.
func TestReviewLockoutByPasswordChangeKeepsThePass(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"tapOneTime=false"}); err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, f)
	d.verify(t, f)
	oneTime := false
	pass, err := f.svc.CreateAccessPass(d.as, d.user.ID, core.AccessPassRequest{Reason: "INC-0", OneTime: &oneTime, LifetimeMinutes: 480})
	if err != nil {
		t.Fatal(err)
	}
	thief := f.session(t, d.user)
	var last error
	for range 10 {
		last = f.svc.ChangePassword(thief, d.user.ID, "guess guess guess", "a brand new passphrase")
	}
	if core.ErrorCode(last) != core.ELOCKED {
		t.Fatalf("the 10th wrong current password: %v", last)
	}
	f.clock.Advance(16 * time.Minute)
	if _, err := f.svc.SignInWithPass(context.Background(), d.user.Name, pass.Pass); err == nil {
		t.Errorf("the pass outlived the lockout that ended every session")
	}
}

// TestReviewIdentityCheckRace: an agent starts 8 checks of one person and
// types a wrong app code into all of them at once; at most 3 are checked.
func TestReviewIdentityCheckRace(t *testing.T) {
	f := newFixture(t)
	d := newDesk(t, f)
	var ids []string
	for range 8 {
		ch, err := f.svc.BeginIdentityCheck(d.as, d.user.ID, d.app.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ch.VerificationID)
	}
	codes := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.FinishIdentityCheck(d.as, d.user.ID, id, "000000")
				mu.Lock()
				codes[core.ErrorCode(err)+" "+core.ErrorMessage(err)[:min(30, len(core.ErrorMessage(err)))]]++
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	checked := 0
	for k, n := range codes {
		if strings.HasPrefix(k, core.EWRONGCODE) || strings.HasPrefix(k, core.EFORBIDDEN) {
			checked += n
		}
	}
	t.Logf("%v", codes)
	if checked > 3 {
		t.Errorf("%d wrong codes checked at once; want at most 3", checked)
	}
}
