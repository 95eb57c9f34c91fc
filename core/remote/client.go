package remote

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// Client is core.Service over the API of a securityinfod, through the
// same route table as the server. The session token is the SessionID of
// the actor in each call's context (core.SessionActor), so the window and
// the command line use it exactly as they use the local service. Problems
// come back as *core.Error with the server's code, reason and words.
type Client struct {
	base string
	http *http.Client
}

var _ core.Service = (*Client)(nil)

// NewClient returns a client of the server at base ("https://host:8443").
// hc nil means a client with a 30-second timeout.
//
// Passwords and session tokens go only where base says, encrypted: base
// must be https://, or http:// to a loopback address (as securityinfod
// serves plain HTTP only there); anything else is refused with EINVALID
// before any request. Redirects are never followed, whatever hc says: a
// 3xx answer is an EUNAVAILABLE error, so a body and its token are never
// sent on to another address.
func NewClient(base string, hc *http.Client) (*Client, error) {
	if err := checkBase(base); err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	own := *hc // the caller's client keeps its own redirect policy
	own.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{base: strings.TrimRight(base, "/"), http: &own}, nil
}

// checkBase refuses a server address a password should not be sent to.
func checkBase(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
		return core.Errorf(core.EINVALID, "The server address %q is not a URL: use https://HOST:PORT.", base)
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return core.Errorf(core.EINVALID, "http://%s is not a loopback address, so passwords would cross the network unencrypted: use https://%s.", u.Host, u.Host)
	}
	return nil
}

// loopbackHost reports whether host names this machine only: localhost or
// a loopback IP address.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HTTPClient is the HTTP client of the window and the command line: a
// 30-second timeout and, when caFile is not "", only the certificates it
// holds (PEM) as roots, for a server behind a private CA.
func HTTPClient(caFile string) (*http.Client, error) {
	hc := &http.Client{Timeout: 30 * time.Second}
	if caFile == "" {
		return hc, nil
	}
	pool, err := core.CAPool("The CA file", caFile)
	if err != nil {
		return nil, err
	}
	hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return hc, nil
}

// route finds the route of an operation.
func route(op string) *Route {
	for i := range Routes {
		if Routes[i].Op == op {
			return &Routes[i]
		}
	}
	panic("remote: no route for " + op)
}

// call is one request: the operation, its path values (name, value
// pairs), the query, the body and where to decode the answer.
type call struct {
	op      string
	account string // the account of a /me route: sent as /users/{accountId}
	params  []string
	query   url.Values
	token   string     // overrides the actor's session
	basic   *[2]string // an application's client ID and secret (HTTP Basic), in place of a session
	body    any
	out     any
}

func (c *Client) do(ctx context.Context, k call) error {
	rt := route(k.op)
	path := rt.Path
	if rest, ok := strings.CutPrefix(path, "/me"); ok && rt.Account {
		path = "/users/" + url.PathEscape(k.account) + rest
	}
	for i := 0; i+1 < len(k.params); i += 2 {
		path = strings.Replace(path, "{"+k.params[i]+"}", url.PathEscape(k.params[i+1]), 1)
	}
	u := c.base + "/v1" + path
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return fmt.Errorf("%s: encode: %w", k.op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, rt.Method, u, body)
	if err != nil {
		return fmt.Errorf("%s: %w", k.op, err)
	}
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if d := core.DeviceFrom(ctx); d != "" {
		req.Header.Set("User-Agent", d) // the server names the session after it
	}
	token := k.token
	if a, ok := core.ActorFrom(ctx); ok && token == "" {
		token = a.SessionID
	}
	if k.basic != nil {
		req.SetBasicAuth(k.basic[0], k.basic[1])
	} else if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if t := core.SetupTokenFrom(ctx); t != "" && k.op == "CreateFirstAccount" {
		req.Header.Set(SetupTokenHeader, t)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return &core.Error{Code: core.EUNAVAILABLE, Message: "The Security info service can't be reached. Check the connection and try again."}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return &core.Error{Code: core.EUNAVAILABLE, Message: "The Security info service's answer was cut off. Try again."}
	}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return redirectError(c.base, res)
	}
	if res.StatusCode >= 300 {
		return problemError(res.StatusCode, raw)
	}
	if k.out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(raw, k.out); err != nil {
		return fmt.Errorf("%s: decode the answer: %w", k.op, err)
	}
	return nil
}

// redirectError is the error of a 3xx answer, which is not followed: the
// service itself never redirects, so the address is wrong or something
// between is answering for it.
func redirectError(base string, res *http.Response) error {
	to := res.Header.Get("Location")
	if len(to) > 200 {
		to = to[:200] + "…"
	}
	return core.Errorf(core.EUNAVAILABLE, "%s answered with a redirect (%d to %q), which is not followed so that passwords and tokens go only to the address given. "+
		"Check the server address: use the service's own https:// URL.", base, res.StatusCode, to)
}

// problemError turns a problem answer back into the core's error.
func problemError(status int, raw []byte) error {
	var p Problem
	if err := json.Unmarshal(raw, &p); err != nil || p.Code == "" {
		return fmt.Errorf("the service answered %d without a problem: %.200s", status, raw)
	}
	for k, v := range p.Args {
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			p.Args[k] = int(f) // JSON numbers, back to the core's ints
		}
	}
	return &core.Error{Code: p.Code, Message: p.Detail, Key: p.Reason, Args: p.Args}
}

// one makes a call whose answer is a T.
func one[T any](ctx context.Context, c *Client, k call) (*T, error) {
	var out T
	k.out = &out
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return &out, nil
}

// list makes a call whose answer is a list of T.
func list[T any](ctx context.Context, c *Client, k call) ([]T, error) {
	out := []T{}
	k.out = &out
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return out, nil
}

// NeedsFirstAccount implements core.Service; so do the methods below.
func (c *Client) NeedsFirstAccount(ctx context.Context) (bool, error) {
	var out firstAccountAnswer
	err := c.do(ctx, call{op: "NeedsFirstAccount", out: &out})
	return out.NeedsFirstAccount, err
}

func (c *Client) CreateFirstAccount(ctx context.Context, n core.NewAccount) (*core.Account, error) {
	return one[core.Account](ctx, c, call{op: "CreateFirstAccount", body: n})
}

func (c *Client) CreateAccount(ctx context.Context, n core.NewAccount) (*core.Account, error) {
	return one[core.Account](ctx, c, call{op: "CreateAccount", body: n})
}

func (c *Client) Accounts(ctx context.Context) ([]*core.Account, error) {
	return list[*core.Account](ctx, c, call{op: "Accounts"})
}

func (c *Client) AccountByName(ctx context.Context, name string) (*core.Account, error) {
	return one[core.Account](ctx, c, call{op: "AccountByName", params: []string{"name", name}})
}

func (c *Client) SecurityInfo(ctx context.Context, accountID string) (*core.SecurityInfo, error) {
	return one[core.SecurityInfo](ctx, c, call{op: "SecurityInfo", account: accountID})
}

func (c *Client) AvailableKinds(ctx context.Context, accountID string) ([]core.MethodKind, error) {
	return list[core.MethodKind](ctx, c, call{op: "AvailableKinds", account: accountID})
}

func (c *Client) DefaultChoices(ctx context.Context, accountID string) ([]core.DefaultChoice, error) {
	return list[core.DefaultChoice](ctx, c, call{op: "DefaultChoices", account: accountID})
}

func (c *Client) SetDefault(ctx context.Context, accountID, methodID string, channel core.Channel) (*core.DefaultChoice, error) {
	return one[core.DefaultChoice](ctx, c, call{op: "SetDefault", account: accountID, body: defaultBody{MethodID: methodID, Channel: channel}})
}

func (c *Client) RenameMethod(ctx context.Context, accountID, methodID, name string) (*core.Method, error) {
	var v core.MethodView
	if err := c.do(ctx, call{op: "RenameMethod", account: accountID, params: []string{"methodId", methodID}, body: renameBody{Name: name}, out: &v}); err != nil {
		return nil, err
	}
	m := &core.Method{ID: v.ID, AccountID: accountID, Kind: v.Kind, Detail: v.Detail, Extension: v.Extension, Channel: v.Channel,
		Name: v.Name, Language: v.Language, CreatedAt: v.CreatedAt}
	if v.LastUsedAt != nil {
		m.LastUsedAt = *v.LastUsedAt
	}
	return m, nil
}

func (c *Client) PreviewDelete(ctx context.Context, accountID, methodID string) (*core.DeletePreview, error) {
	return one[core.DeletePreview](ctx, c, call{op: "PreviewDelete", account: accountID, params: []string{"methodId", methodID}})
}

// DeleteMethod deletes (204) after asking what the deletion does, which
// it returns.
func (c *Client) DeleteMethod(ctx context.Context, accountID, methodID string) (*core.DeletePreview, error) {
	pv, err := c.PreviewDelete(ctx, accountID, methodID)
	if err != nil {
		return nil, err
	}
	return pv, c.do(ctx, call{op: "DeleteMethod", account: accountID, params: []string{"methodId", methodID}})
}

func (c *Client) CancelRemoval(ctx context.Context, accountID string) error {
	return c.do(ctx, call{op: "CancelRemoval", account: accountID})
}

func (c *Client) DeleteOwnAccessPass(ctx context.Context, accountID string) error {
	return c.do(ctx, call{op: "DeleteOwnAccessPass", account: accountID})
}

func (c *Client) ChangePassword(ctx context.Context, accountID, current, next string) error {
	return c.do(ctx, call{op: "ChangePassword", account: accountID, body: changePasswordBody{CurrentPassword: current, NewPassword: next}})
}

func (c *Client) RecentActivity(ctx context.Context, accountID string, limit int) ([]*core.AuditEvent, error) {
	return list[*core.AuditEvent](ctx, c, call{op: "RecentActivity", account: accountID, query: url.Values{"limit": {strconv.Itoa(limit)}}})
}

// ReplaceLostMethod implements core.Service.
func (c *Client) ReplaceLostMethod(ctx context.Context, accountID, methodID string) (*core.LostDevice, error) {
	return one[core.LostDevice](ctx, c, call{op: "ReplaceLostMethod", account: accountID, params: []string{"methodId", methodID}})
}

// ReportActivity implements core.Service.
func (c *Client) ReportActivity(ctx context.Context, accountID string, seq int64) (*core.ActivityReport, error) {
	return one[core.ActivityReport](ctx, c, call{op: "ReportActivity", account: accountID, params: []string{"seq", strconv.FormatInt(seq, 10)}})
}

// ActivityReports implements core.Service.
func (c *Client) ActivityReports(ctx context.Context, limit int) ([]*core.ActivityReport, error) {
	return list[*core.ActivityReport](ctx, c, call{op: "ActivityReports", query: url.Values{"limit": {strconv.Itoa(limit)}}})
}

func (c *Client) BeginPhone(ctx context.Context, accountID string, r core.PhoneRequest) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "BeginPhone", account: accountID, body: r})
}

func (c *Client) BeginEmail(ctx context.Context, accountID, address, language string) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "BeginEmail", account: accountID, body: emailBody{Address: address, Language: language}})
}

func (c *Client) BeginEmailChange(ctx context.Context, accountID, methodID, address, language string) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "BeginEmailChange", account: accountID, params: []string{"methodId", methodID},
		body: emailBody{Address: address, Language: language}})
}

func (c *Client) BeginAuthenticator(ctx context.Context, accountID, name string) (*core.Enrolment, error) {
	return one[core.Enrolment](ctx, c, call{op: "BeginAuthenticator", account: accountID, body: appBody{Name: name}})
}

func (c *Client) Confirm(ctx context.Context, accountID, verificationID, code string) (*core.MethodView, error) {
	return one[core.MethodView](ctx, c, call{op: "Confirm", account: accountID, params: []string{"verificationId", verificationID}, body: codeBody{Code: code}})
}

func (c *Client) Resend(ctx context.Context, accountID, verificationID string) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "Resend", account: accountID, params: []string{"verificationId", verificationID}})
}

func (c *Client) QuestionBank(ctx context.Context, lang string) ([]core.Question, error) {
	return list[core.Question](ctx, c, call{op: "QuestionBank", query: url.Values{"language": {lang}}})
}

func (c *Client) AddQuestions(ctx context.Context, accountID string, qas []core.QuestionAnswer) (*core.MethodView, error) {
	return one[core.MethodView](ctx, c, call{op: "AddQuestions", account: accountID, body: questionsBody{Questions: qas}})
}

func (c *Client) ChangeQuestions(ctx context.Context, accountID string, qas []core.QuestionAnswer) (*core.MethodView, error) {
	return one[core.MethodView](ctx, c, call{op: "ChangeQuestions", account: accountID, body: questionsBody{Questions: qas}})
}

func (c *Client) AddRecoveryCodes(ctx context.Context, accountID string) (*core.RecoveryCodes, error) {
	return one[core.RecoveryCodes](ctx, c, call{op: "AddRecoveryCodes", account: accountID})
}

func (c *Client) NewRecoveryCodes(ctx context.Context, accountID string) (*core.RecoveryCodes, error) {
	return one[core.RecoveryCodes](ctx, c, call{op: "NewRecoveryCodes", account: accountID})
}

func (c *Client) ProveMethod(ctx context.Context, accountID, methodID string, channel core.Channel) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "ProveMethod", account: accountID, params: []string{"methodId", methodID}, body: proveBody{Channel: channel}})
}

func (c *Client) VerifyCode(ctx context.Context, accountID, verificationID, code string) error {
	return c.do(ctx, call{op: "VerifyCode", account: accountID, params: []string{"verificationId", verificationID}, body: codeBody{Code: code}})
}

func (c *Client) VerifyAuthenticator(ctx context.Context, accountID, methodID, code string) error {
	return c.do(ctx, call{op: "VerifyAuthenticator", account: accountID, params: []string{"methodId", methodID}, body: codeBody{Code: code}})
}

func (c *Client) AskQuestions(ctx context.Context, accountID, lang string) (*core.QuestionChallenge, error) {
	return one[core.QuestionChallenge](ctx, c, call{op: "AskQuestions", account: accountID, body: askBody{Language: lang}})
}

func (c *Client) CheckAnswers(ctx context.Context, accountID, verificationID string, answers map[string]string) error {
	return c.do(ctx, call{op: "CheckAnswers", account: accountID, params: []string{"verificationId", verificationID}, body: answersBody{Answers: answers}})
}

func (c *Client) CheckAfterSignIn(ctx context.Context, accountID string) (*core.AfterSignIn, error) {
	return one[core.AfterSignIn](ctx, c, call{op: "CheckAfterSignIn", account: accountID})
}

func (c *Client) Sessions(ctx context.Context, accountID string) ([]core.SessionView, error) {
	return list[core.SessionView](ctx, c, call{op: "Sessions", account: accountID})
}

func (c *Client) EndSession(ctx context.Context, accountID, sessionID string) error {
	return c.do(ctx, call{op: "EndSession", account: accountID, params: []string{"sessionId", sessionID}})
}

func (c *Client) SignOutEverywhere(ctx context.Context, accountID string) error {
	return c.do(ctx, call{op: "SignOutEverywhere", account: accountID})
}

func (c *Client) SnoozeRegistration(ctx context.Context, accountID string) error {
	return c.do(ctx, call{op: "SnoozeRegistration", account: accountID})
}

func (c *Client) SkipReconfirm(ctx context.Context, accountID string) error {
	return c.do(ctx, call{op: "SkipReconfirm", account: accountID})
}

func (c *Client) ConfirmSecurityInfo(ctx context.Context, accountID string) error {
	return c.do(ctx, call{op: "ConfirmSecurityInfo", account: accountID})
}

func (c *Client) SignIn(ctx context.Context, name, password string) (*core.SignInStep, error) {
	return one[core.SignInStep](ctx, c, call{op: "SignIn", body: signInBody{Name: name, Password: password}})
}

func (c *Client) SendSignInCode(ctx context.Context, signInID, methodID string, channel core.Channel) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "SendSignInCode", params: []string{"signInId", signInID}, body: signInCodeBody{MethodID: methodID, Channel: channel}})
}

func (c *Client) FinishSignIn(ctx context.Context, signInID, methodID, verificationID, code string) (*core.SignInStep, error) {
	return one[core.SignInStep](ctx, c, call{op: "FinishSignIn", params: []string{"signInId", signInID},
		body: finishSignInBody{MethodID: methodID, VerificationID: verificationID, Code: code}})
}

func (c *Client) ResumeSession(ctx context.Context, sessionID string) (*core.SignedIn, error) {
	return one[core.SignedIn](ctx, c, call{op: "ResumeSession", token: sessionID})
}

func (c *Client) SignOut(ctx context.Context, sessionID string) error {
	return c.do(ctx, call{op: "SignOut", token: sessionID})
}

func (c *Client) StartReset(ctx context.Context, name string) (*core.ResetState, error) {
	return one[core.ResetState](ctx, c, call{op: "StartReset", body: startResetBody{Name: name}})
}

func (c *Client) ResetSendCode(ctx context.Context, resetID, optionID string) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "ResetSendCode", params: []string{"resetId", resetID}, body: resetOptionBody{OptionID: optionID}})
}

func (c *Client) ResetVerify(ctx context.Context, resetID, optionID, verificationID, code string) (*core.ResetState, error) {
	return one[core.ResetState](ctx, c, call{op: "ResetVerify", params: []string{"resetId", resetID},
		body: resetOptionBody{OptionID: optionID, VerificationID: verificationID, Code: code}})
}

func (c *Client) ResetQuestions(ctx context.Context, resetID, optionID, lang string) (*core.QuestionChallenge, error) {
	return one[core.QuestionChallenge](ctx, c, call{op: "ResetQuestions", params: []string{"resetId", resetID}, body: resetOptionBody{OptionID: optionID, Language: lang}})
}

func (c *Client) ResetAnswer(ctx context.Context, resetID, optionID, verificationID string, answers map[string]string) (*core.ResetState, error) {
	return one[core.ResetState](ctx, c, call{op: "ResetAnswer", params: []string{"resetId", resetID},
		body: resetOptionBody{OptionID: optionID, VerificationID: verificationID, Answers: answers}})
}

// ResetKeyChallenge asks for a challenge for the reset's key option.
func (c *Client) ResetKeyChallenge(ctx context.Context, resetID, optionID string) (*core.KeyChallenge, error) {
	return one[core.KeyChallenge](ctx, c, call{op: "ResetKeyChallenge", params: []string{"resetId", resetID}, body: resetOptionBody{OptionID: optionID}})
}

// ResetKeyVerify sends the key's assertion for the reset.
func (c *Client) ResetKeyVerify(ctx context.Context, resetID, optionID, verificationID string, r core.KeyAssertion) (*core.ResetState, error) {
	return one[core.ResetState](ctx, c, call{op: "ResetKeyVerify", params: []string{"resetId", resetID, "verificationId", verificationID},
		body: resetKeyBody{OptionID: optionID, Assertion: r}})
}

func (c *Client) ResetPassword(ctx context.Context, resetID, password string) error {
	return c.do(ctx, call{op: "ResetPassword", params: []string{"resetId", resetID}, body: passwordBody{Password: password}})
}

func (c *Client) AuditLog(ctx context.Context, f core.AuditFilter) ([]*core.AuditEvent, error) {
	q := url.Values{}
	if f.AccountID != "" {
		q.Set("accountId", f.AccountID)
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return list[*core.AuditEvent](ctx, c, call{op: "AuditLog", query: q})
}

func (c *Client) VerifyAudit(ctx context.Context) (*core.AuditReport, error) {
	return one[core.AuditReport](ctx, c, call{op: "VerifyAudit"})
}

// RecordOutboxView audits an administrator reading every account's
// messages in a local outbox.
func (c *Client) RecordOutboxView(ctx context.Context) error {
	return c.do(ctx, call{op: "RecordOutboxView"})
}

func (c *Client) Policy(ctx context.Context) (*core.Policy, error) {
	return one[core.Policy](ctx, c, call{op: "Policy"})
}

func (c *Client) SetPolicy(ctx context.Context, pairs []string) (*core.Policy, error) {
	return one[core.Policy](ctx, c, call{op: "SetPolicy", body: policyBody{Set: pairs}})
}

// SignInWithPass signs in with a Temporary Access Pass.
func (c *Client) SignInWithPass(ctx context.Context, name, pass string) (*core.SignInStep, error) {
	return one[core.SignInStep](ctx, c, call{op: "SignInWithPass", body: passSignInBody{Name: name, Pass: pass}})
}

// BeginIdentityCheck starts the help desk's check of who is asking.
func (c *Client) BeginIdentityCheck(ctx context.Context, accountID, methodID string) (*core.Challenge, error) {
	return one[core.Challenge](ctx, c, call{op: "BeginIdentityCheck", params: []string{"accountId", accountID}, body: identityCheckBody{MethodID: methodID}})
}

// FinishIdentityCheck checks the code the person read out.
func (c *Client) FinishIdentityCheck(ctx context.Context, accountID, verificationID, code string) (*core.IdentityProof, error) {
	return one[core.IdentityProof](ctx, c, call{op: "FinishIdentityCheck", params: []string{"accountId", accountID, "verificationId", verificationID},
		body: codeBody{Code: code}})
}

// HelpdeskPerson reads one person as the help desk sees them.
func (c *Client) HelpdeskPerson(ctx context.Context, accountID string) (*core.HelpdeskPerson, error) {
	return one[core.HelpdeskPerson](ctx, c, call{op: "HelpdeskPerson", params: []string{"accountId", accountID}})
}

// CreateAccessPass creates the account's Temporary Access Pass.
func (c *Client) CreateAccessPass(ctx context.Context, accountID string, r core.AccessPassRequest) (*core.NewAccessPass, error) {
	return one[core.NewAccessPass](ctx, c, call{op: "CreateAccessPass", params: []string{"accountId", accountID}, body: r})
}

// DeleteAccessPass deletes the account's pass.
func (c *Client) DeleteAccessPass(ctx context.Context, accountID, reason string) error {
	return c.do(ctx, call{op: "DeleteAccessPass", params: []string{"accountId", accountID}, body: reasonBody{Reason: reason}})
}

// UnlockAccount clears the account's lockouts.
func (c *Client) UnlockAccount(ctx context.Context, accountID, reason string) error {
	return c.do(ctx, call{op: "UnlockAccount", params: []string{"accountId", accountID}, body: reasonBody{Reason: reason}})
}

// RevokeSessions signs the account out everywhere.
func (c *Client) RevokeSessions(ctx context.Context, accountID, reason string) error {
	return c.do(ctx, call{op: "RevokeSessions", params: []string{"accountId", accountID}, body: reasonBody{Reason: reason}})
}

// SearchAccounts finds people for the help desk.
func (c *Client) SearchAccounts(ctx context.Context, q core.AccountSearch) ([]core.AccountSummary, error) {
	v := url.Values{"search": {q.Text}}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.After != "" {
		v.Set("after", q.After)
	}
	return list[core.AccountSummary](ctx, c, call{op: "SearchAccounts", query: v})
}

// RequireReregistration removes the account's phones and apps and asks
// for registration at the next sign-in.
func (c *Client) RequireReregistration(ctx context.Context, accountID, reason string) error {
	return c.do(ctx, call{op: "RequireReregistration", params: []string{"accountId", accountID}, body: reasonBody{Reason: reason}})
}

// DeleteMethodForPerson deletes one method of a verified person.
func (c *Client) DeleteMethodForPerson(ctx context.Context, accountID, methodID, reason string) (*core.DeletePreview, error) {
	return one[core.DeletePreview](ctx, c, call{op: "DeleteMethodForPerson", params: []string{"accountId", accountID, "methodId", methodID},
		body: reasonBody{Reason: reason}})
}

// ResetPasswordForPerson sets a temporary password for a verified person.
func (c *Client) ResetPasswordForPerson(ctx context.Context, accountID, reason string) (*core.TemporaryPassword, error) {
	return one[core.TemporaryPassword](ctx, c, call{op: "ResetPasswordForPerson", params: []string{"accountId", accountID}, body: reasonBody{Reason: reason}})
}

// RequestApproval asks a second agent's approval.
func (c *Client) RequestApproval(ctx context.Context, accountID string, r core.ApprovalRequest) (*core.Approval, error) {
	return one[core.Approval](ctx, c, call{op: "RequestApproval", params: []string{"accountId", accountID}, body: r})
}

// PendingApprovals lists the requests the caller may approve.
func (c *Client) PendingApprovals(ctx context.Context) ([]core.Approval, error) {
	return list[core.Approval](ctx, c, call{op: "PendingApprovals"})
}

// Approve approves another agent's request.
func (c *Client) Approve(ctx context.Context, approvalID string) (*core.Approval, error) {
	return one[core.Approval](ctx, c, call{op: "Approve", params: []string{"approvalId", approvalID}})
}

// ApprovalStatus reads a request.
func (c *Client) ApprovalStatus(ctx context.Context, approvalID string) (*core.Approval, error) {
	return one[core.Approval](ctx, c, call{op: "ApprovalStatus", params: []string{"approvalId", approvalID}})
}

// BeginSecurityKey asks for a challenge to register a security key.
func (c *Client) BeginSecurityKey(ctx context.Context, accountID string) (*core.KeyChallenge, error) {
	return one[core.KeyChallenge](ctx, c, call{op: "BeginSecurityKey", account: accountID})
}

// ConfirmSecurityKey sends the key's attestation.
func (c *Client) ConfirmSecurityKey(ctx context.Context, accountID, verificationID string, r core.KeyRegistration) (*core.MethodView, error) {
	return one[core.MethodView](ctx, c, call{op: "ConfirmSecurityKey", account: accountID, params: []string{"verificationId", verificationID}, body: r})
}

// BeginKeySignIn asks for a challenge for the second step with a key.
func (c *Client) BeginKeySignIn(ctx context.Context, signInID string) (*core.KeyChallenge, error) {
	return one[core.KeyChallenge](ctx, c, call{op: "BeginKeySignIn", params: []string{"signInId", signInID}})
}

// FinishKeySignIn sends the key's assertion.
func (c *Client) FinishKeySignIn(ctx context.Context, signInID, verificationID string, r core.KeyAssertion) (*core.SignInStep, error) {
	return one[core.SignInStep](ctx, c, call{op: "FinishKeySignIn", params: []string{"signInId", signInID, "verificationId", verificationID}, body: r})
}

// CreateApplication registers an application for the verify API.
func (c *Client) CreateApplication(ctx context.Context, name string) (*core.NewApplication, error) {
	return one[core.NewApplication](ctx, c, call{op: "CreateApplication", body: applicationBody{Name: name}})
}

// Applications lists the registered applications.
func (c *Client) Applications(ctx context.Context) ([]*core.Application, error) {
	return list[*core.Application](ctx, c, call{op: "Applications"})
}

// DeleteApplication removes an application.
func (c *Client) DeleteApplication(ctx context.Context, id string) error {
	return c.do(ctx, call{op: "DeleteApplication", params: []string{"applicationId", id}})
}

// AppClient is core.VerifyService over the verify API: an application
// authenticated with its client ID and secret (HTTP Basic), through the
// same route table as the server.
type AppClient struct {
	c          *Client
	id, secret string
}

var _ core.VerifyService = (*AppClient)(nil)

// NewAppClient returns the verify API of the server at base for the
// application id with its secret; base must be https:// (or http:// to a
// loopback address), as for NewClient.
func NewAppClient(base, id, secret string, hc *http.Client) (*AppClient, error) {
	c, err := NewClient(base, hc)
	if err != nil {
		return nil, err
	}
	return &AppClient{c: c, id: id, secret: secret}, nil
}

func (a *AppClient) StartVerify(ctx context.Context, name, password string) (*core.VerifyStep, error) {
	return one[core.VerifyStep](ctx, a.c, call{op: "StartVerify", basic: a.basic(), body: verifyStartBody{Name: name, Password: password}})
}

func (a *AppClient) SendVerifyCode(ctx context.Context, signInID, methodID string, channel core.Channel) (*core.Challenge, error) {
	return one[core.Challenge](ctx, a.c, call{op: "SendVerifyCode", basic: a.basic(), params: []string{"signInId", signInID},
		body: signInCodeBody{MethodID: methodID, Channel: channel}})
}

func (a *AppClient) FinishVerify(ctx context.Context, signInID, methodID, verificationID, code string) (*core.VerifyResult, error) {
	return one[core.VerifyResult](ctx, a.c, call{op: "FinishVerify", basic: a.basic(), params: []string{"signInId", signInID},
		body: finishSignInBody{MethodID: methodID, VerificationID: verificationID, Code: code}})
}

func (a *AppClient) basic() *[2]string { return &[2]string{a.id, a.secret} }
