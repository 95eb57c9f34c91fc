// Package storetest is the conformance suite every core.Store must pass:
// the SQLite and PostgreSQL stores now, the remote client later.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// Open returns a new, empty store for one test; the suite closes it.
type Open func(t *testing.T) core.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s core.Store)
	}{
		{"Accounts", testAccounts},
		{"Methods", testMethods},
		{"Policy", testPolicy},
		{"Settings", testSettings},
		{"Audit", testAudit},
		{"AuditHeadMAC", testAuditHeadMAC},
		{"SessionsAndSignInCounters", testSessions},
		{"EndingAnAccountsAccess", testEndAccess},
		{"SendsByPurpose", testSendsByPurpose},
		{"ResetsAndQuestionDraws", testResetsAndDraws},
		{"Rollback", testRollback},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ViewIsReadOnly", testViewReadOnly},
		{"ExactTimes", testExactTimes},
		{"RaceUseVerification", testRaceUseVerification},
		{"RaceAdvanceTOTPStep", testRaceAdvanceTOTPStep},
		{"RaceVerificationTries", testRaceVerificationTries},
		{"RaceFailureCounter", testRaceFailureCounter},
		{"RaceSignInCounter", testRaceSignInCounter},
		{"RaceRecordSend", testRaceRecordSend},
		{"RaceResetProven", testRaceResetProven},
		{"RaceUpdateSession", testRaceUpdateSession},
		{"RaceAppendAudit", testRaceAppendAudit},
		{"Deliveries", testDeliveries},
		{"RaceClaimDeliveries", testRaceClaimDeliveries},
		{"AuditQueue", testAuditQueue},
		{"HelpdeskProofsAndPasses", testHelpdeskRows},
		{"RaceUseAccessPass", testRaceUseAccessPass},
		{"Approvals", testApprovals},
		{"RaceApprove", testRaceApprove},
		{"AccountDetails", testAccountDetails},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s)
		})
	}
}

// t0 is to the microsecond, the precision of PostgreSQL's timestamptz: the
// stores keep times to the microsecond at least. (testExactTimes checks the
// two times the core needs to the nanosecond.)
var t0 = time.Date(2026, 11, 22, 9, 30, 0, 123456000, time.UTC)

func update(t *testing.T, s core.Store, fn func(tx core.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func view(t *testing.T, s core.Store, fn func(tx core.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func account(id, name string) *core.Account {
	return &core.Account{ID: id, Name: name, DisplayName: "Name " + id, Role: core.RoleUser, Language: "de",
		CreatedAt: t0, PasswordHash: "$argon2id$x", PasswordChangedAt: t0}
}

func testAccounts(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if n, err := tx.CountAccounts(); err != nil || n != 0 {
			return fmt.Errorf("count on empty store = %d, %v", n, err)
		}
		if err := tx.CreateAccount(account("b1", "bob@contoso.com")); err != nil {
			return err
		}
		return tx.CreateAccount(account("a1", "alice@contoso.com"))
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateAccount(account("a2", "alice@contoso.com")) })
	if core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("duplicate name: err = %v, want ECONFLICT", err)
	}
	view(t, s, func(tx core.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		want := account("a1", "alice@contoso.com")
		if a.Name != want.Name || a.DisplayName != want.DisplayName || a.Role != want.Role || a.Language != "de" ||
			!a.CreatedAt.Equal(t0) || a.PasswordHash != want.PasswordHash || !a.RemovalAt.IsZero() {
			return fmt.Errorf("read back %+v, want %+v", a, want)
		}
		if b, err := tx.AccountByName("bob@contoso.com"); err != nil || b.ID != "b1" {
			return fmt.Errorf("account by name = %+v, %v", b, err)
		}
		if _, err := tx.Account("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing account: err = %v, want ENOTFOUND", err)
		}
		if _, err := tx.AccountByName("carol@contoso.com"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing name: err = %v, want ENOTFOUND", err)
		}
		all, err := tx.Accounts()
		if err != nil || len(all) != 2 || all[0].Name != "alice@contoso.com" || all[1].Name != "bob@contoso.com" {
			return fmt.Errorf("accounts = %v, %v; want alice then bob", all, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		a.DefaultMethodID, a.DefaultChannel = "m1", core.ChannelSMS
		a.RemovalAt, a.RemovalMethodID = t0.Add(time.Hour), "m1"
		a.Role = core.RoleHelpdesk
		return tx.UpdateAccount(a)
	})
	view(t, s, func(tx core.Tx) error {
		a, err := tx.Account("a1")
		if err != nil {
			return err
		}
		if a.DefaultMethodID != "m1" || a.DefaultChannel != core.ChannelSMS || !a.RemovalAt.Equal(t0.Add(time.Hour)) ||
			a.RemovalMethodID != "m1" || a.Role != core.RoleHelpdesk {
			return fmt.Errorf("update not kept: %+v", a)
		}
		return nil
	})
	err = s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateAccount(account("zz", "zz@contoso.com")) })
	if core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("update of missing account: err = %v, want ENOTFOUND", err)
	}
}

func testMethods(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error { return tx.CreateAccount(account("a1", "alice@contoso.com")) })
	phone := &core.Method{ID: "m2", AccountID: "a1", Kind: core.KindOfficePhone, Detail: "+4930901820", Extension: "123",
		Channel: core.ChannelVoice, Language: "de", CreatedAt: t0.Add(time.Minute)}
	app := &core.Method{ID: "m1", AccountID: "a1", Kind: core.KindAuthenticatorApp, Name: "Pixel", Channel: core.ChannelApp,
		Language: "en", CreatedAt: t0, Secret: []byte{1, 2, 3}, LastStep: 42}
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateMethod(phone); err != nil {
			return err
		}
		return tx.CreateMethod(app)
	})
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateMethod(&core.Method{ID: "m9", AccountID: "ghost", Kind: core.KindEmail, Language: "en", CreatedAt: t0})
	})
	if err == nil {
		t.Fatal("method for a missing account was created")
	}
	view(t, s, func(tx core.Tx) error {
		ms, err := tx.Methods("a1")
		if err != nil {
			return err
		}
		if len(ms) != 2 || ms[0].ID != "m1" || ms[1].ID != "m2" {
			return fmt.Errorf("methods = %v, want m1 (older) then m2", ms)
		}
		if m := ms[0]; string(m.Secret) != "\x01\x02\x03" || m.LastStep != 42 || m.Name != "Pixel" || !m.CreatedAt.Equal(t0) || !m.LastUsedAt.IsZero() {
			return fmt.Errorf("app read back as %+v", m)
		}
		if m := ms[1]; m.Detail != "+4930901820" || m.Extension != "123" || m.Channel != core.ChannelVoice || m.Language != "de" {
			return fmt.Errorf("phone read back as %+v", m)
		}
		if none, err := tx.Methods("nobody"); err != nil || len(none) != 0 {
			return fmt.Errorf("methods of unknown account = %v, %v", none, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		m, err := tx.Method("m1")
		if err != nil {
			return err
		}
		m.Name, m.LastStep = "Work phone", 43
		m.LastUsedAt = t0.Add(2 * time.Hour)
		return tx.UpdateMethod(m)
	})
	view(t, s, func(tx core.Tx) error {
		m, err := tx.Method("m1")
		if err != nil {
			return err
		}
		if m.Name != "Work phone" || m.LastStep != 43 || !m.LastUsedAt.Equal(t0.Add(2*time.Hour)) {
			return fmt.Errorf("update not kept: %+v", m)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error { return tx.DeleteMethod("m1") })
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.Method("m1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("deleted method: err = %v, want ENOTFOUND", err)
		}
		return nil
	})
	if err := s.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteMethod("m1") }); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("second delete: err = %v, want ENOTFOUND", err)
	}
}

func testPolicy(t *testing.T, s core.Store) {
	view(t, s, func(tx core.Tx) error {
		p, err := tx.Policy()
		if err != nil || p.CodeLength != core.DefaultPolicy().CodeLength || len(p.EnabledMethods) != len(core.DefaultPolicy().EnabledMethods) {
			return fmt.Errorf("unsaved policy = %+v, %v; want the default", p, err)
		}
		return nil
	})
	p, err := core.DefaultPolicy().Apply([]string{"codeLength=8", "organizationDomains=contoso.com", "enabledMethods=phone,email"})
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx core.Tx) error { return tx.SavePolicy(p) })
	update(t, s, func(tx core.Tx) error { return tx.SavePolicy(p) })
	view(t, s, func(tx core.Tx) error {
		got, err := tx.Policy()
		if err != nil || got.CodeLength != 8 || len(got.OrganizationDomains) != 1 || got.OrganizationDomains[0] != "contoso.com" ||
			len(got.EnabledMethods) != 2 {
			return fmt.Errorf("policy read back as %+v, %v", got, err)
		}
		return nil
	})
}

func testSettings(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if v, err := tx.Setting("x"); err != nil || v != "" {
			return fmt.Errorf("unset setting = %q, %v", v, err)
		}
		if err := tx.SetSetting("x", "1"); err != nil {
			return err
		}
		return tx.SetSetting("x", "2")
	})
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Setting("x"); err != nil || v != "2" {
			return fmt.Errorf("setting = %q, %v; want 2", v, err)
		}
		return nil
	})
}

func testAudit(t *testing.T, s core.Store) {
	view(t, s, func(tx core.Tx) error {
		h, err := tx.AuditHead()
		if err != nil || h.Seq != 0 || h.Hash != nil {
			return fmt.Errorf("empty head = %+v, %v", h, err)
		}
		return nil
	})
	for i := 1; i <= 5; i++ {
		acct := "a1"
		if i%2 == 0 {
			acct = "b1"
		}
		update(t, s, func(tx core.Tx) error {
			h, err := tx.AuditHead()
			if err != nil {
				return err
			}
			e := &core.AuditEvent{Seq: h.Seq + 1, Time: t0.Add(time.Duration(i) * time.Second), AccountID: acct,
				Action: core.ActionMethodAdded, Kind: core.KindEmail, Detail: "al*****@gmail.com", Source: "test",
				PrevHash: h.Hash, Hash: []byte("hash-" + strconv.Itoa(i)), HeadMAC: []byte("mac-" + strconv.Itoa(i))}
			return tx.AppendAudit(e)
		})
	}
	view(t, s, func(tx core.Tx) error {
		h, err := tx.AuditHead()
		if err != nil || h.Seq != 5 || string(h.Hash) != "hash-5" || string(h.MAC) != "mac-5" {
			return fmt.Errorf("head = %+v, %v", h, err)
		}
		all, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(all) != 5 {
			return fmt.Errorf("all events = %d, %v", len(all), err)
		}
		for i, e := range all {
			if e.Seq != int64(i+1) || !e.Time.Equal(t0.Add(time.Duration(i+1)*time.Second)) || e.Detail != "al*****@gmail.com" {
				return fmt.Errorf("event %d read back as %+v", i, e)
			}
			if i > 0 && string(e.PrevHash) != "hash-"+strconv.Itoa(i) {
				return fmt.Errorf("event %d prev hash %q", i+1, e.PrevHash)
			}
		}
		a1, err := tx.AuditEvents(core.AuditFilter{AccountID: "a1"})
		if err != nil || len(a1) != 3 || a1[0].Seq != 1 || a1[2].Seq != 5 {
			return fmt.Errorf("a1 events = %v, %v", a1, err)
		}
		newest, err := tx.AuditEvents(core.AuditFilter{AccountID: "a1", Limit: 2})
		if err != nil || len(newest) != 2 || newest[0].Seq != 3 || newest[1].Seq != 5 {
			return fmt.Errorf("newest 2 of a1 = %v, %v; want 3, 5", newest, err)
		}
		return nil
	})
}

// testAuditHeadMAC: the head keeps the seal of the event that made it the
// head, an unsealed head reads back with no MAC, and a rolled-back append
// leaves the head and its seal as they were.
func testAuditHeadMAC(t *testing.T, s core.Store) {
	appendEvent := func(seq int64, mac []byte) func(tx core.Tx) error {
		return func(tx core.Tx) error {
			return tx.AppendAudit(&core.AuditEvent{Seq: seq, Time: t0, Action: core.ActionPolicyChanged,
				Hash: []byte("hash-" + strconv.FormatInt(seq, 10)), HeadMAC: mac})
		}
	}
	head := func(want core.AuditHead) {
		t.Helper()
		view(t, s, func(tx core.Tx) error {
			h, err := tx.AuditHead()
			if err != nil || h.Seq != want.Seq || string(h.Hash) != string(want.Hash) || string(h.MAC) != string(want.MAC) {
				return fmt.Errorf("head = %+v, %v; want %+v", h, err, want)
			}
			return nil
		})
	}
	mac1 := []byte{0x00, 0xff, 0x10, 0x80, 0x7f}
	update(t, s, appendEvent(1, mac1))
	head(core.AuditHead{Seq: 1, Hash: []byte("hash-1"), MAC: mac1})

	update(t, s, appendEvent(2, nil))
	head(core.AuditHead{Seq: 2, Hash: []byte("hash-2")})

	mac3 := []byte("a seal of thirty-two bytes......")
	update(t, s, appendEvent(3, mac3))
	head(core.AuditHead{Seq: 3, Hash: []byte("hash-3"), MAC: mac3})

	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx core.Tx) error {
		if err := appendEvent(4, []byte("mac-4"))(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	head(core.AuditHead{Seq: 3, Hash: []byte("hash-3"), MAC: mac3})
	view(t, s, func(tx core.Tx) error {
		es, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(es) != 3 {
			return fmt.Errorf("events = %d, %v; want 3", len(es), err)
		}
		return nil
	})
}

func testRollback(t *testing.T, s core.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		if err := tx.SetSetting("k", "v"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the callback's error", err)
	}
	view(t, s, func(tx core.Tx) error {
		if n, _ := tx.CountAccounts(); n != 0 {
			return fmt.Errorf("rolled back account is there")
		}
		if v, _ := tx.Setting("k"); v != "" {
			return fmt.Errorf("rolled back setting is there")
		}
		return nil
	})
}

// testConcurrentUpdates checks that Update is serialisable: read-modify-write
// of one value from many goroutines loses no increment.
func testConcurrentUpdates(t *testing.T, s core.Store) {
	const n = 24
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- s.Update(context.Background(), func(tx core.Tx) error {
				v, err := tx.Setting("counter")
				if err != nil {
					return err
				}
				c, _ := strconv.Atoi(v)
				return tx.SetSetting("counter", strconv.Itoa(c+1))
			})
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	view(t, s, func(tx core.Tx) error {
		if v, _ := tx.Setting("counter"); v != strconv.Itoa(n) {
			return fmt.Errorf("counter = %s after %d increments", v, n)
		}
		return nil
	})
}

func testSessions(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error { return tx.CreateAccount(account("a1", "alice@contoso.com")) })
	update(t, s, func(tx core.Tx) error {
		return tx.CreateSession(&core.Session{ID: "s1", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0})
	})
	update(t, s, func(tx core.Tx) error {
		sess, err := tx.Session("s1")
		if err != nil || sess.TwoStep || !sess.CreatedAt.Equal(t0) || !sess.EndedAt.IsZero() {
			return fmt.Errorf("session read back as %+v, %v", sess, err)
		}
		sess.TwoStep, sess.LastSeenAt, sess.EndedAt = true, t0.Add(time.Minute), t0.Add(time.Hour)
		return tx.UpdateSession(sess)
	})
	view(t, s, func(tx core.Tx) error {
		sess, err := tx.Session("s1")
		if err != nil || !sess.TwoStep || !sess.LastSeenAt.Equal(t0.Add(time.Minute)) || !sess.EndedAt.Equal(t0.Add(time.Hour)) {
			return fmt.Errorf("session update not kept: %+v, %v", sess, err)
		}
		if _, err := tx.Session("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing session: %v", err)
		}
		c, err := tx.SignInCounter("nobody@contoso.com")
		if err != nil || c.Failures != 0 || !c.LockedUntil.IsZero() {
			return fmt.Errorf("unknown name's counter = %+v, %v", c, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		return tx.SaveSignInCounter(&core.FailureCounter{Subject: "nobody@contoso.com", Failures: 3, LockedUntil: t0})
	})
	view(t, s, func(tx core.Tx) error {
		c, err := tx.SignInCounter("nobody@contoso.com")
		if err != nil || c.Failures != 3 || !c.LockedUntil.Equal(t0) {
			return fmt.Errorf("counter = %+v, %v", c, err)
		}
		return nil
	})
}

// testEndAccess: a password change ends the account's other sessions,
// pending sign-ins and resets, and nothing of another account.
func testEndAccess(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, a := range []*core.Account{account("a1", "alice@contoso.com"), account("b1", "bob@contoso.com")} {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		for _, sess := range []*core.Session{{ID: "keep", AccountID: "a1"}, {ID: "other", AccountID: "a1"}, {ID: "bobs", AccountID: "b1"}} {
			sess.CreatedAt, sess.LastSeenAt = t0, t0
			if err := tx.CreateSession(sess); err != nil {
				return err
			}
		}
		for _, v := range []*core.Verification{{ID: "v1", AccountID: "a1", Purpose: core.VerifySignIn, Flow: "signin:v1"},
			{ID: "v2", AccountID: "a1", Purpose: core.VerifyAdd, Flow: core.FlowOwner}, {ID: "v3", AccountID: "b1", Purpose: core.VerifySignIn}} {
			v.CreatedAt, v.ExpiresAt = t0, t0.Add(time.Hour)
			if err := tx.CreateVerification(v); err != nil {
				return err
			}
		}
		for _, r := range []*core.Reset{{ID: "r1", Name: "alice@contoso.com", AccountID: "a1"}, {ID: "r2", Name: "alice@contoso.com", AccountID: "a1"},
			{ID: "r3", Name: "bob@contoso.com", AccountID: "b1"}} {
			r.CreatedAt, r.ExpiresAt = t0, t0.Add(time.Hour)
			if err := tx.CreateReset(r); err != nil {
				return err
			}
		}
		return nil
	})
	at := t0.Add(time.Minute)
	update(t, s, func(tx core.Tx) error {
		if err := tx.EndSessions("a1", "keep", at); err != nil {
			return err
		}
		if err := tx.EndVerifications("a1", core.VerifySignIn, at); err != nil {
			return err
		}
		return tx.EndResets("a1", "r2", at)
	})
	view(t, s, func(tx core.Tx) error {
		for id, ended := range map[string]bool{"keep": false, "other": true, "bobs": false} {
			if sess, err := tx.Session(id); err != nil || sess.EndedAt.IsZero() == ended {
				return fmt.Errorf("session %s = %+v, %v; want ended %v", id, sess, err, ended)
			}
		}
		for id, used := range map[string]bool{"v1": true, "v2": false, "v3": false} {
			v, err := tx.Verification(id)
			if err != nil || v.UsedAt.IsZero() == used {
				return fmt.Errorf("verification %s = %+v, %v; want used %v", id, v, err, used)
			}
			if id == "v1" && (v.Flow != "signin:v1" || !v.UsedAt.Equal(at)) {
				return fmt.Errorf("verification flow or end not kept: %+v", v)
			}
		}
		for id, done := range map[string]bool{"r1": true, "r2": false, "r3": false} {
			if r, err := tx.Reset(id); err != nil || r.DoneAt.IsZero() == done {
				return fmt.Errorf("reset %s = %+v, %v; want done %v", id, r, err, done)
			}
		}
		return nil
	})
}

// testSendsByPurpose: sends are counted by destination, account and
// purpose, each optional.
func testSendsByPurpose(t *testing.T, s core.Store) {
	sends := []core.Send{
		{AccountID: "a1", Destination: "+442079460958", Channel: core.ChannelSMS, Purpose: core.SendSignIn, At: t0},
		{AccountID: "b1", Destination: "+442079460958", Channel: core.ChannelSMS, Purpose: core.SendAdd, At: t0.Add(time.Second)},
		{AccountID: "a1", Destination: "+442079460958", Channel: core.ChannelSMS, Purpose: core.SendReset, At: t0.Add(2 * time.Second)},
		{AccountID: "decoy:x", Destination: "decoy:y", Channel: core.ChannelSMS, Purpose: core.SendReset, At: t0.Add(3 * time.Second)},
	}
	update(t, s, func(tx core.Tx) error {
		for _, x := range sends {
			if err := tx.RecordSend(x); err != nil {
				return err
			}
		}
		return tx.DeleteSend(sends[2])
	})
	view(t, s, func(tx core.Tx) error {
		for _, c := range []struct {
			f    core.SendFilter
			want int
		}{
			{core.SendFilter{Destination: "+442079460958"}, 2},
			{core.SendFilter{Destination: "+442079460958", Purpose: core.SendAdd}, 1},
			{core.SendFilter{AccountID: "a1", Destination: "+442079460958", Purpose: core.SendSignIn}, 1},
			{core.SendFilter{AccountID: "a1", Purpose: core.SendReset}, 0},
			{core.SendFilter{AccountID: "decoy:x", Purpose: core.SendReset}, 1},
			{core.SendFilter{Destination: "+442079460958", Since: t0}, 1},
		} {
			if c.f.Since.IsZero() {
				c.f.Since = t0.Add(-time.Hour)
			}
			times, err := tx.SendTimes(c.f)
			if err != nil || len(times) != c.want {
				return fmt.Errorf("sends matching %+v = %v, %v; want %d", c.f, times, err, c.want)
			}
		}
		return nil
	})
}

// testResetsAndDraws: a reset's decoy state and a method's question draw
// round-trip.
func testResetsAndDraws(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		if err := tx.CreateMethod(&core.Method{ID: "q1", AccountID: "a1", Kind: core.KindSecurityQuestions, Language: "en", CreatedAt: t0}); err != nil {
			return err
		}
		return tx.CreateReset(&core.Reset{ID: "r1", Name: "nobody@contoso.com", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), Decoy: `{"a":{}}`})
	})
	update(t, s, func(tx core.Tx) error {
		r, err := tx.Reset("r1")
		if err != nil || r.Decoy != `{"a":{}}` || r.AccountID != "" {
			return fmt.Errorf("reset = %+v, %v", r, err)
		}
		r.Decoy, r.Proven = `{"b":{}}`, []string{"m1"}
		if err := tx.UpdateReset(r); err != nil {
			return err
		}
		if _, err := tx.QuestionDraw("q1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("no draw yet: %v", err)
		}
		return tx.SaveQuestionDraw(&core.QuestionDraw{MethodID: "q1", QuestionIDs: []string{"city-born", "first-pet"}, DrawnAt: t0, Draws: 2})
	})
	view(t, s, func(tx core.Tx) error {
		r, err := tx.Reset("r1")
		if err != nil || r.Decoy != `{"b":{}}` || len(r.Proven) != 1 {
			return fmt.Errorf("reset update not kept: %+v, %v", r, err)
		}
		d, err := tx.QuestionDraw("q1")
		if err != nil || strings.Join(d.QuestionIDs, ",") != "city-born,first-pet" || !d.DrawnAt.Equal(t0) || d.Draws != 2 {
			return fmt.Errorf("draw = %+v, %v", d, err)
		}
		return nil
	})
}

// testViewReadOnly: View refuses writes.
func testViewReadOnly(t *testing.T, s core.Store) {
	if err := s.View(context.Background(), func(tx core.Tx) error { return tx.SetSetting("x", "1") }); err == nil {
		t.Fatal("a write inside View succeeded")
	}
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Setting("x"); err != nil || v != "" {
			return fmt.Errorf("setting written in View = %q, %v", v, err)
		}
		return nil
	})
}

// testExactTimes: the times the core needs to the nanosecond read back
// exactly: an audit event's, which its hash covers, and a sign-in lock's,
// which the core compares with the lock an attempt set.
func testExactTimes(t *testing.T, s core.Store) {
	at := time.Date(2026, 11, 22, 9, 30, 0, 123456789, time.UTC)
	update(t, s, func(tx core.Tx) error {
		if err := tx.AppendAudit(&core.AuditEvent{Seq: 1, Time: at, Action: core.ActionPolicyChanged, Hash: []byte("h")}); err != nil {
			return err
		}
		return tx.SaveSignInCounter(&core.FailureCounter{Subject: "alice@contoso.com", Failures: 5, LockedUntil: at.Add(time.Hour)})
	})
	view(t, s, func(tx core.Tx) error {
		es, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(es) != 1 || !es[0].Time.Equal(at) {
			return fmt.Errorf("audit events = %v, %v; want one at %v", es, err, at)
		}
		c, err := tx.SignInCounter("alice@contoso.com")
		if err != nil || !c.LockedUntil.Equal(at.Add(time.Hour)) {
			return fmt.Errorf("sign-in counter = %+v, %v; want locked until %v", c, err, at.Add(time.Hour))
		}
		return nil
	})
}

// racers is how many goroutines race for one row in the tests below, each
// in an Update of its own.
const racers = 32

// race runs fn(i) for i in [0, racers) at once, each in its own Update,
// and fails the test on any error. fn may be run more than once for one i
// (a store may re-run a transaction that lost a race), so it reports what
// it saw through its result only, and the result of the run that
// committed is what race returns.
func race[T any](t *testing.T, s core.Store, fn func(tx core.Tx, i int) (T, error)) []T {
	t.Helper()
	out := make([]T, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Update(context.Background(), func(tx core.Tx) (err error) {
				out[i], err = fn(tx, i)
				return err
			})
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}

// count is how many of bs are true.
func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// testRaceUseVerification: of many uses of one code at once, exactly one
// succeeds.
func testRaceUseVerification(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateVerification(&core.Verification{ID: "v1", AccountID: "a1", Purpose: core.VerifySignIn, Kind: core.KindPhone,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	used := race(t, s, func(tx core.Tx, i int) (bool, error) {
		return tx.UseVerification("v1", t0.Add(time.Duration(i+1)*time.Second))
	})
	if n := count(used); n != 1 {
		t.Fatalf("%d of %d uses of one verification succeeded, want 1", n, racers)
	}
	winner := t0.Add(time.Duration(slices.Index(used, true)+1) * time.Second)
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Verification("v1"); err != nil || !v.UsedAt.Equal(winner) {
			return fmt.Errorf("verification = %+v, %v; want used at %v, by the use that succeeded", v, err, winner)
		}
		return nil
	})
}

// testRaceAdvanceTOTPStep: a time step is accepted once, however many
// sign-ins present it at once; an older step is never accepted.
func testRaceAdvanceTOTPStep(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateMethod(&core.Method{ID: "m1", AccountID: "a1", Kind: core.KindAuthenticatorApp, Language: "en",
			CreatedAt: t0, LastStep: 100})
	})
	used := t0.Add(time.Hour)
	advanced := race(t, s, func(tx core.Tx, i int) (bool, error) { return tx.AdvanceTOTPStep("m1", 101, used) })
	if n := count(advanced); n != 1 {
		t.Fatalf("step 101 accepted %d times out of %d, want once", n, racers)
	}
	update(t, s, func(tx core.Tx) error {
		if ok, err := tx.AdvanceTOTPStep("m1", 99, used.Add(time.Hour)); ok || err != nil {
			return fmt.Errorf("older step 99 accepted after 101: %v, %v", ok, err)
		}
		if m, err := tx.Method("m1"); err != nil || m.LastStep != 101 || !m.LastUsedAt.Equal(used) {
			return fmt.Errorf("method = %+v, %v; want last step 101, last used %v", m, err, used)
		}
		return nil
	})
}

// testRaceVerificationTries: wrong codes typed at once are all counted
// (read, +1, write in one Update).
func testRaceVerificationTries(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateVerification(&core.Verification{ID: "v1", AccountID: "a1", Purpose: core.VerifyAdd, Kind: core.KindEmail,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		v, err := tx.Verification("v1")
		if err != nil {
			return struct{}{}, err
		}
		v.Tries++
		return struct{}{}, tx.UpdateVerification(v)
	})
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Verification("v1"); err != nil || v.Tries != racers {
			return fmt.Errorf("verification = %+v, %v; want %d tries", v, err, racers)
		}
		return nil
	})
}

// testRaceFailureCounter: failures counted at once are all counted, from
// a counter that does not exist yet.
func testRaceFailureCounter(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error { return tx.CreateAccount(account("a1", "alice@contoso.com")) })
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		c, err := tx.FailureCounter("a1", "m1")
		if err != nil {
			return struct{}{}, err
		}
		c.Failures++
		if c.Failures == racers {
			c.LockedUntil = t0.Add(time.Hour)
		}
		return struct{}{}, tx.SaveFailureCounter(c)
	})
	view(t, s, func(tx core.Tx) error {
		if c, err := tx.FailureCounter("a1", "m1"); err != nil || c.Failures != racers || !c.LockedUntil.Equal(t0.Add(time.Hour)) {
			return fmt.Errorf("failure counter = %+v, %v; want %d failures and locked", c, err, racers)
		}
		return nil
	})
}

// testRaceSignInCounter: failed sign-ins of one name at once are all
// counted, from a counter that does not exist yet.
func testRaceSignInCounter(t *testing.T, s core.Store) {
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		c, err := tx.SignInCounter("nobody@contoso.com")
		if err != nil {
			return struct{}{}, err
		}
		c.Failures++
		return struct{}{}, tx.SaveSignInCounter(c)
	})
	view(t, s, func(tx core.Tx) error {
		if c, err := tx.SignInCounter("nobody@contoso.com"); err != nil || c.Failures != racers {
			return fmt.Errorf("sign-in counter = %+v, %v; want %d failures", c, err, racers)
		}
		return nil
	})
}

// testRaceRecordSend: sends recorded at once are all counted, oldest first.
func testRaceRecordSend(t *testing.T, s core.Store) {
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		return struct{}{}, tx.RecordSend(core.Send{AccountID: "a1", Destination: "+442079460958", Channel: core.ChannelSMS,
			Purpose: core.SendSignIn, At: t0.Add(time.Duration(i) * time.Millisecond)})
	})
	view(t, s, func(tx core.Tx) error {
		times, err := tx.SendTimes(core.SendFilter{AccountID: "a1", Destination: "+442079460958", Purpose: core.SendSignIn,
			Since: t0.Add(-time.Hour)})
		if err != nil || len(times) != racers {
			return fmt.Errorf("sends = %d, %v; want %d", len(times), err, racers)
		}
		for i, at := range times {
			if !at.Equal(t0.Add(time.Duration(i) * time.Millisecond)) {
				return fmt.Errorf("send %d at %v, want oldest first", i, at)
			}
		}
		return nil
	})
}

// testRaceResetProven: methods proven at once in one reset are all kept
// (read the reset, append, write in one Update).
func testRaceResetProven(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		return tx.CreateReset(&core.Reset{ID: "r1", Name: "alice@contoso.com", AccountID: "a1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		r, err := tx.Reset("r1")
		if err != nil {
			return struct{}{}, err
		}
		r.Proven = append(r.Proven, "m"+strconv.Itoa(i))
		return struct{}{}, tx.UpdateReset(r)
	})
	view(t, s, func(tx core.Tx) error {
		r, err := tx.Reset("r1")
		if err != nil {
			return err
		}
		got := slices.Sorted(slices.Values(r.Proven))
		var want []string
		for i := range racers {
			want = append(want, "m"+strconv.Itoa(i))
		}
		if slices.Sort(want); !slices.Equal(got, want) {
			return fmt.Errorf("proven = %v (%d), want all %d methods once", r.Proven, len(r.Proven), racers)
		}
		return nil
	})
}

// testRaceUpdateSession: of many requests that find a session one-step
// and complete its second step at once, exactly one does it.
func testRaceUpdateSession(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateSession(&core.Session{ID: "s1", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0})
	})
	upgraded := race(t, s, func(tx core.Tx, i int) (bool, error) {
		sess, err := tx.Session("s1")
		if err != nil || sess.TwoStep {
			return false, err
		}
		sess.TwoStep, sess.LastSeenAt = true, t0.Add(time.Duration(i+1)*time.Second)
		return true, tx.UpdateSession(sess)
	})
	if n := count(upgraded); n != 1 {
		t.Fatalf("%d of %d requests completed the second step, want 1", n, racers)
	}
	winner := t0.Add(time.Duration(slices.Index(upgraded, true)+1) * time.Second)
	view(t, s, func(tx core.Tx) error {
		if sess, err := tx.Session("s1"); err != nil || !sess.TwoStep || !sess.LastSeenAt.Equal(winner) {
			return fmt.Errorf("session = %+v, %v; want two-step, last seen %v", sess, err, winner)
		}
		return nil
	})
}

// testRaceAppendAudit: events appended at once (read the head, chain after
// it, append) make one unbroken chain: none is lost, none forks it.
func testRaceAppendAudit(t *testing.T, s core.Store) {
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		h, err := tx.AuditHead()
		if err != nil {
			return struct{}{}, err
		}
		hash := []byte(fmt.Sprintf("hash-%d-by-%d", h.Seq+1, i))
		return struct{}{}, tx.AppendAudit(&core.AuditEvent{Seq: h.Seq + 1, Time: t0, Action: core.ActionPolicyChanged,
			PrevHash: h.Hash, Hash: hash, HeadMAC: append([]byte("mac-"), hash...)})
	})
	view(t, s, func(tx core.Tx) error {
		es, err := tx.AuditEvents(core.AuditFilter{})
		if err != nil || len(es) != racers {
			return fmt.Errorf("events = %d, %v; want %d", len(es), err, racers)
		}
		var prev []byte
		for i, e := range es {
			if e.Seq != int64(i+1) || string(e.PrevHash) != string(prev) {
				return fmt.Errorf("event %d = seq %d after %q; want seq %d after %q", i, e.Seq, e.PrevHash, i+1, prev)
			}
			prev = e.Hash
		}
		h, err := tx.AuditHead()
		if err != nil || h.Seq != racers || string(h.Hash) != string(prev) || string(h.MAC) != "mac-"+string(prev) {
			return fmt.Errorf("head = %+v, %v; want the newest event", h, err)
		}
		return nil
	})
}

// testDeliveries: the outbox table hands out due rows, the longest due
// first, moves a claimed row a lease ahead and counts the attempt, and
// keeps a retry's time and reason.
func testDeliveries(t *testing.T, s core.Store) {
	for i, due := range []time.Duration{2 * time.Second, 0, time.Minute} {
		update(t, s, func(tx core.Tx) error {
			return tx.QueueDelivery(&core.Delivery{ID: fmt.Sprintf("d%d", i), CreatedAt: t0, NextAt: t0.Add(due),
				Payload: []byte{byte(i), 0, 0xff}})
		})
	}
	var got []*core.Delivery
	until := t0.Add(2 * time.Minute)
	update(t, s, func(tx core.Tx) (err error) {
		got, err = tx.ClaimDeliveries(t0.Add(5*time.Second), until, 10)
		return err
	})
	if len(got) != 2 || got[0].ID != "d1" || got[1].ID != "d0" {
		t.Fatalf("claimed %v, want d1 then d0 (d2 is not due)", ids(got))
	}
	if d := got[1]; d.Attempts != 1 || !d.NextAt.Equal(until) || !d.CreatedAt.Equal(t0) || !bytes.Equal(d.Payload, []byte{0, 0, 0xff}) {
		t.Fatalf("claimed %+v", d)
	}
	update(t, s, func(tx core.Tx) (err error) {
		got, err = tx.ClaimDeliveries(t0.Add(5*time.Second), until, 10)
		return err
	})
	if len(got) != 0 {
		t.Fatalf("claimed rows are claimed again before their lease ends: %v", ids(got))
	}
	update(t, s, func(tx core.Tx) error {
		if err := tx.RetryDelivery("d0", t0.Add(10*time.Second), "SMTP 451"); err != nil {
			return err
		}
		if err := tx.RetryDelivery("nope", t0, ""); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("retry of a missing delivery: %v, want ENOTFOUND", err)
		}
		return tx.DeleteDelivery("d1")
	})
	update(t, s, func(tx core.Tx) (err error) {
		got, err = tx.ClaimDeliveries(t0.Add(10*time.Second), until, 10)
		return err
	})
	if len(got) != 1 || got[0].ID != "d0" || got[0].Attempts != 2 || got[0].LastError != "SMTP 451" {
		t.Fatalf("after a retry: %+v", got)
	}
	view(t, s, func(tx core.Tx) error {
		if n, err := tx.CountDeliveries(); err != nil || n != 2 {
			return fmt.Errorf("CountDeliveries = %d, %v; want 2", n, err)
		}
		return nil
	})
}

func ids(ds []*core.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

// testRaceClaimDeliveries: 32 workers claiming at once get every due row
// exactly once between them.
func testRaceClaimDeliveries(t *testing.T, s core.Store) {
	const rows = 100
	update(t, s, func(tx core.Tx) error {
		for i := range rows {
			if err := tx.QueueDelivery(&core.Delivery{ID: fmt.Sprintf("d%03d", i), CreatedAt: t0, NextAt: t0, Payload: []byte("x")}); err != nil {
				return err
			}
		}
		return nil
	})
	claimed := race(t, s, func(tx core.Tx, i int) ([]string, error) {
		ds, err := tx.ClaimDeliveries(t0, t0.Add(time.Minute), 5)
		return ids(ds), err
	})
	var rest []*core.Delivery
	update(t, s, func(tx core.Tx) (err error) {
		rest, err = tx.ClaimDeliveries(t0, t0.Add(time.Minute), 2*rows)
		return err
	})
	seen := map[string]int{}
	for _, c := range append(claimed, ids(rest)) {
		for _, id := range c {
			seen[id]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s claimed %d times", id, n)
		}
	}
	if len(seen) != rows || len(rest) == rows {
		t.Fatalf("%d rows claimed, %d of them after the race; want all %d, most in the race", len(seen), len(rest), rows)
	}
}

// testAuditQueue: queued audit events come back oldest first, as many as
// asked, and are gone once deleted.
func testAuditQueue(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, id := range []string{"q3", "q1", "q2"} {
			if err := tx.QueueAudit(core.QueuedAudit{ID: id, Sealed: []byte("sealed " + id)}); err != nil {
				return err
			}
		}
		return nil
	})
	var got []core.QueuedAudit
	update(t, s, func(tx core.Tx) (err error) { got, err = tx.QueuedAudit(2); return err })
	if len(got) != 2 || got[0].ID != "q3" || got[1].ID != "q1" || string(got[1].Sealed) != "sealed q1" {
		t.Fatalf("queued: %+v, want q3 then q1 (the order queued)", got)
	}
	update(t, s, func(tx core.Tx) error { return tx.DeleteQueuedAudit([]string{"q3", "q1"}) })
	update(t, s, func(tx core.Tx) (err error) { got, err = tx.QueuedAudit(10); return err })
	if len(got) != 1 || got[0].ID != "q2" {
		t.Fatalf("after deleting two: %+v", got)
	}
}

// testHelpdeskRows: identity proofs read back as saved (zero when none),
// one pass per account replaced by the next, unlock clears every counter.
func testHelpdeskRows(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		p, err := tx.IdentityProof("agent", "a1")
		if err != nil || !p.VerifiedUntil.IsZero() || p.Failures != 0 || p.AgentID != "agent" {
			return fmt.Errorf("no proof yet: %+v %v", p, err)
		}
		p.VerifiedUntil, p.How, p.Failures = t0, "phone", 2
		if err := tx.SaveIdentityProof(p); err != nil {
			return err
		}
		if _, err := tx.AccessPass("a1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("no pass yet: %v", err)
		}
		for _, h := range []string{"hash1", "hash2"} {
			if err := tx.SaveAccessPass(&core.AccessPass{AccountID: "a1", Hash: h, CreatedBy: "agent", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), OneTime: true}); err != nil {
				return err
			}
		}
		return tx.SaveFailureCounter(&core.FailureCounter{AccountID: "a1", Subject: "method:m1", Failures: 3, LockedUntil: t0})
	})
	view(t, s, func(tx core.Tx) error {
		p, err := tx.IdentityProof("agent", "a1")
		if err != nil || !p.VerifiedUntil.Equal(t0) || p.How != "phone" || p.Failures != 2 {
			return fmt.Errorf("proof: %+v %v", p, err)
		}
		if p, _ := tx.IdentityProof("other", "a1"); !p.VerifiedUntil.IsZero() {
			return fmt.Errorf("another agent's proof: %+v", p)
		}
		ap, err := tx.AccessPass("a1")
		if err != nil || ap.Hash != "hash2" || !ap.OneTime || !ap.ExpiresAt.Equal(t0.Add(time.Hour)) || !ap.UsedAt.IsZero() {
			return fmt.Errorf("pass: %+v %v", ap, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if err := tx.ClearFailureCounters("a1"); err != nil {
			return err
		}
		if c, err := tx.FailureCounter("a1", "method:m1"); err != nil || c.Failures != 0 || !c.LockedUntil.IsZero() {
			return fmt.Errorf("after unlock: %+v %v", c, err)
		}
		if err := tx.DeleteAccessPass("a1"); err != nil {
			return err
		}
		if _, err := tx.AccessPass("a1"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("deleted pass: %v", err)
		}
		return nil
	})
}

// testRaceUseAccessPass: of 32 uses of one one-time pass at once, exactly
// one succeeds.
func testRaceUseAccessPass(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.SaveAccessPass(&core.AccessPass{AccountID: "a1", Hash: "h", CreatedBy: "agent", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), OneTime: true})
	})
	used := race(t, s, func(tx core.Tx, i int) (bool, error) { return tx.UseAccessPass("a1", t0.Add(time.Duration(i))) })
	if n := count(used); n != 1 {
		t.Fatalf("%d uses of a one-time pass succeeded", n)
	}
}

// testApprovals: a request is pending until approved or expired, an
// approval is found for its requester and account only while in force,
// and an account's must-change flag is kept.
func testApprovals(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		a := account("a1", "alice@contoso.com")
		a.PasswordMustChange = true
		if err := tx.CreateAccount(a); err != nil {
			return err
		}
		for i, id := range []string{"r2", "r1", "r3"} {
			if err := tx.SaveApproval(&core.Approval{ID: id, AccountID: "a1", Kind: core.ApprovalInPerson, RequestedBy: "agent",
				Reason: "INC-" + id, CreatedAt: t0.Add(time.Duration(i) * time.Minute), ExpiresAt: t0.Add(time.Duration(10+i) * time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		if a, err := tx.Account("a1"); err != nil || !a.PasswordMustChange {
			return fmt.Errorf("must change kept: %+v %v", a, err)
		}
		p, err := tx.PendingApprovals(core.ApprovalFilter{Now: t0.Add(10 * time.Minute), Limit: 10})
		if err != nil || len(p) != 2 || p[0].ID != "r1" || p[1].ID != "r3" || p[0].Reason != "INC-r1" || !p[0].CreatedAt.Equal(t0.Add(time.Minute)) {
			return fmt.Errorf("pending after r2 expired, oldest first: %+v %v", p, err)
		}
		if _, err := tx.Approval("nope"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("a made-up approval: %v", err)
		}
		if _, err := tx.ApprovedFor("agent", "a1", core.ApprovalInPerson, t0); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("nothing approved yet: %v", err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if ok, err := tx.Approve("r2", "boss", t0.Add(10*time.Minute), t0.Add(20*time.Minute)); ok || err != nil {
			return fmt.Errorf("approving an expired request: %v %v", ok, err)
		}
		if ok, err := tx.Approve("r1", "boss", t0.Add(2*time.Minute), t0.Add(12*time.Minute)); !ok || err != nil {
			return fmt.Errorf("approving: %v %v", ok, err)
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		a, err := tx.ApprovedFor("agent", "a1", core.ApprovalInPerson, t0.Add(5*time.Minute))
		if err != nil || a.ID != "r1" || a.ApprovedBy != "boss" || !a.ApprovedAt.Equal(t0.Add(2*time.Minute)) || !a.ExpiresAt.Equal(t0.Add(12*time.Minute)) {
			return fmt.Errorf("in force: %+v %v", a, err)
		}
		if _, err := tx.ApprovedFor("other", "a1", core.ApprovalInPerson, t0.Add(5*time.Minute)); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("another agent's: %v", err)
		}
		if _, err := tx.ApprovedFor("agent", "a1", core.ApprovalAdmin, t0.Add(5*time.Minute)); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("an in-person approval found as an admin one: %v", err)
		}
		if _, err := tx.ApprovedFor("agent", "a1", core.ApprovalInPerson, t0.Add(12*time.Minute)); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("after it ended: %v", err)
		}
		if p, _ := tx.PendingApprovals(core.ApprovalFilter{Now: t0, Limit: 10}); len(p) != 2 {
			return fmt.Errorf("pending after r1 was approved: %+v", p)
		}
		return checkApprovalFilters(tx)
	})
}

// checkApprovalFilters checks each filter of PendingApprovals against
// testApprovals' two pending requests of "agent" about a1 (a user).
func checkApprovalFilters(tx core.Tx) error {
	for _, c := range []struct {
		f    core.ApprovalFilter
		want int
	}{
		{core.ApprovalFilter{RequestedBy: "agent"}, 2},
		{core.ApprovalFilter{RequestedBy: "other"}, 0},
		{core.ApprovalFilter{NotRequestedBy: "agent"}, 0},
		{core.ApprovalFilter{NotAccount: "a1"}, 0},
		{core.ApprovalFilter{Roles: []core.Role{core.RoleUser}}, 2},
		{core.ApprovalFilter{Roles: []core.Role{core.RoleAdmin}}, 0},
		{core.ApprovalFilter{Roles: []core.Role{}}, 0},
		{core.ApprovalFilter{Limit: 1}, 1},
	} {
		c.f.Now = t0
		if c.f.Limit == 0 {
			c.f.Limit = 10
		}
		if p, err := tx.PendingApprovals(c.f); err != nil || len(p) != c.want {
			return fmt.Errorf("pending with %+v: %d, want %d (%v)", c.f, len(p), c.want, err)
		}
	}
	return nil
}

// testRaceApprove: of 32 approvals of one request at once, exactly one
// succeeds.
func testRaceApprove(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.SaveApproval(&core.Approval{ID: "r1", AccountID: "a1", Kind: core.ApprovalAdmin, RequestedBy: "agent", Reason: "x", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	ok := race(t, s, func(tx core.Tx, i int) (bool, error) {
		return tx.Approve("r1", fmt.Sprintf("boss%d", i), t0.Add(time.Minute), t0.Add(11*time.Minute))
	})
	if n := count(ok); n != 1 {
		t.Fatalf("%d approvals of one request succeeded", n)
	}
}

// testAccountDetails: what a search shows of each account, the same as
// its methods, newest session and sign-in lock read one by one.
func testAccountDetails(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		for _, a := range []*core.Account{account("a1", "alice@contoso.com"), account("a2", "bob@contoso.com"), account("a3", "carol@contoso.com")} {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		for _, m := range []*core.Method{
			{ID: "m2", AccountID: "a1", Kind: core.KindEmail, Detail: "alice@gmail.com", Channel: core.ChannelEmail, CreatedAt: t0.Add(time.Minute)},
			{ID: "m1", AccountID: "a1", Kind: core.KindPhone, Detail: "+442079460958", Channel: core.ChannelSMS, CreatedAt: t0},
			{ID: "m3", AccountID: "a2", Kind: core.KindPhone, Detail: "+442079460959", Channel: core.ChannelSMS, CreatedAt: t0},
		} {
			if err := tx.CreateMethod(m); err != nil {
				return err
			}
		}
		for i, id := range []string{"a1", "a1", "a3"} {
			if err := tx.CreateSession(&core.Session{ID: fmt.Sprintf("s%d", i), AccountID: id, CreatedAt: t0.Add(time.Duration(i) * time.Hour),
				LastSeenAt: t0}); err != nil {
				return err
			}
		}
		if err := tx.SaveAccessPass(&core.AccessPass{AccountID: "a3", Hash: "h", CreatedBy: "a1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), OneTime: true, UsedAt: t0.Add(time.Minute)}); err != nil {
			return err
		}
		return tx.SaveSignInCounter(&core.FailureCounter{Subject: "bob@contoso.com", Failures: 5, LockedUntil: t0.Add(15 * time.Minute)})
	})
	view(t, s, func(tx core.Tx) error {
		a1, _ := tx.Account("a1")
		a2, _ := tx.Account("a2")
		a3, _ := tx.Account("a3")
		d, err := tx.AccountDetails([]*core.Account{a1, a2, a3})
		if err != nil {
			return err
		}
		if len(d) != 3 || len(d["a1"].Methods) != 2 || d["a1"].Methods[0].ID != "m1" || d["a1"].Methods[1].ID != "m2" || len(d["a2"].Methods) != 1 || len(d["a3"].Methods) != 0 {
			return fmt.Errorf("methods: %+v", d)
		}
		if !d["a1"].LastSignIn.Equal(t0.Add(time.Hour)) || !d["a2"].LastSignIn.IsZero() || !d["a3"].LastSignIn.Equal(t0.Add(2*time.Hour)) {
			return fmt.Errorf("last sign-ins: %v %v %v", d["a1"].LastSignIn, d["a2"].LastSignIn, d["a3"].LastSignIn)
		}
		if !d["a2"].LockedUntil.Equal(t0.Add(15*time.Minute)) || !d["a1"].LockedUntil.IsZero() {
			return fmt.Errorf("locks: %v %v", d["a2"].LockedUntil, d["a1"].LockedUntil)
		}
		if p := d["a3"].AccessPass; p == nil || !p.ExpiresAt.Equal(t0.Add(time.Hour)) || !p.OneTime || !p.UsedAt.Equal(t0.Add(time.Minute)) || p.CreatedBy != "a1" || d["a1"].AccessPass != nil {
			return fmt.Errorf("passes: %+v %+v", d["a3"].AccessPass, d["a1"].AccessPass)
		}
		if none, err := tx.AccountDetails(nil); err != nil || len(none) != 0 {
			return fmt.Errorf("no accounts: %v %v", none, err)
		}
		return nil
	})
}
