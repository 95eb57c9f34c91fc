package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"layeh.com/radius"
	"layeh.com/radius/rfc2865"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	sradius "github.com/securityinfo/securityinfo/core/radius"
	"github.com/securityinfo/securityinfo/core/remote"
)

var radiusRE = regexp.MustCompile(`msg="serving RADIUS" addr=(\S+)`)

// waitForCode waits for the n-th message of the data folder's outbox
// (the worker delivers it) and returns its code.
func waitForCode(t *testing.T, dir string, n int) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if es, err := outbox.Read(filepath.Join(dir, outbox.FileName)); err == nil && len(es) >= n {
			return regexp.MustCompile(`\b\d{6}\b`).FindString(es[n-1].Text)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("no message %d in the outbox", n)
	return ""
}

// radiusAsk sends an Access-Request as the VPN does and returns the answer.
func radiusAsk(t *testing.T, addr, secret, name, password string, state []byte) *radius.Packet {
	t.Helper()
	p := radius.New(radius.CodeAccessRequest, []byte(secret))
	rfc2865.UserName_SetString(p, name)
	rfc2865.UserPassword_SetString(p, password)
	if state != nil {
		rfc2865.State_Set(p, state)
	}
	if err := sradius.SignRequest(p); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := radius.Exchange(ctx, p, addr)
	if err != nil {
		t.Fatalf("RADIUS exchange: %v", err)
	}
	return res
}

// TestRadiusListen: securityinfod --radius-listen answers the clients of
// securityinfo.toml (the secret from the environment here), with a texted
// code, and counts the answers by client and result in /metrics.
func TestRadiusListen(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	cfg := filepath.Join(dir, "securityinfo.toml")
	if err := os.WriteFile(cfg, []byte("[[radius.client]]\nname = \"vpn\"\naddress = \"127.0.0.1\"\nclass_role = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const secret = "the vpn's shared secret"
	t.Setenv("SECURITYINFO_RADIUS_VPN_SECRET", secret)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, done, logs := launch(t, ctx, "--store", "sqlite:"+data, "--key-file", filepath.Join(dir, "key"), "--config", cfg,
		"--radius-listen", "127.0.0.1:0", "--data", data)
	m := radiusRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no RADIUS listener in the log:\n%s", logs.String())
	}
	addr := m[1]
	c, err := remote.NewClient(url, &http.Client{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	alice, err := c.CreateFirstAccount(bg, core.NewAccount{Name: "alice@contoso.com", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	step, err := c.SignIn(bg, "alice@contoso.com", "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	me := core.WithActor(bg, core.SessionActor(step.Session, alice, "test"))
	ch, err := c.BeginPhone(me, alice.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Confirm(me, alice.ID, ch.VerificationID, waitForCode(t, data, 1)); err != nil {
		t.Fatal(err)
	}
	res := radiusAsk(t, addr, secret, "alice@contoso.com", "a long enough passphrase", nil)
	if res.Code != radius.CodeAccessChallenge || rfc2865.ReplyMessage_GetString(res) != "We texted a code to +XX XXXXXXXX58" {
		t.Fatalf("answer %v %q", res.Code, rfc2865.ReplyMessage_GetString(res))
	}
	code := waitForCode(t, data, 2)
	res = radiusAsk(t, addr, secret, "alice@contoso.com", code, rfc2865.State_Get(res))
	if res.Code != radius.CodeAccessAccept || string(rfc2865.Class_Get(res)) != "role=admin" {
		t.Fatalf("answer %v, Class %q", res.Code, rfc2865.Class_Get(res))
	}
	metrics := metricsRE.FindStringSubmatch(logs.String())
	mres, err := http.Get("http://" + metrics[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(mres.Body)
	mres.Body.Close()
	for _, want := range []string{`securityinfo_radius_requests_total{client="vpn",result="challenge"} 1`, `securityinfo_radius_requests_total{client="vpn",result="accept"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), code) {
		t.Errorf("the log holds a secret or a code:\n%s", logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if pc, err := net.ListenPacket("udp", addr); err != nil {
		t.Errorf("the RADIUS socket is still open after shutdown: %v", err)
	} else {
		pc.Close()
	}
}

// TestRadiusConfigSaysWhatIsWrong: a client without a secret, with a bad
// address, or none at all stops the service with a clear message.
func TestRadiusConfigSaysWhatIsWrong(t *testing.T) {
	for name, tc := range map[string]struct{ toml, want string }{
		"no client":    {"", "names no [[radius.client]]"},
		"no secret":    {"[[radius.client]]\nname = \"wifi\"\naddress = \"10.0.0.0/24\"\n", "SECURITYINFO_RADIUS_WIFI_SECRET"},
		"bad address":  {"[[radius.client]]\nname = \"vpn\"\naddress = \"10.0.0.0/33\"\nsecret = \"long enough shared secret\"\n", "not an IP address or a CIDR"},
		"unknown role": {"[[radius.client]]\nname = \"vpn\"\naddress = \"10.0.0.1\"\nsecret = \"long enough shared secret\"\nfilter_id = { boss = \"x\" }\n", "roles are user, helpdesk and admin"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "securityinfo.toml")
			if err := os.WriteFile(cfg, []byte(tc.toml), 0o600); err != nil {
				t.Fatal(err)
			}
			err := run(context.Background(), []string{"--listen", "127.0.0.1:0", "--metrics-listen", "off", "--store", "sqlite:" + filepath.Join(dir, "data"),
				"--key-file", filepath.Join(dir, "key"), "--config", cfg, "--radius-listen", "127.0.0.1:0"}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
