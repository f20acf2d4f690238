package main

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/problem"
)

// corsAllowedHeaders lists the request headers that the spec's operations
// read: credentials, the JSON body's type, and the header parameters.
var corsAllowedHeaders = []string{
	"Authorization", "Content-Type", "X-API-Key", "If-Match", "Idempotency-Key", "X-Request-ID",
}

// corsExposedHeaders lists the response headers that browser scripts need
// beyond the CORS-safelisted ones.
var corsExposedHeaders = []string{
	"ETag", "Location", "X-Next-Cursor", "WWW-Authenticate", "Retry-After", "RateLimit", "RateLimit-Policy",
}

// corsMaxAge is how long browsers may cache a preflight result.
const corsMaxAge = 10 * time.Minute

// newHandler returns the service's handler. From the outside in, a request
// passes the request log, trusted hosts, CORS, the rate limit (unless
// cfg.Rate is 0) and then the generated handler, which authenticates it,
// decodes and validates it, and calls petService. The order and its
// reasons are those of package middleware.
func newHandler(cfg serveConfig, st *petStore, logger *slog.Logger) (http.Handler, error) {
	guards, err := newGuards(cfg)
	if err != nil {
		return nil, err
	}
	svc := &petService{store: st, now: time.Now}
	withETag := []middleware.Middleware{withResponseHeader}
	apiHandler, err := api.NewHandler(svc, api.ServerOptions{
		Auth:         guards.auth,
		MaxBodyBytes: cfg.MaxBodyBytes,
		SpecPath:     "/openapi.json",
		OperationMiddleware: map[string][]middleware.Middleware{
			api.GetPetOperation.ID:    withETag,
			api.CreatePetOperation.ID: withETag,
			api.UpdatePetOperation.ID: withETag,
		},
		ErrorHandler: logServerErrors(logger),
	})
	if err != nil {
		return nil, err
	}
	return middleware.Chain(
		logRequests(logger),
		guards.hosts.Handler,
		guards.cors.Handler,
		guards.rateLimit,
	)(apiHandler), nil
}

// guards are the middleware that cfg configures.
type guards struct {
	hosts *middleware.TrustedHosts
	cors  *middleware.CORS
	// rateLimit is nil when rate limiting is off.
	rateLimit middleware.Middleware
	auth      *middleware.Authenticator
}

// newGuards builds the middleware that cfg configures. Its errors are about
// cfg, so the serve subcommand reports them as usage errors.
func newGuards(cfg serveConfig) (guards, error) {
	var g guards
	var err error
	g.hosts, err = middleware.NewTrustedHosts(middleware.TrustedHostsOptions{AllowedHosts: cfg.TrustedHosts})
	if err != nil {
		return g, invalidConfig("-trusted-hosts", err)
	}

	g.cors, err = middleware.NewCORS(middleware.CORSOptions{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: specMethods(),
		AllowedHeaders: corsAllowedHeaders,
		ExposedHeaders: corsExposedHeaders,
		MaxAge:         corsMaxAge,
	})
	if err != nil {
		return g, invalidConfig("-cors-origins", err)
	}

	if cfg.Rate > 0 {
		rl, err := middleware.NewRateLimiter(middleware.RateLimitOptions{RequestsPerSecond: cfg.Rate, Burst: cfg.Burst})
		if err != nil {
			return g, invalidConfig("-rate or -burst", err)
		}
		g.rateLimit = rl.Handler
	}

	scopes, err := oauthScopes(api.SpecJSON)
	if err != nil {
		return g, err
	}
	creds, err := newCredentials(cfg, scopes)
	if err != nil {
		return g, invalidConfig("credentials", err)
	}
	if g.auth, err = creds.authenticator(); err != nil {
		return g, err
	}
	return g, nil
}

// specMethods returns the methods of the spec's operations, sorted.
func specMethods() []string {
	var methods []string
	for _, op := range api.Operations {
		methods = append(methods, op.Method)
	}
	slices.Sort(methods)
	return slices.Compact(methods)
}

// logRequests logs one line per request, after the response: method, path,
// status, duration, body bytes sent and the peer address. The query string
// and headers are left out, because they may carry credentials.
func logRequests(logger *slog.Logger) middleware.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := middleware.NewRecorder(w, middleware.RecorderOptions{})
			// Deferred, so that a request whose handler panics is logged
			// too, before net/http recovers the panic.
			defer func() {
				status := rec.Status()
				if status == 0 {
					status = http.StatusOK // net/http's default for an empty response
				}
				logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Duration("duration", time.Since(start)),
					slog.Int64("bytes", rec.BytesWritten()),
					slog.String("remote", r.RemoteAddr))
			}()
			next.ServeHTTP(rec.Writer(), r)
		})
	}
}

// logServerErrors is the generated handler's ErrorHandler: it logs each
// 5xx error with its cause, which the client never receives, and then writes
// the problem as middleware.WriteProblem does.
func logServerErrors(logger *slog.Logger) middleware.ErrorHandler {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if p := problem.From(err); p.Status >= 500 && p.Status != http.StatusNotImplemented {
			logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", p.Status),
				slog.Any("err", err))
		}
		middleware.WriteProblem(w, r, err)
	}
}
