// Package version says which build of Security info is running. The
// build (the Makefile, scripts/package) sets Version from cmd/securityinfo/FyneApp.toml,
// the one source of the version, and Commit and Date with -ldflags -X;
// a plain `go build` in a checkout falls back to the commit and time Go
// records from git, and to "devel".
package version

import (
	"fmt"
	"runtime/debug"
)

// Set by the build: -X github.com/securityinfo/securityinfo/internal/version.Version=0.1.0 ...
var (
	Version string
	Commit  string
	Date    string
)

// Info is the version, commit and build date of this program.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Get reads the version, falling back to what Go recorded of the
// checkout it was built in.
func Get() Info {
	i := Info{Version: Version, Commit: Commit, Date: Date}
	if i.Version == "" {
		i.Version = "devel"
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, at string
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if i.Commit == "" && rev != "" {
			i.Commit = rev[:min(12, len(rev))]
			if dirty {
				i.Commit += "-modified"
			}
		}
		if i.Date == "" {
			i.Date = at
		}
	}
	if i.Commit == "" {
		i.Commit = "unknown"
	}
	if i.Date == "" {
		i.Date = "unknown"
	}
	return i
}

// String is how --version prints it: "NAME 0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-03T12:00:00Z)".
func String(name string) string {
	i := Get()
	return fmt.Sprintf("%s %s (commit %s, built %s)", name, i.Version, i.Commit, i.Date)
}
