package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/securityinfo/securityinfo/core"
)

func resetCommands() []*command {
	var account, recoveryCode string
	var asJSON bool
	return []*command{{
		path: "password reset",
		help: "Reset a forgotten password with the account's methods, as the window's \"Forgot my password\" does.\n" +
			"On a terminal it prompts. With --json it speaks JSON lines: it prints a step\n" +
			"({\"step\":\"choose\",\"options\":[...]}, {\"step\":\"code\",...}, {\"step\":\"questions\",...}, {\"step\":\"password\"},\n" +
			"{\"step\":\"done\"}) and reads the answer from standard input ({\"option\":ID}, {\"code\":C},\n" +
			"{\"answers\":{ID:answer}}, {\"password\":P}). A mistake is {\"step\":\"error\",\"code\":...,\"reason\":KEY,\"args\":{...},\n" +
			"\"message\":...}: choose words by the stable reason key, not by the English message.\n" +
			"--recovery-code CODE proves one method with a recovery code before anything is asked.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&account, "account", "", "account name (required)")
			fs.BoolVar(&asJSON, "json", false, "JSON lines on standard input and output")
			fs.StringVar(&recoveryCode, "recovery-code", "", "a recovery code: proves one method (a set counts once)")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if account == "" {
				return usageError{"password reset needs --account"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			var d dialogue = &prompts{in: bufio.NewReader(c.stdin), out: c.stdout}
			if asJSON {
				d = &jsonLines{in: json.NewDecoder(c.stdin), out: json.NewEncoder(c.stdout)}
			}
			return resetFlow(ctx, svc, account, d, recoveryCode)
		},
	}}
}

// dialogue is how the reset flow asks its questions: prompts on a
// terminal, or JSON lines for scripts.
type dialogue interface {
	choose(st *core.ResetState) (string, error)
	code(ch *core.Challenge, o core.ResetOption) (string, error)
	answers(qc *core.QuestionChallenge) (map[string]string, error)
	password() (string, error)
	say(step string, msg string)
	// fail tells a mistake the person can correct.
	fail(err error)
}

// resetFlow runs a reset for account; a recoveryCode ("" for none)
// proves the recovery-code option first.
func resetFlow(ctx context.Context, svc core.Service, account string, d dialogue, recoveryCode string) error {
	st, err := svc.StartReset(ctx, account)
	if err != nil {
		return err
	}
	if recoveryCode != "" {
		if st, err = svc.ResetVerify(ctx, st.ResetID, core.RecoveryOptionID, "", recoveryCode); err != nil {
			return err
		}
	}
	for !st.Ready() {
		if len(st.Options) == 0 {
			return core.Errorf(core.EFORBIDDEN, "There is no other method to prove. Contact your help desk.")
		}
		id, err := d.choose(st)
		if err != nil {
			return err
		}
		var o core.ResetOption
		for _, x := range st.Options {
			if x.ID == id {
				o = x
			}
		}
		if o.ID == "" {
			return core.Errorf(core.EINVALID, "%q is not one of the choices.", id)
		}
		var next *core.ResetState
		switch o.Kind {
		case core.KindSecurityQuestions:
			qc, err := svc.ResetQuestions(ctx, st.ResetID, o.ID, "en")
			if err != nil {
				return err
			}
			a, err := d.answers(qc)
			if err != nil {
				return err
			}
			next, err = svc.ResetAnswer(ctx, st.ResetID, o.ID, qc.VerificationID, a)
			if err != nil {
				d.fail(err)
				continue
			}
		default:
			var ch *core.Challenge
			vid := ""
			if o.Kind != core.KindAuthenticatorApp && o.Kind != core.KindRecoveryCodes {
				if ch, err = svc.ResetSendCode(ctx, st.ResetID, o.ID); core.ErrorCode(err) == core.ELIMITED {
					d.fail(err)
					continue
				} else if err != nil {
					return err
				}
				vid = ch.VerificationID
				// The code is delivered in the background; a tool on the
				// local folder waits for it before asking for it.
				if w, ok := svc.(interface{ WaitBackground() }); ok {
					w.WaitBackground()
				}
			}
			// A wrong code is asked again while it has tries left.
			for {
				code, err := d.code(ch, o)
				if err != nil {
					return err
				}
				if next, err = svc.ResetVerify(ctx, st.ResetID, o.ID, vid, code); err == nil {
					break
				}
				if core.ErrorCode(err) == core.ELOCKED {
					return err
				}
				d.fail(err)
				if core.ErrorCode(err) != core.EWRONGCODE {
					break
				}
			}
			if next == nil {
				continue
			}
		}
		st = next
	}
	for {
		pw, err := d.password()
		if err != nil {
			return err
		}
		err = svc.ResetPassword(ctx, st.ResetID, pw)
		if err == nil {
			d.say("done", "Your password was reset. Sign in with the new one.")
			return nil
		}
		if core.ErrorCode(err) != core.EINVALID {
			return err
		}
		d.fail(err)
	}
}

// prompts asks on a terminal.
type prompts struct {
	in  *bufio.Reader
	out io.Writer
}

func (p *prompts) line(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	s, err := p.in.ReadString('\n')
	if err != nil && s == "" {
		return "", core.Errorf(core.EINVALID, "The reset was stopped: no more input.")
	}
	return strings.TrimSpace(s), nil
}

func (p *prompts) choose(st *core.ResetState) (string, error) {
	fmt.Fprintf(p.out, "Prove who you are (%d of %d). Choose:\n", st.Proven+1, st.Needed)
	for i, o := range st.Options {
		fmt.Fprintf(p.out, "  %d. %s %s %s\n", i+1, o.Kind, o.Channel, o.Masked)
	}
	s, err := p.line("Number: ")
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > len(st.Options) {
		return "", core.Errorf(core.EINVALID, "Choose a number from 1 to %d.", len(st.Options))
	}
	return st.Options[n-1].ID, nil
}

func (p *prompts) code(ch *core.Challenge, o core.ResetOption) (string, error) {
	if o.Kind == core.KindRecoveryCodes {
		return p.line("Recovery code: ")
	}
	if ch == nil {
		return p.line("Code from your authenticator app: ")
	}
	return p.line(fmt.Sprintf("Code sent to %s: ", ch.Destination))
}

func (p *prompts) answers(qc *core.QuestionChallenge) (map[string]string, error) {
	a := map[string]string{}
	for _, q := range qc.Questions {
		s, err := p.line(q.Text + " ")
		if err != nil {
			return nil, err
		}
		a[q.ID] = s
	}
	return a, nil
}

func (p *prompts) password() (string, error) { return p.line("New password: ") }

func (p *prompts) say(step, msg string) { fmt.Fprintln(p.out, msg) }

func (p *prompts) fail(err error) { fmt.Fprintln(p.out, core.ErrorMessage(err)) }

// jsonLines speaks one JSON object a line each way.
type jsonLines struct {
	in  *json.Decoder
	out *json.Encoder
}

func (j *jsonLines) read(v any) error {
	if err := j.in.Decode(v); err != nil {
		return core.Errorf(core.EINVALID, "The reset was stopped: expected a JSON line on standard input (%v).", err)
	}
	return nil
}

func (j *jsonLines) choose(st *core.ResetState) (string, error) {
	j.out.Encode(map[string]any{"step": "choose", "resetId": st.ResetID, "options": st.Options, "needed": st.Needed, "proven": st.Proven})
	var a struct{ Option string }
	return a.Option, j.read(&a)
}

func (j *jsonLines) code(ch *core.Challenge, o core.ResetOption) (string, error) {
	msg := map[string]any{"step": "code", "kind": o.Kind, "channel": o.Channel}
	if ch != nil {
		msg["destination"], msg["codeLength"] = ch.Destination, ch.CodeLength
	}
	j.out.Encode(msg)
	var a struct{ Code string }
	return a.Code, j.read(&a)
}

func (j *jsonLines) answers(qc *core.QuestionChallenge) (map[string]string, error) {
	j.out.Encode(map[string]any{"step": "questions", "questions": qc.Questions})
	var a struct{ Answers map[string]string }
	return a.Answers, j.read(&a)
}

func (j *jsonLines) password() (string, error) {
	j.out.Encode(map[string]any{"step": "password"})
	var a struct{ Password string }
	return a.Password, j.read(&a)
}

func (j *jsonLines) say(step, msg string) { j.out.Encode(map[string]any{"step": step, "message": msg}) }

// fail writes an error step with the core's code and stable reason key and
// arguments, so a program chooses its own words by key; message is English.
func (j *jsonLines) fail(err error) {
	line := map[string]any{"step": "error", "code": core.ErrorCode(err), "message": core.ErrorMessage(err)}
	if key, args := core.ErrorReason(err); key != "" {
		line["reason"], line["args"] = key, args
	}
	j.out.Encode(line)
}

// resetPassword is `securityinfoctl password reset-by-helpdesk`.
func (h *helpdesk) resetPassword() *command {
	return &command{
		path: "password reset-by-helpdesk",
		help: "Set a temporary password for the account and print it, the only time it is shown; the person must\n" +
			"change it at the next sign-in. Signs the account out everywhere (the person verified first).",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, acct, err := h.person(ctx, c, "password reset-by-helpdesk")
			if err != nil {
				return err
			}
			tmp, err := svc.ResetPasswordForPerson(ctx, acct.ID, h.reason)
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(tmp)
			}
			fmt.Fprintf(c.stdout, "Temporary password for %s:\n\n    %s\n\nIt must be changed at the next sign-in. It is not shown again.\n", acct.Name, tmp.Password)
			return nil
		},
	}
}
