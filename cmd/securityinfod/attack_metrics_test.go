package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// Anyone who can reach the API could read its metrics (which operations
// are used, lockouts, sends): the API listener does not serve /metrics.
func TestAttackMetricsOnTheAPIListener(t *testing.T) {
	dir := t.TempDir()
	url := start(t, "--store", "sqlite:"+filepath.Join(dir, "data"), "--key-file", filepath.Join(dir, "key"))
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || strings.Contains(string(body), "securityinfo_") {
		t.Fatalf("GET /metrics on the API listener: %d\n%.300s", res.StatusCode, body)
	}
}

// The metrics are served on their own listener (--metrics-listen, on
// loopback by default), and nowhere with "off".
func TestMetricsOnTheirOwnListener(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, done, logs := launch(t, ctx, "--store", "sqlite:"+filepath.Join(dir, "data"), "--key-file", filepath.Join(dir, "key"))
	m := metricsRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no metrics listener in the log:\n%s", logs.String())
	}
	if _, err := http.Post(url+"/v1/signIn", "application/json", strings.NewReader(`{"name":"nobody@contoso.com","password":"x"}`)); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `securityinfo_http_request_duration_seconds_count{op="SignIn"} 1`) {
		t.Fatalf("GET /metrics on the metrics listener: %d\n%.300s", res.StatusCode, body)
	}
	if res, err := http.Get("http://" + m[1] + "/v1/openapi.json"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("the API on the metrics listener: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	dir = t.TempDir()
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	_, done, logs = launch(t, ctx, "--store", "sqlite:"+filepath.Join(dir, "data"), "--key-file", filepath.Join(dir, "key"), "--metrics-listen", "off")
	if strings.Contains(logs.String(), "serving metrics") {
		t.Fatalf("--metrics-listen off serves metrics:\n%s", logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := parseFlags([]string{"--store", "sqlite:d", "--key-file", "k", "--metrics-listen", "9464"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "HOST:PORT") {
		t.Fatalf("--metrics-listen 9464: %v", err)
	}
}
