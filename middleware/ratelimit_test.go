package middleware

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whgen/whgen/problem"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	tests := []struct {
		name    string
		remote  string
		xff     []string
		trusted []netip.Prefix
		want    string
		wantErr bool
	}{
		{"IPv4 peer", "203.0.113.7:5555", nil, nil, "203.0.113.7", false},
		{"IPv6 peer", "[2001:db8::1]:443", nil, nil, "2001:db8::1", false},
		{"peer without port", "203.0.113.7", nil, nil, "203.0.113.7", false},
		{"IPv4-mapped peer", "[::ffff:203.0.113.7]:1", nil, nil, "203.0.113.7", false},
		{"peer with zone", "[fe80::1%eth0]:1", nil, nil, "fe80::1", false},
		{"unix socket peer", "@", nil, nil, "", true},
		{"forwarded from untrusted peer is ignored", "203.0.113.7:1", []string{"192.0.2.99"}, proxies, "203.0.113.7", false},
		{"forwarded without trusted proxies is ignored", "10.0.0.1:1", []string{"192.0.2.99"}, nil, "10.0.0.1", false},
		{"rightmost untrusted entry", "10.0.0.1:1", []string{"198.51.100.1, 192.0.2.5, 10.1.1.1"}, proxies, "192.0.2.5", false},
		{"spoofed left entries are skipped", "10.0.0.1:1", []string{"1.2.3.4", "192.0.2.5"}, proxies, "192.0.2.5", false},
		{"all entries trusted", "10.0.0.1:1", []string{"10.2.2.2, 10.3.3.3"}, proxies, "10.2.2.2", false},
		{"no header from a trusted peer", "10.0.0.1:1", nil, proxies, "10.0.0.1", false},
		{"unknown entry falls back to its hop", "10.0.0.1:1", []string{"198.51.100.1, unknown, 10.9.9.9"}, proxies, "10.9.9.9", false},
		{"entries with ports", "10.0.0.1:1", []string{"[2001:db8::7]:4711, 192.0.2.5:80"}, proxies, "192.0.2.5", false},
		{"trusted IPv6 proxy", "[2001:db8:ffff::1]:1", []string{"2001:db8:1::9"}, proxies, "2001:db8:1::9", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got, err := ClientIP(r, tt.trusted)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got.String() != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestKeyByIP(t *testing.T) {
	key := KeyByIP(nil)
	tests := []struct {
		remote, want string
	}{
		{"203.0.113.7:1", "203.0.113.7"},
		{"[2001:db8:1:2:aaaa::1]:1", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9]:1", "2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:1", "2001:db8:1:3::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			got, err := key(r)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestNewRateLimiterRejectsConfig(t *testing.T) {
	tests := []struct {
		name string
		opts RateLimitOptions
	}{
		{"zero rate", RateLimitOptions{}},
		{"negative rate", RateLimitOptions{RequestsPerSecond: -1}},
		{"NaN rate", RateLimitOptions{RequestsPerSecond: math.NaN()}},
		{"infinite rate", RateLimitOptions{RequestsPerSecond: math.Inf(1)}},
		{"negative burst", RateLimitOptions{RequestsPerSecond: 1, Burst: -1}},
		{"negative max clients", RateLimitOptions{RequestsPerSecond: 1, MaxClients: -1}},
		{"non-ASCII policy name", RateLimitOptions{RequestsPerSecond: 1, PolicyName: "päid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewRateLimiter(tt.opts); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

// fakeClock is a settable clock for the limiter.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func newTestLimiter(t *testing.T, opts RateLimitOptions) (*RateLimiter, *fakeClock) {
	t.Helper()
	rl, err := NewRateLimiter(opts)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	rl.now = clock.Now
	return rl, clock
}

func limitedRequest(h http.Handler, remote string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRateLimiterRefill(t *testing.T) {
	// 2 requests per second, bucket of 3.
	rl, clock := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 2, Burst: 3, PolicyName: `api "v1"`})
	h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	steps := []struct {
		advance        time.Duration
		wantStatus     int
		wantRateLimit  string
		wantRetryAfter string
	}{
		{0, 200, `"api \"v1\"";r=2;t=1`, ""},
		{0, 200, `"api \"v1\"";r=1;t=1`, ""},
		{0, 200, `"api \"v1\"";r=0;t=2`, ""},
		{0, 429, `"api \"v1\"";r=0;t=2`, "1"},
		{100 * time.Millisecond, 429, `"api \"v1\"";r=0;t=2`, "1"},
		{400 * time.Millisecond, 200, `"api \"v1\"";r=0;t=2`, ""},
		{10 * time.Second, 200, `"api \"v1\"";r=2;t=1`, ""},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		w := limitedRequest(h, "203.0.113.7:1")
		if w.Code != s.wantStatus {
			t.Errorf("step %d: got status %d, want %d", i, w.Code, s.wantStatus)
		}
		if got := w.Header().Get("RateLimit"); got != s.wantRateLimit {
			t.Errorf("step %d: got RateLimit %q, want %q", i, got, s.wantRateLimit)
		}
		if got := w.Header().Get("Retry-After"); got != s.wantRetryAfter {
			t.Errorf("step %d: got Retry-After %q, want %q", i, got, s.wantRetryAfter)
		}
		if got := w.Header().Get("RateLimit-Policy"); got != `"api \"v1\"";q=3;w=2` {
			t.Errorf("step %d: got RateLimit-Policy %q, want %q", i, got, `"api \"v1\"";q=3;w=2`)
		}
	}
}

func TestRateLimiterRejection(t *testing.T) {
	var gotErr error
	rl, _ := newTestLimiter(t, RateLimitOptions{
		RequestsPerSecond: 1.0 / 90, Burst: 1,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			gotErr = err
			WriteProblem(w, r, err)
		},
	})
	h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	limitedRequest(h, "203.0.113.7:1")
	w := limitedRequest(h, "203.0.113.7:1")

	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("got status %d, want 429", w.Code)
	}
	if got := w.Header().Get("Retry-After"); got != "90" {
		t.Errorf("got Retry-After %q, want %q", got, "90")
	}
	if !errors.Is(gotErr, ErrRateLimited) {
		t.Errorf("got error %v, want ErrRateLimited in its chain", gotErr)
	}
	if !strings.Contains(problem.From(gotErr).Detail, "retry after 90 seconds") {
		t.Errorf("got detail %q, want the retry delay", problem.From(gotErr).Detail)
	}
}

func TestRateLimiterDefaultBurst(t *testing.T) {
	tests := []struct {
		rps       float64
		wantBurst int
	}{
		{0.1, 1},
		{1, 1},
		{2.5, 3},
	}
	for _, tt := range tests {
		rl, err := NewRateLimiter(RateLimitOptions{RequestsPerSecond: tt.rps})
		if err != nil {
			t.Fatal(err)
		}
		if rl.burst != tt.wantBurst {
			t.Errorf("rate %v: got burst %d, want %d", tt.rps, rl.burst, tt.wantBurst)
		}
	}
}

func TestRateLimiterIPv6Prefix(t *testing.T) {
	rl, _ := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 1.0 / 60, Burst: 1})
	h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tests := []struct {
		remote     string
		wantStatus int
	}{
		{"[2001:db8:1:2::1]:1", 200},
		{"[2001:db8:1:2:ffff::2]:1", 429}, // same /64
		{"[2001:db8:1:3::1]:1", 200},      // next /64
	}
	for _, tt := range tests {
		if w := limitedRequest(h, tt.remote); w.Code != tt.wantStatus {
			t.Errorf("%s: got status %d, want %d", tt.remote, w.Code, tt.wantStatus)
		}
	}
}

func TestRateLimiterTrustedProxy(t *testing.T) {
	rl, _ := newTestLimiter(t, RateLimitOptions{
		RequestsPerSecond: 1.0 / 60, Burst: 1,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")},
	})
	h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	send := func(xff string) int {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.1:1"
		r.Header.Set("X-Forwarded-For", xff)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	tests := []struct {
		xff        string
		wantStatus int
	}{
		{"192.0.2.1", 200},
		{"192.0.2.2", 200},
		{"6.6.6.6, 192.0.2.1", 429}, // a forged left entry does not help
	}
	for _, tt := range tests {
		if got := send(tt.xff); got != tt.wantStatus {
			t.Errorf("X-Forwarded-For %q: got status %d, want %d", tt.xff, got, tt.wantStatus)
		}
	}
}

func TestRateLimiterKeyError(t *testing.T) {
	rl, _ := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 1})
	w := limitedRequest(rl.Handler(http.NotFoundHandler()), "not-an-address")
	if w.Code != http.StatusInternalServerError {
		t.Errorf("got status %d, want 500", w.Code)
	}
	if got := w.Header().Get("RateLimit"); got != "" {
		t.Errorf("got RateLimit %q without a client key, want none", got)
	}
}

func TestRateLimiterEviction(t *testing.T) {
	t.Run("idle full buckets go first", func(t *testing.T) {
		rl, clock := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 1, Burst: 2, MaxClients: 3})
		h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		limitedRequest(h, "192.0.2.1:1")
		limitedRequest(h, "192.0.2.2:1")
		clock.Advance(2 * time.Second) // both buckets are full again
		limitedRequest(h, "192.0.2.3:1")
		if got := rl.store.len(); got != 1 {
			t.Errorf("got %d buckets, want 1 after dropping the refilled ones", got)
		}
	})
	t.Run("bound holds", func(t *testing.T) {
		rl, _ := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 1, Burst: 1, MaxClients: 2})
		h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		for _, remote := range []string{"192.0.2.1:1", "192.0.2.2:1", "192.0.2.3:1"} {
			limitedRequest(h, remote)
		}
		if got := rl.store.len(); got != 2 {
			t.Errorf("got %d buckets, want the bound of 2", got)
		}
		// The least recently seen client was dropped and starts afresh;
		// the others are still limited.
		if w := limitedRequest(h, "192.0.2.1:1"); w.Code != http.StatusOK {
			t.Errorf("evicted client: got status %d, want 200", w.Code)
		}
		if w := limitedRequest(h, "192.0.2.1:1"); w.Code != http.StatusTooManyRequests {
			t.Errorf("evicted client again: got status %d, want 429", w.Code)
		}
	})
	t.Run("sharded store stays bounded", func(t *testing.T) {
		rl, _ := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 1, Burst: 1, MaxClients: 4096})
		for i := range 10_000 {
			rl.store.limiter(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String(), rl.now())
		}
		if got := rl.store.len(); got > 4096 {
			t.Errorf("got %d buckets, want at most 4096", got)
		}
	})
}

func TestRateLimiterConcurrent(t *testing.T) {
	rl, _ := newTestLimiter(t, RateLimitOptions{RequestsPerSecond: 1.0 / 3600, Burst: 50})
	h := rl.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				if limitedRequest(h, "203.0.113.7:1").Code == http.StatusOK {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := allowed.Load(); got != 50 {
		t.Errorf("got %d requests allowed from 200 concurrent ones, want the burst of 50", got)
	}
}
