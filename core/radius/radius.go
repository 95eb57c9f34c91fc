// Package radius is the RADIUS face of the core's two-step check
// (core.VerifyService): a VPN, a Wi-Fi controller or a firewall sends an
// Access-Request with a name and password (PAP), gets an Access-Challenge
// asking for the code of the person's default method, and sends the code
// back with the challenge's State; or, for a client that cannot show a
// challenge, sends the code appended to the password. Packets are read and
// written with layeh.com/radius.
//
// Only configured clients are answered, each from its own addresses and
// with its own shared secret. Every Access-Request must carry a right
// Message-Authenticator (RFC 3579; Blast-RADIUS, CVE-2024-3596) or it is
// dropped, and every answer carries one. An Access-Reject never says which
// step failed; the audit log does (the core audits every decision with the
// client's name, NAS-IP-Address and Calling-Station-Id).
package radius

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"
	"layeh.com/radius"
	"layeh.com/radius/rfc2865"

	"github.com/securityinfo/securityinfo/core"
)

// Client is one RADIUS client (a NAS): where it sends from, its shared
// secret, and how it is answered.
type Client struct {
	Name    string
	Address netip.Prefix // one address (/32, /128) or a network
	Secret  []byte
	// AppendCode: the person types the app's code (the policy's code
	// length, 6 or 8 digits) after the password, for a client that
	// cannot show an Access-Challenge.
	AppendCode bool
	// ClassRole puts "role=ROLE" in a Class attribute of an Access-Accept.
	ClassRole bool
	// FilterID is the Filter-Id sent on an Access-Accept for each role
	// (none for a role not named).
	FilterID map[core.Role]string
}

// Service is what the server needs of the core: the two-step check, and
// the policy's code length for codes appended to passwords (core.Local).
type Service interface {
	core.VerifyService
	Policy(ctx context.Context) (*core.Policy, error)
}

// Options are the server's optional parts: zero values mean no log and
// series of its own.
type Options struct {
	Log     *slog.Logger
	Metrics *Metrics
}

// Server answers Access-Requests from its clients through a Service.
type Server struct {
	clients []Client
	svc     Service
	log     *slog.Logger
	metrics *Metrics

	mu       sync.Mutex
	answered map[string]answer // recent answers by request, for retransmissions
	inFlight sync.WaitGroup
	slots    chan struct{} // bounds the requests handled at once
}

// answer is an encoded answer kept for a retransmission of its request.
type answer struct {
	raw []byte // nil while the request is being handled
	at  time.Time
}

// keepAnswers is how long an answer is kept for a retransmission of its
// request (RFC 5080 section 2.2.2: a client retransmits for a few
// seconds, and must get the same answer, not a second decision).
const keepAnswers = 30 * time.Second

// Config checks a list of clients: each has a name, an address and a
// secret of at least 16 bytes, and no two share a name. Errors are
// core.EINVALID with words for the operator.
func Config(clients []Client) error {
	seen := map[string]bool{}
	for i, c := range clients {
		switch {
		case strings.TrimSpace(c.Name) == "":
			return core.Errorf(core.EINVALID, "RADIUS client %d has no name.", i+1)
		case seen[c.Name]:
			return core.Errorf(core.EINVALID, "Two RADIUS clients are named %q.", c.Name)
		case !c.Address.IsValid():
			return core.Errorf(core.EINVALID, "RADIUS client %q has no address: give one address or a CIDR, such as 10.0.0.0/24.", c.Name)
		case len(c.Secret) < 16:
			return core.Errorf(core.EINVALID, "RADIUS client %q needs a shared secret of at least 16 characters (in the file, in SECURITYINFO_RADIUS_%s_SECRET, or in the keyring).", c.Name, EnvName(c.Name))
		}
		seen[c.Name] = true
	}
	return nil
}

// EnvName is a client's name as it appears in its secret's environment
// variable, SECURITYINFO_RADIUS_<NAME>_SECRET: upper case, other than
// letters and digits as "_".
func EnvName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToUpper(r)
		}
		return '_'
	}, name)
}

// NewServer returns a server for clients (checked with Config) over svc.
func NewServer(clients []Client, svc Service, o Options) (*Server, error) {
	if err := Config(clients); err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	return &Server{clients: clients, svc: svc, log: o.Log, metrics: o.Metrics, answered: map[string]answer{}, slots: make(chan struct{}, 256)}, nil
}

// Serve answers requests read from conn until it is closed, then waits
// for the requests under way.
func (s *Server) Serve(conn net.PacketConn) error {
	defer s.inFlight.Wait()
	buf := make([]byte, radius.MaxPacketLength)
	for {
		n, from, err := conn.ReadFrom(buf)
		if errors.Is(err, net.ErrClosed) {
			return nil
		} else if err != nil {
			return err
		}
		raw := append([]byte(nil), buf[:n]...)
		select {
		case s.slots <- struct{}{}:
		default:
			s.metrics.drop("", "busy")
			continue // too many at once: the client retransmits
		}
		s.inFlight.Add(1)
		go func() {
			defer func() { <-s.slots; s.inFlight.Done() }()
			if out := s.handle(raw, from); out != nil {
				conn.WriteTo(out, from)
			}
		}()
	}
}

// client finds the client an address belongs to (nil: none).
func (s *Server) client(from net.Addr) *Client {
	ua, ok := from.(*net.UDPAddr)
	if !ok {
		return nil
	}
	addr, ok := netip.AddrFromSlice(ua.IP)
	if !ok {
		return nil
	}
	addr = addr.Unmap()
	for i := range s.clients {
		if s.clients[i].Address.Contains(addr) {
			return &s.clients[i]
		}
	}
	return nil
}

// handle decides one packet; nil means no answer.
func (s *Server) handle(raw []byte, from net.Addr) []byte {
	started := time.Now()
	c := s.client(from)
	if c == nil {
		s.metrics.drop("", "unknown_client")
		s.log.Warn("RADIUS request from an unknown address dropped", "from", from.String())
		return nil
	}
	if len(raw) < 20 || radius.Code(raw[0]) != radius.CodeAccessRequest && radius.Code(raw[0]) != radius.CodeStatusServer {
		s.metrics.drop(c.Name, "malformed")
		return nil
	}
	// Blast-RADIUS: nothing is read from a request, nor is it answered,
	// before its Message-Authenticator proves it came from the client. A
	// wrong shared secret fails here too, and is never answered.
	if err := checkMessageAuthenticator(raw, c.Secret); err != nil {
		s.metrics.drop(c.Name, "bad_authenticator")
		s.log.Warn("RADIUS request without a valid Message-Authenticator dropped (missing, or a wrong shared secret)", "client", c.Name, "from", from.String())
		return nil
	}
	req, err := radius.Parse(raw, c.Secret)
	if err != nil {
		s.metrics.drop(c.Name, "malformed")
		return nil
	}
	if req.Code == radius.CodeStatusServer {
		// RFC 5997: a NAS asks whether the server is up (to fail over
		// between servers); Access-Accept, signed like every answer.
		out, err := encodeResponse(req.Response(radius.CodeAccessAccept))
		if err != nil {
			return nil
		}
		s.metrics.observe(c.Name, "status", time.Since(started))
		return out
	}
	key := from.String() + "/" + hex.EncodeToString(raw[1:20])
	if out, seen := s.remember(key); seen {
		return out // a retransmission: the same answer, or none while busy
	}
	res, result := s.decide(c, req)
	var out []byte
	if res != nil {
		for _, ps := range req.Attributes {
			if ps.Type == rfc2865.ProxyState_Type {
				res.Attributes = append(res.Attributes, &radius.AVP{Type: ps.Type, Attribute: ps.Attribute})
			}
		}
		if out, err = encodeResponse(res); err != nil {
			s.log.Error("encode a RADIUS answer", "client", c.Name, "err", err)
			result = "error"
		}
	}
	s.keep(key, out)
	s.metrics.observe(c.Name, result, time.Since(started))
	return out
}

// remember reports whether key was seen recently, with its answer (nil
// while it is being decided); otherwise it marks key as being decided.
func (s *Server) remember(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if a, ok := s.answered[key]; ok && now.Sub(a.at) < keepAnswers {
		return a.raw, true
	}
	for k, a := range s.answered {
		if now.Sub(a.at) >= keepAnswers {
			delete(s.answered, k)
		}
	}
	s.answered[key] = answer{at: now}
	return nil, false
}

// keep records the answer to key (nil: none, so a retransmission is
// decided again).
func (s *Server) keep(key string, out []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if out == nil {
		delete(s.answered, key)
		return
	}
	s.answered[key] = answer{raw: out, at: time.Now()}
}

// decide answers an authentic Access-Request, and says how for the
// metrics. A nil answer is dropped (the store failed: the client may ask
// another server).
func (s *Server) decide(c *Client, req *radius.Packet) (*radius.Packet, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	caller := core.Caller{Kind: core.CallerRADIUS, ID: c.Name, Name: c.Name,
		Station: printable(rfc2865.CallingStationID_GetString(req), 64)}
	if ip := rfc2865.NASIPAddress_Get(req); ip != nil {
		caller.NASAddress = ip.String()
	}
	ctx = core.WithCaller(ctx, caller)
	name := rfc2865.UserName_GetString(req)
	password, err := rfc2865.UserPassword_LookupString(req)
	if name == "" || err != nil {
		return reject(req), "reject" // no PAP password (CHAP, EAP): not served
	}
	var res *radius.Packet
	if state := rfc2865.State_Get(req); state != nil {
		res, err = s.finish(ctx, c, req, name, state, password)
	} else if c.AppendCode {
		res, err = s.appended(ctx, c, req, name, password)
	} else {
		res, err = s.challenge(ctx, c, req, name, password)
	}
	switch {
	case core.ErrorCode(err) == core.EINTERNAL:
		s.log.Error("RADIUS request failed", "client", c.Name, "err", core.Redact(err.Error()))
		return nil, "error"
	case err != nil:
		return reject(req), "reject"
	}
	switch res.Code {
	case radius.CodeAccessAccept:
		return res, "accept"
	case radius.CodeAccessChallenge:
		return res, "challenge"
	}
	return res, "reject"
}

// reject is the one Access-Reject: it says nothing of why.
func reject(req *radius.Packet) *radius.Packet { return req.Response(radius.CodeAccessReject) }

// challenge checks the password and asks for the second step of the
// person's default method: the app's code, or a code sent to their phone.
func (s *Server) challenge(ctx context.Context, c *Client, req *radius.Packet, name, password string) (*radius.Packet, error) {
	step, err := s.svc.StartVerify(ctx, name, password)
	if err != nil {
		return nil, err
	}
	o := step.Options[0] // the default first
	st := state{signInID: step.SignInID, methodID: o.MethodID}
	msg := "Enter the code from your authenticator app"
	if o.Kind != core.KindAuthenticatorApp {
		ch, err := s.svc.SendVerifyCode(ctx, step.SignInID, o.MethodID, o.Channel)
		if err != nil {
			return nil, err
		}
		st.verificationID = ch.VerificationID
		msg = "We texted a code to " + ch.Destination
		if ch.Channel == core.ChannelVoice {
			msg = "We are calling " + ch.Destination + " with a code"
		}
	}
	res := req.Response(radius.CodeAccessChallenge)
	if err := rfc2865.State_Set(res, st.encode(c, name)); err != nil {
		return nil, err
	}
	if err := rfc2865.ReplyMessage_SetString(res, msg); err != nil {
		return nil, err
	}
	return res, nil
}

// finish checks the code answering a challenge.
func (s *Server) finish(ctx context.Context, c *Client, req *radius.Packet, name string, raw []byte, code string) (*radius.Packet, error) {
	st, ok := decodeState(c, name, raw)
	if !ok {
		// Forged, or another name's: nothing in it is trusted, so there
		// is no person to audit it against; it is logged.
		s.log.Warn("RADIUS request with a State not made for this client and name refused", "client", c.Name,
			"station", printable(rfc2865.CallingStationID_GetString(req), 64))
		return nil, core.Errorf(core.ENOTFOUND, "This sign-in has ended. Start again.")
	}
	r, err := s.svc.FinishVerify(ctx, st.signInID, st.methodID, st.verificationID, code)
	if err != nil {
		return nil, err
	}
	return s.accept(c, req, name, r)
}

// appended checks a password with the app's code after it.
func (s *Server) appended(ctx context.Context, c *Client, req *radius.Packet, name, typed string) (*radius.Packet, error) {
	p, err := s.svc.Policy(ctx)
	if err != nil {
		return nil, err
	}
	n := p.CodeLength // of an app's codes too (core.Enrolment.Digits)
	// Without n digits at the end there is no code: the whole is the
	// password, checked (and counted) as any, and the empty code is the
	// wrong one, so that this refusal is audited like the others.
	password, code := typed, ""
	if len(typed) > n && strings.IndexFunc(typed[len(typed)-n:], func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		password, code = typed[:len(typed)-n], typed[len(typed)-n:]
	}
	step, err := s.svc.StartVerify(ctx, name, password)
	if err != nil {
		return nil, err
	}
	o := step.Options[0]
	for _, x := range step.Options {
		if x.Kind == core.KindAuthenticatorApp {
			o = x // the default app, or the first app
			break
		}
	}
	r, err := s.svc.FinishVerify(ctx, step.SignInID, o.MethodID, "", code)
	if err != nil {
		return nil, err
	}
	return s.accept(c, req, name, r)
}

// accept is the Access-Accept for the person r names, with the client's
// role attributes. The person must be the one the request names: a State
// is bound to its name, and this checks it once more.
func (s *Server) accept(c *Client, req *radius.Packet, name string, r *core.VerifyResult) (*radius.Packet, error) {
	if norm, err := core.NormalizeAccountName(name); err != nil || norm != r.Account.Name {
		return nil, core.Errorf(core.EFORBIDDEN, "The code was for someone else.")
	}
	res := req.Response(radius.CodeAccessAccept)
	if c.ClassRole {
		if err := rfc2865.Class_Add(res, []byte("role="+string(r.Account.Role))); err != nil {
			return nil, err
		}
	}
	if f := c.FilterID[r.Account.Role]; f != "" {
		if err := rfc2865.FilterID_AddString(res, f); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// state is what an Access-Challenge's State names: the pending sign-in in
// the store (so any server on the same database can finish it), the
// method, and the code's verification ("" for an app). It is bound by an
// HMAC under the client's secret to the client and the person's name, so
// that it cannot be replayed by another client or for another name; the
// core also binds the pending sign-in to this client.
type state struct {
	signInID, methodID, verificationID string
}

func (st state) payload() string {
	return "v1." + st.signInID + "." + st.methodID + "." + st.verificationID
}

func stateMAC(c *Client, name, payload string) string {
	mac := hmac.New(sha256.New, c.Secret)
	fmt.Fprintf(mac, "%s\x00%s\x00%s", c.Name, strings.ToLower(name), payload)
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

func (st state) encode(c *Client, name string) []byte {
	p := st.payload()
	return []byte(p + "." + stateMAC(c, name, p))
}

func decodeState(c *Client, name string, raw []byte) (state, bool) {
	parts := strings.Split(string(raw), ".")
	if len(parts) != 5 || parts[0] != "v1" {
		return state{}, false
	}
	st := state{signInID: parts[1], methodID: parts[2], verificationID: parts[3]}
	if !hmac.Equal([]byte(stateMAC(c, name, st.payload())), []byte(parts[4])) {
		return state{}, false
	}
	return st, true
}

// printable keeps at most n printable characters of an attribute a client
// sent, for the audit log.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s)
	if len(s) > n {
		s = s[:n]
	}
	return s
}

// Metrics are the RADIUS server's Prometheus series: requests by client
// and result (accept, reject, challenge, error, or a drop's reason), and
// how long they took.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics makes the series; register them with Collectors.
func NewMetrics() *Metrics {
	return &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "securityinfo_radius_requests_total",
			Help: "RADIUS requests by client (\"\" for an unknown address) and result: accept, reject, challenge, error, status (Status-Server), or dropped_REASON."},
			[]string{"client", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "securityinfo_radius_request_duration_seconds",
			Help: "Time to decide a RADIUS Access-Request, by result.", Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
			[]string{"result"}),
	}
}

// Collectors are the series, for a prometheus.Registry.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.requests, m.latency}
}

func (m *Metrics) drop(client, why string) {
	m.requests.WithLabelValues(client, "dropped_"+why).Inc()
}

func (m *Metrics) observe(client, result string, took time.Duration) {
	m.requests.WithLabelValues(client, result).Inc()
	m.latency.WithLabelValues(result).Observe(took.Seconds())
}
