package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/whgen/whgen/oas"
	"github.com/whgen/whgen/problem"
)

// Dispatcher routes a verified delivery to its webhook. Generated code
// implements it: it decodes and validates body for the webhook that the
// delivery routes to and calls the user's typed handler.
//
// Dispatch returns nil when the handler succeeded. Otherwise it returns an
// error wrapping ErrMalformedPayload when body is not JSON,
// ErrInvalidPayload when it violates the webhook's schema, or
// ErrUnknownEvent when the delivery routes to no webhook and no fallback
// handler took it. Any other error is a handler failure. The context carries
// the delivery (see DeliveryFromContext) and ends when the claim's lease
// does.
type Dispatcher interface {
	Dispatch(ctx context.Context, d *Delivery, body []byte) error
}

// DispatcherFunc adapts a function to the Dispatcher interface.
type DispatcherFunc func(ctx context.Context, d *Delivery, body []byte) error

// Dispatch calls f.
func (f DispatcherFunc) Dispatch(ctx context.Context, d *Delivery, body []byte) error {
	return f(ctx, d, body)
}

// Defaults of Receiver's zero-valued fields.
const (
	DefaultMaxBodyBytes = 1 << 20
	DefaultLease        = time.Minute
	DefaultRetention    = 24 * time.Hour
)

// retryAfterSeconds is the Retry-After value of the 409 and 503 responses. A
// concurrent copy of a delivery is usually handled within a few seconds.
const retryAfterSeconds = 5

// Receiver is the http.Handler of a webhook endpoint. It reads the body,
// verifies its signature on the raw bytes, protects against replays and
// duplicates, and calls the Dispatcher.
//
// Its responses follow what webhook senders (Standard Webhooks, Svix, Stripe,
// GitHub) do with them: a 2xx ends the delivery, anything else is retried
// later.
//
//   - 204: the handler succeeded, or the delivery is a duplicate of one that
//     was handled, so the sender stops retrying it.
//   - 202: the delivery is authentic but the Dispatcher returned
//     ErrUnknownEvent after its fallback, if any, declined it. This is a
//     2xx because any other response makes senders retry an event that will
//     never be handled and, after repeated failures, disable the endpoint.
//   - 400: the Dispatcher returned ErrMalformedPayload.
//   - 401: the signature or its headers are missing, malformed or invalid,
//     or the timestamp is outside the verifier's window.
//   - 405 with Allow: POST: the method is not POST.
//   - 409 with Retry-After: another copy of the delivery is being handled.
//     If that copy fails, the retry is handled, and if it succeeds, the
//     retry gets 204.
//   - 413: the body exceeds MaxBodyBytes.
//   - 422: the Dispatcher returned ErrInvalidPayload. The problem's errors
//     list the invalid values by JSON pointer when the error wraps an
//     oas.Errors or *oas.TypeError.
//   - 500: the handler returned another error or panicked. The panic is
//     recovered, except http.ErrAbortHandler, which is re-raised.
//   - 503 with Retry-After: the replay store failed or is full.
//
// A delivery whose handling failed is released in the replay store, so the
// sender's retry is handled. Handlers must still be idempotent: a delivery
// is handled again when recording its completion fails (the receiver then
// responds with 503), or when a process dies after handling it and before the
// response, because delivery is at least once.
//
// Error bodies are RFC 9457 application/problem+json. The details of 401
// and 4xx payload errors describe the failure and never contain key
// material, and the details of 5xx responses contain no error text.
//
// Set the fields before the first request and do not change them after.
type Receiver struct {
	// Verifier checks signatures. It is required.
	Verifier Verifier

	// Dispatcher handles verified deliveries. It is required.
	Dispatcher Dispatcher

	// Replay records handled deliveries by Delivery.ReplayKey. Nil means a
	// MemoryReplayStore with its default capacity, which protects one
	// process only.
	Replay ReplayStore

	// MaxBodyBytes bounds the request body. A larger body gets a 413 response
	// without being read to the end. Zero or less means
	// DefaultMaxBodyBytes (1 MiB).
	MaxBodyBytes int64

	// Lease is how long a claim on a delivery lasts before another copy may
	// be handled, after a crash for example. The Dispatcher's context ends
	// when the lease does, so that a handler that honours its context stops
	// before a second copy can start. Zero means DefaultLease (1 minute).
	Lease time.Duration

	// Retention is how long a handled delivery is remembered. It must
	// exceed twice the verifier's timestamp tolerance, because a signed
	// timestamp stays acceptable for that long: otherwise a replay could be
	// handled after the record of the original expired. Zero means
	// DefaultRetention (24 hours), which also covers the first day of
	// sender retries after a lost 2xx response.
	Retention time.Duration

	// ErrorHandler writes the response for a request that did not end in
	// 204. The receiver has already set Allow or Retry-After where they
	// apply; StatusCode returns the status the default would use. Nil
	// means problem+json responses as described on Receiver, and no body for
	// 2xx statuses.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// Now returns the current time for timestamp checks and the replay
	// store. Nil means time.Now.
	Now func() time.Time

	replayOnce    sync.Once
	defaultReplay ReplayStore
}

var _ http.Handler = (*Receiver)(nil)

// ServeHTTP handles one webhook request.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		rc.fail(w, r, fmt.Errorf("%w: %s", ErrMethodNotAllowed, r.Method))
		return
	}
	body, err := rc.readBody(w, r)
	if err != nil {
		rc.fail(w, r, err)
		return
	}
	if rc.Verifier == nil || rc.Dispatcher == nil {
		rc.fail(w, r, errors.New("webhook receiver has no Verifier or Dispatcher"))
		return
	}

	d, err := rc.Verifier.Verify(body, r.Header, rc.now())
	if err != nil {
		rc.fail(w, r, err)
		return
	}
	rc.handle(w, r, &d, body)
}

// readBody reads at most MaxBodyBytes of the body.
func (rc *Receiver) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := rc.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.ContentLength > limit {
		w.Header().Set("Connection", "close")
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrBodyTooLarge, r.ContentLength, limit)
	}

	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%w: body exceeds %d bytes", ErrBodyTooLarge, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return buf.Bytes(), nil
}

// handle claims the delivery, dispatches it and records the outcome.
func (rc *Receiver) handle(w http.ResponseWriter, r *http.Request, d *Delivery, body []byte) {
	ctx := r.Context()
	replay := rc.replayStore()
	token, err := replay.Claim(ctx, d.ReplayKey, rc.now(), rc.lease())
	if err != nil {
		rc.failClaim(w, r, err)
		return
	}

	err = rc.dispatch(ctx, d, body)
	if err == nil || errors.Is(err, ErrUnknownEvent) {
		// The response is final either way, so duplicates get 204 from now on.
		storeCtx := context.WithoutCancel(ctx)
		if completeErr := replay.Complete(storeCtx, d.ReplayKey, token, rc.now(), rc.retention()); completeErr != nil {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
			rc.fail(w, r, fmt.Errorf("%w: record handled delivery: %w", ErrReplayStore, completeErr))
			return
		}
		if err != nil {
			rc.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}

	releaseErr := replay.Release(context.WithoutCancel(ctx), d.ReplayKey, token)
	var p *PanicError
	if errors.As(err, &p) && p.Value == http.ErrAbortHandler {
		panic(http.ErrAbortHandler)
	}
	rc.fail(w, r, errors.Join(err, releaseErr))
}

func (rc *Receiver) failClaim(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrDuplicate):
		w.WriteHeader(http.StatusNoContent)
		return
	case errors.Is(err, ErrInFlight), errors.Is(err, ErrReplayStoreFull):
	default:
		err = fmt.Errorf("%w: %w", ErrReplayStore, err)
	}
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	rc.fail(w, r, err)
}

// dispatch calls the Dispatcher under the lease's deadline and turns a
// panic into a *PanicError.
func (rc *Receiver) dispatch(ctx context.Context, d *Delivery, body []byte) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	ctx, cancel := context.WithTimeout(ContextWithDelivery(ctx, d), rc.lease())
	defer cancel()
	return rc.Dispatcher.Dispatch(ctx, d, body)
}

func (rc *Receiver) fail(w http.ResponseWriter, r *http.Request, err error) {
	if rc.ErrorHandler != nil {
		rc.ErrorHandler(w, r, err)
		return
	}
	writeError(w, err)
}

// writeError is the default ErrorHandler.
func writeError(w http.ResponseWriter, err error) {
	status := StatusCode(err)
	if status < 300 {
		w.WriteHeader(status)
		return
	}
	p := problem.New(status, errorDetail(status, err))
	if status == http.StatusUnprocessableEntity {
		p.Errors = problem.ValidationErrors(err)
	}
	_ = problem.Write(w, p)
}

// DecodePayload decodes the JSON body of a delivery for the webhook name
// into dst, a pointer, as generated Dispatchers do. Its error wraps
// ErrMalformedPayload when body is not JSON and ErrInvalidPayload when a
// value has the wrong type. Like JSON Schema, it takes 2.0 as an integer.
func DecodePayload(name string, body []byte, dst any) error {
	err := oas.Unmarshal(body, dst)
	if err == nil {
		return nil
	}
	var te *oas.TypeError
	if errors.As(err, &te) {
		return fmt.Errorf("webhook %q: %w: %w", name, ErrInvalidPayload, err)
	}
	return fmt.Errorf("webhook %q: %w: %w", name, ErrMalformedPayload, err)
}

// errorDetail returns the problem detail for err. Only 4xx responses carry the
// error text, which describes the request; 5xx texts may describe internals.
func errorDetail(status int, err error) string {
	switch {
	case status == http.StatusConflict:
		return "another copy of this delivery is being handled; retry later"
	case status == http.StatusServiceUnavailable:
		return "the receiver cannot record deliveries right now; retry later"
	case status >= 500:
		return "the webhook handler failed; retry later"
	}
	return err.Error()
}

func (rc *Receiver) replayStore() ReplayStore {
	if rc.Replay != nil {
		return rc.Replay
	}
	rc.replayOnce.Do(func() { rc.defaultReplay = &MemoryReplayStore{} })
	return rc.defaultReplay
}

func (rc *Receiver) now() time.Time {
	if rc.Now != nil {
		return rc.Now()
	}
	return time.Now()
}

func (rc *Receiver) lease() time.Duration {
	if rc.Lease <= 0 {
		return DefaultLease
	}
	return rc.Lease
}

func (rc *Receiver) retention() time.Duration {
	if rc.Retention <= 0 {
		return DefaultRetention
	}
	return rc.Retention
}
