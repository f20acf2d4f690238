package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
)

// Credentials of the test servers.
const (
	testAPIKey      = "test-api-key"
	testBearer      = "test-bearer-token"
	testReadOnly    = "test-reader-token"
	testOrigin      = "https://app.example"
	testOtherOrigin = "https://evil.example"
)

// testConfig returns the configuration that most tests serve with: one
// credential of each kind, one CORS origin, loopback hosts, no rate limit.
func testConfig(t *testing.T) serveConfig {
	return serveConfig{
		Addr:         "127.0.0.1:0",
		DB:           filepath.Join(t.TempDir(), "petstore.db"),
		APIKeys:      []string{testAPIKey},
		BearerTokens: []string{testBearer},
		OAuthTokens:  map[string][]string{testReadOnly: {"pets:read"}},
		CORSOrigins:  []string{testOrigin},
		TrustedHosts: []string{"127.0.0.1", "localhost"},
		MaxBodyBytes: 1 << 20,
	}
}

// testServer is the serve subcommand running in this process, through the
// same serve function, on a loopback port.
type testServer struct {
	t    *testing.T
	url  string
	logs *logBuffer
}

// startServer runs serve with cfg until the test ends, and then checks
// that it shut down without error.
func startServer(t *testing.T, cfg serveConfig) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	logs := new(logBuffer)
	logger := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, ln, logger) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v, want nil after shutdown", err)
			}
		case <-time.After(shutdownTimeout + 5*time.Second):
			t.Errorf("serve did not return within %s of cancellation", shutdownTimeout+5*time.Second)
		}
	})
	return &testServer{t: t, url: "http://" + ln.Addr().String(), logs: logs}
}

// request is one HTTP request of a test.
type request struct {
	method string
	path   string
	body   string
	header map[string]string
	// host replaces the Host header when not empty.
	host string
}

// response is a received response with its whole body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req and returns the response. A request with a body gets
// Content-Type application/json unless req.header sets one.
func (ts *testServer) do(req request) response {
	ts.t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	hr, err := http.NewRequest(req.method, ts.url+req.path, body)
	if err != nil {
		ts.t.Fatalf("build request %s %s: %v", req.method, req.path, err)
	}
	if req.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	if req.host != "" {
		hr.Host = req.host
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatalf("read response of %s %s: %v", req.method, req.path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// createPet creates a pet from body with the bearer token and returns it
// with its ETag.
func (ts *testServer) createPet(body string) (api.Pet, string) {
	ts.t.Helper()
	resp := ts.do(request{method: "POST", path: "/pets", body: body, header: bearer(testBearer)})
	if resp.status != http.StatusCreated {
		ts.t.Fatalf("create pet: got status %d, want 201; body %s", resp.status, resp.body)
	}
	var p api.Pet
	decodeJSON(ts.t, resp.body, &p)
	return p, resp.header.Get("ETag")
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func apiKey(key string) map[string]string {
	return map[string]string{"X-API-Key": key}
}

// with returns h with the extra header pairs name, value, ... added.
func with(h map[string]string, pairs ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[pairs[i]] = pairs[i+1]
	}
	return out
}

// problemBody is an RFC 9457 problem as the server sends it.
type problemBody struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
		In        string `json:"in"`
		Detail    string `json:"detail"`
	} `json:"errors"`
}

// checkProblem checks that resp is a problem+json response with status
// want, and returns the problem.
func checkProblem(t *testing.T, resp response, want int) problemBody {
	t.Helper()
	if resp.status != want {
		t.Errorf("got status %d, want %d; body %s", resp.status, want, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("got Content-Type %q, want application/problem+json", ct)
	}
	var p problemBody
	decodeJSON(t, resp.body, &p)
	if p.Status != want {
		t.Errorf("got problem status %d, want %d", p.Status, want)
	}
	return p
}

func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// logBuffer is a bytes.Buffer that the server's log may write to while a
// test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
