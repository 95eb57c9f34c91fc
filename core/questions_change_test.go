package core_test

import (
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestChangeQuestions: the owner answers the questions again; the old
// answers stop working in the same write and the new ones work; the
// method keeps its place (one questions method); audited as a change and
// the owner told. Without questions there is nothing to change.
func TestChangeQuestions(t *testing.T) {
	f := newFixture(t)
	f.add(t, f.alice, phoneOf("alicephone", "+442079460958"))
	old := []core.QuestionAnswer{{Question: "city-born", Answer: "New York"}, {Question: "first-pet", Answer: "Rex the dog"}, {Question: "first-school", Answer: "Elm Street"}}
	if _, err := f.svc.ChangeQuestions(f.own, f.alice.ID, old); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("change without questions: %v", err)
	}
	if _, err := f.svc.AddQuestions(f.own, f.alice.ID, old); err != nil {
		t.Fatal(err)
	}
	again := []core.QuestionAnswer{{Question: "city-born", Answer: "Leeds"}, {Question: "first-pet", Answer: "Tom the cat"}, {Question: "first-school", Answer: "Oak Road"}}
	m, err := f.svc.ChangeQuestions(f.own, f.alice.ID, again)
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.svc.SecurityInfo(f.own, f.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range info.Methods {
		if x.Kind == core.KindSecurityQuestions {
			n++
			if x.ID != m.ID {
				t.Errorf("the questions shown are %s, not the new %s", x.ID, m.ID)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d security-questions methods after a change", n)
	}
	answer := func(qas []core.QuestionAnswer) error {
		qc, err := f.svc.AskQuestions(f.own, f.alice.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]string{}
		for _, qa := range qas {
			byID[qa.Question] = qa.Answer
		}
		a := map[string]string{}
		for _, q := range qc.Questions {
			a[q.ID] = byID[q.ID]
		}
		return f.svc.CheckAnswers(f.own, f.alice.ID, qc.VerificationID, a)
	}
	if err := answer(old); err == nil {
		t.Fatal("the old answers still work after the change")
	}
	if err := answer(again); err != nil {
		t.Fatalf("the new answers: %v", err)
	}
	evs, err := f.svc.AuditLog(f.ctx, core.AuditFilter{AccountID: f.alice.ID})
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; !hasAction(evs, core.ActionMethodChanged) {
		t.Fatalf("no %s event; last %s", core.ActionMethodChanged, last.Action)
	}
}

func hasAction(evs []*core.AuditEvent, action string) bool {
	for _, e := range evs {
		if e.Action == action {
			return true
		}
	}
	return false
}
