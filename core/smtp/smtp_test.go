package smtp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/smtp"
	"github.com/securityinfo/securityinfo/core/smtp/smtptest"
)

func TestDeliveryThroughRealSMTPServer(t *testing.T) {
	tests := []struct {
		mode       string
		user, pass string
		wantTLS    bool
	}{
		{smtp.StartTLS, "mailer", "s3cret", true},
		{smtp.TLS, "mailer", "s3cret", true},
		{smtp.None, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			srv := smtptest.Start(t, tt.mode, tt.user, tt.pass)
			m, err := smtp.New(smtp.Config{Host: "127.0.0.1", Port: srv.Port, Security: tt.mode, Username: tt.user, Password: tt.pass,
				From: "security@contoso.com", CAFile: srv.CAFile, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(context.Background(), core.Message{Channel: core.ChannelEmail, To: "alain@gmail.com", Language: "de",
				Subject: "Ihr Bestätigungscode", Text: "Code: 482910", Purpose: core.PurposeCode})
			if err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server got %d messages", len(got))
			}
			d := got[0]
			if d.From != "security@contoso.com" || d.To != "alain@gmail.com" || d.TLS != tt.wantTLS || d.User != tt.user {
				t.Fatalf("delivered %+v", d)
			}
			if !strings.Contains(d.Data, "482910") || !strings.Contains(d.Data, "Content-Language: de") ||
				!strings.Contains(d.Data, "Subject: =?UTF-8?q?Ihr_Best=C3=A4tigungscode?=") {
				t.Fatalf("message:\n%s", d.Data)
			}
		})
	}
}

func TestDeliveryFailures(t *testing.T) {
	srv := smtptest.Start(t, smtp.StartTLS, "mailer", "s3cret")
	tests := []struct {
		name string
		cfg  smtp.Config
		to   string
		want string
	}{
		{"wrong password", smtp.Config{Host: "127.0.0.1", Port: srv.Port, Username: "mailer", Password: "wrong", From: "a@contoso.com", CAFile: srv.CAFile}, "alain@gmail.com", "could not be sent"},
		{"untrusted certificate", smtp.Config{Host: "127.0.0.1", Port: srv.Port, Username: "mailer", Password: "s3cret", From: "a@contoso.com"}, "alain@gmail.com", "could not be sent"},
		{"recipient refused", smtp.Config{Host: "127.0.0.1", Port: srv.Port, Username: "mailer", Password: "s3cret", From: "a@contoso.com", CAFile: srv.CAFile}, "bob@refused.example", "could not be sent"},
		{"nothing listening", smtp.Config{Host: "127.0.0.1", Port: 1, Security: smtp.None, From: "a@contoso.com"}, "alain@gmail.com", "could not be sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Timeout = 5 * time.Second
			m, err := smtp.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(context.Background(), core.Message{Channel: core.ChannelEmail, To: tt.to, Subject: "s", Text: "Code: 111111"})
			if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(core.ErrorMessage(err), tt.want) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(core.ErrorMessage(err), tt.to) {
				t.Fatalf("message names the full address: %s", core.ErrorMessage(err))
			}
		})
	}
	if len(srv.Messages()) != 0 {
		t.Fatalf("a failed send was delivered")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg  smtp.Config
		want string
	}{
		{smtp.Config{Port: 25, From: "a@b.co"}, "host is not set"},
		{smtp.Config{Host: "mail.contoso.com", From: "a@b.co", Security: "none"}, "only allowed for a server on this machine"},
		{smtp.Config{Host: "mail.contoso.com", From: "a@b.co", Security: "ssl"}, `must be "starttls", "tls" or "none"`},
		{smtp.Config{Host: "mail.contoso.com"}, "from is not set"},
		{smtp.Config{Host: "mail.contoso.com", From: "a@b.co", Password: "x"}, "without username"},
		{smtp.Config{Host: "mail.contoso.com", From: "a@b.co", CAFile: "/nonexistent"}, "can't be read"},
	}
	for _, tt := range tests {
		if _, err := smtp.New(tt.cfg); !strings.Contains(core.ErrorMessage(err), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.cfg, err, tt.want)
		}
	}
	if _, err := smtp.New(smtp.Config{Host: "localhost", From: "a@b.co", Security: "none"}); err != nil {
		t.Errorf("plain to localhost refused: %v", err)
	}
}
