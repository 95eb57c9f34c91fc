package datafolder

import (
	"context"
	"log/slog"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory"
)

// DirectoryConfig is the [directory] section of securityinfo.toml: the
// organisation's directory, off while kind is empty.
type DirectoryConfig struct {
	Kind                 string `toml:"kind"`
	URL                  string `toml:"url"`
	StartTLS             bool   `toml:"start_tls"`
	CAFile               string `toml:"ca_file"`
	BindDN               string `toml:"bind_dn"`
	BindPassword         string `toml:"bind_password"`
	BaseDN               string `toml:"base_dn"`
	UserFilter           string `toml:"user_filter"`
	NameAttribute        string `toml:"name_attribute"`
	DisplayNameAttribute string `toml:"display_name_attribute"`
	MobileAttribute      string `toml:"mobile_attribute"`
	OfficePhoneAttribute string `toml:"office_phone_attribute"`
	HelpdeskGroup        string `toml:"helpdesk_group"`
	AdminGroup           string `toml:"admin_group"`
	SyncInterval         string `toml:"sync_interval"`
}

// DefaultSyncInterval is the time between two syncs when sync_interval is
// not set.
const DefaultSyncInterval = 15 * time.Minute

// Configured reports whether a directory is configured.
func (c *DirectoryConfig) Configured() bool { return c.Kind != "" }

// Interval is sync_interval, DefaultSyncInterval when empty. Returns
// EINVALID for a duration that does not parse or is under a minute.
func (c *DirectoryConfig) Interval() (time.Duration, error) {
	if c.SyncInterval == "" {
		return DefaultSyncInterval, nil
	}
	d, err := time.ParseDuration(c.SyncInterval)
	if err != nil || d < time.Minute {
		return 0, core.Errorf(core.EINVALID, "[directory] sync_interval %q is not a duration of a minute or more, such as \"15m\".", c.SyncInterval)
	}
	return d, nil
}

// Directory opens the configured directory (nil, nil when none is): the
// bind password from the file or SECURITYINFO_DIRECTORY_BIND_PASSWORD,
// else the keyring (directory-bind-password). It does not connect.
// Returns EINVALID for a configuration directory.New refuses.
func (c *Config) OpenDirectory(kr secrets) (*directory.Directory, error) {
	dc := c.Directory
	if !dc.Configured() {
		return nil, nil
	}
	if _, err := dc.Interval(); err != nil {
		return nil, err
	}
	if dc.BindPassword == "" && kr != nil {
		pw, ok, err := kr.Secret(SecretDirectoryPassword)
		if err != nil {
			return nil, err
		}
		if ok {
			dc.BindPassword = pw
		}
	}
	return directory.New(directory.Config{
		Kind: dc.Kind, URL: dc.URL, StartTLS: dc.StartTLS, CAFile: dc.CAFile,
		BindDN: dc.BindDN, BindPassword: dc.BindPassword, BaseDN: dc.BaseDN, UserFilter: dc.UserFilter,
		NameAttribute: dc.NameAttribute, DisplayNameAttribute: dc.DisplayNameAttribute,
		MobileAttribute: dc.MobileAttribute, OfficePhoneAttribute: dc.OfficePhoneAttribute,
		HelpdeskGroup: dc.HelpdeskGroup, AdminGroup: dc.AdminGroup,
	})
}

// SyncEvery syncs the accounts with the directory at once and then every
// interval until ctx ends (the central service's timer), logging what
// each sync did; a failed sync is logged and tried at the next tick.
func SyncEvery(ctx context.Context, svc *core.Local, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		r, err := svc.SyncDirectory(ctx, false, nil)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Error("directory sync failed", "err", err)
		default:
			log.Info("directory sync", "listed", r.Listed, "added", r.Added, "updated", r.Updated,
				"disabled", r.Disabled, "took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
