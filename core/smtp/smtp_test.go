package smtp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gosasl "github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/smtp"
)

// delivered is one message the test server accepted.
type delivered struct {
	from, to, data string
	user           string
	tls            bool
}

// server is a real SMTP server (github.com/emersion/go-smtp) on loopback.
type server struct {
	mu    sync.Mutex
	got   []delivered
	user  string
	pass  string
	addr  string
	port  int
	caPEM string
}

func (s *server) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{srv: s, d: delivered{tls: isTLS}, conn: c}, nil
}

type session struct {
	srv  *server
	d    delivered
	conn *gosmtp.Conn
}

func (s *session) AuthMechanisms() []string { return []string{gosasl.Plain} }
func (s *session) Auth(mech string) (gosasl.Server, error) {
	return gosasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.user || password != s.srv.pass {
			return errors.New("invalid credentials")
		}
		s.d.user = username
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.srv.user != "" && s.d.user == "" {
		return &gosmtp.SMTPError{Code: 530, EnhancedCode: gosmtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.d.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.HasSuffix(to, "@refused.example") {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox " + to}
	}
	s.d.to = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.d.data = string(b)
	_, s.d.tls = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.d)
	s.srv.mu.Unlock()
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and localhost.
func certificate(t *testing.T) (tls.Certificate, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kb, _ := x509.MarshalECPrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, certPEM, 0o600)
	return c, ca
}

// start runs a server in mode starttls, tls or none.
func start(t *testing.T, mode, user, pass string) *server {
	t.Helper()
	srv := &server{user: user, pass: pass}
	s := gosmtp.NewServer(srv)
	s.Domain = "localhost"
	s.AllowInsecureAuth = mode == smtp.None
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	cert, ca := certificate(t)
	srv.caPEM = ca
	var l net.Listener
	var err error
	if mode == smtp.TLS {
		l, err = tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
		if mode == smtp.StartTLS {
			s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	srv.addr = l.Addr().String()
	srv.port = l.Addr().(*net.TCPAddr).Port
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return srv
}

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
			srv := start(t, tt.mode, tt.user, tt.pass)
			m, err := smtp.New(smtp.Config{Host: "127.0.0.1", Port: srv.port, Security: tt.mode, Username: tt.user, Password: tt.pass,
				From: "security@contoso.com", CAFile: srv.caPEM, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(context.Background(), core.Message{Channel: core.ChannelEmail, To: "alain@gmail.com", Language: "de",
				Subject: "Ihr Bestätigungscode", Text: "Code: 482910", Purpose: core.PurposeCode})
			if err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if len(srv.got) != 1 {
				t.Fatalf("server got %d messages", len(srv.got))
			}
			d := srv.got[0]
			if d.from != "security@contoso.com" || d.to != "alain@gmail.com" || d.tls != tt.wantTLS || d.user != tt.user {
				t.Fatalf("delivered %+v", d)
			}
			if !strings.Contains(d.data, "482910") || !strings.Contains(d.data, "Content-Language: de") ||
				!strings.Contains(d.data, "Subject: =?UTF-8?q?Ihr_Best=C3=A4tigungscode?=") {
				t.Fatalf("message:\n%s", d.data)
			}
		})
	}
}

func TestDeliveryFailures(t *testing.T) {
	srv := start(t, smtp.StartTLS, "mailer", "s3cret")
	tests := []struct {
		name string
		cfg  smtp.Config
		to   string
		want string
	}{
		{"wrong password", smtp.Config{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "wrong", From: "a@contoso.com", CAFile: srv.caPEM}, "alain@gmail.com", "could not be sent"},
		{"untrusted certificate", smtp.Config{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "s3cret", From: "a@contoso.com"}, "alain@gmail.com", "could not be sent"},
		{"recipient refused", smtp.Config{Host: "127.0.0.1", Port: srv.port, Username: "mailer", Password: "s3cret", From: "a@contoso.com", CAFile: srv.caPEM}, "bob@refused.example", "could not be sent"},
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
	if len(srv.got) != 0 {
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
