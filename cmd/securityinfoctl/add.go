package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/securityinfo/securityinfo/core"
)

// addCommands are the commands that add and prove methods.
func addCommands() []*command {
	ad := &addFlags{}
	return []*command{ad.phone(), ad.email(), ad.securityKey(), ad.authenticator(), ad.questions(), ad.changeQuestions(), ad.confirm(), ad.resend(),
		ad.questionList(), ad.recoveryCodes()}
}

// addFlags holds the flags the commands that add methods share, and their
// helper.
type addFlags struct {
	number, channel, kind, extension, region, address, name, qrFile, language string
	asJSON, newCodes                                                          bool
}

func (ad *addFlags) jsonFlag(fs *flag.FlagSet) { fs.BoolVar(&ad.asJSON, "json", false, "print JSON") }

// phone is `securityinfoctl methods add phone`.
func (ad *addFlags) phone() *command {
	return &command{
		path: "methods add phone",
		help: "Send a code to a phone being added. Confirm with: methods confirm VERIFICATION_ID CODE",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&ad.number, "number", "", "the number, with + and country code (or national with --country)")
			fs.StringVar(&ad.region, "country", "", "ISO country code (GB, US, DE) for a national number")
			fs.StringVar(&ad.channel, "channel", "", "sms or voice (default: sms for a mobile, voice for the others)")
			fs.StringVar(&ad.kind, "type", "mobile", "mobile, alternate or office")
			fs.StringVar(&ad.extension, "extension", "", "office phone extension")
			fs.StringVar(&ad.language, "language", "", "language of the messages to this phone (default: the account's)")
			ad.jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if ad.number == "" {
				return usageError{"methods add phone needs --number"}
			}
			k, ok := map[string]core.MethodKind{"mobile": core.KindPhone, "alternate": core.KindAlternatePhone, "office": core.KindOfficePhone}[ad.kind]
			if !ok {
				return usageError{fmt.Sprintf("--type must be mobile, alternate or office, not %q", ad.kind)}
			}
			if ad.channel != "" && ad.channel != "sms" && ad.channel != "voice" {
				return usageError{fmt.Sprintf("--channel must be sms or voice, not %q", ad.channel)}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ch, err := svc.BeginPhone(ctx, a.ID, core.PhoneRequest{Kind: k, Number: ad.number, Region: ad.region, Extension: ad.extension,
				Channel: core.Channel(ad.channel), Language: ad.language})
			if err != nil {
				return err
			}
			return c.printChallenge(ch, ad.asJSON)
		},
	}
}

// email is `securityinfoctl methods add email`.
func (ad *addFlags) email() *command {
	return &command{
		path: "methods add email",
		help: "Send a code to an email address being added (not one of the organisation's domains).",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&ad.address, "address", "", "the address")
			fs.StringVar(&ad.language, "language", "", "language of the messages to this address (default: the account's)")
			ad.jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if ad.address == "" {
				return usageError{"methods add email needs --address"}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ch, err := svc.BeginEmail(ctx, a.ID, ad.address, ad.language)
			if err != nil {
				return err
			}
			return c.printChallenge(ch, ad.asJSON)
		},
	}
}

// securityKey is `securityinfoctl methods add security-key`.
func (ad *addFlags) securityKey() *command {
	return &command{
		path: "methods add security-key",
		help: "Security keys are added in the window, which talks to the key (its PIN and touch); the command line\nlists, renames and deletes them (methods list, methods rename, methods delete).",
		run: func(ctx context.Context, c *cli, args []string) error {
			return core.Errorf(core.EINVALID, "Adding a security key needs the window (securityinfo), which talks to the key: its PIN and touch. Here, methods list, rename and delete work on keys.")
		},
	}
}

// authenticator is `securityinfoctl methods add authenticator`.
func (ad *addFlags) authenticator() *command {
	return &command{
		path: "methods add authenticator",
		help: "Start adding an authenticator app: prints the secret and otpauth URI, and writes the QR code.\nConfirm with the app's code: methods confirm VERIFICATION_ID CODE",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&ad.name, "name", "", "a name for the app, such as the phone it is on")
			fs.StringVar(&ad.qrFile, "qr", "", "write the QR code to this PNG file")
			ad.jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			e, err := svc.BeginAuthenticator(ctx, a.ID, ad.name)
			if err != nil {
				return err
			}
			if ad.qrFile != "" {
				png, err := core.QRPNG(e.URI, 512)
				if err != nil {
					return err
				}
				if err := os.WriteFile(ad.qrFile, png, 0o600); err != nil {
					return core.Errorf(core.EUNAVAILABLE, "Cannot write the QR code to %s: %v.", ad.qrFile, errors.Unwrap(err))
				}
			}
			if ad.asJSON {
				return c.printJSON(map[string]any{"verificationId": e.VerificationID, "secret": e.Secret, "uri": e.URI})
			}
			fmt.Fprintf(c.stdout, "Scan the QR code%s with the app, or type:\n  Account: %s\n  Secret key: %s\n\nThen: securityinfoctl --as %s methods confirm %s CODE\n",
				map[bool]string{true: " in " + ad.qrFile, false: ""}[ad.qrFile != ""], e.AccountName, core.SecretGroups(e.Secret), a.Name, e.VerificationID)
			return nil
		},
	}
}

// recoveryCodes is `securityinfoctl methods add recovery-codes`: the
// only time the codes are printed.
func (ad *addFlags) recoveryCodes() *command {
	return &command{
		path: "methods add recovery-codes",
		help: "Make 10 one-time recovery codes and print them, this once: {\"codes\": [...], \"methodId\": ...} with --json.\n" +
			"With --new, get new codes in place of the set: the old ones stop working at once.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&ad.newCodes, "new", false, "replace the set (\"Get new codes\")")
			ad.jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			issue := svc.AddRecoveryCodes
			if ad.newCodes {
				issue = svc.NewRecoveryCodes
			}
			rc, err := issue(ctx, a.ID)
			if err != nil {
				return err
			}
			if ad.asJSON {
				return c.printJSON(rc)
			}
			fmt.Fprintln(c.stdout, "Your recovery codes (each works once; they are not shown again):")
			for _, code := range rc.Codes {
				fmt.Fprintln(c.stdout, "  "+code)
			}
			return nil
		},
	}
}

// questions is `securityinfoctl methods add questions`.
func (ad *addFlags) questions() *command {
	return ad.questionsCommand("methods add questions", "Register security questions", core.Service.AddQuestions)
}

// changeQuestions is `securityinfoctl methods change-questions`.
func (ad *addFlags) changeQuestions() *command {
	return ad.questionsCommand("methods change-questions", "Answer security questions again, in place of the registered ones", core.Service.ChangeQuestions)
}

// questionsCommand reads questions and answers from standard input for do.
func (ad *addFlags) questionsCommand(path, what string, do func(core.Service, context.Context, string, []core.QuestionAnswer) (*core.MethodView, error)) *command {
	return &command{
		path:  path,
		help:  what + ", read from standard input as JSON:\n[{\"question\": \"ID or text\", \"answer\": \"...\"}, ...] (see: questions list).",
		flags: ad.jsonFlag,
		run: func(ctx context.Context, c *cli, args []string) error {
			var qas []core.QuestionAnswer
			dec := json.NewDecoder(io.LimitReader(c.stdin, 1<<20))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&qas); err != nil {
				return core.Errorf(core.EINVALID, "Standard input must be a JSON list of {\"question\": ..., \"answer\": ...}: %v.", err)
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			m, err := do(svc, ctx, a.ID, qas)
			if err != nil {
				return err
			}
			return c.printMethod(m, ad.asJSON)
		},
	}
}

// confirm is `securityinfoctl methods confirm`.
func (ad *addFlags) confirm() *command {
	return &command{
		path:  "methods confirm",
		args:  "VERIFICATION_ID CODE",
		help:  "Confirm a method being added with the code sent to it (or shown by the app).\nA wrong code exits 1 with the reason and the tries left.",
		flags: ad.jsonFlag,
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 2 {
				return usageError{"methods confirm needs VERIFICATION_ID and CODE"}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			m, err := svc.Confirm(ctx, a.ID, args[0], args[1])
			if err != nil {
				return err
			}
			return c.printMethod(m, ad.asJSON)
		},
	}
}

// resend is `securityinfoctl methods resend`.
func (ad *addFlags) resend() *command {
	return &command{
		path:  "methods resend",
		args:  "VERIFICATION_ID",
		help:  "Send a new code in place of the old one (no sooner than the policy's wait).",
		flags: ad.jsonFlag,
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"methods resend needs VERIFICATION_ID"}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ch, err := svc.Resend(ctx, a.ID, args[0])
			if err != nil {
				return err
			}
			return c.printChallenge(ch, ad.asJSON)
		},
	}
}

// questionList is `securityinfoctl questions list`.
func (ad *addFlags) questionList() *command {
	return &command{
		path: "questions list",
		help: "List the security question bank.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&ad.language, "language", "en", "language of the questions")
			ad.jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			qs, err := svc.QuestionBank(ctx, ad.language)
			if err != nil {
				return err
			}
			if ad.asJSON {
				return c.printJSON(qs)
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			for _, q := range qs {
				fmt.Fprintf(w, "%s\t%s\n", q.ID, q.Text)
			}
			return w.Flush()
		},
	}
}

// openTarget opens the folder and resolves --as.
func (c *cli) openTarget(ctx context.Context) (context.Context, core.Service, *core.Account, error) {
	ctx, svc, err := c.open(ctx)
	if err != nil {
		return ctx, nil, nil, err
	}
	a, err := c.target(ctx, svc)
	if err != nil {
		return ctx, svc, nil, err
	}
	if c.server != "" {
		return ctx, svc, a, nil // the signed-in session acts
	}
	// --as acts as the account itself: only an account's owner adds to,
	// renames or proves its security info, and whoever holds the data
	// folder and its key may act as any of its accounts.
	return core.WithActor(ctx, core.OwnerActor(a, "cli")), svc, a, nil
}

func (c *cli) printChallenge(ch *core.Challenge, asJSON bool) error {
	if asJSON {
		return c.printJSON(map[string]any{"verificationId": ch.VerificationID, "destination": ch.Destination,
			"expiresAt": ch.ExpiresAt, "resendAfter": ch.ResendAfter})
	}
	dest := ch.Destination
	if !strings.Contains(dest, "@") && strings.HasPrefix(dest, "+") && !strings.Contains(dest, "X") {
		dest = core.FormatPhone(dest, "")
	}
	how := map[core.Channel]string{core.ChannelSMS: "texted to", core.ChannelVoice: "read out in a call to", core.ChannelEmail: "emailed to"}[ch.Channel]
	fmt.Fprintf(c.stdout, "A %d-digit code was %s %s; it expires at %s.\nVerification: %s\n", ch.CodeLength, how, dest,
		ch.ExpiresAt.Local().Format("15:04:05"), ch.VerificationID)
	return nil
}

func (c *cli) printMethod(m *core.MethodView, asJSON bool) error {
	if asJSON {
		return c.printJSON(m)
	}
	ki, _ := m.Kind.Info()
	// "Added Phone (+44 20 7946 0958)", "Added Authenticator app (Pixel)":
	// the name or detail only when it says more than the kind.
	what := ""
	for _, s := range []string{m.Name, m.Detail} {
		if s != "" && !strings.EqualFold(s, ki.Label) {
			what = " (" + s + ")"
			break
		}
	}
	fmt.Fprintf(c.stdout, "Added %s%s. Method ID: %s\n", ki.Label, what, m.ID)
	return nil
}
