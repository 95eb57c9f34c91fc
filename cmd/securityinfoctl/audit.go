package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func auditCommands() []*command {
	var account string
	var listJSON bool
	var limit int
	return []*command{{
		path: "audit list",
		help: "List audit events, oldest first.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&account, "account", "", "only events of this account")
			fs.IntVar(&limit, "limit", 0, "only the newest N events")
			fs.BoolVar(&listJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			f := core.AuditFilter{Limit: limit}
			if account != "" {
				a, err := svc.AccountByName(ctx, account)
				if err != nil {
					return err
				}
				f.AccountID = a.ID
			}
			events, err := svc.AuditLog(ctx, f)
			if err != nil {
				return err
			}
			if listJSON {
				return c.printJSON(events)
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SEQ\tTIME\tACTOR\tACCOUNT\tACTION\tKIND\tDETAIL")
			for _, e := range events {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Local().Format(time.DateTime), e.ActorName, e.AccountName, e.Action, e.Kind, e.Detail)
			}
			return w.Flush()
		},
	}, {
		path: "audit verify",
		help: "Check the audit chain and its sealed head: exit 0 when intact, 1 naming the first break\n(events edited, removed or reordered, events cut from the end, or the log emptied).",
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			rep, err := svc.VerifyAudit(ctx)
			if err != nil {
				return err
			}
			if brk := rep.Break; brk != nil {
				fmt.Fprintf(c.stdout, "audit chain broken at event %d: %s\n", brk.Seq, brk.Reason)
				return exitError{1}
			}
			fmt.Fprintf(c.stdout, "audit chain intact: %d events\n", rep.Events)
			return nil
		},
	}}
}
