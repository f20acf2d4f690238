package webhook

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// StripeSignatureHeader is the header of the Stripe scheme.
const StripeSignatureHeader = "Stripe-Signature"

const stripeScheme = "stripe"

// Stripe is Stripe's webhook signature scheme.
//
// Stripe-Signature carries comma-separated "key=value" elements: one
// "t=<Unix seconds>" and one or more "v1=<signature>", where each signature
// is the lowercase hex HMAC-SHA256 of the timestamp, "." and the raw body.
// Stripe lists several v1 elements while an endpoint secret rolls. Elements
// with other keys, such as Stripe's test-mode v0, are ignored.
//
// Stripe sends no delivery id, so Delivery.ID and Delivery.ReplayKey are
// ContentKey of the signed content. Stripe signs every retry afresh with a
// new timestamp, so a retry gets a new key: deduplicate retries by the event
// id in the body ("evt_...").
type Stripe struct {
	// Secrets are the endpoint signing secrets. A Stripe secret "whsec_..."
	// is used whole, prefix included, as the HMAC key, so pass
	// []byte("whsec_...") and do not base64-decode it as Standard Webhooks
	// secrets are. Verify accepts a signature under any of them. Sign adds
	// one v1 element per secret.
	Secrets [][]byte

	// Tolerance is how far t may lie from the receiver's clock, in either
	// direction (see CheckTimestamp). Zero means DefaultTolerance, which is
	// also the default of Stripe's libraries.
	Tolerance time.Duration

	macs lazyMACs
}

var (
	_ Verifier = (*Stripe)(nil)
	_ Signer   = (*Stripe)(nil)
)

// Verify checks a Stripe request; see Verifier.
func (s *Stripe) Verify(body []byte, header http.Header, now time.Time) (Delivery, error) {
	macs, err := keysOrError(&s.macs, s.Secrets)
	if err != nil {
		return Delivery{}, verifyError(stripeScheme, "", err)
	}
	value := header.Get(StripeSignatureHeader)
	if value == "" {
		return Delivery{}, verifyError(stripeScheme, StripeSignatureHeader, ErrMissingHeader)
	}
	ts, err := parseStripeHeader(value)
	if err != nil {
		return Delivery{}, verifyError(stripeScheme, StripeSignatureHeader, err)
	}
	if err := CheckTimestamp(ts, now, orDefault(s.Tolerance)); err != nil {
		return Delivery{}, verifyError(stripeScheme, StripeSignatureHeader, err)
	}

	var buf [24]byte
	prefix := append(strconv.AppendInt(buf[:0], ts.Unix(), 10), '.')
	if !stripeMatches(macs, prefix, body, value) {
		return Delivery{}, verifyError(stripeScheme, StripeSignatureHeader, ErrInvalidSignature)
	}
	key := ContentKey(prefix, body)
	return Delivery{ID: key, ReplayKey: key, Timestamp: ts, Header: header}, nil
}

// parseStripeHeader checks the structure of a Stripe-Signature value and
// returns its timestamp. It requires exactly one t element and at least one
// v1 element, and every element must have the form key=value.
func parseStripeHeader(value string) (time.Time, error) {
	var tsValue string
	seenT, seenV1 := false, false
	for rest := value; rest != ""; {
		var element string
		element, rest, _ = strings.Cut(rest, ",")
		key, val, ok := strings.Cut(element, "=")
		switch {
		case !ok || key == "":
			return time.Time{}, fmt.Errorf("%w: element is not key=value", ErrMalformedHeader)
		case key == "t" && seenT:
			return time.Time{}, fmt.Errorf("%w: more than one t element", ErrMalformedHeader)
		case key == "t":
			tsValue, seenT = val, true
		case key == "v1":
			seenV1 = true
		}
	}
	if !seenT {
		return time.Time{}, fmt.Errorf("%w: no t element", ErrMalformedHeader)
	}
	if !seenV1 {
		return time.Time{}, fmt.Errorf("%w: no v1 element", ErrInvalidSignature)
	}
	return parseTimestamp(tsValue)
}

// stripeMatches reports whether any v1 element of value is the signature of
// prefix followed by body under any key.
func stripeMatches(macs *macSet, prefix, body []byte, value string) bool {
	scratch := macs.get()
	defer macs.put(scratch)
	for i := range macs.keys {
		want := scratch.hexMAC(macs, i, prefix, body)
		for rest := value; rest != ""; {
			var element string
			element, rest, _ = strings.Cut(rest, ",")
			if sig, ok := strings.CutPrefix(element, "v1="); ok && equalConstantTime(want, sig) {
				return true
			}
		}
	}
	return false
}

// Sign sets Stripe-Signature with one v1 element per secret. Stripe sends no
// delivery id, so id is ignored.
func (s *Stripe) Sign(header http.Header, _ string, timestamp time.Time, body []byte) error {
	macs, err := keysOrError(&s.macs, s.Secrets)
	if err != nil {
		return fmt.Errorf("sign stripe webhook: %w", err)
	}
	ts := strconv.FormatInt(timestamp.Unix(), 10)
	prefix := []byte(ts + ".")

	var b strings.Builder
	b.WriteString("t=" + ts)
	scratch := macs.get()
	for i := range macs.keys {
		b.WriteString(",v1=")
		b.Write(scratch.hexMAC(macs, i, prefix, body))
	}
	macs.put(scratch)
	header.Set(StripeSignatureHeader, b.String())
	return nil
}
