// Command securityinfo is the Security info desktop app. It only wires:
// flags, the data folder (opened after the window is up) and the window.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/remote"
	_ "github.com/securityinfo/securityinfo/internal/quietlocale" // before Fyne reads the locale
	"github.com/securityinfo/securityinfo/internal/version"
	"github.com/securityinfo/securityinfo/ui"
)

func main() {
	var dir, keyFile, config, server, caFile string
	flag.StringVar(&dir, "data", "", "data folder (default: the user configuration folder/securityinfo)")
	flag.StringVar(&keyFile, "key-file", "", "keep the master key in this file (created 0600) instead of the OS keyring")
	flag.StringVar(&config, "config", "", "configuration file (default: DATA/securityinfo.toml)")
	flag.StringVar(&server, "server", "", "URL of the organisation's central service (no local data folder is opened)")
	flag.StringVar(&caFile, "ca-file", "", "with --server: CA certificate(s) of the server (PEM)")
	showVersion := flag.Bool("version", false, "print the version, commit and build date")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: securityinfo [--data DIR] [--key-file FILE] [--config FILE] | --server URL [--ca-file FILE] | --version\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *showVersion {
		fmt.Println(version.String("securityinfo"))
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	a := app.NewWithID("org.securityinfo.desktop")
	// The window calls back onto the UI goroutine with fyne.Do (FyneApp.toml
	// says so for fyne package); a plain go build or go run finds no
	// FyneApp.toml to read, so say it here too, or Fyne 2.8 warns at start.
	if m := a.Metadata(); !m.Migrations["fyneDo"] {
		if m.Migrations == nil {
			m.Migrations = map[string]bool{}
		}
		m.Migrations["fyneDo"] = true
		app.SetMetadata(m)
	}
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	a.Settings().SetTheme(ui.NewTheme()) // text at WCAG AA contrast
	w := a.NewWindow("Security info")
	ui.RememberSize(a, w, fyne.NewSize(1000, 680))
	var folder *datafolder.Folder
	u := ui.New(a, w, ui.Options{Log: log, Keys: keyDevices(w), Open: func(ctx context.Context) (*ui.Backend, error) {
		if server == "" {
			// server = "https://..." in the configuration works as --server.
			d := dir
			if d == "" {
				d, _ = datafolder.DefaultDir()
			}
			if cfg, err := datafolder.LoadConfig(d, config, os.Getenv); err != nil {
				return nil, err
			} else if cfg.Server != "" {
				server = cfg.Server
				if caFile == "" {
					caFile = cfg.CAFile
				}
			}
		}
		if server != "" {
			return openServer(server, caFile)
		}
		f, err := datafolder.Open(ctx, datafolder.Options{Dir: dir, KeyFile: keyFile, Config: config, Log: log,
			Worker: true})
		if err != nil {
			return nil, err
		}
		folder = f
		b := &ui.Backend{Service: f.Service, Close: f.Close, Place: f.Dir}
		if f.Delivery.Outbox {
			b.Outbox = func() ([]ui.OutboxEntry, error) { return readOutbox(f.Outbox.Path()) }
		}
		return b, nil
	}})
	a.Lifecycle().SetOnStopped(func() {
		if folder != nil {
			folder.Close()
		}
	})
	u.Start()
	w.ShowAndRun()
}

func readOutbox(path string) ([]ui.OutboxEntry, error) {
	es, err := outbox.Read(path)
	out := make([]ui.OutboxEntry, len(es))
	for i, e := range es {
		out[i] = ui.OutboxEntry{Time: e.Time, Channel: e.Channel, To: e.To, Language: e.Language, Subject: e.Subject, Text: e.Text, AccountID: e.AccountID}
	}
	return out, err
}

// openServer is the window's backend on the central service: the remote
// client, and session tokens kept in the OS keyring by server and account.
func openServer(server, caFile string) (*ui.Backend, error) {
	hc, err := remote.HTTPClient(caFile)
	if err != nil {
		return nil, err
	}
	c, err := remote.NewClient(server, hc)
	if err != nil {
		return nil, err
	}
	return &ui.Backend{Service: c, Close: func() error { return nil },
		Sessions: keyringSessions{server: strings.TrimRight(server, "/")}, Place: strings.TrimRight(server, "/")}, nil
}

// keyringSessions keeps session tokens in the OS keyring (service
// securityinfo), one per server and account.
type keyringSessions struct{ server string }

func (k keyringSessions) name(account string) string { return "session " + k.server + " " + account }

func (k keyringSessions) Load(account string) (string, error) {
	t, _, err := keyring.Keyring{}.Token(k.name(account))
	return t, err
}

func (k keyringSessions) Save(account, token string) error {
	return keyring.Keyring{}.SetToken(k.name(account), token)
}

func (k keyringSessions) Forget(account string) error {
	return keyring.Keyring{}.DeleteToken(k.name(account))
}
