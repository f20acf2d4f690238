package webhook

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the GitHub, Shopify and Slack schemes, in canonical form.
const (
	GitHubSignatureHeader  = "X-Hub-Signature-256"
	GitHubDeliveryHeader   = "X-Github-Delivery"
	ShopifySignatureHeader = "X-Shopify-Hmac-Sha256"
	ShopifyWebhookIDHeader = "X-Shopify-Webhook-Id"
	SlackSignatureHeader   = "X-Slack-Signature"
	SlackTimestampHeader   = "X-Slack-Request-Timestamp"
)

const (
	githubScheme  = "github"
	shopifyScheme = "shopify"
	slackScheme   = "slack"
)

// hmacEncoding is the text encoding of a scheme's HMAC-SHA256 header.
type hmacEncoding int

const (
	hexHMAC hmacEncoding = iota
	base64HMAC
)

// matchesAnyKey reports whether sig is the HMAC of prefix followed by body
// under any key of macs, in the given encoding.
func matchesAnyKey(macs *macSet, enc hmacEncoding, prefix, body []byte, sig string) bool {
	scratch := macs.get()
	defer macs.put(scratch)
	for i := range macs.keys {
		var want []byte
		if enc == hexHMAC {
			want = scratch.hexMAC(macs, i, prefix, body)
		} else {
			want = scratch.base64MAC(macs, i, prefix, body)
		}
		if equalConstantTime(want, sig) {
			return true
		}
	}
	return false
}

// signFirstKey returns the encoded HMAC of prefix followed by body under the
// first key of macs.
func signFirstKey(macs *macSet, enc hmacEncoding, prefix, body []byte) string {
	scratch := macs.get()
	defer macs.put(scratch)
	if enc == hexHMAC {
		return string(scratch.hexMAC(macs, 0, prefix, body))
	}
	return string(scratch.base64MAC(macs, 0, prefix, body))
}

// keysOrError returns the macSet of a scheme that needs at least one secret.
func keysOrError(lazy *lazyMACs, secrets [][]byte) (*macSet, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%w: no secret configured", ErrInvalidKey)
	}
	return lazy.get(secrets)
}

// GitHub is GitHub's webhook signature scheme.
//
// X-Hub-Signature-256 carries "sha256=" followed by the lowercase hex
// HMAC-SHA256 of the raw body. GitHub signs no timestamp, so no tolerance
// window applies and a captured request stays valid for as long as the
// secret does. Replay protection therefore rests on the replay store alone
// and lasts as long as its retention. The legacy SHA-1 header
// X-Hub-Signature is not accepted.
//
// Delivery.ID is X-GitHub-Delivery. That header is not signed, so
// Delivery.ReplayKey is ContentKey of the body instead.
type GitHub struct {
	// Secrets are the webhook secrets as configured on GitHub, as bytes.
	// Verify accepts a signature under any of them. Sign uses the first.
	Secrets [][]byte

	macs lazyMACs
}

var (
	_ Verifier = (*GitHub)(nil)
	_ Signer   = (*GitHub)(nil)
)

// Verify checks a GitHub request; see Verifier.
func (g *GitHub) Verify(body []byte, header http.Header, _ time.Time) (Delivery, error) {
	macs, err := keysOrError(&g.macs, g.Secrets)
	if err != nil {
		return Delivery{}, verifyError(githubScheme, "", err)
	}
	sig, err := cutSignature(githubScheme, header, GitHubSignatureHeader, "sha256=")
	if err != nil {
		return Delivery{}, err
	}
	if !matchesAnyKey(macs, hexHMAC, nil, body, sig) {
		return Delivery{}, verifyError(githubScheme, GitHubSignatureHeader, ErrInvalidSignature)
	}

	key := ContentKey(body)
	id := header.Get(GitHubDeliveryHeader)
	if id == "" {
		id = key
	}
	return Delivery{ID: id, ReplayKey: key, Header: header}, nil
}

// Sign sets X-Hub-Signature-256 and, unless id is empty,
// X-GitHub-Delivery. GitHub signs no timestamp, so timestamp is ignored.
func (g *GitHub) Sign(header http.Header, id string, _ time.Time, body []byte) error {
	macs, err := keysOrError(&g.macs, g.Secrets)
	if err != nil {
		return fmt.Errorf("sign github webhook: %w", err)
	}
	header.Set(GitHubSignatureHeader, "sha256="+signFirstKey(macs, hexHMAC, nil, body))
	if id != "" {
		header.Set(GitHubDeliveryHeader, id)
	}
	return nil
}

// Shopify is Shopify's webhook signature scheme.
//
// X-Shopify-Hmac-Sha256 carries the standard base64 HMAC-SHA256 of the raw
// body, keyed with the app's client secret. Shopify signs no timestamp, so,
// as for GitHub, no tolerance window applies and replay protection lasts as
// long as the replay store's retention.
//
// Delivery.ID is X-Shopify-Webhook-Id, which stays the same across Shopify's
// retries. That header is not signed, so Delivery.ReplayKey is ContentKey of
// the body instead.
type Shopify struct {
	// Secrets are the app's client secrets, as bytes. Verify accepts a
	// signature under any of them. Sign uses the first.
	Secrets [][]byte

	macs lazyMACs
}

var (
	_ Verifier = (*Shopify)(nil)
	_ Signer   = (*Shopify)(nil)
)

// Verify checks a Shopify request; see Verifier.
func (s *Shopify) Verify(body []byte, header http.Header, _ time.Time) (Delivery, error) {
	macs, err := keysOrError(&s.macs, s.Secrets)
	if err != nil {
		return Delivery{}, verifyError(shopifyScheme, "", err)
	}
	sig, err := cutSignature(shopifyScheme, header, ShopifySignatureHeader, "")
	if err != nil {
		return Delivery{}, err
	}
	if !matchesAnyKey(macs, base64HMAC, nil, body, sig) {
		return Delivery{}, verifyError(shopifyScheme, ShopifySignatureHeader, ErrInvalidSignature)
	}

	key := ContentKey(body)
	id := header.Get(ShopifyWebhookIDHeader)
	if id == "" {
		id = key
	}
	return Delivery{ID: id, ReplayKey: key, Header: header}, nil
}

// Sign sets X-Shopify-Hmac-Sha256 and, unless id is empty,
// X-Shopify-Webhook-Id. Shopify signs no timestamp, so timestamp is
// ignored.
func (s *Shopify) Sign(header http.Header, id string, _ time.Time, body []byte) error {
	macs, err := keysOrError(&s.macs, s.Secrets)
	if err != nil {
		return fmt.Errorf("sign shopify webhook: %w", err)
	}
	header.Set(ShopifySignatureHeader, signFirstKey(macs, base64HMAC, nil, body))
	if id != "" {
		header.Set(ShopifyWebhookIDHeader, id)
	}
	return nil
}

// Slack is Slack's request signature scheme.
//
// X-Slack-Request-Timestamp carries Unix seconds, and X-Slack-Signature
// carries "v0=" followed by the lowercase hex HMAC-SHA256 of "v0:", the
// timestamp, ":" and the raw body. Slack sends no delivery id, so
// Delivery.ID and Delivery.ReplayKey are ContentKey of the signed content.
// Slack's retries of one event carry the same body but may carry a new
// timestamp, and then get a new key: deduplicate those by the event_id in
// the body.
type Slack struct {
	// Secrets are the app's signing secrets, as bytes. Verify accepts a
	// signature under any of them. Sign uses the first.
	Secrets [][]byte

	// Tolerance is how far the timestamp may lie from the receiver's clock,
	// in either direction (see CheckTimestamp). Zero means
	// DefaultTolerance, which is also what Slack recommends.
	Tolerance time.Duration

	macs lazyMACs
}

var (
	_ Verifier = (*Slack)(nil)
	_ Signer   = (*Slack)(nil)
)

// Verify checks a Slack request; see Verifier.
func (s *Slack) Verify(body []byte, header http.Header, now time.Time) (Delivery, error) {
	macs, err := keysOrError(&s.macs, s.Secrets)
	if err != nil {
		return Delivery{}, verifyError(slackScheme, "", err)
	}
	tsValue := header.Get(SlackTimestampHeader)
	if tsValue == "" {
		return Delivery{}, verifyError(slackScheme, SlackTimestampHeader, ErrMissingHeader)
	}
	sig, err := cutSignature(slackScheme, header, SlackSignatureHeader, "v0=")
	if err != nil {
		return Delivery{}, err
	}
	ts, err := parseTimestamp(tsValue)
	if err != nil {
		return Delivery{}, verifyError(slackScheme, SlackTimestampHeader, err)
	}
	if err := CheckTimestamp(ts, now, orDefault(s.Tolerance)); err != nil {
		return Delivery{}, verifyError(slackScheme, SlackTimestampHeader, err)
	}

	var buf [32]byte
	prefix := strconv.AppendInt(append(buf[:0], "v0:"...), ts.Unix(), 10)
	prefix = append(prefix, ':')
	if !matchesAnyKey(macs, hexHMAC, prefix, body, sig) {
		return Delivery{}, verifyError(slackScheme, SlackSignatureHeader, ErrInvalidSignature)
	}
	key := ContentKey(prefix, body)
	return Delivery{ID: key, ReplayKey: key, Timestamp: ts, Header: header}, nil
}

// Sign sets X-Slack-Request-Timestamp and X-Slack-Signature. Slack sends no
// delivery id, so id is ignored.
func (s *Slack) Sign(header http.Header, _ string, timestamp time.Time, body []byte) error {
	macs, err := keysOrError(&s.macs, s.Secrets)
	if err != nil {
		return fmt.Errorf("sign slack request: %w", err)
	}
	ts := strconv.FormatInt(timestamp.Unix(), 10)
	prefix := []byte("v0:" + ts + ":")
	header.Set(SlackTimestampHeader, ts)
	header.Set(SlackSignatureHeader, "v0="+signFirstKey(macs, hexHMAC, prefix, body))
	return nil
}

// cutSignature returns the value of the signature header name without its
// required prefix.
func cutSignature(scheme string, header http.Header, name, prefix string) (string, error) {
	value := header.Get(name)
	if value == "" {
		return "", verifyError(scheme, name, ErrMissingHeader)
	}
	sig, ok := strings.CutPrefix(value, prefix)
	if !ok {
		return "", verifyError(scheme, name, fmt.Errorf("%w: value does not start with %q", ErrMalformedHeader, prefix))
	}
	return sig, nil
}

func orDefault(tolerance time.Duration) time.Duration {
	if tolerance == 0 {
		return DefaultTolerance
	}
	return tolerance
}
