package params

import "strings"

// AppendPrimitive appends the wire form of a primitive value to dst and
// returns the extended slice.
//
// What dst holds depends on s.In. For a path parameter the appended text
// is the escaped path segment, with the label or matrix prefix. It belongs
// in the escaped form of the URL path, for example in a URL string that is
// then parsed, and never in url.URL.Path, which would encode each "%"
// again.
// For a query parameter dst is the query string built so far, without
// the leading "?", and the name=value pair is added after an "&" unless
// dst is empty. For a header parameter the appended text is the field
// value, with no percent-encoding. For a cookie parameter the name=value pair is
// added after "; " unless dst is empty, so that all cookie parameters
// share one Cookie header, as RFC 6265 requires.
//
// A path value whose wire form would be an empty segment, or the label
// dot-segment "." or "..", is an error that wraps ErrEmptySegment,
// because no route matches it. On error dst is returned unchanged, apart
// from spare capacity.
func (s *Spec) AppendPrimitive(dst []byte, value string) ([]byte, error) {
	if err := s.check(); err != nil {
		return dst, err
	}
	start := len(dst)
	switch s.In {
	case InPath:
		dst = s.appendPathPrefix(dst, value == "")
		dst = s.appendValue(dst, value)
	case InHeader:
		dst = append(dst, value...)
	default:
		if s.style() == DeepObject {
			return dst, s.unsupportedShape("primitive")
		}
		dst = s.appendName(dst, s.Name)
		dst = s.appendValue(dst, value)
	}
	return s.finish(dst, start)
}

// AppendArray appends the wire form of an array to dst and returns the
// extended slice. dst holds what AppendPrimitive describes. An exploded
// array with no items adds nothing to a query string or a Cookie header,
// so the parameter is absent. The package documentation lists the wire
// forms of empty arrays in path segments.
func (s *Spec) AppendArray(dst []byte, items []string) ([]byte, error) {
	if err := s.check(); err != nil {
		return dst, err
	}
	start := len(dst)
	switch s.In {
	case InPath:
		dst = s.appendPathArray(dst, items)
	case InHeader:
		dst = s.appendList(dst, items, ",")
	default:
		style := s.style()
		if style == DeepObject {
			return dst, s.unsupportedShape("array")
		}
		if s.Explode {
			for _, item := range items {
				dst = s.appendName(dst, s.Name)
				dst = s.appendValue(dst, item)
			}
			break
		}
		dst = s.appendName(dst, s.Name)
		dst = s.appendList(dst, items, wireSeparator(style))
	}
	return s.finish(dst, start)
}

// appendPathArray appends an array in a path style.
func (s *Spec) appendPathArray(dst []byte, items []string) []byte {
	switch {
	case s.style() == Label && s.Explode:
		dst = append(dst, '.')
		return s.appendList(dst, items, ".")
	case s.style() == Matrix && s.Explode:
		if len(items) == 0 {
			return append(dst, ';')
		}
		for _, item := range items {
			dst = s.appendPathPrefix(dst, item == "")
			dst = s.appendValue(dst, item)
		}
		return dst
	}
	empty := len(items) == 0 || len(items) == 1 && items[0] == ""
	dst = s.appendPathPrefix(dst, empty)
	return s.appendList(dst, items, ",")
}

// AppendObject appends the wire form of an object to dst and returns the
// extended slice. dst holds what AppendPrimitive describes. Properties
// are written in the order given. An exploded Form object or a DeepObject
// with no properties adds nothing, so the parameter is absent.
func (s *Spec) AppendObject(dst []byte, props []Property) ([]byte, error) {
	if err := s.check(); err != nil {
		return dst, err
	}
	start := len(dst)
	switch s.In {
	case InPath:
		dst = s.appendPathObject(dst, props)
	case InHeader:
		dst = s.appendDelimitedObject(dst, props, ",", ",")
	default:
		dst = s.appendPairObject(dst, props)
	}
	return s.finish(dst, start)
}

// appendPathObject appends an object in a path style.
func (s *Spec) appendPathObject(dst []byte, props []Property) []byte {
	switch s.style() {
	case Label:
		dst = append(dst, '.')
		return s.appendDelimitedObject(dst, props, ",", ".")
	case Matrix:
		if !s.Explode {
			dst = s.appendPathPrefix(dst, len(props) == 0)
			return s.appendFlatObject(dst, props, ",")
		}
		if len(props) == 0 {
			return append(dst, ';')
		}
		for _, p := range props {
			dst = append(dst, ';')
			dst = s.appendValue(dst, p.Name)
			// An empty value is written as a bare name, unless the name
			// is empty too, because ";" alone is the empty object.
			if p.Value != "" || p.Name == "" {
				dst = append(dst, '=')
				dst = s.appendValue(dst, p.Value)
			}
		}
		return dst
	}
	return s.appendDelimitedObject(dst, props, ",", ",")
}

// appendPairObject appends an object as query pairs or cookies.
func (s *Spec) appendPairObject(dst []byte, props []Property) []byte {
	style := s.style()
	switch {
	case style == DeepObject:
		for _, p := range props {
			dst = s.appendSeparator(dst)
			dst = appendEscaped(dst, s.Name, unreserved, false)
			dst = append(dst, "%5B"...)
			dst = s.appendValue(dst, p.Name)
			dst = append(dst, "%5D="...)
			dst = s.appendValue(dst, p.Value)
		}
		return dst
	case s.Explode:
		for _, p := range props {
			dst = s.appendSeparator(dst)
			dst = s.appendValue(dst, p.Name)
			dst = append(dst, '=')
			dst = s.appendValue(dst, p.Value)
		}
		return dst
	}
	dst = s.appendName(dst, s.Name)
	return s.appendFlatObject(dst, props, wireSeparator(style))
}

// appendDelimitedObject appends "R,100,G,200" with separator sep when s is
// not exploded, and "R=100,G=200" with separator explodedSep when it is.
func (s *Spec) appendDelimitedObject(dst []byte, props []Property, sep, explodedSep string) []byte {
	if !s.Explode {
		return s.appendFlatObject(dst, props, sep)
	}
	for i, p := range props {
		if i > 0 {
			dst = append(dst, explodedSep...)
		}
		dst = s.appendValue(dst, p.Name)
		dst = append(dst, '=')
		dst = s.appendValue(dst, p.Value)
	}
	return dst
}

// appendFlatObject appends names and values alternately, separated by sep.
func (s *Spec) appendFlatObject(dst []byte, props []Property, sep string) []byte {
	for i, p := range props {
		if i > 0 {
			dst = append(dst, sep...)
		}
		dst = s.appendValue(dst, p.Name)
		dst = append(dst, sep...)
		dst = s.appendValue(dst, p.Value)
	}
	return dst
}

// appendList appends the items separated by sep.
func (s *Spec) appendList(dst []byte, items []string, sep string) []byte {
	for i, item := range items {
		if i > 0 {
			dst = append(dst, sep...)
		}
		dst = s.appendValue(dst, item)
	}
	return dst
}

// wireSeparator returns the separator between the items of a non-exploded
// query or cookie value, percent-encoded where RFC 3986 requires it.
func wireSeparator(style Style) string {
	switch style {
	case SpaceDelimited:
		return "%20"
	case PipeDelimited:
		return "%7C"
	}
	return ","
}

// appendPathPrefix appends the label prefix ".", or the matrix prefix
// ";name" followed by "=" unless the value is empty. Simple style has no
// prefix.
func (s *Spec) appendPathPrefix(dst []byte, empty bool) []byte {
	switch s.style() {
	case Label:
		dst = append(dst, '.')
	case Matrix:
		dst = append(dst, ';')
		dst = appendEscaped(dst, s.Name, unreserved, false)
		if !empty {
			dst = append(dst, '=')
		}
	}
	return dst
}

// appendName appends the pair separator, the escaped name and "=".
func (s *Spec) appendName(dst []byte, name string) []byte {
	dst = s.appendSeparator(dst)
	dst = appendEscaped(dst, name, unreserved, false)
	return append(dst, '=')
}

// appendSeparator appends "&" or "; " before a query pair or a cookie when
// dst already holds one.
func (s *Spec) appendSeparator(dst []byte) []byte {
	switch {
	case len(dst) == 0:
		return dst
	case s.In == InCookie:
		return append(dst, "; "...)
	}
	return append(dst, '&')
}

// appendValue appends an item, property name or value with the escaping
// of s: none for headers, the label set for Label, the reserved set for
// query parameters with AllowReserved, and the unreserved set otherwise.
func (s *Spec) appendValue(dst []byte, v string) []byte {
	switch {
	case s.In == InHeader:
		return append(dst, v...)
	case s.style() == Label:
		return appendEscaped(dst, v, labelChars, false)
	case s.In == InQuery && s.AllowReserved:
		return appendEscaped(dst, v, reservedQueryChars, true)
	}
	return appendEscaped(dst, v, unreserved, false)
}

// finish checks a header value appended from start, the only wire form
// that is not escaped, and returns dst cut back to start when it is
// invalid. It also encodes a simple-style path segment that is exactly
// "." or "..", which routers would remove as a dot-segment, and rejects a
// path value whose wire form is empty or a label dot-segment.
func (s *Spec) finish(dst []byte, start int) ([]byte, error) {
	wire := dst[start:]
	dots := string(wire) == "." || string(wire) == ".."
	switch {
	case s.In == InHeader && !validFieldValue(wire):
		return dst[:start], s.invalid("control character in header value", string(wire), nil)
	case s.In == InPath && len(wire) == 0:
		return dst[:start], &Error{Name: s.Name, In: s.In, Err: ErrEmptySegment,
			Reason: "value has an empty wire form, which no route matches; send a non-empty value"}
	case s.In == InPath && s.style() == Simple && dots:
		return append(dst[:start], strings.Repeat("%2E", len(wire))...), nil
	case s.In == InPath && dots:
		return dst[:start], &Error{Name: s.Name, In: s.In, Err: ErrEmptySegment,
			Reason: "value has the wire form " + quote(string(wire)) +
				", a dot-segment that routers remove from the path; send a non-empty value"}
	}
	return dst, nil
}
