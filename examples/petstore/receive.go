package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/store"
	"github.com/whgen/whgen/webhook"
	"github.com/whgen/whgen/webhook/sqlreplay"
)

// secretList collects repeated -secret flags, for key rotation.
type secretList []string

func (s *secretList) String() string { return fmt.Sprintf("%d secrets", len(*s)) }

func (s *secretList) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// receiveConfig holds the flags of the receive command.
type receiveConfig struct {
	addr     string
	secrets  secretList
	db       string
	maxBody  int64
	shutdown time.Duration
}

func parseReceiveFlags(args []string, stderr io.Writer) (*receiveConfig, error) {
	cfg := &receiveConfig{}
	fs := flag.NewFlagSet("petstore receive", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:9090", "listen on this `host:port`")
	fs.Var(&cfg.secrets, "secret", "accept Standard Webhooks signatures made with this `whsec_...` secret (repeatable, for rotation)")
	fs.StringVar(&cfg.db, "db", "", "keep seen delivery ids in this SQLite `file` or postgres:// URL, so several receivers share them (default: in memory)")
	fs.Int64Var(&cfg.maxBody, "max-body", 1<<20, "reject deliveries larger than this many `bytes` with 413")
	fs.DurationVar(&cfg.shutdown, "shutdown-timeout", 10*time.Second, "wait this long for deliveries in progress on SIGINT or SIGTERM")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: petstore receive -secret whsec_... [flags]\n\n"+
			"Receives the petstore webhooks at POST /webhooks, verifies their signatures and\n"+
			"prints each accepted event on stdout as one JSON line.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if len(cfg.secrets) == 0 {
		return nil, errors.New("missing -secret: give the whsec_... signing secret of the sender")
	}
	return cfg, nil
}

// eventPrinter is the WebhookHandler of the example: it writes each event
// as one JSON line.
type eventPrinter struct {
	mu  sync.Mutex
	out io.Writer
}

// eventLine is what receive prints for each accepted event.
type eventLine struct {
	WebhookID string          `json:"webhook-id"`
	Webhook   string          `json:"webhook"`
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp,omitempty"`
	Data      json.RawMessage `json:"data"`
}

func (p *eventPrinter) print(webhookName string, event any, d *webhook.Delivery) error {
	raw, err := json.Marshal(event)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	var fields struct {
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("read event: %w", err)
	}
	line, err := json.Marshal(eventLine{WebhookID: d.ID, Webhook: webhookName, Type: fields.Type, Timestamp: fields.Timestamp, Data: fields.Data})
	if err != nil {
		return fmt.Errorf("encode event line: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err = fmt.Fprintf(p.out, "%s\n", line)
	return err
}

func (p *eventPrinter) HandleAdoptionFailed(_ context.Context, e *api.AdoptionFailedEvent, d *webhook.Delivery) error {
	return p.print("adoption.failed", e, d)
}

func (p *eventPrinter) HandleInventoryLow(_ context.Context, e *api.InventoryLowPayload, d *webhook.Delivery) error {
	return p.print("inventory.low", e, d)
}

func (p *eventPrinter) HandlePetAdopted(_ context.Context, e *api.PetAdoptedEvent, d *webhook.Delivery) error {
	return p.print("pet.adopted", e, d)
}

func (p *eventPrinter) HandlePetCreated(_ context.Context, e *api.PetCreatedEvent, d *webhook.Delivery) error {
	return p.print("pet.created", e, d)
}

// newReceiveHandler builds the receiver's HTTP handler: POST /webhooks,
// verified with the configured secrets, with replay protection.
func newReceiveHandler(ctx context.Context, cfg *receiveConfig, out io.Writer, logger *slog.Logger) (http.Handler, func(), error) {
	verifier, err := api.NewWebhookVerifier(cfg.secrets...)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid -secret: %w", err)
	}
	opts := []webhook.RouterOption{
		webhook.WithMaxBodyBytes(cfg.maxBody),
		webhook.WithErrorHook(func(r *http.Request, err error) {
			logger.Warn("delivery rejected", "status", webhook.StatusCode(err), "webhook_id", r.Header.Get("webhook-id"), "err", err)
		}),
	}
	closeDB := func() {}
	if cfg.db != "" {
		db, err := store.Open(ctx, cfg.db)
		if err != nil {
			return nil, nil, err
		}
		replay, err := sqlreplay.New(ctx, db)
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		opts = append(opts, webhook.WithReplayStore(replay))
		closeDB = func() { db.Close() }
	}
	router, err := api.NewReceiver(&eventPrinter{out: out}, verifier, opts...)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks", router)
	return mux, closeDB, nil
}

// runReceive is the receive command: it exits 0 after a clean shutdown, 1
// on a failure and 2 on a usage error.
func runReceive(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseReceiveFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "petstore receive: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	handler, closeDB, err := newReceiveHandler(ctx, cfg, stdout, logger)
	if err != nil {
		logger.Error("receiver setup failed", "err", err)
		return 1
	}
	defer closeDB()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		logger.Error("listen failed", "addr", cfg.addr, "err", err)
		return 1
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("receiving webhooks", "addr", ln.Addr().String(), "path", "/webhooks", "secrets", len(cfg.secrets), "replay_store", replayStoreName(cfg.db))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		logger.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.shutdown)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdown)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Error("shutdown failed", "err", err)
		return 1
	}
	logger.Info("stopped")
	return 0
}

func replayStoreName(db string) string {
	switch {
	case db == "":
		return "memory"
	case strings.HasPrefix(db, "postgres"):
		return "postgresql"
	}
	return "sqlite"
}
