package radius_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// radclient runs FreeRADIUS's radclient (Debian's freeradius-utils,
// installed by make deps) once with attrs, and returns what it printed.
func radclient(t *testing.T, addr string, attrs ...string) string {
	t.Helper()
	path, err := exec.LookPath("radclient")
	if err != nil {
		t.Fatalf("radclient is not installed: run make deps (Debian's freeradius-utils): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-x", "-r", "1", "-t", "10", "-D", "/usr/share/freeradius", addr, "auth", secret)
	cmd.Stdin = strings.NewReader(strings.Join(append(attrs, "Message-Authenticator = 0x00"), "\n") + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run() // radclient exits 1 on an Access-Reject or Access-Challenge; its output says which
	if ctx.Err() != nil {
		t.Fatalf("radclient did not finish: %v\n%s", err, out.String())
	}
	return out.String()
}

var stateRE = regexp.MustCompile(`State = 0x([0-9a-f]+)`)

// TestRadiusWithRadclient: a client no one here wrote gets an
// Access-Challenge for a person with an app, and an Access-Accept with the
// right code: the State and the Message-Authenticators work with FreeRADIUS.
func TestRadiusWithRadclient(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleAdmin)
	app := r.app(alice)
	addr := r.serve(r.svc, vpn(false))
	out := radclient(t, addr, `User-Name = "alice@contoso.com"`, fmt.Sprintf("User-Password = %q", password))
	if !strings.Contains(out, "Received Access-Challenge") || !strings.Contains(out, `Reply-Message = "Enter the code from your authenticator app"`) {
		t.Fatalf("radclient got no challenge:\n%s", out)
	}
	m := stateRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no State in:\n%s", out)
	}
	if _, err := hex.DecodeString(m[1]); err != nil {
		t.Fatal(err)
	}
	out = radclient(t, addr, `User-Name = "alice@contoso.com"`, fmt.Sprintf("User-Password = %q", r.code(app)), "State = 0x"+m[1])
	if !strings.Contains(out, "Received Access-Accept") || !strings.Contains(out, `Filter-Id = "vpn-admins"`) {
		t.Fatalf("radclient got no accept:\n%s", out)
	}
	if strings.Contains(out, "invalid Message-Authenticator") || strings.Contains(out, "failed verification") {
		t.Fatalf("radclient doubts the answer:\n%s", out)
	}
}
