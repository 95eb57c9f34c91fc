package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/securityinfo/securityinfo/core"
)

// questionsWizard registers security questions: the policy's number of
// drop-downs from the bank (a question cannot be picked twice), each with
// an answer checked by the core's rules as it is typed.
type questionsWizard struct {
	sc      *scope
	m       *modal
	bank    []core.Question
	selects []*selectBox
	answers []*field
	notes   []*widget.Label
	done    *button
	err     *widget.Label
	// change: the answers replace the registered questions'.
	change bool
}

func newQuestionsWizard(sc *scope) *questionsWizard {
	return &questionsWizard{sc: sc, m: newModal(sc.tr.Kind(core.KindSecurityQuestions), sc.win), err: errorLabel()}
}

// newQuestionsChangeWizard answers the questions again: the new answers
// take the place of the registered ones, which stop working.
func newQuestionsChangeWizard(sc *scope) *questionsWizard {
	w := newQuestionsWizard(sc)
	w.change = true
	w.m = newModal(sc.tr.F("change.title", "Kind", sc.tr.KindInSentence(core.KindSecurityQuestions)), sc.win)
	return w
}

func (w *questionsWizard) show() {
	w.m.show(560)
	w.m.setBusy(true)
	type loaded struct {
		p    *core.Policy
		bank []core.Question
	}
	w.m.step(w.err, newButton(w.sc.tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close))
	call(w.sc.run, func() (loaded, error) {
		p, err := w.sc.svc.Policy(w.sc.ctx)
		if err != nil {
			return loaded{}, err
		}
		bank, err := w.sc.svc.QuestionBank(w.sc.ctx, w.sc.tr.lang)
		return loaded{p, bank}, err
	}, func(l loaded, err error) {
		w.m.setBusy(false)
		if err != nil {
			w.sc.tr.setError(w.err, err)
			return
		}
		w.bank = l.bank
		w.build(l.p.SecurityQuestionsToRegister)
	})
}

func (w *questionsWizard) build(n int) {
	tr := w.sc.tr
	rows := container.NewVBox(wrapped(tr.F("questions.lead", "N", n)))
	for i := 0; i < n; i++ {
		sel := newSelect(nil, nil, func() { w.onDone() }, func() { w.m.close() }).named(tr.F("questions.questionN", "N", i+1))
		sel.PlaceHolder = tr.F("questions.pick", "N", i+1)
		sel.OnChanged = func(string) { w.refreshOptions(); w.validate() }
		ans := newField(tr.T("questions.answerPlaceholder"), w.m.close).named(tr.F("questions.answerN", "N", i+1))
		ans.OnChanged = func(string) { w.validate() }
		ans.OnSubmitted = func(string) { w.onDone() }
		note := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
		note.Hide()
		w.selects, w.answers, w.notes = append(w.selects, sel), append(w.answers, ans), append(w.notes, note)
		rows.Add(sel)
		rows.Add(ans)
		rows.Add(note)
	}
	w.refreshOptions()
	rows.Add(w.err)
	w.done = newButton(tr.T("common.done"), widget.HighImportance, w.onDone, w.m.close)
	cancel := newButton(tr.T("common.cancel"), widget.MediumImportance, w.m.close, w.m.close)
	w.m.step(tall(400, container.NewVScroll(rows)), cancel, w.done)
	w.validate()
	w.sc.win.Canvas().Focus(w.selects[0])
}

// question returns the chosen question of row i.
func (w *questionsWizard) question(i int) (core.Question, bool) {
	for _, q := range w.bank {
		if q.Text == w.selects[i].Selected {
			return q, true
		}
	}
	return core.Question{}, false
}

// refreshOptions offers each drop-down the questions no other row chose.
func (w *questionsWizard) refreshOptions() {
	for i, sel := range w.selects {
		taken := map[string]bool{}
		for j, other := range w.selects {
			if j != i && other.Selected != "" {
				taken[other.Selected] = true
			}
		}
		var opts []string
		for _, q := range w.bank {
			if !taken[q.Text] {
				opts = append(opts, q.Text)
			}
		}
		sel.Options = opts
		sel.Refresh()
	}
}

func (w *questionsWizard) validate() {
	ok := true
	seen := map[string]bool{}
	for i := range w.selects {
		q, chosen := w.question(i)
		ans := w.answers[i].Text
		var err error
		switch {
		case !chosen:
			ok = false
		case ans == "":
			ok = false
		default:
			err = core.CheckAnswer(q, ans)
			if err == nil && seen[core.NormalizeAnswer(ans)] {
				err = core.Errorf(core.EINVALID, "%s", w.sc.tr.T("questions.sameAnswer"))
			}
			seen[core.NormalizeAnswer(ans)] = true
		}
		if err != nil {
			ok = false
			w.notes[i].SetText(w.sc.tr.Error(err))
			w.notes[i].Show()
		} else {
			w.notes[i].Hide()
		}
	}
	if ok {
		w.done.Enable()
	} else {
		w.done.Disable()
	}
}

func (w *questionsWizard) onDone() {
	if w.done.Disabled() {
		return
	}
	var qas []core.QuestionAnswer
	for i := range w.selects {
		q, _ := w.question(i)
		qas = append(qas, core.QuestionAnswer{Question: q.ID, Answer: w.answers[i].Text})
	}
	w.done.Disable()
	w.m.setBusy(true)
	call(w.sc.run, func() (*core.MethodView, error) {
		if w.change {
			return w.sc.svc.ChangeQuestions(w.sc.ctx, w.sc.acct.ID, qas)
		}
		return w.sc.svc.AddQuestions(w.sc.ctx, w.sc.acct.ID, qas)
	}, func(m *core.MethodView, err error) {
		w.m.setBusy(false)
		if err != nil {
			w.sc.tr.setError(w.err, err)
			w.validate()
			return
		}
		successStep(w.sc, w.m, w.sc.tr.T("questions.saved"), w.sc.tr.F("questions.registered", "N", len(qas)))
	})
}
