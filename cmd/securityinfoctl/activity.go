package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
)

// activityCommands are the owner's over their Recent activity.
func activityCommands() []*command {
	var yes, asJSON bool
	return []*command{{
		path: "activity report",
		args: "EVENT_SEQ",
		help: "Say \"This wasn't me\" about an event of the --as account (its number in audit list): every session ends,\nthis one too, a Temporary Access Pass is deleted, and the help desk sees the report. Without --yes nothing is done.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&yes, "yes", false, "report it and sign out everywhere")
			fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"activity report needs one EVENT_SEQ"}
			}
			seq, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || seq <= 0 {
				return usageError{"EVENT_SEQ is the event's number, such as 42"}
			}
			if !yes {
				fmt.Fprintln(c.stderr, "Nothing was reported. Reporting signs you out everywhere: run again with --yes.")
				return exitError{1}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			r, err := svc.ReportActivity(ctx, a.ID, seq)
			if err != nil {
				return err
			}
			if asJSON {
				return c.printJSON(r)
			}
			fmt.Fprintf(c.stdout, "Reported event %d (%s). You were signed out everywhere and the help desk was told.\n", r.EventSeq, r.Action)
			fmt.Fprintln(c.stdout, "Change your password now, and check your security info.")
			return nil
		},
	}}
}
