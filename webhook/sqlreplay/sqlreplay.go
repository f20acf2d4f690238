// Package sqlreplay is a webhook.ReplayStore in a SQL database, for webhook
// receivers that run as several processes or must remember deliveries
// across restarts. It works on SQLite and PostgreSQL through package store.
//
// Every receiver process opens the same database and uses a Store with the
// same Namespace:
//
//	db, err := store.Open(ctx, os.Getenv("WHGEN_DATABASE_URL"))
//	...
//	replay, err := sqlreplay.New(ctx, db)
//	...
//	receiver := &webhook.Receiver{Verifier: v, Dispatcher: d, Replay: replay}
//
// Claims are single INSERT ... ON CONFLICT DO UPDATE statements that take
// over a row only when it has expired, so of several processes that claim
// one delivery at once exactly one succeeds, on either engine.
//
// The table is whgen_replay, created by the migrations of component
// "replay". Times are Unix milliseconds.
package sqlreplay

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/whgen/whgen/store"
	"github.com/whgen/whgen/webhook"
)

// Row states.
const (
	stateClaimed   = 1
	stateCompleted = 2
)

// purgeBatch bounds the rows that one purge statement deletes, so that an
// automatic purge during a claim stays short.
const purgeBatch = 1000

// DefaultPurgeInterval is how often a Store deletes expired rows when its
// PurgeInterval is zero.
const DefaultPurgeInterval = time.Minute

// Store is a webhook.ReplayStore in the table whgen_replay. It is safe for
// concurrent use and for use by several processes on one database. Set its
// fields before the first call and do not change them after.
type Store struct {
	// DB is the database. It is required.
	DB *store.DB

	// Namespace separates the deliveries of receivers that share a
	// database, for example of different senders whose ids could collide.
	// The zero value is the namespace "default".
	Namespace string

	// PurgeInterval is the least time between two automatic deletions of
	// expired rows, each run by a Claim and limited to 1000 rows. Zero
	// means DefaultPurgeInterval. A negative value turns automatic purging
	// off, so that the owner calls Purge instead. Expired rows never count
	// as present, purged or not.
	PurgeInterval time.Duration

	mu        sync.Mutex
	lastPurge time.Time
}

var _ webhook.ReplayStore = (*Store)(nil)

// New returns a Store on db in the default namespace after applying its
// migrations.
func New(ctx context.Context, db *store.DB) (*Store, error) {
	s := &Store{DB: db}
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Migrate creates or updates the table whgen_replay. New calls it; call it
// yourself when you build a Store with a struct literal.
func (s *Store) Migrate(ctx context.Context) error {
	return s.DB.Migrate(ctx, "replay", migrations())
}

func migrations() []store.Migration {
	return []store.Migration{{
		Version: 1,
		Name:    "create whgen_replay",
		Statements: []string{
			`CREATE TABLE whgen_replay (
				namespace TEXT NOT NULL,
				delivery_key TEXT NOT NULL,
				state SMALLINT NOT NULL,
				token TEXT NOT NULL,
				expires_at BIGINT NOT NULL,
				PRIMARY KEY (namespace, delivery_key)
			)`,
			`CREATE INDEX whgen_replay_expires_at ON whgen_replay (expires_at)`,
		},
	}}
}

func (s *Store) namespace() string {
	if s.Namespace == "" {
		return "default"
	}
	return s.Namespace
}

// Claim implements webhook.ReplayStore.
func (s *Store) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (string, error) {
	s.purgeIfDue(ctx, now)
	token, err := newToken()
	if err != nil {
		return "", err
	}

	claim := s.DB.Rebind(`INSERT INTO whgen_replay (namespace, delivery_key, state, token, expires_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (namespace, delivery_key) DO UPDATE
		SET state = excluded.state, token = excluded.token, expires_at = excluded.expires_at
		WHERE whgen_replay.expires_at <= ?
		RETURNING token`)
	nowMillis := now.UnixMilli()
	var got string
	err = s.DB.QueryRowContext(ctx, claim, s.namespace(), key, stateClaimed, token,
		now.Add(lease).UnixMilli(), nowMillis).Scan(&got)
	switch {
	case err == nil:
		return got, nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("claim delivery: %w", err)
	}
	return "", s.heldError(ctx, key, nowMillis)
}

// heldError returns ErrDuplicate or ErrInFlight for a key whose claim
// failed because an unexpired row holds it.
func (s *Store) heldError(ctx context.Context, key string, nowMillis int64) error {
	query := s.DB.Rebind(`SELECT state FROM whgen_replay
		WHERE namespace = ? AND delivery_key = ? AND expires_at > ?`)
	var state int
	err := s.DB.QueryRowContext(ctx, query, s.namespace(), key, nowMillis).Scan(&state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// The row expired or was released since the claim: a retry will
		// claim it.
		return webhook.ErrInFlight
	case err != nil:
		return fmt.Errorf("claim delivery: read existing claim: %w", err)
	case state == stateCompleted:
		return webhook.ErrDuplicate
	}
	return webhook.ErrInFlight
}

// Complete implements webhook.ReplayStore.
func (s *Store) Complete(ctx context.Context, key, token string, now time.Time, retention time.Duration) error {
	update := s.DB.Rebind(`UPDATE whgen_replay SET state = ?, expires_at = ?
		WHERE namespace = ? AND delivery_key = ? AND token = ? AND state = ?`)
	res, err := s.DB.ExecContext(ctx, update, stateCompleted, now.Add(retention).UnixMilli(),
		s.namespace(), key, token, stateClaimed)
	if err != nil {
		return fmt.Errorf("complete delivery: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("complete delivery: %w", err)
	}
	if n == 0 {
		return webhook.ErrClaimLost
	}
	return nil
}

// Release implements webhook.ReplayStore.
func (s *Store) Release(ctx context.Context, key, token string) error {
	del := s.DB.Rebind(`DELETE FROM whgen_replay
		WHERE namespace = ? AND delivery_key = ? AND token = ? AND state = ?`)
	if _, err := s.DB.ExecContext(ctx, del, s.namespace(), key, token, stateClaimed); err != nil {
		return fmt.Errorf("release delivery: %w", err)
	}
	return nil
}

// Purge deletes the rows of every namespace that expired at or before now
// and returns how many it deleted.
func (s *Store) Purge(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for {
		n, err := s.purgeBatch(ctx, now)
		total += n
		if err != nil || n < purgeBatch {
			return total, err
		}
	}
}

func (s *Store) purgeBatch(ctx context.Context, now time.Time) (int64, error) {
	del := s.DB.Rebind(`DELETE FROM whgen_replay WHERE (namespace, delivery_key) IN (
		SELECT namespace, delivery_key FROM whgen_replay WHERE expires_at <= ? LIMIT ?)`)
	res, err := s.DB.ExecContext(ctx, del, now.UnixMilli(), purgeBatch)
	if err != nil {
		return 0, fmt.Errorf("purge expired deliveries: %w", err)
	}
	return res.RowsAffected()
}

// purgeIfDue deletes one batch of expired rows when PurgeInterval has
// passed since the last time. Its errors are dropped because the claim does
// not depend on it: expired rows count as absent, and a database failure
// shows in the claim itself.
func (s *Store) purgeIfDue(ctx context.Context, now time.Time) {
	interval := s.PurgeInterval
	if interval < 0 {
		return
	}
	if interval == 0 {
		interval = DefaultPurgeInterval
	}
	s.mu.Lock()
	due := now.Sub(s.lastPurge) >= interval
	if due {
		s.lastPurge = now
	}
	s.mu.Unlock()
	if due {
		_, _ = s.purgeBatch(ctx, now)
	}
}

func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
