package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestReportAndTheDesksList: the owner says "This wasn't me" about an
// event (nothing without --yes), a second time is refused, and
// `helpdesk reports --json` lists it.
func TestReportAndTheDesksList(t *testing.T) {
	e := newEnv(t)
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "admin@contoso.com", "--password-stdin")
	e.mustCtl("a long enough passphrase\n", "account", "create", "--name", "uma@contoso.com", "--password-stdin")
	var ch struct {
		VerificationID string `json:"verificationId"`
	}
	json.Unmarshal([]byte(e.mustCtl("", "--as", "uma@contoso.com", "methods", "add", "email", "--address", "uma@gmail.com", "--json")), &ch)
	code, _ := e.lastOutboxCode()
	e.mustCtl("", "--as", "uma@contoso.com", "methods", "confirm", ch.VerificationID, code)
	var events []struct {
		Seq    int64  `json:"seq"`
		Action string `json:"action"`
	}
	if err := json.Unmarshal([]byte(e.mustCtl("", "audit", "list", "--account", "uma@contoso.com", "--json")), &events); err != nil {
		t.Fatal(err)
	}
	var added int64
	for _, ev := range events {
		if ev.Action == "method.added" {
			added = ev.Seq
		}
	}
	seq := strconv.FormatInt(added, 10)
	if c, _, errs := e.ctl("", "--as", "uma@contoso.com", "activity", "report", seq); c != 1 || !strings.Contains(errs, "Nothing was reported") {
		t.Fatalf("without --yes: %d %s", c, errs)
	}
	if out := e.mustCtl("", "helpdesk", "reports", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("reports before any: %q", out)
	}
	var r struct {
		EventSeq   int64  `json:"eventSeq"`
		Action     string `json:"action"`
		Account    string `json:"account"`
		ReportedBy string `json:"reportedBy"`
	}
	if err := json.Unmarshal([]byte(e.mustCtl("", "--as", "uma@contoso.com", "activity", "report", seq, "--yes", "--json")), &r); err != nil ||
		r.EventSeq != added || r.Action != "method.added" || r.ReportedBy != "uma@contoso.com" {
		t.Fatalf("report: %+v %v", r, err)
	}
	if c, _, errs := e.ctl("", "--as", "uma@contoso.com", "activity", "report", seq, "--yes"); c != 1 || !strings.Contains(errs, "already reported") {
		t.Fatalf("again: %d %s", c, errs)
	}
	var list []struct {
		Account  string `json:"account"`
		EventSeq int64  `json:"eventSeq"`
	}
	if err := json.Unmarshal([]byte(e.mustCtl("", "helpdesk", "reports", "--json")), &list); err != nil || len(list) != 1 || list[0].Account != "uma@contoso.com" || list[0].EventSeq != added {
		t.Fatalf("helpdesk reports: %+v %v", list, err)
	}
	if out := e.mustCtl("", "helpdesk", "reports"); !strings.Contains(out, "uma@contoso.com") || !strings.Contains(out, "method.added") {
		t.Fatalf("helpdesk reports as a table: %q", out)
	}
	// (On a data folder the command line is its local administrator;
	// who else may list is the core's and the server's tests' part.)
	// The method reported stays: a report undoes nothing.
	if out := e.mustCtl("", "--as", "uma@contoso.com", "methods", "list"); !strings.Contains(out, "uma@gmail.com") {
		t.Fatalf("methods after the report: %q", out)
	}
}
