package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core/postgres/pgtest"
)

// TestBenchFloor runs `securityinfod bench --floor` briefly on a
// throw-away database: the floor and the service each succeed with no
// failure, the ratio is printed, and the floor's table is dropped after.
// A store that is not PostgreSQL is refused --floor with a way forward.
func TestBenchFloor(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	dir := t.TempDir()
	var out, errs bytes.Buffer
	err := bench(context.Background(), []string{"--store", url, "--key-file", filepath.Join(dir, "key"), "--data", filepath.Join(dir, "data"),
		"--accounts", "200", "--clients", "2", "--duration", "1s", "--floor"}, &out, &errs)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errs.String())
	}
	text := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`floor \(bare durable one-row conditional UPDATE\): 2 clients, .*: [1-9]\d* updates accepted, 0 failed`),
		regexp.MustCompile(`service: 2 clients, .*: [1-9]\d* verifications accepted, 0 failed`),
		regexp.MustCompile(`ratio: the service's rate is \d+\.\d\dx the floor's \(2 clients\)`),
	} {
		if !want.MatchString(text) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var left int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_tables WHERE tablename LIKE 'securityinfo_bench_floor_%'`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("floor tables left: %d, %v", left, err)
	}

	err = bench(context.Background(), []string{"--store", "sqlite:" + filepath.Join(dir, "lite"), "--key-file", filepath.Join(dir, "key2"),
		"--duration", time.Second.String(), "--floor"}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "BenchmarkFloorVerifyTOTP") {
		t.Fatalf("--floor on SQLite: %v", err)
	}
}
