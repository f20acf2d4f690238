package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/whgen/whgen/webhook"
)

// FuzzReceiver sends the generated petstore receiver arbitrary bodies,
// signed correctly or carrying an arbitrary signature header, and requires
// an answer that a sender can act on: never a 5xx, which would mean the
// receiver failed on input it should have rejected.
func FuzzReceiver(f *testing.F) {
	for _, seed := range []string{
		petCreated,
		`{"type":"pet.adopted","timestamp":"2026-12-04T10:00:00Z","data":{}}`,
		`{"type":"adoption.failed","timestamp":"2026-12-04T10:00:00Z","data":{"adoptionId":"x","reason":{"kind":"payment","code":"c"}}}`,
		`{"type":"inventory.low","timestamp":"2026-12-04T10:00:00Z","data":{"species":"dog","available":-1}}`,
		`{"type":"unknown"}`, `null`, `[]`, `{"type":`, ``,
	} {
		f.Add([]byte(seed), true, "")
		f.Add([]byte(seed), false, "v1,AAAA")
	}
	h, closeDB, err := newReceiveHandler(context.Background(), &receiveConfig{secrets: secretList{testSecret}, maxBody: 4096}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(closeDB)
	signer, err := webhook.NewStandardWebhooks(testSecret)
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	f.Fuzz(func(t *testing.T, body []byte, sign bool, signature string) {
		n++
		req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(body))
		id := "msg_fuzz_" + time.Now().Format("150405.000000000") + "_" + string(rune('a'+n%26))
		if sign {
			if err := signer.Sign(req.Header, id, time.Now(), body); err != nil {
				t.Fatal(err)
			}
		} else {
			req.Header.Set("webhook-id", id)
			req.Header.Set("webhook-timestamp", "1700000000")
			req.Header.Set("webhook-signature", signature)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body.String())
		}
		if !sign && rec.Code != http.StatusUnauthorized && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("unsigned delivery got %d, want 401", rec.Code)
		}
	})
}
