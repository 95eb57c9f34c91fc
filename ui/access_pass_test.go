package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// issuePass has a second help-desk agent verify uma by the code sent to
// her address and create her a Temporary Access Pass, outside the window.
func (h *harness) issuePass(agent context.Context, uma *core.Account, oneTime bool) string {
	h.t.Helper()
	info, err := h.svc.SecurityInfo(h.as(uma), uma.ID)
	if err != nil {
		h.fatal(err)
	}
	ch, err := h.svc.BeginIdentityCheck(agent, uma.ID, info.Methods[0].ID)
	if err != nil {
		h.fatal(err)
	}
	if _, err := h.svc.FinishIdentityCheck(agent, uma.ID, ch.VerificationID, h.lastCode()); err != nil {
		h.fatal(err)
	}
	np, err := h.svc.CreateAccessPass(agent, uma.ID, core.AccessPassRequest{OneTime: &oneTime, Reason: "INC-70 lost phone"})
	if err != nil {
		h.fatal(err)
	}
	return np.Pass
}

// accessPass is uma's active pass as the core shows it to her.
func (h *harness) accessPass(uma *core.Account) *core.AccessPassView {
	h.t.Helper()
	info, err := h.svc.SecurityInfo(h.as(uma), uma.ID)
	if err != nil {
		h.fatal(err)
	}
	return info.AccessPass
}

// TestOwnAccessPass: a person with an active pass sees it on their
// Security info page, until when it works and whether once or more; its
// Delete asks first, No keeps the pass, Yes ends it: the core has none,
// it no longer signs in, and the row is gone.
func TestOwnAccessPass(t *testing.T) {
	for _, c := range []struct {
		name    string
		oneTime bool
		want    string
	}{
		{"one-time", true, "One-time, works until 10:01"},
		{"reusable", false, "Reusable, works until 10:01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, uma := deskHarness(t)
			if _, err := h.svc.SetPolicy(h.admin, []string{"tapOneTime=false"}); err != nil {
				h.fatal(err)
			}
			_, agent := h.secondAgent("hd2@contoso.com", "+44 20 7946 0002") // a minute on: 09:01
			pass := h.issuePass(agent, uma, c.oneTime)

			step, err := h.svc.SignIn(context.Background(), uma.Name, alicePassword)
			if err != nil || step.Session == nil {
				h.fatalf("uma signs in: %+v %v", step, err)
			}
			h.u.signedIn(step)
			h.shows("Temporary Access Pass")
			h.shows(c.want)

			// Her email's row has a Delete too: the pass's row is the last.
			h.tap("Delete")
			h.shows("Are you sure you want to delete your Temporary Access Pass? You will no longer be able to sign in with it.")
			h.tap("No")
			if h.dialogs() != 0 || h.accessPass(uma) == nil {
				h.fatal("No deleted the pass or left the question open")
			}
			h.shows(c.want)

			h.tap("Delete")
			h.tap("Yes")
			if ap := h.accessPass(uma); ap != nil {
				h.fatalf("after Yes uma still has a pass: %+v", ap)
			}
			if step, err := h.svc.SignInWithPass(context.Background(), uma.Name, pass); err == nil {
				h.fatalf("the deleted pass still signs in: %+v", step)
			}
			h.notShows(c.want)
			h.notShows("Temporary Access Pass")
			h.shows("uma@gmail.com") // her email's row stays
		})
	}
}

// TestOwnAccessPassAlreadyGone: a pass ended elsewhere after the page
// showed it: Yes says so where the page shows its errors.
func TestOwnAccessPassAlreadyGone(t *testing.T) {
	h, uma := deskHarness(t)
	_, agent := h.secondAgent("hd2@contoso.com", "+44 20 7946 0002")
	h.issuePass(agent, uma, true)
	step, err := h.svc.SignIn(context.Background(), uma.Name, alicePassword)
	if err != nil || step.Session == nil {
		h.fatalf("uma signs in: %+v %v", step, err)
	}
	h.u.signedIn(step)
	h.shows("One-time, works until 10:01")
	if err := h.svc.DeleteOwnAccessPass(h.as(uma), uma.ID); err != nil {
		h.fatal(err)
	}
	h.tap("Delete")
	h.tap("Yes")
	h.shows("You have no Temporary Access Pass.")
	if h.dialogs() != 0 {
		h.fatal("the question stays open")
	}
}

// TestHelpdeskSummaryShowsThePass: the desk's summary of a person (the
// search result and the chosen person's line) shows their active pass,
// until when and whether one-time, as soon as the window's agent creates
// one and when another agent replaces it.
func TestHelpdeskSummaryShowsThePass(t *testing.T) {
	h, uma := deskHarness(t)
	h.verifyUma()
	h.notShows("Temporary Access Pass until")
	h.tap("Create Temporary Access Pass")
	h.tap("Create pass")
	h.tap("Done")
	want := "Temporary Access Pass until 10:00 (one-time)"
	if n := strings.Count(h.text(), want); n != 2 {
		h.fatalf("%q shown %d times, want 2 (the result and the person's line); shown:\n%s", want, n, h.text())
	}
	if !strings.Contains(h.u.helpdesk.summary.Text, "uma@contoso.com · User · Email um*****@gmail.com · "+want) {
		h.fatalf("the person's line: %q", h.u.helpdesk.summary.Text)
	}

	// Another agent replaces it with a reusable one: a new search shows it.
	if _, err := h.svc.SetPolicy(h.admin, []string{"tapOneTime=false"}); err != nil {
		h.fatal(err)
	}
	_, agent := h.secondAgent("hd2@contoso.com", "+44 20 7946 0002")
	h.issuePass(agent, uma, false)
	h.u.helpdesk.find()
	h.shows("Temporary Access Pass until 10:01 (reusable)")
	h.notShows("(one-time)")
}

// TestUntil: a time today is its time of day; another day's has its date.
func TestUntil(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.Local)
	for _, c := range []struct {
		lang string
		at   time.Time
		want string
	}{
		{"en", now.Add(time.Hour), "10:00"},
		{"en", now.Add(15 * time.Hour), "23 Nov 2026 00:00"},
		{"de", now.Add(15 * time.Hour), "23.11.2026 00:00"},
	} {
		if got := (text{c.lang}).until(c.at, now); got != c.want {
			t.Errorf("%s until(%v) = %q, want %q", c.lang, c.at, got, c.want)
		}
	}
}
