package core

import (
	"context"
	"time"
)

// notice is a change to tell an account's contact methods about.
type notice struct {
	key     string    // translation key of the text
	subject *Method   // the method the change is about
	skip    string    // a method not to tell (the one just added proved itself)
	also    *Method   // a method to tell though no longer listed (the one deleted)
	when    time.Time // the date a scheduled removal takes effect
}

// notify tells the account's contact methods (emails, and phones that can
// take a text) of a change, each in its own language with "if this wasn't
// you" guidance. It runs after the change was committed; a failed notice is
// logged, never undoes the change.
func (s *Local) notify(ctx context.Context, acct *Account, n notice) {
	var methods []*Method
	var p *Policy
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if methods, err = tx.Methods(acct.ID); err != nil {
			return err
		}
		p, err = tx.Policy()
		return err
	})
	if err != nil {
		s.log.Error("notify: read methods", "account", acct.ID, "err", Redact(err.Error()))
		return
	}
	if n.also != nil {
		methods = append(methods, n.also)
	}
	now := s.clock()
	for _, m := range methods {
		var ch Channel
		switch {
		case m.ID == n.skip:
			continue
		case m.Kind == KindEmail:
			ch = ChannelEmail
		case m.Kind == KindPhone:
			ch = ChannelSMS
		default:
			continue // apps, keys and questions have no inbox; calling a desk phone for a notice would alarm
		}
		lang := m.Language
		data := map[string]any{"Account": acct.Name, "Issuer": p.Issuer, "Time": now.Format("2006-01-02 15:04 UTC"),
			"Date": n.when.UTC().Format("2006-01-02")}
		if n.subject != nil {
			data["Method"] = s.methodLabel(n.subject, lang)
		}
		msg := Message{Channel: ch, To: m.Detail, Language: lang, Purpose: PurposeNotice,
			Subject: s.texts.Text(lang, "notice.subject", data),
			Text:    s.texts.Text(lang, n.key, data) + "\n\n" + s.texts.Text(lang, "notice.ifNotYou", data)}
		if err := s.sender.Send(context.WithoutCancel(ctx), msg); err != nil {
			s.log.Warn("notice not delivered", "channel", ch, "to", maskDest(ch, m.Detail), "err", Redact(err.Error()))
		}
	}
}

// methodLabel names a method in a notice: its kind in lang and, for
// phones and addresses, the masked detail.
func (s *Local) methodLabel(m *Method, lang string) string {
	label := s.texts.Text(lang, "kind."+string(m.Kind), nil)
	switch {
	case m.Kind.IsPhone() || m.Kind == KindEmail:
		return label + " (" + MaskedDetail(m) + ")"
	case m.Name != "":
		return label + " (" + m.Name + ")"
	}
	return label
}
