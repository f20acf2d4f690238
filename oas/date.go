package oas

import (
	"fmt"
	"time"
)

// Date is a calendar date, the OpenAPI `date` format (RFC 3339 full-date,
// such as 2024-02-29). It carries no time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses s as an RFC 3339 full-date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, &FormatError{Format: "date", Value: s, Want: "YYYY-MM-DD", Err: err}
	}
	return DateOf(t), nil
}

// DateOf returns the date on which t falls, in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String returns d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// MarshalText encodes d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText decodes a YYYY-MM-DD date.
func (d *Date) UnmarshalText(text []byte) error {
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// A FormatError is a string that breaks its format, such as a date that
// does not exist.
type FormatError struct {
	// Format is the OpenAPI format: "date".
	Format string
	// Value is the string.
	Value string
	// Want shows the form the format requires, such as "YYYY-MM-DD".
	Want string
	// Err is the parser's error.
	Err error
}

// Error returns "invalid date "2021-02-29": want YYYY-MM-DD".
func (e *FormatError) Error() string {
	return fmt.Sprintf("invalid %s %q: want %s", e.Format, e.Value, e.Want)
}

// Unwrap returns the parser's error.
func (e *FormatError) Unwrap() error { return e.Err }
