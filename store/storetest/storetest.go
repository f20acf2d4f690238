// Package storetest opens throwaway databases for tests of packages built
// on store: a SQLite file in the test's temporary directory and a private
// schema on a PostgreSQL server.
//
// PostgreSQL is reached through the URL in WHGEN_TEST_POSTGRES_DSN, or
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable when that is
// unset. When the server cannot be reached, the test is skipped, unless the
// environment variable CI is "true", where it fails instead so that CI cannot
// pass without having tested PostgreSQL.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/whgen/whgen/store"
)

// DefaultPostgresDSN is the server that Postgres uses when
// WHGEN_TEST_POSTGRES_DSN is unset.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresDSN returns the PostgreSQL URL for tests: WHGEN_TEST_POSTGRES_DSN,
// or DefaultPostgresDSN when that is unset.
func PostgresDSN() string {
	if dsn := os.Getenv("WHGEN_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	return DefaultPostgresDSN
}

// SQLite opens a new SQLite database file in t.TempDir() and closes it when
// the test ends.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), SQLiteDSN(t))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SQLiteDSN returns the path of a new SQLite database file in t.TempDir(),
// for tests that open several handles on one database, as several
// processes would.
func SQLiteDSN(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "whgen.db")
}

// Postgres opens the test server with a new schema first on its search
// path, so that tables the test creates do not meet those of tests running
// at the same time. The schema is dropped when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := PostgresSchemaDSN(t)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open postgres with test schema: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresSchemaDSN creates a new schema on the test server, registers its
// removal at the end of the test, and returns a URL whose connections use
// it. Tests that open several handles, as several processes would, open
// this URL once per handle.
func PostgresSchemaDSN(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	admin, err := store.Open(ctx, PostgresDSN())
	if err != nil {
		skipOrFail(t, err)
	}
	schema := "whgen_test_" + randomSuffix(t)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, PostgresDSN(), schema)
}

// Each runs test once per engine as a subtest named "sqlite" or "postgres",
// each with a fresh database.
func Each(t *testing.T, test func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { test(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, Postgres(t)) })
}

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("postgres unreachable with CI=true: %v", err)
	}
	t.Skipf("postgres unreachable, set WHGEN_TEST_POSTGRES_DSN to test it: %v", err)
}

func randomSuffix(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("random schema name: %v", err)
	}
	return hex.EncodeToString(b)
}

func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		// The URL may contain a password, so the message leaves it out.
		t.Fatal("parse postgres URL: invalid URL in WHGEN_TEST_POSTGRES_DSN")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
