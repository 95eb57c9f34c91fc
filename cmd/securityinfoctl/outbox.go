package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/outbox"
)

func outboxCommands() []*command {
	var asJSON bool
	return []*command{{
		path:  "outbox list",
		help:  "List the messages written to the local outbox instead of being delivered, oldest first.",
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON") },
		run: func(ctx context.Context, c *cli, args []string) error {
			dir, err := c.dir()
			if err != nil {
				return err
			}
			entries, err := outbox.Read(filepath.Join(dir, outbox.FileName))
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]map[string]any, len(entries))
				for i, e := range entries {
					out[i] = map[string]any{"time": e.Time, "channel": e.Channel, "to": e.To, "language": e.Language, "text": e.Text}
				}
				return c.printJSON(out)
			}
			if len(entries) == 0 {
				fmt.Fprintln(c.stdout, "The outbox is empty.")
			}
			for _, e := range entries {
				fmt.Fprintf(c.stdout, "%s  %s to %s (%s)\n", e.Time.Local().Format("2006-01-02 15:04:05"), e.Channel, e.To, e.Language)
				if e.Subject != "" {
					fmt.Fprintf(c.stdout, "  Subject: %s\n", e.Subject)
				}
				fmt.Fprintf(c.stdout, "  %s\n\n", strings.ReplaceAll(e.Text, "\n", "\n  "))
			}
			return nil
		},
	}, {
		path: "config check",
		help: "Say where email, text messages and calls go with the current configuration, and which RADIUS\nclients securityinfod --radius-listen answers (never their secrets). Sends nothing.",
		run: func(ctx context.Context, c *cli, args []string) error {
			dir, err := c.dir()
			if err != nil {
				return err
			}
			cfg, err := datafolder.LoadConfig(dir, c.config, os.Getenv)
			if err != nil {
				return err
			}
			d, err := cfg.Build(outbox.New(filepath.Join(dir, outbox.FileName), nil), keyring.Keyring{})
			if err != nil {
				return err
			}
			if cfg.Path != "" {
				fmt.Fprintf(c.stdout, "Configuration: %s\n", cfg.Path)
			} else {
				fmt.Fprintf(c.stdout, "Configuration: none (%s does not exist)\n", filepath.Join(dir, datafolder.ConfigName))
			}
			fmt.Fprint(c.stdout, d.Describe())
			if cfg.Directory.Configured() {
				// Described, not connected to: 'directory check' binds.
				if dir, err := cfg.OpenDirectory(keyring.Keyring{}); err != nil {
					fmt.Fprintf(c.stdout, "directory: %s\n", core.ErrorMessage(err))
				} else {
					fmt.Fprintf(c.stdout, "directory: %s\n", dir.Describe())
				}
			}
			if d.Outbox {
				fmt.Fprintf(c.stdout, "Messages for the outbox are NOT delivered: read them with 'securityinfoctl outbox list'.\n")
			}
			return describeRadius(c, cfg)
		},
	}, {
		path: "config set-secret",
		args: "NAME",
		help: "Keep a secret (delivery, or the directory's bind password) in the OS keyring instead of the file, read from standard input.\nNAME: " + strings.Join(datafolder.SecretNames, ", ") + ", or radius-CLIENT (a RADIUS client's shared secret).",
		run: func(ctx context.Context, c *cli, args []string) error {
			if len(args) != 1 || !datafolder.ValidSecretName(args[0]) {
				return usageError{"config set-secret needs NAME, one of: " + strings.Join(datafolder.SecretNames, ", ") + ", or radius-CLIENT for a RADIUS client's shared secret"}
			}
			v, err := readLine(io.LimitReader(c.stdin, 8192))
			if err != nil {
				return err
			}
			if v == "" {
				return core.Errorf(core.EINVALID, "The secret on standard input is empty.")
			}
			if err := (keyring.Keyring{}).SetSecret(args[0], v); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Saved %s in the OS keyring.\n", args[0])
			return nil
		},
	}}
}

// dir is the data folder the global flags name.
func (c *cli) dir() (string, error) {
	if c.dataDir != "" {
		return c.dataDir, nil
	}
	return datafolder.DefaultDir()
}

// describeRadius says which RADIUS clients the configuration names, each
// with where its secret comes from being checked (never the secret).
func describeRadius(c *cli, cfg *datafolder.Config) error {
	if len(cfg.Radius.Client) == 0 {
		return nil
	}
	clients, err := cfg.RadiusClients(os.Getenv, "")
	if err != nil {
		return err
	}
	for _, rc := range clients {
		how := "challenge"
		if rc.AppendCode {
			how = "code appended to the password"
		}
		fmt.Fprintf(c.stdout, "RADIUS client %s: %s, %s\n", rc.Name, rc.Address, how)
	}
	return nil
}
