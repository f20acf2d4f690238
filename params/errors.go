package params

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrMissing is the cause of an *Error returned by Spec.Missing, for a
// required parameter that the request does not carry.
var ErrMissing = errors.New("missing")

// ErrEmptySegment is the cause of an *Error returned when a path
// parameter's wire form would be an empty path segment, or the
// dot-segment "." or "..". ServeMux matches no wildcard to an empty
// segment and removes dot-segments while cleaning the path, so a request
// with such a segment reaches another route or a redirect. OpenAPI
// requires every path parameter, so a client should not send the request.
var ErrEmptySegment = errors.New("empty path segment")

// ErrUnsupported is the cause of an *Error for a Spec that this package
// cannot serve. The Spec has an unknown location or a style that is not
// defined for its location, or the style cannot represent the value's
// shape, such as an array in DeepObject. The bug is in the generator or
// the API description rather than in the request, so a server should
// respond with 500 rather than 400.
var ErrUnsupported = errors.New("unsupported parameter serialisation")

// maxQuotedValue is the maximum number of bytes of an offending value that
// an error message quotes. Longer values are cut, so that a client cannot
// make the server write megabytes into its logs.
const maxQuotedValue = 64

// Error describes a parameter that could not be parsed, converted or
// serialised. A server responds with 400 and its message, unless the
// error wraps ErrUnsupported.
type Error struct {
	// Name is the parameter name from the Spec.
	Name string
	// In is the parameter location from the Spec.
	In Location
	// Reason describes what is wrong, in lowercase words. It quotes the
	// offending value, cut to 64 bytes, when there is one.
	Reason string
	// Err is the cause for errors.Is and errors.As, or nil: ErrMissing,
	// ErrUnsupported, strconv.ErrSyntax or strconv.ErrRange for numbers
	// and booleans, a url.EscapeError, a *time.ParseError, or an
	// encoding/json error.
	Err error
}

// Error returns the location, the parameter name and the reason, for
// example `query parameter "limit": invalid integer "12x"`.
func (e *Error) Error() string {
	return fmt.Sprintf("%s parameter %q: %s", e.In, e.Name, e.Reason)
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error {
	return e.Err
}

// Missing returns the *Error that a server reports for a required
// parameter that is absent. It wraps ErrMissing.
func (s *Spec) Missing() error {
	return &Error{Name: s.Name, In: s.In, Reason: "missing", Err: ErrMissing}
}

// invalid returns an *Error whose reason is the problem followed by the
// quoted, shortened value.
func (s *Spec) invalid(problem, value string, cause error) *Error {
	reason := problem + " " + quote(value)
	return &Error{Name: s.Name, In: s.In, Reason: reason, Err: cause}
}

// malformed returns an *Error whose reason is the problem alone.
func (s *Spec) malformed(problem string) *Error {
	return &Error{Name: s.Name, In: s.In, Reason: problem}
}

// unsupported returns an *Error that wraps ErrUnsupported.
func (s *Spec) unsupported(problem string) *Error {
	return &Error{Name: s.Name, In: s.In, Reason: problem, Err: ErrUnsupported}
}

// unsupportedShape returns the error for a style that cannot represent a
// value of the given shape.
func (s *Spec) unsupportedShape(shape string) *Error {
	return s.unsupported(fmt.Sprintf("style %q cannot carry %s values", s.style(), shape))
}

// quote returns v as a Go string literal, cut to maxQuotedValue bytes at a
// rune boundary, with "..." after the quote when it was cut.
func quote(v string) string {
	if len(v) <= maxQuotedValue {
		return fmt.Sprintf("%q", v)
	}
	cut := maxQuotedValue
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", v[:cut])
}
