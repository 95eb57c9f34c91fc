package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/securityinfo/securityinfo/core"
)

// signInArgs are the flags of a sign-in from the command line (signin
// check, login).
type signInArgs struct {
	account, code, method, signInID, verification string
	recoveryCode                                  string
	passwordStdin, tapStdin, send, asJSON         bool
}

func (a *signInArgs) flags(fs *flag.FlagSet) {
	fs.StringVar(&a.account, "account", "", "account name (required)")
	fs.BoolVar(&a.passwordStdin, "password-stdin", false, "read the password from standard input")
	fs.BoolVar(&a.tapStdin, "tap-stdin", false, "read a Temporary Access Pass from standard input, in place of the password and the second step")
	fs.StringVar(&a.code, "code", "", "the second factor's code")
	fs.StringVar(&a.method, "method", "", "the method to use (default: the default sign-in method)")
	fs.BoolVar(&a.send, "send", false, "send a code to the phone and print what the second run needs")
	fs.StringVar(&a.signInID, "sign-in", "", "a pending sign-in from --send")
	fs.StringVar(&a.verification, "verification", "", "the verification from --send")
	fs.StringVar(&a.recoveryCode, "recovery-code", "", "a recovery code as the second step (each works once)")
}

// signIn signs in as the flags say: the password from standard input, then
// --code for the second step; or, with --send, a code sent to the phone and
// what the second run (of the command cmd) needs printed, and no session.
// The caller checks --account before opening the store.
func (c *cli) signIn(ctx context.Context, svc core.Service, a *signInArgs, cmd string) (*core.SignInStep, error) {
	if a.tapStdin {
		if a.passwordStdin || a.signInID != "" || a.code != "" {
			return nil, usageError{cmd + " --tap-stdin replaces the password and the second step: leave out --password-stdin, --sign-in and --code"}
		}
		pass, err := readLine(c.stdin)
		if err != nil {
			return nil, err
		}
		c.usedPass = true
		return svc.SignInWithPass(ctx, a.account, pass)
	}
	if a.signInID == "" {
		if !a.passwordStdin {
			return nil, usageError{cmd + " needs --password-stdin (or --sign-in from an earlier --send)"}
		}
		pw, err := readLine(c.stdin)
		if err != nil {
			return nil, err
		}
		step, err := svc.SignIn(ctx, a.account, pw)
		if err != nil || step.Session != nil {
			return step, err
		}
		a.signInID = step.Pending.ID
		opt := step.Pending.Options[0]
		for _, o := range step.Pending.Options {
			if o.MethodID == a.method || a.recoveryCode != "" && o.Kind == core.KindRecoveryCodes {
				opt = o
			}
		}
		if a.recoveryCode != "" {
			if opt.Kind != core.KindRecoveryCodes {
				return nil, core.Reason(core.ENOTFOUND, "recovery.none", nil)
			}
			c.usedRecoveryCode = true
			return svc.FinishSignIn(ctx, a.signInID, opt.MethodID, "", a.recoveryCode)
		}
		a.method = opt.MethodID
		if opt.Kind != core.KindAuthenticatorApp {
			if !a.send && a.code == "" {
				return nil, core.Errorf(core.EINVALID, "The default sign-in method is %s %s: run with --send to send it a code.", opt.Kind, opt.Masked)
			}
			if a.send {
				ch, err := svc.SendSignInCode(ctx, a.signInID, a.method, opt.Channel)
				if err != nil {
					return nil, err
				}
				if a.asJSON {
					return nil, c.printJSON(map[string]any{"signInId": a.signInID, "methodId": a.method, "verificationId": ch.VerificationID, "destination": ch.Destination})
				}
				fmt.Fprintf(c.stdout, "A code was sent to %s. Then: %s --account %s --method %s --sign-in %s --verification %s --code CODE\n",
					ch.Destination, cmd, a.account, a.method, a.signInID, ch.VerificationID)
				return nil, nil
			}
		}
	}
	if a.code == "" {
		return nil, usageError{cmd + " needs --code for the second step"}
	}
	return svc.FinishSignIn(ctx, a.signInID, a.method, a.verification, a.code)
}

func signinCommands() []*command {
	var a signInArgs
	return []*command{{
		path: "signin check",
		help: "Check a full sign-in without the window: the password from standard input, then, when the account\n" +
			"has a sign-in method, --code from its authenticator app (or, for a phone: run with --send, read the\n" +
			"code, then run again with --sign-in ID --verification ID --code C), or --recovery-code CODE.\n" +
			"Exit 0 when signed in.",
		flags: func(fs *flag.FlagSet) {
			a.flags(fs)
			fs.BoolVar(&a.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if a.account == "" {
				return usageError{"signin check needs --account"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			step, err := c.signIn(ctx, svc, &a, "signin check")
			if err != nil || step == nil {
				return err
			}
			return c.signedIn(step, a.asJSON)
		},
	}}
}

func (c *cli) signedIn(step *core.SignInStep, asJSON bool) error {
	if asJSON {
		return c.printJSON(map[string]any{"account": step.Account.Name, "twoStep": step.Session.TwoStep, "signedIn": true})
	}
	how := "password only (no sign-in method registered)"
	switch {
	case c.usedPass:
		how = "Temporary Access Pass"
	case c.usedRecoveryCode:
		how = "password and recovery code"
	case step.Session.TwoStep:
		how = "password and second factor"
	}
	fmt.Fprintf(c.stdout, "Signed in as %s: %s.\n", step.Account.Name, how)
	return nil
}
