package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DB is a database handle together with its dialect. It embeds *sql.DB, so all
// of database/sql's methods are available on it.
type DB struct {
	*sql.DB

	// Dialect is the engine behind DB.
	Dialect Dialect
}

// New wraps db, which must have been opened with d.DriverName(). Prefer
// Open, which also sets the SQLite connection options that concurrent use
// needs; a SQLite db opened elsewhere should set busy_timeout itself.
func New(db *sql.DB, d Dialect) *DB {
	return &DB{DB: db, Dialect: d}
}

// Rebind rewrites the "?" bind parameters of query for db's dialect.
func (db *DB) Rebind(query string) string {
	return db.Dialect.Rebind(query)
}

// sqliteBusyTimeoutMillis is how long a SQLite connection waits for another
// writer before it returns SQLITE_BUSY. It covers the migration and claim
// transactions of several processes that start at once.
const sqliteBusyTimeoutMillis = 10000

// Open opens the database named by dsn and checks that it is reachable.
//
// The dsn selects the engine:
//   - "postgres://..." or "postgresql://..." opens PostgreSQL through pgx.
//     The URL's query parameters are pgx's; an unknown one such as
//     search_path is sent to the server as a run-time parameter.
//   - "sqlite:///abs/path.db", "sqlite://rel/path.db", "sqlite:rel/path.db",
//     "file:path.db" or a plain file path opens SQLite. A query string after
//     the path is passed to modernc.org/sqlite (for example
//     "?_pragma=synchronous(NORMAL)").
//   - ":memory:" or "sqlite://:memory:" opens a private in-memory SQLite
//     database on a single connection, so that all queries use the same data.
//
// On SQLite, Open turns on WAL journaling, a 10 s busy timeout, foreign
// keys and BEGIN IMMEDIATE transactions unless the dsn sets that option
// itself. The error never contains the dsn, which may hold a password.
func Open(ctx context.Context, dsn string) (*DB, error) {
	d, driverDSN, err := parseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}

	sqlDB, err := openSQL(d, driverDSN)
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", d, err)
	}
	if d == SQLite && strings.Contains(driverDSN, ":memory:") {
		sqlDB.SetMaxOpenConns(1)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open %s store: %w", d, err)
	}
	return New(sqlDB, d), nil
}

func openSQL(d Dialect, dsn string) (*sql.DB, error) {
	return sql.Open(d.DriverName(), dsn)
}

// parseDSN returns the dialect that dsn selects and the data source name for
// its driver.
func parseDSN(dsn string) (Dialect, string, error) {
	switch {
	case dsn == "":
		return 0, "", errors.New("empty data source name")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite://"):
		return sqliteDSN(strings.TrimPrefix(dsn, "sqlite://"))
	case strings.HasPrefix(dsn, "sqlite:"):
		return sqliteDSN(strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "file:"):
		return sqliteDSN(strings.TrimPrefix(dsn, "file:"))
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return 0, "", fmt.Errorf("unsupported scheme %q: use postgres://, sqlite:// or a file path", scheme)
	}
	return sqliteDSN(dsn)
}

// sqliteDSN builds a modernc.org/sqlite URI from a path with an optional
// query string, adding the connection options that Open promises.
func sqliteDSN(pathAndQuery string) (Dialect, string, error) {
	path, rawQuery, _ := strings.Cut(pathAndQuery, "?")
	if path == "" {
		return 0, "", errors.New("sqlite data source name has no file path")
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, "", fmt.Errorf("sqlite options %q: %w", rawQuery, err)
	}

	addSQLiteDefaults(query, path == ":memory:")
	escaped := path
	if path != ":memory:" {
		escaped = (&url.URL{Path: path}).EscapedPath()
	}
	return SQLite, "file:" + escaped + "?" + query.Encode(), nil
}

// addSQLiteDefaults adds each connection option that query does not set
// already, either as a _pragma value or through the driver's shorthand key.
func addSQLiteDefaults(query url.Values, inMemory bool) {
	defaults := []struct {
		pragma    string
		value     string
		shorthand []string
	}{
		{"busy_timeout", fmt.Sprint(sqliteBusyTimeoutMillis), []string{"_busy_timeout", "_timeout"}},
		{"foreign_keys", "1", []string{"_foreign_keys", "_fk"}},
		{"journal_mode", "WAL", []string{"_journal_mode", "_journal"}},
	}
	for _, opt := range defaults {
		if inMemory && opt.pragma == "journal_mode" {
			continue
		}
		if hasPragma(query, opt.pragma) || hasAnyKey(query, opt.shorthand) {
			continue
		}
		query.Add("_pragma", opt.pragma+"("+opt.value+")")
	}
	if !query.Has("_txlock") {
		query.Set("_txlock", "immediate")
	}
}

func hasPragma(query url.Values, name string) bool {
	for _, v := range query["_pragma"] {
		v = strings.ToLower(strings.TrimSpace(v))
		if strings.HasPrefix(v, name) {
			return true
		}
	}
	return false
}

func hasAnyKey(query url.Values, keys []string) bool {
	for _, k := range keys {
		if query.Has(k) {
			return true
		}
	}
	return false
}
