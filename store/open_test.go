package store_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whgen/whgen/store"
	"github.com/whgen/whgen/store/storetest"
)

func TestOpenSQLiteForms(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(dir, "abs.db")
	tests := []struct {
		name string
		dsn  string
	}{
		{"plain path", filepath.Join(dir, "plain.db")},
		{"sqlite URL absolute", "sqlite://" + abs},
		{"sqlite URL with query", "sqlite://" + filepath.Join(dir, "q.db") + "?_pragma=synchronous(NORMAL)"},
		{"sqlite opaque", "sqlite:" + filepath.Join(dir, "opaque.db")},
		{"file URI", "file:" + filepath.Join(dir, "file.db")},
		{"path with space and hash", filepath.Join(dir, "a b#c.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(context.Background(), tt.dsn)
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.dsn, err)
			}
			defer db.Close()
			if db.Dialect != store.SQLite {
				t.Errorf("got dialect %v, want sqlite", db.Dialect)
			}
			assertPragma(t, db, "journal_mode", "wal")
			assertPragma(t, db, "busy_timeout", "10000")
			assertPragma(t, db, "foreign_keys", "1")
		})
	}
}

func TestOpenSQLiteKeepsCallerOptions(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "x.db") + "?_pragma=busy_timeout(250)&_journal_mode=DELETE"
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	assertPragma(t, db, "busy_timeout", "250")
	assertPragma(t, db, "journal_mode", "delete")
	assertPragma(t, db, "foreign_keys", "1")
}

func TestOpenMemorySharesOneDatabase(t *testing.T) {
	db, err := store.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (a INTEGER)"); err != nil {
		t.Fatalf("create: %v", err)
	}
	// A second connection of an ordinary pool would see an empty database.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatalf("query from pool: %v", err)
	}
	if n != 0 {
		t.Errorf("got %d rows, want 0", n)
	}
}

func TestOpenRejects(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"empty", "", "empty data source name"},
		{"unknown scheme", "mysql://u:secret@h/db", `unsupported scheme "mysql"`},
		{"sqlite without path", "sqlite://", "no file path"},
		{"bad sqlite option", filepath.Join(t.TempDir(), "x.db") + "?_txlock=sometimes", "_txlock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.Open(context.Background(), tt.dsn)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want error containing %q", tt.dsn, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}

func TestOpenPostgresHidesPassword(t *testing.T) {
	storetest.Postgres(t) // skips when no server is reachable
	u, err := url.Parse(storetest.PostgresDSN())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	u.User = url.UserPassword("no_such_role_whgen", "hunter2-secret")
	db, err := store.Open(context.Background(), u.String())
	if err == nil {
		db.Close()
		t.Skip("server accepts any role, so the failure path cannot be reached")
	}
	if strings.Contains(err.Error(), "hunter2-secret") {
		t.Errorf("error %q contains the password", err)
	}
}

func TestOpenPostgres(t *testing.T) {
	db := storetest.Postgres(t)
	if db.Dialect != store.Postgres {
		t.Fatalf("got dialect %v, want postgres", db.Dialect)
	}
	ctx := context.Background()
	var schema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatalf("current_schema: %v", err)
	}
	if !strings.HasPrefix(schema, "whgen_test_") {
		t.Errorf("got schema %q, want the test schema", schema)
	}

	if _, err := db.ExecContext(ctx, "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT, small SMALLINT, b BYTEA, f BOOLEAN)"); err != nil {
		t.Fatalf("create: %v", err)
	}
	insert := db.Rebind("INSERT INTO t (k, n, small, b, f) VALUES (?, ?, ?, ?, ?)")
	if _, err := db.ExecContext(ctx, insert, "a", int64(1)<<40, 7, []byte{0, 1}, true); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var (
		n     int64
		small int
		b     []byte
		f     bool
	)
	row := db.QueryRowContext(ctx, db.Rebind("SELECT n, small, b, f FROM t WHERE k = ?"), "a")
	if err := row.Scan(&n, &small, &b, &f); err != nil {
		t.Fatalf("scan: %v", err)
	}
	if n != 1<<40 || small != 7 || string(b) != "\x00\x01" || !f {
		t.Errorf("got (%d, %d, %q, %v), want (%d, 7, \"\\x00\\x01\", true)", n, small, b, f, int64(1)<<40)
	}
}

func TestPostgresTransaction(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (k TEXT)"); err != nil {
		t.Fatalf("create: %v", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO t VALUES ('rolled back')"); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	if n != 0 {
		t.Errorf("got %d rows after rollback, want 0", n)
	}
}

func assertPragma(t *testing.T, db *store.DB, name, want string) {
	t.Helper()
	var got string
	if err := db.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&got); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	if got != want {
		t.Errorf("PRAGMA %s = %q, want %q", name, got, want)
	}
}
