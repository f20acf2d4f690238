package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/whgen/whgen/webhook"
)

// A Receiver verifies, deduplicates and dispatches; the Dispatcher (written
// by the generator) decodes the event and calls the typed handler.
func ExampleReceiver() {
	verifier, err := webhook.NewStandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		fmt.Println(err)
		return
	}
	dispatcher := webhook.DispatcherFunc(func(ctx context.Context, d *webhook.Delivery, body []byte) error {
		var event struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(body, &event); err != nil {
			return fmt.Errorf("%w: %v", webhook.ErrMalformedPayload, err)
		}
		if event.Type != "invoice.paid" {
			return fmt.Errorf("%w: %s", webhook.ErrUnknownEvent, event.Type)
		}
		fmt.Println("handled", d.ID, event.Type)
		return nil
	})
	server := httptest.NewServer(&webhook.Receiver{Verifier: verifier, Dispatcher: dispatcher})
	defer server.Close()

	send := func(id, body string) {
		req, _ := http.NewRequest(http.MethodPost, server.URL, bytes.NewReader([]byte(body)))
		if err := verifier.Sign(req.Header, id, time.Now(), []byte(body)); err != nil {
			fmt.Println(err)
			return
		}
		resp, err := server.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(id, resp.StatusCode)
	}
	send("msg_1", `{"type":"invoice.paid"}`)
	send("msg_1", `{"type":"invoice.paid"}`) // duplicate
	send("msg_2", `{"type":"customer.created"}`)
	send("msg_3", `not json`)
	// Output:
	// handled msg_1 invoice.paid
	// msg_1 204
	// msg_1 204
	// msg_2 202
	// msg_3 400
}

// Stripe secrets are used whole, "whsec_" prefix included.
func ExampleStripe() {
	stripe := &webhook.Stripe{Secrets: [][]byte{[]byte("whsec_test_secret")}}
	body := []byte(`{"id":"evt_1","type":"charge.succeeded"}`)
	sent := time.Unix(1_700_000_000, 0)

	header := http.Header{}
	if err := stripe.Sign(header, "", sent, body); err != nil {
		fmt.Println(err)
		return
	}
	d, err := stripe.Verify(body, header, sent.Add(2*time.Minute))
	fmt.Println(d.Timestamp.Unix(), err)

	_, err = stripe.Verify(body, header, sent.Add(10*time.Minute))
	fmt.Println(err)
	// Output:
	// 1700000000 <nil>
	// verify stripe signature: Stripe-Signature: timestamp outside the tolerance window: 600 s old, tolerance 300 s
}
