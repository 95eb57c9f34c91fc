package remote_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core/postgres"
	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
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
	var logs bytes.Buffer
	e := newEnvOn(t, store, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	for _, tok := range []string{"\xff\xfe.x", "\xff" + strings.Repeat("a", 31) + "." + strings.Repeat("ab", 32), strings.Repeat("ab", 32)} {
		status, raw := e.call("GET", "/v1/me/authentication/securityInfo", tok, nil, nil)
		t.Logf("token %q: %d %s", tok[:4], status, strings.TrimSpace(string(raw)))
		if status >= 500 {
			t.Errorf("an unauthenticated token answered %d; log: %s", status, logs.String())
		}
	}
}
