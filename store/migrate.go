package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Migration is one versioned step of a component's schema.
type Migration struct {
	// Version orders the steps of a component. It must be positive and
	// strictly increasing within the slice passed to Migrate.
	Version int

	// Name describes the step. Migrate records it and rejects a database
	// whose record for Version has another name, because that means two
	// different steps were released under one version.
	Name string

	// Statements are the SQL statements of the step, written for the
	// dialect at hand. They run in order inside the migration transaction,
	// so they must be transactional: PostgreSQL's CREATE INDEX CONCURRENTLY,
	// for example, cannot be used.
	Statements []string
}

// migrationsTable records the applied steps of every component.
const migrationsTable = "whgen_schema_migrations"

// postgresMigrationLock is the pg_advisory_xact_lock key that serialises
// Migrate across processes. It is the first 8 bytes of the ASCII text
// "whgen_mi", so it is unlikely to collide with another application's key.
const postgresMigrationLock int64 = 0x7768_6765_6e5f_6d69

// Migrate applies the steps of component that the database has not
// recorded yet, in Version order, and records each one in
// whgen_schema_migrations. Steps already recorded are skipped, so calling
// Migrate at every start is cheap and safe.
//
// All pending steps run in one transaction, which is rolled back as a whole
// when a step fails. Several processes may call Migrate at once: on
// PostgreSQL they queue on a transaction-scoped advisory lock, and on SQLite
// on the database write lock (BEGIN IMMEDIATE, waiting up to the busy
// timeout). Each then finds the steps that the first one applied.
func (db *DB) Migrate(ctx context.Context, component string, steps []Migration) error {
	if err := validateMigrations(component, steps); err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	defer conn.Close()

	if err := db.begin(ctx, conn); err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	err = db.applyPending(ctx, conn, component, steps)
	if err == nil {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		rollback(ctx, conn)
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	return nil
}

// rollback ends the transaction on conn after a failure. When even that
// fails, it makes database/sql discard the connection, so that no later
// caller finds itself inside the unfinished transaction.
func rollback(ctx context.Context, conn *sql.Conn) {
	_, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	if err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// begin starts a transaction on conn that excludes every other migrator.
// The transaction is driven by plain statements rather than sql.Tx so that
// SQLite takes its write lock at BEGIN, whatever _txlock the DSN sets.
func (db *DB) begin(ctx context.Context, conn *sql.Conn) error {
	if db.Dialect != Postgres {
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		return err
	}

	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", postgresMigrationLock)
	if err != nil {
		rollback(ctx, conn)
	}
	return err
}

func (db *DB) applyPending(ctx context.Context, conn *sql.Conn, component string, steps []Migration) error {
	create := `CREATE TABLE IF NOT EXISTS ` + migrationsTable + ` (
		component TEXT NOT NULL,
		version BIGINT NOT NULL,
		name TEXT NOT NULL,
		applied_at BIGINT NOT NULL,
		PRIMARY KEY (component, version)
	)`
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create %s: %w", migrationsTable, err)
	}

	applied, err := db.appliedMigrations(ctx, conn, component)
	if err != nil {
		return err
	}
	for _, step := range steps {
		name, done := applied[step.Version]
		if done && name != step.Name {
			return fmt.Errorf("version %d is recorded as %q but this program calls it %q",
				step.Version, name, step.Name)
		}
		if done {
			continue
		}
		if err := db.applyStep(ctx, conn, component, step); err != nil {
			return err
		}
	}
	return nil
}

// appliedMigrations returns the recorded names of component's steps by
// version.
func (db *DB) appliedMigrations(ctx context.Context, conn *sql.Conn, component string) (map[int]string, error) {
	query := db.Rebind(`SELECT version, name FROM ` + migrationsTable + ` WHERE component = ?`)
	rows, err := conn.QueryContext(ctx, query, component)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", migrationsTable, err)
	}
	defer rows.Close()

	applied := make(map[int]string)
	for rows.Next() {
		var version int
		var name string
		if err := rows.Scan(&version, &name); err != nil {
			return nil, fmt.Errorf("read %s: %w", migrationsTable, err)
		}
		applied[version] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", migrationsTable, err)
	}
	return applied, nil
}

func (db *DB) applyStep(ctx context.Context, conn *sql.Conn, component string, step Migration) error {
	for i, stmt := range step.Statements {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("version %d (%s), statement %d: %w", step.Version, step.Name, i+1, err)
		}
	}

	record := db.Rebind(`INSERT INTO ` + migrationsTable +
		` (component, version, name, applied_at) VALUES (?, ?, ?, ?)`)
	_, err := conn.ExecContext(ctx, record, component, step.Version, step.Name, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record version %d: %w", step.Version, err)
	}
	return nil
}

func validateMigrations(component string, steps []Migration) error {
	if component == "" {
		return errors.New("empty component name")
	}
	last := 0
	for _, step := range steps {
		if step.Version <= last {
			return fmt.Errorf("version %d (%s) must be positive and greater than %d", step.Version, step.Name, last)
		}
		if step.Name == "" {
			return fmt.Errorf("version %d has no name", step.Version)
		}
		if len(step.Statements) == 0 {
			return fmt.Errorf("version %d (%s) has no statements", step.Version, step.Name)
		}
		last = step.Version
	}
	return nil
}
