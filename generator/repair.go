package generator

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// repairer walks a parsed document, fixes the defects that published specs
// carry and that have one safe reading, and records a warning for each.
// Every fix keeps the document's meaning where it has one; where it has
// none (a reference to nothing), the value becomes the most permissive one.
type repairer struct {
	root    map[string]any
	version string
	diags   Diagnostics
	// moved lists the webhooks that came from `x-webhooks`, so that
	// diagnostics can point into the file as written.
	moved map[string]bool
	// changed is set when a repair edited the tree, beyond moving
	// x-webhooks, so that the original bytes no longer describe it.
	changed bool
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// warn records a defect that a repair of the tree fixed. problem states
// what is wrong and repair how the tree was changed.
func (r *repairer) warn(pointer, problem, repair string) {
	r.changed = true
	r.notice(pointer, problem, repair)
}

// notice records a defect that the builder reads past without a change
// to the tree.
func (r *repairer) notice(pointer, problem, repair string) {
	r.diags = append(r.diags, newWarning(pointer, problem, repair))
}

func (r *repairer) info(pointer, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{Severity: Info, Pointer: pointer, Message: fmt.Sprintf(format, args...)})
}

func (r *repairer) fail(pointer, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{Severity: Error, Pointer: pointer, Message: fmt.Sprintf(format, args...)})
}

// run repairs the document. mergeXWebhooks must have run before.
func (r *repairer) run() {
	if paths, ok := r.root["paths"].(map[string]any); ok {
		for _, p := range sortedKeys(paths) {
			r.pathItem(joinSegments([]string{"paths", p}), paths[p], p)
		}
	}
	if hooks, ok := r.root["webhooks"].(map[string]any); ok {
		for _, name := range sortedKeys(hooks) {
			r.pathItem(joinSegments([]string{"webhooks", name}), hooks[name], "")
		}
	}
	r.components()
}

// mergeXWebhooks moves the 3.0 extension `x-webhooks` to `webhooks`, which
// kin-openapi models. When both exist they merge by name, `webhooks` first.
func (r *repairer) mergeXWebhooks() {
	x, ok := r.root["x-webhooks"].(map[string]any)
	if !ok {
		return
	}
	hooks, _ := r.root["webhooks"].(map[string]any)
	if hooks == nil {
		hooks = make(map[string]any, len(x))
		r.root["webhooks"] = hooks
	} else {
		r.info("/x-webhooks", "document has both webhooks and x-webhooks; merged by name, webhooks wins on a clash")
	}
	for _, name := range sortedKeys(x) {
		if _, exists := hooks[name]; exists {
			r.info(joinSegments([]string{"x-webhooks", name}), "webhook %q is also under webhooks; that one is used", name)
			continue
		}
		hooks[name] = x[name]
		if r.moved == nil {
			r.moved = make(map[string]bool)
		}
		r.moved[name] = true
	}
	delete(r.root, "x-webhooks")
	if strings.HasPrefix(r.version, "3.0") {
		// kin-openapi models webhooks only for 3.1; the 3.0 extension has the
		// same structure, so the document is read as 3.1 from here on.
		r.root["openapi"] = "3.1.0"
	}
}

var pathParamRE = regexp.MustCompile(`\{([^{}/]+)\}`)

func (r *repairer) pathItem(ptr string, v any, path string) {
	item, ok := v.(map[string]any)
	if !ok {
		return
	}
	if ref, ok := item["$ref"].(string); ok {
		target, tptr := r.resolve(ref)
		if target == nil && isLocalRef(ref) {
			r.fail(ptr+"/$ref", "reference %q points to nothing", ref)
			return
		}
		if t, ok := target.(map[string]any); ok && path != "" {
			r.pathItem(tptr, t, path)
		}
		return
	}
	if path != "" && strings.Contains(path, "?") {
		query := strings.IndexByte(path, '?')
		r.notice(ptr, fmt.Sprintf("path %q carries a query string, which a path key must not", path),
			fmt.Sprintf("read as path %q with query %q required", path[:query], path[query+1:]))
	}
	r.parameters(ptr+"/parameters", item["parameters"])
	for _, m := range httpMethods {
		op, ok := item[m].(map[string]any)
		if !ok {
			continue
		}
		r.operation(ptr+"/"+m, op, item, path)
	}
}

func (r *repairer) operation(ptr string, op, item map[string]any, path string) {
	r.parameters(ptr+"/parameters", op["parameters"])
	if body, ok := op["requestBody"].(map[string]any); ok {
		r.content(ptr+"/requestBody/content", body["content"])
	}
	responses, ok := op["responses"].(map[string]any)
	if !ok && strings.HasPrefix(r.version, "3.0") {
		r.notice(ptr, "operation has no responses, which OpenAPI 3.0 requires", "read as having none")
	}
	for _, code := range sortedKeys(responses) {
		r.response(ptr+"/responses/"+escapeSegment(code), responses[code])
	}
	if cbs, ok := op["callbacks"].(map[string]any); ok {
		for _, name := range sortedKeys(cbs) {
			cb, _ := cbs[name].(map[string]any)
			for _, expr := range sortedKeys(cb) {
				r.pathItem(ptr+"/callbacks/"+escapeSegment(name)+"/"+escapeSegment(expr), cb[expr], "")
			}
		}
	}
	if path != "" {
		r.declarePathParams(ptr, op, item, path)
	}
}

// declarePathParams adds a string parameter for every template variable
// in path that neither the path item nor the operation declares.
func (r *repairer) declarePathParams(ptr string, op, item map[string]any, path string) {
	declared := map[string]bool{}
	for _, list := range []any{item["parameters"], op["parameters"]} {
		params, _ := list.([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				t, _ := r.resolve(ref)
				pm, _ = t.(map[string]any)
			}
			if pm["in"] == "path" {
				if name, ok := pm["name"].(string); ok {
					declared[name] = true
				}
			}
		}
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		name := m[1]
		if declared[name] {
			continue
		}
		declared[name] = true
		r.warn(ptr, fmt.Sprintf("path parameter %q is used in the path but not declared", name), "read as a required string")
		params, _ := op["parameters"].([]any)
		op["parameters"] = append(params, map[string]any{
			"name": name, "in": "path", "required": true,
			"schema": map[string]any{"type": "string"},
		})
	}
}

func (r *repairer) parameters(ptr string, v any) {
	params, _ := v.([]any)
	for i, p := range params {
		pm, ok := p.(map[string]any)
		if !ok {
			continue
		}
		pp := fmt.Sprintf("%s/%d", ptr, i)
		r.schema(pp+"/schema", pm["schema"], "")
		r.content(pp+"/content", pm["content"])
	}
}

func (r *repairer) response(ptr string, v any) {
	resp, ok := v.(map[string]any)
	if !ok {
		return
	}
	r.content(ptr+"/content", resp["content"])
	if headers, ok := resp["headers"].(map[string]any); ok {
		for _, h := range sortedKeys(headers) {
			hm, _ := headers[h].(map[string]any)
			r.schema(ptr+"/headers/"+escapeSegment(h)+"/schema", hm["schema"], "")
		}
	}
}

func (r *repairer) content(ptr string, v any) {
	content, ok := v.(map[string]any)
	if !ok {
		return
	}
	if ref, ok := content["$ref"].(string); ok {
		target, _ := r.resolve(ref)
		tm, ok := target.(map[string]any)
		if !ok {
			r.fail(ptr+"/$ref", "content reference %q points to nothing", ref)
			return
		}
		r.warn(ptr+"/$ref", fmt.Sprintf("content is a $ref (%s), which OpenAPI does not allow", ref), "the referenced media types are used in place")
		delete(content, "$ref")
		for k, v := range tm {
			content[k] = v
		}
	}
	for _, mt := range sortedKeys(content) {
		mptr := ptr + "/" + escapeSegment(mt)
		media, ok := content[mt].(map[string]any)
		if !ok {
			continue
		}
		if ref, ok := media["$ref"].(string); ok {
			target, _ := r.resolve(ref)
			tm, ok := target.(map[string]any)
			if !ok {
				r.fail(mptr+"/$ref", "media type reference %q points to nothing", ref)
				continue
			}
			r.warn(mptr, fmt.Sprintf("media type is a $ref (%s), which OpenAPI before 3.2 does not allow", ref), "the referenced media type is used in place")
			media = copyMap(tm)
			content[mt] = media
		}
		r.schema(mptr+"/schema", media["schema"], "")
	}
}

func (r *repairer) components() {
	comps, ok := r.root["components"].(map[string]any)
	if !ok {
		return
	}
	if schemas, ok := comps["schemas"].(map[string]any); ok {
		for _, name := range sortedKeys(schemas) {
			r.schema(joinSegments([]string{"components", "schemas", name}), schemas[name], joinSegments([]string{"components", "schemas", name}))
		}
	}
	walk := func(kind string, f func(string, any)) {
		m, _ := comps[kind].(map[string]any)
		for _, name := range sortedKeys(m) {
			f(joinSegments([]string{"components", kind, name}), m[name])
		}
	}
	walk("responses", r.response)
	walk("parameters", func(p string, v any) { r.parameters(p[:strings.LastIndexByte(p, '/')], []any{v}) })
	walk("requestBodies", func(p string, v any) {
		if m, ok := v.(map[string]any); ok {
			r.content(p+"/content", m["content"])
		}
	})
	walk("headers", func(p string, v any) {
		if m, ok := v.(map[string]any); ok {
			r.schema(p+"/schema", m["schema"], "")
		}
	})
	walk("pathItems", func(p string, v any) { r.pathItem(p, v, "") })
}

// schemaChildren lists the keywords whose value is one schema, and those
// whose value is a list or a map of schemas.
var (
	schemaChild    = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems"}
	schemaList     = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	schemaMap      = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
	componentKinds = []string{"responses", "parameters", "requestBodies", "headers", "examples", "links", "callbacks", "pathItems", "securitySchemes", "mediaTypes"}
)

// schema repairs the schema at ptr. component is the pointer of the
// enclosing component schema, which a `$recursiveRef: "#"` refers to.
func (r *repairer) schema(ptr string, v any, component string) {
	s, ok := v.(map[string]any)
	if !ok {
		return
	}
	if ref, ok := s["$ref"].(string); ok {
		r.schemaRef(ptr, s, ref)
	}
	if ref, ok := s["$recursiveRef"].(string); ok {
		delete(s, "$recursiveRef")
		if ref == "#" && component != "" {
			s["$ref"] = "#" + component
			r.warn(ptr, "$recursiveRef is a JSON Schema 2019-09 keyword that OpenAPI 3.1 does not use", "read as a $ref to the enclosing schema "+component)
		} else {
			r.warn(ptr, fmt.Sprintf("$recursiveRef %q is not supported", ref), "read as any value")
		}
	}
	r.schemaExamples(ptr, s)
	r.schemaEnum(ptr, s)
	if items, ok := s["items"].([]any); ok {
		// Draft 4 tuple form, which 3.0 documents sometimes carry.
		r.warn(ptr+"/items", "items is a list (tuple form), which OpenAPI 3.1 spells prefixItems", "read as prefixItems")
		if _, has := s["prefixItems"]; !has {
			s["prefixItems"] = items
		}
		delete(s, "items")
	}
	for _, k := range schemaChild {
		// Pointers grow with the depth, so they are built only for
		// keywords that are there.
		if c, ok := s[k].(map[string]any); ok {
			r.schema(ptr+"/"+k, c, component)
		}
	}
	for _, k := range schemaList {
		list, _ := s[k].([]any)
		for i, c := range list {
			r.schema(fmt.Sprintf("%s/%s/%d", ptr, k, i), c, component)
		}
	}
	for _, k := range schemaMap {
		m, _ := s[k].(map[string]any)
		for _, name := range sortedKeys(m) {
			r.schema(ptr+"/"+k+"/"+escapeSegment(name), m[name], component)
		}
	}
}

func (r *repairer) schemaRef(ptr string, s map[string]any, ref string) {
	if !isLocalRef(ref) {
		return
	}
	target, tptr := r.resolve(ref)
	if target == nil {
		if r.refCycle(ref) {
			r.warn(ptr+"/$ref", fmt.Sprintf("reference %q leads back to itself through references only", ref), "read as a schema that accepts any value")
		} else {
			r.warn(ptr+"/$ref", fmt.Sprintf("reference %q points to nothing", ref), "read as a schema that accepts any value")
		}
		delete(s, "$ref")
		return
	}
	kind := componentKind(tptr)
	if kind == "" {
		return
	}
	var replacement any = map[string]any{}
	if kind == "responses" || kind == "requestBodies" {
		if schema := firstContentSchema(target); schema != nil {
			replacement = schema
		}
	}
	r.warn(ptr+"/$ref", fmt.Sprintf("schema reference %q points to a %s component, not a schema", ref, strings.TrimSuffix(kind, "s")), "read as "+describeReplacement(replacement))
	delete(s, "$ref")
	if rm, ok := replacement.(map[string]any); ok {
		for k, v := range rm {
			if _, exists := s[k]; !exists {
				s[k] = v
			}
		}
	}
}

func describeReplacement(v any) string {
	if m, ok := v.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			return "its content's schema " + ref
		}
		if len(m) > 0 {
			return "its content's schema"
		}
	}
	return "a schema that accepts any value"
}

// schemaExamples turns an `examples` map (a common mistake that copies the
// Media Type Object's form into a schema) into the list JSON Schema wants.
func (r *repairer) schemaExamples(ptr string, s map[string]any) {
	m, ok := s["examples"].(map[string]any)
	if !ok {
		return
	}
	list := make([]any, 0, len(m))
	for _, k := range sortedKeys(m) {
		v := m[k]
		if ex, ok := v.(map[string]any); ok {
			if val, ok := ex["value"]; ok {
				v = val
			}
		}
		list = append(list, v)
	}
	s["examples"] = list
	r.warn(ptr+"/examples", "examples in a schema must be a list, not an object", "read as the list of its values")
}

func (r *repairer) schemaEnum(ptr string, s map[string]any) {
	list, ok := s["enum"].([]any)
	if !ok {
		return
	}
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, v := range list {
		key, _ := json.Marshal(v)
		if seen[string(key)] {
			r.warn(ptr+"/enum", fmt.Sprintf("enum lists %s more than once", key), "the copy is ignored")
			continue
		}
		seen[string(key)] = true
		out = append(out, v)
	}
	if len(out) != len(list) {
		s["enum"] = out
	}
}

// resolve follows a local reference and returns the target and its pointer,
// following chains of references. It returns nil for a dangling reference
// and for references to other files.
func (r *repairer) resolve(ref string) (any, string) {
	for range 32 {
		if !isLocalRef(ref) {
			return nil, ""
		}
		ptr, err := url.PathUnescape(strings.TrimPrefix(ref, "#"))
		if err != nil {
			return nil, ""
		}
		var cur any = r.root
		for _, seg := range splitPointer(ptr) {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[seg]
			case []any:
				var i int
				if _, err := fmt.Sscan(seg, &i); err != nil || i < 0 || i >= len(c) {
					return nil, ""
				}
				cur = c[i]
			default:
				return nil, ""
			}
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return cur, ptr
		}
		next, ok := m["$ref"].(string)
		if !ok || len(m) > 1 && !isLocalRef(next) {
			return cur, ptr
		}
		if !isLocalRef(next) {
			return cur, ptr
		}
		ref = next
	}
	return nil, ""
}

func isLocalRef(ref string) bool { return strings.HasPrefix(ref, "#") }

// componentKind returns the component section a pointer lies in, unless
// that section is schemas.
func componentKind(ptr string) string {
	segs := splitPointer(ptr)
	if len(segs) < 3 || segs[0] != "components" {
		return ""
	}
	for _, k := range componentKinds {
		if segs[1] == k {
			return k
		}
	}
	return ""
}

func firstContentSchema(v any) any {
	m, _ := v.(map[string]any)
	content, _ := m["content"].(map[string]any)
	if media, ok := content["application/json"].(map[string]any); ok && media["schema"] != nil {
		return media["schema"]
	}
	for _, k := range sortedKeys(content) {
		if media, ok := content[k].(map[string]any); ok && media["schema"] != nil {
			return media["schema"]
		}
	}
	return nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func escapeSegment(s string) string { return joinSegments([]string{s})[1:] }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// refCycle reports whether following ref through objects that are only
// references comes back to a reference already followed.
func (r *repairer) refCycle(ref string) bool {
	seen := map[string]bool{}
	for isLocalRef(ref) && !seen[ref] {
		seen[ref] = true
		ptr, err := url.PathUnescape(strings.TrimPrefix(ref, "#"))
		if err != nil {
			return false
		}
		var cur any = r.root
		for _, seg := range splitPointer(ptr) {
			m, ok := cur.(map[string]any)
			if !ok {
				return false
			}
			cur = m[seg]
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		next, ok := m["$ref"].(string)
		if !ok {
			return false
		}
		ref = next
	}
	return seen[ref]
}
