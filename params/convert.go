package params

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DateLayout is the time layout of the OpenAPI "date" format, RFC 3339
// full-date.
const DateLayout = "2006-01-02"

// ParseInt32 converts the text of an "int32" integer. It accepts an
// optional sign and decimal digits. The error is an *Error that names s
// and quotes text, and wraps strconv.ErrSyntax or strconv.ErrRange.
func (s *Spec) ParseInt32(text string) (int32, error) {
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		return 0, s.numberError("integer", text, err)
	}
	return int32(n), nil
}

// ParseInt64 converts the text of an "int64" integer, or of an integer
// without a format. Its rules and errors are those of ParseInt32.
func (s *Spec) ParseInt64(text string) (int64, error) {
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, s.numberError("integer", text, err)
	}
	return n, nil
}

// ParseFloat32 converts the text of a "float" number. It accepts decimal
// numbers such as "-1.5e3", with an optional sign, and rejects NaN,
// infinities and hexadecimal forms, which JSON cannot carry.
// A value beyond the float32 range is an error that wraps
// strconv.ErrRange.
func (s *Spec) ParseFloat32(text string) (float32, error) {
	f, err := s.parseFloat(text, 32)
	return float32(f), err
}

// ParseFloat64 converts the text of a "double" number, or of a number
// without a format. Its rules and errors are those of ParseFloat32.
func (s *Spec) ParseFloat64(text string) (float64, error) {
	return s.parseFloat(text, 64)
}

// parseFloat converts a decimal number of the given bit size.
func (s *Spec) parseFloat(text string, bitSize int) (float64, error) {
	if text == "" || strings.Trim(text, "0123456789+-.eE") != "" {
		return 0, s.invalid("invalid number", text, strconv.ErrSyntax)
	}
	// The character check rules out "Inf" and "NaN", so an infinite
	// result only comes with strconv.ErrRange.
	f, err := strconv.ParseFloat(text, bitSize)
	if err != nil {
		return 0, s.numberError("number", text, err)
	}
	return f, nil
}

// numberError turns a strconv error into an *Error.
func (s *Spec) numberError(kind, text string, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return s.invalid(kind+" out of range", text, strconv.ErrRange)
	}
	return s.invalid("invalid "+kind, text, strconv.ErrSyntax)
}

// ParseBool converts "true" or "false", the only spellings of a JSON
// boolean. Any other text is an error that wraps strconv.ErrSyntax.
func (s *Spec) ParseBool(text string) (bool, error) {
	switch text {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, s.invalid("invalid boolean", text, strconv.ErrSyntax)
}

// ParseDateTime converts the text of a "date-time", an RFC 3339 timestamp
// with optional fractional seconds. A space in place of the "+" of the
// zone offset is accepted, because a client that leaves "+" unencoded in a
// query string sends a space after form decoding.
func (s *Spec) ParseDateTime(text string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, text)
	if err == nil {
		return t, nil
	}
	if n := len(text) - len("+07:00"); n > 0 && text[n] == ' ' {
		fixed := text[:n] + "+" + text[n+1:]
		if t, err := time.Parse(time.RFC3339Nano, fixed); err == nil {
			return t, nil
		}
	}
	return time.Time{}, s.invalid("invalid date-time", text, err)
}

// ParseDate converts the text of a "date", an RFC 3339 full-date such as
// "2024-02-29". The result is midnight UTC.
func (s *Spec) ParseDate(text string) (time.Time, error) {
	t, err := time.Parse(DateLayout, text)
	if err != nil {
		return time.Time{}, s.invalid("invalid date", text, err)
	}
	return t, nil
}

// FormatDateTime returns t as an RFC 3339 "date-time" with as many
// fractional digits as t needs.
func FormatDateTime(t time.Time) string {
	return t.Format(time.RFC3339Nano)
}

// FormatDate returns the "date" of t in t's location.
func FormatDate(t time.Time) string {
	return t.Format(DateLayout)
}

// ParseItems converts each item with parse, typically a method value such
// as spec.ParseInt64. An *Error from parse gains the index of the item, so
// the message reads `query parameter "ids": invalid integer "x" at index
// 2`. The result has the length of items.
func ParseItems[T any](items []string, parse func(string) (T, error)) ([]T, error) {
	out := make([]T, len(items))
	for i, item := range items {
		v, err := parse(item)
		if err != nil {
			return nil, atIndex(err, i)
		}
		out[i] = v
	}
	return out, nil
}

// atIndex returns a copy of an *Error with the index added to its reason,
// and any other error unchanged.
func atIndex(err error, i int) error {
	var pe *Error
	if !errors.As(err, &pe) {
		return err
	}
	indexed := *pe
	indexed.Reason = fmt.Sprintf("%s at index %d", pe.Reason, i)
	return &indexed
}

// FormatItems converts each item with format, for example
// strconv.FormatBool or FormatDate, so that the result can be passed to
// AppendArray.
func FormatItems[T any](items []T, format func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = format(item)
	}
	return out
}
