package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// This file adapts a pgx.Conn to database/sql. pgx ships such an adapter,
// github.com/jackc/pgx/v5/stdlib, but that package imports pgxpool and so
// the module github.com/jackc/puddle/v2, which this module's go.sum does not
// list.
//
// TODO: switch Open to sql.Open("pgx", dsn) with a blank import of
// github.com/jackc/pgx/v5/stdlib once go.mod requires puddle/v2, and delete
// this file. Until then, columns of PostgreSQL types outside pgValue's list
// (numeric, json, arrays, uuid, intervals) cannot be scanned through DB.

// pgConnector opens pgx connections for sql.OpenDB.
type pgConnector struct {
	config *pgx.ConnConfig
}

func newPGConnector(dsn string) (*pgConnector, error) {
	config, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return &pgConnector{config: config}, nil
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, c.config.Copy())
	if err != nil {
		return nil, err
	}
	return &pgConn{conn: conn}, nil
}

func (c *pgConnector) Driver() driver.Driver { return pgDriver{} }

// pgDriver opens a connection from a pgx connection string.
type pgDriver struct{}

func (pgDriver) Open(dsn string) (driver.Conn, error) {
	c, err := newPGConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// pgConn is one PostgreSQL session. database/sql uses it from one goroutine
// at a time.
type pgConn struct {
	conn *pgx.Conn
	tx   pgx.Tx
}

var (
	_ driver.ConnBeginTx        = (*pgConn)(nil)
	_ driver.ExecerContext      = (*pgConn)(nil)
	_ driver.QueryerContext     = (*pgConn)(nil)
	_ driver.ConnPrepareContext = (*pgConn)(nil)
	_ driver.Pinger             = (*pgConn)(nil)
	_ driver.Validator          = (*pgConn)(nil)
	_ driver.SessionResetter    = (*pgConn)(nil)
)

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns a statement that sends query on every use. pgx
// prepares and caches the statement on the server by itself.
func (c *pgConn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return &pgStmt{conn: c, query: query}, nil
}

func (c *pgConn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.conn.Close(ctx)
}

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var txOptions pgx.TxOptions
	if opts.ReadOnly {
		txOptions.AccessMode = pgx.ReadOnly
	}
	switch isolation := opts.Isolation; isolation {
	case driver.IsolationLevel(0):
	case 1: // sql.LevelReadUncommitted
		txOptions.IsoLevel = pgx.ReadUncommitted
	case 2: // sql.LevelReadCommitted
		txOptions.IsoLevel = pgx.ReadCommitted
	case 4: // sql.LevelRepeatableRead
		txOptions.IsoLevel = pgx.RepeatableRead
	case 6: // sql.LevelSerializable
		txOptions.IsoLevel = pgx.Serializable
	default:
		return nil, fmt.Errorf("isolation level %d is not supported on PostgreSQL", isolation)
	}

	tx, err := c.conn.BeginTx(ctx, txOptions)
	if err != nil {
		return nil, err
	}
	c.tx = tx
	return c, nil
}

// Commit and Rollback make pgConn its own driver.Tx, because database/sql
// runs a transaction's statements on the connection that began it.
func (c *pgConn) Commit() error {
	tx := c.tx
	c.tx = nil
	if tx == nil {
		return errors.New("commit without a transaction")
	}
	return tx.Commit(context.Background())
}

func (c *pgConn) Rollback() error {
	tx := c.tx
	c.tx = nil
	if tx == nil {
		return errors.New("rollback without a transaction")
	}
	return tx.Rollback(context.Background())
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	tag, err := c.conn.Exec(ctx, query, pgArgs(args)...)
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(tag.RowsAffected()), nil
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.conn.Query(ctx, query, pgArgs(args)...)
	if err != nil {
		return nil, err
	}
	return &pgRows{rows: rows}, nil
}

func (c *pgConn) Ping(ctx context.Context) error {
	if c.conn.IsClosed() {
		return driver.ErrBadConn
	}
	return c.conn.Ping(ctx)
}

func (c *pgConn) IsValid() bool { return !c.conn.IsClosed() }

func (c *pgConn) ResetSession(context.Context) error {
	if c.conn.IsClosed() {
		return driver.ErrBadConn
	}
	return nil
}

func pgArgs(named []driver.NamedValue) []any {
	args := make([]any, len(named))
	for i, v := range named {
		args[i] = v.Value
	}
	return args
}

// pgStmt is a statement that database/sql asked to prepare.
type pgStmt struct {
	conn  *pgConn
	query string
}

func (s *pgStmt) Close() error  { return nil }
func (s *pgStmt) NumInput() int { return -1 }

func (s *pgStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.conn.ExecContext(context.Background(), s.query, namedValues(args))
}

func (s *pgStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.conn.QueryContext(context.Background(), s.query, namedValues(args))
}

func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.conn.ExecContext(ctx, s.query, args)
}

func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.conn.QueryContext(ctx, s.query, args)
}

func namedValues(args []driver.Value) []driver.NamedValue {
	named := make([]driver.NamedValue, len(args))
	for i, v := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return named
}

// pgRows is a result set read row by row.
type pgRows struct {
	rows pgx.Rows
}

func (r *pgRows) Columns() []string {
	fields := r.rows.FieldDescriptions()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

func (r *pgRows) Close() error {
	r.rows.Close()
	return r.rows.Err()
}

func (r *pgRows) Next(dest []driver.Value) error {
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	values, err := r.rows.Values()
	if err != nil {
		return err
	}
	for i, v := range values {
		if dest[i], err = pgValue(v); err != nil {
			return fmt.Errorf("column %s: %w", r.rows.FieldDescriptions()[i].Name, err)
		}
	}
	return nil
}

// pgValue converts a value decoded by pgx into one of database/sql's driver
// value types.
func pgValue(v any) (driver.Value, error) {
	switch v := v.(type) {
	case nil, int64, float64, bool, []byte, string, time.Time:
		return v, nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case float32:
		return float64(v), nil
	case driver.Valuer:
		return v.Value()
	}
	return nil, fmt.Errorf("values of type %T are not supported", v)
}
