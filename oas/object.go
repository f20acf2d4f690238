package oas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
)

// Object describes the properties of an object schema, so that generated
// UnmarshalJSON methods can tell which required properties were absent or
// null and whether a closed object carried one it does not declare.
// encoding/json alone cannot: it leaves absent fields and fields given null
// at their zero value and drops unknown members silently.
type Object struct {
	keys     []string
	index    map[string]int
	required []int
	notNull  []bool // by index into keys
	closed   bool
	access   []Direction // by index into keys: the one direction a property travels in, if only one
}

// Direction is the way a value travels between client and server, which
// decides whether readOnly and writeOnly properties are required.
type Direction int

// The directions. JSON Schema marks a property readOnly when only the
// server sends it, and writeOnly when only the client does. OpenAPI
// requires such a property only in the direction it travels in, so the
// other direction ignores it.
const (
	// AnyDirection applies the schema as written: every required property
	// must be present.
	AnyDirection Direction = iota
	// InRequest is a value that a client sends, which ignores readOnly
	// properties.
	InRequest
	// InResponse is a value that a server sends, which ignores writeOnly
	// properties.
	InResponse
)

// WithAccess marks the properties at the indexes in readOnly and writeOnly
// as such, and returns o.
func (o *Object) WithAccess(readOnly, writeOnly []int) *Object {
	o.access = make([]Direction, len(o.keys))
	for _, i := range readOnly {
		o.access[i] = InResponse
	}
	for _, i := range writeOnly {
		o.access[i] = InRequest
	}
	return o
}

// exempt reports whether a value that travels in direction dir ignores the
// property at index i.
func (o *Object) exempt(i int, dir Direction) bool {
	if dir == AnyDirection || o.access == nil {
		return false
	}
	only := o.access[i]
	return only != AnyDirection && only != dir
}

// NewObject describes an object with the given property names. required
// lists the indexes into keys of the required properties, and notNull the
// indexes of the properties whose value must not be null. closed is true
// when the schema sets additionalProperties to false.
func NewObject(keys []string, required, notNull []int, closed bool) *Object {
	o := &Object{keys: keys, required: required, closed: closed, index: make(map[string]int, len(keys))}
	for i, k := range keys {
		o.index[k] = i
	}
	if len(notNull) > 0 {
		o.notNull = make([]bool, len(keys))
		for _, i := range notNull {
			o.notNull[i] = true
		}
	}
	return o
}

// maxUnknown is how many undeclared members of a closed object Scan lists
// by name, so that a hostile payload cannot make the error list huge.
const maxUnknown = 20

// ScanResult is the list of problems that Object.Scan found in one JSON
// object. Its zero value lists none, and so does the one of a value built
// in Go rather than decoded.
type ScanResult struct {
	// problems lists property indexes in the order found: i for a required
	// property that is absent, ^i for a property that is null although it
	// must not be.
	problems []int
	// unknown lists the members that a closed object does not declare, up
	// to maxUnknown, and moreUnknown counts the others.
	unknown     []string
	moreUnknown int
	// folded is the first member whose name equals a declared property's
	// only when letter case is ignored. encoding/json stores such a member
	// in that property's field, so a payload could carry a value that a
	// reader going by the exact name (a proxy, a log) does not see.
	folded, foldedKey string
	// duplicate is the first declared member that appears more than once.
	// encoding/json keeps the last copy, while a reader that stops at the
	// first, such as a router, would see another value.
	duplicate string
	// kind is the JSON type of a value that is not an object, such as
	// "null" or "array"; empty for objects.
	kind string
}

// Scan reads the members of the JSON object in data and returns its
// problems: the required properties it lacks, and the properties that are
// null although NewObject listed them as notNull. For a closed object it
// also returns the members that the object does not declare. data
// must already be valid JSON, as it is inside UnmarshalJSON. Scan
// allocates only when it finds a problem or when the object declares more
// than 256 properties.
func (o *Object) Scan(data []byte) ScanResult {
	var seenBuf [4]uint64
	seen := seenBuf[:0]
	if n := (len(o.keys) + 63) / 64; n <= len(seenBuf) {
		seen = seenBuf[:n]
	} else {
		seen = make([]uint64, n)
	}
	var r ScanResult
	if k := Kind(data); k != "object" {
		// Listing every required property as absent would bury the one
		// real problem.
		r.kind = k
		return r
	}
	forEachMember(data, func(name, value []byte) {
		i, ok := o.index[string(name)]
		switch {
		case !ok:
			r.noteUnknown(o, name)
		case seen[i/64]&(1<<(i%64)) != 0:
			if r.duplicate == "" {
				r.duplicate = o.keys[i]
			}
		case o.notNull != nil && o.notNull[i] && isNull(value):
			r.problems = append(r.problems, ^i)
			seen[i/64] |= 1 << (i % 64)
		default:
			seen[i/64] |= 1 << (i % 64)
		}
	})
	for _, i := range o.required {
		if seen[i/64]&(1<<(i%64)) == 0 {
			r.problems = append(r.problems, i)
		}
	}
	return r
}

// ScanNames is Scan for a value known only by its member names, such as a
// form or multipart body. It finds the required properties absent from
// names and, for a closed object, the names it does not declare. Form
// values cannot be null, so it finds no nulls.
func (o *Object) ScanNames(names []string) ScanResult {
	var r ScanResult
	seen := make([]bool, len(o.keys))
	for _, name := range names {
		if i, ok := o.index[name]; ok {
			seen[i] = true
			continue
		}
		r.noteUnknown(o, []byte(name))
	}
	for _, i := range o.required {
		if !seen[i] {
			r.problems = append(r.problems, i)
		}
	}
	return r
}

// noteUnknown records name, which o does not declare. It converts name to
// a string only to keep it, so that Scan of a valid object allocates
// nothing.
func (r *ScanResult) noteUnknown(o *Object, name []byte) {
	if o.closed && !slices.ContainsFunc(r.unknown, func(u string) bool { return u == string(name) }) {
		if len(r.unknown) < maxUnknown {
			r.unknown = append(r.unknown, string(name))
		} else {
			r.moreUnknown++
		}
	}
	if r.folded == "" {
		for _, k := range o.keys {
			if bytes.EqualFold([]byte(k), name) {
				r.folded, r.foldedKey = string(name), k
				break
			}
		}
	}
}

// Check records an error for each problem in r: "is required" for an absent
// required property, "must not be null" for a null one, "is not allowed"
// for an unknown member of a closed object, and "appears more than once"
// for a repeated property. It ignores the
// properties that WithAccess marked readOnly when dir is InRequest, and
// the writeOnly ones when dir is InResponse.
func (o *Object) Check(pointer string, r ScanResult, e *Errors, dir Direction) {
	if r.kind != "" {
		e.Add(pointer, "must be an object, not "+r.kind)
		return
	}
	for _, i := range r.problems {
		if o.exempt(max(i, ^i), dir) {
			continue
		}
		if i < 0 {
			e.Add(Join(pointer, o.keys[^i]), "must not be null")
			continue
		}
		e.Add(Join(pointer, o.keys[i]), "is required")
	}
	for _, name := range r.unknown {
		if name == r.folded {
			continue // the letter-case message below is more precise
		}
		e.Add(Join(pointer, name), "is not allowed: the object is closed (additionalProperties is false)")
	}
	if r.moreUnknown > 0 {
		e.Add(pointer, fmt.Sprintf("has %d more members that the closed object does not declare", r.moreUnknown))
	}
	if r.folded != "" {
		e.Add(Join(pointer, r.folded), fmt.Sprintf("differs from the property %q only in letter case; send the exact name", r.foldedKey))
	}
	if r.duplicate != "" {
		e.Add(Join(pointer, r.duplicate), "appears more than once; send each member once")
	}
}

// Fits reports whether Scan finds no problem in data: it is an object with
// every required property, no forbidden null and, for a closed object, no
// undeclared member. Generated union decoders call it to skip, without
// decoding them, the variants that cannot match.
func (o *Object) Fits(data []byte) bool {
	r := o.Scan(data)
	return r.kind == "" && len(r.problems) == 0 && len(r.unknown) == 0 && r.moreUnknown == 0
}

// Reported reports whether r already holds a problem for the property at
// index i: it was absent or null, or the value was not an object at all.
// Generated validators then skip the property's own constraints, which
// would only repeat the problem for its zero value.
func (o *Object) Reported(r ScanResult, i int) bool {
	if r.kind != "" {
		return true
	}
	for _, p := range r.problems {
		if p == i || p == ^i {
			return true
		}
	}
	return false
}

// Declared returns how many members of the JSON object in data o declares.
// A nil Object declares every member, for a type that keeps them all.
// Generated anyOf decoders use it to prefer the variant that loses the
// fewest members.
func (o *Object) Declared(data []byte) int {
	n := 0
	forEachMember(data, func(name, _ []byte) {
		if o == nil {
			n++
			return
		}
		if _, ok := o.index[string(name)]; ok {
			n++
		}
	})
	return n
}

// isNull reports whether a raw JSON value, which must be valid, is null.
func isNull(value []byte) bool {
	return len(value) > 0 && value[0] == 'n'
}

// Additional decodes the members of the object in data that o does not
// declare, each as a T.
func Additional[T any](data []byte, o *Object) (map[string]T, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return nil, err
	}
	var out map[string]T
	for k, v := range raw {
		if _, known := o.index[k]; known {
			continue
		}
		var t T
		if err := json.Unmarshal(v, &t); err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		if out == nil {
			out = make(map[string]T)
		}
		out[k] = t
	}
	return out, nil
}

// MarshalAdditional encodes known, a struct without its additional
// properties, and appends the members of extra in key order. Members of
// extra that known already has are skipped.
func MarshalAdditional[T any](known any, extra map[string]T) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	have := map[string]bool{}
	forEachMember(b, func(name, _ []byte) { have[string(name)] = true })
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !have[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	first := len(have) == 0
	for _, k := range keys {
		v, err := json.Marshal(extra[k])
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.WriteString(strconv.Quote(k))
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// forEachMember calls f with the name and the raw value of each member of
// the top-level JSON object in data, unescaping names only when they
// contain escapes. It does nothing when data is not an object.
func forEachMember(data []byte, f func(name, value []byte)) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return
		}
		if data[i] == ',' {
			i++
			continue
		}
		if data[i] != '"' {
			return
		}
		end := skipString(data, i)
		name := data[i+1 : end-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			var s string
			if json.Unmarshal(data[i:end], &s) == nil {
				name = []byte(s)
			}
		}
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ':' {
			i++
		}
		start := skipSpace(data, i)
		i = skipValue(data, start)
		f(name, data[start:i])
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

func skipString(data []byte, i int) int {
	i++
	for i < len(data) {
		switch data[i] {
		case '\\':
			i += 2
			continue
		case '"':
			return i + 1
		}
		i++
	}
	return i
}

func skipValue(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '"':
			i = skipString(data, i)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}

// Kind returns the JSON type of the value in data: one of "object",
// "array", "string", "number", "boolean" and "null", or "" when data holds
// no value.
func Kind(data []byte) string {
	i := skipSpace(data, 0)
	if i >= len(data) {
		return ""
	}
	switch c := data[i]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	}
	return ""
}

// IsInteger reports whether the JSON number in data has no fractional part.
func IsInteger(data []byte) bool {
	var n json.Number
	if json.Unmarshal(data, &n) != nil {
		return false
	}
	if _, err := n.Int64(); err == nil {
		return true
	}
	f, err := n.Float64()
	return err == nil && f == float64(int64(f))
}

// Member returns the string value of the named member of the JSON object
// in data, for discriminators, and whether it is there and a string. It
// scans member names without decoding the rest of the object.
func Member(data []byte, name string) (string, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' || data[i] != '"' && data[i] != ',' {
			return "", false
		}
		if data[i] == ',' {
			i++
			continue
		}
		end := skipString(data, i)
		key := data[i+1 : end-1]
		match := string(key) == name
		if !match && bytes.IndexByte(key, '\\') >= 0 {
			var s string
			match = json.Unmarshal(data[i:end], &s) == nil && s == name
		}
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ':' {
			i++
		}
		start := skipSpace(data, i)
		i = skipValue(data, start)
		if match {
			var v string
			if json.Unmarshal(data[start:i], &v) != nil {
				return "", false
			}
			return v, true
		}
	}
}

// EachMember calls f with the name and raw value of each member of the
// JSON object in data, in order, without decoding the values. data must be
// valid JSON; EachMember does nothing when it is not an object.
func EachMember(data []byte, f func(name, value []byte)) {
	forEachMember(data, f)
}

// DeeperThan returns the offset in the JSON text data where arrays and
// objects first nest more than limit levels deep, or -1 when they never
// do. Brackets inside strings do not count. data need not be valid JSON.
func DeeperThan(data []byte, limit int) int {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			i = skipString(data, i) - 1
		case '[', '{':
			if depth++; depth > limit {
				return i
			}
		case ']', '}':
			depth--
		}
	}
	return -1
}
