package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whgen/whgen/webhook"
)

// testClock is a receiver clock that tests move by hand.
type testClock struct{ now atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.now.Store(t.UnixNano())
	return c
}

func (c *testClock) Now() time.Time          { return time.Unix(0, c.now.Load()) }
func (c *testClock) Advance(d time.Duration) { c.now.Add(int64(d)) }

// countingDispatcher counts calls and delegates to handle, or succeeds.
type countingDispatcher struct {
	calls  atomic.Int32
	handle func(ctx context.Context, d *webhook.Delivery, body []byte) error
}

func (c *countingDispatcher) Dispatch(ctx context.Context, d *webhook.Delivery, body []byte) error {
	c.calls.Add(1)
	if c.handle == nil {
		return nil
	}
	return c.handle(ctx, d, body)
}

type receiverFixture struct {
	server     *httptest.Server
	signer     *webhook.StandardWebhooks
	clock      *testClock
	dispatcher *countingDispatcher
	receiver   *webhook.Receiver
}

func newReceiverFixture(t *testing.T, handle func(context.Context, *webhook.Delivery, []byte) error) *receiverFixture {
	t.Helper()
	fx := &receiverFixture{
		signer:     &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}},
		clock:      newTestClock(testNow),
		dispatcher: &countingDispatcher{handle: handle},
	}
	fx.receiver = &webhook.Receiver{
		Verifier:     &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}},
		Dispatcher:   fx.dispatcher,
		MaxBodyBytes: 4096,
		Now:          fx.clock.Now,
	}
	fx.server = httptest.NewServer(fx.receiver)
	t.Cleanup(fx.server.Close)
	return fx
}

// signed returns the headers of a delivery signed now by the fixture's
// sender.
func (fx *receiverFixture) signed(t *testing.T, id string, body []byte) http.Header {
	t.Helper()
	return sign(t, fx.signer, id, fx.clock.Now(), body)
}

type response struct {
	status  int
	header  http.Header
	problem map[string]any
	body    string
}

func (fx *receiverFixture) post(t *testing.T, header http.Header, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fx.server.URL, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := fx.server.Client().Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, body: string(raw)}
	if resp.Header.Get("Content-Type") == "application/problem+json" {
		if err := json.Unmarshal(raw, &r.problem); err != nil {
			t.Fatalf("decode problem %q: %v", raw, err)
		}
	}
	return r
}

func (fx *receiverFixture) deliver(t *testing.T, id string, body []byte) response {
	t.Helper()
	return fx.post(t, fx.signed(t, id, body), bytes.NewReader(body))
}

func TestReceiverRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(h http.Header) []byte
		want   int
	}{
		{"tampered body", func(http.Header) []byte { return []byte(`{"type":"x"}`) }, 401},
		{"tampered id", func(h http.Header) []byte { h.Set("webhook-id", "msg_other"); return testBody }, 401},
		{"tampered timestamp", func(h http.Header) []byte {
			h.Set("webhook-timestamp", fmt.Sprint(testNow.Unix()+1))
			return testBody
		}, 401},
		{"missing signature", func(h http.Header) []byte { h.Del("webhook-signature"); return testBody }, 401},
		{"malformed timestamp", func(h http.Header) []byte { h.Set("webhook-timestamp", "later"); return testBody }, 401},
		{"empty body", func(http.Header) []byte { return nil }, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newReceiverFixture(t, nil)
			header := fx.signed(t, "msg_1", testBody)
			body := tt.mutate(header)
			r := fx.post(t, header, bytes.NewReader(body))
			if r.status != tt.want {
				t.Errorf("got status %d, want %d", r.status, tt.want)
			}
			if n := fx.dispatcher.calls.Load(); n != 0 {
				t.Errorf("got %d handler calls, want 0", n)
			}
			if r.problem["status"] != float64(tt.want) {
				t.Errorf("got problem %v, want status member %d", r.problem, tt.want)
			}
			if strings.Contains(r.body, string(testSecret)) {
				t.Errorf("response %q contains the secret", r.body)
			}
		})
	}
}

func TestReceiverOtherSecret(t *testing.T) {
	fx := newReceiverFixture(t, nil)
	header := sign(t, &webhook.StandardWebhooks{Secrets: [][]byte{otherKey}}, "msg_1", testNow, testBody)
	if r := fx.post(t, header, bytes.NewReader(testBody)); r.status != 401 {
		t.Errorf("got status %d, want 401", r.status)
	}
}

func TestReceiverTimestampWindow(t *testing.T) {
	tests := []struct {
		offset time.Duration
		want   int
	}{
		{-301 * time.Second, 401},
		{-300 * time.Second, 204},
		{300 * time.Second, 204},
		{301 * time.Second, 401},
	}
	for _, tt := range tests {
		t.Run(tt.offset.String(), func(t *testing.T) {
			fx := newReceiverFixture(t, nil)
			header := sign(t, fx.signer, "msg_1", testNow.Add(tt.offset), testBody)
			if r := fx.post(t, header, bytes.NewReader(testBody)); r.status != tt.want {
				t.Errorf("got status %d, want %d", r.status, tt.want)
			}
		})
	}
}

func TestReceiverHandlesOnce(t *testing.T) {
	fx := newReceiverFixture(t, nil)
	header := fx.signed(t, "msg_1", testBody)
	for i := range 3 {
		if r := fx.post(t, header, bytes.NewReader(testBody)); r.status != 204 {
			t.Errorf("copy %d: got status %d, want 204", i+1, r.status)
		}
	}
	// A sender retry signs afresh with the same id.
	fx.clock.Advance(time.Minute)
	if r := fx.deliver(t, "msg_1", testBody); r.status != 204 {
		t.Errorf("retry: got status %d, want 204", r.status)
	}
	if n := fx.dispatcher.calls.Load(); n != 1 {
		t.Errorf("got %d handler calls, want 1", n)
	}
}

func TestReceiverBodyLimit(t *testing.T) {
	fx := newReceiverFixture(t, nil)
	big := bytes.Repeat([]byte("a"), 4097)
	header := fx.signed(t, "msg_1", big)

	if r := fx.post(t, header, bytes.NewReader(big)); r.status != 413 {
		t.Errorf("with Content-Length: got status %d, want 413", r.status)
	}
	// io.MultiReader hides the length, so the body is sent chunked.
	if r := fx.post(t, header, io.MultiReader(bytes.NewReader(big))); r.status != 413 {
		t.Errorf("chunked: got status %d, want 413", r.status)
	}
	exact := bytes.Repeat([]byte("a"), 4096)
	if r := fx.deliver(t, "msg_2", exact); r.status != 204 {
		t.Errorf("at the limit: got status %d, want 204", r.status)
	}
	if n := fx.dispatcher.calls.Load(); n != 1 {
		t.Errorf("got %d handler calls, want 1", n)
	}
}

func TestReceiverDispatchOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		want      int
		retryWant int // status of the next copy
		calls     int32
	}{
		{"success", nil, 204, 204, 1},
		{"malformed", fmt.Errorf("decode: %w", webhook.ErrMalformedPayload), 400, 400, 2},
		{"invalid", fmt.Errorf("amount: %w", webhook.ErrInvalidPayload), 422, 422, 2},
		{"unknown event", fmt.Errorf("type x: %w", webhook.ErrUnknownEvent), 202, 204, 1},
		{"handler error", errors.New("database is down at 10.0.0.7"), 500, 500, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newReceiverFixture(t, func(context.Context, *webhook.Delivery, []byte) error { return tt.err })
			header := fx.signed(t, "msg_1", testBody)
			r := fx.post(t, header, bytes.NewReader(testBody))
			if r.status != tt.want {
				t.Errorf("got status %d, want %d", r.status, tt.want)
			}
			if r.status >= 500 && strings.Contains(r.body, "10.0.0.7") {
				t.Errorf("5xx body %q contains the handler's error text", r.body)
			}
			if r.status >= 400 && r.status < 500 && !strings.Contains(r.body, tt.err.Error()) {
				t.Errorf("4xx body %q lacks the error %q", r.body, tt.err)
			}
			retry := fx.post(t, header, bytes.NewReader(testBody))
			if retry.status != tt.retryWant {
				t.Errorf("next copy: got status %d, want %d", retry.status, tt.retryWant)
			}
			if n := fx.dispatcher.calls.Load(); n != tt.calls {
				t.Errorf("got %d handler calls, want %d", n, tt.calls)
			}
		})
	}
}

func TestReceiverPanicIsRetried(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	fx := newReceiverFixture(t, func(context.Context, *webhook.Delivery, []byte) error {
		if fail.Load() {
			panic("nil map write in handler")
		}
		return nil
	})
	header := fx.signed(t, "msg_1", testBody)
	r := fx.post(t, header, bytes.NewReader(testBody))
	if r.status != 500 {
		t.Errorf("got status %d, want 500", r.status)
	}
	if strings.Contains(r.body, "nil map") {
		t.Errorf("body %q contains the panic value", r.body)
	}
	fail.Store(false)
	if r := fx.post(t, header, bytes.NewReader(testBody)); r.status != 204 {
		t.Errorf("retry: got status %d, want 204", r.status)
	}
}

func TestReceiverPanicErrorHandler(t *testing.T) {
	fx := newReceiverFixture(t, func(context.Context, *webhook.Delivery, []byte) error { panic("boom") })
	var got error
	fx.receiver.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
		got = err
		w.WriteHeader(webhook.StatusCode(err))
	}
	fx.deliver(t, "msg_1", testBody)
	var p *webhook.PanicError
	if !errors.As(got, &p) || p.Value != "boom" || len(p.Stack) == 0 {
		t.Errorf("got error %#v, want a *PanicError with value boom and a stack", got)
	}
	if !errors.Is(got, webhook.ErrHandlerPanic) {
		t.Errorf("got error %v, want it to wrap ErrHandlerPanic", got)
	}
}

func TestReceiverAbortHandlerPanics(t *testing.T) {
	store := &webhook.MemoryReplayStore{}
	fx := newReceiverFixture(t, func(context.Context, *webhook.Delivery, []byte) error {
		panic(http.ErrAbortHandler)
	})
	fx.receiver.Replay = store
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(testBody))
	req.Header = fx.signed(t, "msg_1", testBody)

	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("got panic %v, want http.ErrAbortHandler", v)
			}
		}()
		fx.receiver.ServeHTTP(httptest.NewRecorder(), req)
	}()
	if n := store.Len(); n != 0 {
		t.Errorf("got %d stored keys after the abort, want 0 (claim released)", n)
	}
}

func TestReceiverMethodNotAllowed(t *testing.T) {
	fx := newReceiverFixture(t, nil)
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodHead} {
		req, _ := http.NewRequest(method, fx.server.URL, nil)
		resp, err := fx.server.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 {
			t.Errorf("%s: got status %d, want 405", method, resp.StatusCode)
		}
		if got := resp.Header.Get("Allow"); got != "POST" {
			t.Errorf("%s: got Allow %q, want POST", method, got)
		}
	}
}

// TestReceiverConcurrentDuplicates sends copies of one delivery while the
// first is still being handled: exactly one is handled, the others get 409
// with Retry-After, and a copy after completion gets 204.
func TestReceiverConcurrentDuplicates(t *testing.T) {
	const copies = 8
	entered := make(chan struct{})
	release := make(chan struct{})
	fx := newReceiverFixture(t, func(context.Context, *webhook.Delivery, []byte) error {
		close(entered)
		<-release
		return nil
	})
	header := fx.signed(t, "msg_1", testBody)

	first := make(chan response)
	go func() { first <- fx.post(t, header, bytes.NewReader(testBody)) }()
	<-entered

	var wg sync.WaitGroup
	statuses := make([]response, copies)
	for i := range statuses {
		wg.Go(func() { statuses[i] = fx.post(t, header, bytes.NewReader(testBody)) })
	}
	wg.Wait()
	close(release)

	if r := <-first; r.status != 204 {
		t.Errorf("first copy: got status %d, want 204", r.status)
	}
	for i, r := range statuses {
		if r.status != 409 {
			t.Errorf("copy %d: got status %d, want 409", i, r.status)
		}
		if r.header.Get("Retry-After") == "" {
			t.Errorf("copy %d: no Retry-After", i)
		}
	}
	if r := fx.post(t, header, bytes.NewReader(testBody)); r.status != 204 {
		t.Errorf("after completion: got status %d, want 204", r.status)
	}
	if n := fx.dispatcher.calls.Load(); n != 1 {
		t.Errorf("got %d handler calls, want 1", n)
	}
}

// TestReceiverLeaseExpires simulates a process that claimed a delivery and
// died: the copy is refused until the lease ends, then handled.
func TestReceiverLeaseExpires(t *testing.T) {
	fx := newReceiverFixture(t, nil)
	store := &webhook.MemoryReplayStore{}
	fx.receiver.Replay = store
	fx.receiver.Lease = 30 * time.Second
	if _, err := store.Claim(context.Background(), "msg_1", fx.clock.Now(), 30*time.Second); err != nil {
		t.Fatalf("Claim: %v", err)
	}

	if r := fx.deliver(t, "msg_1", testBody); r.status != 409 {
		t.Errorf("during the lease: got status %d, want 409", r.status)
	}
	fx.clock.Advance(30 * time.Second)
	if r := fx.deliver(t, "msg_1", testBody); r.status != 204 {
		t.Errorf("after the lease: got status %d, want 204", r.status)
	}
	if n := fx.dispatcher.calls.Load(); n != 1 {
		t.Errorf("got %d handler calls, want 1", n)
	}
}

func TestReceiverRetentionExpires(t *testing.T) {
	fx := newReceiverFixture(t, nil)
	fx.receiver.Retention = time.Hour
	fx.deliver(t, "msg_1", testBody)
	fx.clock.Advance(time.Hour - time.Second)
	fx.deliver(t, "msg_1", testBody)
	if n := fx.dispatcher.calls.Load(); n != 1 {
		t.Errorf("within retention: got %d handler calls, want 1", n)
	}
	fx.clock.Advance(time.Second)
	fx.deliver(t, "msg_1", testBody)
	if n := fx.dispatcher.calls.Load(); n != 2 {
		t.Errorf("after retention: got %d handler calls, want 2", n)
	}
}

func TestReceiverContext(t *testing.T) {
	var got *webhook.Delivery
	var deadline time.Time
	fx := newReceiverFixture(t, func(ctx context.Context, d *webhook.Delivery, _ []byte) error {
		got = webhook.DeliveryFromContext(ctx)
		deadline, _ = ctx.Deadline()
		return nil
	})
	fx.receiver.Lease = 10 * time.Second
	start := time.Now()
	fx.deliver(t, "msg_ctx", testBody)
	if got == nil || got.ID != "msg_ctx" {
		t.Errorf("got delivery %+v from context, want ID msg_ctx", got)
	}
	if deadline.IsZero() || deadline.Before(start) || deadline.After(time.Now().Add(10*time.Second)) {
		t.Errorf("got deadline %v, want within the 10 s lease", deadline)
	}
}

// failingStore is a ReplayStore whose methods fail on demand.
type failingStore struct {
	webhook.MemoryReplayStore
	claimErr, completeErr error
}

func (s *failingStore) Claim(ctx context.Context, key string, now time.Time, lease time.Duration) (string, error) {
	if s.claimErr != nil {
		return "", s.claimErr
	}
	return s.MemoryReplayStore.Claim(ctx, key, now, lease)
}

func (s *failingStore) Complete(ctx context.Context, key, token string, now time.Time, retention time.Duration) error {
	if s.completeErr != nil {
		return s.completeErr
	}
	return s.MemoryReplayStore.Complete(ctx, key, token, now, retention)
}

func TestReceiverStoreFailures(t *testing.T) {
	tests := []struct {
		name  string
		store *failingStore
		calls int32
	}{
		{"claim fails", &failingStore{claimErr: errors.New("connection refused")}, 0},
		{"store full", &failingStore{claimErr: webhook.ErrReplayStoreFull}, 0},
		{"complete fails", &failingStore{completeErr: errors.New("disk full")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newReceiverFixture(t, nil)
			fx.receiver.Replay = tt.store
			r := fx.deliver(t, "msg_1", testBody)
			if r.status != 503 {
				t.Errorf("got status %d, want 503", r.status)
			}
			if r.header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			if strings.Contains(r.body, "refused") || strings.Contains(r.body, "disk") {
				t.Errorf("body %q contains the store's error text", r.body)
			}
			if n := fx.dispatcher.calls.Load(); n != tt.calls {
				t.Errorf("got %d handler calls, want %d", n, tt.calls)
			}
		})
	}
}

func TestReceiverWithoutConfiguration(t *testing.T) {
	rec := httptest.NewRecorder()
	(&webhook.Receiver{}).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if rec.Code != 500 {
		t.Errorf("got status %d, want 500", rec.Code)
	}
}

func TestStatusCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 204},
		{webhook.ErrUnknownEvent, 202},
		{&webhook.VerifyError{Scheme: "x", Err: webhook.ErrMissingHeader}, 401},
		{webhook.ErrMalformedHeader, 401},
		{webhook.ErrInvalidSignature, 401},
		{webhook.ErrTimestampOutOfWindow, 401},
		{webhook.ErrMalformedPayload, 400},
		{webhook.ErrInvalidPayload, 422},
		{webhook.ErrBodyTooLarge, 413},
		{webhook.ErrMethodNotAllowed, 405},
		{webhook.ErrInFlight, 409},
		{webhook.ErrReplayStoreFull, 503},
		{fmt.Errorf("%w: x", webhook.ErrReplayStore), 503},
		{webhook.ErrInvalidKey, 500},
		{&webhook.PanicError{Value: 1}, 500},
		{errors.New("other"), 500},
	}
	for _, tt := range tests {
		if got := webhook.StatusCode(tt.err); got != tt.want {
			t.Errorf("StatusCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestDecodePayload(t *testing.T) {
	type payload struct {
		Count int32    `json:"count"`
		Tags  []string `json:"tags"`
	}
	var p payload
	if err := webhook.DecodePayload("order.paid", []byte(`{"count": 2.0, "tags": ["a"]}`), &p); err != nil {
		t.Fatalf("whole number written 2.0: %v", err)
	}
	if p.Count != 2 {
		t.Errorf("count = %d, want 2", p.Count)
	}
	for body, want := range map[string]int{
		`{"count": "2"}`:         http.StatusUnprocessableEntity,
		`{"tags": ["a", 1]}`:     http.StatusUnprocessableEntity,
		`{"count": 1e10}`:        http.StatusUnprocessableEntity,
		`{"count": 2`:            http.StatusBadRequest,
		`{"tags": ["a", "b"]} x`: http.StatusBadRequest,
	} {
		err := webhook.DecodePayload("order.paid", []byte(body), &payload{})
		if got := webhook.StatusCode(err); got != want {
			t.Errorf("DecodePayload(%s) = %v, status %d, want %d", body, err, got, want)
		}
	}
}

func TestReceiverListsInvalidValues(t *testing.T) {
	rc := &webhook.Receiver{
		Verifier: webhook.VerifierFunc(func([]byte, http.Header, time.Time) (webhook.Delivery, error) {
			return webhook.Delivery{ID: "msg_1"}, nil
		}),
		Dispatcher: webhook.DispatcherFunc(func(_ context.Context, _ *webhook.Delivery, body []byte) error {
			var p struct {
				Tags []string `json:"tags"`
			}
			return webhook.DecodePayload("order.paid", body, &p)
		}),
	}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"tags": ["a", 1]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Errors []struct {
			Pointer string `json:"pointer"`
			Detail  string `json:"detail"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status %d, want 422", resp.StatusCode)
	}
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/tags/1" || p.Errors[0].Detail != "must be a string, not number" {
		t.Errorf("errors = %+v, want one at /tags/1", p.Errors)
	}
}
