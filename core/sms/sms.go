// Package sms delivers text messages and voice calls through a provider:
// the Twilio REST API (Messages and Calls), or a generic JSON webhook for
// other gateways. Both implement core.Sender for the sms and voice channels.
package sms

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// DefaultTwilioBaseURL is Twilio's API root.
const DefaultTwilioBaseURL = "https://api.twilio.com"

// TwilioConfig is the [twilio] section of the configuration.
type TwilioConfig struct {
	AccountSID string
	AuthToken  string
	From       string // E.164 number or messaging service sender
	BaseURL    string // "" means DefaultTwilioBaseURL
}

// Twilio sends SMS with the Messages resource and calls with the Calls
// resource (a TwiML <Say> reads the text), form-encoded with basic auth.
type Twilio struct {
	cfg    TwilioConfig
	client *http.Client
}

var _ core.Sender = (*Twilio)(nil)

// NewTwilio checks cfg and returns a sender. client nil means a client
// with a 20-second timeout.
func NewTwilio(cfg TwilioConfig, client *http.Client) (*Twilio, error) {
	switch {
	case cfg.AccountSID == "":
		return nil, core.Errorf(core.EINVALID, "[twilio] account_sid is not set.")
	case cfg.AuthToken == "":
		return nil, core.Errorf(core.EINVALID, "[twilio] auth_token is not set (in the file, SECURITYINFO_TWILIO_AUTH_TOKEN, or the keyring).")
	case cfg.From == "":
		return nil, core.Errorf(core.EINVALID, "[twilio] from is not set: give the number messages come from.")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultTwilioBaseURL
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, core.Errorf(core.EINVALID, "[twilio] base_url %q is not an http(s) URL.", cfg.BaseURL)
	}
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	return &Twilio{cfg: cfg, client: client}, nil
}

// Describe says where messages go, for `config check`; it holds no secret.
func (t *Twilio) Describe() string {
	return fmt.Sprintf("Twilio at %s, account %s, from %s", t.cfg.BaseURL, t.cfg.AccountSID, t.cfg.From)
}

// voiceLanguage is the <Say> language for a message language.
func voiceLanguage(lang string) string {
	switch lang {
	case "de":
		return "de-DE"
	}
	return "en-US"
}

// twiml wraps text in a TwiML document that reads it out.
func twiml(text, lang string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Response><Say language="` + voiceLanguage(lang) + `">`)
	xml.EscapeText(&b, []byte(text))
	b.WriteString(`</Say></Response>`)
	return b.String()
}

// Send implements core.Sender for the sms and voice channels.
func (t *Twilio) Send(ctx context.Context, m core.Message) error {
	form := url.Values{"To": {m.To}, "From": {t.cfg.From}}
	resource := "Messages.json"
	switch m.Channel {
	case core.ChannelSMS:
		form.Set("Body", m.Text)
	case core.ChannelVoice:
		resource = "Calls.json"
		form.Set("Twiml", twiml(m.Text, m.Language))
	default:
		return core.Errorf(core.EINVALID, "Twilio sends text messages and calls, not %s.", m.Channel)
	}
	endpoint := strings.TrimRight(t.cfg.BaseURL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(t.cfg.AccountSID) + "/" + resource
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("twilio request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(t.cfg.AccountSID, t.cfg.AuthToken)
	resp, err := t.client.Do(req)
	if err != nil {
		return unavailable(m, "Twilio could not be reached: "+strings.ReplaceAll(err.Error(), t.cfg.AuthToken, "***"))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		return nil
	}
	// Twilio's error body: {"code": 21211, "message": "...", "more_info": "...", "status": 400}
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return unavailable(m, fmt.Sprintf("Twilio refused it (error %d: %s)", e.Code, e.Message))
	}
	return unavailable(m, fmt.Sprintf("Twilio answered %s", resp.Status))
}

// unavailable is a delivery failure without the full number, which the
// provider's own words may carry.
func unavailable(m core.Message, why string) error {
	what := "The text message"
	if m.Channel == core.ChannelVoice {
		what = "The call"
	}
	if m.To != "" {
		why = strings.ReplaceAll(why, m.To, core.MaskPhone(m.To))
		why = strings.ReplaceAll(why, strings.TrimPrefix(m.To, "+"), core.MaskPhone(m.To))
	}
	return &core.Error{Code: core.EUNAVAILABLE, Message: fmt.Sprintf("%s could not be sent: %s.", what, strings.TrimSuffix(why, "."))}
}

// WebhookConfig is the [webhook] section of the configuration.
type WebhookConfig struct {
	URL   string
	Token string // sent as "Authorization: Bearer TOKEN" when set
}

// Webhook posts each message as JSON to a gateway of the organisation's:
// {"channel":"sms"|"voice","to":"+44...","language":"en","text":"...","purpose":"code"|"notice"}.
// Any 2xx answer is success.
type Webhook struct {
	cfg    WebhookConfig
	client *http.Client
}

var _ core.Sender = (*Webhook)(nil)

// WebhookPayload is the JSON body a webhook receives.
type WebhookPayload struct {
	Channel  core.Channel `json:"channel"`
	To       string       `json:"to"`
	Language string       `json:"language"`
	Text     string       `json:"text"`
	Purpose  string       `json:"purpose"`
}

// NewWebhook checks cfg and returns a sender.
func NewWebhook(cfg WebhookConfig, client *http.Client) (*Webhook, error) {
	u, err := url.Parse(cfg.URL)
	if cfg.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, core.Errorf(core.EINVALID, "[webhook] url %q is not an http(s) URL.", cfg.URL)
	}
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	return &Webhook{cfg: cfg, client: client}, nil
}

// Describe says where messages go, for `config check`.
func (w *Webhook) Describe() string {
	u, _ := url.Parse(w.cfg.URL)
	u.User = nil
	u.RawQuery = ""
	auth := "no token"
	if w.cfg.Token != "" {
		auth = "bearer token"
	}
	return fmt.Sprintf("webhook %s (%s)", u, auth)
}

// Send implements core.Sender.
func (w *Webhook) Send(ctx context.Context, m core.Message) error {
	if m.Channel != core.ChannelSMS && m.Channel != core.ChannelVoice {
		return core.Errorf(core.EINVALID, "The webhook sends text messages and calls, not %s.", m.Channel)
	}
	body, err := json.Marshal(WebhookPayload{Channel: m.Channel, To: m.To, Language: m.Language, Text: m.Text, Purpose: m.Purpose})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, strings.NewReader(string(body)))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if w.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+w.cfg.Token)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		msg := err.Error()
		if w.cfg.Token != "" {
			msg = strings.ReplaceAll(msg, w.cfg.Token, "***")
		}
		return unavailable(m, "the gateway could not be reached: "+msg)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64*1024))
	if resp.StatusCode/100 != 2 {
		return unavailable(m, "the gateway answered "+resp.Status)
	}
	return nil
}
