package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// helpdeskCommands are the help desk's: prove who is asking, then act,
// each action with a reason. With --server they act as the signed-in
// agent; on a data folder as the local administrator, through the same
// rules (verification first, audited, the owner told). Each lives in the
// file of its command's first word: helpdesk.go, tap.go, account.go
// (unlock, require-reregister), reset.go (password reset-by-helpdesk),
// sessions.go (revoke).
func helpdeskCommands() []*command {
	h := &helpdesk{}
	return []*command{h.search(), h.show(), h.verify(), h.tapCreate(), h.tapDelete(), h.unlock(), h.requireReregister(),
		h.deleteMethod(), h.resetPassword(), h.requestApproval(), h.approvals(), h.approve(), h.revokeSessions(), h.reports()}
}

// helpdesk holds the flags the help desk's commands share, and their
// helpers: the person named by --account, and finishing an identity check.
type helpdesk struct {
	account, method, code, verification, reason, kind string
	asJSON, reusable                                  bool
	lifetime                                          time.Duration
	length                                            int
	limit                                             int
	after                                             string
}

func (h *helpdesk) accountFlag(fs *flag.FlagSet) {
	fs.StringVar(&h.account, "account", "", "the account of the person asking (required)")
}

func (h *helpdesk) reasonFlag(fs *flag.FlagSet) {
	fs.StringVar(&h.reason, "reason", "", "ticket reference or reason, recorded in the audit log (required)")
}

// person opens the service and finds the --account (the person named), as
// the signed-in agent with --server.
func (h *helpdesk) person(ctx context.Context, c *cli, cmd string) (context.Context, core.Service, *core.Account, error) {
	if h.account == "" {
		return ctx, nil, nil, usageError{cmd + " needs --account"}
	}
	ctx, svc, err := c.open(ctx)
	if err != nil {
		return ctx, nil, nil, err
	}
	if c.server != "" && c.me == nil {
		return ctx, nil, nil, core.Errorf(core.EFORBIDDEN, "Log in first: securityinfoctl --server %s login --account NAME --password-stdin", c.server)
	}
	acct, err := svc.AccountByName(ctx, h.account)
	return ctx, svc, acct, err
}

// finish checks the code of an identity check and says until when the
// person is verified.
func (h *helpdesk) finish(ctx context.Context, c *cli, svc core.Service, acct *core.Account, verificationID string) error {
	proof, err := svc.FinishIdentityCheck(ctx, acct.ID, verificationID, h.code)
	if err != nil {
		return err
	}
	if h.asJSON {
		return c.printJSON(proof)
	}
	fmt.Fprintf(c.stdout, "Verified: the person asking owns %s (by %s), until %s.\n", acct.Name, proof.How,
		proof.VerifiedUntil.Local().Format(time.TimeOnly))
	return nil
}

// search is `securityinfoctl helpdesk search`.
func (h *helpdesk) search() *command {
	return &command{
		path: "helpdesk search",
		args: "QUERY",
		help: "Find people by the start of a sign-in or display name, or the last digits of a phone; methods masked.",
		flags: func(fs *flag.FlagSet) {
			fs.IntVar(&h.limit, "limit", 20, "results per page (at most 50)")
			fs.StringVar(&h.after, "after", "", "the next page: the last name of the page before")
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"helpdesk search needs one QUERY"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			if c.server != "" && c.me == nil {
				return core.Errorf(core.EFORBIDDEN, "Log in first: securityinfoctl --server %s login --account NAME --password-stdin", c.server)
			}
			found, err := svc.SearchAccounts(ctx, core.AccountSearch{Text: args[0], Limit: h.limit, After: h.after})
			if err != nil {
				return err
			}
			if h.asJSON {
				if found == nil {
					found = []core.AccountSummary{}
				}
				return c.printJSON(found)
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tDISPLAY NAME\tROLE\tMETHODS\tLAST SIGN-IN\tSTATE")
			for _, a := range found {
				var ms []string
				for _, m := range a.Methods {
					ms = append(ms, string(m.Kind)+" "+m.Detail)
				}
				last := "never"
				if a.LastSignInAt != nil {
					last = a.LastSignInAt.Local().Format(time.DateTime)
				}
				state := ""
				if a.Locked {
					state = "locked"
				}
				if a.PendingRemoval {
					state = strings.TrimSpace(state + " removal pending")
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, a.DisplayName, a.Role, strings.Join(ms, ", "), last, state)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(found) == 0 {
				fmt.Fprintln(c.stdout, "No one found.")
			}
			return nil
		},
	}
}

// show is `securityinfoctl helpdesk show`.
func (h *helpdesk) show() *command {
	return &command{
		path: "helpdesk show",
		help: "Show one person as the help desk sees them: methods masked, last sign-in, lockout, pass,\n" +
			"and whether your verification of who is asking is live (by which method, until when).",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, acct, err := h.person(ctx, c, "helpdesk show")
			if err != nil {
				return err
			}
			p, err := svc.HelpdeskPerson(ctx, acct.ID)
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(p)
			}
			a := p.Summary
			fmt.Fprintf(c.stdout, "%s (%s), %s\n", a.Name, a.DisplayName, a.Role)
			for _, m := range a.Methods {
				fmt.Fprintf(c.stdout, "  %s %s\n", m.Kind, m.Detail)
			}
			if a.LastSignInAt != nil {
				fmt.Fprintf(c.stdout, "Last sign-in %s.\n", a.LastSignInAt.Local().Format(time.DateTime))
			} else {
				fmt.Fprintln(c.stdout, "Never signed in.")
			}
			if a.LockedUntil != nil {
				fmt.Fprintf(c.stdout, "Locked until %s.\n", a.LockedUntil.Local().Format(time.DateTime))
			}
			if ap := a.AccessPass; ap != nil {
				kind := "reusable"
				if ap.OneTime {
					kind = "one-time"
				}
				fmt.Fprintf(c.stdout, "Temporary Access Pass (%s) until %s.\n", kind, ap.ExpiresAt.Local().Format(time.DateTime))
			}
			switch v := p.Verified; {
			case v == nil:
				fmt.Fprintln(c.stdout, "Not verified by you.")
			case v.InPerson:
				fmt.Fprintf(c.stdout, "Verified in person with photo ID, approved by %s, until %s.\n", v.ApprovedBy, v.Until.Local().Format(time.TimeOnly))
			default:
				fmt.Fprintf(c.stdout, "Verified by %s until %s.\n", v.How, v.Until.Local().Format(time.TimeOnly))
			}
			return nil
		},
	}
}

// verify is `securityinfoctl helpdesk verify`.
func (h *helpdesk) verify() *command {
	return &command{
		path: "helpdesk verify",
		help: "Prove that the person asking owns the account, through one of its methods (--method, from methods list):\n" +
			"a code is sent to a phone or an address, or the person reads out their authenticator app's code.\n" +
			"Then run again with --verification ID --code CODE. Verified means 10 minutes, for you only.",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			fs.StringVar(&h.method, "method", "", "the method to verify with")
			fs.StringVar(&h.code, "code", "", "the code the person read out")
			fs.StringVar(&h.verification, "verification", "", "the verification an earlier run started")
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if h.verification == "" && h.method == "" {
				return usageError{"helpdesk verify needs --method (to start) or --verification and --code (to finish)"}
			}
			if h.verification != "" && h.code == "" {
				return usageError{"helpdesk verify --verification needs --code"}
			}
			ctx, svc, acct, err := h.person(ctx, c, "helpdesk verify")
			if err != nil {
				return err
			}
			if h.verification != "" {
				return h.finish(ctx, c, svc, acct, h.verification)
			}
			ch, err := svc.BeginIdentityCheck(ctx, acct.ID, h.method)
			if err != nil {
				return err
			}
			if ch.Channel == core.ChannelApp && h.code == "" && !h.asJSON {
				fmt.Fprint(c.stderr, "The code the person's authenticator app shows now: ")
				if h.code, err = readLine(c.stdin); err != nil || h.code == "" {
					return usageError{"helpdesk verify needs the app's code: type it, or pass --code"}
				}
			}
			if ch.Channel == core.ChannelApp && h.code != "" {
				return h.finish(ctx, c, svc, acct, ch.VerificationID)
			}
			if h.asJSON {
				return c.printJSON(map[string]any{"verificationId": ch.VerificationID, "destination": ch.Destination, "expiresAt": ch.ExpiresAt})
			}
			if ch.Channel == core.ChannelApp {
				fmt.Fprintf(c.stdout, "Ask for the code the authenticator app shows, then: helpdesk verify --account %s --verification %s --code CODE\n",
					acct.Name, ch.VerificationID)
				return nil
			}
			fmt.Fprintf(c.stdout, "A code was sent to %s. Ask the person to read it out, then: helpdesk verify --account %s --verification %s --code CODE\n",
				ch.Destination, acct.Name, ch.VerificationID)
			return nil
		},
	}
}

// deleteMethod is `securityinfoctl helpdesk delete-method`.
func (h *helpdesk) deleteMethod() *command {
	return &command{
		path: "helpdesk delete-method",
		args: "METHOD_ID",
		help: "Delete one method of the person (a lost phone), with the owner's delete rules (the person verified first).",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"helpdesk delete-method needs one METHOD_ID"}
			}
			ctx, svc, acct, err := h.person(ctx, c, "helpdesk delete-method")
			if err != nil {
				return err
			}
			pv, err := svc.DeleteMethodForPerson(ctx, acct.ID, args[0], h.reason)
			if err != nil {
				return err
			}
			printPreview(c, pv, true)
			return nil
		},
	}
}

// requestApproval is `securityinfoctl helpdesk request-approval`.
func (h *helpdesk) requestApproval() *command {
	return &command{
		path: "helpdesk request-approval",
		help: "Ask a second agent to approve what you may not do alone: --kind admin to act on another administrator\n" +
			"(an administrator approves), or --kind inPerson to verify a person by the photo ID they show you.",
		flags: func(fs *flag.FlagSet) {
			h.accountFlag(fs)
			h.reasonFlag(fs)
			fs.StringVar(&h.kind, "kind", "", "admin or inPerson (required)")
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if h.kind == "" {
				return usageError{"helpdesk request-approval needs --kind admin or --kind inPerson"}
			}
			ctx, svc, acct, err := h.person(ctx, c, "helpdesk request-approval")
			if err != nil {
				return err
			}
			ap, err := svc.RequestApproval(ctx, acct.ID, core.ApprovalRequest{Kind: core.ApprovalKind(h.kind), Reason: h.reason})
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(ap)
			}
			fmt.Fprintf(c.stdout, "Asked for approval %s. Another agent approves it with: helpdesk approve %s (before %s)\n",
				ap.ID, ap.ID, ap.ExpiresAt.Local().Format(time.TimeOnly))
			return nil
		},
	}
}

// approvals is `securityinfoctl helpdesk approvals`.
func (h *helpdesk) approvals() *command {
	return &command{
		path: "helpdesk approvals",
		help: "List the other agents' requests you may approve.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			list, err := svc.PendingApprovals(ctx)
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(list)
			}
			if len(list) == 0 {
				fmt.Fprintln(c.stdout, "No request is waiting for your approval.")
				return nil
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tKIND\tACCOUNT\tASKED BY\tREASON\tUNTIL")
			for _, a := range list {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Kind, a.AccountName, a.RequesterName, a.Reason, a.ExpiresAt.Local().Format(time.TimeOnly))
			}
			return w.Flush()
		},
	}
}

// approve is `securityinfoctl helpdesk approve`.
func (h *helpdesk) approve() *command {
	return &command{
		path: "helpdesk approve",
		args: "APPROVAL_ID",
		help: "Approve another agent's request (see helpdesk approvals).",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 {
				return usageError{"helpdesk approve needs one APPROVAL_ID"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			ap, err := svc.Approve(ctx, args[0])
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(ap)
			}
			fmt.Fprintf(c.stdout, "Approved, until %s.\n", ap.ExpiresAt.Local().Format(time.TimeOnly))
			return nil
		},
	}
}

// reports is `securityinfoctl helpdesk reports`: what people said "This
// wasn't me" about in their Recent activity, for the desk to follow up.
func (h *helpdesk) reports() *command {
	return &command{
		path: "helpdesk reports",
		help: "List the \"This wasn't me\" reports of the accounts you may read, newest first.",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&h.asJSON, "json", false, "print JSON")
			fs.IntVar(&h.limit, "limit", 50, "at most this many (0: all)")
		},
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			list, err := svc.ActivityReports(ctx, h.limit)
			if err != nil {
				return err
			}
			if h.asJSON {
				return c.printJSON(list)
			}
			if len(list) == 0 {
				fmt.Fprintln(c.stdout, "No one has reported anything.")
				return nil
			}
			w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "REPORTED\tACCOUNT\tEVENT\tACTION\tDONE BY\tWHEN")
			for _, r := range list {
				fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", r.ReportedAt.Local().Format(time.DateTime), r.AccountName, r.EventSeq, r.Action,
					r.EventActor, r.EventTime.Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}
}
