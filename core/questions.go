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
// validate it as it is typed. Returns EINVALID.
func CheckAnswer(q Question, answer string) error {
	a := NormalizeAnswer(answer)
	n := utf8.RuneCountInString(a)
	switch {
	case n < MinAnswerLength:
		return Errorf(EINVALID, "The answer to %q must be at least %d characters long.", q.Text, MinAnswerLength)
	case n > MaxAnswerLength:
		return Errorf(EINVALID, "The answer to %q can be at most %d characters long.", q.Text, MaxAnswerLength)
	case strings.ContainsFunc(a, isControl):
		return Errorf(EINVALID, "The answer to %q cannot contain control characters.", q.Text)
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

// AddQuestions implements Service: it registers the policy's number of
// security questions, the answers hashed with argon2id.
func (s *Local) AddQuestions(ctx context.Context, accountID string, qas []QuestionAnswer) (*MethodView, error) {
	p, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := s.CheckQuestionAnswers(p, qas)
	if err != nil {
		return nil, err
	}
	// Hash before the write: argon2id is slow on purpose.
	stored := make([]StoredAnswer, len(qs))
	for i, q := range qs {
		h, err := HashSecret(NormalizeAnswer(qas[i].Answer), s.rand)
		if err != nil {
			return nil, err
		}
		stored[i] = StoredAnswer{QuestionID: q.ID, QuestionText: q.Text, AnswerHash: h}
	}
	var view MethodView
	var added *Method
	var acctCopy Account
	err = s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p2 *Policy) error {
		if p2.SecurityQuestionsToRegister != len(qs) {
			return Errorf(ECONFLICT, "The policy changed meanwhile. Start again.")
		}
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
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
		if err := s.afterAdd(tx, a, acct, methods, m); err != nil {
			return err
		}
		added, acctCopy = m, *acct
		view = m.View(currentDefault(acct, methods))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, &acctCopy, notice{key: "notice.added", subject: added, skip: added.ID})
	return &view, nil
}

// AskQuestions implements Service: it draws the policy's reset count of
// the account's registered questions, at random.
func (s *Local) AskQuestions(ctx context.Context, accountID, lang string) (*QuestionChallenge, error) {
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
		n := min(p.SecurityQuestionsToReset, len(answers))
		// A partial Fisher-Yates shuffle picks n of them.
		idx := make([]int, len(answers))
		for i := range idx {
			idx[i] = i
		}
		for i := 0; i < n; i++ {
			j, err := randInt(s.rand, big.NewInt(int64(len(idx)-i)))
			if err != nil {
				return err
			}
			k := i + int(j.Int64())
			idx[i], idx[k] = idx[k], idx[i]
		}
		chosen := idx[:n]
		slices.Sort(chosen)
		id, err := s.newID()
		if err != nil {
			return err
		}
		now := s.clock()
		var ids []string
		qc = &QuestionChallenge{VerificationID: id, ExpiresAt: now.Add(time.Duration(p.CodeLifetimeMinutes) * time.Minute)}
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
			MethodID: m.ID, Detail: strings.Join(ids, ","), Language: lang, CreatedAt: now, ExpiresAt: qc.ExpiresAt})
	})
	return qc, err
}

// CheckAnswers implements Service: all the questions asked must be answered
// right; which one was wrong is not said. Failures count toward the
// method's lockout, and a set of questions is answered once.
func (s *Local) CheckAnswers(ctx context.Context, accountID, verificationID string, answers map[string]string) error {
	var userErr error
	var candidates []StoredAnswer
	var v *Verification
	if err := s.store.View(ctx, func(tx Tx) (err error) {
		if v, err = ownVerification(tx, accountID, verificationID); err != nil {
			return err
		}
		if v.Kind != KindSecurityQuestions {
			return Errorf(ENOTFOUND, "This verification was not found. Start again.")
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
		switch {
		case !cur.UsedAt.IsZero() || cur.Tries >= p.CodeMaxTries:
			userErr = Errorf(EEXPIRED, "These questions can't be answered again. Start again to get new questions.")
			return nil
		case !now.Before(cur.ExpiresAt):
			userErr = Errorf(EEXPIRED, "The time to answer has run out. Start again to get new questions.")
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
			userErr = Errorf(ELOCKED, "Too many wrong answers. Security questions are locked until %s.", clockTime(c.LockedUntil, now))
		} else {
			userErr = Errorf(EWRONGCODE, "One or more answers are wrong. You have %d tries left.", max(p.CodeMaxTries-cur.Tries, 0))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return userErr
}
