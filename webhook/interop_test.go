package webhook_test

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/whgen/whgen/webhook"
)

// interopCase is one random message for the interoperability test.
type interopCase struct {
	id     string
	ts     time.Time
	body   []byte
	secret []byte
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:"

func randomInteropCase(rng *rand.Rand, now time.Time) interopCase {
	id := make([]byte, 1+rng.IntN(48))
	for i := range id {
		id[i] = idAlphabet[rng.IntN(len(idAlphabet))]
	}
	body := make([]byte, rng.IntN(4096))
	for i := range body {
		body[i] = byte(rng.Uint32())
	}
	secret := make([]byte, 24+rng.IntN(41))
	for i := range secret {
		secret[i] = byte(rng.Uint32())
	}
	// The reference library checks the window against the real clock, so
	// the timestamp stays well inside five minutes of it.
	offset := time.Duration(rng.IntN(480)-240) * time.Second
	return interopCase{id: string(id), ts: now.Add(offset), body: body, secret: secret}
}

// TestInteropWithReferenceLibrary signs random messages with the Standard
// Webhooks reference Go library and verifies them here, and the reverse.
func TestInteropWithReferenceLibrary(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>7))

	for i := range 200 {
		now := time.Now()
		c := randomInteropCase(rng, now)
		ref, err := standardwebhooks.NewWebhookRaw(c.secret)
		if err != nil {
			t.Fatalf("case %d: NewWebhookRaw: %v", i, err)
		}
		ours := &webhook.StandardWebhooks{Secrets: [][]byte{c.secret}}

		refSig, err := ref.Sign(c.id, c.ts, c.body)
		if err != nil {
			t.Fatalf("case %d: reference Sign: %v", i, err)
		}
		header := http.Header{}
		header.Set("webhook-id", c.id)
		header.Set("webhook-timestamp", strconv.FormatInt(c.ts.Unix(), 10))
		header.Set("webhook-signature", refSig)
		if _, err := ours.Verify(c.body, header, now); err != nil {
			t.Errorf("case %d (id %q, ts %d, %d bytes): reference signature rejected: %v",
				i, c.id, c.ts.Unix(), len(c.body), err)
		}

		ourHeader := http.Header{}
		if err := ours.Sign(ourHeader, c.id, c.ts, c.body); err != nil {
			t.Fatalf("case %d: Sign: %v", i, err)
		}
		if err := ref.Verify(c.body, ourHeader); err != nil {
			t.Errorf("case %d (id %q, ts %d, %d bytes): reference library rejected our signature: %v",
				i, c.id, c.ts.Unix(), len(c.body), err)
		}

		tampered := append([]byte{'x'}, c.body...)
		if _, err := ours.Verify(tampered, header, now); err == nil {
			t.Errorf("case %d: tampered body accepted here", i)
		}
		if err := ref.Verify(tampered, ourHeader); err == nil {
			t.Errorf("case %d: tampered body accepted by the reference library", i)
		}
	}
}

// TestInteropWideTimestamps covers timestamps far from now, which the
// reference library can check only without its window.
func TestInteropWideTimestamps(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>7))

	for i := range 100 {
		c := randomInteropCase(rng, time.Unix(rng.Int64N(1<<40)-1<<39, 0))
		ref, err := standardwebhooks.NewWebhookRaw(c.secret)
		if err != nil {
			t.Fatalf("case %d: NewWebhookRaw: %v", i, err)
		}
		ours := &webhook.StandardWebhooks{Secrets: [][]byte{c.secret}}
		header := http.Header{}
		if err := ours.Sign(header, c.id, c.ts, c.body); err != nil {
			t.Fatalf("case %d: Sign: %v", i, err)
		}
		if err := ref.VerifyIgnoringTimestamp(c.body, header); err != nil {
			t.Errorf("case %d (ts %d): reference library rejected our signature: %v", i, c.ts.Unix(), err)
		}
		if _, err := ours.Verify(c.body, header, c.ts); err != nil {
			t.Errorf("case %d (ts %d): own signature rejected: %v", i, c.ts.Unix(), err)
		}
	}
}
