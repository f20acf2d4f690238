package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/whgen/whgen/webhook"
)

func TestMemoryReplayStoreLifecycle(t *testing.T) {
	ctx := context.Background()
	s := &webhook.MemoryReplayStore{}
	now := testNow

	token, err := s.Claim(ctx, "k", now, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if _, err := s.Claim(ctx, "k", now, time.Minute); !errors.Is(err, webhook.ErrInFlight) {
		t.Errorf("second claim: got %v, want ErrInFlight", err)
	}
	if err := s.Complete(ctx, "k", "wrong-token", now, time.Hour); !errors.Is(err, webhook.ErrClaimLost) {
		t.Errorf("Complete with another token: got %v, want ErrClaimLost", err)
	}
	if err := s.Complete(ctx, "k", token, now, time.Hour); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if _, err := s.Claim(ctx, "k", now.Add(time.Hour-time.Nanosecond), time.Minute); !errors.Is(err, webhook.ErrDuplicate) {
		t.Errorf("claim within retention: got %v, want ErrDuplicate", err)
	}
	if _, err := s.Claim(ctx, "k", now.Add(time.Hour), time.Minute); err != nil {
		t.Errorf("claim after retention: got %v, want success", err)
	}
}

func TestMemoryReplayStoreRelease(t *testing.T) {
	ctx := context.Background()
	s := &webhook.MemoryReplayStore{}
	token, _ := s.Claim(ctx, "k", testNow, time.Minute)
	if err := s.Release(ctx, "k", "other"); err != nil {
		t.Fatalf("Release with another token: %v", err)
	}
	if _, err := s.Claim(ctx, "k", testNow, time.Minute); !errors.Is(err, webhook.ErrInFlight) {
		t.Errorf("after foreign release: got %v, want ErrInFlight", err)
	}
	if err := s.Release(ctx, "k", token); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if _, err := s.Claim(ctx, "k", testNow, time.Minute); err != nil {
		t.Errorf("after release: got %v, want success", err)
	}
}

func TestMemoryReplayStoreLeaseTakeover(t *testing.T) {
	ctx := context.Background()
	s := &webhook.MemoryReplayStore{}
	stale, _ := s.Claim(ctx, "k", testNow, time.Minute)
	fresh, err := s.Claim(ctx, "k", testNow.Add(time.Minute), time.Minute)
	if err != nil {
		t.Fatalf("claim after lease: %v", err)
	}
	if err := s.Complete(ctx, "k", stale, testNow.Add(time.Minute), time.Hour); !errors.Is(err, webhook.ErrClaimLost) {
		t.Errorf("Complete by the expired claim: got %v, want ErrClaimLost", err)
	}
	if err := s.Complete(ctx, "k", fresh, testNow.Add(time.Minute), time.Hour); err != nil {
		t.Errorf("Complete by the new claim: %v", err)
	}
}

func TestMemoryReplayStoreCapacity(t *testing.T) {
	ctx := context.Background()
	s := &webhook.MemoryReplayStore{MaxEntries: 3}
	complete := func(key string, retention time.Duration) {
		t.Helper()
		token, err := s.Claim(ctx, key, testNow, time.Minute)
		if err != nil {
			t.Fatalf("Claim %s: %v", key, err)
		}
		if err := s.Complete(ctx, key, token, testNow, retention); err != nil {
			t.Fatalf("Complete %s: %v", key, err)
		}
	}
	complete("long", 3*time.Hour)
	complete("short", time.Hour)
	complete("middle", 2*time.Hour)

	// Full: the completed key that expires first ("short") is forgotten.
	complete("new", time.Hour)
	if got := s.Len(); got != 3 {
		t.Errorf("got %d keys, want 3", got)
	}
	if _, err := s.Claim(ctx, "long", testNow, time.Minute); !errors.Is(err, webhook.ErrDuplicate) {
		t.Errorf("long: got %v, want ErrDuplicate", err)
	}
	if _, err := s.Claim(ctx, "short", testNow, time.Minute); err != nil {
		t.Errorf("short: got %v, want success because it was forgotten", err)
	}
}

func TestMemoryReplayStoreFullOfClaims(t *testing.T) {
	ctx := context.Background()
	s := &webhook.MemoryReplayStore{MaxEntries: 2}
	for _, key := range []string{"a", "b"} {
		if _, err := s.Claim(ctx, key, testNow, time.Minute); err != nil {
			t.Fatalf("Claim %s: %v", key, err)
		}
	}
	if _, err := s.Claim(ctx, "c", testNow, time.Minute); !errors.Is(err, webhook.ErrReplayStoreFull) {
		t.Errorf("got %v, want ErrReplayStoreFull", err)
	}
	if _, err := s.Claim(ctx, "c", testNow.Add(time.Minute), time.Minute); err != nil {
		t.Errorf("after the claims expired: got %v, want success", err)
	}
}

// TestMemoryReplayStoreChurn claims and releases many keys, which leaves
// outdated expiry records behind, and checks that expiry still works.
func TestMemoryReplayStoreChurn(t *testing.T) {
	ctx := context.Background()
	s := &webhook.MemoryReplayStore{MaxEntries: 10}
	for i := range 5000 {
		key := fmt.Sprint("k", i%7)
		token, err := s.Claim(ctx, key, testNow, time.Minute)
		if err != nil {
			t.Fatalf("round %d: Claim: %v", i, err)
		}
		if err := s.Release(ctx, key, token); err != nil {
			t.Fatalf("round %d: Release: %v", i, err)
		}
	}
	if got := s.Len(); got != 0 {
		t.Errorf("got %d keys, want 0", got)
	}
}
