package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func accountCommands() []*command {
	var name, display, role, language, setupTokenFile string
	var passwordStdin, listJSON bool
	return []*command{{
		path: "account create",
		help: "Create an account. The first account of a data folder is an administrator whatever --role says.\nThe password is read from the first line of standard input.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "sign-in name, such as alice@contoso.com (required)")
			fs.StringVar(&display, "display-name", "", "name shown to people (default: the sign-in name)")
			fs.StringVar(&role, "role", "user", "user, helpdesk or admin")
			fs.StringVar(&language, "language", "en", "language of the account: en or de")
			fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input (required)")
			fs.StringVar(&setupTokenFile, "setup-token-file", "", "with --server, the first account from another machine: a copy of securityinfod's setup-token file")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Sprintf("account create takes no arguments, got %q", args)}
			}
			if name == "" {
				return usageError{"account create needs --name"}
			}
			if !passwordStdin {
				return usageError{"account create needs --password-stdin, with the password on standard input (it is never taken as a flag)"}
			}
			r, err := core.ParseRole(role)
			if err != nil {
				return err
			}
			pw, err := readLine(c.stdin)
			if err != nil {
				return fmt.Errorf("read password: %w", err)
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			if setupTokenFile != "" {
				b, err := os.ReadFile(setupTokenFile)
				if err != nil {
					return core.Errorf(core.EINVALID, "Cannot read the setup token file %s.", setupTokenFile)
				}
				ctx = core.WithSetupToken(ctx, strings.TrimSpace(string(b)))
			}
			n := core.NewAccount{Name: name, DisplayName: display, Role: r, Language: language, Password: pw}
			create := svc.CreateAccount
			if first, err := svc.NeedsFirstAccount(ctx); err != nil {
				return err
			} else if first {
				create = svc.CreateFirstAccount // the core makes it the administrator
			}
			a, err := create(ctx, n)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Created account %s (%s)\n", a.Name, a.Role)
			return nil
		},
	}, {
		path:  "account list",
		help:  "List the accounts of the data folder.",
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&listJSON, "json", false, "print JSON") },
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			accts, err := svc.Accounts(ctx)
			if err != nil {
				return err
			}
			if listJSON {
				return c.printJSON(accts)
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tDISPLAY NAME\tROLE\tLANGUAGE\tCREATED")
			for _, a := range accts {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", a.Name, a.DisplayName, a.Role, a.Language, a.CreatedAt.Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}}
}

// unlock is `securityinfoctl account unlock`.
func (h *helpdesk) unlock() *command {
	return &command{
		path: "account unlock",
		help: "Clear the account's sign-in and method lockouts (the person verified first).",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, acct, err := h.person(ctx, c, "account unlock")
			if err != nil {
				return err
			}
			if err := svc.UnlockAccount(ctx, acct.ID, h.reason); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Unlocked %s.\n", acct.Name)
			return nil
		},
	}
}

// requireReregister is `securityinfoctl account require-reregister`.
func (h *helpdesk) requireReregister() *command {
	return &command{
		path: "account require-reregister",
		help: "Remove the account's phones, authenticator apps and keys (email and questions stay), sign it out\n" +
			"everywhere, and ask for registration at the next sign-in (the person verified first).",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, acct, err := h.person(ctx, c, "account require-reregister")
			if err != nil {
				return err
			}
			if err := svc.RequireReregistration(ctx, acct.ID, h.reason); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "%s must register again at the next sign-in; phones and apps were removed.\n", acct.Name)
			return nil
		},
	}
}
