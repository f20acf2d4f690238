package params

import "fmt"

// Location is where a parameter appears in a request. Its values are the
// names that the OpenAPI "in" field uses.
type Location string

// The four parameter locations of OpenAPI 3.
const (
	InPath   Location = "path"
	InQuery  Location = "query"
	InHeader Location = "header"
	InCookie Location = "cookie"
)

// Style is an OpenAPI serialisation style. Its values are the names that
// the OpenAPI "style" field uses.
type Style string

// The styles of OpenAPI 3.1. Simple, Label and Matrix are path styles, and
// Simple is also the only header style. Form is the query and cookie style,
// and SpaceDelimited, PipeDelimited and DeepObject are query-only styles.
const (
	Simple         Style = "simple"
	Label          Style = "label"
	Matrix         Style = "matrix"
	Form           Style = "form"
	SpaceDelimited Style = "spaceDelimited"
	PipeDelimited  Style = "pipeDelimited"
	DeepObject     Style = "deepObject"
)

// DefaultStyle returns the style that OpenAPI assumes when a parameter in
// location in has no "style" field: Simple for path and header, Form for
// query and cookie. It returns "" for an unknown location.
func DefaultStyle(in Location) Style {
	switch in {
	case InPath, InHeader:
		return Simple
	case InQuery, InCookie:
		return Form
	}
	return ""
}

// DefaultExplode returns the value that OpenAPI assumes when a parameter
// with the given style has no "explode" field: true for Form, false for
// every other style.
func DefaultExplode(style Style) bool {
	return style == Form
}

// Spec describes how one parameter is serialised. Generated code keeps one
// Spec per parameter in a package-level variable and calls its methods, so
// a Spec must not be changed once it is in use. All methods are safe for
// concurrent use.
type Spec struct {
	// Name is the parameter name, matched case-sensitively except in
	// headers, whose names HTTP matches case-insensitively. It must not
	// be empty.
	Name string

	// In is the parameter's location. It must be set.
	In Location

	// Style is the serialisation style. The zero value means the
	// default style of In, as DefaultStyle returns.
	Style Style

	// Explode is the OpenAPI "explode" flag, used as it is. The zero
	// value, false, means that arrays and objects travel as one delimited
	// value. OpenAPI's default for Form is true, so a generator resolves
	// the default with DefaultExplode before it fills the field.
	Explode bool

	// AllowReserved is the OpenAPI "allowReserved" flag. When it is true,
	// the query serialiser leaves RFC 3986 reserved characters and
	// percent-encoded triples in values as they are. It applies only to
	// query parameters. The zero value percent-encodes every character
	// outside the RFC 3986 unreserved set.
	AllowReserved bool

	// Properties lists the property names of an exploded object
	// parameter in a query or cookie, other than DeepObject, whose
	// properties appear as top-level query keys or cookie names. Only
	// those keys are collected. The zero value, nil, collects every key
	// that Exclude does not name, which suits objects with
	// additionalProperties. Other parameters ignore the field.
	Properties []string

	// Exclude lists keys that never belong to an exploded Form object,
	// normally the names of the operation's other query or cookie
	// parameters. It is consulted only when Properties is nil. The zero
	// value excludes nothing.
	Exclude []string
}

// style returns the effective style of s.
func (s *Spec) style() Style {
	if s.Style != "" {
		return s.Style
	}
	return DefaultStyle(s.In)
}

// Validate returns an error unless s has a non-empty Name, a known
// location, and a style defined for that location. Every other method
// returns the same error on each call when s is invalid, so generated code
// can call Validate once, in a test or at start-up, to find the problem
// early. The error wraps ErrUnsupported.
func (s *Spec) Validate() error {
	if s.Name == "" {
		return s.unsupported("empty parameter name")
	}
	if DefaultStyle(s.In) == "" {
		return s.unsupported(fmt.Sprintf("unknown location %q", s.In))
	}
	if !s.styleAllowed() {
		return s.unsupported(fmt.Sprintf("style %q is not defined for %s parameters", s.style(), s.In))
	}
	return nil
}

// styleAllowed reports whether the effective style is defined for s.In.
func (s *Spec) styleAllowed() bool {
	switch s.style() {
	case Simple:
		return s.In == InPath || s.In == InHeader
	case Label, Matrix:
		return s.In == InPath
	case Form:
		return s.In == InQuery || s.In == InCookie
	case SpaceDelimited, PipeDelimited, DeepObject:
		return s.In == InQuery
	}
	return false
}

// Property is one property of an object parameter. Objects are passed as
// ordered slices of properties so that serialisation follows the order of
// the schema and parsing keeps the order of the request.
type Property struct {
	// Name is the property name.
	Name string
	// Value is the property value as text, before any percent-encoding.
	Value string
}
