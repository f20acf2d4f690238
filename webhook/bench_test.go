package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/whgen/whgen/webhook"
)

// benchPayload returns a JSON event of about 2 KB, the size of a typical
// webhook notification.
func benchPayload() []byte {
	var b strings.Builder
	b.WriteString(`{"type":"invoice.payment_succeeded","id":"evt_1NqYQ2LkdIwHu7ix","data":{"lines":[`)
	for i := 0; b.Len() < 1900; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"il_%04d","amount":%d,"currency":"eur","description":"Seat license %d"}`, i, 1000+i, i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// BenchmarkVerifyStandard compares Standard Webhooks v1 verification of a
// 2 KB payload here with two floors, which skip all header handling: one
// fresh HMAC-SHA256 and a base64 compare ("floor"), and the same with a
// reused keyed HMAC state ("floor-keyed"). It also measures the reference
// library's Verify.
func BenchmarkVerifyStandard(b *testing.B) {
	body := benchPayload()
	secret := []byte("bench-secret-0123456789abcdef")
	const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)

	ours := &webhook.StandardWebhooks{Secrets: [][]byte{secret}}
	header := http.Header{}
	if err := ours.Sign(header, id, now, body); err != nil {
		b.Fatal(err)
	}
	sig := header.Get("webhook-signature")
	b.Logf("payload %d bytes", len(body))

	b.Run("whgen", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ours.Verify(body, header, now); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("floor", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		want := []byte(strings.TrimPrefix(sig, "v1,"))
		for b.Loop() {
			mac := hmac.New(sha256.New, secret)
			mac.Write([]byte(id + "." + ts + "."))
			mac.Write(body)
			var enc [44]byte
			base64.StdEncoding.Encode(enc[:], mac.Sum(nil))
			if !hmac.Equal(enc[:], want) {
				b.Fatal("floor mismatch")
			}
		}
	})

	// floor-keyed reuses one keyed HMAC state, as the pooled states here
	// do, so it is the cost of hashing alone.
	b.Run("floor-keyed", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		want := []byte(strings.TrimPrefix(sig, "v1,"))
		mac := hmac.New(sha256.New, secret)
		prefix := []byte(id + "." + ts + ".")
		var sum [sha256.Size]byte
		var enc [44]byte
		for b.Loop() {
			mac.Reset()
			mac.Write(prefix)
			mac.Write(body)
			base64.StdEncoding.Encode(enc[:], mac.Sum(sum[:0]))
			if !hmac.Equal(enc[:], want) {
				b.Fatal("floor mismatch")
			}
		}
	})

	b.Run("reference", func(b *testing.B) {
		ref, err := standardwebhooks.NewWebhookRaw(secret)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if err := ref.Verify(body, header); err != nil {
				b.Fatal(err)
			}
		}
	})
}
