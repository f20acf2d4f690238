package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/whgen/whgen/webhook"
)

// The fuzz targets check each header parser against an independent
// statement of what it must accept. Run one with, for example:
//
//	go test -run='^$' -fuzz=FuzzStripeHeader -fuzztime=10s ./webhook/

var fuzzSecret = []byte("fuzz-secret-0123456789abcdef")

func fuzzMAC(parts ...[]byte) []byte {
	mac := hmac.New(sha256.New, fuzzSecret)
	for _, p := range parts {
		mac.Write(p)
	}
	return mac.Sum(nil)
}

// FuzzStandardHeader compares the Standard Webhooks verifier with the
// reference library on arbitrary header values. The receiver's clock is set
// to the header's timestamp, so that only parsing and signatures decide.
func FuzzStandardHeader(f *testing.F) {
	ref, err := standardwebhooks.NewWebhookRaw(fuzzSecret)
	if err != nil {
		f.Fatal(err)
	}
	valid, _ := ref.Sign("msg_1", time.Unix(1_700_000_000, 0), []byte(`{"a":1}`))
	f.Add("msg_1", "1700000000", valid, []byte(`{"a":1}`))
	f.Add("msg_1", "1700000000", "v1,x "+valid+" v2,y", []byte(`{"a":1}`))
	f.Add("msg_1", "+01700000000", valid, []byte(`{"a":1}`))
	f.Add("msg_1", "-1", "v1a,AAAA", []byte{})
	f.Add("", "", "", []byte(nil))

	ours := &webhook.StandardWebhooks{Secrets: [][]byte{fuzzSecret}}
	f.Fuzz(func(t *testing.T, id, ts, signature string, body []byte) {
		header := http.Header{}
		header.Set("webhook-id", id)
		header.Set("webhook-timestamp", ts)
		header.Set("webhook-signature", signature)

		secs, parseErr := strconv.ParseInt(ts, 10, 64)
		_, ourErr := ours.Verify(body, header, time.Unix(secs, 0))
		refErr := ref.VerifyIgnoringTimestamp(body, header)
		if parseErr == nil && (ourErr == nil) != (refErr == nil) {
			t.Fatalf("ours: %v, reference: %v", ourErr, refErr)
		}
		if parseErr != nil && ourErr == nil {
			t.Fatal("accepted an unparsable timestamp")
		}
	})
}

// FuzzStripeHeader checks that a Stripe-Signature value is accepted only
// when it has one t element and a v1 element with the right signature.
func FuzzStripeHeader(f *testing.F) {
	s := &webhook.Stripe{Secrets: [][]byte{fuzzSecret}}
	header := http.Header{}
	if err := s.Sign(header, "", time.Unix(1_700_000_000, 0), []byte("{}")); err != nil {
		f.Fatal(err)
	}
	signed := header.Get(webhook.StripeSignatureHeader)
	f.Add(signed, []byte("{}"))
	f.Add(signed+",v0=abc", []byte("{}"))
	f.Add("v1=00,"+signed, []byte("{}"))
	f.Add("t=1,t=2,v1=", []byte{})
	f.Add(",,,=", []byte{})

	f.Fuzz(func(t *testing.T, value string, body []byte) {
		header := http.Header{}
		header.Set(webhook.StripeSignatureHeader, value)
		d, err := s.Verify(body, header, time.Unix(1_700_000_000, 0))
		if err != nil {
			return
		}
		var tsValues []string
		for _, element := range strings.Split(value, ",") {
			if key, val, _ := strings.Cut(element, "="); key == "t" {
				tsValues = append(tsValues, val)
			}
		}
		if len(tsValues) != 1 {
			t.Fatalf("accepted %q with %d t elements", value, len(tsValues))
		}
		want := "v1=" + hex.EncodeToString(fuzzMAC([]byte(strconv.FormatInt(d.Timestamp.Unix(), 10)+"."), body))
		if !strings.Contains(","+value+",", ","+want+",") {
			t.Fatalf("accepted %q without the signature %q", value, want)
		}
	})
}

// FuzzGitHubHeader checks that X-Hub-Signature-256 is accepted exactly when
// it is "sha256=" and the hex HMAC of the body.
func FuzzGitHubHeader(f *testing.F) {
	f.Add("sha256="+hex.EncodeToString(fuzzMAC([]byte("{}"))), []byte("{}"))
	f.Add("sha256=", []byte{})
	f.Add("sha1=abc", []byte("x"))

	g := &webhook.GitHub{Secrets: [][]byte{fuzzSecret}}
	f.Fuzz(func(t *testing.T, value string, body []byte) {
		header := http.Header{}
		header.Set(webhook.GitHubSignatureHeader, value)
		_, err := g.Verify(body, header, time.Time{})
		want := "sha256=" + hex.EncodeToString(fuzzMAC(body))
		if (err == nil) != (value == want) {
			t.Fatalf("value %q: got error %v, want valid=%v", value, err, value == want)
		}
	})
}

// FuzzShopifyHeader checks that X-Shopify-Hmac-Sha256 is accepted exactly
// when it is the base64 HMAC of the body.
func FuzzShopifyHeader(f *testing.F) {
	f.Add(base64.StdEncoding.EncodeToString(fuzzMAC([]byte("{}"))), []byte("{}"))
	f.Add("", []byte{})
	f.Add("====", []byte("x"))

	s := &webhook.Shopify{Secrets: [][]byte{fuzzSecret}}
	f.Fuzz(func(t *testing.T, value string, body []byte) {
		header := http.Header{}
		header.Set(webhook.ShopifySignatureHeader, value)
		_, err := s.Verify(body, header, time.Time{})
		want := base64.StdEncoding.EncodeToString(fuzzMAC(body))
		if (err == nil) != (value == want) {
			t.Fatalf("value %q: got error %v, want valid=%v", value, err, value == want)
		}
	})
}

// FuzzSlackHeader checks that a Slack request is accepted exactly when the
// timestamp parses and the signature is "v0=" and the hex HMAC of
// "v0:<timestamp>:<body>".
func FuzzSlackHeader(f *testing.F) {
	good := "v0=" + hex.EncodeToString(fuzzMAC([]byte("v0:1531420618:"), []byte("a=b")))
	f.Add("1531420618", good, []byte("a=b"))
	f.Add("01531420618", good, []byte("a=b"))
	f.Add("x", "v0=", []byte{})

	s := &webhook.Slack{Secrets: [][]byte{fuzzSecret}}
	f.Fuzz(func(t *testing.T, ts, signature string, body []byte) {
		header := http.Header{}
		header.Set(webhook.SlackTimestampHeader, ts)
		header.Set(webhook.SlackSignatureHeader, signature)
		secs, parseErr := strconv.ParseInt(ts, 10, 64)
		_, err := s.Verify(body, header, time.Unix(secs, 0))
		if parseErr != nil {
			if err == nil {
				t.Fatalf("accepted unparsable timestamp %q", ts)
			}
			return
		}
		want := "v0=" + hex.EncodeToString(fuzzMAC([]byte("v0:"+strconv.FormatInt(secs, 10)+":"), body))
		if (err == nil) != (signature == want) {
			t.Fatalf("signature %q: got error %v, want valid=%v", signature, err, signature == want)
		}
	})
}

// FuzzVerify signs arbitrary messages with every built-in scheme, checks
// that they verify, then flips one bit of the body and checks that they no
// longer do.
func FuzzVerify(f *testing.F) {
	f.Add(uint8(0), "msg_1", int64(1_700_000_000), []byte(`{"a":1}`), uint16(0))
	f.Add(uint8(2), "", int64(-1), []byte("x"), uint16(9))
	f.Add(uint8(4), "id with spaces", int64(1<<40), []byte{0, 1, 2}, uint16(2))

	f.Fuzz(func(t *testing.T, which uint8, id string, secs int64, body []byte, flip uint16) {
		sc := schemes[int(which)%len(schemes)]
		if sc.name == "standard" && id == "" {
			id = "msg"
		}
		s := sc.new(fuzzSecret)
		header := http.Header{}
		ts := time.Unix(secs, 0)
		if err := s.Sign(header, id, ts, body); err != nil {
			t.Fatalf("%s: Sign: %v", sc.name, err)
		}
		if _, err := s.Verify(body, header, ts); err != nil {
			t.Fatalf("%s: own signature rejected: %v", sc.name, err)
		}
		if len(body) == 0 {
			return
		}
		tampered := append([]byte(nil), body...)
		tampered[int(flip)%len(tampered)] ^= 1 << (flip % 8)
		_, err := s.Verify(tampered, header, ts)
		if !errors.Is(err, webhook.ErrInvalidSignature) {
			t.Fatalf("%s: tampered body: got error %v, want %v", sc.name, err, webhook.ErrInvalidSignature)
		}
	})
}
