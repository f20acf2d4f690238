package api

// This file is copied into every package that TestReceivers in
// generator/receiver_test.go generates. It reads testdata/deliveries.json,
// which that test writes: one valid delivery per webhook of the spec.
// recorder_test.go, also written by that test, declares one recorder
// method per webhook.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/webhook"
)

// testSecret is the key of every scheme in these tests. Standard Webhooks
// decodes it from base64; the other schemes use the string as bytes.
const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// Credentials that the test validators accept.
const (
	basicUser     = "sender"
	basicPassword = "s3cret"
	apiKey        = "key-0123"
	bearerToken   = "token-0123"
)

type deliverySuite struct {
	Scheme     string           `json:"scheme"`
	Security   []securityScheme `json:"security"`
	Deliveries []delivery       `json:"deliveries"`
	Unknown    delivery         `json:"unknown"`
}

type securityScheme struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Scheme string `json:"scheme"`
	In     string `json:"in"`
	Param  string `json:"param"`
}

type delivery struct {
	Webhook string            `json:"webhook"`
	Method  string            `json:"method"`
	Scheme  string            `json:"scheme"`
	Path    string            `json:"path"`
	Header  map[string]string `json:"header"`
	Body    string            `json:"body"`
	Source  string            `json:"source"`
	Secured bool              `json:"secured"`
	// KnownBug names a bug of the generated models that rejects the
	// payload, which skips the delivery.
	KnownBug string `json:"knownBug"`
}

func loadSuite(t testing.TB) *deliverySuite {
	t.Helper()
	data, err := os.ReadFile("testdata/deliveries.json")
	if err != nil {
		t.Fatal(err)
	}
	var s deliverySuite
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("decode deliveries.json: %v", err)
	}
	return &s
}

// recorder is the WebhookHandler of the tests. Each method records the
// call and then calls handle, when set.
type recorder struct {
	mu     sync.Mutex
	calls  []string
	events []any
	handle func(method string, event any) error
}

var _ WebhookHandler = (*recorder)(nil)

// record notes "method webhook-name", and flags a missing operation or
// delivery in the context.
func (r *recorder) record(ctx context.Context, method string, event any, d *webhook.Delivery) error {
	call := method
	if op, ok := middleware.OperationFrom(ctx); ok {
		call += " " + op.Name
	} else {
		call += " <no operation>"
	}
	if d == nil || webhook.DeliveryFromContext(ctx) != d {
		call += " <no delivery>"
	}
	r.mu.Lock()
	r.calls = append(r.calls, call)
	r.events = append(r.events, event)
	handle := r.handle
	r.mu.Unlock()
	if handle != nil {
		return handle(method, event)
	}
	return nil
}

// take returns the calls so far and clears them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	calls := r.calls
	r.calls, r.events = nil, nil
	return calls
}

// authenticator returns an Authenticator for the suite's security schemes,
// or nil when no webhook requires any.
func (s *deliverySuite) authenticator(t testing.TB) *middleware.Authenticator {
	t.Helper()
	if len(s.Security) == 0 {
		return nil
	}
	schemes := map[string]middleware.SecurityScheme{}
	validators := map[string]middleware.Validator{}
	for _, sc := range s.Security {
		schemes[sc.Name] = middleware.SecurityScheme{
			Type: middleware.SchemeType(sc.Type), Scheme: sc.Scheme, In: sc.In, Name: sc.Param,
		}
		switch {
		case sc.Type == "apiKey":
			validators[sc.Name] = middleware.APIKeyValidator(func(_ context.Context, key string) (string, error) {
				return check(key == apiKey, "key")
			})
		case sc.Type == "http" && sc.Scheme == "basic":
			validators[sc.Name] = middleware.BasicValidator(func(_ context.Context, user, password string) (string, error) {
				return check(user == basicUser && password == basicPassword, user)
			})
		default:
			validators[sc.Name] = middleware.TokenValidator(func(_ context.Context, token string) (string, []string, error) {
				p, err := check(token == bearerToken, "token")
				return p, nil, err
			})
		}
	}
	a, err := middleware.NewAuthenticator(middleware.AuthOptions{Schemes: schemes, Validators: validators})
	if err != nil {
		t.Fatalf("NewAuthenticator: %v", err)
	}
	return a
}

func check(ok bool, principal string) (string, error) {
	if !ok {
		return "", middleware.ErrInvalidCredentials
	}
	return principal, nil
}

// addCredentials adds the credentials of every scheme of the suite.
func (s *deliverySuite) addCredentials(req *http.Request) {
	for _, sc := range s.Security {
		switch {
		case sc.Type == "apiKey" && sc.In == "header":
			req.Header.Set(sc.Param, apiKey)
		case sc.Type == "apiKey" && sc.In == "query":
			q := req.URL.Query()
			q.Set(sc.Param, apiKey)
			req.URL.RawQuery = q.Encode()
		case sc.Type == "apiKey" && sc.In == "cookie":
			req.AddCookie(&http.Cookie{Name: sc.Param, Value: apiKey})
		case sc.Type == "http" && sc.Scheme == "basic":
			req.SetBasicAuth(basicUser, basicPassword)
		default:
			req.Header.Set("Authorization", "Bearer "+bearerToken)
		}
	}
}

// signer returns the signer of scheme with testSecret.
func signer(t testing.TB, scheme string) webhook.Signer {
	t.Helper()
	v, err := webhook.NewVerifier(scheme, testSecret)
	if err != nil {
		t.Fatalf("NewVerifier(%q): %v", scheme, err)
	}
	return v.(webhook.Signer)
}

// receiverOptions returns the options that the suite needs: an
// Authenticator and a verifier for each scheme besides the suite's.
func (s *deliverySuite) receiverOptions(t testing.TB) []webhook.RouterOption {
	t.Helper()
	var opts []webhook.RouterOption
	if a := s.authenticator(t); a != nil {
		opts = append(opts, webhook.WithAuthenticator(a))
	}
	var schemes []string
	for _, d := range s.Deliveries {
		if d.Scheme != s.Scheme && !slices.Contains(schemes, d.Scheme) {
			schemes = append(schemes, d.Scheme)
			v, err := webhook.NewVerifier(d.Scheme, testSecret)
			if err != nil {
				t.Fatal(err)
			}
			opts = append(opts, webhook.WithVerifier(d.Scheme, v))
		}
	}
	return opts
}

// newTestServer serves a receiver for h with the suite's options and
// extra ones.
func newTestServer(t testing.TB, s *deliverySuite, h WebhookHandler, extra ...webhook.RouterOption) *httptest.Server {
	t.Helper()
	v, err := NewWebhookVerifier(testSecret)
	if err != nil {
		t.Fatalf("NewWebhookVerifier: %v", err)
	}
	recv, err := NewReceiver(h, v, append(s.receiverOptions(t), extra...)...)
	if err != nil {
		t.Fatalf("NewReceiver: %v", err)
	}
	server := httptest.NewServer(recv)
	t.Cleanup(server.Close)
	return server
}

var deliveryCount atomic.Int64

// newID returns a message id that no other request of the test run uses.
func newID() string {
	return fmt.Sprintf("msg_%d", deliveryCount.Add(1))
}

// request returns the delivery as a request to server, signed at now with
// testSecret, with credentials when withCredentials is set.
func (d delivery) request(t testing.TB, s *deliverySuite, server *httptest.Server, body string, now time.Time, withCredentials bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, server.URL+d.Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := signer(t, d.Scheme).Sign(req.Header, newID(), now, []byte(d.Body)); err != nil {
		t.Fatalf("sign: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range d.Header {
		req.Header.Set(k, v)
	}
	if withCredentials {
		s.addCredentials(req)
	}
	return req
}

type response struct {
	status int
	body   string
}

func do(t testing.TB, server *httptest.Server, req *http.Request) response {
	t.Helper()
	resp, err := server.Client().Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(body)}
}

// TestReceiverRoutesEveryWebhook sends each webhook's delivery and checks
// that its handler method, and only that, ran once, and that a tampered
// copy and a copy without credentials are rejected.
func TestReceiverRoutesEveryWebhook(t *testing.T) {
	s := loadSuite(t)
	rec := &recorder{}
	server := newTestServer(t, s, rec)
	for _, d := range s.Deliveries {
		t.Run(d.Webhook, func(t *testing.T) {
			if d.KnownBug != "" {
				t.Skip(d.KnownBug)
			}
			now := time.Now()
			got := do(t, server, d.request(t, s, server, d.Body, now, true))
			if got.status != http.StatusNoContent {
				t.Fatalf("delivery (%s): status %d %s, want 204", d.Source, got.status, got.body)
			}
			if calls := rec.take(); !slices.Equal(calls, []string{d.Method + " " + d.Webhook}) {
				t.Errorf("calls %q, want [%s %s]", calls, d.Method, d.Webhook)
			}

			tampered := d.Body + " "
			if got := do(t, server, d.request(t, s, server, tampered, now, true)); got.status != http.StatusUnauthorized {
				t.Errorf("tampered body: status %d %s, want 401", got.status, got.body)
			}
			if d.Secured {
				if got := do(t, server, d.request(t, s, server, d.Body, now, false)); got.status != http.StatusUnauthorized {
					t.Errorf("no credentials: status %d %s, want 401", got.status, got.body)
				}
			}
			if calls := rec.take(); len(calls) > 0 {
				t.Errorf("rejected requests called %q", calls)
			}
		})
	}
}

// TestReceiverUnknownEvent sends a delivery that matches no webhook: 202
// without a fallback, and the fallback with one.
func TestReceiverUnknownEvent(t *testing.T) {
	s := loadSuite(t)
	rec := &recorder{}
	var fallbackCalls atomic.Int32
	fallback := webhook.DispatcherFunc(func(ctx context.Context, d *webhook.Delivery, body []byte) error {
		fallbackCalls.Add(1)
		return nil
	})
	plain := newTestServer(t, s, rec)
	withFallback := newTestServer(t, s, rec, webhook.WithFallback(fallback))

	u := s.Unknown
	if got := do(t, plain, u.request(t, s, plain, u.Body, time.Now(), true)); got.status != http.StatusAccepted {
		t.Errorf("without fallback: status %d %s, want 202", got.status, got.body)
	}
	if got := do(t, withFallback, u.request(t, s, withFallback, u.Body, time.Now(), true)); got.status != http.StatusNoContent {
		t.Errorf("with fallback: status %d %s, want 204", got.status, got.body)
	}
	if n := fallbackCalls.Load(); n != 1 {
		t.Errorf("fallback ran %d times, want once", n)
	}
	if u.Secured {
		if got := do(t, plain, u.request(t, s, plain, u.Body, time.Now(), false)); got.status != http.StatusUnauthorized {
			t.Errorf("unknown event without credentials: status %d %s, want 401", got.status, got.body)
		}
	}
	if calls := rec.take(); len(calls) > 0 {
		t.Errorf("unknown events called %q", calls)
	}
}

// unimplemented embeds UnimplementedWebhookHandler and implements nothing.
type unimplemented struct{ UnimplementedWebhookHandler }

// TestReceiverUnimplementedWebhook checks that a webhook without a method
// of its own goes to the fallback, with its Operation in the context.
func TestReceiverUnimplementedWebhook(t *testing.T) {
	s := loadSuite(t)
	var seen []string
	var mu sync.Mutex
	fallback := webhook.DispatcherFunc(func(ctx context.Context, d *webhook.Delivery, body []byte) error {
		op, _ := middleware.OperationFrom(ctx)
		mu.Lock()
		defer mu.Unlock()
		if op == nil {
			seen = append(seen, "<no operation>")
			return nil
		}
		seen = append(seen, op.Name)
		return nil
	})
	plain := newTestServer(t, s, unimplemented{})
	withFallback := newTestServer(t, s, unimplemented{}, webhook.WithFallback(fallback))
	d := s.Deliveries[0]
	if got := do(t, plain, d.request(t, s, plain, d.Body, time.Now(), true)); got.status != http.StatusAccepted {
		t.Errorf("without fallback: status %d %s, want 202", got.status, got.body)
	}
	if got := do(t, withFallback, d.request(t, s, withFallback, d.Body, time.Now(), true)); got.status != http.StatusNoContent {
		t.Errorf("with fallback: status %d %s, want 204", got.status, got.body)
	}
	if !slices.Equal(seen, []string{d.Webhook}) {
		t.Errorf("fallback saw operations %q, want [%s]", seen, d.Webhook)
	}
}
