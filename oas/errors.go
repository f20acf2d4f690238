package oas

import (
	"strconv"
	"strings"
)

// ValidationError is one constraint that a value breaks.
type ValidationError struct {
	// Pointer is the RFC 6901 JSON pointer of the offending value inside the
	// validated document; the empty string is the document itself.
	Pointer string `json:"pointer"`
	// Message says which constraint failed, such as "is required" or
	// "must be at most 80 characters".
	Message string `json:"detail"`
}

// Error returns "pointer: message", with "/" standing for the root.
func (e ValidationError) Error() string {
	p := e.Pointer
	if p == "" {
		p = "/"
	}
	return p + ": " + e.Message
}

// Errors collects every constraint that a value breaks. Generated Validate
// methods return it as their error when it is not empty.
type Errors []ValidationError

// Add records that the value at pointer breaks a constraint.
func (e *Errors) Add(pointer, message string) {
	*e = append(*e, ValidationError{Pointer: pointer, Message: message})
}

// Err returns nil when e is empty and e otherwise.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Error lists every problem, separated by "; ".
func (e Errors) Error() string {
	var b strings.Builder
	for i, v := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.Error())
	}
	return b.String()
}

// Join appends an object member name to a JSON pointer, escaping "~" and "/"
// as RFC 6901 requires.
func Join(pointer, name string) string {
	if strings.ContainsAny(name, "~/") {
		name = strings.ReplaceAll(name, "~", "~0")
		name = strings.ReplaceAll(name, "/", "~1")
	}
	return pointer + "/" + name
}

// Index appends an array index to a JSON pointer.
func Index(pointer string, i int) string {
	return pointer + "/" + strconv.Itoa(i)
}
