package core

import (
	"context"
	"time"
)

// notice is a change to tell an account's contact methods about.
type notice struct {
	key     string         // translation key of the text
	subject *Method        // the method the change is about
	skip    string         // a method not to tell (the one just added proved itself)
	also    *Method        // a method to tell though no longer listed (the one deleted)
	when    time.Time      // the date a scheduled removal takes effect
	data    map[string]any // more values for the text ("Left": recovery codes left)
}

// queued is a message queued for delivery in a change's transaction.
type queued struct {
	d *Delivery
	p deliveryPayload
}

// queueNotice queues, in the transaction of a change, the notice of it to
// the account's contact methods (emails, and phones that can take a
// text), each in its own language with "if this wasn't you" guidance. The
// notice commits with the change, so a crash right after loses neither;
// sendNotices delivers it once committed.
func (s *Local) queueNotice(tx Tx, acct *Account, n notice) ([]queued, error) {
	methods, err := tx.Methods(acct.ID)
	if err != nil {
		return nil, err
	}
	p, err := tx.Policy()
	if err != nil {
		return nil, err
	}
	if n.also != nil {
		methods = append(methods, n.also)
	}
	now := s.clock()
	var out []queued
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
		for k, v := range n.data {
			data[k] = v
		}
		if n.subject != nil {
			data["Method"] = s.methodLabel(n.subject, lang)
		}
		pl := deliveryPayload{Message: Message{Channel: ch, To: m.Detail, Language: lang, Purpose: PurposeNotice, AccountID: acct.ID,
			Subject: s.texts.Text(lang, "notice.subject", data),
			Text:    s.texts.Text(lang, n.key, data) + "\n\n" + s.texts.Text(lang, "notice.ifNotYou", data)}}
		d, err := s.queueDelivery(tx, now, pl, !s.queue)
		if err != nil {
			return nil, err
		}
		out = append(out, queued{d, pl})
	}
	return out, nil
}

// sendNotices delivers notices queued by a change that committed: at once,
// or through the worker with Options.Queue. A failed notice never undoes
// the change; it is tried again by the next worker that runs.
func (s *Local) sendNotices(ctx context.Context, qs []queued) {
	if s.queue {
		if len(qs) > 0 {
			s.kick()
		}
		return
	}
	for _, q := range qs {
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deliveryTimeout)
		err := s.sender.Send(sendCtx, q.p.Message)
		cancel()
		if err != nil {
			s.failed(ctx, q.d, q.p, err)
			continue
		}
		s.delivered(ctx, q.d)
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
