package core

import (
	"errors"
	"sort"
	"strings"
	"text/template"
)

// Reasons are the stable keys of the errors a person meets most, with
// their English words as a text/template over the error's Args. The window
// and the command line choose their words by key: a translation of
// "error.<key>" (assets/translations) in the person's language, else
// Message. Keys never change meaning; a new meaning gets a new key.
var reasons = map[string]string{
	"signin.first":         "Sign in first.",
	"signin.wrong":         "Your account name or password is incorrect.",
	"signin.locked":        "Too many failed sign-ins. Sign-in is locked until {{.Until}}.",
	"session.ended":        "Your session has ended. Sign in again.",
	"session.signedOut":    "You signed out. Sign in again.",
	"session.idle":         "You were away for a while, so you were signed out. Sign in again.",
	"session.maxAge":       "Your session has reached its time limit. Sign in again.",
	"session.twoStep":      "To change your security info, sign in again with your password and a second method.",
	"forbidden.owner":      "Only the account's owner can do this to its security info.",
	"forbidden.own":        "You can only manage your own security info.",
	"forbidden.admin":      "Only an administrator can do this.",
	"forbidden.staff":      "Only an administrator or the help desk can do this.",
	"forbidden.twoStep":    "Sign in with your password and a second method to do this.",
	"forbidden.rank":       "You can't act on an account whose role is the same as yours or higher.",
	"code.wrong":           "That code is wrong. You have {{.Left}} {{if eq .Left 1}}try{{else}}tries{{end}} left.",
	"code.wrongLast":       "That code is wrong, and this code can't be used any more. Ask for a new code.",
	"code.used":            "This code was already used.",
	"code.expired":         "This code has expired. Ask for a new code.",
	"code.usedUp":          "This code can't be used any more after {{.Max}} wrong tries. Ask for a new code.",
	"code.notFound":        "This verification was not found. Start again.",
	"code.wait":            "A code was just sent. You can ask for a new one in {{.Wait}}.",
	"code.limitHour":       "{{.Max}} codes were sent to this destination in the last hour, the most allowed. Try again after {{.At}}.",
	"code.limitDay":        "{{.Max}} codes were sent to this destination in the last 24 hours, the most allowed. Try again after {{.At}}.",
	"code.limitAccount":    "{{.Max}} codes were sent for your account in the last 24 hours, the most allowed. Try again after {{.At}}.",
	"method.locked":        "Too many wrong codes. This method is locked until {{.Until}}.",
	"app.wrong":            "That code is wrong. Type the code your app shows now.",
	"app.replayed":         "This code was already used. Wait for the next code in your app.",
	"app.locked":           "Too many wrong codes. This app is locked until {{.Until}}.",
	"answers.wrong":        "One or more answers are wrong. You have {{.Left}} tries left.",
	"answers.usedUp":       "These questions can't be answered again. Start again to get new questions.",
	"answers.expired":      "The time to answer has run out. Start again to get new questions.",
	"answers.locked":       "Too many wrong answers. Security questions are locked until {{.Until}}.",
	"recovery.wrong":       "That recovery code is wrong or was already used.",
	"recovery.format":      "A recovery code is 12 letters and digits, like 7QKD-M2XF-9PLA.",
	"recovery.none":        "You have no recovery codes. Add them first.",
	"recovery.locked":      "Too many wrong recovery codes. They are locked until {{.Until}}.",
	"key.already":          "This security key is already registered.",
	"key.notRegistered":    "This security key is not registered for this account.",
	"key.notVerified":      "The security key's answer could not be verified. Try again with the key.",
	"key.cloned":           "This security key's counter went backwards, so it may have been copied. It can't be used any more: sign in another way and register it again.",
	"key.none":             "No security key is registered for this account.",
	"reset.afterReport":    "This password can't be reset here for now. Contact your help desk: they can set a temporary password.",
	"reset.ended":          "This password reset has ended. Start again.",
	"reset.notAChoice":     "That is not one of the choices. Start again.",
	"reset.proveFirst":     "Prove {{.N}} different methods first.",
	"reset.keysAsked":      "A security key was asked for {{.Max}} times in this reset. Start again.",
	"reset.questionsAsked": "The questions were asked {{.Max}} times in this reset. Start again.",
	"email.workAddress":    "This email address can't be your work or school email ({{.Domain}}). Use a personal address that works without your work password.",
	"removal.pending":      "Removal of your security info is scheduled for {{.Date}}. No other change can be made until then, unless you cancel the removal.",
	"account.lookalike":    "The name {{.Name}} looks too much like an existing account's name. Choose a clearly different name.",
	"helpdesk.self":        "You can't do this to your own account. Ask another member of the help desk.",
	"helpdesk.reported":    "This person reported activity they did not recognise in the last day: someone may hold one of their phones or apps. Verify them in person with photo ID, or by calling back their number in the directory.",
	"helpdesk.unverified":  "Verify who is asking first: their identity check has not been done, or it ended more than 10 minutes ago.",
	"helpdesk.limitVerify": "You started {{.Max}} identity checks in the last hour, the most allowed. Try again after {{.At}}.",
	"helpdesk.limitPass":   "You created {{.Max}} Temporary Access Passes in the last hour, the most allowed. Try again after {{.At}}.",
	"helpdesk.limitSearch": "You searched by phone digits {{.Max}} times in the last hour, the most allowed. Search by name, or try again after {{.At}}.",
	"helpdesk.checkEnded":  "This identity check has ended. Start a new one.",
	"helpdesk.checkPaused": "You typed {{.Max}} wrong codes for this person in the last hour. Identity checks for them are paused until {{.At}}; verify them in person with photo ID instead.",
	"helpdesk.checkFailed": "That code is wrong too. The identity check has ended after three wrong codes, and the account's owner was told.",
	"helpdesk.reason":      "Enter a ticket reference or a reason: every help-desk action records one.",
	"password.mustChange":  "The help desk set a temporary password for this account. Choose your own password first.",
	"approval.needed":      "Acting on another administrator needs a second administrator's approval. Ask for one first.",
	"approval.notFound":    "This request for approval was not found.",
	"approval.none":        "No approval is in force for this account.",
	"approval.own":         "You can't approve your own request. Ask another member of the help desk or an administrator.",
	"approval.done":        "This request was already approved, or it has lapsed. Ask for a new one.",
	"approval.tooMany":     "You have {{.Max}} requests waiting for approval, the most allowed. Wait for an answer, or for one to lapse.",
	"change.gone":          "The method you were changing was deleted or changed meanwhile. Start again.",
	"questions.none":       "You have no security questions to answer again. Add them instead.",
	"client.limited":       "Too many requests from this address. Try again in {{.Wait}}.",
	"account.notFound":     "There is no such account, or it is not one you may act on.",
	"tap.none":             "You have no Temporary Access Pass.",
	"setup.remote":         "The first account can be created only on the service's own machine, or with the setup token that securityinfod wrote to its data folder (setup-token) at its first start.",
	"account.firstTaken":   "This data already has accounts. Sign in, or ask an administrator to create your account.",

	// The organisation's directory (directory.go).
	"directory.unreachable":      "The organization's directory can't be reached just now, so nothing was changed. Try again in a few minutes.",
	"directory.passwordQuality":  "The organization's directory refused this password: it is too short or too simple. Choose a longer password that mixes letters, digits and symbols.",
	"directory.passwordHistory":  "The organization's directory refused this password: it was used recently. Choose one you have not used before.",
	"directory.passwordTooYoung": "The organization's directory refused the change: the password was changed too recently. Try again later, or ask the help desk.",
	"directory.passwordPolicy":   "The organization's directory refused this password: it does not meet the organization's password rules (length, complexity, or not one of your recent passwords), or it was changed too recently.",
	"directory.passwordRefused":  "The organization's directory refused this password. Choose another one, or ask the help desk.",
	"directory.firstAccount":     "People come from the organization's directory here: administrators are the members of its admin group. Sign in with your directory account.",
	"directory.managed":          "This account comes from the organization's directory: change it there.",
	// The way back (report.go, lost_device.go).
	"lost.notADevice":       "Only a phone or an authenticator app can be reported lost. Delete other methods from their row instead.",
	"lost.signInAnotherWay": "To report this device lost, sign in another way: with a Temporary Access Pass from your help desk, a recovery code, or another method.",
	"report.notFound":       "That event is not in your Recent activity.",
	"report.notReportable":  "This event is not a change or a sign-in, so there is nothing to report about it.",
	"report.already":        "This event was already reported. The help desk has it.",
	// The verify API (verify.go).
	"application.wrongSecret": "The application's client ID or secret is wrong.",
}

// Reasons lists the reason keys, sorted, for translators and tests.
func Reasons() []string {
	out := make([]string, 0, len(reasons))
	for k := range reasons {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ReasonText is the English template of a reason ("" for an unknown key).
func ReasonText(key string) string { return reasons[key] }

// Reason returns an *Error with a stable reason key, its arguments, and
// the English message made from them. An unknown key is a programming
// error: it panics in tests and the key shows as the message.
func Reason(code, key string, args map[string]any) *Error {
	src, ok := reasons[key]
	if !ok {
		panic("core: unknown reason " + key)
	}
	return &Error{Code: code, Message: RenderReason(src, args), Key: key, Args: args}
}

// RenderReason fills a reason's template (English, or a translation) with
// args; a template that does not parse shows as it is.
func RenderReason(src string, args map[string]any) string {
	tpl, err := template.New("reason").Option("missingkey=zero").Parse(src)
	if err != nil {
		return src
	}
	var b strings.Builder
	if err := tpl.Execute(&b, args); err != nil {
		return src
	}
	return b.String()
}

// ErrorKey returns the reason key of err ("" when it has none).
func ErrorKey(err error) string { k, _ := ErrorReason(err); return k }

// ErrorReason returns the reason key and arguments of the first *Error in
// err's chain ("" when it has none).
func ErrorReason(err error) (string, map[string]any) {
	var e *Error
	if errors.As(err, &e) {
		return e.Key, e.Args
	}
	return "", nil
}
