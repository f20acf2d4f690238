package webhook

import (
	"errors"
	"net/http"
)

// Errors of signature verification. Every error that a Verifier of this
// package returns wraps exactly one of them, inside a *VerifyError.
var (
	// ErrMissingHeader means that a header that the scheme requires is
	// absent or empty.
	ErrMissingHeader = errors.New("missing header")

	// ErrMalformedHeader means that a header is present but cannot be
	// parsed, for example a timestamp that is not an integer.
	ErrMalformedHeader = errors.New("malformed header")

	// ErrInvalidSignature means that no signature in the request matches
	// the body under any of the configured keys.
	ErrInvalidSignature = errors.New("invalid signature")

	// ErrTimestampOutOfWindow means that the signed timestamp lies further
	// from the receiver's clock than the scheme's tolerance allows.
	ErrTimestampOutOfWindow = errors.New("timestamp outside the tolerance window")
)

// ErrInvalidKey is wrapped by the errors of the functions that parse and
// check secrets and keys, such as ParseStandardSecret.
var ErrInvalidKey = errors.New("invalid key")

// Errors that a Dispatcher wraps to choose the receiver's response.
var (
	// ErrMalformedPayload means that the body is not valid JSON. The
	// receiver responds with 400.
	ErrMalformedPayload = errors.New("malformed payload")

	// ErrInvalidPayload means that the body is valid JSON but violates the
	// webhook's schema, a value of the wrong type included. The receiver
	// responds with 422.
	ErrInvalidPayload = errors.New("invalid payload")

	// ErrUnknownEvent means that the delivery routes to no webhook and no
	// fallback handler took it. The receiver responds with 202.
	ErrUnknownEvent = errors.New("unknown event")
)

// Errors of the receiver itself.
var (
	// ErrBodyTooLarge means that the body exceeds Receiver.MaxBodyBytes.
	ErrBodyTooLarge = errors.New("request body too large")

	// ErrMethodNotAllowed means that the request method is not POST.
	ErrMethodNotAllowed = errors.New("method not allowed")

	// ErrHandlerPanic means that the Dispatcher panicked. The receiver
	// recovers, responds with 500 and passes the panic value in a *PanicError.
	ErrHandlerPanic = errors.New("webhook handler panicked")
)

// VerifyError is the error that this package's verifiers return. It never
// contains secret or key material.
type VerifyError struct {
	// Scheme is the signature scheme, for example "standard-webhooks".
	Scheme string

	// Header is the header at fault, or "" when the failure concerns the
	// request as a whole.
	Header string

	// Err is a sentinel such as ErrInvalidSignature, possibly wrapped with
	// detail.
	Err error
}

// Error returns a message such as "verify stripe signature: Stripe-Signature:
// malformed header: no t element".
func (e *VerifyError) Error() string {
	msg := "verify " + e.Scheme + " signature: "
	if e.Header != "" {
		msg += e.Header + ": "
	}
	return msg + e.Err.Error()
}

// Unwrap returns Err.
func (e *VerifyError) Unwrap() error { return e.Err }

func verifyError(scheme, header string, err error) error {
	return &VerifyError{Scheme: scheme, Header: header, Err: err}
}

// PanicError carries the value that a Dispatcher panicked with. It wraps
// ErrHandlerPanic. Its message does not include the value, because a panic
// value may contain anything.
type PanicError struct {
	// Value is the value passed to panic.
	Value any

	// Stack is the goroutine stack at the panic, as runtime/debug.Stack
	// formats it.
	Stack []byte
}

// Error returns ErrHandlerPanic's message.
func (e *PanicError) Error() string { return ErrHandlerPanic.Error() }

// Unwrap returns ErrHandlerPanic.
func (e *PanicError) Unwrap() error { return ErrHandlerPanic }

// StatusCode returns the HTTP status with which Receiver responds to err, so that
// a custom ErrorHandler can keep the same contract with senders. A nil err
// maps to 204 and an error that wraps none of this package's sentinels maps
// to 500.
func StatusCode(err error) int {
	switch {
	case err == nil:
		return http.StatusNoContent
	case errors.Is(err, ErrUnknownEvent):
		return http.StatusAccepted
	case errors.Is(err, ErrMissingHeader), errors.Is(err, ErrMalformedHeader),
		errors.Is(err, ErrInvalidSignature), errors.Is(err, ErrTimestampOutOfWindow):
		return http.StatusUnauthorized
	case errors.Is(err, ErrMalformedPayload):
		return http.StatusBadRequest
	case errors.Is(err, ErrInvalidPayload):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrMethodNotAllowed):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrInFlight):
		return http.StatusConflict
	case errors.Is(err, ErrReplayStoreFull), errors.Is(err, ErrReplayStore):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
