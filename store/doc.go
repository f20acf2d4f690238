// Package store is the storage layer that whgen's runtime packages share.
// It opens SQLite or PostgreSQL from one data source name and hides the few
// differences between the two engines behind Dialect. It also applies
// versioned schema migrations safely when several processes start at once.
//
// Its first user is the durable replay store of package webhook/sqlreplay.
// The webhook delivery outbox is meant to be the next, so the pieces here
// are also the ones that a multi-process outbox needs: placeholders, row
// locking that skips busy rows, and per-component migrations.
//
// # Opening a database
//
// Open picks the engine from the data source name:
//
//	db, err := store.Open(ctx, "sqlite:///var/lib/app/whgen.db") // or a plain path
//	db, err := store.Open(ctx, "postgres://app@db.internal:5432/app?sslmode=verify-full")
//
// SQLite is the embedded default, through the pure-Go driver
// modernc.org/sqlite, so no C toolchain is needed. Open turns on WAL
// journaling, so readers do not block the writer, and a 10 s busy timeout,
// so several processes may write to one file. It also turns on foreign keys
// and BEGIN IMMEDIATE transactions, which take the write lock when they
// start instead of failing with SQLITE_BUSY when they first write.
// PostgreSQL is reached through pgx.
//
// # Writing portable SQL
//
// Write each query once with "?" placeholders and pass it through Rebind,
// which numbers them for PostgreSQL. The rest of the syntax that whgen uses
// is accepted by both engines as it is:
//
//   - Upserts are INSERT ... ON CONFLICT (key columns) DO UPDATE SET
//     col = excluded.col WHERE ..., or DO NOTHING.
//   - RETURNING reports the rows that an INSERT, UPDATE or DELETE touched
//     (SQLite 3.35 or later, which modernc.org/sqlite bundles).
//   - Text is TEXT and integers are BIGINT. Dialect.BlobType names the bytes
//     type.
//   - Times are BIGINT Unix milliseconds in UTC (time.Time.UnixMilli). SQLite
//     has no time type, and an integer compares, indexes and round-trips the
//     same way on both engines without driver conversions.
//   - Rows that several workers take from one table are selected with
//     Dialect.SkipLocked appended, which is FOR UPDATE SKIP LOCKED on
//     PostgreSQL and nothing on SQLite, whose write transactions already
//     exclude each other.
//
// All tables that whgen creates are named with the prefix "whgen_".
//
// # Migrations
//
// A component (for example "replay" or "outbox") lists its schema as
// Migration steps and calls DB.Migrate at start-up. The applied steps are
// recorded per component in whgen_schema_migrations, so components evolve
// independently. Pending steps run in one transaction, under
// pg_advisory_xact_lock on PostgreSQL and the database write lock on SQLite,
// so processes that start together apply each step exactly once.
package store
