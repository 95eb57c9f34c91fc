// Package pgtest gives tests a fresh PostgreSQL database on the server
// named by SECURITYINFO_TEST_POSTGRES (scripts/with-postgres starts a
// throw-away one). Tests never skip: without a server they fail and say
// how to get one.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the URL of a PostgreSQL database whose
// user may create databases.
const EnvURL = "SECURITYINFO_TEST_POSTGRES"

// BaseURL returns the server to test against, or fails t.
func BaseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Fatalf("%s is not set: run the tests through scripts/with-postgres (for example "+
			"scripts/with-postgres go test ./core/postgres), or set it to the URL of a PostgreSQL database "+
			"whose user may create databases", EnvURL)
	}
	return u
}

// Admin runs one statement on the server's base database.
func Admin(t testing.TB, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, BaseURL(t))
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// FreshDatabase creates an empty database for t, dropped when t ends, and
// returns its URL.
func FreshDatabase(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(BaseURL(t))
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" {
		t.Fatalf("%s must be a postgres:// URL (%v)", EnvURL, err)
	}
	name := "securityinfo_test_" + strings.ToLower(rand.Text()[:16])
	Admin(t, `CREATE DATABASE `+name)
	t.Cleanup(func() { Admin(t, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	u.Path = "/" + name
	return u.String()
}
