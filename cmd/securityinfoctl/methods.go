package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func methodsCommands() []*command {
	mf := &methodsFlags{}
	return []*command{mf.list(), mf.delete(), mf.lost(), mf.cancelRemoval(), mf.setDefault(), mf.rename()}
}

// methodsFlags holds the flags the methods commands share.
type methodsFlags struct {
	listJSON, yes, outJSON bool
	channel                string
}

// list is `securityinfoctl methods list`.
func (mf *methodsFlags) list() *command {
	return &command{
		path:  "methods list",
		help:  "List the security info of the --as account.",
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&mf.listJSON, "json", false, "print JSON") },
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			info, err := svc.SecurityInfo(ctx, a.ID)
			if err != nil {
				return err
			}
			if mf.listJSON {
				return c.printJSON(info.Methods)
			}
			if info.Default != nil {
				fmt.Fprintf(c.stdout, "Default sign-in method: %s\n", info.Default.Label)
			}
			if info.PendingRemoval != nil {
				fmt.Fprintf(c.stdout, "Removal of security info scheduled for %s (cancel with: methods cancel-removal)\n",
					info.PendingRemoval.EffectiveAt.Local().Format(time.DateTime))
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tKIND\tDETAIL\tDEFAULT\tUSABLE FOR\tADDED")
			for _, m := range info.Methods {
				detail := m.Detail
				if m.Kind.IsPhone() {
					detail = core.FormatPhone(m.Detail, m.Extension)
				}
				def := ""
				if m.IsDefault {
					def = "yes"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%v\t%s\n", m.ID, m.Kind, detail, def, m.UsableFor, m.CreatedAt.Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}
}

// delete is `securityinfoctl methods delete`.
func (mf *methodsFlags) delete() *command {
	return &command{
		path: "methods delete",
		args: "METHOD_ID",
		help: "Delete a method. Says first which method becomes the default and whether the policy is still met;\nwithout --yes nothing is deleted. Deleting the last security info is scheduled for 30 days.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&mf.yes, "yes", false, "delete without asking (there is no undo)")
			fs.BoolVar(&mf.outJSON, "json", false, "print what was done as JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"methods delete needs one METHOD_ID"}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			if !mf.yes {
				pv, err := svc.PreviewDelete(ctx, a.ID, args[0])
				if err != nil {
					return err
				}
				printPreview(c, pv, false)
				fmt.Fprintln(c.stderr, "Nothing was deleted. There is no undo: run again with --yes to delete.")
				return exitError{1}
			}
			pv, err := svc.DeleteMethod(ctx, a.ID, args[0])
			if err != nil {
				return err
			}
			if mf.outJSON {
				return c.printJSON(pv)
			}
			printPreview(c, pv, true)
			return nil
		},
	}
}

// lost is `securityinfoctl methods lost`: the lost-device path of the
// window, for the --as account (core.Service.ReplaceLostMethod).
func (mf *methodsFlags) lost() *command {
	return &command{
		path: "methods lost",
		args: "METHOD_ID",
		help: "Report a phone or authenticator app lost: it is removed at once (even the last one), the sessions signed in\nwith it end, and the default moves; add the new one next. Without --yes nothing is removed.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&mf.yes, "yes", false, "remove it at once (there is no undo)")
			fs.BoolVar(&mf.outJSON, "json", false, "print what was done as JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"methods lost needs one METHOD_ID"}
			}
			if !mf.yes {
				fmt.Fprintln(c.stderr, "Nothing was removed. There is no undo: run again with --yes to remove the lost device at once.")
				return exitError{1}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ld, err := svc.ReplaceLostMethod(ctx, a.ID, args[0])
			if err != nil {
				return err
			}
			if mf.outJSON {
				return c.printJSON(ld)
			}
			fmt.Fprintf(c.stdout, "Removed the lost %s %s; %d sessions signed in with it ended.\n", ld.Removed, ld.Detail, ld.SessionsEnded)
			if ld.NewDefault != nil {
				fmt.Fprintf(c.stdout, "Default sign-in method: %s\n", ld.NewDefault.Label)
			}
			fmt.Fprintf(c.stdout, "Add the new one with: methods add %s\n", addWord(ld.Replace))
			return nil
		},
	}
}

// addWord is the `methods add` word of a kind to add in a lost one's place.
func addWord(k core.MethodKind) string {
	if k == core.KindAuthenticatorApp {
		return "authenticator"
	}
	return "phone"
}

// cancelRemoval is `securityinfoctl methods cancel-removal`.
func (mf *methodsFlags) cancelRemoval() *command {
	return &command{
		path: "methods cancel-removal",
		help: "Cancel the scheduled removal of the last security info of the --as account.",
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			if err := svc.CancelRemoval(ctx, a.ID); err != nil {
				return err
			}
			fmt.Fprintln(c.stdout, "The scheduled removal was cancelled.")
			return nil
		},
	}
}

// setDefault is `securityinfoctl methods default`.
func (mf *methodsFlags) setDefault() *command {
	return &command{
		path: "methods default",
		args: "METHOD_ID",
		help: "Make a method the default sign-in method.",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&mf.channel, "channel", "", "sms or voice, for a phone (default: the channel it was added with)")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"methods default needs one METHOD_ID"}
			}
			if mf.channel != "" && mf.channel != string(core.ChannelSMS) && mf.channel != string(core.ChannelVoice) {
				return usageError{fmt.Sprintf("--channel must be sms or voice, not %q", mf.channel)}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			ch, err := svc.SetDefault(ctx, a.ID, args[0], core.Channel(mf.channel))
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Default sign-in method: %s\n", ch.Label)
			return nil
		},
	}
}

// rename is `securityinfoctl methods rename`.
func (mf *methodsFlags) rename() *command {
	return &command{
		path: "methods rename",
		args: "METHOD_ID NAME",
		help: "Rename an authenticator app or security key.",
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 2 {
				return usageError{"methods rename needs METHOD_ID and NAME"}
			}
			ctx, svc, a, err := c.openTarget(ctx)
			if err != nil {
				return err
			}
			m, err := svc.RenameMethod(ctx, a.ID, args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Renamed to %s\n", m.Name)
			return nil
		},
	}
}

// printPreview says what a delete does (done) or would do.
func printPreview(c *cli, pv *core.DeletePreview, done bool) {
	ki, _ := pv.Method.Kind.Info()
	switch {
	case pv.Scheduled && done:
		fmt.Fprintf(c.stdout, "%s is your last security info: its removal is scheduled for %s. Until then no other change is accepted; cancel with: methods cancel-removal\n",
			ki.Label, pv.EffectiveAt.Local().Format(time.DateTime))
		return
	case pv.Scheduled:
		fmt.Fprintf(c.stdout, "%s is your last security info: deleting it schedules its removal for %s, 30 days from now.\n",
			ki.Label, pv.EffectiveAt.Local().Format(time.DateTime))
		return
	case done:
		fmt.Fprintf(c.stdout, "Deleted %s.\n", ki.Label)
	default:
		fmt.Fprintf(c.stdout, "Deleting %s:\n", ki.Label)
	}
	switch {
	case pv.WasDefault && pv.NewDefault != nil:
		fmt.Fprintf(c.stdout, "  Default sign-in method becomes: %s\n", pv.NewDefault.Label)
	case pv.WasDefault:
		fmt.Fprintln(c.stdout, "  No default sign-in method is left.")
	}
	if !pv.Requirements.SignInMet {
		fmt.Fprintln(c.stdout, "  No two-step sign-in method is left.")
	}
	if !pv.Requirements.ResetMet {
		fmt.Fprintf(c.stdout, "  Password reset needs %d method(s); %d left.\n", pv.Requirements.ResetNeeded, pv.Requirements.ResetMethods)
	}
}
