package middleware

import (
	"errors"
	"net/http"

	"github.com/whgen/whgen/problem"
)

// Middleware wraps a handler. It is an alias, so any
// func(http.Handler) http.Handler, including method values such as
// (*CORS).Handler, can be passed where a Middleware is expected.
type Middleware = func(http.Handler) http.Handler

// Chain returns a Middleware that applies mws in order: the first one is
// the outermost and receives each request first. Nil entries are skipped.
// Chain(a, b)(h) is a(b(h)).
func Chain(mws ...Middleware) Middleware {
	return func(next http.Handler) http.Handler {
		for i := len(mws) - 1; i >= 0; i-- {
			if mws[i] != nil {
				next = mws[i](next)
			}
		}
		return next
	}
}

// ErrorHandler writes the response for a request that a middleware
// rejects. err is a *problem.Error whose Problem contains the status code
// and a detail for the client, and whose cause chain contains one of this
// package's sentinel errors (or a validator's error), for errors.Is.
//
// By the time an ErrorHandler runs, the middleware has already set the
// protocol headers of the rejection on w, such as WWW-Authenticate,
// Retry-After or Vary. The handler writes the status line and body.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// WriteProblem is the ErrorHandler that every middleware in this package
// uses when its ErrorHandler field is nil. It sends the Problem that err
// carries as application/problem+json, or a bare 500 when err carries
// none.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	// A failed write means the client disconnected, so the error is
	// dropped.
	_ = problem.WriteError(w, err)
}

func (h ErrorHandler) orDefault() ErrorHandler {
	if h == nil {
		return WriteProblem
	}
	return h
}

// reject wraps cause in a *problem.Error with the status and detail, and
// hands it to the handler.
func (h ErrorHandler) reject(w http.ResponseWriter, r *http.Request, cause error, status int, detail string) {
	h.orDefault()(w, r, problem.Wrap(cause, status, detail))
}

// Sentinel errors found in the cause chain of the errors that middleware
// passes to an ErrorHandler.
var (
	// ErrInvalidHost means the Host header was missing or malformed.
	ErrInvalidHost = errors.New("invalid host")
	// ErrHostNotAllowed means the Host is not in the trusted host list.
	ErrHostNotAllowed = errors.New("host not allowed")
	// ErrPreflightRejected means a CORS preflight request asked for an
	// origin, method or header that the CORS configuration does not allow.
	ErrPreflightRejected = errors.New("cors preflight rejected")
	// ErrRateLimited means the client used up its request budget.
	ErrRateLimited = errors.New("rate limit exceeded")
	// ErrBodyTooLarge means a request body was longer than the limit.
	ErrBodyTooLarge = errors.New("request body too large")
	// ErrMissingOperation means a middleware that needs the operation
	// context found none. The server must wrap each route with
	// [WithOperation] or [Operation.Handler].
	ErrMissingOperation = errors.New("missing operation context")
)
