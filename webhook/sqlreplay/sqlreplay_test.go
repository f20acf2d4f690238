package sqlreplay_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whgen/whgen/store"
	"github.com/whgen/whgen/store/storetest"
	"github.com/whgen/whgen/webhook"
	"github.com/whgen/whgen/webhook/sqlreplay"
)

var now = time.Unix(1_700_000_000, 0)

func newStore(t *testing.T, db *store.DB) *sqlreplay.Store {
	t.Helper()
	s, err := sqlreplay.New(context.Background(), db)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestStoreLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newStore(t, db)

		token, err := s.Claim(ctx, "k", now, time.Minute)
		if err != nil {
			t.Fatalf("Claim: %v", err)
		}
		if _, err := s.Claim(ctx, "k", now, time.Minute); !errors.Is(err, webhook.ErrInFlight) {
			t.Errorf("second claim: got %v, want ErrInFlight", err)
		}
		if err := s.Complete(ctx, "k", "other", now, time.Hour); !errors.Is(err, webhook.ErrClaimLost) {
			t.Errorf("Complete with another token: got %v, want ErrClaimLost", err)
		}
		if err := s.Complete(ctx, "k", token, now, time.Hour); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		if _, err := s.Claim(ctx, "k", now.Add(time.Hour-time.Millisecond), time.Minute); !errors.Is(err, webhook.ErrDuplicate) {
			t.Errorf("claim within retention: got %v, want ErrDuplicate", err)
		}
		if _, err := s.Claim(ctx, "k", now.Add(time.Hour), time.Minute); err != nil {
			t.Errorf("claim after retention: got %v, want success", err)
		}
	})
}

func TestStoreReleaseAndTakeover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newStore(t, db)

		token, _ := s.Claim(ctx, "released", now, time.Minute)
		if err := s.Release(ctx, "released", "other"); err != nil {
			t.Fatalf("Release with another token: %v", err)
		}
		if _, err := s.Claim(ctx, "released", now, time.Minute); !errors.Is(err, webhook.ErrInFlight) {
			t.Errorf("after foreign release: got %v, want ErrInFlight", err)
		}
		if err := s.Release(ctx, "released", token); err != nil {
			t.Fatalf("Release: %v", err)
		}
		if _, err := s.Claim(ctx, "released", now, time.Minute); err != nil {
			t.Errorf("after release: got %v, want success", err)
		}

		stale, _ := s.Claim(ctx, "crashed", now, time.Minute)
		fresh, err := s.Claim(ctx, "crashed", now.Add(time.Minute), time.Minute)
		if err != nil {
			t.Fatalf("claim after the lease: %v", err)
		}
		if err := s.Complete(ctx, "crashed", stale, now.Add(time.Minute), time.Hour); !errors.Is(err, webhook.ErrClaimLost) {
			t.Errorf("Complete by the expired claim: got %v, want ErrClaimLost", err)
		}
		if err := s.Complete(ctx, "crashed", fresh, now.Add(time.Minute), time.Hour); err != nil {
			t.Errorf("Complete by the new claim: %v", err)
		}
	})
}

func TestStoreNamespaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newStore(t, db)
		b := &sqlreplay.Store{DB: db, Namespace: "other-sender"}
		if _, err := a.Claim(ctx, "msg_1", now, time.Minute); err != nil {
			t.Fatalf("claim in default namespace: %v", err)
		}
		if _, err := b.Claim(ctx, "msg_1", now, time.Minute); err != nil {
			t.Errorf("same key in another namespace: got %v, want success", err)
		}
	})
}

func TestStorePurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newStore(t, db)
		s.PurgeInterval = -1
		for i, key := range []string{"a", "b", "c"} {
			token, err := s.Claim(ctx, key, now, time.Minute)
			if err != nil {
				t.Fatalf("Claim: %v", err)
			}
			if i < 2 {
				s.Complete(ctx, key, token, now, time.Hour)
			}
		}
		n, err := s.Purge(ctx, now.Add(time.Minute))
		if err != nil || n != 1 {
			t.Errorf("Purge after the lease: got (%d, %v), want (1, nil)", n, err)
		}
		n, err = s.Purge(ctx, now.Add(time.Hour))
		if err != nil || n != 2 {
			t.Errorf("Purge after retention: got (%d, %v), want (2, nil)", n, err)
		}
	})
}

func TestStoreMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newStore(t, db)
		newStore(t, db)
	})
}

// engines returns, per engine, a function that opens one more handle on
// one shared database, as another receiver process would.
func engines() []struct {
	name string
	dsn  func(t *testing.T) string
} {
	return []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return storetest.SQLiteDSN(t) }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresSchemaDSN(t) }},
	}
}

func openHandles(t *testing.T, dsn string, n int) []*sqlreplay.Store {
	t.Helper()
	stores := make([]*sqlreplay.Store, n)
	for i := range stores {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open handle %d: %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		stores[i] = &sqlreplay.Store{DB: db}
	}
	if err := stores[0].Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return stores
}

// TestStoreConcurrentClaims claims the same keys from several handles at
// once and checks that each key is claimed exactly once.
func TestStoreConcurrentClaims(t *testing.T) {
	const processes, keys = 4, 20
	for _, engine := range engines() {
		t.Run(engine.name, func(t *testing.T) {
			stores := openHandles(t, engine.dsn(t), processes)
			var won [keys]atomic.Int32
			var wg sync.WaitGroup
			for p, s := range stores {
				wg.Go(func() {
					for k := range keys {
						key := "msg_" + string(rune('a'+k))
						_, err := s.Claim(context.Background(), key, now, time.Minute)
						switch {
						case err == nil:
							won[k].Add(1)
						case !errors.Is(err, webhook.ErrInFlight):
							t.Errorf("process %d, key %s: %v", p, key, err)
						}
					}
				})
			}
			wg.Wait()
			for k := range won {
				if n := won[k].Load(); n != 1 {
					t.Errorf("key %d claimed %d times, want 1", k, n)
				}
			}
		})
	}
}

// TestReceiversShareStore runs two receivers, as two processes, on one
// database and sends both the same delivery.
func TestReceiversShareStore(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	body := []byte(`{"type":"ping"}`)
	for _, engine := range engines() {
		t.Run(engine.name, func(t *testing.T) {
			stores := openHandles(t, engine.dsn(t), 2)
			var calls atomic.Int32
			var servers []*httptest.Server
			for _, s := range stores {
				rc := &webhook.Receiver{
					Verifier: &webhook.StandardWebhooks{Secrets: [][]byte{secret}},
					Dispatcher: webhook.DispatcherFunc(func(context.Context, *webhook.Delivery, []byte) error {
						calls.Add(1)
						return nil
					}),
					Replay: s,
				}
				srv := httptest.NewServer(rc)
				t.Cleanup(srv.Close)
				servers = append(servers, srv)
			}

			header := http.Header{}
			signer := &webhook.StandardWebhooks{Secrets: [][]byte{secret}}
			if err := signer.Sign(header, "msg_shared", time.Now(), body); err != nil {
				t.Fatalf("Sign: %v", err)
			}
			for i, srv := range servers {
				req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
				req.Header = header.Clone()
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatalf("receiver %d: %v", i, err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent {
					t.Errorf("receiver %d: got status %d, want 204", i, resp.StatusCode)
				}
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("got %d handler calls, want 1", n)
			}
		})
	}
}
