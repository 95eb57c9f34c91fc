package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// SetupTokenHeader carries the setup token that lets another machine
// create the first account (core.WithSetupToken).
const SetupTokenHeader = "Setup-Token"

// ProblemType is the content type of every error answer (RFC 9457).
const ProblemType = "application/problem+json"

// Problem is an error answer: RFC 9457 problem details with the core's
// stable error code and reason, and the tries left or the wait where they
// apply.
type Problem struct {
	Type              string         `json:"type"`
	Title             string         `json:"title"`
	Status            int            `json:"status"`
	Detail            string         `json:"detail"`
	Code              string         `json:"code"`
	Reason            string         `json:"reason,omitempty"`
	Args              map[string]any `json:"args,omitempty"`
	TriesLeft         *int           `json:"triesLeft,omitempty"`
	RetryAfterSeconds *int           `json:"retryAfterSeconds,omitempty"`
}

// Server serves core.Service over HTTP with the routes of Routes.
type Server struct {
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (clientAddr); set before serving.
	TrustedProxies []netip.Prefix

	svc     core.Service
	apps    appVerifier // nil when svc is not one (the verify API answers 503)
	log     *slog.Logger
	routes  *http.ServeMux
	metrics *metrics
}

// NewServer returns the API over svc; log gets failures (never a secret:
// bodies are not logged).
func NewServer(svc core.Service, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, routes: http.NewServeMux(), metrics: newMetrics()}
	s.apps, _ = svc.(appVerifier)
	for i := range Routes {
		rt := &Routes[i]
		for _, p := range rt.Patterns() {
			s.routes.Handle(rt.Method+" "+p, s.handler(rt))
		}
	}
	s.routes.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(OpenAPI())
	})
	return s
}

// Patterns are the paths a route is served at: its own, and for a route
// of one's own account the same under /users/{accountId}.
func (rt *Route) Patterns() []string {
	out := []string{"/v1" + rt.Path}
	if rest, ok := strings.CutPrefix(rt.Path, "/me"); ok && rt.Account {
		out = append(out, "/v1/users/{accountId}"+rest)
	}
	return out
}

var methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// ServeHTTP implements http.Handler. A path that is not served, or a
// method it does not allow, is answered as a problem too.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.routes.Handler(r); pattern != "" {
		s.routes.ServeHTTP(w, r) // which sets the path's values
		return
	}
	var allowed []string
	for _, m := range methods {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pattern := s.routes.Handler(r2); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		s.problem(w, core.Errorf(core.ENOTFOUND, "There is no %s here. See /v1/openapi.json.", r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	s.writeProblem(w, Problem{Type: "about:blank", Title: "Method Not Allowed", Status: http.StatusMethodNotAllowed, Code: core.EINVALID,
		Detail: fmt.Sprintf("%s is not allowed on %s; allowed: %s.", r.Method, r.URL.Path, strings.Join(allowed, ", "))})
}

// actor is who a bearer token claims to be. A token naming its account
// (core.TokenAccount) is not looked up here: the service checks the
// session, and reads the name and role, inside the request's own
// transaction (its onAccount gate and caller), as it does for every actor,
// so a request on one's own account is one transaction. An older token is
// resumed first.
func (s *Server) actor(ctx context.Context, token string) (core.Actor, error) {
	if id, ok := core.TokenAccount(token); ok {
		return core.Actor{AccountID: id, SessionID: token, Source: "api"}, nil
	}
	who, err := s.svc.ResumeSession(ctx, token)
	if err != nil {
		return core.Actor{}, err
	}
	return core.SessionActor(who.Session, who.Account, "api"), nil
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return ""
}

func (s *Server) handler(rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		raw, err := readBody(w, r)
		if err != nil {
			s.problem(w, err)
			return
		}
		if ua := r.Header.Get("User-Agent"); ua != "" {
			ctx = core.WithDevice(ctx, ua)
		}
		if addr := s.clientAddr(r); addr != "" {
			ctx = core.WithClient(ctx, addr) // limits per address
		}
		if s.fromThisMachine(r) {
			ctx = core.WithThisMachine(ctx)
		}
		if t := r.Header.Get(SetupTokenHeader); t != "" {
			ctx = core.WithSetupToken(ctx, t)
		}
		in := &input{path: r.PathValue, query: r.URL.Query().Get, token: bearer(r), accountID: r.PathValue("accountId"),
			decode: func(v any) error { return decodeBody(raw, v) }}
		if rt.App {
			app, err := s.application(ctx, r)
			if err != nil {
				s.metrics.observeApp(rt, "", err, s.problem(w, err))
				return
			}
			ctx = core.WithCaller(ctx, core.Caller{Kind: core.CallerApplication, ID: app.ID, Name: app.Name})
			in.app = app.Name
		}
		if rt.Actor {
			if in.token == "" {
				s.problem(w, core.Reason(core.EFORBIDDEN, "signin.first", nil))
				return
			}
			a, err := s.actor(ctx, in.token)
			if err != nil {
				s.problem(w, err)
				return
			}
			ctx = core.WithActor(ctx, a)
			if in.accountID == "" {
				in.accountID = a.AccountID
			}
		}
		started := time.Now()
		var out any
		if rt.App {
			out, err = rt.verify(ctx, s.apps, in)
		} else {
			out, err = rt.call(ctx, s.svc, in)
		}
		status := rt.Status
		if err != nil {
			status = s.problem(w, err)
		}
		s.metrics.observe(rt, out, err, status, time.Since(started))
		if rt.App {
			s.metrics.observeApp(rt, in.app, err, status)
		}
		if err != nil {
			return
		}
		if rt.Status == http.StatusNoContent {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		b, err := json.Marshal(out)
		if err != nil {
			s.problem(w, fmt.Errorf("encode %s: %w", rt.Op, err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rt.Status)
		w.Write(append(b, '\n'))
	})
}

// readBody reads at most MaxBody bytes of a JSON body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.ContentLength == 0 {
		return nil, nil
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errBodyTooLarge
	} else if err != nil {
		return nil, core.Errorf(core.EINVALID, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, core.Errorf(core.EINVALID, "Send the request body as application/json.")
	}
	return raw, nil
}

// errBodyTooLarge is answered 413.
var errBodyTooLarge = core.Errorf(core.EINVALID, "The request body is larger than %d KiB.", MaxBody>>10)

// decodeBody decodes raw into v, refusing unknown fields and trailing data;
// an empty body is an empty object. Its errors name the JSON field and the
// JSON type expected, never a Go type or struct (whose names would tell a
// prober about the implementation).
func decodeBody(raw []byte, v any) error {
	if raw == nil {
		raw = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	if dec.More() {
		return core.Errorf(core.EINVALID, "The request body has more than one JSON value.")
	}
	return nil
}

// bodyError words a decoding error for the person who sent the body.
func bodyError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return core.Errorf(core.EINVALID, "The request body is not valid JSON.")
	case errors.As(err, &typ) && typ.Field == "":
		return core.Errorf(core.EINVALID, "The request body must be a JSON object.")
	case errors.As(err, &typ):
		return core.Errorf(core.EINVALID, "The request body is not valid: field %s has the wrong type (expected %s).", typ.Field, jsonType(typ.Type))
	}
	// encoding/json words an unknown field only in its message.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, err := strconv.Unquote(name); err == nil {
			name = n
		}
		if len(name) > 64 {
			name = name[:64] + "…"
		}
		return core.Errorf(core.EINVALID, "The request body is not valid: unknown field %q.", name)
	}
	return core.Errorf(core.EINVALID, "The request body is not valid: a value has the wrong form.")
}

// jsonType is the JSON type a Go type is decoded from.
func jsonType(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "base64 string" // encoding/json's []byte
		}
		return "array"
	case reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "a value"
}

// problem answers err as RFC 9457 problem details. Anything that is not a
// *core.Error is logged and answered "Internal error.".
func (s *Server) problem(w http.ResponseWriter, err error) int {
	code := core.ErrorCode(err)
	switch {
	case code == core.EINTERNAL && errors.Is(err, context.Canceled):
		// The client went away (closed the connection, timed out):
		// nothing failed here, and no one reads the answer.
		s.log.Info("request abandoned by the client", "err", core.Redact(err.Error()))
	case code == core.EINTERNAL:
		s.log.Error("request failed", "err", core.Redact(err.Error()))
	}
	p := Problem{Type: "about:blank", Status: statusOf(code), Detail: core.ErrorMessage(err), Code: code}
	p.Reason, p.Args = core.ErrorReason(err)
	if p.Reason == "signin.first" || strings.HasPrefix(p.Reason, "session.") && code == core.EEXPIRED {
		p.Status = http.StatusUnauthorized
	}
	if p.Reason == appAuthReason {
		p.Status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Basic realm="securityinfo verify", charset="UTF-8"`)
	}
	if errors.Is(err, errBodyTooLarge) {
		p.Status = http.StatusRequestEntityTooLarge
	}
	if left, ok := p.Args["Left"].(int); ok {
		p.TriesLeft = &left
	}
	if secs, ok := p.Args["Seconds"].(int); ok {
		p.RetryAfterSeconds = &secs
		w.Header().Set("Retry-After", fmt.Sprint(secs))
	}
	p.Title = http.StatusText(p.Status)
	s.writeProblem(w, p)
	return p.Status
}

func (s *Server) writeProblem(w http.ResponseWriter, p Problem) {
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", ProblemType)
	w.Header().Del("Content-Length")
	w.WriteHeader(p.Status)
	w.Write(append(b, '\n'))
}

// appVerifier is what the verify API needs of the service: the checks
// themselves, and the applications' secrets (core.Local).
type appVerifier interface {
	core.VerifyService
	AuthenticateApplication(ctx context.Context, id, secret string) (*core.Application, error)
}

// appAuthReason is the reason of a wrong or missing application secret,
// answered 401.
const appAuthReason = "application.wrongSecret"

// application authenticates the application calling a verify route: HTTP
// Basic with its client ID and secret, over TLS (or from this machine, or
// from a trusted proxy that says the client used https).
func (s *Server) application(ctx context.Context, r *http.Request) (*core.Application, error) {
	if s.apps == nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "This server does not offer the verify API.")
	}
	if !s.encrypted(r) {
		return nil, core.Errorf(core.EFORBIDDEN, "Call the verify API over HTTPS: the application's secret and people's passwords must not cross the network unencrypted.")
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		return nil, core.Reason(core.EFORBIDDEN, appAuthReason, nil)
	}
	return s.apps.AuthenticateApplication(ctx, id, secret)
}

// encrypted reports whether r reached the service encrypted, or never
// left this machine.
func (s *Server) encrypted(r *http.Request) bool {
	if r.TLS != nil || s.fromThisMachine(r) {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	peer, err := netip.ParseAddr(host)
	return err == nil && s.trusted(peer) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
