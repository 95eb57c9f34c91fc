package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// tapCreate is `securityinfoctl tap create`.
func (h *helpdesk) tapCreate() *command {
	return &command{
		path: "tap create",
		help: "Create the account's Temporary Access Pass (it replaces any other) and print it, the only time it is shown.\n" +
			"The person must have been verified (helpdesk verify) in the last 10 minutes.",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
			fs.DurationVar(&h.lifetime, "lifetime", 0, "how long it works, 10m to the policy's tapMaxLifetimeMinutes (default: the policy's)")
			fs.IntVar(&h.length, "length", 0, "characters, the policy's tapLength to 48 (default: the policy's)")
			fs.BoolVar(&h.reusable, "reusable", false, "usable more than once while it lasts (only where the policy's tapOneTime is false)")
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if h.lifetime%time.Minute != 0 {
				return usageError{"tap create --lifetime is whole minutes, such as 90m or 1h"}
			}
			ctx, svc, acct, err := h.person(ctx, c, "tap create")
			if err != nil {
				return err
			}
			r := core.AccessPassRequest{LifetimeMinutes: int(h.lifetime / time.Minute), Length: h.length, Reason: h.reason}
			if h.reusable {
				r.OneTime = new(bool)
			}
			pass, err := svc.CreateAccessPass(ctx, acct.ID, r)
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(pass)
			}
			kind := "reusable"
			if pass.OneTime {
				kind = "one-time"
			}
			fmt.Fprintf(c.stdout, "Temporary Access Pass for %s:\n\n    %s\n\n%s, valid until %s. It is not shown again.\n",
				acct.Name, pass.Pass, kind, pass.ExpiresAt.Local().Format(time.DateTime))
			return nil
		},
	}
}

// tapDelete is `securityinfoctl tap delete`.
func (h *helpdesk) tapDelete() *command {
	return &command{
		path: "tap delete",
		help: "Delete the account's Temporary Access Pass.",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			fs.StringVar(&h.reason, "reason", "Temporary Access Pass deleted", "ticket reference or reason")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, acct, err := h.person(ctx, c, "tap delete")
			if err != nil {
				return err
			}
			if err := svc.DeleteAccessPass(ctx, acct.ID, h.reason); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Deleted the Temporary Access Pass of %s.\n", acct.Name)
			return nil
		},
	}
}
