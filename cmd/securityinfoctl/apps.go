package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"
)

// appsCommands manage the applications that may use the verify API.
func appsCommands() []*command {
	var name string
	var createJSON, listJSON, yes bool
	return []*command{{
		path: "apps create",
		help: "Register an application for the verify API (administrators): prints its client ID and its secret,\nshown this once; only a hash of the secret is kept.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&name, "name", "", "the application's name, such as intranet (required)")
			fs.BoolVar(&createJSON, "json", false, "print JSON: id, name, createdAt, createdBy, secret")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if name == "" || len(args) > 0 {
				return usageError{"apps create needs --name NAME, e.g. --name intranet"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			app, err := svc.CreateApplication(ctx, name)
			if err != nil {
				return err
			}
			if createJSON {
				return c.printJSON(app)
			}
			fmt.Fprintf(c.stdout, "Registered %s.\nClient ID:     %s\nClient secret: %s\n", app.Name, app.ID, app.Secret)
			fmt.Fprintln(c.stdout, "Keep the secret now: it is not shown again. The application sends both with HTTP Basic to /v1/verify.")
			return nil
		},
	}, {
		path:  "apps list",
		help:  "List the applications registered for the verify API (never their secrets).",
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&listJSON, "json", false, "print JSON") },
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			apps, err := svc.Applications(ctx)
			if err != nil {
				return err
			}
			if listJSON {
				return c.printJSON(apps)
			}
			if len(apps) == 0 {
				fmt.Fprintln(c.stdout, "No application is registered. Add one with: securityinfoctl apps create --name NAME")
				return nil
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tCLIENT ID\tCREATED\tBY")
			for _, a := range apps {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Name, a.ID, a.CreatedAt.Format(time.RFC3339), a.CreatedBy)
			}
			return w.Flush()
		},
	}, {
		path:  "apps delete",
		args:  "CLIENT_ID",
		help:  "Remove an application: its secret stops working at once. Without --yes nothing is removed.",
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&yes, "yes", false, "remove without asking (there is no undo)") },
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"apps delete needs the application's CLIENT_ID (see apps list)"}
			}
			if !yes {
				fmt.Fprintf(c.stderr, "Nothing was removed. Removing %s stops its secret at once, with no undo: run again with --yes to remove it.\n", args[0])
				return exitError{1}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			if err := svc.DeleteApplication(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Removed the application %s.\n", args[0])
			return nil
		},
	}}
}
