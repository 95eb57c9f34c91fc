// Package remote is the HTTP/JSON face of core.Service: one route table
// (this file) that drives the server (server.go), the OpenAPI document
// (openapi.go) and the client that implements core.Service over
// the same routes. Resources follow Microsoft Graph's authentication
// methods API: /v1/me/authentication/... for one's own security info and
// /v1/users/{id}/authentication/... for an administrator or the help desk.
// Errors are RFC 9457 problem details whose "code" is the core's error code.
package remote

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/securityinfo/securityinfo/core"
)

// Route is one operation of the API.
type Route struct {
	Method string // GET, POST, PUT, PATCH, DELETE
	// Path is the path after /v1, with {name} parameters. Routes of one's
	// own account start with "/me"; each is served under
	// "/users/{accountId}" too (see Account).
	Path    string
	Op      string // the core.Service method it calls
	Summary string
	Status  int // the status of a success: 200, 201 or 204
	// Actor: the call needs a signed-in session (a bearer token).
	Actor bool
	// Account: the path is under /me and also /users/{accountId}.
	Account bool
	// Body is an example of the request body (nil: none), Out of the
	// answer (nil: none); the OpenAPI document names their types.
	Body, Out any
	call      func(ctx context.Context, svc core.Service, in *input) (any, error)
	// App: the call is an application's (verify.go), authenticated with
	// HTTP Basic (its client ID and secret) instead of a session, over
	// TLS except from this machine; it calls verify instead of call.
	App    bool
	verify func(ctx context.Context, svc core.VerifyService, in *input) (any, error)
}

// input is what a handler gets from a request.
type input struct {
	accountID string // the account of a /me or /users/{id} route
	path      func(string) string
	query     func(string) string
	decode    func(v any) error
	token     string
	app       string // the application calling a verify route
}

// Request bodies.
type (
	signInBody struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	signInCodeBody struct {
		MethodID string       `json:"methodId"`
		Channel  core.Channel `json:"channel,omitempty"`
	}
	finishSignInBody struct {
		MethodID       string `json:"methodId"`
		VerificationID string `json:"verificationId,omitempty"`
		Code           string `json:"code"`
	}
	startResetBody struct {
		Name string `json:"name"`
	}
	resetOptionBody struct {
		OptionID       string            `json:"optionId"`
		VerificationID string            `json:"verificationId,omitempty"`
		Code           string            `json:"code,omitempty"`
		Language       string            `json:"language,omitempty"`
		Answers        map[string]string `json:"answers,omitempty"`
	}
	resetKeyBody struct {
		OptionID  string            `json:"optionId"`
		Assertion core.KeyAssertion `json:"assertion"`
	}
	passwordBody struct {
		Password string `json:"password"`
	}
	changePasswordBody struct {
		CurrentPassword string `json:"currentPassword"`
		NewPassword     string `json:"newPassword"`
	}
	policyBody struct {
		Set []string `json:"set"` // KEY=VALUE pairs, all or nothing
	}
	defaultBody struct {
		MethodID string       `json:"methodId"`
		Channel  core.Channel `json:"channel,omitempty"`
	}
	renameBody struct {
		Name string `json:"name"`
	}
	emailBody struct {
		Address  string `json:"address"`
		Language string `json:"language,omitempty"`
	}
	appBody struct {
		Name string `json:"name,omitempty"`
	}
	questionsBody struct {
		Questions []core.QuestionAnswer `json:"questions"`
	}
	codeBody struct {
		Code string `json:"code"`
	}
	proveBody struct {
		Channel core.Channel `json:"channel,omitempty"`
	}
	askBody struct {
		Language string `json:"language,omitempty"`
	}
	answersBody struct {
		Answers map[string]string `json:"answers"`
	}
	passSignInBody struct {
		Name string `json:"name"`
		Pass string `json:"pass"`
	}
	identityCheckBody struct {
		MethodID string `json:"methodId"`
	}
	reasonBody struct {
		Reason string `json:"reason"`
	}
	firstAccountAnswer struct {
		NeedsFirstAccount bool `json:"needsFirstAccount"`
	}
)

// body decodes the request body into a new T.
func body[T any](in *input) (T, error) {
	var v T
	err := in.decode(&v)
	return v, err
}

// limitOf reads the "limit" query parameter (0: none).
func limitOf(in *input) (int, error) {
	s := in.query("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, core.Errorf(core.EINVALID, "limit must be a whole number of 0 or more, not %q.", s)
	}
	return n, nil
}

// none is the answer of a call that returns only an error.
func none(err error) (any, error) { return nil, err }

// Routes is the API, in the order of the OpenAPI document.
var Routes = slices.Concat(selfRoutes, helpdeskRoutes, applicationRoutes, verifyRoutes)

// Request bodies of the verify API and the applications.
type (
	verifyStartBody struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	applicationBody struct {
		Name string `json:"name"`
	}
)

// applicationRoutes are the administrators' list of the applications
// that may use the verify API.
var applicationRoutes = []Route{
	{Method: "POST", Path: "/applications", Op: "CreateApplication", Status: 201, Actor: true, Body: applicationBody{}, Out: core.NewApplication{},
		Summary: "Register an application for the verify API (administrators): its client ID, and its secret shown this once.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[applicationBody](in)
			if err != nil {
				return nil, err
			}
			return svc.CreateApplication(ctx, b.Name)
		}},
	{Method: "GET", Path: "/applications", Op: "Applications", Status: 200, Actor: true, Out: []core.Application{},
		Summary: "The registered applications (administrators); never their secrets.",
		call:    func(ctx context.Context, svc core.Service, in *input) (any, error) { return svc.Applications(ctx) }},
	{Method: "DELETE", Path: "/applications/{applicationId}", Op: "DeleteApplication", Status: 204, Actor: true,
		Summary: "Remove an application (administrators): its secret stops working at once.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.DeleteApplication(ctx, in.path("applicationId")))
		}},
}

// verifyRoutes are the verify API: an application, authenticated as
// itself, drives a person's two-step check and learns only the answer.
var verifyRoutes = []Route{
	{Method: "POST", Path: "/verify/signIns", Op: "StartVerify", Status: 200, App: true, Body: verifyStartBody{}, Out: core.VerifyStep{},
		Summary: "Check a person's name and password: the second-step choices (masked), or a refusal that never says which step failed.",
		verify: func(ctx context.Context, svc core.VerifyService, in *input) (any, error) {
			b, err := body[verifyStartBody](in)
			if err != nil {
				return nil, err
			}
			return svc.StartVerify(ctx, b.Name, b.Password)
		}},
	{Method: "POST", Path: "/verify/signIns/{signInId}/codes", Op: "SendVerifyCode", Status: 201, App: true, Body: signInCodeBody{}, Out: core.Challenge{},
		Summary: "Send a code to the person's phone for a check this application started.",
		verify: func(ctx context.Context, svc core.VerifyService, in *input) (any, error) {
			b, err := body[signInCodeBody](in)
			if err != nil {
				return nil, err
			}
			return svc.SendVerifyCode(ctx, in.path("signInId"), b.MethodID, b.Channel)
		}},
	{Method: "POST", Path: "/verify/signIns/{signInId}/finish", Op: "FinishVerify", Status: 200, App: true, Body: finishSignInBody{}, Out: core.VerifyResult{},
		Summary: "Check the second step: accepted, with the person's name, display name and role.",
		verify: func(ctx context.Context, svc core.VerifyService, in *input) (any, error) {
			b, err := body[finishSignInBody](in)
			if err != nil {
				return nil, err
			}
			return svc.FinishVerify(ctx, in.path("signInId"), b.MethodID, b.VerificationID, b.Code)
		}},
}

// helpdeskRoutes are the help desk's operations on another account.
var helpdeskRoutes = []Route{
	{Method: "GET", Path: "/helpdesk/accounts", Op: "SearchAccounts", Status: 200, Actor: true, Out: []core.AccountSummary{},
		Summary: "Find people by the start of a name or the last digits of a phone (?search=, &limit=, &after=); methods masked.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			limit, err := limitOf(in)
			if err != nil {
				return nil, err
			}
			return svc.SearchAccounts(ctx, core.AccountSearch{Text: in.query("search"), Limit: limit, After: in.query("after")})
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/identityChecks", Op: "BeginIdentityCheck", Status: 201, Actor: true, Body: identityCheckBody{}, Out: core.Challenge{},
		Summary: "Start proving who is asking: a code to one of the account's phones or addresses, or the app's current code read out.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[identityCheckBody](in)
			if err != nil {
				return nil, err
			}
			return svc.BeginIdentityCheck(ctx, in.accountID, b.MethodID)
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/identityChecks/{verificationId}/finish", Op: "FinishIdentityCheck", Status: 200, Actor: true, Body: codeBody{}, Out: core.IdentityProof{},
		Summary: "Check the code the person read out: verified for 10 minutes, for this agent.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[codeBody](in)
			if err != nil {
				return nil, err
			}
			return svc.FinishIdentityCheck(ctx, in.accountID, in.path("verificationId"), b.Code)
		}},
	{Method: "GET", Path: "/users/{accountId}/helpdesk", Op: "HelpdeskPerson", Status: 200, Actor: true, Out: core.HelpdeskPerson{},
		Summary: "The person as the help desk sees them: the masked summary, and whether the caller's verification of them is live.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.HelpdeskPerson(ctx, in.accountID)
		}},
	{Method: "POST", Path: "/users/{accountId}/authentication/temporaryAccessPassMethods", Op: "CreateAccessPass", Status: 201, Actor: true, Body: core.AccessPassRequest{}, Out: core.NewAccessPass{},
		Summary: "Create the account's Temporary Access Pass, shown this once.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[core.AccessPassRequest](in)
			if err != nil {
				return nil, err
			}
			return svc.CreateAccessPass(ctx, in.accountID, b)
		}},
	{Method: "POST", Path: "/users/{accountId}/authentication/temporaryAccessPassMethods/delete", Op: "DeleteAccessPass", Status: 204, Actor: true, Body: reasonBody{},
		Summary: "Delete the account's Temporary Access Pass.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[reasonBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.DeleteAccessPass(ctx, in.accountID, b.Reason))
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/unlock", Op: "UnlockAccount", Status: 204, Actor: true, Body: reasonBody{},
		Summary: "Clear the account's sign-in and method lockouts.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[reasonBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.UnlockAccount(ctx, in.accountID, b.Reason))
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/requireReregistration", Op: "RequireReregistration", Status: 204, Actor: true, Body: reasonBody{},
		Summary: "Remove the account's phones, apps and keys and ask for registration at the next sign-in.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[reasonBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.RequireReregistration(ctx, in.accountID, b.Reason))
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/methods/{methodId}/delete", Op: "DeleteMethodForPerson", Status: 200, Actor: true, Body: reasonBody{}, Out: core.DeletePreview{},
		Summary: "Delete one method of a verified person (a lost phone), with the owner's delete rules.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[reasonBody](in)
			if err != nil {
				return nil, err
			}
			return svc.DeleteMethodForPerson(ctx, in.accountID, in.path("methodId"), b.Reason)
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/resetPassword", Op: "ResetPasswordForPerson", Status: 200, Actor: true, Body: reasonBody{}, Out: core.TemporaryPassword{},
		Summary: "Set a temporary password, shown this once, to be changed at the next sign-in.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[reasonBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetPasswordForPerson(ctx, in.accountID, b.Reason)
		}},
	{Method: "POST", Path: "/users/{accountId}/helpdesk/approvals", Op: "RequestApproval", Status: 201, Actor: true, Body: core.ApprovalRequest{}, Out: core.Approval{},
		Summary: "Ask a second agent to approve acting on another administrator (kind admin) or a photo ID seen in person (kind inPerson).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[core.ApprovalRequest](in)
			if err != nil {
				return nil, err
			}
			return svc.RequestApproval(ctx, in.accountID, b)
		}},
	{Method: "GET", Path: "/helpdesk/approvals", Op: "PendingApprovals", Status: 200, Actor: true, Out: []core.Approval{},
		Summary: "Other agents' requests the caller may approve.",
		call:    func(ctx context.Context, svc core.Service, in *input) (any, error) { return svc.PendingApprovals(ctx) }},
	{Method: "GET", Path: "/helpdesk/reports", Op: "ActivityReports", Status: 200, Actor: true, Out: []core.ActivityReport{},
		Summary: "\"This wasn't me\" reports of the accounts the caller may read, newest first (?limit=N).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			limit, err := limitOf(in)
			if err != nil {
				return nil, err
			}
			return svc.ActivityReports(ctx, limit)
		}},
	{Method: "GET", Path: "/helpdesk/approvals/{approvalId}", Op: "ApprovalStatus", Status: 200, Actor: true, Out: core.Approval{},
		Summary: "One request, for the agent who asked for it or one who may approve it.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.ApprovalStatus(ctx, in.path("approvalId"))
		}},
	{Method: "POST", Path: "/helpdesk/approvals/{approvalId}/approve", Op: "Approve", Status: 200, Actor: true, Out: core.Approval{},
		Summary: "Approve another agent's request, once.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.Approve(ctx, in.path("approvalId"))
		}},
	{Method: "POST", Path: "/users/{accountId}/revokeSignInSessions", Op: "RevokeSessions", Status: 204, Actor: true, Body: reasonBody{},
		Summary: "Sign the account out everywhere.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[reasonBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.RevokeSessions(ctx, in.accountID, b.Reason))
		}},
}

// selfRoutes are the rest of the API.
var selfRoutes = []Route{
	// Setup and accounts.
	{Method: "GET", Path: "/setup", Op: "NeedsFirstAccount", Status: 200, Out: firstAccountAnswer{},
		Summary: "Whether the store has no account yet.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			need, err := svc.NeedsFirstAccount(ctx)
			return firstAccountAnswer{need}, err
		}},
	{Method: "POST", Path: "/setup/firstAccount", Op: "CreateFirstAccount", Status: 201, Body: core.NewAccount{}, Out: core.Account{},
		Summary: "Create the first account of an empty store, an administrator: from the service's own machine, or with the Setup-Token header holding the token in securityinfod's setup-token file.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			n, err := body[core.NewAccount](in)
			if err != nil {
				return nil, err
			}
			return svc.CreateFirstAccount(ctx, n)
		}},
	{Method: "GET", Path: "/users", Op: "Accounts", Status: 200, Actor: true, Out: []core.Account{},
		Summary: "List accounts (administrators and the help desk).",
		call:    func(ctx context.Context, svc core.Service, in *input) (any, error) { return svc.Accounts(ctx) }},
	{Method: "GET", Path: "/users/{name}", Op: "AccountByName", Status: 200, Actor: true, Out: core.Account{},
		Summary: "One account by its sign-in name (one's own, or one the actor may act on).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.AccountByName(ctx, in.path("name"))
		}},
	{Method: "POST", Path: "/users", Op: "CreateAccount", Status: 201, Actor: true, Body: core.NewAccount{}, Out: core.Account{},
		Summary: "Create an account (administrators).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			n, err := body[core.NewAccount](in)
			if err != nil {
				return nil, err
			}
			return svc.CreateAccount(ctx, n)
		}},

	// Sign-in and sessions.
	{Method: "POST", Path: "/signIn", Op: "SignIn", Status: 200, Body: signInBody{}, Out: core.SignInStep{},
		Summary: "Check a name and password: a session, or a pending second step.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[signInBody](in)
			if err != nil {
				return nil, err
			}
			return svc.SignIn(ctx, b.Name, b.Password)
		}},
	{Method: "POST", Path: "/signIn/temporaryAccessPass", Op: "SignInWithPass", Status: 200, Body: passSignInBody{}, Out: core.SignInStep{},
		Summary: "Sign in with a Temporary Access Pass in place of the password and the second step.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[passSignInBody](in)
			if err != nil {
				return nil, err
			}
			return svc.SignInWithPass(ctx, b.Name, b.Pass)
		}},
	{Method: "POST", Path: "/signIn/{signInId}/codes", Op: "SendSignInCode", Status: 201, Body: signInCodeBody{}, Out: core.Challenge{},
		Summary: "Send a code to a phone of a pending sign-in.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[signInCodeBody](in)
			if err != nil {
				return nil, err
			}
			return svc.SendSignInCode(ctx, in.path("signInId"), b.MethodID, b.Channel)
		}},
	{Method: "POST", Path: "/signIn/{signInId}/finish", Op: "FinishSignIn", Status: 200, Body: finishSignInBody{}, Out: core.SignInStep{},
		Summary: "Check the second step and open the session.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[finishSignInBody](in)
			if err != nil {
				return nil, err
			}
			return svc.FinishSignIn(ctx, in.path("signInId"), b.MethodID, b.VerificationID, b.Code)
		}},
	{Method: "POST", Path: "/signIn/{signInId}/securityKey", Op: "BeginKeySignIn", Status: 201, Out: core.KeyChallenge{},
		Summary: "A challenge for the second step with a security key.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.BeginKeySignIn(ctx, in.path("signInId"))
		}},
	{Method: "POST", Path: "/signIn/{signInId}/securityKey/{verificationId}", Op: "FinishKeySignIn", Status: 200, Body: core.KeyAssertion{}, Out: core.SignInStep{},
		Summary: "Check the security key's assertion and open the session.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[core.KeyAssertion](in)
			if err != nil {
				return nil, err
			}
			return svc.FinishKeySignIn(ctx, in.path("signInId"), in.path("verificationId"), b)
		}},
	{Method: "GET", Path: "/sessions/current", Op: "ResumeSession", Status: 200, Out: core.SignedIn{},
		Summary: "The session of the bearer token, if it has not ended.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.ResumeSession(ctx, in.token)
		}},
	{Method: "DELETE", Path: "/sessions/current", Op: "SignOut", Status: 204,
		Summary: "Sign out: end the session of the bearer token.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.SignOut(ctx, in.token))
		}},

	// Self-service password reset.
	{Method: "POST", Path: "/passwordResets", Op: "StartReset", Status: 201, Body: startResetBody{}, Out: core.ResetState{},
		Summary: "Start a password reset for any name.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[startResetBody](in)
			if err != nil {
				return nil, err
			}
			return svc.StartReset(ctx, b.Name)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/codes", Op: "ResetSendCode", Status: 201, Body: resetOptionBody{}, Out: core.Challenge{},
		Summary: "Send a code to a phone or address of the reset.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[resetOptionBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetSendCode(ctx, in.path("resetId"), b.OptionID)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/verify", Op: "ResetVerify", Status: 200, Body: resetOptionBody{}, Out: core.ResetState{},
		Summary: "Check a code (no verificationId for an app).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[resetOptionBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetVerify(ctx, in.path("resetId"), b.OptionID, b.VerificationID, b.Code)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/questions", Op: "ResetQuestions", Status: 201, Body: resetOptionBody{}, Out: core.QuestionChallenge{},
		Summary: "Draw the security questions to answer.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[resetOptionBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetQuestions(ctx, in.path("resetId"), b.OptionID, b.Language)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/answers", Op: "ResetAnswer", Status: 200, Body: resetOptionBody{}, Out: core.ResetState{},
		Summary: "Check the answers to the questions.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[resetOptionBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetAnswer(ctx, in.path("resetId"), b.OptionID, b.VerificationID, b.Answers)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/securityKey", Op: "ResetKeyChallenge", Status: 201, Body: resetOptionBody{}, Out: core.KeyChallenge{},
		Summary: "A challenge for the reset's security key option.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[resetOptionBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetKeyChallenge(ctx, in.path("resetId"), b.OptionID)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/securityKey/{verificationId}", Op: "ResetKeyVerify", Status: 200, Body: resetKeyBody{}, Out: core.ResetState{},
		Summary: "Check the security key's assertion for the reset.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[resetKeyBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ResetKeyVerify(ctx, in.path("resetId"), b.OptionID, in.path("verificationId"), b.Assertion)
		}},
	{Method: "POST", Path: "/passwordResets/{resetId}/password", Op: "ResetPassword", Status: 204, Body: passwordBody{},
		Summary: "Set the new password once enough methods are proven.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[passwordBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.ResetPassword(ctx, in.path("resetId"), b.Password))
		}},

	// Policy, audit and the question bank.
	{Method: "GET", Path: "/policy", Op: "Policy", Status: 200, Out: core.Policy{},
		Summary: "The organisation's policy.",
		call:    func(ctx context.Context, svc core.Service, in *input) (any, error) { return svc.Policy(ctx) }},
	{Method: "PATCH", Path: "/policy", Op: "SetPolicy", Status: 200, Actor: true, Body: policyBody{}, Out: core.Policy{},
		Summary: "Change policy keys, all or nothing (administrators).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[policyBody](in)
			if err != nil {
				return nil, err
			}
			return svc.SetPolicy(ctx, b.Set)
		}},
	{Method: "GET", Path: "/audit/events", Op: "AuditLog", Status: 200, Actor: true, Out: []core.AuditEvent{},
		Summary: "Audit events, oldest first (accountId and limit optional).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			limit, err := limitOf(in)
			if err != nil {
				return nil, err
			}
			return svc.AuditLog(ctx, core.AuditFilter{AccountID: in.query("accountId"), Limit: limit})
		}},
	{Method: "GET", Path: "/audit/verification", Op: "VerifyAudit", Status: 200, Actor: true, Out: core.AuditReport{},
		Summary: "Check the whole audit chain (administrators).",
		call:    func(ctx context.Context, svc core.Service, in *input) (any, error) { return svc.VerifyAudit(ctx) }},
	{Method: "POST", Path: "/audit/outboxViews", Op: "RecordOutboxView", Status: 204, Actor: true,
		Summary: "Record that an administrator reads every account's messages in a local outbox.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.RecordOutboxView(ctx))
		}},
	{Method: "GET", Path: "/securityQuestions", Op: "QuestionBank", Status: 200, Out: []core.Question{},
		Summary: "The security questions of the bank, in a language (?language=de).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.QuestionBank(ctx, in.query("language"))
		}},

	// One's own security info, and another account's (/users/{accountId}).
	{Method: "GET", Path: "/me/authentication/securityInfo", Op: "SecurityInfo", Status: 200, Actor: true, Account: true, Out: core.SecurityInfo{},
		Summary: "The methods, the default and the requirements.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.SecurityInfo(ctx, in.accountID)
		}},
	{Method: "GET", Path: "/me/authentication/availableKinds", Op: "AvailableKinds", Status: 200, Actor: true, Account: true, Out: []core.MethodKind{},
		Summary: "The kinds of method that may still be added.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.AvailableKinds(ctx, in.accountID)
		}},
	{Method: "GET", Path: "/me/authentication/signInPreferences", Op: "DefaultChoices", Status: 200, Actor: true, Account: true, Out: []core.DefaultChoice{},
		Summary: "The choices for the default sign-in method.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.DefaultChoices(ctx, in.accountID)
		}},
	{Method: "PUT", Path: "/me/authentication/signInPreferences", Op: "SetDefault", Status: 200, Actor: true, Account: true, Body: defaultBody{}, Out: core.DefaultChoice{},
		Summary: "Make a method the default sign-in method (its owner).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[defaultBody](in)
			if err != nil {
				return nil, err
			}
			return svc.SetDefault(ctx, in.accountID, b.MethodID, b.Channel)
		}},
	{Method: "PATCH", Path: "/me/authentication/methods/{methodId}", Op: "RenameMethod", Status: 200, Actor: true, Account: true, Body: renameBody{}, Out: core.MethodView{},
		Summary: "Rename an authenticator app or security key (its owner).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[renameBody](in)
			if err != nil {
				return nil, err
			}
			m, err := svc.RenameMethod(ctx, in.accountID, in.path("methodId"), b.Name)
			if err != nil {
				return nil, err
			}
			return m.View(nil), nil
		}},
	{Method: "GET", Path: "/me/authentication/methods/{methodId}/deletePreview", Op: "PreviewDelete", Status: 200, Actor: true, Account: true, Out: core.DeletePreview{},
		Summary: "What deleting a method would do, changing nothing.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.PreviewDelete(ctx, in.accountID, in.path("methodId"))
		}},
	{Method: "DELETE", Path: "/me/authentication/methods/{methodId}", Op: "DeleteMethod", Status: 204, Actor: true, Account: true,
		Summary: "Delete a method, or schedule the removal of the last one (see deletePreview).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			_, err := svc.DeleteMethod(ctx, in.accountID, in.path("methodId"))
			return nil, err
		}},
	{Method: "POST", Path: "/me/authentication/methods/{methodId}/lost", Op: "ReplaceLostMethod", Status: 200, Actor: true, Account: true, Out: core.LostDevice{},
		Summary: "A lost phone or app: removed at once, its sessions ended; the answer says which kind to add in its place.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.ReplaceLostMethod(ctx, in.accountID, in.path("methodId"))
		}},
	{Method: "POST", Path: "/me/authentication/cancelRemoval", Op: "CancelRemoval", Status: 204, Actor: true, Account: true,
		Summary: "Cancel the scheduled removal of the last security info.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.CancelRemoval(ctx, in.accountID))
		}},
	{Method: "DELETE", Path: "/me/authentication/temporaryAccessPass", Op: "DeleteOwnAccessPass", Status: 204, Actor: true, Account: true,
		Summary: "End one's own Temporary Access Pass.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.DeleteOwnAccessPass(ctx, in.accountID))
		}},
	{Method: "POST", Path: "/me/authentication/phoneMethods", Op: "BeginPhone", Status: 201, Actor: true, Account: true, Body: core.PhoneRequest{}, Out: core.Challenge{},
		Summary: "Add a phone: sends it a code; confirm with the verification.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[core.PhoneRequest](in)
			if err != nil {
				return nil, err
			}
			return svc.BeginPhone(ctx, in.accountID, b)
		}},
	{Method: "POST", Path: "/me/authentication/emailMethods", Op: "BeginEmail", Status: 201, Actor: true, Account: true, Body: emailBody{}, Out: core.Challenge{},
		Summary: "Add an email address: sends it a code; confirm with the verification.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[emailBody](in)
			if err != nil {
				return nil, err
			}
			return svc.BeginEmail(ctx, in.accountID, b.Address, b.Language)
		}},
	{Method: "POST", Path: "/me/authentication/emailMethods/{methodId}/change", Op: "BeginEmailChange", Status: 201, Actor: true, Account: true, Body: emailBody{}, Out: core.Challenge{},
		Summary: "Change an email address: sends the new one a code; confirm with the verification to put it in the old one's place.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[emailBody](in)
			if err != nil {
				return nil, err
			}
			return svc.BeginEmailChange(ctx, in.accountID, in.path("methodId"), b.Address, b.Language)
		}},
	{Method: "POST", Path: "/me/authentication/fido2Methods/creationOptions", Op: "BeginSecurityKey", Status: 201, Actor: true, Account: true, Out: core.KeyChallenge{},
		Summary: "Start registering a security key: the challenge and the credentials to exclude.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.BeginSecurityKey(ctx, in.accountID)
		}},
	{Method: "POST", Path: "/me/authentication/fido2Methods/{verificationId}", Op: "ConfirmSecurityKey", Status: 201, Actor: true, Account: true, Body: core.KeyRegistration{}, Out: core.MethodView{},
		Summary: "Finish registering a security key with its attestation.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[core.KeyRegistration](in)
			if err != nil {
				return nil, err
			}
			return svc.ConfirmSecurityKey(ctx, in.accountID, in.path("verificationId"), b)
		}},
	{Method: "POST", Path: "/me/authentication/softwareOathMethods", Op: "BeginAuthenticator", Status: 201, Actor: true, Account: true, Body: appBody{}, Out: core.Enrolment{},
		Summary: "Add an authenticator app: its secret; confirm with its first code.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[appBody](in)
			if err != nil {
				return nil, err
			}
			return svc.BeginAuthenticator(ctx, in.accountID, b.Name)
		}},
	{Method: "POST", Path: "/me/authentication/securityQuestionMethods", Op: "AddQuestions", Status: 201, Actor: true, Account: true, Body: questionsBody{}, Out: core.MethodView{},
		Summary: "Register security questions and their answers.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[questionsBody](in)
			if err != nil {
				return nil, err
			}
			return svc.AddQuestions(ctx, in.accountID, b.Questions)
		}},
	{Method: "PUT", Path: "/me/authentication/securityQuestionMethods", Op: "ChangeQuestions", Status: 200, Actor: true, Account: true, Body: questionsBody{}, Out: core.MethodView{},
		Summary: "Answer security questions again, in place of the registered ones (the old answers stop working).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[questionsBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ChangeQuestions(ctx, in.accountID, b.Questions)
		}},
	{Method: "POST", Path: "/me/authentication/recoveryCodeMethods", Op: "AddRecoveryCodes", Status: 201, Actor: true, Account: true, Out: core.RecoveryCodes{},
		Summary: "Make a set of 10 one-time recovery codes; the only answer that ever carries them.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.AddRecoveryCodes(ctx, in.accountID)
		}},
	{Method: "PUT", Path: "/me/authentication/recoveryCodeMethods", Op: "NewRecoveryCodes", Status: 200, Actor: true, Account: true, Out: core.RecoveryCodes{},
		Summary: "Get new recovery codes: the old set stops working at once; the new codes are shown this once.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.NewRecoveryCodes(ctx, in.accountID)
		}},
	{Method: "POST", Path: "/me/authentication/verifications/{verificationId}/confirm", Op: "Confirm", Status: 201, Actor: true, Account: true, Body: codeBody{}, Out: core.MethodView{},
		Summary: "Confirm a method being added with its code; returns the method.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[codeBody](in)
			if err != nil {
				return nil, err
			}
			return svc.Confirm(ctx, in.accountID, in.path("verificationId"), b.Code)
		}},
	{Method: "POST", Path: "/me/authentication/verifications/{verificationId}/resend", Op: "Resend", Status: 201, Actor: true, Account: true, Out: core.Challenge{},
		Summary: "Send a new code in place of the old one.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.Resend(ctx, in.accountID, in.path("verificationId"))
		}},
	{Method: "POST", Path: "/me/authentication/verifications/{verificationId}/verify", Op: "VerifyCode", Status: 204, Actor: true, Account: true, Body: codeBody{},
		Summary: "Check a code sent to prove a method.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[codeBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.VerifyCode(ctx, in.accountID, in.path("verificationId"), b.Code))
		}},
	{Method: "POST", Path: "/me/authentication/methods/{methodId}/codes", Op: "ProveMethod", Status: 201, Actor: true, Account: true, Body: proveBody{}, Out: core.Challenge{},
		Summary: "Send a code to a registered phone or address to prove it.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[proveBody](in)
			if err != nil {
				return nil, err
			}
			return svc.ProveMethod(ctx, in.accountID, in.path("methodId"), b.Channel)
		}},
	{Method: "POST", Path: "/me/authentication/methods/{methodId}/verify", Op: "VerifyAuthenticator", Status: 204, Actor: true, Account: true, Body: codeBody{},
		Summary: "Check a code from a registered authenticator app.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[codeBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.VerifyAuthenticator(ctx, in.accountID, in.path("methodId"), b.Code))
		}},
	{Method: "POST", Path: "/me/authentication/questionChallenges", Op: "AskQuestions", Status: 201, Actor: true, Account: true, Body: askBody{}, Out: core.QuestionChallenge{},
		Summary: "Draw registered security questions to answer.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[askBody](in)
			if err != nil {
				return nil, err
			}
			return svc.AskQuestions(ctx, in.accountID, b.Language)
		}},
	{Method: "POST", Path: "/me/authentication/questionChallenges/{verificationId}/answers", Op: "CheckAnswers", Status: 204, Actor: true, Account: true, Body: answersBody{},
		Summary: "Check the answers to drawn questions.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[answersBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.CheckAnswers(ctx, in.accountID, in.path("verificationId"), b.Answers))
		}},
	{Method: "POST", Path: "/me/changePassword", Op: "ChangePassword", Status: 204, Actor: true, Account: true, Body: changePasswordBody{},
		Summary: "Change one's own password.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			b, err := body[changePasswordBody](in)
			if err != nil {
				return nil, err
			}
			return none(svc.ChangePassword(ctx, in.accountID, b.CurrentPassword, b.NewPassword))
		}},
	{Method: "GET", Path: "/me/activity", Op: "RecentActivity", Status: 200, Actor: true, Account: true, Out: []core.AuditEvent{},
		Summary: "The account's audit events, newest first (?limit=N).",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			limit, err := limitOf(in)
			if err != nil {
				return nil, err
			}
			return svc.RecentActivity(ctx, in.accountID, limit)
		}},
	{Method: "POST", Path: "/me/activity/{seq}/report", Op: "ReportActivity", Status: 201, Actor: true, Account: true, Out: core.ActivityReport{},
		Summary: "\"This wasn't me\" about one event: signs out everywhere, deletes the Temporary Access Pass, tells the help desk.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			// A number that is none is event 0, which does not exist: the
			// core answers it after checking who asks, as for any other.
			seq, err := strconv.ParseInt(in.path("seq"), 10, 64)
			if err != nil || seq < 0 {
				seq = 0
			}
			return svc.ReportActivity(ctx, in.accountID, seq)
		}},
	{Method: "GET", Path: "/me/sessions", Op: "Sessions", Status: 200, Actor: true, Account: true, Out: []core.SessionView{},
		Summary: "Where the account is signed in, most recently used first.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.Sessions(ctx, in.accountID)
		}},
	{Method: "DELETE", Path: "/me/sessions/{sessionId}", Op: "EndSession", Status: 204, Actor: true, Account: true,
		Summary: "Sign out one session.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.EndSession(ctx, in.accountID, in.path("sessionId")))
		}},
	{Method: "POST", Path: "/me/sessions/signOutEverywhere", Op: "SignOutEverywhere", Status: 204, Actor: true, Account: true,
		Summary: "Sign out every session of the account, this one too.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.SignOutEverywhere(ctx, in.accountID))
		}},
	{Method: "GET", Path: "/me/afterSignIn", Op: "CheckAfterSignIn", Status: 200, Actor: true, Account: true, Out: core.AfterSignIn{},
		Summary: "Whether to ask for registration or a review after sign-in.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return svc.CheckAfterSignIn(ctx, in.accountID)
		}},
	{Method: "POST", Path: "/me/afterSignIn/snoozeRegistration", Op: "SnoozeRegistration", Status: 204, Actor: true, Account: true,
		Summary: "Put off \"Keep your account secure\".",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.SnoozeRegistration(ctx, in.accountID))
		}},
	{Method: "POST", Path: "/me/afterSignIn/skipReconfirm", Op: "SkipReconfirm", Status: 204, Actor: true, Account: true,
		Summary: "Put off \"Verify your security info\" for 24 hours.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.SkipReconfirm(ctx, in.accountID))
		}},
	{Method: "POST", Path: "/me/afterSignIn/confirmSecurityInfo", Op: "ConfirmSecurityInfo", Status: 204, Actor: true, Account: true,
		Summary: "Record that the security info was reviewed.",
		call: func(ctx context.Context, svc core.Service, in *input) (any, error) {
			return none(svc.ConfirmSecurityInfo(ctx, in.accountID))
		}},
}

// statusOf is the HTTP status of a core error code.
func statusOf(code string) int {
	switch code {
	case core.EINVALID, core.EWRONGCODE:
		return http.StatusBadRequest
	case core.ENOTFOUND:
		return http.StatusNotFound
	case core.ECONFLICT:
		return http.StatusConflict
	case core.EFORBIDDEN:
		return http.StatusForbidden
	case core.ELIMITED:
		return http.StatusTooManyRequests
	case core.ELOCKED:
		return http.StatusLocked
	case core.EEXPIRED:
		return http.StatusGone
	case core.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
