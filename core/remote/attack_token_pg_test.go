package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/outbox"
	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
	"github.com/securityinfo/securityinfo/core/remote"
)

// Attack (PostgreSQL): a token whose account part is not UTF-8 must not
// reach the database as a parameter (PostgreSQL refused it: a 500 and an
// error in the log for a request with no session, found by an outside
// review); a token is refused as any other.
func TestAttackNotUTF8TokenOnPostgres(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	store, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, _ := core.NewKeys(bytes.Repeat([]byte{7}, core.KeySize), rand.Reader)
	ob := outbox.New(filepath.Join(t.TempDir(), outbox.FileName), time.Now)
	svc := core.NewLocal(store, keys, core.Options{Sender: ob, Texts: assets.Default, Background: func(f func()) { f() }})
	var logs bytes.Buffer
	srv := httptest.NewServer(remote.NewServer(svc, slog.New(slog.NewTextHandler(&logs, nil))))
	t.Cleanup(srv.Close)
	for _, tok := range []string{"\xff\xfe.x", "\xff" + strings.Repeat("a", 31) + "." + strings.Repeat("ab", 32), strings.Repeat("ab", 32)} {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/me/authentication/securityInfo", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		res.Body.Close()
		t.Logf("token %q: %d %s", tok[:4], res.StatusCode, strings.TrimSpace(b.String()))
		if res.StatusCode >= 500 {
			t.Errorf("an unauthenticated token answered %d; log: %s", res.StatusCode, logs.String())
		}
	}
}
