// Package datafolder opens a data folder for the programs in cmd: the
// SQLite store, the master key (OS keyring or key file) and the in-process
// service over them. It is wiring shared by the desktop app and the command
// line, so both open a folder the same way and can share it.
package datafolder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory"
	"github.com/securityinfo/securityinfo/core/keyring"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/sqlite"
)

// DatabaseName is the SQLite file's name inside the data folder.
const DatabaseName = "securityinfo.db"

// Options say which folder to open, where its key is and how messages go.
type Options struct {
	Dir     string // "" means DefaultDir()
	KeyFile string // "" means the OS keyring
	Config  string // "" means Dir/securityinfo.toml, if it exists
	// KeyringService overrides the keyring service name (tests only).
	KeyringService string
	// Log receives the service's log; nil discards it.
	Log *slog.Logger
	// Getenv reads the environment (nil: os.Getenv).
	Getenv func(string) string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Store, when set, opens the store (the central service's PostgreSQL)
	// in place of the folder's SQLite file; the folder keeps the
	// configuration and the outbox.
	Store func(ctx context.Context) (core.Store, error)
	// Worker runs the outbox worker until Close: it delivers what a
	// process that died left queued and retries failed deliveries.
	Worker bool
	// Queue leaves every delivery to the worker (core.Options.Queue), so
	// no request waits for a provider: the central service.
	Queue bool
	// Sync, with a directory configured, syncs the accounts with it at
	// start and every sync_interval until Close: the central service.
	Sync bool
}

// Folder is an open data folder.
type Folder struct {
	Dir      string
	Store    core.Store
	Keys     *core.Keys
	Outbox   *outbox.Outbox
	Delivery *Delivery
	Service  *core.Local
	// Directory is the organisation's directory ([directory]), nil when
	// none is configured.
	Directory *directory.Directory
	Config    *Config // securityinfo.toml and the environment, as read

	stopWorker func() // ends the outbox worker, if any, and waits for it
}

// DefaultDir is os.UserConfigDir()/securityinfo.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", core.Errorf(core.EUNAVAILABLE, "No user configuration folder is known (%v). Pass --data DIR.", err)
	}
	return filepath.Join(base, "securityinfo"), nil
}

// Open opens the folder, creating it (mode 0700) and its database when
// needed. Errors a person can act on are *core.Error values.
func Open(ctx context.Context, o Options) (*Folder, error) {
	dir := o.Dir
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if o.KeyFile == "" {
		// Nothing is created (no folder, no database) until the keyring
		// that will hold the key answers.
		if err := (keyring.Keyring{Service: o.KeyringService}).Check(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "Cannot create the data folder %s: %v.", dir, errors.Unwrap(err))
	}
	if o.Getenv == nil {
		o.Getenv = getenv
	}
	cfg, err := LoadConfig(dir, o.Config, o.Getenv)
	if err != nil {
		return nil, err
	}
	ob := outbox.New(filepath.Join(dir, outbox.FileName), o.Now)
	delivery, err := cfg.Build(ob, lazyKeyring{keyring.Keyring{Service: o.KeyringService}})
	if err != nil {
		return nil, err
	}
	directoryOf, err := cfg.OpenDirectory(lazyKeyring{keyring.Keyring{Service: o.KeyringService}})
	if err != nil {
		return nil, err
	}
	var coreDir core.Directory
	if directoryOf != nil {
		coreDir = directoryOf // never a nil *Directory in the interface
	}
	var store core.Store
	if o.Store != nil {
		store, err = o.Store(ctx)
	} else {
		store, err = sqlite.Open(filepath.Join(dir, DatabaseName))
	}
	if err != nil {
		return nil, err
	}
	keys, err := openKeys(ctx, store, o)
	if err != nil {
		store.Close()
		return nil, err
	}
	svc := core.NewLocal(store, keys, core.Options{Sender: delivery.Router, Texts: assets.Default, Log: o.Log, Now: o.Now,
		Queue: o.Queue && o.Worker, Directory: coreDir})
	f := &Folder{Dir: dir, Store: store, Keys: keys, Outbox: ob, Delivery: delivery, Service: svc, Directory: directoryOf, Config: cfg, stopWorker: func() {}}
	var runs []func(context.Context)
	if o.Worker {
		runs = append(runs, svc.RunWorker)
	}
	if o.Sync && directoryOf != nil {
		every, _ := cfg.Directory.Interval() // checked by OpenDirectory
		runs = append(runs, func(ctx context.Context) { SyncEvery(ctx, svc, every, o.Log) })
	}
	if len(runs) > 0 {
		ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		var wg sync.WaitGroup
		for _, run := range runs {
			wg.Go(func() { run(ctx) })
		}
		f.stopWorker = func() { cancel(); wg.Wait() }
	}
	return f, nil
}

// openKeys fetches the master key for the store and checks that it is the
// key the store's data was sealed with.
func openKeys(ctx context.Context, store core.Store, o Options) (*core.Keys, error) {
	var instance, check string
	err := store.Update(ctx, func(tx core.Tx) error {
		var err error
		if instance, err = tx.Setting("instance_id"); err != nil || instance != "" {
			if err != nil {
				return err
			}
			check, err = tx.Setting("key_check")
			return err
		}
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		instance = hex.EncodeToString(b)
		return tx.SetSetting("instance_id", instance)
	})
	if err != nil {
		return nil, fmt.Errorf("read store identity: %w", err)
	}
	create := check == ""
	var master []byte
	if o.KeyFile != "" {
		master, err = keyring.KeyFile(o.KeyFile, create, nil)
	} else {
		master, err = keyring.Keyring{Service: o.KeyringService}.MasterKey(instance, create)
	}
	if err != nil {
		return nil, err
	}
	keys, err := core.NewKeys(master, rand.Reader)
	if err != nil {
		return nil, err
	}
	if check != "" && check != keys.Check() {
		where := "the OS keyring"
		if o.KeyFile != "" {
			where = "the key file " + o.KeyFile
		}
		return nil, core.Errorf(core.EUNAVAILABLE, "The key in %s is not the key this data folder was created with, so its secrets cannot be opened. Use the key it was created with.", where)
	}
	if create {
		if err := store.Update(ctx, func(tx core.Tx) error { return tx.SetSetting("key_check", keys.Check()) }); err != nil {
			return nil, fmt.Errorf("save key check: %w", err)
		}
	}
	return keys, nil
}

// Close closes the store.
func (f *Folder) Close() error {
	f.stopWorker()
	f.Service.WaitBackground() // deliveries still under way may need the store
	return f.Store.Close()
}
