package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// A TypeError is a JSON value whose type does not fit the Go value it
// decodes into, such as a string for an integer property, located by a
// JSON pointer.
type TypeError struct {
	// Pointer locates the value in the document: "" for the whole
	// document, "/items/2/id" for a member inside an array.
	Pointer string
	// Detail is the type the value must have, in words such as "must be
	// an integer, not string".
	Detail string
	// Err is the error from encoding/json, a *json.UnmarshalTypeError, or
	// from the value's parser, a *FormatError or *time.ParseError.
	Err error
}

// Error returns "pointer: detail", or the detail alone for the whole
// document.
func (e *TypeError) Error() string {
	if e.Pointer == "" {
		return e.Detail
	}
	return e.Pointer + ": " + e.Detail
}

// Unwrap returns Err.
func (e *TypeError) Unwrap() error { return e.Err }

// Unmarshal decodes the JSON document data into dst as json.Unmarshal
// does, with two differences that JSON Schema calls for. A number with a
// fraction or exponent but a whole value, such as 2.0 or 1e3, is an
// integer, so it decodes into a Go integer. A value of the wrong type, or
// a date or date-time string that does not parse, is returned as a
// *TypeError whose pointer includes array indexes, which
// json.UnmarshalTypeError leaves out.
func Unmarshal(data []byte, dst any) error {
	err := json.Unmarshal(data, dst)
	if err == nil {
		return nil
	}
	var fe *FormatError
	var pe *time.ParseError
	switch {
	case errors.As(err, &fe):
		return &TypeError{Pointer: locateString(data, fe.Value), Detail: fmt.Sprintf("must be a %s (%s), not %q", fe.Format, fe.Want, fe.Value), Err: err}
	case errors.As(err, &pe):
		return &TypeError{Pointer: locateString(data, pe.Value), Detail: fmt.Sprintf("must be a date-time (RFC 3339), not %q", pe.Value), Err: err}
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	if strings.HasPrefix(te.Value, "number") {
		if fixed, ok := wholeNumbers(data); ok {
			data = fixed
			if err = json.Unmarshal(data, dst); !errors.As(err, &te) {
				return err
			}
		}
	}
	detail := fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind()), te.Value)
	if d, ok := outOfRange(te); ok {
		detail = d
	}
	if allowed, ok := tagged.Load(te.Type); ok && strings.HasPrefix(te.Value, "string \"") {
		quoted := make([]string, len(allowed.([]string)))
		for i, a := range allowed.([]string) {
			quoted[i] = strconv.Quote(a)
		}
		detail = fmt.Sprintf("must be one of %s, not %s", strings.Join(quoted, ", "), strings.TrimPrefix(te.Value, "string "))
	} else if _, ok := unions.Load(te.Type); ok {
		detail = fmt.Sprintf("a JSON %s matches none of the variants of %s", te.Value, te.Type.Name())
	}
	return &TypeError{Pointer: locate(data, te), Detail: detail, Err: te}
}

// unions holds the Go types for which NoVariant was called.
var unions sync.Map

// NoVariant returns the error of a generated union's UnmarshalJSON when
// no variant accepts a JSON value of type kind. u is the union. The
// error is a *json.UnmarshalTypeError, to which encoding/json adds the
// field path, so Unmarshal can locate the value.
func NoVariant(kind string, u any) error {
	t := reflect.TypeOf(u)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	unions.Store(t, true)
	return &json.UnmarshalTypeError{Value: kind, Type: t}
}

// tagged maps the Go types for which UnknownTag was called to the values
// their discriminator takes.
var tagged sync.Map

// UnknownTag returns the error of a generated union's UnmarshalJSON when
// its discriminator property holds tag, a string that names no variant.
// u is the union, and allowed lists the tags that name one. The error is
// a *json.UnmarshalTypeError, as NoVariant's is, and Unmarshal places it
// at the discriminator property.
func UnknownTag(u any, property, tag string, allowed ...string) error {
	t := reflect.TypeOf(u)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tagged.Store(t, allowed)
	return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(tag), Type: t, Field: property}
}

// jsonKind names the JSON type that values of a Go kind decode from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a number"
}

// node is a JSON value with its object members in document order, which
// a map[string]any loses.
type node struct {
	kind    string // "object", "array", "string", "number", "bool" or "null"
	text    string // the text of a number, or a string's value
	keys    []string
	members []*node // the values of an object's keys, or an array's items
}

// parseTree reads the valid JSON document data into a tree of nodes. Its
// recursion is bounded because encoding/json rejects documents nested
// more than 10,000 levels deep before it decodes them.
func parseTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var read func() (*node, error)
	read = func() (*node, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			n := &node{kind: "array"}
			if t == '{' {
				n.kind = "object"
			}
			for dec.More() {
				if n.kind == "object" {
					key, err := dec.Token()
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, key.(string))
				}
				m, err := read()
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, m)
			}
			_, err := dec.Token() // the closing bracket
			return n, err
		case string:
			return &node{kind: "string", text: t}, nil
		case json.Number:
			return &node{kind: "number", text: t.String()}, nil
		case bool:
			return &node{kind: "bool"}, nil
		}
		return &node{kind: "null"}, nil
	}
	return read()
}

// locate returns the JSON pointer of the value that a
// json.UnmarshalTypeError is about. The error's Field names the struct
// fields on the way, "items.id", but no array indexes or map keys, and
// its Offset counts from the start of the innermost UnmarshalJSON call,
// not of the document. So locate walks data along the field names, trying
// every array item and map value in document order, and returns the
// first value of the JSON type the error reports, since encoding/json
// reports the first error it meets. It returns the pointer of the
// deepest field it reached when no such value matches.
func locate(data []byte, te *json.UnmarshalTypeError) string {
	root, err := parseTree(data)
	if err != nil {
		return ""
	}
	var fields []string
	if te.Field != "" {
		fields = strings.Split(te.Field, ".")
	}
	f := finder{value: te.Value, failed: map[visit]bool{}}
	if ptr, ok := f.find(root, "", fields); ok {
		return ptr
	}
	// Fall back on the struct fields alone.
	ptr := ""
	for _, f := range fields {
		ptr = Join(ptr, f)
	}
	return ptr
}

// locateString returns the pointer of the first string in the document
// data whose text is value, for a parser's error, which carries the
// value but not its place. It returns "" when no string matches.
func locateString(data []byte, value string) string {
	root, err := parseTree(data)
	if err != nil {
		return ""
	}
	var walk func(n *node, ptr string) (string, bool)
	walk = func(n *node, ptr string) (string, bool) {
		if n.kind == "string" && n.text == value {
			return ptr, true
		}
		for i, m := range n.members {
			next := Index(ptr, i)
			if n.kind == "object" {
				next = Join(ptr, n.keys[i])
			}
			if p, ok := walk(m, next); ok {
				return p, true
			}
		}
		return "", false
	}
	ptr, _ := walk(root, "")
	return ptr
}

// finder searches a tree for the value that a type error is about.
type finder struct {
	// value is the JSON type of the value in the form of
	// json.UnmarshalTypeError.Value, such as "string" or "number 1.5".
	value string
	// failed records the searches that found nothing. An object is
	// searched both as a struct and as a map, so without it the same
	// subtree would be searched once for every way of reaching it.
	failed map[visit]bool
}

// visit is a search of a node for the rest of the field names, known by
// their count.
type visit struct {
	n      *node
	fields int
}

// find searches n, at pointer ptr, for the value reached through the
// struct fields named in fields.
func (f *finder) find(n *node, ptr string, fields []string) (string, bool) {
	if len(fields) == 0 && (n.kind == f.value || n.kind == "number" && f.value == "number "+n.text ||
		n.kind == "string" && f.value == "string "+strconv.Quote(n.text)) {
		return ptr, true
	}
	v := visit{n, len(fields)}
	if f.failed[v] {
		return "", false
	}
	switch n.kind {
	case "array":
		for i, m := range n.members {
			if p, ok := f.find(m, Index(ptr, i), fields); ok {
				return p, true
			}
		}
	case "object":
		if len(fields) > 0 {
			for i, key := range n.keys {
				if !strings.EqualFold(key, fields[0]) {
					continue
				}
				if p, ok := f.find(n.members[i], Join(ptr, key), fields[1:]); ok {
					return p, true
				}
			}
		}
		// The object may be a map, whose keys the field names skip.
		for i, m := range n.members {
			if p, ok := f.find(m, Join(ptr, n.keys[i]), fields); ok {
				return p, true
			}
		}
	}
	f.failed[v] = true
	return "", false
}

// wholeNumbers rewrites the numbers in the JSON document data that have a
// fraction or exponent but a whole value within the int64 range, such as
// 2.0 or 1e3, as integers. It reports whether it changed any. Strings are
// left alone, and the check is exact: 2.0000000000000001 is not whole.
func wholeNumbers(data []byte) ([]byte, bool) {
	var out []byte
	last, changed := 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			i = skipString(data, i) - 1
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(data) && strings.IndexByte("+-.0123456789eE", data[j]) >= 0 {
				j++
			}
			tok := data[i:j]
			if bytes.ContainsAny(tok, ".eE") && smallExponent(tok) {
				var r big.Rat
				if _, ok := r.SetString(string(tok)); ok && r.IsInt() && r.Num().IsInt64() {
					out = append(out, data[last:i]...)
					out = r.Num().Append(out, 10)
					last, changed = j, true
				}
			}
			i = j - 1
		}
	}
	if !changed {
		return nil, false
	}
	return append(out, data[last:]...), true
}

// outOfRange returns the detail for a whole number too large or too small
// for the Go integer type that te names, which encoding/json reports as a
// type error.
func outOfRange(te *json.UnmarshalTypeError) (string, bool) {
	tok, ok := strings.CutPrefix(te.Value, "number ")
	if !ok || !smallExponent([]byte(tok)) {
		return "", false
	}
	var r big.Rat
	if _, ok := r.SetString(tok); !ok || !r.IsInt() {
		return "", false
	}
	var lo, hi int64
	switch te.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := te.Type.Bits()
		lo, hi = -1<<(bits-1), 1<<(bits-1)-1
	default:
		return "", false
	}
	if r.Sign() < 0 {
		return fmt.Sprintf("must be at least %d, not %s", lo, tok), true
	}
	return fmt.Sprintf("must be at most %d, not %s", hi, tok), true
}

// smallExponent reports whether the number token tok is short and its
// exponent, if any, is within ±64, so that big.Rat need not build 10^n for
// a hostile n. Every whole int64 written in a reasonable way passes.
func smallExponent(tok []byte) bool {
	if len(tok) > 64 {
		return false
	}
	k := bytes.IndexAny(tok, "eE")
	if k < 0 {
		return true
	}
	exp, err := strconv.Atoi(string(tok[k+1:]))
	return err == nil && exp >= -64 && exp <= 64
}

// A TextError is a JSON document that is not valid Unicode text.
type TextError struct {
	// Offset is the byte at which the problem starts.
	Offset int
	// Detail names the problem.
	Detail string
}

// Error returns the detail and the offset.
func (e *TextError) Error() string {
	return fmt.Sprintf("%s at byte %d", e.Detail, e.Offset)
}

// CheckText returns a *TextError when the JSON document data holds bytes
// that are not UTF-8, or a \u escape of half a surrogate pair. RFC 8259
// leaves both undefined, and encoding/json turns them into U+FFFD, so a
// value would not be what the client sent.
func CheckText(data []byte) error {
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return &TextError{Offset: i, Detail: "invalid UTF-8"}
			}
			i += size
		}
	}
	// Backslashes appear only inside strings, where each one starts an
	// escape, so the escapes can be read without parsing the document.
	for i := 0; ; {
		k := bytes.IndexByte(data[i:], '\\')
		if k < 0 || i+k+1 >= len(data) {
			return nil
		}
		i += k
		if data[i+1] != 'u' {
			i += 2
			continue
		}
		r := hexRune(data[i+2:])
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if len(data) >= i+12 && data[i+6] == '\\' && data[i+7] == 'u' {
				if low := hexRune(data[i+8:]); low >= 0xDC00 && low < 0xE000 {
					i += 12
					continue
				}
			}
			return &TextError{Offset: i, Detail: "unpaired surrogate escape"}
		case r >= 0xDC00 && r < 0xE000:
			return &TextError{Offset: i, Detail: "unpaired surrogate escape"}
		}
		i += 2
	}
}

// hexRune reads the four hex digits at the start of b, or returns -1.
func hexRune(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}
