package problem

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an error that carries the Problem to send to the client, and
// optionally the internal cause. Only Problem is sent. The cause serves logs
// and errors.Is and errors.As.
type Error struct {
	// Problem is the response body for the client. A nil Problem is treated as a
	// bare 500 Internal Server Error.
	Problem *Problem

	// Err is the underlying cause, or nil.
	Err error
}

// NewError returns an Error for the status code with the given detail and
// no cause. The title is the standard reason phrase of the status code.
func NewError(status int, detail string) *Error {
	return &Error{Problem: New(status, detail)}
}

// Wrap returns an Error that sends the status code and detail to the
// client and keeps err as its cause.
func Wrap(err error, status int, detail string) *Error {
	return &Error{Problem: New(status, detail), Err: err}
}

// Invalid returns a 400 Bad Request Error listing the invalid values of a
// request, for request validation to return.
func Invalid(errs ...FieldError) *Error {
	detail := "the request contains an invalid value"
	if len(errs) > 1 {
		detail = fmt.Sprintf("the request contains %d invalid values", len(errs))
	}
	p := New(http.StatusBadRequest, detail)
	p.Errors = errs
	return &Error{Problem: p}
}

// Error returns the status code, the detail (or the title when there is no
// detail) and the cause, for example
// "404 Not Found: pet 42 does not exist: sql: no rows in result set".
func (e *Error) Error() string {
	p := e.problem()
	msg := fmt.Sprintf("%d %s", p.Status, p.Title)
	if p.Detail != "" {
		msg += ": " + p.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) problem() *Problem {
	if e.Problem == nil {
		return internal()
	}
	return e.Problem
}

// From returns the Problem that err carries: the Problem of the first
// *Error in err's chain. For any other error, including nil, it returns a
// new 500 Internal Server Error Problem without detail, so that internal
// messages are never sent to a client.
func From(err error) *Problem {
	var pe *Error
	if errors.As(err, &pe) && pe.Problem != nil {
		return pe.Problem
	}
	return internal()
}

func internal() *Problem {
	return New(http.StatusInternalServerError, "")
}
