package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/internal/version"
)

// cli holds what every command needs: the global flags, the streams and,
// once opened, the data folder.
type cli struct {
	dataDir  string
	keyFile  string
	config   string
	as       string
	usedPass bool // the sign-in used a Temporary Access Pass
	// usedRecoveryCode: the sign-in's second step was a recovery code.
	usedRecoveryCode bool
	server           string        // --server: the central service instead of a data folder
	tokenFile        string        // --token-file: where login keeps the session token
	loggingIn        bool          // login: the kept token is not read (it is replaced)
	caFile           string        // --ca-file: a private CA for the server's certificate
	me               *core.Account // with --server: the signed-in account

	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger

	folder *datafolder.Folder
}

// command is one leaf command: its name path, a line of help, how to set
// its flags and what it does with the remaining arguments.
type command struct {
	path  string // "account create"
	args  string // usage of positional arguments
	help  string
	flags func(fs *flag.FlagSet)
	run   func(ctx context.Context, c *cli, args []string) error
}

// exitError carries a non-zero exit code without a message of its own.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a mistake in the command line itself (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func commands() []*command {
	var cs []*command
	cs = append(cs, accountCommands()...)
	cs = append(cs, policyCommands()...)
	cs = append(cs, auditCommands()...)
	cs = append(cs, methodsCommands()...)
	cs = append(cs, activityCommands()...)
	cs = append(cs, addCommands()...)
	cs = append(cs, outboxCommands()...)
	cs = append(cs, signinCommands()...)
	cs = append(cs, resetCommands()...)
	cs = append(cs, serverCommands()...)
	cs = append(cs, helpdeskCommands()...)
	cs = append(cs, directoryCommands()...)
	cs = append(cs, appsCommands()...)
	return cs
}

const globalUsage = `Usage: securityinfoctl [global flags] COMMAND [flags] [args]

Global flags (before the command, in any order):
  --server URL     work with the central service (securityinfod) instead of a data folder;
                   log in first (login), then commands act as the signed-in account
  --token-file F   with --server: keep the session token in F (0600) instead of the keyring
  --ca-file F      with --server: trust the server certificate's private CA
  --data DIR       data folder (default: the user configuration folder/securityinfo)
  --key-file FILE  keep the master key in FILE (created 0600) instead of the OS keyring
  --config FILE    configuration file (default: DIR/securityinfo.toml)
  --as ACCOUNT     the account to act for (methods commands)
  --version        print the version, commit and build date, and exit

Commands:
`

// run parses the command line, runs the command and returns the exit code:
// 0 success, 1 failure of the command, 2 a wrong command line.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	defer func() {
		if c.folder != nil {
			c.folder.Close()
		}
	}()
	err := c.dispatch(ctx, args)
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "securityinfoctl: %s\nRun 'securityinfoctl --help' for usage.\n", ue.msg)
		return 2
	}
	var ce *core.Error
	if !errors.As(err, &ce) {
		// Log the whole chain for the administrator; it never holds a secret.
		c.log.Error("command failed", "err", err)
	}
	fmt.Fprintf(stderr, "securityinfoctl: %s\n", core.ErrorMessage(err))
	return 1
}

func (c *cli) dispatch(ctx context.Context, args []string) error {
	global := flag.NewFlagSet("securityinfoctl", flag.ContinueOnError)
	global.SetOutput(c.stderr)
	global.StringVar(&c.dataDir, "data", "", "data folder")
	global.StringVar(&c.keyFile, "key-file", "", "master key file")
	global.StringVar(&c.config, "config", "", "configuration file")
	global.StringVar(&c.as, "as", "", "account to act for")
	global.StringVar(&c.server, "server", "", "URL of the central service (securityinfod)")
	global.StringVar(&c.tokenFile, "token-file", "", "file keeping the session token (default: the keyring)")
	global.StringVar(&c.caFile, "ca-file", "", "CA certificate(s) of the server (PEM)")
	showVersion := global.Bool("version", false, "print the version, commit and build date")
	global.Usage = func() {}
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printUsage(c.stdout, "")
			return err
		}
		return usageError{err.Error()}
	}
	rest := global.Args()
	if *showVersion {
		fmt.Fprintln(c.stdout, version.String("securityinfoctl"))
		return nil
	}
	if len(rest) == 0 {
		c.printUsage(c.stderr, "")
		return exitError{2}
	}
	// Find the longest command path that matches the words given.
	var best *command
	var words int
	for _, cmd := range commands() {
		p := strings.Fields(cmd.path)
		if len(p) <= len(rest) && strings.Join(rest[:len(p)], " ") == cmd.path && len(p) > words {
			best, words = cmd, len(p)
		}
	}
	if best == nil {
		prefix := rest[0]
		if len(rest) > 1 && (rest[1] == "--help" || rest[1] == "-h" || rest[1] == "help") {
			c.printUsage(c.stdout, prefix)
			return nil
		}
		known := false
		for _, cmd := range commands() {
			known = known || strings.HasPrefix(cmd.path, prefix+" ")
		}
		if known {
			c.printUsage(c.stderr, prefix)
			return usageError{fmt.Sprintf("%q needs a subcommand", prefix)}
		}
		return usageError{fmt.Sprintf("unknown command %q", strings.Join(rest, " "))}
	}
	fs := flag.NewFlagSet("securityinfoctl "+best.path, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	if best.flags != nil {
		best.flags(fs)
	}
	usage := func() {
		fmt.Fprintf(fs.Output(), "Usage: securityinfoctl [global flags] %s [flags] %s\n\n%s\n", best.path, best.args, best.help)
		if hasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	fs.Usage = func() {}
	if err := fs.Parse(interleave(fs, rest[words:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(c.stdout)
			usage()
			return err
		}
		return usageError{err.Error()}
	}
	return best.run(ctx, c, fs.Args())
}

// interleave moves flags after positional arguments to the front, so that
// "methods rename ID NAME --json" works like "methods rename --json ID NAME".
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(flags, pos...)
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func (c *cli) printUsage(w io.Writer, prefix string) {
	fmt.Fprint(w, globalUsage)
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].path < cs[j].path })
	for _, cmd := range cs {
		if prefix == "" || strings.HasPrefix(cmd.path, prefix+" ") {
			fmt.Fprintf(w, "  %-22s %s\n", cmd.path, firstLine(cmd.help))
		}
	}
	fmt.Fprintln(w, "\nRun 'securityinfoctl COMMAND --help' for a command's flags.")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// open opens the data folder once. The command line on a local data
// folder is the administrator's tool, so it acts as the local administrator.
// With --server it is the central service's client instead, acting as the
// account signed in with login (when there is one).
func (c *cli) open(ctx context.Context) (context.Context, core.Service, error) {
	if c.server == "" && c.folder == nil {
		// server = "https://..." in the configuration works as --server.
		dir := c.dataDir
		if dir == "" {
			dir, _ = datafolder.DefaultDir()
		}
		if cfg, err := datafolder.LoadConfig(dir, c.config, os.Getenv); err == nil && cfg.Server != "" {
			c.server = cfg.Server
			if c.caFile == "" {
				c.caFile = cfg.CAFile
			}
		}
	}
	if c.server != "" {
		return c.openServer(ctx)
	}
	if c.folder == nil {
		f, err := datafolder.Open(ctx, datafolder.Options{Dir: c.dataDir, KeyFile: c.keyFile, Config: c.config, Log: c.log})
		if err != nil {
			return ctx, nil, err
		}
		c.folder = f
	}
	return core.WithActor(ctx, core.LocalAdministrator), c.folder.Service, nil
}

// target resolves --as to an account, or says it is needed.
func (c *cli) target(ctx context.Context, svc core.Service) (*core.Account, error) {
	if c.server != "" {
		if c.me == nil {
			return nil, core.Errorf(core.EFORBIDDEN, "Log in first: securityinfoctl --server %s login --account NAME --password-stdin", c.server)
		}
		if c.as == "" || c.as == c.me.Name {
			return c.me, nil
		}
	}
	if c.as == "" {
		return nil, usageError{"this command needs --as ACCOUNT before the command, e.g. securityinfoctl --as alice@contoso.com methods list"}
	}
	return svc.AccountByName(ctx, c.as)
}

func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// readLine reads one line from stdin without its line ending.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
			if b.Len() > 4096 {
				return "", core.Errorf(core.EINVALID, "The line on standard input is too long.")
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimSuffix(b.String(), "\r"), nil
}
