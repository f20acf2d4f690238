package store

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct {
		name    string
		dialect Dialect
		query   string
		want    string
	}{
		{"sqlite unchanged", SQLite, "SELECT a FROM t WHERE a = ? AND b = ?", "SELECT a FROM t WHERE a = ? AND b = ?"},
		{"postgres numbered", Postgres, "SELECT a FROM t WHERE a = ? AND b = ?", "SELECT a FROM t WHERE a = $1 AND b = $2"},
		{"no placeholders", Postgres, "SELECT 1", "SELECT 1"},
		{"string literal", Postgres, "SELECT '?' , ?", "SELECT '?' , $1"},
		{"doubled quote", Postgres, "SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{"quoted identifier", Postgres, `SELECT "a?b" FROM t WHERE x = ?`, `SELECT "a?b" FROM t WHERE x = $1`},
		{"line comment", Postgres, "SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{"block comment", Postgres, "SELECT /* ? */ ?", "SELECT /* ? */ $1"},
		{"unterminated string", Postgres, "SELECT ?, '?", "SELECT $1, '?"},
		{"ten placeholders", Postgres, "?,?,?,?,?,?,?,?,?,?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.dialect.Rebind(tt.query); got != tt.want {
				t.Errorf("Rebind(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestDialectStrings(t *testing.T) {
	tests := []struct {
		dialect                          Dialect
		name, driver, blob, skip, second string
	}{
		{SQLite, "sqlite", "sqlite", "BLOB", "", "?"},
		{Postgres, "postgres", "pgx", "BYTEA", " FOR UPDATE SKIP LOCKED", "$2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.dialect.String(); got != tt.name {
				t.Errorf("String() = %q, want %q", got, tt.name)
			}
			if got := tt.dialect.DriverName(); got != tt.driver {
				t.Errorf("DriverName() = %q, want %q", got, tt.driver)
			}
			if got := tt.dialect.BlobType(); got != tt.blob {
				t.Errorf("BlobType() = %q, want %q", got, tt.blob)
			}
			if got := tt.dialect.SkipLocked(); got != tt.skip {
				t.Errorf("SkipLocked() = %q, want %q", got, tt.skip)
			}
			if got := tt.dialect.Placeholder(2); got != tt.second {
				t.Errorf("Placeholder(2) = %q, want %q", got, tt.second)
			}
		})
	}
}
