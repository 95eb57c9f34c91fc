// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp)
// on loopback for tests: STARTTLS, implicit TLS or plain, with optional
// AUTH PLAIN, keeping every message it accepts.
package smtptest

import (
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
)

// Delivered is one message the server accepted.
type Delivered struct {
	From, To, Data string
	User           string // who authenticated, "" for nobody
	TLS            bool   // whether the session was encrypted
}

// Server is a real SMTP server (github.com/emersion/go-smtp) on loopback.
type Server struct {
	mu   sync.Mutex
	got  []Delivered
	user string
	pass string
	// Port is where it listens on 127.0.0.1; CAFile is a PEM file that
	// trusts its certificate.
	Port   int
	CAFile string

	hold     chan struct{} // while set, DATA waits until it is closed
	failNext int           // DATA refuses this many more messages with 451
}

// Hold makes the server hang in DATA, as a slow or stuck mail server does,
// until the returned function is called.
func (s *Server) Hold() (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.hold = ch
	s.mu.Unlock()
	return sync.OnceFunc(func() {
		s.mu.Lock()
		s.hold = nil
		s.mu.Unlock()
		close(ch)
	})
}

// FailNext makes the server refuse the next n messages with a temporary
// failure (451), as a busy mail server does.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Messages returns what the server has accepted so far.
func (s *Server) Messages() []Delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivered(nil), s.got...)
}

func (s *Server) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{srv: s, d: Delivered{TLS: isTLS}, conn: c}, nil
}

type session struct {
	srv  *Server
	d    Delivered
	conn *gosmtp.Conn
}

func (s *session) AuthMechanisms() []string { return []string{gosasl.Plain} }
func (s *session) Auth(mech string) (gosasl.Server, error) {
	return gosasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.user || password != s.srv.pass {
			return errors.New("invalid credentials")
		}
		s.d.User = username
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.srv.user != "" && s.d.User == "" {
		return &gosmtp.SMTPError{Code: 530, EnhancedCode: gosmtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.d.From = from
	return nil
}
func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.HasSuffix(to, "@refused.example") {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox " + to}
	}
	s.d.To = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.d.Data = string(b)
	_, s.d.TLS = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	hold := s.srv.hold
	if s.srv.failNext > 0 {
		s.srv.failNext--
		s.srv.mu.Unlock()
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	s.srv.mu.Unlock()
	if hold != nil {
		<-hold
	}
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.d)
	s.srv.mu.Unlock()
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and localhost.
func certificate(t testing.TB) (tls.Certificate, string) {
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

// Start runs a server until the test ends. mode is "starttls", "tls" or
// "none"; with a user, it requires AUTH PLAIN with user and pass.
func Start(t testing.TB, mode, user, pass string) *Server {
	t.Helper()
	srv := &Server{user: user, pass: pass}
	s := gosmtp.NewServer(srv)
	s.Domain = "localhost"
	s.AllowInsecureAuth = mode == "none"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	cert, ca := certificate(t)
	srv.CAFile = ca
	var l net.Listener
	var err error
	if mode == "tls" {
		l, err = tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
		if mode == "starttls" {
			s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	srv.Port = l.Addr().(*net.TCPAddr).Port
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return srv
}
