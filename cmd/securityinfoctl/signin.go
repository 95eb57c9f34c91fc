package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/securityinfo/securityinfo/core"
)

func signinCommands() []*command {
	var account, code, method, signInID, verification string
	var passwordStdin, send, asJSON bool
	return []*command{{
		path: "signin check",
		help: "Check a full sign-in without the window: the password from standard input, then, when the account\n" +
			"has a sign-in method, --code from its authenticator app (or, for a phone: run with --send, read the\n" +
			"code, then run again with --sign-in ID --verification ID --code C). Exit 0 when signed in.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&account, "account", "", "account name (required)")
			fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
			fs.StringVar(&code, "code", "", "the second factor's code")
			fs.StringVar(&method, "method", "", "the method to use (default: the default sign-in method)")
			fs.BoolVar(&send, "send", false, "send a code to the phone and print what the second run needs")
			fs.StringVar(&signInID, "sign-in", "", "a pending sign-in from --send")
			fs.StringVar(&verification, "verification", "", "the verification from --send")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if account == "" {
				return usageError{"signin check needs --account"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			if signInID == "" {
				if !passwordStdin {
					return usageError{"signin check needs --password-stdin (or --sign-in from an earlier --send)"}
				}
				pw, err := readLine(c.stdin)
				if err != nil {
					return err
				}
				step, err := svc.SignIn(ctx, account, pw)
				if err != nil {
					return err
				}
				if step.Session != nil {
					return c.signedIn(step, asJSON)
				}
				signInID = step.Pending.ID
				opt := step.Pending.Options[0]
				for _, o := range step.Pending.Options {
					if o.MethodID == method {
						opt = o
					}
				}
				method = opt.MethodID
				if opt.Kind != core.KindAuthenticatorApp {
					if !send && code == "" {
						return core.Errorf(core.EINVALID, "The default sign-in method is %s %s: run with --send to send it a code.", opt.Kind, opt.Masked)
					}
					if send {
						ch, err := svc.SendSignInCode(ctx, signInID, method, opt.Channel)
						if err != nil {
							return err
						}
						if asJSON {
							return c.printJSON(map[string]any{"signInId": signInID, "methodId": method, "verificationId": ch.VerificationID, "destination": ch.Destination})
						}
						fmt.Fprintf(c.stdout, "A code was sent to %s. Then: signin check --account %s --method %s --sign-in %s --verification %s --code CODE\n",
							ch.Destination, account, method, signInID, ch.VerificationID)
						return nil
					}
				}
			}
			if code == "" {
				return usageError{"signin check needs --code for the second step"}
			}
			step, err := svc.FinishSignIn(ctx, signInID, method, verification, code)
			if err != nil {
				return err
			}
			return c.signedIn(step, asJSON)
		},
	}}
}

func (c *cli) signedIn(step *core.SignInStep, asJSON bool) error {
	if asJSON {
		return c.printJSON(map[string]any{"account": step.Account.Name, "twoStep": step.Session.TwoStep, "signedIn": true})
	}
	how := "password only (no sign-in method registered)"
	if step.Session.TwoStep {
		how = "password and second factor"
	}
	fmt.Fprintf(c.stdout, "Signed in as %s: %s.\n", step.Account.Name, how)
	return nil
}
