package api

// Tests, fuzzing and benchmarks of the receiver generated from
// testdata/specs/petstore.yaml, copied into its package by TestReceivers.
// They need routes_test.go beside them.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/oas"
	"github.com/whgen/whgen/webhook"
)

// petCreated is a valid pet.created event of about 600 bytes.
const petCreated = `{"type":"pet.created","timestamp":"2024-05-06T07:08:09Z","data":{` +
	`"id":"5f1d7c6e-8a4b-4c3d-9e2f-1a2b3c4d5e6f","name":"Rex","species":"dog","status":"available",` +
	`"createdAt":"2024-05-06T07:08:09Z","birthDate":"2020-01-02","weightKg":12.5,"microchip":"123456789012345",` +
	`"tags":["good-boy","house-trained","vaccinated"],"labels":{"color":"brown","shelter":"north","kennel":"b-12"},` +
	`"adoptedBy":{"name":"Ada Lovelace","email":"ada@example.com","phone":null}}}`

// petAdopted is a valid pet.adopted event.
const petAdopted = `{"type":"pet.adopted","timestamp":"2024-05-06T07:08:09Z","data":{` +
	`"pet":{"id":"5f1d7c6e-8a4b-4c3d-9e2f-1a2b3c4d5e6f","name":"Rex","species":"dog","status":"adopted","createdAt":"2024-05-06T07:08:09Z"},` +
	`"adopter":{"name":"Ada","email":"ada@example.com"}}}`

// adoptionFailed is a valid adoption.failed event whose reason is one
// variant of a discriminated oneOf.
const adoptionFailed = `{"type":"adoption.failed","timestamp":"2024-05-06T07:08:09Z","data":{` +
	`"adoptionId":"0d7c5a7e-1b2c-4d3e-8f9a-0b1c2d3e4f5a","reason":{"kind":"payment","code":"card_declined"}}}`

// inventoryLow is a valid inventory.low event.
const inventoryLow = `{"type":"inventory.low","timestamp":"2024-05-06T07:08:09Z","data":{"species":"cat","available":2}}`

// petFixture serves a petstore receiver whose handler records the calls.
type petFixture struct {
	server *httptest.Server
	rec    *recorder
	signer *webhook.StandardWebhooks
	suite  *deliverySuite
}

func newPetFixture(t testing.TB, opts ...webhook.RouterOption) *petFixture {
	t.Helper()
	s := loadSuite(t)
	rec := &recorder{}
	fx := &petFixture{rec: rec, signer: signer(t, s.Scheme).(*webhook.StandardWebhooks), suite: s}
	fx.server = newTestServer(t, s, rec, opts...)
	return fx
}

// signedRequest returns a request of body signed with id at ts, which
// mutate may change.
func (fx *petFixture) signedRequest(t testing.TB, body, id string, ts time.Time, mutate func(r *http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fx.server.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.signer.Sign(req.Header, id, ts, []byte(body)); err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(req)
	}
	return req
}

func (fx *petFixture) send(t testing.TB, body string) response {
	t.Helper()
	return do(t, fx.server, fx.signedRequest(t, body, newID(), time.Now(), nil))
}

func TestPetstoreEvents(t *testing.T) {
	fx := newPetFixture(t)
	tests := []struct{ body, want string }{
		{petCreated, "HandlePetCreated pet.created"},
		{petAdopted, "HandlePetAdopted pet.adopted"},
		{adoptionFailed, "HandleAdoptionFailed adoption.failed"},
		{inventoryLow, "HandleInventoryLow inventory.low"},
	}
	for _, tt := range tests {
		if got := fx.send(t, tt.body); got.status != http.StatusNoContent {
			t.Errorf("%s: status %d %s, want 204", tt.want, got.status, got.body)
		}
		if calls := fx.rec.take(); len(calls) != 1 || calls[0] != tt.want {
			t.Errorf("calls %q, want [%s]", calls, tt.want)
		}
	}
}

// TestPetstoreDecodedEvent checks the values that reach the handler.
func TestPetstoreDecodedEvent(t *testing.T) {
	var mu sync.Mutex
	var got *PetCreatedEvent
	var op *middleware.Operation
	h := handlerFunc(func(ctx context.Context, event *PetCreatedEvent, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		got = event
		op, _ = middleware.OperationFrom(ctx)
		return nil
	})
	s := loadSuite(t)
	fx := &petFixture{server: newTestServer(t, s, h), signer: signer(t, s.Scheme).(*webhook.StandardWebhooks), suite: s}
	if r := fx.send(t, petCreated); r.status != http.StatusNoContent {
		t.Fatalf("status %d %s, want 204", r.status, r.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if got == nil {
		t.Fatal("handler got no *PetCreatedEvent")
	}
	if got.Data.Name != "Rex" || got.Data.Species != "dog" || len(got.Data.Tags) != 3 || got.Data.Labels["kennel"] != "b-12" {
		t.Errorf("decoded pet %+v, want Rex the dog with 3 tags and kennel b-12", got.Data)
	}
	if op != PetCreatedOperation {
		t.Errorf("operation in context %v, want PetCreatedOperation", op)
	}
}

// handlerFunc implements only HandlePetCreated.
type handlerFunc func(ctx context.Context, event *PetCreatedEvent, d *webhook.Delivery) error

func (f handlerFunc) HandleAdoptionFailed(context.Context, *AdoptionFailedEvent, *webhook.Delivery) error {
	return webhook.ErrUnknownEvent
}

func (f handlerFunc) HandleInventoryLow(context.Context, *InventoryLowPayload, *webhook.Delivery) error {
	return webhook.ErrUnknownEvent
}

func (f handlerFunc) HandlePetAdopted(context.Context, *PetAdoptedEvent, *webhook.Delivery) error {
	return webhook.ErrUnknownEvent
}

func (f handlerFunc) HandlePetCreated(ctx context.Context, event *PetCreatedEvent, d *webhook.Delivery) error {
	return f(ctx, event, d)
}

// discard handles pet.created deliveries by doing nothing.
var discard = handlerFunc(func(context.Context, *PetCreatedEvent, *webhook.Delivery) error { return nil })

func TestPetstoreHostileInput(t *testing.T) {
	fx := newPetFixture(t, webhook.WithMaxBodyBytes(4096))
	other := &webhook.StandardWebhooks{Secrets: [][]byte{[]byte("another secret of 32 bytes......")}}
	big := strings.Replace(petCreated, `"kennel":"b-12"`, `"kennel":"`+strings.Repeat("b", 5000)+`"`, 1)
	tests := []struct {
		name       string
		body       string // the signed body
		sent       *string
		ts         time.Time
		mutate     func(r *http.Request)
		want       int
		wantDetail string
	}{
		{name: "valid", body: petCreated, want: 204},
		{name: "tampered body", body: petCreated, sent: ptr(strings.Replace(petCreated, "Rex", "Rey", 1)), want: 401},
		{name: "tampered id", body: petCreated, mutate: func(r *http.Request) { r.Header.Set("webhook-id", "msg_other") }, want: 401},
		{name: "tampered timestamp", body: petCreated, mutate: func(r *http.Request) {
			ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
			r.Header.Set("webhook-timestamp", strconv.FormatInt(ts+1, 10))
		}, want: 401},
		{name: "another secret", body: petCreated, mutate: func(r *http.Request) {
			r.Header.Del("webhook-signature")
			_ = other.Sign(r.Header, r.Header.Get("webhook-id"), time.Now(), []byte(petCreated))
		}, want: 401},
		{name: "signature removed", body: petCreated, mutate: func(r *http.Request) { r.Header.Del("webhook-signature") }, want: 401},
		{name: "stale timestamp", body: petCreated, ts: time.Now().Add(-6 * time.Minute), want: 401, wantDetail: "old"},
		{name: "future timestamp", body: petCreated, ts: time.Now().Add(6 * time.Minute), want: 401, wantDetail: "future"},
		{name: "oversized body", body: big, want: 413},
		{name: "empty body", body: "", want: 400},
		{name: "unknown event", body: strings.Replace(petCreated, `"pet.created"`, `"pet.vanished"`, 1), want: 202},
		{name: "event type not a string", body: strings.Replace(petCreated, `"pet.created"`, `5`, 1), want: 202},
		{name: "malformed JSON", body: petCreated[:len(petCreated)-3], want: 400},
		{name: "payload not an object", body: `["pet.created"]`, want: 400},
		{name: "schema violation", body: strings.Replace(petCreated, `"dog"`, `"dragon"`, 1), want: 422, wantDetail: "/data/species"},
		{name: "required property missing", body: strings.Replace(petCreated, `"name":"Rex",`, ``, 1), want: 422, wantDetail: "/data/name"},
		{name: "wrong JSON type", body: strings.Replace(petCreated, `"weightKg":12.5`, `"weightKg":"heavy"`, 1), want: 422, wantDetail: "/data/weightKg"},
		{name: "wrong type in array", body: strings.Replace(petCreated, `"house-trained"`, `7`, 1), want: 422, wantDetail: "/data/tags/1"},
		{name: "GET", body: petCreated, mutate: func(r *http.Request) { r.Method = http.MethodGet }, want: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := tt.ts
			if ts.IsZero() {
				ts = time.Now()
			}
			req := fx.signedRequest(t, tt.body, newID(), ts, tt.mutate)
			if tt.sent != nil {
				req.Body = io.NopCloser(strings.NewReader(*tt.sent))
				req.ContentLength = int64(len(*tt.sent))
			}
			got := do(t, fx.server, req)
			if got.status != tt.want {
				t.Errorf("status %d %s, want %d", got.status, got.body, tt.want)
			}
			if tt.wantDetail != "" && !strings.Contains(got.body, tt.wantDetail) {
				t.Errorf("response %s does not mention %q", got.body, tt.wantDetail)
			}
			calls := fx.rec.take()
			if wantCalls := map[bool]int{true: 1, false: 0}[tt.want == 204]; len(calls) != wantCalls {
				t.Errorf("handler ran %d times, want %d", len(calls), wantCalls)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestPetstoreReplay sends one signed delivery three times: it is handled
// once and every copy gets 204.
func TestPetstoreReplay(t *testing.T) {
	fx := newPetFixture(t)
	now := time.Now()
	for i := range 3 {
		got := do(t, fx.server, fx.signedRequest(t, petCreated, "msg_replayed", now, nil))
		if got.status != http.StatusNoContent {
			t.Errorf("copy %d: status %d %s, want 204", i+1, got.status, got.body)
		}
	}
	if calls := fx.rec.take(); len(calls) != 1 {
		t.Errorf("handler ran %d times, want once", len(calls))
	}
}

// TestPetstoreHandlerFailure checks that an error or a panic responds 500
// and that the sender's retry of the same delivery is handled.
func TestPetstoreHandlerFailure(t *testing.T) {
	for _, failure := range []string{"error", "panic"} {
		t.Run(failure, func(t *testing.T) {
			var failing atomic.Bool
			failing.Store(true)
			hooked := make(chan error, 4)
			fx := newPetFixture(t, webhook.WithErrorHook(func(_ *http.Request, err error) { hooked <- err }))
			fx.rec.handle = func(method string, event any) error {
				if !failing.Load() {
					return nil
				}
				if failure == "panic" {
					panic("handler broke")
				}
				return errors.New("database unavailable")
			}
			now := time.Now()
			got := do(t, fx.server, fx.signedRequest(t, petCreated, "msg_retry", now, nil))
			if got.status != http.StatusInternalServerError {
				t.Errorf("failing handler: status %d %s, want 500", got.status, got.body)
			}
			if strings.Contains(got.body, "database") || strings.Contains(got.body, "broke") {
				t.Errorf("500 response %s shows the handler's error", got.body)
			}
			err := <-hooked
			if failure == "panic" && !errors.Is(err, webhook.ErrHandlerPanic) {
				t.Errorf("hook got %v, want an error wrapping ErrHandlerPanic", err)
			}
			failing.Store(false)
			if got := do(t, fx.server, fx.signedRequest(t, petCreated, "msg_retry", now, nil)); got.status != http.StatusNoContent {
				t.Errorf("retry: status %d %s, want 204", got.status, got.body)
			}
			if calls := fx.rec.take(); len(calls) != 2 {
				t.Errorf("handler ran %d times, want twice", len(calls))
			}
		})
	}
}

// TestPetstoreInvalidPayloadError checks that the error of a schema
// violation carries the validation errors.
func TestPetstoreInvalidPayloadError(t *testing.T) {
	errs := make(chan error, 1)
	fx := newPetFixture(t, webhook.WithErrorHook(func(_ *http.Request, err error) { errs <- err }))
	body := strings.Replace(strings.Replace(petCreated, `"dog"`, `"dragon"`, 1), `"Rex"`, `""`, 1)
	if got := fx.send(t, body); got.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d %s, want 422", got.status, got.body)
	}
	err := <-errs
	var verrs oas.Errors
	if !errors.Is(err, webhook.ErrInvalidPayload) || !errors.As(err, &verrs) {
		t.Fatalf("error %v, want ErrInvalidPayload with oas.Errors", err)
	}
	var pointers []string
	for _, v := range verrs {
		pointers = append(pointers, v.Pointer)
	}
	if got := strings.Join(pointers, " "); got != "/data/name /data/species" {
		t.Errorf("invalid pointers %q, want %q", got, "/data/name /data/species")
	}
}

// TestPetstoreMiddleware puts trusted hosts and a rate limit in front of
// the receiver.
func TestPetstoreMiddleware(t *testing.T) {
	s := loadSuite(t)
	rec := &recorder{}
	v, err := NewWebhookVerifier(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	recv, err := NewReceiver(rec, v)
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := middleware.NewTrustedHosts(middleware.TrustedHostsOptions{AllowedHosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	limiter, err := middleware.NewRateLimiter(middleware.RateLimitOptions{RequestsPerSecond: 0.001, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(middleware.Chain(hosts.Handler, limiter.Handler)(recv))
	t.Cleanup(server.Close)
	fx := &petFixture{server: server, rec: rec, signer: signer(t, s.Scheme).(*webhook.StandardWebhooks), suite: s}

	foreign := fx.signedRequest(t, petCreated, newID(), time.Now(), func(r *http.Request) { r.Host = "evil.example" })
	if got := do(t, server, foreign); got.status != http.StatusBadRequest {
		t.Errorf("foreign host: status %d %s, want 400", got.status, got.body)
	}
	for i, want := range []int{204, 429} {
		if got := fx.send(t, petCreated); got.status != want {
			t.Errorf("request %d: status %d %s, want %d", i+1, got.status, got.body, want)
		}
	}
	if calls := rec.take(); len(calls) != 1 {
		t.Errorf("handler ran %d times, want once", len(calls))
	}
}

// TestPetstoreReferenceSigner sends deliveries that the Standard Webhooks
// reference library signed.
func TestPetstoreReferenceSigner(t *testing.T) {
	fx := newPetFixture(t)
	ref, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sig, err := ref.Sign("msg_reference", now, []byte(petCreated))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, fx.server.URL, strings.NewReader(petCreated))
	req.Header.Set("webhook-id", "msg_reference")
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	if got := do(t, fx.server, req); got.status != http.StatusNoContent {
		t.Errorf("status %d %s, want 204", got.status, got.body)
	}
	if calls := fx.rec.take(); len(calls) != 1 {
		t.Errorf("handler ran %d times, want once", len(calls))
	}
}

// forgetfulStore is a ReplayStore that records nothing, so that fuzzing
// and benchmarks do not fill memory with keys.
type forgetfulStore struct{}

func (forgetfulStore) Claim(context.Context, string, time.Time, time.Duration) (string, error) {
	return "token", nil
}

func (forgetfulStore) Complete(context.Context, string, string, time.Time, time.Duration) error {
	return nil
}

func (forgetfulStore) Release(context.Context, string, string) error { return nil }

// FuzzReceiver sends arbitrary bodies, signed or with a broken signature,
// through the whole generated receiver. It checks that the receiver never
// panics, responds only with documented statuses, rejects every broken
// signature, and calls a handler only with a payload that is valid JSON and
// passes Validate again.
func FuzzReceiver(f *testing.F) {
	for _, seed := range []string{petCreated, petAdopted, adoptionFailed, inventoryLow, "", "{}", "null", `{"type":"pet.created"}`,
		`{"type":"pet.created","type":"pet.adopted"}`, `{"TYPE":"inventory.low","timestamp":"2024-05-06T07:08:09Z","data":{"species":"cat","available":0}}`,
		petCreated[:100], strings.Replace(petCreated, `"dog"`, `"dragon"`, 1)} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	const maxBody = 64 << 10
	var mu sync.Mutex
	var events []any
	handle := func(method string, event any) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, event)
		return nil
	}
	rec := &recorder{handle: handle}
	v, err := NewWebhookVerifier(testSecret)
	if err != nil {
		f.Fatal(err)
	}
	recv, err := NewReceiver(rec, v, webhook.WithReplayStore(forgetfulStore{}), webhook.WithMaxBodyBytes(maxBody))
	if err != nil {
		f.Fatal(err)
	}
	sign := signer(f, webhook.SchemeStandardWebhooks)
	var n atomic.Int64

	f.Fuzz(func(t *testing.T, body []byte, breakSignature bool) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		if err := sign.Sign(req.Header, fmt.Sprintf("fuzz_%d", n.Add(1)), time.Now(), body); err != nil {
			t.Fatal(err)
		}
		if breakSignature {
			sig := req.Header.Get("webhook-signature")
			req.Header.Set("webhook-signature", sig[:len(sig)-2]+"AA")
		}
		mu.Lock()
		events = nil
		mu.Unlock()
		w := httptest.NewRecorder()
		recv.ServeHTTP(w, req)
		calls := rec.take()

		status := w.Code
		switch {
		case len(body) > maxBody:
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("body of %d bytes: status %d, want 413", len(body), status)
			}
		case breakSignature && status != http.StatusUnauthorized:
			t.Fatalf("broken signature: status %d, want 401", status)
		case !breakSignature && !json.Valid(body) && status != http.StatusBadRequest:
			t.Fatalf("invalid JSON %q: status %d, want 400", body, status)
		case !breakSignature && status != 204 && status != 202 && status != 400 && status != 413 && status != 422:
			t.Fatalf("body %q: status %d %s, not a documented status", body, status, w.Body)
		}
		if status != http.StatusNoContent {
			if len(calls) > 0 {
				t.Fatalf("status %d but handlers ran: %q", status, calls)
			}
			return
		}
		if len(calls) != 1 {
			t.Fatalf("status 204 but handlers ran %d times", len(calls))
		}
		mu.Lock()
		defer mu.Unlock()
		if len(events) != 1 {
			t.Fatalf("status 204 but handlers got %d events", len(events))
		}
		validator, ok := events[0].(interface{ Validate() error })
		if !ok {
			t.Fatalf("event %T has no Validate method", events[0])
		}
		if err := validator.Validate(); err != nil {
			t.Fatalf("handler got an invalid event from %q: %v", body, err)
		}
	})
}

// BenchmarkVerifyDecode measures Standard Webhooks verification plus
// decoding of a pet.created event of about 600 bytes:
//   - floor: one HMAC-SHA256 of the signed content, a base64 compare and
//     json.Unmarshal into PetCreatedEvent, without any header parsing,
//     routing or validation;
//   - reference: the reference library's Verify, then the same decode;
//   - reference-verify and whgen-verify: the two verifiers alone;
//   - whgen-route and whgen-validate: the two steps that whgen adds to the
//     floor, routing by "type" and Validate, alone;
//   - whgen: the generated receiver's work without HTTP: Verify, routing by
//     "type", decoding and Validate;
//   - whgen-http: the whole receiver behind ServeHTTP, with a replay store
//     that records nothing.
func BenchmarkVerifyDecode(b *testing.B) {
	body := []byte(petCreated)
	now := time.Now()
	key, err := webhook.ParseStandardSecret(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	verifier := &webhook.StandardWebhooks{Secrets: [][]byte{key}}
	header := http.Header{}
	if err := verifier.Sign(header, "msg_bench", now, body); err != nil {
		b.Fatal(err)
	}
	ref, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	content := []byte("msg_bench." + strconv.FormatInt(now.Unix(), 10) + "." + petCreated)
	signature := strings.TrimPrefix(header.Get("webhook-signature"), "v1,")

	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			mac := hmac.New(sha256.New, key)
			mac.Write(content)
			want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			if !hmac.Equal([]byte(want), []byte(signature)) {
				b.Fatal("signature mismatch")
			}
			var event PetCreatedEvent
			if err := json.Unmarshal(body, &event); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference-verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ref.Verify(body, header); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ref.Verify(body, header); err != nil {
				b.Fatal(err)
			}
			var event PetCreatedEvent
			if err := json.Unmarshal(body, &event); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whgen-verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := verifier.Verify(body, header, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whgen-route", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if i, err := routeWebhookPayload(0, body); err != nil || i != 3 {
				b.Fatalf("route: %d, %v", i, err)
			}
		}
	})
	b.Run("whgen-validate", func(b *testing.B) {
		var event PetCreatedEvent
		if err := json.Unmarshal(body, &event); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := event.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whgen", func(b *testing.B) {
		x := webhookDispatch{h: discard}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			d, err := verifier.Verify(body, header, now)
			if err != nil {
				b.Fatal(err)
			}
			i, err := routeWebhookPayload(0, body)
			if err != nil || i != 3 {
				b.Fatalf("route: %d, %v", i, err)
			}
			if err := x.dispatchPetCreated(ctx, &d, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whgen-http", func(b *testing.B) {
		recv, err := NewReceiver(discard, verifier, webhook.WithReplayStore(forgetfulStore{}))
		if err != nil {
			b.Fatal(err)
		}
		reader := bytes.NewReader(body)
		req := httptest.NewRequest(http.MethodPost, "/", reader)
		req.Header = header
		b.ReportAllocs()
		for b.Loop() {
			reader.Reset(body)
			w := httptest.NewRecorder()
			recv.ServeHTTP(w, req)
			if w.Code != http.StatusNoContent {
				b.Fatalf("status %d %s", w.Code, w.Body)
			}
		}
	})
}
