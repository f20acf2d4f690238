package webhook_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/webhook"
)

var (
	testNow    = time.Unix(1_700_000_000, 0)
	testBody   = []byte(`{"type":"invoice.paid","data":{"id":"in_1"}}`)
	testSecret = []byte("0123456789abcdef0123456789abcdef")
	otherKey   = []byte("fedcba9876543210fedcba9876543210")
)

// scheme is one built-in scheme under test, as signer and verifier.
type scheme struct {
	name string
	new  func(secrets ...[]byte) interface {
		webhook.Verifier
		webhook.Signer
	}
	signedID        bool // Delivery.ID comes from the request
	timestamped     bool
	signatureHeader string
}

var schemes = []scheme{
	{"standard", func(s ...[]byte) interface {
		webhook.Verifier
		webhook.Signer
	} {
		return &webhook.StandardWebhooks{Secrets: s}
	}, true, true, "Webhook-Signature"},
	{"github", func(s ...[]byte) interface {
		webhook.Verifier
		webhook.Signer
	} {
		return &webhook.GitHub{Secrets: s}
	}, true, false, webhook.GitHubSignatureHeader},
	{"stripe", func(s ...[]byte) interface {
		webhook.Verifier
		webhook.Signer
	} {
		return &webhook.Stripe{Secrets: s}
	}, false, true, webhook.StripeSignatureHeader},
	{"slack", func(s ...[]byte) interface {
		webhook.Verifier
		webhook.Signer
	} {
		return &webhook.Slack{Secrets: s}
	}, false, true, webhook.SlackSignatureHeader},
	{"shopify", func(s ...[]byte) interface {
		webhook.Verifier
		webhook.Signer
	} {
		return &webhook.Shopify{Secrets: s}
	}, true, false, webhook.ShopifySignatureHeader},
}

func sign(t *testing.T, s webhook.Signer, id string, ts time.Time, body []byte) http.Header {
	t.Helper()
	header := http.Header{}
	if err := s.Sign(header, id, ts, body); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return header
}

func TestSchemesRoundTrip(t *testing.T) {
	for _, sc := range schemes {
		t.Run(sc.name, func(t *testing.T) {
			s := sc.new(testSecret)
			header := sign(t, s, "msg_1", testNow, testBody)
			d, err := s.Verify(testBody, header, testNow)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if sc.signedID && d.ID != "msg_1" {
				t.Errorf("got ID %q, want msg_1", d.ID)
			}
			if d.ReplayKey == "" {
				t.Error("got empty ReplayKey")
			}
			if sc.timestamped && !d.Timestamp.Equal(testNow) {
				t.Errorf("got Timestamp %v, want %v", d.Timestamp, testNow)
			}
			if !sc.timestamped && !d.Timestamp.IsZero() {
				t.Errorf("got Timestamp %v, want zero", d.Timestamp)
			}
		})
	}
}

func TestSchemesReject(t *testing.T) {
	type mutation struct {
		name   string
		mutate func(header http.Header, body []byte) []byte
		want   error
	}
	for _, sc := range schemes {
		mutations := []mutation{
			{"tampered body", func(_ http.Header, body []byte) []byte {
				return bytes.Replace(body, []byte("in_1"), []byte("in_2"), 1)
			}, webhook.ErrInvalidSignature},
			{"appended byte", func(_ http.Header, body []byte) []byte { return append(body, ' ') }, webhook.ErrInvalidSignature},
			{"empty body", func(http.Header, []byte) []byte { return nil }, webhook.ErrInvalidSignature},
			{"missing signature", func(h http.Header, body []byte) []byte {
				h.Del(sc.signatureHeader)
				return body
			}, webhook.ErrMissingHeader},
			{"empty signature", func(h http.Header, body []byte) []byte {
				h.Set(sc.signatureHeader, "")
				return body
			}, webhook.ErrMissingHeader},
		}
		for _, m := range mutations {
			t.Run(sc.name+"/"+m.name, func(t *testing.T) {
				s := sc.new(testSecret)
				header := sign(t, s, "msg_1", testNow, testBody)
				body := m.mutate(header, bytes.Clone(testBody))
				_, err := s.Verify(body, header, testNow)
				if !errors.Is(err, m.want) {
					t.Errorf("got error %v, want %v", err, m.want)
				}
			})
		}
		t.Run(sc.name+"/other secret", func(t *testing.T) {
			header := sign(t, sc.new(otherKey), "msg_1", testNow, testBody)
			_, err := sc.new(testSecret).Verify(testBody, header, testNow)
			if !errors.Is(err, webhook.ErrInvalidSignature) {
				t.Errorf("got error %v, want %v", err, webhook.ErrInvalidSignature)
			}
		})
	}
}

func TestSchemesRotateSecrets(t *testing.T) {
	for _, sc := range schemes {
		t.Run(sc.name, func(t *testing.T) {
			header := sign(t, sc.new(otherKey), "msg_1", testNow, testBody)
			if _, err := sc.new(testSecret, otherKey).Verify(testBody, header, testNow); err != nil {
				t.Errorf("signature under the second secret: got error %v, want valid", err)
			}
			header = sign(t, sc.new(testSecret), "msg_1", testNow, testBody)
			if _, err := sc.new(otherKey, testSecret).Verify(testBody, header, testNow); err != nil {
				t.Errorf("signature under the first secret: got error %v, want valid", err)
			}
		})
	}
}

func TestSchemesRejectBadConfig(t *testing.T) {
	for _, sc := range schemes {
		t.Run(sc.name, func(t *testing.T) {
			header := sign(t, sc.new(testSecret), "msg_1", testNow, testBody)
			for _, secrets := range [][][]byte{nil, {{}}, {testSecret, {}}} {
				_, err := sc.new(secrets...).Verify(testBody, header, testNow)
				if !errors.Is(err, webhook.ErrInvalidKey) {
					t.Errorf("secrets %q: got error %v, want %v", secrets, err, webhook.ErrInvalidKey)
				}
				err = sc.new(secrets...).Sign(http.Header{}, "msg_1", testNow, testBody)
				if !errors.Is(err, webhook.ErrInvalidKey) {
					t.Errorf("Sign with secrets %q: got error %v, want %v", secrets, err, webhook.ErrInvalidKey)
				}
			}
		})
	}
}

// TestTimestampWindow checks the boundary at whole-second precision: a
// timestamp exactly 300 s away is accepted however far into its second the
// receiver's clock is, and 301 s is rejected.
func TestTimestampWindow(t *testing.T) {
	tests := []struct {
		offset   time.Duration // signed timestamp minus the receiver's second
		fraction time.Duration // the receiver's clock past its second
		valid    bool
	}{
		{0, 0, true},
		{-300 * time.Second, 0, true},
		{-300 * time.Second, 999 * time.Millisecond, true},
		{-301 * time.Second, 0, false},
		{300 * time.Second, 0, true},
		{300 * time.Second, 999 * time.Millisecond, true},
		{301 * time.Second, 0, false},
		{-24 * time.Hour, 0, false},
	}
	for _, sc := range schemes {
		if !sc.timestamped {
			continue
		}
		for _, tt := range tests {
			name := sc.name + "/" + tt.offset.String() + "+" + tt.fraction.String()
			t.Run(name, func(t *testing.T) {
				s := sc.new(testSecret)
				header := sign(t, s, "msg_1", testNow.Add(tt.offset), testBody)
				_, err := s.Verify(testBody, header, testNow.Add(tt.fraction))
				if tt.valid && err != nil {
					t.Errorf("got error %v, want valid", err)
				}
				if !tt.valid && !errors.Is(err, webhook.ErrTimestampOutOfWindow) {
					t.Errorf("got error %v, want %v", err, webhook.ErrTimestampOutOfWindow)
				}
			})
		}
	}
}

func TestCheckTimestampCustomTolerance(t *testing.T) {
	tests := []struct {
		tolerance time.Duration
		offset    time.Duration
		valid     bool
	}{
		{time.Minute, 60 * time.Second, true},
		{time.Minute, 61 * time.Second, false},
		{1500 * time.Millisecond, time.Second, true},
		{1500 * time.Millisecond, 2 * time.Second, false},
	}
	for _, tt := range tests {
		err := webhook.CheckTimestamp(testNow.Add(-tt.offset), testNow, tt.tolerance)
		if (err == nil) != tt.valid {
			t.Errorf("tolerance %v, offset %v: got error %v, want valid=%v", tt.tolerance, tt.offset, err, tt.valid)
		}
	}
}

func TestStandardMalformedHeaders(t *testing.T) {
	tests := []struct {
		name, header, value string
		want                error
	}{
		{"timestamp not a number", "webhook-timestamp", "soon", webhook.ErrMalformedHeader},
		{"timestamp with fraction", "webhook-timestamp", "1700000000.5", webhook.ErrMalformedHeader},
		{"timestamp overflows", "webhook-timestamp", "99999999999999999999", webhook.ErrMalformedHeader},
		{"missing id", "webhook-id", "", webhook.ErrMissingHeader},
		{"missing timestamp", "webhook-timestamp", "", webhook.ErrMissingHeader},
		{"tampered id", "webhook-id", "msg_2", webhook.ErrInvalidSignature},
		{"tampered timestamp", "webhook-timestamp", "1700000001", webhook.ErrInvalidSignature},
		{"unknown version only", "webhook-signature", "v9,abc", webhook.ErrInvalidSignature},
		{"v1a without keys", "webhook-signature", "v1a,abc", webhook.ErrInvalidSignature},
	}
	s := &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := sign(t, s, "msg_1", testNow, testBody)
			header.Set(tt.header, tt.value)
			_, err := s.Verify(testBody, header, testNow)
			if !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStandardCanonicalTimestamp(t *testing.T) {
	s := &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}}
	header := sign(t, s, "msg_1", testNow, testBody)
	header.Set("webhook-timestamp", "+0"+header.Get("webhook-timestamp"))
	if _, err := s.Verify(testBody, header, testNow); err != nil {
		t.Errorf("got error %v, want valid: the signed form is the parsed integer", err)
	}
}

func TestStandardSvixHeaders(t *testing.T) {
	s := &webhook.StandardWebhooks{Secrets: [][]byte{testSecret}, HeaderPrefix: "svix-"}
	header := sign(t, s, "msg_1", testNow, testBody)
	for _, name := range []string{"Svix-Id", "Svix-Timestamp", "Svix-Signature"} {
		if header.Get(name) == "" {
			t.Errorf("Sign set no %s header", name)
		}
	}
	if header.Get("Webhook-Id") != "" {
		t.Error("Sign with prefix svix- set Webhook-Id")
	}
	d, err := s.Verify(testBody, header, testNow)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if d.ID != "msg_1" {
		t.Errorf("got ID %q, want msg_1", d.ID)
	}

	// A webhook- header next to svix- ones selects the webhook- names, so
	// the missing ones are reported.
	header.Set("Webhook-Id", "msg_1")
	_, err = s.Verify(testBody, header, testNow)
	var verr *webhook.VerifyError
	if !errors.As(err, &verr) || verr.Header != "webhook-timestamp" || !errors.Is(err, webhook.ErrMissingHeader) {
		t.Errorf("got error %v, want missing webhook-timestamp", err)
	}
}

func TestStandardSignsWithEveryKey(t *testing.T) {
	s, err := webhook.NewStandardWebhooks(
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
		"whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==",
	)
	if err != nil {
		t.Fatalf("NewStandardWebhooks: %v", err)
	}
	header := sign(t, s, "msg_1", testNow, testBody)
	entries := strings.Fields(header.Get("webhook-signature"))
	var versions []string
	for _, e := range entries {
		v, _, _ := strings.Cut(e, ",")
		versions = append(versions, v)
	}
	if got, want := strings.Join(versions, " "), "v1 v1 v1a"; got != want {
		t.Errorf("got versions %q, want %q", got, want)
	}

	pub, err := webhook.ParseStandardPublicKey("whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=")
	if err != nil {
		t.Fatalf("ParseStandardPublicKey: %v", err)
	}
	onlyEd := http.Header{}
	onlyEd.Set("webhook-id", "msg_1")
	onlyEd.Set("webhook-timestamp", header.Get("webhook-timestamp"))
	onlyEd.Set("webhook-signature", entries[2])
	verifier := &webhook.StandardWebhooks{PublicKeys: []ed25519.PublicKey{pub}}
	if _, err := verifier.Verify(testBody, onlyEd, testNow); err != nil {
		t.Errorf("v1a entry alone: got error %v, want valid", err)
	}
}

func TestNewStandardWebhooksErrors(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"none", nil, "no key given"},
		{"bad second", []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_%%%"}, "key 2 of 2"},
		{"short", []string{"whsec_bm90LXZhbGlkCg=="}, "decodes to 10 bytes, want 24 to 75"},
		{"bad public", []string{"whpk_AAAA"}, "decodes to 3 bytes, want 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.NewStandardWebhooks(tt.keys...)
			if !errors.Is(err, webhook.ErrInvalidKey) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want ErrInvalidKey containing %q", err, tt.want)
			}
			for _, k := range tt.keys {
				if len(k) > 8 && strings.Contains(err.Error(), k[6:]) {
					t.Errorf("error %q contains key material", err)
				}
			}
		})
	}
}

// TestUnsignedIDIsNotReplayKey checks that GitHub and Shopify derive the
// replay key from the body, so that changing their unsigned id header
// cannot make a replayed request look new.
func TestUnsignedIDIsNotReplayKey(t *testing.T) {
	for _, sc := range schemes {
		if sc.name != "github" && sc.name != "shopify" {
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			s := sc.new(testSecret)
			first, err := s.Verify(testBody, sign(t, s, "delivery-1", testNow, testBody), testNow)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			second, err := s.Verify(testBody, sign(t, s, "delivery-2", testNow, testBody), testNow)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if first.ID == second.ID {
				t.Errorf("got equal IDs %q, want the header values", first.ID)
			}
			if first.ReplayKey != second.ReplayKey || first.ReplayKey != webhook.ContentKey(testBody) {
				t.Errorf("got keys %q and %q, want both %q", first.ReplayKey, second.ReplayKey, webhook.ContentKey(testBody))
			}
		})
	}
}

func TestStripeHeaderForms(t *testing.T) {
	s := &webhook.Stripe{Secrets: [][]byte{[]byte("whsec_test")}}
	signed := sign(t, s, "", testNow, testBody).Get(webhook.StripeSignatureHeader)
	t1, v1, _ := strings.Cut(signed, ",")
	tests := []struct {
		name, value string
		want        error
	}{
		{"as signed", signed, nil},
		{"signature first", v1 + "," + t1, nil},
		{"extra v0 and unknown", t1 + ",v0=abc,x=1," + v1, nil},
		{"second v1 wrong", t1 + ",v1=00," + v1, nil},
		{"no t", v1, webhook.ErrMalformedHeader},
		{"two t", t1 + "," + t1 + "," + v1, webhook.ErrMalformedHeader},
		{"no v1", t1 + ",v0=abc", webhook.ErrInvalidSignature},
		{"bare element", t1 + ",garbage," + v1, webhook.ErrMalformedHeader},
		{"t not a number", "t=Infinity," + v1, webhook.ErrMalformedHeader},
		{"uppercase hex", t1 + "," + v1[:3] + strings.ToUpper(v1[3:]), webhook.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			header.Set(webhook.StripeSignatureHeader, tt.value)
			_, err := s.Verify(testBody, header, testNow)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPrefixedSignatureForms(t *testing.T) {
	tests := []struct {
		name   string
		scheme scheme
		value  func(signed string) string
		want   error
	}{
		{"github without prefix", schemes[1], func(s string) string { return strings.TrimPrefix(s, "sha256=") }, webhook.ErrMalformedHeader},
		{"github sha1 prefix", schemes[1], func(s string) string { return "sha1=" + s[7:] }, webhook.ErrMalformedHeader},
		{"slack v1 prefix", schemes[3], func(s string) string { return "v1=" + s[3:] }, webhook.ErrMalformedHeader},
		{"slack truncated", schemes[3], func(s string) string { return s[:len(s)-1] }, webhook.ErrInvalidSignature},
		{"shopify hex", schemes[4], func(string) string { return strings.Repeat("ab", 32) }, webhook.ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.scheme.new(testSecret)
			header := sign(t, s, "msg_1", testNow, testBody)
			header.Set(tt.scheme.signatureHeader, tt.value(header.Get(tt.scheme.signatureHeader)))
			_, err := s.Verify(testBody, header, testNow)
			if !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSlackMissingTimestamp(t *testing.T) {
	s := &webhook.Slack{Secrets: [][]byte{testSecret}}
	header := sign(t, s, "", testNow, testBody)
	header.Del(webhook.SlackTimestampHeader)
	_, err := s.Verify(testBody, header, testNow)
	if !errors.Is(err, webhook.ErrMissingHeader) {
		t.Errorf("got error %v, want %v", err, webhook.ErrMissingHeader)
	}
}

// TestErrorsHideSecrets checks every rejection path for key material.
func TestErrorsHideSecrets(t *testing.T) {
	secret := []byte("SUPERSECRETVALUE-0123456789abcdef")
	for _, sc := range schemes {
		t.Run(sc.name, func(t *testing.T) {
			s := sc.new(secret)
			header := sign(t, s, "msg_1", testNow, testBody)
			for _, body := range [][]byte{testBody, []byte("tampered")} {
				_, err := s.Verify(body, header, testNow.Add(time.Duration(len(body))*time.Hour))
				if err != nil && strings.Contains(err.Error(), "SUPERSECRET") {
					t.Errorf("error %q contains the secret", err)
				}
			}
		})
	}
}
