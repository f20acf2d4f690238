package problem

import (
	"errors"

	"github.com/whgen/whgen/oas"
)

// ValidationErrors returns one FieldError per value that err locates in a
// JSON document: each entry of an oas.Errors that err wraps, or the value
// of an *oas.TypeError. It returns nil for other errors.
func ValidationErrors(err error) []FieldError {
	var te *oas.TypeError
	if errors.As(err, &te) {
		return []FieldError{{Pointer: te.Pointer, Detail: te.Detail}}
	}
	var errs oas.Errors
	if !errors.As(err, &errs) {
		return nil
	}
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		out[i] = FieldError{Pointer: e.Pointer, Detail: e.Message}
	}
	return out
}
