// Package smtp delivers email through an SMTP server, with STARTTLS,
// implicit TLS, or (to a server on this machine only) no TLS, and optional
// authentication, using github.com/wneessen/go-mail.
package smtp

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core"
	mail "github.com/wneessen/go-mail"
)

// Security modes of the [smtp] security key.
const (
	StartTLS = "starttls"
	TLS      = "tls"
	None     = "none"
)

// Config is the [smtp] section of the configuration.
type Config struct {
	Host     string
	Port     int
	Security string // starttls (default), tls, none
	Username string
	Password string
	From     string
	// CAFile, when set, is a PEM file of the certificate authorities to
	// trust for this server (a private CA) instead of the system's.
	CAFile  string
	Timeout time.Duration // 0: 20 s
}

// Validate checks the configuration. Returns EINVALID saying what to fix.
func (c *Config) Validate() error {
	switch {
	case c.Host == "":
		return core.Errorf(core.EINVALID, "[smtp] host is not set.")
	case c.Port < 0 || c.Port > 65535:
		return core.Errorf(core.EINVALID, "[smtp] port %d is not a port number.", c.Port)
	case c.From == "":
		return core.Errorf(core.EINVALID, "[smtp] from is not set: give the address messages come from.")
	}
	switch c.Security {
	case "", StartTLS, TLS:
	case None:
		if !isLoopback(c.Host) {
			return core.Errorf(core.EINVALID, "[smtp] security = \"none\" is only allowed for a server on this machine (localhost); %s needs \"starttls\" or \"tls\".", c.Host)
		}
	default:
		return core.Errorf(core.EINVALID, "[smtp] security must be \"starttls\", \"tls\" or \"none\", not %q.", c.Security)
	}
	if c.Password != "" && c.Username == "" {
		return core.Errorf(core.EINVALID, "[smtp] password is set without username.")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Mailer sends messages over SMTP, one connection per message.
type Mailer struct {
	cfg Config
	tls *tls.Config
}

var _ core.Sender = (*Mailer)(nil)

// New checks cfg and returns a Mailer.
func New(cfg Config) (*Mailer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Security == "" {
		cfg.Security = StartTLS
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{StartTLS: 587, TLS: 465, None: 25}[cfg.Security]
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pool, err := core.CAPool("[smtp] ca_file", cfg.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	return &Mailer{cfg: cfg, tls: tc}, nil
}

// Describe says where mail goes, for `config check`; it holds no secret.
func (m *Mailer) Describe() string {
	auth := "no authentication"
	if m.cfg.Username != "" {
		auth = "as " + m.cfg.Username
	}
	return fmt.Sprintf("SMTP %s:%d (%s, %s), from %s", m.cfg.Host, m.cfg.Port, m.cfg.Security, auth, m.cfg.From)
}

// Send implements core.Sender.
func (m *Mailer) Send(ctx context.Context, msg core.Message) error {
	em := mail.NewMsg()
	if err := em.From(m.cfg.From); err != nil {
		return core.Errorf(core.EINVALID, "[smtp] from %q is not an address.", m.cfg.From)
	}
	if err := em.To(msg.To); err != nil {
		return core.Errorf(core.EINVALID, "%s is not an address mail can be sent to.", core.MaskEmail(msg.To))
	}
	em.Subject(msg.Subject)
	em.SetBodyString(mail.TypeTextPlain, msg.Text)
	if msg.Language != "" {
		em.SetGenHeader(mail.HeaderContentLang, msg.Language)
	}
	em.SetMessageID()
	em.SetDate()

	opts := []mail.Option{mail.WithPort(m.cfg.Port), mail.WithTimeout(m.cfg.Timeout), mail.WithTLSConfig(m.tls)}
	switch m.cfg.Security {
	case TLS:
		opts = append(opts, mail.WithSSL())
	case None:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(m.cfg.Username), mail.WithPassword(m.cfg.Password))
	}
	c, err := mail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, em); err != nil {
		return &core.Error{Code: core.EUNAVAILABLE, Message: fmt.Sprintf("The email could not be sent through %s:%d: %s",
			m.cfg.Host, m.cfg.Port, reason(err, msg.To))}
	}
	return nil
}

// reason is the server's or network's answer, without the recipient's
// address, so it can be shown and logged.
func reason(err error, to string) string {
	s := err.Error()
	if to != "" {
		s = strings.ReplaceAll(s, to, core.MaskEmail(to))
	}
	return strings.TrimSuffix(s, ".") + "."
}
