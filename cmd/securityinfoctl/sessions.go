package main

import (
	"context"
	"flag"
	"fmt"
)

// revokeSessions is `securityinfoctl sessions revoke`.
func (h *helpdesk) revokeSessions() *command {
	return &command{
		path: "sessions revoke",
		help: "Sign the account out everywhere (the person verified first).",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, acct, err := h.person(ctx, c, "sessions revoke")
			if err != nil {
				return err
			}
			if err := svc.RevokeSessions(ctx, acct.ID, h.reason); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Signed %s out everywhere.\n", acct.Name)
			return nil
		},
	}
}
