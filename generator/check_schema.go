package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp/syntax"
	"strconv"
	"strings"
)

// jsonSchemaTypes are the values that a schema's type may take.
var jsonSchemaTypes = []string{"array", "boolean", "integer", "null", "number", "object", "string"}

// schema checks a schema and the schemas inside it. A boolean is a whole
// schema in OpenAPI 3.1.
func (c *checker) schema(ptr string, v any) {
	if _, ok := v.(bool); ok || v == nil {
		return
	}
	s, ok := c.object(ptr, v, "a schema")
	if !ok {
		return
	}
	c.refMember(ptr, s)
	c.strings(s, ptr, "title", "description", "format", "contentEncoding", "contentMediaType")
	c.counts(s, ptr, "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains")
	c.numbers(s, ptr, "minimum", "maximum", "multipleOf")
	c.exclusiveBounds(s, ptr)
	c.booleans(s, ptr, "nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems")
	c.arrayMember(s, ptr, "enum")
	c.objectMember(s, ptr, "xml")
	c.objectMember(s, ptr, "externalDocs")
	if ex, ok := s["examples"]; ok {
		// An object is repaired into a list (see repairer.schemaExamples).
		if _, isObject := ex.(map[string]any); !isObject {
			c.arrayMember(s, ptr, "examples")
		}
	}
	c.schemaType(ptr, s)
	c.required(ptr, s)
	c.pattern(ptr, s)
	c.discriminator(ptr, s)
	c.subschemas(ptr, s)
}

func (c *checker) subschemas(ptr string, s map[string]any) {
	for _, k := range schemaChild {
		v, ok := s[k]
		if !ok {
			continue
		}
		if list, isList := v.([]any); isList && k == "items" {
			// The tuple form, which the repairer reads as prefixItems.
			for i, item := range list {
				c.schema(fmt.Sprintf("%s/items/%d", ptr, i), item)
			}
			continue
		}
		c.schema(ptr+"/"+k, v)
	}
	for _, k := range schemaList {
		list, _ := c.arrayMember(s, ptr, k)
		for i, item := range list {
			c.schema(fmt.Sprintf("%s/%s/%d", ptr, k, i), item)
		}
	}
	for _, k := range schemaMap {
		m, _ := c.objectMember(s, ptr, k)
		for _, name := range sortedKeys(m) {
			c.schema(ptr+"/"+k+"/"+escapeSegment(name), m[name])
		}
	}
}

// counts checks that the members named keys of s, where present, are
// non-negative integers.
func (c *checker) counts(s map[string]any, ptr string, keys ...string) {
	for _, key := range keys {
		v, ok := s[key]
		if !ok || v == nil {
			continue
		}
		if n, isNumber := v.(json.Number); isNumber {
			if _, err := strconv.ParseUint(n.String(), 10, 64); err == nil {
				continue
			}
		}
		c.fail(ptr+"/"+key, "%s must be a non-negative integer, not %s", key, describeValue(v))
	}
}

// numbers checks that the members named keys of s, where present, are numbers.
func (c *checker) numbers(s map[string]any, ptr string, keys ...string) {
	for _, key := range keys {
		if v, ok := s[key]; ok && v != nil && !isNumber(v) {
			c.fail(ptr+"/"+key, "%s must be a number, not %s", key, describeValue(v))
		}
	}
}

// exclusiveBounds checks exclusiveMinimum and exclusiveMaximum, which are
// booleans in OpenAPI 3.0 and numbers in 3.1. Both are accepted in either
// version, as kin-openapi reads them.
func (c *checker) exclusiveBounds(s map[string]any, ptr string) {
	for _, key := range []string{"exclusiveMinimum", "exclusiveMaximum"} {
		v, ok := s[key]
		if !ok || v == nil {
			continue
		}
		if _, isBool := v.(bool); !isBool && !isNumber(v) {
			c.fail(ptr+"/"+key, "%s must be a number (OpenAPI 3.1) or a boolean (OpenAPI 3.0), not %s", key, describeValue(v))
		}
	}
}

func isNumber(v any) bool {
	t := jsonType(v)
	return t == "integer" || t == "number"
}

// describeValue names the JSON type of v, or spells v when it is a number,
// for messages of the form "must be ..., not <describeValue>".
func describeValue(v any) string {
	if isNumber(v) {
		return fmt.Sprint(v)
	}
	return jsonType(v)
}

// schemaType checks that type names one of the seven JSON Schema types, or
// lists some of them.
func (c *checker) schemaType(ptr string, s map[string]any) {
	v, ok := s["type"]
	if !ok || v == nil {
		return
	}
	switch t := v.(type) {
	case string:
		c.typeName(ptr+"/type", t)
	case []any:
		for i, item := range t {
			name, ok := item.(string)
			if !ok {
				if item != nil {
					c.fail(fmt.Sprintf("%s/type/%d", ptr, i), "type must list type names, not %s", jsonType(item))
				}
				continue
			}
			c.typeName(fmt.Sprintf("%s/type/%d", ptr, i), name)
		}
	default:
		c.fail(ptr+"/type", "type must be a type name or a list of them, not %s", jsonType(v))
	}
}

func (c *checker) typeName(ptr, name string) {
	if containsString(jsonSchemaTypes, name) {
		return
	}
	hint := ""
	if near := closestTypeName(name); near != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", near)
	}
	c.fail(ptr, "type %q is not a JSON Schema type%s; use one of %s", name, hint, strings.Join(jsonSchemaTypes, ", "))
}

// closestTypeName returns the JSON Schema type that name misspells, by at
// most two edits, or "".
func closestTypeName(name string) string {
	best, bestDistance := "", 3
	for _, t := range jsonSchemaTypes {
		if d := editDistance(strings.ToLower(name), t); d < bestDistance {
			best, bestDistance = t, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// required checks that required lists property names. A boolean is the
// Swagger 2 and JSON Schema draft 3 way of marking one property required,
// which OpenAPI 3 does not have.
func (c *checker) required(ptr string, s map[string]any) {
	v, ok := s["required"]
	if !ok {
		return
	}
	if _, isBool := v.(bool); isBool {
		c.fail(ptr+"/required", "required must be a list of property names, not boolean; to require this property, list its name in the required list of the schema that declares it")
		return
	}
	c.stringList(s, ptr, "required")
}

// pattern checks that pattern is a regular expression. A pattern that Go's
// RE2 engine rejects only for ECMA-262 features, such as lookarounds and
// backreferences, passes here, and the builder warns that Validate does
// not check it.
func (c *checker) pattern(ptr string, s map[string]any) {
	src, ok := s["pattern"].(string)
	if !ok {
		c.strings(s, ptr, "pattern")
		return
	}
	if reason := patternSyntaxError(src); reason != "" {
		c.fail(ptr+"/pattern", "pattern %q is not a valid regular expression: %s", src, reason)
	}
}

// patternSyntaxError returns why src is not a regular expression in
// ECMA-262, the dialect of JSON Schema patterns, or "" when it may be one.
// It relies on Go's RE2 parser and trusts only its errors for unbalanced
// parentheses and brackets, which ECMA-262 rejects too. The first error
// RE2 finds may hide a later one, so some invalid patterns pass.
func patternSyntaxError(src string) string {
	_, err := syntax.Parse(src, syntax.Perl)
	var se *syntax.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen:
	case syntax.ErrMissingBracket:
		// ECMA-262 reads "[]" as a class that matches nothing and "[^]"
		// as one that matches any character. RE2 reads "]" right after
		// "[" or "[^" as a member of the class, so it may miss the end.
		if strings.Contains(src, "[]") || strings.Contains(src, "[^]") {
			return ""
		}
	default:
		return ""
	}
	return fmt.Sprintf("%s in %q", se.Code, se.Expr)
}

// discriminator checks the discriminator and that each schema its mapping
// names exists in this document. Mappings into other files are checked by
// kin-openapi when it resolves them.
func (c *checker) discriminator(ptr string, s map[string]any) {
	d, ok := c.objectMember(s, ptr, "discriminator")
	if !ok {
		return
	}
	dptr := ptr + "/discriminator"
	c.strings(d, dptr, "propertyName")
	mapping, ok := c.objectMember(d, dptr, "mapping")
	if !ok {
		return
	}
	for _, key := range sortedKeys(mapping) {
		mptr := dptr + "/mapping/" + escapeSegment(key)
		target, ok := mapping[key].(string)
		if !ok {
			if mapping[key] != nil {
				c.fail(mptr, "a discriminator mapping value must be a schema name or reference, not %s", jsonType(mapping[key]))
			}
			continue
		}
		switch {
		case isLocalRef(target):
			if _, found := lookupPointer(c.root, target); !found {
				c.fail(mptr, "discriminator mapping %q names the schema %s, which does not exist", key, target)
			}
		case !strings.Contains(target, "/"):
			c.mappingName(mptr, key, target)
		}
	}
}

// mappingName checks a discriminator mapping value that is a bare name,
// which names a component schema. A name that ends like a file name may
// name a file instead, so it is left to kin-openapi.
func (c *checker) mappingName(ptr, key, name string) {
	comps, _ := c.root["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if _, found := schemas[name]; found {
		return
	}
	for _, ext := range []string{".json", ".yaml", ".yml"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return
		}
	}
	c.fail(ptr, "discriminator mapping %q names the schema %q, which components.schemas does not define", key, name)
}

// lookupPointer returns the value that the fragment of ref, a JSON pointer
// such as "#/components/schemas/Pet", names in root. It does not follow
// references on the way.
func lookupPointer(root any, ref string) (any, bool) {
	_, fragment, _ := strings.Cut(ref, "#")
	ptr, err := url.PathUnescape(fragment)
	if err != nil {
		return nil, false
	}
	cur := root
	for _, seg := range splitPointer(ptr) {
		switch node := cur.(type) {
		case map[string]any:
			next, ok := node[seg]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
