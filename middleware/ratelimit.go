package middleware

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/whgen/whgen/problem"
)

// DefaultMaxClients is the number of client buckets that a [RateLimiter]
// keeps when MaxClients is zero. By an estimate of a few hundred bytes per
// bucket, that is tens of megabytes at most.
const DefaultMaxClients = 100_000

// RateLimitOptions configures [NewRateLimiter].
type RateLimitOptions struct {
	// RequestsPerSecond is the rate at which each client's bucket refills,
	// in requests per second. It must be positive and finite. For "100
	// requests per minute" use 100.0/60 with Burst 100.
	RequestsPerSecond float64

	// Burst is the size of each client's bucket: how many requests a
	// client that has been idle may send at once. Zero means
	// RequestsPerSecond rounded up, at least 1.
	Burst int

	// Key returns the key that identifies the client of a request. An
	// error rejects the request with 500, because the server is then
	// misconfigured. Nil means [KeyByIP] with TrustedProxies.
	Key func(r *http.Request) (string, error)

	// TrustedProxies lists the networks of reverse proxies whose
	// X-Forwarded-For is believed, as [ClientIP] describes. Nil trusts
	// no proxy: the client is the peer address, and X-Forwarded-For is
	// ignored. Unused when Key is set.
	TrustedProxies []netip.Prefix

	// MaxClients bounds the number of buckets kept in memory. Buckets of
	// clients idle long enough to have refilled are dropped first, which
	// changes nothing. Past the bound, the least recently seen client's
	// bucket is dropped, which gives that client a full bucket. Zero means
	// [DefaultMaxClients].
	MaxClients int

	// PolicyName names the policy in the RateLimit-Policy and RateLimit
	// response fields. Empty means "default".
	PolicyName string

	// ErrorHandler writes the 429 Too Many Requests response, with cause
	// [ErrRateLimited], and the 500 response when Key fails. Nil means
	// [WriteProblem].
	ErrorHandler ErrorHandler
}

// RateLimiter is a middleware that limits each client to a token bucket
// of RateLimitOptions.Burst requests that refills at RequestsPerSecond.
// Create it with [NewRateLimiter].
//
// Every response it lets through, or rejects, carries the two rate limit
// fields that the IETF draft draft-ietf-httpapi-ratelimit-headers defines
// since version 09 (the draft is not yet an RFC):
//
//	RateLimit-Policy: "default";q=100;w=60
//	RateLimit: "default";r=99;t=1
//
// q is the bucket size, w the seconds a bucket takes to refill from empty,
// r the requests left, and t the seconds until the bucket is full again.
// A rejected request gets 429 Too Many Requests and Retry-After: the whole
// seconds until the next token, rounded up, at least 1.
type RateLimiter struct {
	store        *clientStore
	key          func(r *http.Request) (string, error)
	perSecond    float64
	burst        int
	name         string // sf-string, quoted
	policy       string
	errorHandler ErrorHandler
	now          func() time.Time // replaced in tests
}

// NewRateLimiter returns a RateLimiter for opts. It returns an error when
// RequestsPerSecond is not positive and finite, Burst or MaxClients is
// negative, or PolicyName has characters outside printable ASCII.
func NewRateLimiter(opts RateLimitOptions) (*RateLimiter, error) {
	if err := validateRateLimit(opts); err != nil {
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	burst := opts.Burst
	if burst == 0 {
		burst = max(1, int(math.Ceil(opts.RequestsPerSecond)))
	}
	maxClients := opts.MaxClients
	if maxClients == 0 {
		maxClients = DefaultMaxClients
	}
	key := opts.Key
	if key == nil {
		key = KeyByIP(unmapPrefixes(opts.TrustedProxies))
	}
	name := opts.PolicyName
	if name == "" {
		name = "default"
	}

	rl := &RateLimiter{
		store:        newClientStore(maxClients, rate.Limit(opts.RequestsPerSecond), burst),
		key:          key,
		perSecond:    opts.RequestsPerSecond,
		burst:        burst,
		name:         quoteSFString(name),
		errorHandler: opts.ErrorHandler,
		now:          time.Now,
	}
	window := ceilSeconds(float64(burst) / opts.RequestsPerSecond)
	rl.policy = fmt.Sprintf("%s;q=%d;w=%d", rl.name, burst, window)
	return rl, nil
}

func validateRateLimit(opts RateLimitOptions) error {
	var errs []error
	if !(opts.RequestsPerSecond > 0) || math.IsInf(opts.RequestsPerSecond, 0) {
		errs = append(errs, fmt.Errorf("requests per second %v must be positive and finite", opts.RequestsPerSecond))
	}
	if opts.Burst < 0 {
		errs = append(errs, fmt.Errorf("burst %d must not be negative", opts.Burst))
	}
	if opts.MaxClients < 0 {
		errs = append(errs, fmt.Errorf("max clients %d must not be negative", opts.MaxClients))
	}
	for _, c := range opts.PolicyName {
		if c < 0x20 || c > 0x7e {
			errs = append(errs, fmt.Errorf("policy name %q must be printable ASCII", opts.PolicyName))
			break
		}
	}
	return errors.Join(errs...)
}

// Handler returns next wrapped with the rate limit.
func (rl *RateLimiter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, err := rl.key(r)
		if err != nil {
			err = fmt.Errorf("rate limit key: %w", err)
			rl.errorHandler.orDefault()(w, r, problem.Wrap(err, http.StatusInternalServerError, ""))
			return
		}

		now := rl.now()
		limiter := rl.store.limiter(key, now)
		allowed := limiter.AllowN(now, 1)
		tokens := limiter.TokensAt(now)

		h := w.Header()
		h.Set("RateLimit-Policy", rl.policy)
		h.Set("RateLimit", rl.state(tokens))
		if !allowed {
			retry := max(1, ceilSeconds((1-tokens)/rl.perSecond))
			h.Set("Retry-After", strconv.FormatInt(retry, 10))
			unit := "seconds"
			if retry == 1 {
				unit = "second"
			}
			detail := fmt.Sprintf("too many requests from this client; retry after %d %s", retry, unit)
			rl.errorHandler.reject(w, r, ErrRateLimited, http.StatusTooManyRequests, detail)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// state formats the RateLimit field for a bucket holding tokens.
func (rl *RateLimiter) state(tokens float64) string {
	remaining := max(0, int64(math.Floor(tokens)))
	reset := max(0, ceilSeconds((float64(rl.burst)-tokens)/rl.perSecond))
	return fmt.Sprintf("%s;r=%d;t=%d", rl.name, remaining, reset)
}

// ceilSeconds rounds a number of seconds up to a whole number, after
// rounding to milliseconds so that floating-point noise such as
// 30.000000000000004 does not add a second.
func ceilSeconds(seconds float64) int64 {
	return int64(math.Ceil(math.Round(seconds*1000) / 1000))
}

// quoteSFString encodes s as a Structured Field string (RFC 9651,
// section 3.3.3). s must be printable ASCII.
func quoteSFString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// unmapPrefixes rewrites IPv4-mapped IPv6 prefixes as IPv4 prefixes,
// because [ClientIP] returns IPv4 addresses in that form.
func unmapPrefixes(prefixes []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(prefixes))
	for _, p := range prefixes {
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out
}
