// Command securityinfo is the Security info desktop app. It only wires:
// flags, the data folder (opened after the window is up) and the window.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/cmd/internal/datafolder"
	"github.com/securityinfo/securityinfo/core/outbox"
	_ "github.com/securityinfo/securityinfo/internal/quietlocale" // before Fyne reads the locale
	"github.com/securityinfo/securityinfo/ui"
)

func main() {
	var dir, keyFile, config string
	flag.StringVar(&dir, "data", "", "data folder (default: the user configuration folder/securityinfo)")
	flag.StringVar(&keyFile, "key-file", "", "keep the master key in this file (created 0600) instead of the OS keyring")
	flag.StringVar(&config, "config", "", "configuration file (default: DATA/securityinfo.toml)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: securityinfo [--data DIR] [--key-file FILE] [--config FILE]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	a := app.NewWithID("org.securityinfo.desktop")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Security info")
	ui.RememberSize(a, w, fyne.NewSize(1000, 680))
	var folder *datafolder.Folder
	u := ui.New(a, w, ui.Options{Log: log, Open: func(ctx context.Context) (*ui.Backend, error) {
		f, err := datafolder.Open(ctx, datafolder.Options{Dir: dir, KeyFile: keyFile, Config: config, Log: log})
		if err != nil {
			return nil, err
		}
		folder = f
		b := &ui.Backend{Service: f.Service, Close: f.Close}
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
		out[i] = ui.OutboxEntry{Time: e.Time, Channel: e.Channel, To: e.To, Language: e.Language, Subject: e.Subject, Text: e.Text}
	}
	return out, err
}
