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
	var number, channel, kind, extension, region, address, name, qrFile, language string
	var asJSON bool
	jsonFlag := func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON") }
	return []*command{{
		path: "methods add phone",
		help: "Send a code to a phone being added. Confirm with: methods confirm VERIFICATION_ID CODE",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&number, "number", "", "the number, with + and country code (or national with --country)")
			fs.StringVar(&region, "country", "", "ISO country code (GB, US, DE) for a national number")
			fs.StringVar(&channel, "channel", "", "sms or voice (default: sms for a mobile, voice for the others)")
			fs.StringVar(&kind, "type", "mobile", "mobile, alternate or office")
			fs.StringVar(&extension, "extension", "", "office phone extension")
			fs.StringVar(&language, "language", "", "language of the messages to this phone (default: the account's)")
			jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if number == "" {
				return usageError{"methods add phone needs --number"}
			}
			k, ok := map[string]core.MethodKind{"mobile": core.KindPhone, "alternate": core.KindAlternatePhone, "office": core.KindOfficePhone}[kind]
			if !ok {
				return usageError{fmt.Sprintf("--type must be mobile, alternate or office, not %q", kind)}
			}
			if channel != "" && channel != "sms" && channel != "voice" {
				return usageError{fmt.Sprintf("--channel must be sms or voice, not %q", channel)}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ch, err := svc.BeginPhone(ctx, a.ID, core.PhoneRequest{Kind: k, Number: number, Region: region, Extension: extension,
				Channel: core.Channel(channel), Language: language})
			if err != nil {
				return err
			}
			return c.printChallenge(ch, asJSON)
		},
	}, {
		path: "methods add email",
		help: "Send a code to an email address being added (not one of the organisation's domains).",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&address, "address", "", "the address")
			fs.StringVar(&language, "language", "", "language of the messages to this address (default: the account's)")
			jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if address == "" {
				return usageError{"methods add email needs --address"}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ch, err := svc.BeginEmail(ctx, a.ID, address, language)
			if err != nil {
				return err
			}
			return c.printChallenge(ch, asJSON)
		},
	}, {
		path: "methods add security-key",
		help: "Security keys are added in the window, which talks to the key (its PIN and touch); the command line\nlists, renames and deletes them (methods list, methods rename, methods delete).",
		run: func(ctx context.Context, c *cli, args []string) error {
			return core.Errorf(core.EINVALID, "Adding a security key needs the window (securityinfo), which talks to the key: its PIN and touch. Here, methods list, rename and delete work on keys.")
		},
	}, {
		path: "methods add authenticator",
		help: "Start adding an authenticator app: prints the secret and otpauth URI, and writes the QR code.\nConfirm with the app's code: methods confirm VERIFICATION_ID CODE",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "a name for the app, such as the phone it is on")
			fs.StringVar(&qrFile, "qr", "", "write the QR code to this PNG file")
			jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			e, err := svc.BeginAuthenticator(ctx, a.ID, name)
			if err != nil {
				return err
			}
			if qrFile != "" {
				png, err := core.QRPNG(e.URI, 512)
				if err != nil {
					return err
				}
				if err := os.WriteFile(qrFile, png, 0o600); err != nil {
					return core.Errorf(core.EUNAVAILABLE, "Cannot write the QR code to %s: %v.", qrFile, errors.Unwrap(err))
				}
			}
			if asJSON {
				return c.printJSON(map[string]any{"verificationId": e.VerificationID, "secret": e.Secret, "uri": e.URI})
			}
			fmt.Fprintf(c.stdout, "Scan the QR code%s with the app, or type:\n  Account: %s\n  Secret key: %s\n\nThen: securityinfoctl --as %s methods confirm %s CODE\n",
				map[bool]string{true: " in " + qrFile, false: ""}[qrFile != ""], e.AccountName, core.SecretGroups(e.Secret), a.Name, e.VerificationID)
			return nil
		},
	}, {
		path:  "methods add questions",
		help:  "Register security questions, read from standard input as JSON:\n[{\"question\": \"ID or text\", \"answer\": \"...\"}, ...] (see: questions list).",
		flags: jsonFlag,
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
			m, err := svc.AddQuestions(ctx, a.ID, qas)
			if err != nil {
				return err
			}
			return c.printMethod(m, asJSON)
		},
	}, {
		path:  "methods confirm",
		args:  "VERIFICATION_ID CODE",
		help:  "Confirm a method being added with the code sent to it (or shown by the app).\nA wrong code exits 1 with the reason and the tries left.",
		flags: jsonFlag,
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
			return c.printMethod(m, asJSON)
		},
	}, {
		path:  "methods resend",
		args:  "VERIFICATION_ID",
		help:  "Send a new code in place of the old one (no sooner than the policy's wait).",
		flags: jsonFlag,
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
			return c.printChallenge(ch, asJSON)
		},
	}, {
		path: "questions list",
		help: "List the security question bank.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&language, "language", "en", "language of the questions")
			jsonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			qs, err := svc.QuestionBank(ctx, language)
			if err != nil {
				return err
			}
			if asJSON {
				return c.printJSON(qs)
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			for _, q := range qs {
				fmt.Fprintf(w, "%s\t%s\n", q.ID, q.Text)
			}
			return w.Flush()
		},
	}}
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
	fmt.Fprintf(c.stdout, "Added %s (%s). Method ID: %s\n", ki.Label, m.Name, m.ID)
	return nil
}
