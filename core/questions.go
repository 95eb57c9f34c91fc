package core

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Question is one security question of the bank.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// QuestionAnswer is a question (its ID or its text) with an answer.
type QuestionAnswer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// StoredAnswer is a registered answer: its question and argon2id hash.
type StoredAnswer struct {
	QuestionID   string
	QuestionText string // English text (or the admin's), kept in case the bank changes
	AnswerHash   string
}

// QuestionChallenge is the set of questions asked to prove a
// security-questions method.
type QuestionChallenge struct {
	VerificationID string     `json:"verificationId"`
	Questions      []Question `json:"questions"`
	ExpiresAt      time.Time  `json:"expiresAt"`
}

// Answer lengths of DESIGN section 5.
const (
	MinAnswerLength = 3
	MaxAnswerLength = 40
)

// NormalizeAnswer trims, folds case and collapses spaces, so "  New  York"
// and "new york" are the same answer.
func NormalizeAnswer(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// normalizeQuestion is NormalizeAnswer without the final punctuation.
func normalizeQuestion(s string) string {
	return strings.TrimRightFunc(NormalizeAnswer(s), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// MinQuestionLength and MaxQuestionLength bound the text of a security
// question an administrator adds.
const (
	MinQuestionLength = 10
	MaxQuestionLength = 200
)

// NormalizeQuestionText checks the text of a security question an
// administrator adds (policy customQuestions) and normalises it with
// NormalizeText, which refuses control, format and other invisible
// characters. It must be 10 to 200 characters long. Returns EINVALID.
func NormalizeQuestionText(s string) (string, error) {
	q, err := NormalizeText("security question", s)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(q); n < MinQuestionLength || n > MaxQuestionLength {
		return "", Errorf(EINVALID, "Each security question must be %d to %d characters long; %q is not.", MinQuestionLength, MaxQuestionLength, q)
	}
	return q, nil
}

// customQuestionID names an admin-defined question by its position.
func customQuestionID(i int) string { return fmt.Sprintf("custom-%d", i+1) }

// questionBank lists the bank in lang: the shipped questions, then the
// policy's own.
func (s *Local) questionBank(p *Policy, lang string) []Question {
	var out []Question
	for _, key := range s.texts.Keys("question.") {
		out = append(out, Question{ID: strings.TrimPrefix(key, "question."), Text: s.texts.Text(lang, key, nil)})
	}
	for i, q := range p.CustomQuestions {
		out = append(out, Question{ID: customQuestionID(i), Text: q})
	}
	return out
}

// resolveQuestion finds a question by ID or by its text in any language.
func (s *Local) resolveQuestion(p *Policy, q string) (Question, bool) {
	id := strings.TrimSpace(q)
	norm := normalizeQuestion(q)
	for _, lang := range []string{"en", "de"} {
		for _, b := range s.questionBank(p, lang) {
			if b.ID == id || normalizeQuestion(b.Text) == norm {
				en := b
				if lang != "en" {
					for _, e := range s.questionBank(p, "en") {
						if e.ID == b.ID {
							en = e
						}
					}
				}
				return en, true
			}
		}
	}
	return Question{}, false
}

// QuestionBank implements Service.
func (s *Local) QuestionBank(ctx context.Context, lang string) ([]Question, error) {
	var p *Policy
	err := s.store.View(ctx, func(tx Tx) (err error) {
		p, err = tx.Policy()
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.questionBank(p, lang), nil
}

// CheckQuestionAnswers applies the DESIGN rules to a registration: the
// policy's count, known questions, no question twice, answers 3 to 40
// characters, no answer repeated, no answer part of its question or the
// question part of it. It returns the questions resolved. Returns EINVALID
// naming the question concerned.
func (s *Local) CheckQuestionAnswers(p *Policy, qas []QuestionAnswer) ([]Question, error) {
	if len(qas) != p.SecurityQuestionsToRegister {
		return nil, Errorf(EINVALID, "Answer %d security questions (you gave %d).", p.SecurityQuestionsToRegister, len(qas))
	}
	var qs []Question
	answers := map[string]bool{}
	for i, qa := range qas {
		q, ok := s.resolveQuestion(p, qa.Question)
		if !ok {
			return nil, Errorf(EINVALID, "Question %d, %q, is not one of the security questions. Choose one from the list.", i+1, qa.Question)
		}
		if slices.ContainsFunc(qs, func(x Question) bool { return x.ID == q.ID }) {
			return nil, Errorf(EINVALID, "You chose %q twice. Choose a different question.", q.Text)
		}
		if err := CheckAnswer(q, qa.Answer); err != nil {
			return nil, err
		}
		a := NormalizeAnswer(qa.Answer)
		if answers[a] {
			return nil, Errorf(EINVALID, "You gave the same answer to two questions. Each answer must be different.")
		}
		answers[a] = true
		qs = append(qs, q)
	}
	return qs, nil
}

// CheckAnswer checks one answer against its question, so a window can
// validate it as it is typed. It refuses what NormalizeText refuses
// (control, format and invisible characters). Returns EINVALID.
func CheckAnswer(q Question, answer string) error {
	if _, err := NormalizeText(fmt.Sprintf("answer to %q", q.Text), answer); err != nil {
		return err
	}
	a := NormalizeAnswer(answer)
	n := utf8.RuneCountInString(a)
	switch {
	case n < MinAnswerLength:
		return Errorf(EINVALID, "The answer to %q must be at least %d characters long.", q.Text, MinAnswerLength)
	case n > MaxAnswerLength:
		return Errorf(EINVALID, "The answer to %q can be at most %d characters long.", q.Text, MaxAnswerLength)
	}
	qn := normalizeQuestion(q.Text)
	if strings.Contains(a, qn) || containsWords(qn, a) {
		return Errorf(EINVALID, "The answer to %q can't contain the question, or be part of it.", q.Text)
	}
	return nil
}

// containsWords reports whether the words of a appear together in text.
func containsWords(text, a string) bool {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	aw := strings.FieldsFunc(a, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(aw) == 0 {
		return false
	}
	for i := 0; i+len(aw) <= len(words); i++ {
		if slices.Equal(words[i:i+len(aw)], aw) {
			return true
		}
	}
	return false
}

// QuestionDraw is the set of security questions last drawn from a method:
// the same set is asked again until QuestionDrawDays have passed, so that
// asking again and again does not show more of the questions.
type QuestionDraw struct {
	MethodID    string
	QuestionIDs []string
	DrawnAt     time.Time
	Draws       int // how many times the set was asked for since DrawnAt
}

// QuestionDrawLifetime is how long a draw of security questions stays the
// one asked.
const QuestionDrawLifetime = 24 * time.Hour

// AddQuestions implements Service: it registers the policy's number of
// security questions, the answers hashed with argon2id.
func (s *Local) AddQuestions(ctx context.Context, accountID string, qas []QuestionAnswer) (*MethodView, error) {
	return s.addQuestions(ctx, accountID, qas, false)
}

// ChangeQuestions implements Service: the owner answers the policy's
// number of questions again, in place of the registered ones. The old
// answers stop working in the same write; audited as a change, and the
// owner is told.
func (s *Local) ChangeQuestions(ctx context.Context, accountID string, qas []QuestionAnswer) (*MethodView, error) {
	return s.addQuestions(ctx, accountID, qas, true)
}

// addQuestions adds security questions, or with replace puts them in
// place of the registered ones.
func (s *Local) addQuestions(ctx context.Context, accountID string, qas []QuestionAnswer, replace bool) (*MethodView, error) {
	p, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := s.CheckQuestionAnswers(p, qas)
	if err != nil {
		return nil, err
	}
	// Hashing is slow on purpose: only for the owner, checked first.
	if err := s.allowed(ctx, accountID, ownerOnly); err != nil {
		return nil, err
	}
	// Hash before the write.
	stored := make([]StoredAnswer, len(qs))
	for i, q := range qs {
		h, err := HashSecret(NormalizeAnswer(qas[i].Answer), s.rand)
		if err != nil {
			return nil, err
		}
		stored[i] = StoredAnswer{QuestionID: q.ID, QuestionText: q.Text, AnswerHash: h}
	}
	var view MethodView
	var notices []queued
	err = s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p2 *Policy) error {
		if p2.SecurityQuestionsToRegister != len(qs) {
			return Errorf(ECONFLICT, "The policy changed meanwhile. Start again.")
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		var old *Method
		if replace {
			if old, methods, err = dropQuestions(tx, methods); err != nil {
				return err
			}
		}
		if err := CanAdd(methods, KindSecurityQuestions, p2); err != nil {
			return err
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		m := &Method{ID: id, AccountID: accountID, Kind: KindSecurityQuestions, Channel: ChannelNone, Language: acct.Language,
			CreatedAt: s.clock(), Detail: fmt.Sprintf("%d questions", len(qs))}
		if err := tx.CreateMethod(m); err != nil {
			return err
		}
		if err := tx.CreateAnswers(m.ID, stored); err != nil {
			return err
		}
		view = m.View(currentDefault(acct, methods))
		if old != nil {
			if err := s.provedInSession(tx, a, m); err != nil {
				return err
			}
			if err := s.audit(tx, a, acct, ActionMethodChanged, m.Kind, "answered again", ""); err != nil {
				return err
			}
			notices, err = s.queueNotice(tx, acct, notice{key: "notice.questionsChanged"})
			return err
		}
		if err := s.afterAdd(tx, a, acct, methods, m); err != nil {
			return err
		}
		notices, err = s.queueNotice(tx, acct, notice{key: "notice.added", subject: m, skip: m.ID})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sendNotices(ctx, notices)
	return &view, nil
}

// AskQuestions implements Service: it draws the policy's reset count of
// the account's registered questions, at random.
func (s *Local) AskQuestions(ctx context.Context, accountID, lang string) (*QuestionChallenge, error) {
	return s.askQuestions(ctx, accountID, lang, FlowOwner)
}

// askQuestions is AskQuestions for a flow. The questions drawn stay the
// ones asked for QuestionDrawLifetime, whatever the flow and however
// often they are asked for: asking again shows no more of them.
func (s *Local) askQuestions(ctx context.Context, accountID, lang, flow string) (*QuestionChallenge, error) {
	var qc *QuestionChallenge
	err := s.proveWrite(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		var m *Method
		for _, x := range methods {
			if x.Kind == KindSecurityQuestions {
				m = x
			}
		}
		if m == nil {
			return Errorf(ENOTFOUND, "No security questions are registered.")
		}
		answers, err := tx.Answers(m.ID)
		if err != nil {
			return err
		}
		now := s.clock()
		n := min(p.SecurityQuestionsToReset, len(answers))
		chosen, err := s.drawQuestions(tx, m.ID, answers, n, now)
		if err != nil {
			return err
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		var ids []string
		qc = &QuestionChallenge{VerificationID: id, ExpiresAt: now.Add(time.Duration(p.CodeLifetimeMinutes) * time.Minute)}
		// Asked in the bank's order, not the order registered (which a
		// reset's made-up questions could not know).
		bank := s.questionBank(p, lang)
		slices.SortStableFunc(chosen, func(i, j int) int {
			return bankIndex(bank, answers[i].QuestionID) - bankIndex(bank, answers[j].QuestionID)
		})
		for _, i := range chosen {
			a := answers[i]
			ids = append(ids, a.QuestionID)
			text := a.QuestionText
			if key := "question." + a.QuestionID; s.texts.Text(lang, key, nil) != key {
				text = s.texts.Text(lang, key, nil)
			}
			qc.Questions = append(qc.Questions, Question{ID: a.QuestionID, Text: text})
		}
		return tx.CreateVerification(&Verification{ID: id, AccountID: accountID, Purpose: VerifyProve, Kind: KindSecurityQuestions,
			MethodID: m.ID, Detail: strings.Join(ids, ","), Language: lang, CreatedAt: now, ExpiresAt: qc.ExpiresAt, Flow: flow})
	})
	return qc, err
}

// drawQuestions returns the positions (in registration order) of the n
// questions to ask: the last draw while it is younger than
// QuestionDrawLifetime and still fits, else a new one at random. Every
// draw is counted.
func (s *Local) drawQuestions(tx Tx, methodID string, answers []StoredAnswer, n int, now time.Time) ([]int, error) {
	d, err := tx.QuestionDraw(methodID)
	if storeFailed(err) {
		return nil, err
	}
	if d != nil && now.Before(d.DrawnAt.Add(QuestionDrawLifetime)) && len(d.QuestionIDs) == n {
		var chosen []int
		for i, a := range answers {
			if slices.Contains(d.QuestionIDs, a.QuestionID) {
				chosen = append(chosen, i)
			}
		}
		if len(chosen) == n {
			d.Draws++
			return chosen, tx.SaveQuestionDraw(d)
		}
	}
	// A partial Fisher-Yates shuffle picks n of them.
	idx := make([]int, len(answers))
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < n; i++ {
		j, err := randInt(s.rand, big.NewInt(int64(len(idx)-i)))
		if err != nil {
			return nil, err
		}
		k := i + int(j.Int64())
		idx[i], idx[k] = idx[k], idx[i]
	}
	chosen := idx[:n]
	slices.Sort(chosen)
	d = &QuestionDraw{MethodID: methodID, DrawnAt: now, Draws: 1}
	for _, i := range chosen {
		d.QuestionIDs = append(d.QuestionIDs, answers[i].QuestionID)
	}
	return chosen, tx.SaveQuestionDraw(d)
}

// CheckAnswers implements Service: all the questions asked must be answered
// right; which one was wrong is not said. Failures count toward the
// method's lockout, and a set of questions is answered once.
func (s *Local) CheckAnswers(ctx context.Context, accountID, verificationID string, answers map[string]string) error {
	return s.checkAnswers(ctx, accountID, verificationID, answers, FlowOwner)
}

// checkAnswers is CheckAnswers for a flow: questions asked in another
// flow are not found.
func (s *Local) checkAnswers(ctx context.Context, accountID, verificationID string, answers map[string]string, flow string) error {
	var userErr error
	var candidates []StoredAnswer
	var v *Verification
	// Read through the gate: who asks is checked before any answer is
	// hashed or anything is said of the verification.
	if err := s.read(ctx, accountID, func(tx Tx, _ *Account, _ *Policy) (err error) {
		if v, err = ownVerification(tx, accountID, verificationID); err != nil {
			return err
		}
		if v.Kind != KindSecurityQuestions || v.Flow != flow {
			return notFound()
		}
		candidates, err = tx.Answers(v.MethodID)
		return err
	}); err != nil {
		return err
	}
	// Verify outside the write: argon2id is slow on purpose.
	right := true
	for _, qid := range strings.Split(v.Detail, ",") {
		var hash string
		for _, c := range candidates {
			if c.QuestionID == qid {
				hash = c.AnswerHash
			}
		}
		if !VerifySecret(hash, NormalizeAnswer(answers[qid])) {
			right = false
		}
	}
	err := s.proveWrite(ctx, accountID, func(tx Tx, acct *Account, p *Policy) error {
		userErr = nil // a transaction run again starts over
		now := s.clock()
		cur, err := ownVerification(tx, accountID, verificationID)
		if err != nil {
			return err
		}
		c, lockErr := checkLock(tx, accountID, "method:"+cur.MethodID, now)
		if lockErr != nil {
			if c == nil {
				return lockErr
			}
			userErr = lockErr
			return nil
		}
		if userErr = answersUnusable(cur.UsedAt, cur.ExpiresAt, cur.Tries, p, now); userErr != nil {
			return nil
		}
		if right {
			if ok, err := tx.UseVerification(cur.ID, now); err != nil || !ok {
				if err == nil {
					userErr = Errorf(ECONFLICT, "These answers were already used.")
				}
				return err
			}
			m, err := ownMethod(tx, accountID, cur.MethodID)
			if err != nil {
				return err
			}
			m.LastUsedAt = now
			if err := tx.UpdateMethod(m); err != nil {
				return err
			}
			return succeed(tx, c)
		}
		cur.Tries++
		if err := tx.UpdateVerification(cur); err != nil {
			return err
		}
		locked, err := s.fail(tx, c, p, now)
		if err != nil {
			return err
		}
		if locked {
			userErr = Reason(ELOCKED, "answers.locked", map[string]any{"Until": clockTime(c.LockedUntil, now)})
		} else {
			userErr = wrongAnswers(p.CodeMaxTries - cur.Tries)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return userErr
}

// answersUnusable says why questions asked can no longer be answered, nil
// when they can (a reset's decoy questions answer through it too).
func answersUnusable(used, expires time.Time, tries int, p *Policy, now time.Time) error {
	switch {
	case !used.IsZero() || tries >= p.CodeMaxTries:
		return Reason(EEXPIRED, "answers.usedUp", nil)
	case !now.Before(expires):
		return Reason(EEXPIRED, "answers.expired", nil)
	}
	return nil
}

// wrongAnswers is the answer to wrong answers with tries left.
func wrongAnswers(left int) error {
	return Reason(EWRONGCODE, "answers.wrong", map[string]any{"Left": max(left, 0)})
}

// bankIndex is the place of a question in the bank, after it when absent.
func bankIndex(bank []Question, id string) int {
	if i := slices.IndexFunc(bank, func(q Question) bool { return q.ID == id }); i >= 0 {
		return i
	}
	return len(bank)
}

// dropQuestions deletes the account's security questions (their answers
// and draws go with them) and returns them and the methods left.
func dropQuestions(tx Tx, methods []*Method) (*Method, []*Method, error) {
	i := slices.IndexFunc(methods, func(m *Method) bool { return m.Kind == KindSecurityQuestions })
	if i < 0 {
		return nil, nil, Reason(ENOTFOUND, "questions.none", nil)
	}
	old := methods[i]
	if err := tx.DeleteMethod(old.ID); err != nil {
		return nil, nil, err
	}
	return old, slices.Delete(slices.Clone(methods), i, i+1), nil
}
