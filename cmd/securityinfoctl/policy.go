package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/securityinfo/securityinfo/core"
)

func policyCommands() []*command {
	var showJSON bool
	return []*command{{
		path:  "policy show",
		help:  "Show the organisation policy.",
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&showJSON, "json", false, "print JSON") },
		run: func(ctx context.Context, c *cli, args []string) error {
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			p, err := svc.Policy(ctx)
			if err != nil {
				return err
			}
			if showJSON {
				return c.printJSON(p)
			}
			return printPolicy(c, p)
		},
	}, {
		path: "policy set",
		args: "KEY=VALUE...",
		help: "Change policy keys; all are checked before any is saved.\nKeys: " + strings.Join(core.PolicyKeys(), ", ") +
			".\nLists are comma-separated (customQuestions: separated by |).",
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) == 0 {
				return usageError{"policy set needs at least one KEY=VALUE, e.g. codeLength=8"}
			}
			ctx, svc, err := c.open(ctx)
			if err != nil {
				return err
			}
			p, err := svc.SetPolicy(ctx, args)
			if err != nil {
				return err
			}
			return printPolicy(c, p)
		},
	}}
}

// printPolicy prints one KEY=VALUE line per key, in the form policy set takes.
func printPolicy(c *cli, p *core.Policy) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, k := range core.PolicyKeys() {
		v := m[k]
		sep := ","
		if k == "customQuestions" {
			sep = "|"
		}
		if list, ok := v.([]any); ok {
			parts := make([]string, len(list))
			for i, x := range list {
				parts[i] = fmt.Sprint(x)
			}
			v = strings.Join(parts, sep)
		}
		fmt.Fprintf(c.stdout, "%s=%v\n", k, v)
	}
	return nil
}
