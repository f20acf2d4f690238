package api

// Tests of the receiver generated from testdata/receivers/edge.yaml, copied
// into its package by TestReceivers. They need routes_test.go beside them.

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/webhook"
)

// Compile-time checks of the handler signatures: an array payload is a
// slice, a text body is bytes, and a webhook without a body has no event.
var (
	_ func(*recorder, []Order) = func(r *recorder, event []Order) { _ = r.HandleBatch(nil, event, nil) }
	_ func(*recorder, []byte)  = func(r *recorder, body []byte) { _ = r.HandleNote(nil, body, nil) }
	_ func(*recorder)          = func(r *recorder) { _ = r.HandlePing(nil, nil) }
)

func TestEdgeRoutes(t *testing.T) {
	s := loadSuite(t)
	rec := &recorder{}
	server := newTestServer(t, s, rec)
	tests := []struct {
		name        string
		event       string
		scheme      string
		body        string
		credentials bool
		want        int
		wantCall    string
	}{
		{"created by const", "order", "standard-webhooks", `{"id":"1","action":"created"}`, false, 204, "HandleOrderCreated order.created"},
		{"closed by first enum value", "order", "standard-webhooks", `{"id":"1","action":"cancelled"}`, false, 204, "HandleOrderClosed order.closed"},
		{"closed by second enum value", "order", "standard-webhooks", `{"id":"1","action":"fulfilled"}`, false, 204, "HandleOrderClosed order.closed"},
		{"other action goes to default", "order", "standard-webhooks", `{"id":"1","action":"returned"}`, false, 204, "HandleOrderOther order.other"},
		{"missing action fails default's schema", "order", "standard-webhooks", `{"id":"1"}`, false, 422, ""},
		{"action of wrong type", "order", "standard-webhooks", `{"id":"1","action":5}`, false, 422, ""},
		{"text body", "note", "github", "hello", false, 204, "HandleNote note"},
		{"text body with other scheme", "note", "standard-webhooks", "hello", false, 401, ""},
		{"no body", "ping", "standard-webhooks", "", false, 204, "HandlePing ping"},
		{"array body", "batch", "standard-webhooks", `[{"id":"1","action":"x"},{"id":"2","action":"y"}]`, true, 204, "HandleBatch batch"},
		{"optional body absent", "batch", "standard-webhooks", "", true, 204, "HandleBatch batch"},
		{"array below minItems", "batch", "standard-webhooks", `[]`, true, 422, ""},
		{"array item invalid", "batch", "standard-webhooks", `[{"id":"","action":"x"}]`, true, 422, ""},
		{"security unmet", "batch", "standard-webhooks", `[{"id":"1","action":"x"}]`, false, 401, ""},
		{"GET webhook is not routed", "legacy", "standard-webhooks", `{}`, false, 202, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := delivery{Scheme: tt.scheme, Path: "/", Header: map[string]string{"X-Event": tt.event}, Body: tt.body}
			got := do(t, server, d.request(t, s, server, tt.body, time.Now(), tt.credentials))
			if got.status != tt.want {
				t.Errorf("status %d %s, want %d", got.status, got.body, tt.want)
			}
			calls := rec.take()
			var want []string
			if tt.wantCall != "" {
				want = []string{tt.wantCall}
			}
			if !slices.Equal(calls, want) {
				t.Errorf("calls %q, want %q", calls, want)
			}
		})
	}
}

// TestEdgeEvents checks the values that reach the handler methods.
func TestEdgeEvents(t *testing.T) {
	s := loadSuite(t)
	var mu sync.Mutex
	var got []any
	rec := &recorder{handle: func(method string, event any) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, event)
		return nil
	}}
	server := newTestServer(t, s, rec)
	send := func(event, scheme, body string, credentials bool) {
		t.Helper()
		d := delivery{Scheme: scheme, Path: "/", Header: map[string]string{"X-Event": event}, Body: body}
		if r := do(t, server, d.request(t, s, server, body, time.Now(), credentials)); r.status != http.StatusNoContent {
			t.Fatalf("%s: status %d %s, want 204", event, r.status, r.body)
		}
	}
	send("note", "github", "hello", false)
	send("batch", "standard-webhooks", `[{"id":"1","action":"x"}]`, true)
	send("batch", "standard-webhooks", "", true)
	send("order", "standard-webhooks", `{"id":"7","action":"created"}`, false)

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 {
		t.Fatalf("handlers got %d events, want 4", len(got))
	}
	if body, _ := got[0].([]byte); string(body) != "hello" {
		t.Errorf("note body %q, want %q", got[0], "hello")
	}
	if batch, _ := got[1].([]Order); len(batch) != 1 || batch[0].ID != "1" {
		t.Errorf("batch %#v, want one order with id 1", got[1])
	}
	if batch, ok := got[2].([]Order); !ok || batch != nil {
		t.Errorf("absent optional body gave %#v, want a nil []Order", got[2])
	}
	if order, _ := got[3].(*OrderCreatedPayload); order == nil || order.ID != "7" || order.Action != "created" {
		t.Errorf("order.created event %#v, want id 7 and action created", got[3])
	}
}

// TestEdgeMissingOptions checks that NewReceiver rejects a configuration
// that cannot serve every webhook.
func TestEdgeMissingOptions(t *testing.T) {
	v, err := NewWebhookVerifier(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	github, err := webhook.NewVerifier(webhook.SchemeGitHub, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	s := loadSuite(t)
	auth := webhook.WithAuthenticator(s.authenticator(t))
	emptyAuth, err := middleware.NewAuthenticator(middleware.AuthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		h    WebhookHandler
		opts []webhook.RouterOption
		want string
	}{
		{"no handler", nil, []webhook.RouterOption{auth, webhook.WithVerifier("github", github)}, "missing WebhookHandler"},
		{"no github verifier", &recorder{}, []webhook.RouterOption{auth}, `webhook "note": no verifier for the github signature scheme`},
		{"no authenticator", &recorder{}, []webhook.RouterOption{webhook.WithVerifier("github", github)}, `webhook "batch": security requirements declared but no Authenticator`},
		{"authenticator without scheme", &recorder{}, []webhook.RouterOption{webhook.WithVerifier("github", github), webhook.WithAuthenticator(emptyAuth)}, `security scheme "apiKey" is not defined`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recv, err := NewReceiver(tt.h, v, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewReceiver error %v, want one containing %q", err, tt.want)
			}
			if recv != nil {
				t.Errorf("NewReceiver returned a receiver with the error")
			}
		})
	}
}
