package store

import (
	"strconv"
	"strings"
)

// Dialect is the SQL engine behind a DB. It supplies the few pieces of SQL
// that differ between SQLite and PostgreSQL; everything else in whgen's
// queries is written in the syntax both engines accept.
type Dialect int

const (
	// SQLite is SQLite through the pure-Go driver modernc.org/sqlite.
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib.
	Postgres
)

// String returns "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

// DriverName returns the name under which d's usual database/sql driver
// registers itself: "sqlite" for modernc.org/sqlite and "pgx" for
// github.com/jackc/pgx/v5/stdlib. Pass it to sql.Open when opening the
// database yourself for New.
func (d Dialect) DriverName() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "pgx"
	}
	return ""
}

// Placeholder returns the bind parameter for the n-th argument, counting
// from 1: "?" on SQLite and "$n" on PostgreSQL.
func (d Dialect) Placeholder(n int) string {
	if d == Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// BlobType returns the column type for opaque bytes: BLOB on SQLite and
// BYTEA on PostgreSQL.
func (d Dialect) BlobType() string {
	if d == Postgres {
		return "BYTEA"
	}
	return "BLOB"
}

// SkipLocked returns the clause that a SELECT appends to lock the rows it
// returns while skipping rows that another transaction holds: " FOR UPDATE
// SKIP LOCKED" on PostgreSQL and "" on SQLite, where a write transaction
// already excludes every other writer.
func (d Dialect) SkipLocked() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// Rebind rewrites the "?" bind parameters of query into d's placeholders.
// A "?" inside a quoted string, a quoted identifier or a comment is kept as
// it is. Queries are written with "?" so that one text serves both engines.
// As a consequence, a query passed through Rebind cannot use PostgreSQL's
// jsonb operators "?", "?|" and "?&".
func (d Dialect) Rebind(query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}

	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '?':
			n++
			b.WriteString(d.Placeholder(n))
			continue
		case c == '\'' || c == '"':
			end := skipQuoted(query, i, c)
			b.WriteString(query[i:end])
			i = end - 1
			continue
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := skipUntil(query, i, "\n")
			b.WriteString(query[i:end])
			i = end - 1
			continue
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := skipUntil(query, i+2, "*/")
			b.WriteString(query[i:end])
			i = end - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// skipQuoted returns the index just past the quoted text that starts at
// query[start]. A doubled quote inside the text stands for one quote.
func skipQuoted(query string, start int, quote byte) int {
	for i := start + 1; i < len(query); i++ {
		if query[i] != quote {
			continue
		}
		if i+1 < len(query) && query[i+1] == quote {
			i++
			continue
		}
		return i + 1
	}
	return len(query)
}

// skipUntil returns the index just past the first end marker at or after
// from, or len(query) when there is none.
func skipUntil(query string, from int, end string) int {
	k := strings.Index(query[from:], end)
	if k < 0 {
		return len(query)
	}
	return from + k + len(end)
}
