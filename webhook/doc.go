// Package webhook signs and verifies webhook requests and receives them
// safely. Code that whgen generates imports it: generated receivers
// configure a Receiver, and generated senders use the same Signer
// implementations, so signing and verification exist once.
//
// # Signature schemes
//
// A Verifier checks the raw body and headers of a request at a given time
// and returns the Delivery metadata (id, replay key, timestamp, headers). A
// Signer sets the headers for a message id, timestamp and body. The
// built-in schemes implement both:
//
//   - StandardWebhooks: Standard Webhooks and Svix. v1 HMAC-SHA256 with
//     "whsec_" secrets, v1a ed25519 with "whsk_"/"whpk_" keys, several
//     signatures per header, webhook- or svix- header names.
//   - GitHub: X-Hub-Signature-256. GitHub signs no timestamp, so there is
//     no timestamp window.
//   - Stripe: Stripe-Signature with t and v1 elements. A Stripe "whsec_"
//     secret is used whole as the key, not base64-decoded.
//   - Slack: X-Slack-Signature and X-Slack-Request-Timestamp.
//   - Shopify: X-Shopify-Hmac-Sha256. No timestamp is signed.
//
// A custom scheme implements Verifier (VerifierFunc adapts a function) and
// should use CheckTimestamp and ContentKey so that it behaves like the
// built-in ones. Verification works on the raw bytes before any parsing,
// compares in constant time and never puts key material into errors.
//
// Errors wrap sentinels that map to HTTP responses: ErrMissingHeader,
// ErrMalformedHeader, ErrInvalidSignature and ErrTimestampOutOfWindow (all
// 401) for verification, and ErrMalformedPayload (400), ErrInvalidPayload
// (422) and ErrUnknownEvent (202) for dispatchers. StatusCode returns the
// mapping.
//
// # Timestamps
//
// Schemes that sign a timestamp reject one further than their Tolerance
// (default five minutes) from the receiver's clock, in either direction.
// The check counts whole seconds, and the boundary itself is accepted: at
// 12:05:00.9, timestamps from 12:00:00 to 12:10:00 pass. Verify takes the
// current time as an argument, and Receiver.Now injects it.
//
// # Replay and duplicate protection
//
// Every delivery has a ReplayKey: the signed message id for Standard
// Webhooks, and otherwise ContentKey, the SHA-256 of the signed content,
// because an id header outside the signature could be changed by an
// attacker who replays a request. The Receiver claims the key in a
// ReplayStore before it calls the handler, completes the claim after
// success and releases it after failure. So a duplicate gets 204 without
// running the handler twice, a failed delivery is handled again when the
// sender retries, and concurrent copies run the handler once.
// MemoryReplayStore protects one process. Package webhook/sqlreplay
// protects several processes sharing SQLite or PostgreSQL.
//
// # How generated code uses it
//
// The generator writes, per spec, a typed handler interface and the routing
// that distinguishes its webhooks: by a payload property such as "type", by a
// header such as X-GitHub-Event, or by one path per webhook. It hands both to
// a Router, which finds the webhook, checks the webhook's OpenAPI security
// requirements with a middleware.Authenticator, and lets a Receiver verify,
// deduplicate and dispatch:
//
//	verifier, err := api.NewWebhookVerifier(os.Getenv("WEBHOOK_SECRET")) // generated
//	if err != nil {
//		log.Fatal(err)
//	}
//	receiver, err := api.NewReceiver(handlers, verifier, // generated
//		webhook.WithFallback(logUnknown))
//	if err != nil {
//		log.Fatal(err)
//	}
//	http.Handle("POST /webhooks", receiver)
//
// The generated handler methods get the decoded, validated payload. A
// delivery that matches no webhook goes to the fallback (WithFallback), or
// gets 202.
//
// TODO: Dispatch can return only an error, so a handler cannot send a
// response body, which Slack's url_verification handshake requires.
package webhook
