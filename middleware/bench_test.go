package middleware

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
)

// The benchmarks measure the per-request cost of each middleware around a
// handler that does nothing, with requests built once up front. They set
// no goals: run them with -benchmem and compare revisions.

var noopHandler = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

// discardWriter is a ResponseWriter that keeps nothing, so benchmarks
// measure the middleware rather than httptest.ResponseRecorder.
type discardWriter struct{ header http.Header }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) reset()                      { clear(w.header) }

func benchServe(b *testing.B, h http.Handler, r *http.Request) {
	b.Helper()
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, r)
	}
}

func BenchmarkCORS(b *testing.B) {
	c, err := NewCORS(CORSOptions{
		AllowedOrigins: []string{"https://app.example", "https://*.tenant.example"},
		AllowedMethods: []string{"PUT", "DELETE"},
		AllowedHeaders: []string{"Authorization", "Content-Type"},
		ExposedHeaders: []string{"X-Total-Count"},
		MaxAge:         600e9,
	})
	if err != nil {
		b.Fatal(err)
	}
	h := c.Handler(noopHandler)
	requests := map[string]*http.Request{
		"actual":    httptest.NewRequest("GET", "/items", nil),
		"wildcard":  httptest.NewRequest("GET", "/items", nil),
		"preflight": httptest.NewRequest("OPTIONS", "/items", nil),
		"no origin": httptest.NewRequest("GET", "/items", nil),
	}
	requests["actual"].Header.Set("Origin", "https://app.example")
	requests["wildcard"].Header.Set("Origin", "https://acme.tenant.example")
	requests["preflight"].Header.Set("Origin", "https://app.example")
	requests["preflight"].Header.Set("Access-Control-Request-Method", "PUT")
	requests["preflight"].Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	for _, name := range []string{"actual", "wildcard", "preflight", "no origin"} {
		b.Run(name, func(b *testing.B) { benchServe(b, h, requests[name]) })
	}
}

func BenchmarkTrustedHosts(b *testing.B) {
	th, err := NewTrustedHosts(TrustedHostsOptions{AllowedHosts: []string{"api.example.com", "*.apps.example.com", "[::1]"}})
	if err != nil {
		b.Fatal(err)
	}
	h := th.Handler(noopHandler)
	for _, host := range []string{"api.example.com:443", "a.b.apps.example.com", "[::1]:8080"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		b.Run(host, func(b *testing.B) { benchServe(b, h, r) })
	}
}

func BenchmarkRateLimiter(b *testing.B) {
	b.Run("one client", func(b *testing.B) {
		rl, _ := NewRateLimiter(RateLimitOptions{RequestsPerSecond: 1e9, Burst: 1e9})
		r := httptest.NewRequest("GET", "/", nil)
		benchServe(b, rl.Handler(noopHandler), r)
	})
	b.Run("many clients", func(b *testing.B) {
		rl, _ := NewRateLimiter(RateLimitOptions{RequestsPerSecond: 10, Burst: 10, MaxClients: 10_000})
		h := rl.Handler(noopHandler)
		requests := make([]*http.Request, 50_000) // five times MaxClients, so eviction runs
		for i := range requests {
			requests[i] = httptest.NewRequest("GET", "/", nil)
			addr := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			requests[i].RemoteAddr = addr.String() + ":1"
		}
		w := &discardWriter{header: http.Header{}}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			w.reset()
			h.ServeHTTP(w, requests[i%len(requests)])
			i++
		}
	})
	b.Run("parallel clients", func(b *testing.B) {
		rl, _ := NewRateLimiter(RateLimitOptions{RequestsPerSecond: 1e9, Burst: 1e9})
		h := rl.Handler(noopHandler)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			w := &discardWriter{header: http.Header{}}
			r := httptest.NewRequest("GET", "/", nil)
			n := 0
			for pb.Next() {
				r.RemoteAddr = "192.0.2." + strconv.Itoa(n%200) + ":1"
				w.reset()
				h.ServeHTTP(w, r)
				n++
			}
		})
	})
}

func BenchmarkAuthenticator(b *testing.B) {
	a, err := NewAuthenticator(AuthOptions{
		Schemes: map[string]SecurityScheme{
			"bearer": {Type: SchemeHTTP, Scheme: "bearer"},
			"key":    {Type: SchemeAPIKey, In: "header", Name: "X-API-Key"},
		},
		Validators: map[string]Validator{
			"bearer": TokenValidator(func(_ context.Context, token string) (string, []string, error) {
				return "user", []string{"read"}, nil
			}),
			"key": APIKeyValidator(func(_ context.Context, key string) (string, error) { return "user", nil }),
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	security := []SecurityRequirement{{"key": nil}, {"bearer": {"read"}}}
	h := a.Require(security)(noopHandler)

	bearer := httptest.NewRequest("GET", "/", nil)
	bearer.Header.Set("Authorization", "Bearer abc.def.ghi")
	missing := httptest.NewRequest("GET", "/", nil)
	b.Run("second alternative", func(b *testing.B) { benchServe(b, h, bearer) })
	b.Run("rejected", func(b *testing.B) { benchServe(b, h, missing) })
}

func BenchmarkRecorder(b *testing.B) {
	body := []byte(`{"id":7,"name":"rex"}`)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	r := httptest.NewRequest("GET", "/", nil)
	b.Run("pass-through", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := NewRecorder(w, RecorderOptions{})
			handler.ServeHTTP(rec.Writer(), r)
		})
		benchServe(b, h, r)
	})
	b.Run("rewrite", func(b *testing.B) {
		rw := &ResponseRewriter{Rewrite: func(r *http.Request, rec *Recorder) error {
			rec.SetBody(rec.Body())
			return nil
		}}
		benchServe(b, rw.Handler(handler), r)
	})
}

func BenchmarkRequestRewriter(b *testing.B) {
	rr := &RequestRewriter{Rewrite: func(r *http.Request, body []byte) ([]byte, error) { return body, nil }}
	h := rr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	payload := make([]byte, 4096)
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(payload))
		h.ServeHTTP(w, r)
	}
}
