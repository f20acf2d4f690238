package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/webhook"
)

// BenchmarkReceivePetCreated compares the generated receiver's verify,
// route, decode and validate of one pet.created delivery with the floor
// (a bare HMAC-SHA256 check and an encoding/json decode into the same
// struct) and with the Standard Webhooks reference library's Verify plus
// the same decode.
func BenchmarkReceivePetCreated(b *testing.B) {
	body := []byte(petCreated)
	signer, err := webhook.NewStandardWebhooks(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	header := http.Header{}
	now := time.Now()
	if err := signer.Sign(header, "msg_bench", now, body); err != nil {
		b.Fatal(err)
	}
	key, _ := base64.StdEncoding.DecodeString(testSecret[len("whsec_"):])
	signed := []byte("msg_bench." + header.Get("webhook-timestamp") + ".")
	want := header.Get("webhook-signature")[len("v1,"):]

	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			mac := hmac.New(sha256.New, key)
			mac.Write(signed)
			mac.Write(body)
			got := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			if !hmac.Equal([]byte(got), []byte(want)) {
				b.Fatal("signature mismatch")
			}
			var e api.PetCreatedEvent
			if err := json.Unmarshal(body, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
	ref, err := standardwebhooks.NewWebhook(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := ref.Verify(body, header); err != nil {
				b.Fatal(err)
			}
			var e api.PetCreatedEvent
			if err := json.Unmarshal(body, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
	verifier, err := api.NewWebhookVerifier(testSecret)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("whgen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := verifier.Verify(body, header, now); err != nil {
				b.Fatal(err)
			}
			var e api.PetCreatedEvent
			if err := json.Unmarshal(body, &e); err != nil {
				b.Fatal(err)
			}
			if err := e.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	// whgen-routed adds reading the routing property, as the generated
	// receiver does before it decodes.
	b.Run("whgen-routed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := verifier.Verify(body, header, now); err != nil {
				b.Fatal(err)
			}
			var keys struct {
				Type webhook.RouteKey `json:"type"`
			}
			if err := webhook.DecodeRouteKeys(body, &keys); err != nil || keys.Type != "pet.created" {
				b.Fatalf("route: %v %q", err, keys.Type)
			}
			var e api.PetCreatedEvent
			if err := json.Unmarshal(body, &e); err != nil {
				b.Fatal(err)
			}
			if err := e.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
