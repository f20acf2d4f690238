package generator

import (
	"fmt"
	"regexp"
	"strings"
)

// decodeTypeErrorRE matches the type errors of encoding/json as
// kin-openapi v0.153.0 passes them on, as text: "json: cannot unmarshal
// number -3 into field Schema.maxLength of type uint64".
var decodeTypeErrorRE = regexp.MustCompile(`cannot unmarshal (\w+)(?: (\S+))? into (?:Go struct )?field [\w.]*?(\w+) of type (\S+)`)

// decodeError turns an error of kin-openapi's decoding into a diagnostic.
// The checker reports the mistyped members that it has rules for. This is
// the fallback for the others. It names the member in OpenAPI terms and
// points at the first member of that name and JSON type in the file.
//
// NOTE: the error does not say where the member is, so when several
// members share the name and type, the one pointed at may be valid.
func (s *Spec) decodeError(root map[string]any, err error) error {
	m := decodeTypeErrorRE.FindStringSubmatch(err.Error())
	if m == nil {
		return diagError(s.Path, 1, 1, "", "cannot decode the document: "+err.Error())
	}
	kind, value, member, goType := m[1], m[2], m[3], m[4]
	got := kind
	if kind == "number" && value != "" {
		got = value
	}
	msg := fmt.Sprintf("%s must be %s, not %s", member, describeGoType(goType), got)
	ptr, _ := findMember(root, "", member, kind)
	d := s.locate(Diagnostics{{Severity: Error, Pointer: ptr, Message: msg}})
	return &DiagnosticsError{Diagnostics: d}
}

// describeGoType names the JSON values that a Go type of kin-openapi
// decodes.
func describeGoType(t string) string {
	switch {
	case strings.HasPrefix(t, "uint"):
		return "a non-negative integer"
	case strings.HasPrefix(t, "int"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "an object"
	}
	return "another type"
}

// findMember returns the pointer of the first member named key, in the
// order of sorted keys, whose value is of the JSON kind that encoding/json
// names in its errors (object, array, string, number or bool).
func findMember(v any, ptr, key, kind string) (string, bool) {
	switch node := v.(type) {
	case map[string]any:
		if child, ok := node[key]; ok && errorKind(child) == kind {
			return ptr + "/" + escapeSegment(key), true
		}
		for _, k := range sortedKeys(node) {
			if p, ok := findMember(node[k], ptr+"/"+escapeSegment(k), key, kind); ok {
				return p, true
			}
		}
	case []any:
		for i, child := range node {
			if p, ok := findMember(child, fmt.Sprintf("%s/%d", ptr, i), key, kind); ok {
				return p, true
			}
		}
	}
	return "", false
}

// errorKind names the JSON type of v as encoding/json's errors do.
func errorKind(v any) string {
	switch t := jsonType(v); t {
	case "integer":
		return "number"
	case "boolean":
		return "bool"
	default:
		return t
	}
}
