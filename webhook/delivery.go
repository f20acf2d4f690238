package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Delivery is the metadata of one verified webhook request.
type Delivery struct {
	// ID is the sender's identifier of the message, from the scheme's id
	// header. For schemes without one (Stripe, Slack), it is ReplayKey.
	ID string

	// ReplayKey identifies the signed message for replay and duplicate
	// protection. It equals ID when the scheme signs the id (Standard
	// Webhooks). Otherwise it is ContentKey of the signed content, because
	// an id header outside the signature could be changed by an attacker who
	// replays a captured request.
	ReplayKey string

	// Timestamp is the signed send time, in whole seconds. It is the zero
	// time for schemes that sign no timestamp (GitHub, Shopify).
	Timestamp time.Time

	// Header is the request header, not copied.
	Header http.Header
}

// Verifier checks the signature of a webhook request.
//
// Verify checks body, the raw request body before any parsing, against the
// signature headers in header, at time now. It returns the delivery's
// metadata, or an error that wraps ErrMissingHeader, ErrMalformedHeader,
// ErrInvalidSignature or ErrTimestampOutOfWindow. Implementations compare
// signatures in constant time and keep key material out of errors. Verify
// must be safe for concurrent use.
type Verifier interface {
	Verify(body []byte, header http.Header, now time.Time) (Delivery, error)
}

// Signer adds the signature headers of a webhook request.
//
// Sign sets on header the headers that carry id, timestamp and the
// signature of body, replacing earlier values of those headers. A scheme
// that sends no id or no timestamp ignores that argument. Sign must be safe
// for concurrent use.
type Signer interface {
	Sign(header http.Header, id string, timestamp time.Time, body []byte) error
}

// VerifierFunc adapts a function to the Verifier interface, for custom
// schemes.
type VerifierFunc func(body []byte, header http.Header, now time.Time) (Delivery, error)

// Verify calls f.
func (f VerifierFunc) Verify(body []byte, header http.Header, now time.Time) (Delivery, error) {
	return f(body, header, now)
}

// SignerFunc adapts a function to the Signer interface, for custom schemes.
type SignerFunc func(header http.Header, id string, timestamp time.Time, body []byte) error

// Sign calls f.
func (f SignerFunc) Sign(header http.Header, id string, timestamp time.Time, body []byte) error {
	return f(header, id, timestamp, body)
}

// DefaultTolerance is the timestamp tolerance of the schemes that sign a
// timestamp, when their Tolerance field is zero. Standard Webhooks, Stripe
// and Slack all recommend five minutes.
const DefaultTolerance = 5 * time.Minute

// CheckTimestamp returns an error wrapping ErrTimestampOutOfWindow unless
// the timestamp ts lies within tolerance of now in either direction.
//
// The comparison is made in whole seconds, because senders sign whole
// seconds: now is truncated to the second, and a timestamp exactly tolerance
// away is accepted. With the default of five minutes and now at 12:05:00.9,
// timestamps from 12:00:00 to 12:10:00 inclusive are accepted.
func CheckTimestamp(ts, now time.Time, tolerance time.Duration) error {
	limit := int64(tolerance / time.Second)
	secs, nowSecs := ts.Unix(), now.Unix()
	// Comparing against nowSecs±limit rather than computing nowSecs-secs
	// cannot overflow for any int64 timestamp a sender supplies.
	switch {
	case secs < nowSecs-limit:
		return fmt.Errorf("%w: %d s old, tolerance %d s", ErrTimestampOutOfWindow, uint64(nowSecs)-uint64(secs), limit)
	case secs > nowSecs+limit:
		return fmt.Errorf("%w: %d s in the future, tolerance %d s", ErrTimestampOutOfWindow, uint64(secs)-uint64(nowSecs), limit)
	}
	return nil
}

// ContentKey returns the replay key that this package derives for a message
// without a signed id: "sha256:" followed by the lowercase hex SHA-256 of
// the concatenated parts of its signed content. Custom schemes should use it
// too, so that keys from all schemes have one form.
func ContentKey(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return "sha256:" + hex.EncodeToString(h.Sum(sum[:0]))
}

// parseTimestamp parses a Unix time in decimal seconds as strconv.ParseInt
// accepts it. Schemes sign its canonical decimal form, strconv.AppendInt of
// the parsed value, as the reference libraries do.
func parseTimestamp(value string) (time.Time, error) {
	secs, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: timestamp is not a decimal integer", ErrMalformedHeader)
	}
	return time.Unix(secs, 0), nil
}

type deliveryKey struct{}

// ContextWithDelivery returns a copy of ctx that carries d. The receiver
// calls it before it calls the Dispatcher.
func ContextWithDelivery(ctx context.Context, d *Delivery) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
}

// DeliveryFromContext returns the delivery that ctx carries, or nil.
func DeliveryFromContext(ctx context.Context) *Delivery {
	d, _ := ctx.Value(deliveryKey{}).(*Delivery)
	return d
}
