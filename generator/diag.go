package generator

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Severity tells a warning, which generation survives, from an error.
type Severity int

const (
	// Warning marks a defect that whgen read past by a safe rule.
	Warning Severity = iota
	// Error marks a defect that stops generation.
	Error
)

// Diagnostic is one problem found in a spec, located by file, line, column
// and the JSON pointer of the offending value.
type Diagnostic struct {
	Severity Severity
	File     string
	Line     int // 1-based; 0 when the position is unknown
	Column   int // 1-based; 0 when the position is unknown
	Pointer  string
	Message  string

	// problem is the part of a warning's Message that states what is wrong,
	// without the repair that follows it. -strict reports only this part,
	// because there the repair does not happen. Empty means Message.
	problem string
}

// newWarning returns a warning whose message states problem and then,
// when repair is not empty, how whgen reads past it.
func newWarning(pointer, problem, repair string) Diagnostic {
	msg := problem
	if repair != "" {
		msg += "; " + repair
	}
	return Diagnostic{Severity: Warning, Pointer: pointer, Message: msg, problem: problem}
}

// String formats d as "file:line:col: pointer: message", the form that
// editors and CI annotations understand. It is always one line: control
// characters and Unicode line separators, which spec names and values may
// contain, are written as Go escapes such as \n.
func (d Diagnostic) String() string {
	pointer := d.Pointer
	if pointer == "" {
		pointer = "/"
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", oneLine(d.File), d.Line, d.Column, oneLine(pointer), oneLine(d.Message))
}

// oneLine escapes the characters of s that could break a line or hide
// text on a terminal.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, breaksLine) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !breaksLine(r) {
			b.WriteRune(r)
			continue
		}
		// QuoteRune spells r as a Go rune literal, such as '\n'.
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

func breaksLine(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// promoteWarnings returns ds with every warning made an error, as -strict
// reports it: with the problem only, because no repair is made.
func promoteWarnings(ds Diagnostics) Diagnostics {
	out := make(Diagnostics, len(ds))
	for i, d := range ds {
		if d.Severity == Warning {
			d.Severity = Error
			if d.problem != "" {
				d.Message = d.problem
			}
		}
		out[i] = d
	}
	return out
}

// Diagnostics is a list of problems in the order whgen found them.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an Error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sorted returns the diagnostics ordered by file, line, column and pointer,
// so that output does not depend on the order of internal passes.
func (ds Diagnostics) Sorted() Diagnostics {
	out := append(Diagnostics(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Pointer < b.Pointer
	})
	return out
}

// DiagnosticsError is returned when a spec has problems that stop generation.
type DiagnosticsError struct {
	Diagnostics Diagnostics
}

func (e *DiagnosticsError) Error() string {
	var b strings.Builder
	for i, d := range e.Diagnostics {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// ErrNotSupported is wrapped by every NotSupportedError.
var ErrNotSupported = errors.New("not supported")

// NotSupportedError reports a construct that whgen cannot map to Go, with a
// hint on what to change in the spec or the config.
type NotSupportedError struct {
	Pointer   string
	Construct string
	Hint      string
}

func (e *NotSupportedError) Error() string {
	return fmt.Sprintf("%s: %s is not supported: %s", e.Pointer, e.Construct, e.Hint)
}

// Unwrap returns ErrNotSupported.
func (e *NotSupportedError) Unwrap() error { return ErrNotSupported }
