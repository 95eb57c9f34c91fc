package storetest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// testReports: an audit event reads back by its number, exactly; a report
// of it is kept with every field and listed newest first, by account and
// with a limit; a second report of the same event is ECONFLICT.
func testReports(t *testing.T, s core.Store) {
	at := time.Date(2026, 11, 22, 9, 30, 0, 123456789, time.UTC)
	update(t, s, func(tx core.Tx) error {
		for _, a := range []*core.Account{account("a1", "alice@contoso.com"), account("b1", "bob@contoso.com")} {
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		for i := int64(1); i <= 3; i++ {
			acct := "a1"
			if i == 2 {
				acct = "b1"
			}
			e := &core.AuditEvent{Seq: i, Time: at.Add(time.Duration(i) * time.Second), ActorID: "hd", ActorName: "helpdesk@contoso.com",
				AccountID: acct, Action: core.ActionPassCreated, Kind: core.KindTemporaryAccessPass, Detail: "d" + strconv.FormatInt(i, 10),
				Source: "helpdesk", Reason: "ticket", Hash: []byte("h")}
			if err := tx.AppendAudit(e); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		e, err := tx.AuditEvent(2)
		if err != nil || e.AccountID != "b1" || e.Detail != "d2" || e.ActorName != "helpdesk@contoso.com" || !e.Time.Equal(at.Add(2*time.Second)) {
			return fmt.Errorf("event 2 = %+v, %v", e, err)
		}
		if _, err := tx.AuditEvent(9); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing event: %v", err)
		}
		return nil
	})
	report := func(id string, seq int64, acct string, at time.Time) *core.ActivityReport {
		return &core.ActivityReport{ID: id, AccountID: acct, AccountName: acct + "@contoso.com", EventSeq: seq, EventTime: t0,
			EventActor: "helpdesk@contoso.com", Action: core.ActionPassCreated, Kind: core.KindTemporaryAccessPass, Detail: "d",
			ReportedByID: acct, ReportedByName: acct + "@contoso.com", ReportedAt: at, Source: "desktop"}
	}
	update(t, s, func(tx core.Tx) error {
		for _, r := range []*core.ActivityReport{report("r1", 1, "a1", t0), report("r2", 2, "b1", t0.Add(time.Minute)), report("r3", 3, "a1", t0.Add(2*time.Minute))} {
			if err := tx.CreateReport(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateReport(report("r4", 1, "a1", t0)) }); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second report of event 1: %v, want ECONFLICT", err)
	}
	view(t, s, func(tx core.Tx) error {
		all, err := tx.Reports(core.ReportFilter{})
		if err != nil || len(all) != 3 || all[0].ID != "r3" || all[2].ID != "r1" {
			return fmt.Errorf("all reports = %v, %v; want r3, r2, r1", reportIDs(all), err)
		}
		want := report("r3", 3, "a1", t0.Add(2*time.Minute))
		if got := *all[0]; got != *want {
			return fmt.Errorf("report read back as %+v, want %+v", got, *want)
		}
		mine, err := tx.Reports(core.ReportFilter{AccountID: "a1"})
		if err != nil || len(mine) != 2 || mine[0].ID != "r3" || mine[1].ID != "r1" {
			return fmt.Errorf("a1's reports = %v, %v", reportIDs(mine), err)
		}
		newest, err := tx.Reports(core.ReportFilter{Limit: 1})
		if err != nil || len(newest) != 1 || newest[0].ID != "r3" {
			return fmt.Errorf("newest report = %v, %v", reportIDs(newest), err)
		}
		none, err := tx.Reports(core.ReportFilter{AccountID: "nobody"})
		if err != nil || none == nil || len(none) != 0 {
			return fmt.Errorf("reports of nobody = %v, %v; want an empty list", none, err)
		}
		return nil
	})
}

func reportIDs(rs []*core.ActivityReport) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// testRaceCreateReport: of 32 reports of one event at once, exactly one
// is stored; the others are ECONFLICT.
func testRaceCreateReport(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.AppendAudit(&core.AuditEvent{Seq: 1, Time: t0, AccountID: "a1", Action: core.ActionSignedIn, Hash: []byte("h")})
	})
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &core.ActivityReport{ID: "r" + strconv.Itoa(i), AccountID: "a1", AccountName: "alice@contoso.com", EventSeq: 1, EventTime: t0,
				Action: core.ActionSignedIn, ReportedAt: t0}
			err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateReport(r) })
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case core.ErrorCode(err) != core.ECONFLICT:
				t.Errorf("report %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if created != 1 {
		t.Fatalf("%d reports of one event stored", created)
	}
	view(t, s, func(tx core.Tx) error {
		if rs, err := tx.Reports(core.ReportFilter{}); err != nil || len(rs) != 1 {
			return fmt.Errorf("reports = %v, %v", reportIDs(rs), err)
		}
		return nil
	})
}

// testSessionSignIn: a session keeps what its second step was.
func testSessionSignIn(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		if err := tx.CreateSession(&core.Session{ID: "s1", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0, TwoStep: true,
			SignInKind: core.KindPhone, SignInMethodID: "m1"}); err != nil {
			return err
		}
		return tx.CreateSession(&core.Session{ID: "s2", AccountID: "a1", CreatedAt: t0, LastSeenAt: t0, TwoStep: true,
			SignInKind: core.KindTemporaryAccessPass})
	})
	view(t, s, func(tx core.Tx) error {
		s1, err := tx.Session("s1")
		if err != nil || s1.SignInKind != core.KindPhone || s1.SignInMethodID != "m1" {
			return fmt.Errorf("s1 = %+v, %v", s1, err)
		}
		all, err := tx.Sessions("a1")
		if err != nil || len(all) != 2 {
			return fmt.Errorf("sessions = %v, %v", all, err)
		}
		for _, x := range all {
			if x.ID == "s2" && (x.SignInKind != core.KindTemporaryAccessPass || x.SignInMethodID != "") {
				return fmt.Errorf("s2 listed as %+v", x)
			}
		}
		return nil
	})
}
