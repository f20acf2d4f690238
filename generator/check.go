package generator

import (
	"encoding/json"
	"fmt"
	"strings"
)

// checker finds the defects of a parsed document that kin-openapi reports
// without a location, or not at all. They are members of the wrong JSON
// type, schema types that do not exist, patterns that are not regular
// expressions, and security requirements, discriminator mappings and
// references that name nothing. It also collects operationIds, which must
// be unique. It reads the tree as written, before any repair, changes
// nothing and reports every defect, not just the first.
type checker struct {
	root  map[string]any
	diags Diagnostics
	// schemes contains components.securitySchemes.
	schemes map[string]any
	// operationIDs maps each operationId to the pointers of the
	// operations that use it, in the order of the walk.
	operationIDs map[string][]string
	// refs lists the references into other files, for checkExternalRefs.
	refs []refUse
}

// refUse is a $ref member and the pointer of the object that contains it.
type refUse struct {
	pointer string
	ref     string
}

// newChecker returns a checker of the document root.
func newChecker(root map[string]any) *checker {
	c := &checker{root: root, operationIDs: make(map[string][]string)}
	comps, _ := root["components"].(map[string]any)
	c.schemes, _ = comps["securitySchemes"].(map[string]any)
	return c
}

func (c *checker) fail(pointer, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Severity: Error, Pointer: pointer, Message: fmt.Sprintf(format, args...)})
}

// run checks the whole document.
func (c *checker) run() {
	root := c.root
	c.objectMember(root, "", "info")
	c.objectMember(root, "", "externalDocs")
	c.arrayMember(root, "", "servers")
	c.arrayMember(root, "", "tags")
	if paths, ok := c.objectMember(root, "", "paths"); ok {
		for _, p := range sortedKeys(paths) {
			c.pathItem(joinSegments([]string{"paths", p}), paths[p])
		}
	}
	if hooks, ok := c.objectMember(root, "", "webhooks"); ok {
		for _, name := range sortedKeys(hooks) {
			c.pathItem(joinSegments([]string{"webhooks", name}), hooks[name])
		}
	}
	c.security("/security", root)
	c.components()
}

func (c *checker) pathItem(ptr string, v any) {
	item, ok := c.object(ptr, v, "a path item")
	if !ok || c.reference(ptr, item) {
		return
	}
	c.strings(item, ptr, "summary", "description")
	c.arrayMember(item, ptr, "servers")
	c.parameters(ptr+"/parameters", item)
	for _, m := range httpMethods {
		if op, ok := item[m]; ok {
			c.operation(ptr+"/"+m, op)
		}
	}
}

func (c *checker) operation(ptr string, v any) {
	op, ok := c.object(ptr, v, "an operation")
	if !ok {
		return
	}
	c.strings(op, ptr, "summary", "description", "operationId")
	c.booleans(op, ptr, "deprecated")
	c.stringList(op, ptr, "tags")
	c.arrayMember(op, ptr, "servers")
	c.objectMember(op, ptr, "externalDocs")
	if id, ok := op["operationId"].(string); ok {
		c.operationIDs[id] = append(c.operationIDs[id], ptr)
	}
	c.parameters(ptr+"/parameters", op)
	if body, ok := op["requestBody"]; ok {
		c.requestBody(ptr+"/requestBody", body)
	}
	if responses, ok := c.objectMember(op, ptr, "responses"); ok {
		for _, code := range sortedKeys(responses) {
			if !strings.HasPrefix(code, "x-") {
				c.response(ptr+"/responses/"+escapeSegment(code), responses[code])
			}
		}
	}
	if callbacks, ok := c.objectMember(op, ptr, "callbacks"); ok {
		for _, name := range sortedKeys(callbacks) {
			c.callback(ptr+"/callbacks/"+escapeSegment(name), callbacks[name])
		}
	}
	c.security(ptr+"/security", op)
}

func (c *checker) callback(ptr string, v any) {
	cb, ok := c.object(ptr, v, "a callback")
	if !ok || c.reference(ptr, cb) {
		return
	}
	for _, expr := range sortedKeys(cb) {
		if !strings.HasPrefix(expr, "x-") {
			c.pathItem(ptr+"/"+escapeSegment(expr), cb[expr])
		}
	}
}

// parameters checks the parameters member of a path item or operation.
func (c *checker) parameters(ptr string, owner map[string]any) {
	params, ok := c.arrayMember(owner, ptr[:strings.LastIndexByte(ptr, '/')], "parameters")
	if !ok {
		return
	}
	for i, p := range params {
		c.parameter(fmt.Sprintf("%s/%d", ptr, i), p)
	}
}

// parameter checks a parameter, or a header when it has no name and in.
func (c *checker) parameter(ptr string, v any) {
	p, ok := c.object(ptr, v, "a parameter")
	if !ok || c.reference(ptr, p) {
		return
	}
	c.strings(p, ptr, "name", "in", "description", "style")
	c.booleans(p, ptr, "required", "deprecated", "allowEmptyValue", "explode", "allowReserved")
	c.objectMember(p, ptr, "examples")
	if s, ok := p["schema"]; ok {
		c.schema(ptr+"/schema", s)
	}
	c.content(ptr, p)
}

func (c *checker) requestBody(ptr string, v any) {
	body, ok := c.object(ptr, v, "a request body")
	if !ok || c.reference(ptr, body) {
		return
	}
	c.strings(body, ptr, "description")
	c.booleans(body, ptr, "required")
	c.content(ptr, body)
}

func (c *checker) response(ptr string, v any) {
	resp, ok := c.object(ptr, v, "a response")
	if !ok || c.reference(ptr, resp) {
		return
	}
	c.strings(resp, ptr, "description")
	c.objectMember(resp, ptr, "links")
	if headers, ok := c.objectMember(resp, ptr, "headers"); ok {
		for _, name := range sortedKeys(headers) {
			c.parameter(ptr+"/headers/"+escapeSegment(name), headers[name])
		}
	}
	c.content(ptr, resp)
}

// content checks the content member of owner, a parameter, request body or
// response at ptr. A $ref in place of content, or of a media type, is left
// to the repairer.
func (c *checker) content(ptr string, owner map[string]any) {
	content, ok := c.objectMember(owner, ptr, "content")
	if !ok {
		return
	}
	for _, name := range sortedKeys(content) {
		if name == "$ref" {
			continue
		}
		mptr := ptr + "/content/" + escapeSegment(name)
		media, ok := c.object(mptr, content[name], "a media type")
		if !ok || c.reference(mptr, media) {
			continue
		}
		c.objectMember(media, mptr, "examples")
		c.objectMember(media, mptr, "encoding")
		if s, ok := media["schema"]; ok {
			c.schema(mptr+"/schema", s)
		}
	}
}

// components checks every component. Security schemes and the kinds that
// whgen does not read (examples, links) are checked to be objects only.
func (c *checker) components() {
	comps, ok := c.objectMember(c.root, "", "components")
	if !ok {
		return
	}
	kinds := []struct {
		name  string
		check func(string, any)
	}{
		{"schemas", c.schema},
		{"responses", c.response},
		{"parameters", c.parameter},
		{"requestBodies", c.requestBody},
		{"headers", c.parameter},
		{"callbacks", c.callback},
		{"pathItems", c.pathItem},
		{"securitySchemes", func(p string, v any) { c.object(p, v, "a security scheme") }},
		{"examples", func(p string, v any) { c.object(p, v, "an example") }},
		{"links", func(p string, v any) { c.object(p, v, "a link") }},
	}
	for _, kind := range kinds {
		m, ok := c.objectMember(comps, "/components", kind.name)
		if !ok {
			continue
		}
		for _, name := range sortedKeys(m) {
			kind.check(joinSegments([]string{"components", kind.name, name}), m[name])
		}
	}
}

// security checks the security requirements of owner, the document or an
// operation: every scheme that a requirement names must be defined in
// components.securitySchemes, or the server could not enforce it.
func (c *checker) security(ptr string, owner map[string]any) {
	reqs, ok := c.arrayMember(owner, ptr[:strings.LastIndexByte(ptr, '/')], "security")
	if !ok {
		return
	}
	for i, v := range reqs {
		rptr := fmt.Sprintf("%s/%d", ptr, i)
		req, ok := c.object(rptr, v, "a security requirement")
		if !ok {
			continue
		}
		for _, name := range sortedKeys(req) {
			sptr := rptr + "/" + escapeSegment(name)
			if _, defined := c.schemes[name]; !defined {
				c.fail(sptr, "security requirement names the scheme %q, which components.securitySchemes does not define%s", name, c.definedSchemes())
			}
			c.stringList(req, rptr, name)
		}
	}
}

// definedSchemes lists the defined security schemes for a message.
func (c *checker) definedSchemes() string {
	if len(c.schemes) == 0 {
		return "; the document defines no security schemes"
	}
	return "; defined schemes: " + strings.Join(sortedKeys(c.schemes), ", ")
}

// reference reports whether obj is a Reference Object, after checking that
// its $ref is a string. Its target is checked where it is defined.
func (c *checker) reference(ptr string, obj map[string]any) bool {
	if _, ok := obj["$ref"]; !ok {
		return false
	}
	c.refMember(ptr, obj)
	return true
}

// refMember checks the $ref of obj, a Reference Object or a schema, where
// present, and records it when it names another file.
func (c *checker) refMember(ptr string, obj map[string]any) {
	v, ok := obj["$ref"]
	if !ok {
		return
	}
	ref, ok := v.(string)
	if !ok {
		c.fail(ptr+"/$ref", "$ref must be a string, not %s", jsonType(v))
		return
	}
	if !isLocalRef(ref) {
		c.refs = append(c.refs, refUse{ptr, ref})
	}
}

// object returns v as an object, or reports that the value at ptr, named
// by label (such as "a response"), is not one.
//
// The checks let null stand for any type, as if the member were missing,
// because encoding/json, and so kin-openapi, decodes it so. square.json
// in the test corpus gives a security requirement null for its scopes.
func (c *checker) object(ptr string, v any, label string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		c.fail(ptr, "%s must be an object, not %s", label, jsonType(v))
	}
	return m, ok
}

// objectMember returns the member key of owner, at ptr, when it is an
// object. It reports a member of another type and returns false for it and
// for a missing member.
func (c *checker) objectMember(owner map[string]any, ptr, key string) (map[string]any, bool) {
	v, ok := owner[key]
	if !ok || v == nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(ptr+"/"+escapeSegment(key), "%s must be an object, not %s", key, jsonType(v))
	}
	return m, ok
}

// arrayMember is objectMember for members that must be arrays.
func (c *checker) arrayMember(owner map[string]any, ptr, key string) ([]any, bool) {
	v, ok := owner[key]
	if !ok || v == nil {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		c.fail(ptr+"/"+escapeSegment(key), "%s must be a list, not %s", key, jsonType(v))
	}
	return list, ok
}

// strings checks that the members named keys of owner, where present, are
// strings.
func (c *checker) strings(owner map[string]any, ptr string, keys ...string) {
	for _, key := range keys {
		if v, ok := owner[key]; ok && v != nil {
			if _, ok := v.(string); !ok {
				c.fail(ptr+"/"+escapeSegment(key), "%s must be a string, not %s", key, jsonType(v))
			}
		}
	}
}

// booleans is strings for boolean members.
func (c *checker) booleans(owner map[string]any, ptr string, keys ...string) {
	for _, key := range keys {
		if v, ok := owner[key]; ok && v != nil {
			if _, ok := v.(bool); !ok {
				c.fail(ptr+"/"+escapeSegment(key), "%s must be true or false, not %s", key, jsonType(v))
			}
		}
	}
}

// stringList checks that the member key of owner, where present, is a
// list of strings.
func (c *checker) stringList(owner map[string]any, ptr, key string) {
	list, ok := c.arrayMember(owner, ptr, key)
	if !ok {
		return
	}
	for i, v := range list {
		if _, ok := v.(string); !ok && v != nil {
			c.fail(fmt.Sprintf("%s/%s/%d", ptr, escapeSegment(key), i), "%s must list strings, not %s", key, jsonType(v))
		}
	}
}

// jsonType names the JSON type of a value of the parsed tree, as JSON
// Schema does: object, array, string, integer, number, boolean or null.
func jsonType(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// duplicateOperationIDs warns about each operation whose operationId an
// operation earlier in the file already uses, and names where that one
// is. OpenAPI requires operationIds to be unique among all operations.
func (s *Spec) duplicateOperationIDs(ids map[string][]string) Diagnostics {
	// All uses are located in one call, because locating scans a JSON
	// file once per call.
	var uses Diagnostics
	var owners []string
	for _, id := range sortedKeys(ids) {
		if len(ids[id]) < 2 {
			continue
		}
		for _, p := range ids[id] {
			uses = append(uses, Diagnostic{Pointer: p + "/operationId"})
			owners = append(owners, id)
		}
	}
	if len(uses) == 0 {
		return nil
	}

	uses = s.locate(uses)
	byID := make(map[string]Diagnostics)
	for i, d := range uses {
		byID[owners[i]] = append(byID[owners[i]], d)
	}

	var out Diagnostics
	for _, id := range sortedKeys(byID) {
		group := byID[id].Sorted()
		first := group[0]
		for _, d := range group[1:] {
			// The builder gives the operations distinct Go names, and a
			// real API (Svix) repeats an operationId for GET and HEAD, so
			// this is a warning and not an error.
			w := newWarning(d.Pointer,
				fmt.Sprintf("operationId %q is already used by the operation at %s:%d:%d (%s); operationIds must be unique",
					id, first.File, first.Line, first.Column, strings.TrimSuffix(first.Pointer, "/operationId")),
				"both operations keep it as their ID, and their Go names are made distinct")
			w.File, w.Line, w.Column = d.File, d.Line, d.Column
			out = append(out, w)
		}
	}
	return out
}
