package webhook_test

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/webhook"
)

// signatureVector is one entry of testdata/webhook-signatures.json, a set
// of known-answer vectors gathered from the Standard Webhooks and Svix
// libraries, Convoy, and the GitHub, Slack and Twilio documentation.
type signatureVector struct {
	ID                string `json:"id"`
	Scheme            string `json:"scheme"`
	Kind              string `json:"kind"`
	Secret            string `json:"secret"`
	PublicKey         string `json:"public_key"`
	MsgID             string `json:"msg_id"`
	Timestamp         int64  `json:"timestamp"`
	Payload           string `json:"payload"`
	ExpectedSignature string `json:"expected_signature"`
	SignatureHeader   string `json:"signature_header"`
	Expected          string `json:"expected"`
	ToleranceSeconds  int64  `json:"tolerance_seconds"`
	OffsetSeconds     int64  `json:"timestamp_offset_seconds"`
	TimestampHeader   string `json:"timestamp_header"`
	Hash              string `json:"hash"`
	Encoding          string `json:"encoding"`
}

func loadVectors(t *testing.T) []signatureVector {
	t.Helper()
	raw, err := os.ReadFile("testdata/webhook-signatures.json")
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var file struct {
		Vectors []signatureVector `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
	if len(file.Vectors) != 56 {
		t.Fatalf("got %d vectors, want 56", len(file.Vectors))
	}
	return file.Vectors
}

// TestSignatureVectors runs every vector for its expected outcome. A vector
// of a scheme or kind that this test does not know fails the test, so that
// none is skipped silently.
func TestSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			switch v.Scheme {
			case "standard-webhooks":
				runStandardVector(t, v)
			case "github":
				err := verifyGitHubVector(v)
				checkOutcome(t, err, v.Expected, webhook.ErrInvalidSignature)
			case "slack":
				err := verifySlackVector(v)
				checkOutcome(t, err, v.Expected, webhook.ErrInvalidSignature)
			case "convoy-simple", "convoy-advanced":
				// Convoy is not a built-in scheme; these vectors exercise a
				// custom scheme written against the Verifier interface.
				_, err := newConvoyVerifier(v).Verify([]byte(v.Payload), convoyHeader(v), convoyNow)
				checkOutcome(t, err, v.Expected, nil)
			case "twilio":
				t.Skip("out of scope: Twilio signs the request URL and form parameters, " +
					"which a Verifier does not receive, and no Twilio scheme is built in")
			default:
				t.Fatalf("vector of unknown scheme %q", v.Scheme)
			}
		})
	}
}

func runStandardVector(t *testing.T, v signatureVector) {
	switch v.Kind {
	case "hmac_sign":
		secret := mustParseSecret(t, v.Secret)
		header := signStandard(t, &webhook.StandardWebhooks{Secrets: [][]byte{secret}}, v)
		if got := header.Get("webhook-signature"); got != v.ExpectedSignature {
			t.Errorf("got signature %q, want %q", got, v.ExpectedSignature)
		}
		err := verifyStandardVector(&webhook.StandardWebhooks{Secrets: [][]byte{secret}}, v)
		checkOutcome(t, err, v.Expected, webhook.ErrInvalidSignature)
	case "hmac_verify":
		s := &webhook.StandardWebhooks{Secrets: [][]byte{mustParseSecret(t, v.Secret)}}
		checkOutcome(t, verifyStandardVector(s, v), v.Expected, webhook.ErrInvalidSignature)
	case "ed25519_sign":
		runEd25519Vector(t, v)
	case "secret_parse":
		checkOutcome(t, parseSigningKey(v.Secret), v.Expected, webhook.ErrInvalidKey)
	case "timestamp_tolerance":
		runToleranceVector(t, v)
	case "hmac_verify_ignoring_timestamp":
		runReplacedTimestampVector(t, v)
	case "spec_example":
		t.Skip("the specification publishes no secret for this example, so it cannot be verified")
	default:
		t.Fatalf("standard-webhooks vector of unknown kind %q", v.Kind)
	}
}

func runEd25519Vector(t *testing.T, v signatureVector) {
	private, err := webhook.ParseStandardPrivateKey(v.Secret)
	if err != nil {
		t.Fatalf("ParseStandardPrivateKey: %v", err)
	}
	signer := &webhook.StandardWebhooks{PrivateKeys: []ed25519.PrivateKey{private}}
	header := signStandard(t, signer, v)
	if got := header.Get("webhook-signature"); got != v.ExpectedSignature {
		t.Errorf("got signature %q, want %q", got, v.ExpectedSignature)
	}

	public, err := webhook.ParseStandardPublicKey(v.PublicKey)
	if err != nil {
		t.Fatalf("ParseStandardPublicKey: %v", err)
	}
	verifier := &webhook.StandardWebhooks{PublicKeys: []ed25519.PublicKey{public}}
	checkOutcome(t, verifyStandardVector(verifier, v), v.Expected, webhook.ErrInvalidSignature)
}

// runToleranceVector signs at now plus the vector's offset and verifies at
// now, which has a fractional second to show that the window is counted in
// whole seconds.
func runToleranceVector(t *testing.T, v signatureVector) {
	now := time.Unix(1_700_000_000, 900_000_000)
	s := &webhook.StandardWebhooks{
		Secrets:   [][]byte{mustParseSecret(t, v.Secret)},
		Tolerance: time.Duration(v.ToleranceSeconds) * time.Second,
	}
	header := http.Header{}
	if err := s.Sign(header, v.MsgID, now.Add(time.Duration(v.OffsetSeconds)*time.Second), []byte(v.Payload)); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	_, err := s.Verify([]byte(v.Payload), header, now)
	// The boundary vector is "valid-by-rule": this package accepts a
	// timestamp exactly Tolerance away.
	checkOutcome(t, err, strings.TrimSuffix(v.Expected, "-by-rule"), webhook.ErrTimestampOutOfWindow)
}

// runReplacedTimestampVector signs at one time, replaces the timestamp
// header, and verifies at the replaced time, so that the window passes and
// only the signature can reject the request.
func runReplacedTimestampVector(t *testing.T, v signatureVector) {
	s := &webhook.StandardWebhooks{Secrets: [][]byte{mustParseSecret(t, v.Secret)}}
	header := http.Header{}
	if err := s.Sign(header, v.MsgID, time.Unix(1_700_000_000, 0), []byte(v.Payload)); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	header.Set("webhook-timestamp", v.TimestampHeader)
	replaced, err := strconv.ParseInt(v.TimestampHeader, 10, 64)
	if err != nil {
		t.Fatalf("vector timestamp: %v", err)
	}
	_, err = s.Verify([]byte(v.Payload), header, time.Unix(replaced, 0))
	checkOutcome(t, err, v.Expected, webhook.ErrInvalidSignature)
}

func signStandard(t *testing.T, s *webhook.StandardWebhooks, v signatureVector) http.Header {
	t.Helper()
	header := http.Header{}
	if err := s.Sign(header, v.MsgID, time.Unix(v.Timestamp, 0), []byte(v.Payload)); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return header
}

func verifyStandardVector(s *webhook.StandardWebhooks, v signatureVector) error {
	header := http.Header{}
	header.Set("webhook-id", v.MsgID)
	header.Set("webhook-timestamp", strconv.FormatInt(v.Timestamp, 10))
	header.Set("webhook-signature", v.SignatureHeader)
	_, err := s.Verify([]byte(v.Payload), header, time.Unix(v.Timestamp, 0))
	return err
}

func verifyGitHubVector(v signatureVector) error {
	header := http.Header{}
	header.Set(webhook.GitHubSignatureHeader, v.SignatureHeader)
	g := &webhook.GitHub{Secrets: [][]byte{[]byte(v.Secret)}}
	_, err := g.Verify([]byte(v.Payload), header, time.Now())
	return err
}

func verifySlackVector(v signatureVector) error {
	header := http.Header{}
	header.Set(webhook.SlackSignatureHeader, v.SignatureHeader)
	header.Set(webhook.SlackTimestampHeader, strconv.FormatInt(v.Timestamp, 10))
	s := &webhook.Slack{Secrets: [][]byte{[]byte(v.Secret)}}
	_, err := s.Verify([]byte(v.Payload), header, time.Unix(v.Timestamp, 0))
	return err
}

// parseSigningKey parses a key where a sender's signing key is expected: a
// whsk_ private key or a symmetric secret.
func parseSigningKey(s string) error {
	if strings.HasPrefix(s, webhook.StandardPrivateKeyPrefix) {
		_, err := webhook.ParseStandardPrivateKey(s)
		return err
	}
	_, err := webhook.ParseStandardSecret(s)
	return err
}

func mustParseSecret(t *testing.T, s string) []byte {
	t.Helper()
	secret, err := webhook.ParseStandardSecret(s)
	if err != nil {
		t.Fatalf("ParseStandardSecret: %v", err)
	}
	return secret
}

// checkOutcome compares err with the expected outcome "valid" or "invalid".
// For "invalid", a non-nil sentinel must be in err's chain.
func checkOutcome(t *testing.T, err error, expected string, sentinel error) {
	t.Helper()
	switch expected {
	case "valid":
		if err != nil {
			t.Errorf("got error %v, want valid", err)
		}
	case "invalid":
		if err == nil {
			t.Fatal("got valid, want an error")
		}
		if sentinel != nil && !errors.Is(err, sentinel) {
			t.Errorf("got error %v, want one wrapping %v", err, sentinel)
		}
	default:
		t.Fatalf("unknown expected outcome %q", expected)
	}
}

// convoyNow is the receiver's clock for the Convoy vectors, which sign
// 2023-11-14 and expect rejection under a 300 s tolerance.
var convoyNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const convoySignatureHeader = "X-Convoy-Signature"

// newConvoyVerifier returns Convoy's scheme as a custom Verifier. In simple
// mode the header is the encoded HMAC of the body. In advanced mode it is
// "t=<unix>,v1=<sig>[,v1=<sig>...]", signing "<unix>,<body>".
func newConvoyVerifier(v signatureVector) webhook.Verifier {
	newHash := sha256.New
	if v.Hash == "SHA512" {
		newHash = sha512.New
	}
	encode := hex.EncodeToString
	if v.Encoding == "base64" {
		encode = base64.StdEncoding.EncodeToString
	}
	sign := func(content ...[]byte) string {
		mac := hmac.New(newHash, []byte(v.Secret))
		for _, c := range content {
			mac.Write(c)
		}
		return encode(mac.Sum(nil))
	}
	tolerance := time.Duration(v.ToleranceSeconds) * time.Second
	advanced := v.Scheme == "convoy-advanced"

	return webhook.VerifierFunc(func(body []byte, header http.Header, now time.Time) (webhook.Delivery, error) {
		value := header.Get(convoySignatureHeader)
		if value == "" {
			return webhook.Delivery{}, webhook.ErrMissingHeader
		}
		if !advanced {
			if !hmac.Equal([]byte(sign(body)), []byte(value)) {
				return webhook.Delivery{}, webhook.ErrInvalidSignature
			}
			key := webhook.ContentKey(body)
			return webhook.Delivery{ID: key, ReplayKey: key, Header: header}, nil
		}
		return verifyConvoyAdvanced(body, header, value, now, tolerance, sign)
	})
}

func verifyConvoyAdvanced(body []byte, header http.Header, value string, now time.Time,
	tolerance time.Duration, sign func(...[]byte) string) (webhook.Delivery, error) {
	var tsValue string
	var sigs []string
	for _, element := range strings.Split(value, ",") {
		key, val, _ := strings.Cut(element, "=")
		switch key {
		case "t":
			tsValue = val
		case "v1":
			sigs = append(sigs, val)
		}
	}
	secs, err := strconv.ParseInt(tsValue, 10, 64)
	if err != nil {
		return webhook.Delivery{}, fmt.Errorf("%w: t is not an integer", webhook.ErrMalformedHeader)
	}
	ts := time.Unix(secs, 0)
	if err := webhook.CheckTimestamp(ts, now, tolerance); err != nil {
		return webhook.Delivery{}, err
	}
	want := []byte(sign([]byte(tsValue+","), body))
	for _, sig := range sigs {
		if hmac.Equal(want, []byte(sig)) {
			key := webhook.ContentKey([]byte(tsValue+","), body)
			return webhook.Delivery{ID: key, ReplayKey: key, Timestamp: ts, Header: header}, nil
		}
	}
	return webhook.Delivery{}, webhook.ErrInvalidSignature
}

func convoyHeader(v signatureVector) http.Header {
	header := http.Header{}
	header.Set(convoySignatureHeader, v.SignatureHeader)
	return header
}
