package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/whgen/whgen/store"
)

// Limits of the HTTP server. They are constants, not flags, because the
// service's requests are small and quick: a body is at most -max-body
// bytes of JSON, and no operation streams.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// shutdownTimeout is how long a shutdown waits for requests in flight
	// before it closes their connections.
	shutdownTimeout = 10 * time.Second
)

// serveConfig is the configuration of the serve subcommand, one field per
// flag.
type serveConfig struct {
	Addr         string
	DB           string
	APIKeys      []string
	BearerTokens []string
	// OAuthTokens maps each token of -oauth-token to its scopes.
	OAuthTokens  map[string][]string
	CORSOrigins  []string
	TrustedHosts []string
	// Rate is in requests per second per client; 0 turns the limit off.
	Rate         float64
	Burst        int
	MaxBodyBytes int64
}

// invalidConfig returns the error for an invalid value of flagName.
func invalidConfig(flagName string, err error) error {
	return fmt.Errorf("invalid %s: %w", flagName, err)
}

const serveUsage = `Usage: petstore serve [flags]

Serves the API of petstore.yaml over HTTP until SIGINT or SIGTERM, then
waits up to %s for requests in flight. Data is kept in -db, whose schema
is created or migrated at start. The spec is served at /openapi.json.

Flags:
`

const serveNotes = `
The default -trusted-hosts accepts only loopback names, which blocks DNS
rebinding; list the server's public names when it listens elsewhere.

Keys and tokens given as flags are visible to other local users in the
process list, so use this command for development and tests.

Each request passes trusted hosts, CORS, the rate limit and then the
authentication of its operation, in that order. Logs go to standard error.
`

// runServe is the serve subcommand.
func runServe(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	// Check the configuration before taking the port.
	if _, err := newGuards(cfg); err != nil {
		fmt.Fprintf(stderr, "petstore serve: %v\n", err)
		return 2
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		logger.Error("listen failed", "addr", cfg.Addr, "err", err)
		return 1
	}
	if err := serve(ctx, cfg, ln, logger); err != nil {
		logger.Error("server failed", "err", err)
		return 1
	}
	return 0
}

// parseServeFlags parses the flags of the serve subcommand. It prints
// usage errors to stderr itself, and returns flag.ErrHelp for -h.
func parseServeFlags(args []string, stderr io.Writer) (serveConfig, error) {
	cfg := serveConfig{OAuthTokens: map[string][]string{}}
	fs := flag.NewFlagSet("petstore serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, serveUsage, shutdownTimeout)
		fs.PrintDefaults()
		fmt.Fprint(stderr, serveNotes)
	}
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080",
		"listen on `host:port`; port 0 picks a free port, which the start log shows")
	fs.StringVar(&cfg.DB, "db", "petstore.db",
		"SQLite database `file`, created when missing, or a postgres:// URL")
	fs.Var((*repeatedFlag)(&cfg.APIKeys), "api-key",
		"accept this `key` in the X-API-Key header (repeatable)")
	fs.Var((*repeatedFlag)(&cfg.BearerTokens), "bearer-token",
		"accept this bearer `token`, granted every OAuth2 scope (repeatable)")
	fs.Var(oauthTokenFlag(cfg.OAuthTokens), "oauth-token",
		"accept `token:scopes` as an OAuth2 token granted only the comma-separated scopes,\n"+
			"such as reader:pets:read (repeatable)")
	fs.Var(&listFlag{values: &cfg.CORSOrigins}, "cors-origins",
		"comma-separated `origins` whose browser scripts may call the API, such as\n"+
			"https://app.example,http://localhost:5173; * allows all (default none)")
	cfg.TrustedHosts = []string{"localhost", "127.0.0.1", "::1"}
	fs.Var(&listFlag{values: &cfg.TrustedHosts}, "trusted-hosts",
		"comma-separated host `names` that requests may address in Host, without port;\n"+
			"*.example.com allows subdomains and * allows every host")
	fs.Float64Var(&cfg.Rate, "rate", 0,
		"allow each client IP address `N` requests per second on average (IPv6 by /64);\n"+
			"N may be fractional, 0 turns rate limiting off")
	fs.IntVar(&cfg.Burst, "burst", 0,
		"allow bursts of `N` requests from a client that has been idle;\n"+
			"0 means -rate rounded up")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", 1<<20,
		"maximum request body size in `bytes`; larger bodies get 413")

	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q; serve takes only flags", fs.Arg(0))
	case cfg.Rate < 0 || math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0):
		err = fmt.Errorf("invalid -rate %v: want a number of requests per second, 0 or more", cfg.Rate)
	case cfg.Burst < 0:
		err = fmt.Errorf("invalid -burst %d: want a number of requests, 0 or more", cfg.Burst)
	case cfg.MaxBodyBytes <= 0:
		err = fmt.Errorf("invalid -max-body %d: want a positive number of bytes", cfg.MaxBodyBytes)
	case cfg.DB == "":
		err = errors.New("invalid -db: want a database file or URL")
	}
	if err != nil {
		fmt.Fprintf(stderr, "petstore serve: %v\nRun \"petstore serve -h\" for the flags.\n", err)
	}
	return cfg, err
}

// serve runs the service on ln until ctx is done, then shuts down
// gracefully. It opens and migrates the database of cfg.DB and closes it
// on return. runServe checks cfg with newGuards before it calls serve.
func serve(ctx context.Context, cfg serveConfig, ln net.Listener, logger *slog.Logger) error {
	defer ln.Close()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := openPetStore(ctx, db)
	if err != nil {
		return err
	}
	h, err := newHandler(cfg, st, logger)
	if err != nil {
		return err
	}

	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("petstore started", "addr", ln.Addr().String(), "db", redactDSN(cfg.DB),
		"engine", db.Dialect.String(), "rate", cfg.Rate, "burst", cfg.Burst,
		"api_keys", len(cfg.APIKeys), "bearer_tokens", len(cfg.BearerTokens), "oauth_tokens", len(cfg.OAuthTokens))

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("petstore stopping", "timeout", shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown timed out; closing the remaining connections", "err", err)
		_ = srv.Close()
	}
	logger.Info("petstore stopped")
	return nil
}

// redactDSN returns dsn with any password replaced by "xxxxx".
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// repeatedFlag is a flag that may be given several times, each adding one
// value.
type repeatedFlag []string

func (f *repeatedFlag) String() string { return "" }

func (f *repeatedFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// listFlag is a comma-separated list. The first use on the command line
// replaces the default, and later uses add to the list.
type listFlag struct {
	values *[]string
	set    bool
}

func (f *listFlag) String() string {
	if f.values == nil {
		return ""
	}
	return strings.Join(*f.values, ",")
}

func (f *listFlag) Set(v string) error {
	if !f.set {
		*f.values = nil
		f.set = true
	}
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			*f.values = append(*f.values, item)
		}
	}
	return nil
}

// oauthTokenFlag collects -oauth-token values of the form token:scopes.
// Tokens cannot contain ":" (RFC 6750 section 2.1), so the first colon
// ends the token, and scopes such as "pets:read" keep theirs.
type oauthTokenFlag map[string][]string

func (f oauthTokenFlag) String() string { return "" }

func (f oauthTokenFlag) Set(v string) error {
	token, scopes, ok := strings.Cut(v, ":")
	if !ok || token == "" {
		return errors.New("want token:scopes, such as reader:pets:read")
	}
	var list []string
	for s := range strings.SplitSeq(scopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			list = append(list, s)
		}
	}
	f[token] = list
	return nil
}
