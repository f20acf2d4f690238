package generator_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// payloadBuilder constructs a small JSON value that a schema accepts, for
// webhooks whose spec gives no example. It works on the spec tree, so it
// reads the schemas exactly as the JSON Schema oracle does, and it fills
// in required properties only.
type payloadBuilder struct {
	tree map[string]any
}

// maxPayloadDepth bounds the nesting of constructed values, which a schema
// whose required properties refer back to it could make endless.
const maxPayloadDepth = 48

// value returns a value that every schema of the conjunction accepts.
func (p *payloadBuilder) value(schemas []any, depth int) (any, error) {
	if depth > maxPayloadDepth {
		return nil, fmt.Errorf("schemas nest deeper than %d levels", maxPayloadDepth)
	}
	flat, err := p.flatten(schemas, 0)
	if err != nil {
		return nil, err
	}
	if v, ok := constOf(flat); ok {
		return v, nil
	}
	if v, ok := enumOf(flat); ok {
		return v, nil
	}
	if choices := variants(flat); len(choices) > 0 {
		// The first variant whose types agree with the rest of the
		// conjunction, or else the first.
		for _, choice := range choices {
			if choiceFlat, err := p.flatten(choice, 0); err == nil && typesAgree(choiceFlat) {
				return p.value(choice, depth+1)
			}
		}
		return p.value(choices[0], depth+1)
	}
	switch pickType(flat) {
	case "object":
		return p.object(flat, depth)
	case "array":
		return p.array(flat, depth)
	case "string":
		return stringValue(flat)
	case "integer":
		return numberValue(flat, true), nil
	case "number":
		return numberValue(flat, false), nil
	case "boolean":
		return false, nil
	case "null":
		return nil, nil
	}
	return "x", nil
}

// flatten resolves references and expands allOf into one list.
func (p *payloadBuilder) flatten(schemas []any, depth int) ([]map[string]any, error) {
	if depth > maxPayloadDepth {
		return nil, fmt.Errorf("allOf and $ref nest deeper than %d levels", maxPayloadDepth)
	}
	var out []map[string]any
	for _, s := range schemas {
		switch s := s.(type) {
		case bool:
			if !s {
				return nil, fmt.Errorf("schema false accepts no value")
			}
		case map[string]any:
			if ref, ok := s["$ref"].(string); ok {
				target, err := p.resolve(ref)
				if err != nil {
					return nil, err
				}
				rest, err := p.flatten([]any{target}, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, rest...)
				s = without(s, "$ref")
			}
			out = append(out, s)
			if parts, ok := s["allOf"].([]any); ok {
				rest, err := p.flatten(parts, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, rest...)
			}
		}
	}
	return out, nil
}

// without returns a copy of s without the member key.
func without(s map[string]any, key string) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func (p *payloadBuilder) resolve(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("reference %s is not local", ref)
	}
	target, ok := resolvePointer(p.tree, strings.TrimPrefix(ref, "#"))
	if !ok {
		return nil, fmt.Errorf("reference %s points to nothing", ref)
	}
	return target, nil
}

func constOf(flat []map[string]any) (any, bool) {
	for _, s := range flat {
		if v, ok := s["const"]; ok {
			return v, true
		}
	}
	return nil, false
}

// enumOf returns the first value of the first enum that every other enum
// also lists, preferring values other than null.
func enumOf(flat []map[string]any) (any, bool) {
	var enums [][]any
	for _, s := range flat {
		if e, ok := s["enum"].([]any); ok {
			enums = append(enums, e)
		}
	}
	if len(enums) == 0 {
		return nil, false
	}
	var fallback any
	found := false
	for _, v := range enums[0] {
		if slices.ContainsFunc(enums[1:], func(e []any) bool { return !containsJSON(e, v) }) {
			continue
		}
		if v != nil {
			return v, true
		}
		fallback, found = v, true
	}
	return fallback, found
}

func containsJSON(list []any, v any) bool {
	want, _ := json.Marshal(v)
	for _, item := range list {
		got, _ := json.Marshal(item)
		if string(got) == string(want) {
			return true
		}
	}
	return false
}

// variants returns the conjunctions that replace the first oneOf or anyOf
// of flat by each of its variants in turn.
func variants(flat []map[string]any) [][]any {
	for i, s := range flat {
		for _, key := range []string{"oneOf", "anyOf"} {
			list, ok := s[key].([]any)
			if !ok || len(list) == 0 {
				continue
			}
			var out [][]any
			for _, v := range list {
				choice := []any{without(s, key), v}
				for j, other := range flat {
					if j != i {
						choice = append(choice, other)
					}
				}
				out = append(out, choice)
			}
			return out
		}
	}
	return nil
}

// typeOrder is the order in which pickType prefers the types that all
// schemas allow.
var typeOrder = []string{"object", "array", "string", "integer", "number", "boolean", "null"}

func pickType(flat []map[string]any) string {
	allowed, hinted, nullable := allowedTypes(flat)
	switch {
	case hinted != "" && slices.Contains(allowed, hinted):
		return hinted
	case len(allowed) == len(typeOrder):
		return hinted
	case len(allowed) > 0:
		return allowed[0]
	case nullable:
		// The types contradict each other, as in GitHub's "type": ["null"]
		// beside an allOf of an object, which means a nullable object to
		// the generator. Null is the value that both readings accept.
		return "null"
	}
	return hinted
}

// typesAgree reports whether some JSON type other than null satisfies
// the "type" of every schema in flat.
func typesAgree(flat []map[string]any) bool {
	allowed, _, _ := allowedTypes(flat)
	return slices.ContainsFunc(allowed, func(t string) bool { return t != "null" })
}

// allowedTypes returns the JSON types that every schema of flat allows,
// the type that keywords such as properties or items hint at, and whether
// some schema lists null.
func allowedTypes(flat []map[string]any) (allowed []string, hinted string, nullable bool) {
	allowed = slices.Clone(typeOrder)
	for _, s := range flat {
		var types []string
		switch t := s["type"].(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				if name, ok := x.(string); ok {
					types = append(types, name)
				}
			}
		}
		nullable = nullable || slices.Contains(types, "null")
		if len(types) > 0 {
			if slices.Contains(types, "number") && !slices.Contains(types, "integer") {
				types = append(types, "integer")
			}
			allowed = slices.DeleteFunc(allowed, func(t string) bool { return !slices.Contains(types, t) })
		}
		switch {
		case s["properties"] != nil || s["required"] != nil:
			hinted = "object"
		case s["items"] != nil && hinted == "":
			hinted = "array"
		case (s["format"] != nil || s["pattern"] != nil || s["minLength"] != nil) && hinted == "":
			hinted = "string"
		}
	}
	return allowed, hinted, nullable
}

func (p *payloadBuilder) object(flat []map[string]any, depth int) (any, error) {
	props := map[string][]any{}
	var required []string
	minProps := 0
	var additional []any
	for _, s := range flat {
		if ps, ok := s["properties"].(map[string]any); ok {
			for name, sch := range ps {
				props[name] = append(props[name], sch)
			}
		}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if name, ok := r.(string); ok && !slices.Contains(required, name) {
					required = append(required, name)
				}
			}
		}
		if n, ok := number(s["minProperties"]); ok {
			minProps = max(minProps, int(n))
		}
		if a, ok := s["additionalProperties"].(map[string]any); ok {
			additional = append(additional, a)
		}
	}
	slices.Sort(required)
	names := slices.Clone(required)
	for _, name := range sortedMapKeys(anyMap(props)) {
		if len(names) >= minProps {
			break
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	out := map[string]any{}
	for _, name := range names {
		schemas, ok := props[name]
		if !ok {
			schemas = additional
		}
		v, err := p.value(schemas, depth+1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

func anyMap(m map[string][]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (p *payloadBuilder) array(flat []map[string]any, depth int) (any, error) {
	minItems := 0
	var items []any
	for _, s := range flat {
		if n, ok := number(s["minItems"]); ok {
			minItems = max(minItems, int(n))
		}
		if it, ok := s["items"]; ok {
			items = append(items, it)
		}
	}
	out := make([]any, 0, minItems)
	for i := range minItems {
		v, err := p.value(items, depth+1)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// formatSamples are values of the string formats that OpenAPI specs use.
var formatSamples = map[string]string{
	"date-time":     "2024-05-06T07:08:09Z",
	"date":          "2024-05-06",
	"time":          "07:08:09Z",
	"email":         "sender@example.com",
	"uri":           "https://example.com/a",
	"url":           "https://example.com/a",
	"uri-reference": "/a",
	"uri-template":  "https://example.com/{a}",
	"uuid":          "5f1d7c6e-8a4b-4c3d-9e2f-1a2b3c4d5e6f",
	"hostname":      "example.com",
	"ipv4":          "192.0.2.1",
	"ipv6":          "2001:db8::1",
	"duration":      "P1D",
}

// stringCandidates are tried in order against the patterns of a string
// schema without a format.
var stringCandidates = []string{"a", "A", "0", "a1", "abc", "ABC", "123", "a-b", "a_b", "a.b", "+15555550100", "#abcdef"}

func stringValue(flat []map[string]any) (any, error) {
	minLen, maxLen := 0, math.MaxInt
	format := ""
	var patterns []*regexp.Regexp
	for _, s := range flat {
		if n, ok := number(s["minLength"]); ok {
			minLen = max(minLen, int(n))
		}
		if n, ok := number(s["maxLength"]); ok {
			maxLen = min(maxLen, int(n))
		}
		if f, ok := s["format"].(string); ok && format == "" {
			format = f
		}
		if src, ok := s["pattern"].(string); ok {
			if re, err := regexp.Compile(src); err == nil {
				patterns = append(patterns, re)
			}
		}
	}
	candidates := stringCandidates
	if sample, ok := formatSamples[format]; ok {
		candidates = []string{sample}
	}
	for _, c := range candidates {
		if len(c) < minLen {
			c += strings.Repeat(c[len(c)-1:], minLen-len(c))
		}
		if len(c) > maxLen {
			continue
		}
		if !slices.ContainsFunc(patterns, func(re *regexp.Regexp) bool { return !re.MatchString(c) }) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("no sample string fits format %q, length %d to %d and patterns %v", format, minLen, maxLen, patterns)
}

func numberValue(flat []map[string]any, integer bool) any {
	v := 0.0
	for _, s := range flat {
		if m, ok := number(s["minimum"]); ok {
			if ex, _ := s["exclusiveMinimum"].(bool); ex {
				m++
			}
			v = max(v, m)
		}
		if m, ok := number(s["exclusiveMinimum"]); ok {
			v = max(v, m+1)
		}
	}
	for _, s := range flat {
		if m, ok := number(s["multipleOf"]); ok && m > 0 {
			v = math.Ceil(v/m) * m
		}
	}
	if integer {
		return json.Number(strconv.FormatInt(int64(math.Ceil(v)), 10))
	}
	return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
}

// number reads a JSON number of the spec tree, where numbers are
// json.Number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}
