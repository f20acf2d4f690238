package webhook

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Header names of the Standard Webhooks scheme, in canonical form, and the
// same headers as Svix names them.
const (
	StandardIDHeader        = "Webhook-Id"
	StandardTimestampHeader = "Webhook-Timestamp"
	StandardSignatureHeader = "Webhook-Signature"
	SvixIDHeader            = "Svix-Id"
	SvixTimestampHeader     = "Svix-Timestamp"
	SvixSignatureHeader     = "Svix-Signature"
)

const standardScheme = "standard-webhooks"

// StandardWebhooks is the Standard Webhooks signature scheme
// (https://www.standardwebhooks.com), which Svix also sends.
//
// A request carries webhook-id, webhook-timestamp (Unix seconds) and
// webhook-signature. The signed content is the id, the timestamp and the
// raw body joined by "." characters. webhook-signature is a space-separated
// list of "version,signature" entries: "v1," followed by the base64
// HMAC-SHA256 of the signed content, or "v1a," followed by the base64
// ed25519 signature of it. A request is authentic when any entry matches
// any configured key, so senders can sign with old and new keys while keys
// rotate. Entries of other versions are ignored.
//
// Verify also accepts the svix-id, svix-timestamp and svix-signature names
// when no webhook- header is present. The id is signed, so it serves as the
// replay key.
//
// Configure it with a struct literal or NewStandardWebhooks, then do not
// modify its fields: keys are copied on the first call of Verify or Sign.
type StandardWebhooks struct {
	// Secrets are the symmetric keys of the v1 scheme, as raw bytes (see
	// ParseStandardSecret to decode a "whsec_" string). Verify accepts a v1
	// signature under any of them. Sign adds one v1 signature per secret.
	Secrets [][]byte

	// PublicKeys are the ed25519 keys with which Verify checks v1a
	// signatures, besides the public halves of PrivateKeys.
	PublicKeys []ed25519.PublicKey

	// PrivateKeys are the ed25519 keys with which Sign adds v1a signatures.
	PrivateKeys []ed25519.PrivateKey

	// Tolerance is how far the signed timestamp may lie from the receiver's
	// clock, in either direction (see CheckTimestamp). Zero means
	// DefaultTolerance.
	Tolerance time.Duration

	// HeaderPrefix is the prefix of the header names that Sign sets. The
	// zero value means "webhook-"; set "svix-" for receivers that read only
	// Svix's names.
	HeaderPrefix string

	macs       lazyMACs
	publicOnce sync.Once
	verifyKeys []ed25519.PublicKey
}

var (
	_ Verifier = (*StandardWebhooks)(nil)
	_ Signer   = (*StandardWebhooks)(nil)
)

// standardHeaders names the three headers of one naming family.
type standardHeaders struct{ id, timestamp, signature string }

var (
	webhookNames = standardHeaders{StandardIDHeader, StandardTimestampHeader, StandardSignatureHeader}
	svixNames    = standardHeaders{SvixIDHeader, SvixTimestampHeader, SvixSignatureHeader}
)

// Verify checks a Standard Webhooks request; see Verifier.
func (s *StandardWebhooks) Verify(body []byte, header http.Header, now time.Time) (Delivery, error) {
	names := webhookNames
	if !hasAny(header, webhookNames) && hasAny(header, svixNames) {
		names = svixNames
	}
	id, tsValue, signatures, err := requireStandardHeaders(header, names)
	if err != nil {
		return Delivery{}, err
	}

	if len(s.Secrets) == 0 && len(s.PublicKeys) == 0 && len(s.PrivateKeys) == 0 {
		return Delivery{}, verifyError(standardScheme, "", fmt.Errorf("%w: no secret or key configured", ErrInvalidKey))
	}
	macs, err := s.macs.get(s.Secrets)
	if err != nil {
		return Delivery{}, verifyError(standardScheme, "", err)
	}
	scratch := macs.get()
	defer macs.put(scratch)

	ts, err := parseTimestamp(tsValue)
	if err != nil {
		return Delivery{}, verifyError(standardScheme, strings.ToLower(names.timestamp), err)
	}
	if err := CheckTimestamp(ts, now, s.tolerance()); err != nil {
		return Delivery{}, verifyError(standardScheme, strings.ToLower(names.timestamp), err)
	}
	prefix := append(scratch.buf[:0], id...)
	prefix = append(prefix, '.')
	prefix = strconv.AppendInt(prefix, ts.Unix(), 10)
	prefix = append(prefix, '.')
	scratch.buf = prefix

	if !s.matches(macs, scratch, prefix, body, signatures) {
		return Delivery{}, verifyError(standardScheme, strings.ToLower(names.signature), ErrInvalidSignature)
	}
	return Delivery{ID: id, ReplayKey: id, Timestamp: ts, Header: header}, nil
}

func (s *StandardWebhooks) tolerance() time.Duration {
	if s.Tolerance == 0 {
		return DefaultTolerance
	}
	return s.Tolerance
}

// matches reports whether any entry of the signature list verifies under
// any key.
func (s *StandardWebhooks) matches(macs *macSet, scratch *macScratch, prefix, body []byte, signatures string) bool {
	for i := range macs.keys {
		want := scratch.base64MAC(macs, i, prefix, body)
		for rest := signatures; rest != ""; {
			var entry string
			entry, rest, _ = strings.Cut(rest, " ")
			if sig, ok := strings.CutPrefix(entry, "v1,"); ok && equalConstantTime(want, sig) {
				return true
			}
		}
	}

	keys := s.publicKeys()
	if len(keys) == 0 || !strings.Contains(signatures, "v1a,") {
		return false
	}
	message := append(append(make([]byte, 0, len(prefix)+len(body)), prefix...), body...)
	for rest := signatures; rest != ""; {
		var entry string
		entry, rest, _ = strings.Cut(rest, " ")
		sig, ok := strings.CutPrefix(entry, "v1a,")
		if ok && verifyEd25519(keys, message, sig) {
			return true
		}
	}
	return false
}

// publicKeys returns PublicKeys followed by the public halves of
// PrivateKeys, copied on first use.
func (s *StandardWebhooks) publicKeys() []ed25519.PublicKey {
	s.publicOnce.Do(func() {
		for _, k := range s.PublicKeys {
			s.verifyKeys = append(s.verifyKeys, ed25519.PublicKey(append([]byte(nil), k...)))
		}
		for _, k := range s.PrivateKeys {
			if len(k) == ed25519.PrivateKeySize {
				s.verifyKeys = append(s.verifyKeys, k.Public().(ed25519.PublicKey))
			}
		}
	})
	return s.verifyKeys
}

func verifyEd25519(keys []ed25519.PublicKey, message []byte, encoded string) bool {
	var sig [ed25519.SignatureSize]byte
	n, err := base64.StdEncoding.Decode(sig[:], []byte(encoded))
	if err != nil || n != len(sig) || len(encoded) != base64.StdEncoding.EncodedLen(len(sig)) {
		return false
	}
	for _, k := range keys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, message, sig[:]) {
			return true
		}
	}
	return false
}

func hasAny(header http.Header, names standardHeaders) bool {
	return header.Get(names.id) != "" || header.Get(names.timestamp) != "" || header.Get(names.signature) != ""
}

func requireStandardHeaders(header http.Header, names standardHeaders) (id, ts, signatures string, err error) {
	id = header.Get(names.id)
	ts = header.Get(names.timestamp)
	signatures = header.Get(names.signature)
	missing := ""
	switch {
	case id == "":
		missing = names.id
	case ts == "":
		missing = names.timestamp
	case signatures == "":
		missing = names.signature
	default:
		return id, ts, signatures, nil
	}
	return "", "", "", verifyError(standardScheme, strings.ToLower(missing), ErrMissingHeader)
}

// Sign sets the id, timestamp and signature headers; see Signer. The
// signature header lists one v1 entry per secret, then one v1a entry per
// private key.
func (s *StandardWebhooks) Sign(header http.Header, id string, timestamp time.Time, body []byte) error {
	if id == "" {
		return fmt.Errorf("sign standard webhook: empty message id")
	}
	if len(s.Secrets) == 0 && len(s.PrivateKeys) == 0 {
		return fmt.Errorf("sign standard webhook: %w: no secret or private key", ErrInvalidKey)
	}
	macs, err := s.macs.get(s.Secrets)
	if err != nil {
		return fmt.Errorf("sign standard webhook: %w", err)
	}

	content := fmt.Appendf(nil, "%s.%d.", id, timestamp.Unix())
	var sig strings.Builder
	scratch := macs.get()
	for i := range macs.keys {
		addEntry(&sig, "v1,", string(scratch.base64MAC(macs, i, content, body)))
	}
	macs.put(scratch)

	message := append(content, body...)
	for i, k := range s.PrivateKeys {
		if len(k) != ed25519.PrivateKeySize {
			return fmt.Errorf("sign standard webhook: %w: private key %d has %d bytes, want %d",
				ErrInvalidKey, i+1, len(k), ed25519.PrivateKeySize)
		}
		addEntry(&sig, "v1a,", base64.StdEncoding.EncodeToString(ed25519.Sign(k, message)))
	}

	prefix := s.HeaderPrefix
	if prefix == "" {
		prefix = "webhook-"
	}
	header.Set(prefix+"id", id)
	header.Set(prefix+"timestamp", strconv.FormatInt(timestamp.Unix(), 10))
	header.Set(prefix+"signature", sig.String())
	return nil
}

func addEntry(b *strings.Builder, version, sig string) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(version)
	b.WriteString(sig)
}
