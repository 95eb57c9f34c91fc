package keyring_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/keyring"
)

// TestAttackCheckStartsNoBus: the keyring's check that a session bus runs
// must agree with where D-Bus itself looks, or the check passes and D-Bus
// then "autolaunches" a bus daemon (dbus-launch) that outlives the
// program. D-Bus launches one for DBUS_SESSION_BUS_ADDRESS=autolaunch:,
// and it looks for /run/user/<uid>/bus, not $XDG_RUNTIME_DIR/bus: a file
// named bus in another XDG_RUNTIME_DIR, or one that is no socket, is no
// bus. Each case runs in a child (one D-Bus connection per process).
func TestAttackCheckStartsNoBus(t *testing.T) {
	if os.Getenv("SECURITYINFO_BUS_CHILD") == "1" {
		err := keyring.Keyring{Service: "securityinfo-test-none"}.Check()
		fmt.Printf("code=%s\n", core.ErrorCode(err))
		return
	}
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("a session bus runs at /run/user/<uid>/bus: nothing would be launched")
	}
	for _, c := range []struct {
		name    string
		address string // DBUS_SESSION_BUS_ADDRESS; "" unset
		bus     string // what $XDG_RUNTIME_DIR/bus is: "", "file", "socket"
	}{
		{"autolaunch: in the address", "autolaunch:", ""},
		{"a file named bus", "", "file"},
		{"a socket in XDG_RUNTIME_DIR, not where D-Bus looks", "", "socket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			runtime, shims, launched := filepath.Join(tmp, "run"), filepath.Join(tmp, "bin"), filepath.Join(tmp, "launched")
			for _, d := range []string{runtime, shims} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(shims, "dbus-launch"), []byte("#!/bin/sh\ntouch "+launched+"\nexit 1\n"), 0o700); err != nil {
				t.Fatal(err)
			}
			switch c.bus {
			case "file":
				if err := os.WriteFile(filepath.Join(runtime, "bus"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			case "socket":
				// A bus that hangs up at once: a dial fails, nothing waits.
				l, err := net.Listen("unix", filepath.Join(runtime, "bus"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { l.Close() })
				go func() {
					for {
						conn, err := l.Accept()
						if err != nil {
							return
						}
						conn.Close()
					}
				}()
			}
			var env []string
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") && !strings.HasPrefix(kv, "PATH=") {
					env = append(env, kv)
				}
			}
			env = append(env, "SECURITYINFO_BUS_CHILD=1", "XDG_RUNTIME_DIR="+runtime, "PATH="+shims+":"+os.Getenv("PATH"))
			if c.address != "" {
				env = append(env, "DBUS_SESSION_BUS_ADDRESS="+c.address)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestAttackCheckStartsNoBus$")
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if _, err := os.Stat(launched); err == nil {
				t.Fatalf("dbus-launch was run: a bus daemon would outlive the window (%s)", out)
			}
			if c.bus != "socket" && !strings.Contains(string(out), "code="+core.EUNAVAILABLE+"\n") {
				t.Fatalf("no bus, yet the check says %s", out)
			}
		})
	}
}
