// Package problem implements RFC 9457 problem details: the
// application/problem+json body that whgen servers send for every error
// response.
//
// A [Problem] holds the five standard members (type, title, status, detail,
// instance), the "errors" extension member that request validation fills
// with one [FieldError] per invalid value, and any other extension members.
// [Write] sends a Problem as a response. An [Error] carries a Problem through
// ordinary Go error returns, so a handler or middleware can return
//
//	problem.NewError(http.StatusNotFound, "pet 42 does not exist")
//
// and the error handler at the top turns it into the right response with
// [WriteError]. Errors that carry no Problem become a bare 500 response, so
// internal error messages never reach the client.
//
// The package uses only the standard library.
package problem

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ContentType is the media type of a problem details body in JSON.
const ContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object.
//
// The zero value is valid and encodes as {}, which a client reads as type
// "about:blank" with no further information. Use [New] to fill Title from
// the status code.
type Problem struct {
	// Type is a URI reference that identifies the problem type. The empty
	// string is encoded by omission, which means "about:blank": the problem
	// is fully described by its HTTP status code.
	Type string

	// Title is a short, human-readable summary of the problem type. It
	// should not change between occurrences of the same type.
	Title string

	// Status is the HTTP status code of the response. Zero omits the member,
	// and [Write] then sends 500.
	Status int

	// Detail is a human-readable explanation of this occurrence. Clients
	// see it, so it must not contain secrets or internal error messages.
	Detail string

	// Instance is a URI reference that identifies this occurrence, for
	// example the request path or a log correlation URI.
	Instance string

	// Errors lists the individual invalid values of a request that failed
	// validation. It is encoded as the "errors" extension member, which
	// RFC 9457 uses in its own validation example.
	Errors []FieldError

	// Extensions contains further members, encoded at the top level of the
	// object in key order. Keys that collide with a standard member or with
	// "errors" are ignored when encoding, because the fields above win.
	Extensions map[string]any
}

// FieldError describes one invalid value in a request.
type FieldError struct {
	// Pointer is a JSON Pointer (RFC 6901) to the invalid member of the
	// request body, such as "/items/0/price". Use [Pointer] to build it.
	// Empty when the value is not in the body.
	Pointer string `json:"pointer,omitempty"`

	// Parameter is the name of the invalid parameter when the value came
	// from the path, query, header or cookie rather than the body.
	Parameter string `json:"parameter,omitempty"`

	// In is the OpenAPI location of Parameter: "path", "query", "header"
	// or "cookie". Empty when Parameter is empty.
	In string `json:"in,omitempty"`

	// Detail says what is wrong with the value, for example
	// "must be at least 1".
	Detail string `json:"detail"`
}

// New returns a Problem for the status code, with Title set to the standard
// reason phrase ("Not Found") and Detail set to detail.
func New(status int, detail string) *Problem {
	return &Problem{Title: http.StatusText(status), Status: status, Detail: detail}
}

// Pointer builds a JSON Pointer (RFC 6901) from reference tokens, escaping
// "~" as "~0" and "/" as "~1". Pointer() is "", the whole document.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(t))
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// standardMembers are the member names that Extensions cannot override.
var standardMembers = []string{"type", "title", "status", "detail", "instance", "errors"}

// MarshalJSON encodes p as a problem details object: the standard members
// first, then "errors", then the extension members sorted by key. Empty
// members are omitted.
func (p Problem) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	member := func(name string, value any) error {
		encoded, err := json.Marshal(value)
		if err != nil {
			return fmt.Errorf("encode problem member %q: %w", name, err)
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		key, _ := json.Marshal(name)
		b.Write(key)
		b.WriteByte(':')
		b.Write(encoded)
		return nil
	}

	for _, m := range p.members() {
		if err := member(m.name, m.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type namedValue struct {
	name  string
	value any
}

// members lists the non-empty members of p in encoding order.
func (p Problem) members() []namedValue {
	var out []namedValue
	add := func(name string, value any, empty bool) {
		if !empty {
			out = append(out, namedValue{name, value})
		}
	}
	add("type", p.Type, p.Type == "")
	add("title", p.Title, p.Title == "")
	add("status", p.Status, p.Status == 0)
	add("detail", p.Detail, p.Detail == "")
	add("instance", p.Instance, p.Instance == "")
	add("errors", p.Errors, len(p.Errors) == 0)

	keys := make([]string, 0, len(p.Extensions))
	for k := range p.Extensions {
		if !slices.Contains(standardMembers, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, namedValue{k, p.Extensions[k]})
	}
	return out
}

// UnmarshalJSON decodes a problem details object. As RFC 9457 section 3.1
// requires, a standard member whose value has the wrong JSON type is
// ignored rather than rejected. An "errors" member that is not a list of
// field errors is kept in Extensions. Unknown members go to Extensions as
// json.RawMessage values.
func (p *Problem) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("decode problem: %w", err)
	}
	*p = Problem{}
	decodeIfValid(raw, "type", &p.Type)
	decodeIfValid(raw, "title", &p.Title)
	decodeIfValid(raw, "status", &p.Status)
	decodeIfValid(raw, "detail", &p.Detail)
	decodeIfValid(raw, "instance", &p.Instance)
	if decodeIfValid(raw, "errors", &p.Errors) {
		delete(raw, "errors")
	}
	for _, name := range standardMembers[:5] {
		delete(raw, name)
	}
	if len(raw) > 0 {
		p.Extensions = make(map[string]any, len(raw))
		for k, v := range raw {
			p.Extensions[k] = v
		}
	}
	return nil
}

// decodeIfValid decodes raw[name] into dst and reports whether it did. A
// missing member or a value of the wrong type leaves dst unchanged.
func decodeIfValid[T any](raw map[string]json.RawMessage, name string, dst *T) bool {
	value, ok := raw[name]
	if !ok {
		return false
	}
	var v T
	if err := json.Unmarshal(value, &v); err != nil {
		return false
	}
	*dst = v
	return true
}
