package version

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestFyneAppVersionIsTheSource: FyneApp.toml's version is the one the
// build passes on, and is X.Y.Z (the .msi and the .deb need numbers).
func TestFyneAppVersionIsTheSource(t *testing.T) {
	toml, err := os.ReadFile("../../cmd/securityinfo/FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version = "(\d+\.\d+\.\d+)"$`).FindSubmatch(toml)
	if m == nil {
		t.Fatalf("FyneApp.toml has no Version = \"X.Y.Z\":\n%s", toml)
	}
	cmd := exec.Command("make", "-s", "print-ldflags")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make print-ldflags: %v", err)
	}
	if want := "-X github.com/securityinfo/securityinfo/internal/version.Version=" + string(m[1]) + " "; !strings.Contains(string(out), want) {
		t.Fatalf("the build's flags %q do not set FyneApp.toml's version (%s)", out, m[1])
	}
}

// TestString: what --version prints, set by the build or not.
func TestString(t *testing.T) {
	Version, Commit, Date = "1.2.3", "abcdef1", "2026-12-03T12:00:00Z"
	defer func() { Version, Commit, Date = "", "", "" }()
	if got := String("securityinfoctl"); got != "securityinfoctl 1.2.3 (commit abcdef1, built 2026-12-03T12:00:00Z)" {
		t.Fatalf("String = %q", got)
	}
	Version, Commit, Date = "", "", ""
	i := Get()
	if i.Version != "devel" || i.Commit == "" || i.Date == "" {
		t.Fatalf("unset: %+v", i)
	}
}
