package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/webhook"
)

// routerCalls records which dispatch functions a Router called.
type routerCalls struct {
	mu    sync.Mutex
	calls []string
}

func (c *routerCalls) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, s)
}

func (c *routerCalls) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

var (
	createdOp  = &middleware.Operation{ID: "created", Method: "POST", Webhook: true, Name: "thing.created"}
	deletedOp  = &middleware.Operation{ID: "deleted", Method: "POST", Webhook: true, Name: "thing.deleted"}
	securedOp  = &middleware.Operation{ID: "secured", Method: "POST", Webhook: true, Name: "secured", Security: []middleware.SecurityRequirement{{"basic": nil}}}
	githubOnly = &middleware.Operation{ID: "ping", Method: "POST", Webhook: true, Name: "ping"}
)

// testRoutes routes by the X-Event header: "thing" contains two webhooks
// distinguished by the payload's "action", "secured" needs basic credentials, and
// "ping" is signed with the GitHub scheme. Webhook "thing.deleted" returns
// ErrUnknownEvent, as an unimplemented handler method does.
func testRoutes(calls *routerCalls) webhook.Routes {
	record := func(name string, err error) webhook.DispatcherFunc {
		return func(ctx context.Context, d *webhook.Delivery, body []byte) error {
			op, _ := middleware.OperationFrom(ctx)
			opName := "<none>"
			if op != nil {
				opName = op.Name
			}
			calls.add(fmt.Sprintf("%s op=%s id=%s", name, opName, d.ID))
			return err
		}
	}
	return webhook.Routes{
		Scheme: webhook.SchemeStandardWebhooks,
		Webhooks: []webhook.Route{
			{Operation: createdOp, Dispatch: record("created", nil)},
			{Operation: deletedOp, Dispatch: record("deleted", fmt.Errorf("%w: not implemented", webhook.ErrUnknownEvent))},
			{Operation: securedOp, Dispatch: record("secured", nil)},
			{Operation: githubOnly, Dispatch: record("ping", nil)},
		},
		Groups: []webhook.RouteGroup{
			{},
			{Operation: securedOp, Security: securedOp.Security},
			{Operation: githubOnly, Scheme: webhook.SchemeGitHub},
		},
		Request: func(r *http.Request) int {
			switch r.Header.Get("X-Event") {
			case "thing":
				return 0
			case "secured":
				return 1
			case "ping":
				return 2
			}
			return -1
		},
		Payload: func(g int, body []byte) (int, error) {
			if g != 0 {
				return g + 1, nil
			}
			var keys struct {
				Action webhook.RouteKey `json:"action"`
			}
			if err := webhook.DecodeRouteKeys(body, &keys); err != nil {
				return -1, err
			}
			switch keys.Action {
			case "created":
				return 0, nil
			case "deleted":
				return 1, nil
			}
			return -1, nil
		},
	}
}

type routerFixture struct {
	server  *httptest.Server
	signer  *webhook.StandardWebhooks
	github  *webhook.GitHub
	calls   *routerCalls
	hooked  *routerCalls
	clock   *testClock
	counter int
}

func newRouterFixture(t *testing.T, opts ...webhook.RouterOption) *routerFixture {
	t.Helper()
	fx := &routerFixture{
		signer: &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}},
		github: &webhook.GitHub{Secrets: [][]byte{testSecret}},
		calls:  &routerCalls{},
		hooked: &routerCalls{},
		clock:  newTestClock(testNow),
	}
	auth, err := middleware.NewAuthenticator(middleware.AuthOptions{
		Schemes: map[string]middleware.SecurityScheme{"basic": {Type: middleware.SchemeHTTP, Scheme: "basic"}},
		Validators: map[string]middleware.Validator{"basic": middleware.BasicValidator(func(_ context.Context, user, password string) (string, error) {
			if user != "sender" || password != "s3cret" {
				return "", middleware.ErrInvalidCredentials
			}
			return user, nil
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	all := append([]webhook.RouterOption{
		webhook.WithAuthenticator(auth),
		webhook.WithVerifier(webhook.SchemeGitHub, &webhook.GitHub{Secrets: [][]byte{testSecret}}),
		webhook.WithErrorHook(func(_ *http.Request, err error) { fx.hooked.add(err.Error()) }),
		webhook.WithReceiver(func(rc *webhook.Receiver) { rc.Now = fx.clock.Now }),
		webhook.WithMaxBodyBytes(256),
	}, opts...)
	rt, err := webhook.NewRouter(testRoutes(fx.calls), &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}}, all...)
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	fx.server = httptest.NewServer(rt)
	t.Cleanup(fx.server.Close)
	return fx
}

// send posts body with the event header, signed by signer, and returns
// the status.
func (fx *routerFixture) send(t *testing.T, event string, signer webhook.Signer, body string, extra ...string) int {
	t.Helper()
	fx.counter++
	header := sign(t, signer, fmt.Sprintf("msg_%d", fx.counter), fx.clock.Now(), []byte(body))
	header.Set("X-Event", event)
	for i := 0; i+1 < len(extra); i += 2 {
		header.Set(extra[i], extra[i+1])
	}
	req, err := http.NewRequest(http.MethodPost, fx.server.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := fx.server.Client().Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRouterRoutes(t *testing.T) {
	basic := "Basic c2VuZGVyOnMzY3JldA==" // sender:s3cret
	tests := []struct {
		name      string
		event     string
		body      string
		github    bool
		extra     []string
		want      int
		wantCalls []string
	}{
		{"payload picks webhook", "thing", `{"action":"created"}`, false, nil, 204, []string{"created op=thing.created id=msg_1"}},
		{"unimplemented webhook", "thing", `{"action":"deleted"}`, false, nil, 202, []string{"deleted op=thing.deleted id=msg_1"}},
		{"unknown property value", "thing", `{"action":"archived"}`, false, nil, 202, nil},
		{"property of other type", "thing", `{"action":7}`, false, nil, 202, nil},
		{"payload not an object", "thing", `[1]`, false, nil, 400, nil},
		{"unknown header value", "other", `{}`, false, nil, 202, nil},
		{"group security met", "secured", `{}`, false, []string{"Authorization", basic}, 204, []string{"secured op=secured id=msg_1"}},
		{"group security unmet", "secured", `{}`, false, nil, 401, nil},
		{"group scheme github", "ping", `{}`, true, nil, 204, []string{"ping op=ping id=msg_1"}},
		{"group scheme mismatch", "ping", `{}`, false, nil, 401, nil},
		{"body over limit", "thing", `{"action":"created","pad":"` + strings.Repeat("x", 300) + `"}`, false, nil, 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newRouterFixture(t)
			var signer webhook.Signer = fx.signer
			if tt.github {
				signer = fx.github
			}
			if got := fx.send(t, tt.event, signer, tt.body, tt.extra...); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
			if got := strings.Join(fx.calls.take(), "; "); got != strings.Join(tt.wantCalls, "; ") {
				t.Errorf("calls %q, want %q", got, tt.wantCalls)
			}
		})
	}
}

func TestRouterFallback(t *testing.T) {
	var fallbackCalls routerCalls
	fallback := webhook.DispatcherFunc(func(ctx context.Context, d *webhook.Delivery, body []byte) error {
		op, ok := middleware.OperationFrom(ctx)
		name := "<none>"
		if ok {
			name = op.Name
		}
		fallbackCalls.add(name + " " + string(body))
		if bytes.Contains(body, []byte("decline")) {
			return webhook.ErrUnknownEvent
		}
		return nil
	})
	fx := newRouterFixture(t, webhook.WithFallback(fallback))

	tests := []struct {
		event, body string
		want        int
		wantCall    string
	}{
		{"thing", `{"action":"archived"}`, 204, `<none> {"action":"archived"}`},
		{"nothing", `{}`, 204, `<none> {}`},
		{"thing", `{"action":"deleted"}`, 204, `thing.deleted {"action":"deleted"}`},
		{"thing", `{"action":"decline"}`, 202, `<none> {"action":"decline"}`},
	}
	for _, tt := range tests {
		if got := fx.send(t, tt.event, fx.signer, tt.body); got != tt.want {
			t.Errorf("%s %s: status %d, want %d", tt.event, tt.body, got, tt.want)
		}
		if got := strings.Join(fallbackCalls.take(), "; "); got != tt.wantCall {
			t.Errorf("%s %s: fallback calls %q, want %q", tt.event, tt.body, got, tt.wantCall)
		}
	}
}

func TestRouterErrorHook(t *testing.T) {
	fx := newRouterFixture(t)
	fx.send(t, "thing", fx.signer, `{"action":"archived"}`)
	fx.send(t, "thing", fx.signer, `{"action":`)
	fx.send(t, "thing", fx.github, `{}`)
	got := fx.hooked.take()
	want := []string{"unknown event", "malformed payload", "verify standard-webhooks signature"}
	if len(got) != len(want) {
		t.Fatalf("hook saw %q, want %d errors", got, len(want))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("hook error %d is %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

func TestRouterErrorHandler(t *testing.T) {
	var statuses []int
	handler := func(w http.ResponseWriter, r *http.Request, err error) {
		statuses = append(statuses, webhook.StatusCode(err))
		w.WriteHeader(http.StatusTeapot)
	}
	fx := newRouterFixture(t, webhook.WithErrorHandler(handler))
	if got := fx.send(t, "thing", fx.signer, `{"action":`); got != http.StatusTeapot {
		t.Errorf("status %d, want %d from the error handler", got, http.StatusTeapot)
	}
	if len(statuses) != 1 || statuses[0] != http.StatusBadRequest {
		t.Errorf("error handler saw statuses %v, want [400]", statuses)
	}
}

func TestRouterSharedReplayStore(t *testing.T) {
	store := &webhook.MemoryReplayStore{}
	fx := newRouterFixture(t, webhook.WithReplayStore(store))
	body := []byte(`{"action":"created"}`)
	header := sign(t, fx.signer, "msg_same", fx.clock.Now(), body)
	for i, event := range []string{"thing", "thing", "nothing"} {
		req, _ := http.NewRequest(http.MethodPost, fx.server.URL, bytes.NewReader(body))
		req.Header = header.Clone()
		req.Header.Set("X-Event", event)
		resp, err := fx.server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("copy %d to %s: status %d, want 204", i+1, event, resp.StatusCode)
		}
	}
	if got := len(fx.calls.take()); got != 1 {
		t.Errorf("handled %d times, want once", got)
	}
	if store.Len() != 1 {
		t.Errorf("store holds %d keys, want 1", store.Len())
	}
}

func TestNewRouterRejects(t *testing.T) {
	calls := &routerCalls{}
	v := &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}}
	noAuth := []webhook.RouterOption{webhook.WithVerifier(webhook.SchemeGitHub, v)}
	tests := []struct {
		name   string
		routes func() webhook.Routes
		v      webhook.Verifier
		opts   []webhook.RouterOption
		want   string
	}{
		{"missing verifier", func() webhook.Routes { return testRoutes(calls) }, nil, nil, "missing verifier"},
		{"no groups", func() webhook.Routes { r := testRoutes(calls); r.Groups = nil; return r }, v, nil, "no route groups"},
		{"several groups without Request", func() webhook.Routes { r := testRoutes(calls); r.Request = nil; return r }, v, nil, "no Request function"},
		{"no Payload", func() webhook.Routes { r := testRoutes(calls); r.Payload = nil; return r }, v, nil, "no Payload function"},
		{"route without Dispatch", func() webhook.Routes { r := testRoutes(calls); r.Webhooks[2].Dispatch = nil; return r }, v, nil, "webhook 2 has no Dispatch"},
		{"scheme without verifier", func() webhook.Routes { return testRoutes(calls) }, v, []webhook.RouterOption{webhook.WithAuthenticator(&middleware.Authenticator{})}, `webhook "ping": no verifier for the github signature scheme`},
		{"security without Authenticator", func() webhook.Routes { return testRoutes(calls) }, v, noAuth, `webhook "secured": security requirements declared but no Authenticator`},
		{"Authenticator without validator", func() webhook.Routes { return testRoutes(calls) }, v, append(noAuth, webhook.WithAuthenticator(emptyAuthenticator(t))), `security scheme "basic" is not defined`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.NewRouter(tt.routes(), tt.v, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewRouter error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func emptyAuthenticator(t *testing.T) *middleware.Authenticator {
	a, err := middleware.NewAuthenticator(middleware.AuthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRouteKey(t *testing.T) {
	tests := []struct {
		body    string
		want    string
		wantErr bool
	}{
		{`{"type":"a.b"}`, "a.b", false},
		{`{"type":"\u0061"}`, "a", false},
		{`{"type":"a\"b"}`, `a"b`, false},
		{"{\"type\":\"\xff\"}", "\ufffd", false},
		{`{"TYPE":"upper"}`, "", false}, // names match exactly; the decoded payload's Validate rejects it
		{`{"type":"first","type":"last"}`, "last", false},
		{`{"type":null}`, "", false},
		{`{"type":{"nested":"x"}}`, "", false},
		{`{"type":["x"]}`, "", false},
		{`{"type":1.5}`, "", false},
		{`{}`, "", false},
		{`null`, "", false},
		{`[]`, "", true},
		{`"type"`, "", true},
		{`{"type":`, "", true},
		{``, "", true},
	}
	for _, tt := range tests {
		var keys struct {
			Type webhook.RouteKey `json:"type"`
		}
		err := webhook.DecodeRouteKeys([]byte(tt.body), &keys)
		if (err != nil) != tt.wantErr {
			t.Errorf("DecodeRouteKeys(%s) error %v, want error %v", tt.body, err, tt.wantErr)
		}
		if err != nil && !errors.Is(err, webhook.ErrMalformedPayload) {
			t.Errorf("DecodeRouteKeys(%s) error %v does not wrap ErrMalformedPayload", tt.body, err)
		}
		if err == nil && string(keys.Type) != tt.want {
			t.Errorf("DecodeRouteKeys(%s) = %q, want %q", tt.body, keys.Type, tt.want)
		}
	}
}

func TestNewVerifier(t *testing.T) {
	body := []byte(`{"ok":true}`)
	keys := map[string]string{
		webhook.SchemeStandardWebhooks: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		webhook.SchemeGitHub:           "gh-secret",
		webhook.SchemeStripe:           "whsec_stripe",
		webhook.SchemeSlack:            "slack-secret",
		webhook.SchemeShopify:          "shopify-secret",
	}
	for scheme, key := range keys {
		t.Run(scheme, func(t *testing.T) {
			v, err := webhook.NewVerifier(scheme, key)
			if err != nil {
				t.Fatalf("NewVerifier: %v", err)
			}
			signer, ok := v.(webhook.Signer)
			if !ok {
				t.Fatalf("verifier %T is not a Signer", v)
			}
			header := sign(t, signer, "msg_1", testNow, body)
			if _, err := v.Verify(body, header, testNow); err != nil {
				t.Errorf("Verify own signature: %v", err)
			}
			var ve *webhook.VerifyError
			if _, err := v.Verify(append(body, ' '), header, testNow); !errors.As(err, &ve) || ve.Scheme != scheme {
				t.Errorf("Verify tampered body: error %v, want a VerifyError of scheme %s", err, scheme)
			}
		})
	}

	for _, tt := range []struct {
		scheme string
		keys   []string
		want   string
	}{
		{"hmac", []string{"k"}, `unknown signature scheme "hmac"`},
		{webhook.SchemeGitHub, nil, "no secret given"},
		{webhook.SchemeSlack, []string{"a", ""}, "secret 2 of 2"},
		{webhook.SchemeStandardWebhooks, []string{"whsec_!!"}, "invalid key"},
	} {
		v, err := webhook.NewVerifier(tt.scheme, tt.keys...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || v != nil {
			t.Errorf("NewVerifier(%q, %q) = %v, %v; want nil and an error containing %q", tt.scheme, tt.keys, v, err, tt.want)
		}
	}
}

// TestRouterTimestampWindow checks that WithReceiver reaches the
// receivers: their clock decides the window.
func TestRouterTimestampWindow(t *testing.T) {
	fx := newRouterFixture(t)
	fx.clock.Advance(-time.Hour)
	if got := fx.send(t, "thing", fx.signer, `{"action":"created"}`); got != 204 {
		t.Fatalf("status %d, want 204", got)
	}
	header := sign(t, fx.signer, "msg_old", fx.clock.Now().Add(-10*time.Minute), []byte(`{}`))
	header.Set("X-Event", "thing")
	req, _ := http.NewRequest(http.MethodPost, fx.server.URL, strings.NewReader(`{}`))
	req.Header = header
	resp, err := fx.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != 401 || !strings.Contains(fmt.Sprint(p["detail"]), "timestamp") {
		t.Errorf("stale delivery: status %d, detail %v; want 401 about the timestamp", resp.StatusCode, p["detail"])
	}
}

// FuzzRouteKey checks that DecodeRouteKeys reads the member named exactly
// "type" as encoding/json decodes that member into a string (the last one
// when it repeats), stays empty for other types, and rejects what
// encoding/json rejects.
func FuzzRouteKey(f *testing.F) {
	for _, seed := range []string{`{"type":"a.b"}`, `{"type":"\u00e9\n"}`, "{\"type\":\"\xff\"}", `{"type":7}`, `{"Type":"x","type":"y"}`, `[]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var keys struct {
			Type webhook.RouteKey `json:"type"`
		}
		var plain map[string]any
		keyErr := webhook.DecodeRouteKeys(body, &keys)
		plainErr := json.Unmarshal(body, &plain)
		if (keyErr == nil) != (plainErr == nil) {
			t.Fatalf("DecodeRouteKeys error %v, json.Unmarshal error %v", keyErr, plainErr)
		}
		if keyErr != nil {
			return
		}
		want, _ := plain["type"].(string)
		if string(keys.Type) != want {
			t.Fatalf("RouteKey %q, encoding/json %q", keys.Type, want)
		}
	})
}
