package core

import (
	"context"
	"fmt"
)

// Message is one text to deliver: a code or a notice.
type Message struct {
	Channel  Channel // sms, voice or email
	To       string  // E.164 number or email address
	Language string  // the language the text is written in
	Subject  string  // email only
	Text     string
	// Purpose is "code" or "notice"; a delivery may treat them differently
	// (a voice call reads a code slowly).
	Purpose string
	// AccountID is the account the message is for; the local outbox
	// shows a person only their own messages.
	AccountID string
}

// Message purposes.
const (
	PurposeCode   = "code"
	PurposeNotice = "notice"
)

// Sender delivers messages. Implementations: the local outbox, SMTP, and
// Twilio or a webhook for SMS and voice. A failure a person can act on is
// an *Error with EUNAVAILABLE.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m Message) error

// Send implements Sender.
func (f SenderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// Router sends each message through the sender of its channel.
type Router map[Channel]Sender

// Send implements Sender. Returns EUNAVAILABLE for a channel with no sender.
func (r Router) Send(ctx context.Context, m Message) error {
	s, ok := r[m.Channel]
	if !ok || s == nil {
		return Errorf(EUNAVAILABLE, "Nothing is set up to deliver %s messages.", m.Channel)
	}
	if err := s.Send(ctx, m); err != nil {
		return fmt.Errorf("deliver %s: %w", m.Channel, err)
	}
	return nil
}

// Texts renders user-facing texts by key in a language; assets.Default
// implements it over the translation files shared with the window.
type Texts interface {
	Text(lang, key string, data map[string]any) string
	Keys(prefix string) []string
}
