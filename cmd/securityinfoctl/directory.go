package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory"
)

func directoryCommands() []*command {
	var asJSON, dryRun bool
	var account string
	return []*command{{
		path: "directory sync",
		help: "Bring the accounts to the organisation's directory ([directory] in securityinfo.toml): add its people,\n" +
			"update their role and display name, and end every access of those who left it or are disabled there\n" +
			"(audited). securityinfod does this every sync_interval. On the data folder only.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&dryRun, "dry-run", false, "say what would change, change nothing")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, _, err := c.openDirectory(ctx)
			if err != nil {
				return err
			}
			var progress func(int)
			if !asJSON {
				progress = func(n int) { fmt.Fprintf(c.stderr, "\rReading the directory: %d people", n) }
			}
			r, err := c.folder.Service.SyncDirectory(ctx, dryRun, progress)
			if progress != nil {
				fmt.Fprintln(c.stderr)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return c.printJSON(r)
			}
			what := "Synced"
			if r.DryRun {
				what = "Dry run, nothing changed"
			}
			fmt.Fprintf(c.stdout, "%s: %d people in the directory; %d added, %d updated, %d ended, %d unchanged.\n",
				what, r.Listed, r.Added, r.Updated, r.Disabled, r.Unchanged)
			for _, ch := range r.Changes {
				fmt.Fprintf(c.stdout, "  %-7s %s  %s\n", ch.Change, ch.Name, ch.Detail)
			}
			if n := r.Added + r.Updated + r.Disabled; n > len(r.Changes) {
				fmt.Fprintf(c.stdout, "  … and %d more.\n", n-len(r.Changes))
			}
			return nil
		},
	}, {
		path: "directory check",
		help: "Connect to the organisation's directory and bind as the service account, and with --account show what\n" +
			"one person maps to here (sign-in name, display name, phones, role), changing nothing.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&account, "account", "", "a person's sign-in name to look up")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, d, err := c.openDirectory(ctx)
			if err != nil {
				return err
			}
			out := struct {
				Directory string                `json:"directory"`
				Bound     bool                  `json:"bound"`
				Person    *core.DirectoryPerson `json:"person,omitempty"`
				Account   string                `json:"account,omitempty"` // "exists" or "will be added"
			}{Directory: d.Describe()}
			if err := d.Check(ctx); err != nil {
				return err
			}
			out.Bound = true
			if account != "" {
				if out.Person, err = d.Person(ctx, account); err != nil {
					return err
				}
				out.Account = "will be added at the next sync or first sign-in"
				if _, err := c.folder.Service.AccountByName(ctx, out.Person.Name); err == nil {
					out.Account = "exists"
				}
			}
			if asJSON {
				return c.printJSON(out)
			}
			fmt.Fprintf(c.stdout, "Directory: %s\nBound as the service account: yes\n", out.Directory)
			if p := out.Person; p != nil {
				fmt.Fprintf(c.stdout, "Person:\n  entry         %s\n  sign-in name  %s\n  display name  %s\n  mobile        %s\n  office phone  %s\n  role          %s\n",
					p.DN, p.Name, p.DisplayName, p.Mobile, p.OfficePhone, p.Role)
				if p.Disabled {
					fmt.Fprintln(c.stdout, "  disabled in the directory: cannot sign in")
				}
				if p.MustChange {
					fmt.Fprintln(c.stdout, "  must change the password at the next sign-in")
				}
				fmt.Fprintf(c.stdout, "  account here  %s\n", out.Account)
			}
			return nil
		},
	}}
}

// openDirectory opens the data folder and its directory: the directory
// commands work on the service's own folder, not through --server.
func (c *cli) openDirectory(ctx context.Context) (context.Context, *directory.Directory, error) {
	if c.server != "" {
		return ctx, nil, core.Errorf(core.EINVALID, "The directory commands work on the service's data folder (--data), not through --server: securityinfod syncs by itself every sync_interval.")
	}
	ctx, _, err := c.open(ctx)
	if err != nil {
		return ctx, nil, err
	}
	if c.folder.Directory == nil {
		return ctx, nil, core.Errorf(core.EINVALID, "No directory is configured: set [directory] in %s (docs/operations.md says how).", "securityinfo.toml")
	}
	return ctx, c.folder.Directory, nil
}
