package middleware

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/problem"
)

func TestNewCORSRejectsConfig(t *testing.T) {
	tests := []struct {
		name    string
		opts    CORSOptions
		wantErr string
	}{
		{"origin with path", CORSOptions{AllowedOrigins: []string{"https://app.example/"}}, "more than scheme, host and port"},
		{"origin without scheme", CORSOptions{AllowedOrigins: []string{"app.example"}}, "not an origin"},
		{"origin with default port", CORSOptions{AllowedOrigins: []string{"https://app.example:443"}}, "default port"},
		{"wildcard for every host", CORSOptions{AllowedOrigins: []string{"https://*"}}, "wildcard"},
		{"wildcard inside a name", CORSOptions{AllowedOrigins: []string{"https://app.*.example"}}, "wildcard"},
		{"method with a space", CORSOptions{AllowedMethods: []string{"GE T"}}, "method"},
		{"header with a space", CORSOptions{AllowedHeaders: []string{"X Custom"}}, "header"},
		{"exposed header with a colon", CORSOptions{ExposedHeaders: []string{"X:Total"}}, "exposed header"},
		{"redirect preflight status", CORSOptions{PreflightStatus: 301}, "not 2xx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCORS(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewCORSReportsEveryError(t *testing.T) {
	_, err := NewCORS(CORSOptions{AllowedOrigins: []string{"bad", "https://x.example/"}, AllowedMethods: []string{""}})
	if err == nil {
		t.Fatal("got nil error, want three problems reported")
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != 3 {
		t.Errorf("got %d reported problems in %q, want 3", got, err)
	}
}

// corsRequest builds a request with the given method and headers, sent
// through a CORS middleware in front of an application that sets
// X-Total-Count and responds "app".
func corsRequest(t *testing.T, opts CORSOptions, method string, headers ...string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	c, err := NewCORS(opts)
	if err != nil {
		t.Fatal(err)
	}
	reached := false
	h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		w.Header().Set("X-Total-Count", "7")
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "app")
	}))
	r := httptest.NewRequest(method, "/items", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w, reached
}

func TestCORSHeaders(t *testing.T) {
	app := "https://app.example"
	tests := []struct {
		name    string
		opts    CORSOptions
		method  string
		headers []string
		want    map[string]string // "" means absent
	}{
		{
			"static star on a request without Origin",
			CORSOptions{AllowedOrigins: []string{"*"}, ExposedHeaders: []string{"x-total-count"}},
			"GET", nil,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Total-Count", "Vary": ""},
		},
		{
			"exposed star without credentials",
			CORSOptions{AllowedOrigins: []string{app}, ExposedHeaders: []string{"*"}},
			"GET", []string{"Origin", app},
			map[string]string{"Access-Control-Expose-Headers": "*"},
		},
		{
			"exposed star with credentials lists the response headers",
			CORSOptions{AllowedOrigins: []string{app}, ExposedHeaders: []string{"*"}, AllowCredentials: true},
			"GET", []string{"Origin", app},
			map[string]string{"Access-Control-Expose-Headers": "Vary, X-Total-Count", "Access-Control-Allow-Credentials": "true"},
		},
		{
			"wildcard pattern with port",
			CORSOptions{AllowedOrigins: []string{"https://*.app.example:8443"}},
			"GET", []string{"Origin", "https://a.app.example:8443"},
			map[string]string{"Access-Control-Allow-Origin": "https://a.app.example:8443"},
		},
		{
			"wildcard pattern needs the port",
			CORSOptions{AllowedOrigins: []string{"https://*.app.example:8443"}},
			"GET", []string{"Origin", "https://a.app.example"},
			map[string]string{"Access-Control-Allow-Origin": ""},
		},
		{
			"wildcard pattern rejects an empty label",
			CORSOptions{AllowedOrigins: []string{"https://*.app.example"}},
			"GET", []string{"Origin", "https://a..app.example"},
			map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"},
		},
		{
			"wildcard pattern rejects another scheme",
			CORSOptions{AllowedOrigins: []string{"https://*.app.example"}},
			"GET", []string{"Origin", "http://a.app.example"},
			map[string]string{"Access-Control-Allow-Origin": ""},
		},
		{
			"configured origin is lowercased",
			CORSOptions{AllowedOrigins: []string{"https://App.Example"}},
			"GET", []string{"Origin", app},
			map[string]string{"Access-Control-Allow-Origin": app},
		},
		{
			"null listed explicitly",
			CORSOptions{AllowedOrigins: []string{"null"}},
			"GET", []string{"Origin", "null"},
			map[string]string{"Access-Control-Allow-Origin": "null"},
		},
		{
			"preflight max age rounds up",
			CORSOptions{AllowedOrigins: []string{app}, MaxAge: 1500 * time.Millisecond},
			"OPTIONS", []string{"Origin", app, "Access-Control-Request-Method", "GET"},
			map[string]string{"Access-Control-Max-Age": "2"},
		},
		{
			"preflight negative max age disables caching",
			CORSOptions{AllowedOrigins: []string{app}, MaxAge: -1},
			"OPTIONS", []string{"Origin", app, "Access-Control-Request-Method", "GET"},
			map[string]string{"Access-Control-Max-Age": "0"},
		},
		{
			"preflight any method is echoed",
			CORSOptions{AllowedOrigins: []string{app}, AllowedMethods: []string{"*"}},
			"OPTIONS", []string{"Origin", app, "Access-Control-Request-Method", "PURGE"},
			map[string]string{"Access-Control-Allow-Methods": "PURGE"},
		},
		{
			"preflight empty header list elements are ignored",
			CORSOptions{AllowedOrigins: []string{app}, AllowedHeaders: []string{"X-A"}},
			"OPTIONS", []string{"Origin", app, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", " , x-a,,"},
			map[string]string{"Access-Control-Allow-Headers": "x-a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := corsRequest(t, tt.opts, tt.method, tt.headers...)
			for name, want := range tt.want {
				if got := strings.Join(w.Header().Values(name), ", "); got != want {
					t.Errorf("got %s %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestCORSPreflightRejections(t *testing.T) {
	app := "https://app.example"
	opts := CORSOptions{AllowedOrigins: []string{app}, AllowedHeaders: []string{"X-A"}}
	tests := []struct {
		name       string
		headers    []string
		wantDetail string
	}{
		{"method not a token", []string{"Origin", app, "Access-Control-Request-Method", "GE T"}, `method "GE T"`},
		{"header name not a token", []string{"Origin", app, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x a"}, `header name "x a"`},
		{"header not allowed", []string{"Origin", app, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-a, x-b"}, `header "x-b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, reached := corsRequest(t, opts, "OPTIONS", tt.headers...)
			if w.Code != http.StatusForbidden {
				t.Errorf("got status %d, want 403", w.Code)
			}
			if reached {
				t.Error("got the application reached, want the preflight answered")
			}
			var p problem.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatalf("got undecodable body %q: %v", w.Body, err)
			}
			if !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("got detail %q, want one naming %s", p.Detail, tt.wantDetail)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("got Access-Control-Allow-Origin %q on a rejection, want none", got)
			}
		})
	}
}

func TestCORSPassthroughRejected(t *testing.T) {
	opts := CORSOptions{AllowedOrigins: []string{"https://app.example"}, PassthroughPreflight: true}
	w, reached := corsRequest(t, opts, "OPTIONS", "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
	if !reached {
		t.Error("got the application not reached, want the preflight passed through")
	}
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("got Access-Control-Allow-Origin %q, want none for a rejected origin", got)
	}
}

func TestCORSErrorHandler(t *testing.T) {
	var gotErr error
	opts := CORSOptions{
		AllowedOrigins: []string{"https://app.example"},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			gotErr = err
			w.WriteHeader(http.StatusTeapot)
		},
	}
	w, _ := corsRequest(t, opts, "OPTIONS", "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
	if w.Code != http.StatusTeapot {
		t.Errorf("got status %d, want the custom handler's 418", w.Code)
	}
	if !errors.Is(gotErr, ErrPreflightRejected) {
		t.Errorf("got error %v, want ErrPreflightRejected in its chain", gotErr)
	}
	if got := w.Header().Get("Vary"); !strings.Contains(got, "Origin") {
		t.Errorf("got Vary %q before the custom handler, want it set", got)
	}
}

func TestCORSAllowOriginFunc(t *testing.T) {
	var sawPath string
	opts := CORSOptions{AllowOriginFunc: func(r *http.Request, origin string) bool {
		sawPath = r.URL.Path
		return strings.HasSuffix(origin, ".tenant.example")
	}}
	w, _ := corsRequest(t, opts, "GET", "Origin", "https://acme.tenant.example")
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://acme.tenant.example" {
		t.Errorf("got Access-Control-Allow-Origin %q, want the origin", got)
	}
	if sawPath != "/items" {
		t.Errorf("got path %q in AllowOriginFunc, want the request's", sawPath)
	}
}

func TestAddVary(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		add      []string
		want     []string
	}{
		{"empty", nil, []string{"Origin"}, []string{"Origin"}},
		{"keeps others", []string{"Accept-Encoding"}, []string{"Origin"}, []string{"Accept-Encoding", "Origin"}},
		{"no duplicate in any case", []string{"accept-encoding, origin"}, []string{"Origin", "Access-Control-Request-Method"}, []string{"accept-encoding, origin", "Access-Control-Request-Method"}},
		{"star covers all", []string{"*"}, []string{"Origin"}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.existing {
				h.Add("Vary", v)
			}
			addVary(h, tt.add...)
			if got := h.Values("Vary"); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got Vary %q, want %q", got, tt.want)
			}
		})
	}
}
