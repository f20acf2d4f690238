package generator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v4"
)

// The oracle that decides which examples are valid is
// santhosh-tekuri/jsonschema, a JSON Schema 2020-12 validator, and not
// kin-openapi's VisitJSON. The generator reads specs through kin-openapi,
// so an oracle built on the same reading would share its mistakes. OpenAPI
// 3.1 schemas are 2020-12 schemas, and 3.0 schemas become 2020-12 by the
// rewrite in oracleSchemas. Formats are asserted, as generated Validate
// methods assert them. Patterns use Go's RE2 engine, as generated code
// does, and a pattern that RE2 cannot compile (a lookahead, say) matches
// every string, which is also how generated Validate methods treat it.

// oracleURL names the spec document inside the oracle's compiler.
const oracleURL = "mem:///openapi.json"

// readSpecTree reads a JSON or YAML spec into the values encoding/json
// produces, with every number as a json.Number. YAML scalars that are not
// numbers, booleans or null stay strings, so dates are not turned into
// timestamps.
func readSpecTree(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if filepath.Ext(path) == ".json" {
		return jsonschema.UnmarshalJSON(bytes.NewReader(data))
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, err
	}
	return yamlToJSON(&node)
}

func yamlToJSON(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlToJSON(n.Content[0])
	case yaml.AliasNode:
		return yamlToJSON(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := yamlToJSON(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlToJSON(c)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int", "!!float":
		var f any
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		b, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("line %d: number %s has no JSON form", n.Line, n.Value)
		}
		return json.Number(b), nil
	}
	return n.Value, nil
}

// valueKeywords hold data rather than schemas, so the 3.0 rewrite leaves
// them alone: an example may well contain a member named "nullable".
var valueKeywords = map[string]bool{
	"example": true, "examples": true, "enum": true, "default": true, "const": true,
}

// rewrite30 turns the OpenAPI 3.0 schema keywords that differ from JSON
// Schema 2020-12 into their 2020-12 form, in place. `nullable: true` adds
// null to `type` (and to `enum`), or wraps a schema without `type` in
// anyOf with null. A boolean exclusiveMinimum or exclusiveMaximum takes
// the value of minimum or maximum. The nullable reading is the lenient
// one that the generator also takes: a nullable `allOf` or `$ref` accepts
// null, although 3.0.3 ignores keywords beside `$ref`. wrapped records the
// JSON pointer, at, of every schema that moved into an anyOf.
func rewrite30(v any, at string, wrapped map[string]bool) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = rewrite30(x[i], at+"/"+strconv.Itoa(i), wrapped)
		}
		return x
	case map[string]any:
		for k, child := range x {
			if !valueKeywords[k] && !strings.HasPrefix(k, "x-") {
				x[k] = rewrite30(child, at+"/"+escapePointer(k), wrapped)
			}
		}
		exclusiveBound(x, "exclusiveMinimum", "minimum")
		exclusiveBound(x, "exclusiveMaximum", "maximum")
		if x["nullable"] != true {
			return x
		}
		delete(x, "nullable")
		if t, ok := x["type"].(string); ok {
			x["type"] = []any{t, "null"}
			if enum, ok := x["enum"].([]any); ok {
				x["enum"] = append(enum, nil)
			}
			return x
		}
		wrapped[at] = true
		return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, x}}
	}
	return v
}

func exclusiveBound(s map[string]any, exclusive, bound string) {
	flag, ok := s[exclusive].(bool)
	if !ok {
		return
	}
	delete(s, exclusive)
	if flag && s[bound] != nil {
		s[exclusive] = s[bound]
		delete(s, bound)
	}
}

// dropDialects removes `$schema` from the schemas of a document. 3.1
// documents sometimes name the OpenAPI dialect there, which the oracle
// would have to fetch, and whose only change to 2020-12 is the
// annotation keywords that validation ignores anyway.
func dropDialects(v any) {
	switch x := v.(type) {
	case []any:
		for _, c := range x {
			dropDialects(c)
		}
	case map[string]any:
		delete(x, "$schema")
		for k, c := range x {
			if !valueKeywords[k] {
				dropDialects(c)
			}
		}
	}
}

// oracle compiles the component schemas of one spec.
type oracle struct {
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
	// wrapped lists the pointers of the schemas that rewrite30 moved to
	// "<pointer>/anyOf/1" of the compiled tree.
	wrapped map[string]bool
}

// noRemoteLoader rejects every URL, so the oracle never reads a file or the
// network. The spec is its only resource.
type noRemoteLoader struct{}

func (noRemoteLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("load %s: the oracle reads only the spec itself", url)
}

// re2OrAnything compiles a pattern with Go's regexp package, or returns
// a matcher that accepts every string when RE2 does not support it.
func re2OrAnything(src string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(src)
	if err != nil {
		return anything(src), nil
	}
	return re, nil
}

type anything string

func (anything) MatchString(string) bool { return true }

func (a anything) String() string { return string(a) }

// newOracle prepares the oracle for a spec tree that it may modify. The
// tree must be a copy that nothing else reads.
func newOracle(tree map[string]any) (*oracle, error) {
	wrapped := map[string]bool{}
	if version, _ := tree["openapi"].(string); strings.HasPrefix(version, "3.0") {
		rewrite30(tree, "", wrapped)
	}
	dropDialects(tree)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseRegexpEngine(re2OrAnything)
	c.UseLoader(noRemoteLoader{})
	if err := c.AddResource(oracleURL, tree); err != nil {
		return nil, err
	}
	return &oracle{compiler: c, schemas: map[string]*jsonschema.Schema{}, wrapped: wrapped}, nil
}

// compiledPointer returns where the schema at pointer in the spec sits in
// the tree that the oracle compiled: below each schema that rewrite30
// wrapped, the path continues through the wrapper's anyOf/1.
func (o *oracle) compiledPointer(pointer string) string {
	if len(o.wrapped) == 0 || pointer == "" {
		return pointer
	}
	var spec, compiled strings.Builder
	for _, seg := range strings.Split(pointer[1:], "/") {
		if o.wrapped[spec.String()] {
			compiled.WriteString("/anyOf/1")
		}
		spec.WriteString("/" + seg)
		compiled.WriteString("/" + seg)
	}
	return compiled.String()
}

// schema compiles the component schema at pointer, such as
// /components/schemas/Pet.
func (o *oracle) schema(pointer string) (*jsonschema.Schema, error) {
	if s, ok := o.schemas[pointer]; ok {
		return s, nil
	}
	s, err := o.compiler.Compile(oracleURL + "#" + pointer)
	if err != nil {
		return nil, err
	}
	o.schemas[pointer] = s
	return s, nil
}

// specExample is one example value found in a spec for a component schema.
type specExample struct {
	pointer string // the component schema, such as /components/schemas/Pet
	source  string // where the value sits in the spec
	value   any
}

// collectExamples finds the examples of component schemas: their own
// `example` and `examples`, and the examples of media types whose schema
// is exactly a reference to the component. Values that equal an earlier
// example of the same schema are skipped.
func collectExamples(tree map[string]any) []specExample {
	var out []specExample
	seen := map[string]bool{}
	add := func(pointer, source string, v any) {
		key, _ := json.Marshal(v)
		if seen[pointer+"\x00"+string(key)] {
			return
		}
		seen[pointer+"\x00"+string(key)] = true
		out = append(out, specExample{pointer: pointer, source: source, value: v})
	}

	schemas, _ := lookup(tree, "components", "schemas").(map[string]any)
	for _, name := range sortedMapKeys(schemas) {
		s, _ := schemas[name].(map[string]any)
		pointer := "/components/schemas/" + escapePointer(name)
		if v, ok := s["example"]; ok {
			add(pointer, pointer+"/example", v)
		}
		switch list := s["examples"].(type) {
		case []any:
			for i, v := range list {
				add(pointer, fmt.Sprintf("%s/examples/%d", pointer, i), v)
			}
		case map[string]any:
			for _, k := range sortedMapKeys(list) {
				if v, ok := exampleValue(tree, list[k]); ok {
					add(pointer, pointer+"/examples/"+escapePointer(k), v)
				}
			}
		}
	}
	walkMediaTypes(tree, "", tree, func(at string, media map[string]any) {
		sch, _ := media["schema"].(map[string]any)
		ref, _ := sch["$ref"].(string)
		if len(sch) != 1 || !strings.HasPrefix(ref, "#/components/schemas/") {
			return
		}
		pointer := strings.TrimPrefix(ref, "#")
		if _, ok := resolvePointer(tree, pointer); !ok {
			return
		}
		if v, ok := media["example"]; ok {
			add(pointer, at+"/example", v)
		}
		examples, _ := media["examples"].(map[string]any)
		for _, k := range sortedMapKeys(examples) {
			if v, ok := exampleValue(tree, examples[k]); ok {
				add(pointer, at+"/examples/"+escapePointer(k), v)
			}
		}
	})
	return out
}

// exampleValue returns the value of an Example Object, following a local
// `$ref` to components/examples. An external value has none.
func exampleValue(tree map[string]any, v any) (any, bool) {
	ex, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if ref, ok := ex["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
		target, ok := resolvePointer(tree, strings.TrimPrefix(ref, "#"))
		if !ok {
			return nil, false
		}
		ex, _ = target.(map[string]any)
	}
	value, ok := ex["value"]
	return value, ok
}

// walkMediaTypes calls f for every Media Type Object under a `content`
// member anywhere in the document, with its JSON pointer. It does not
// descend into schemas or examples, whose members are not spec structure.
func walkMediaTypes(tree map[string]any, at string, v any, f func(string, map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedMapKeys(x) {
			child := at + "/" + escapePointer(k)
			switch {
			case k == "schema" || k == "schemas" || valueKeywords[k]:
			case k == "content":
				content, _ := x[k].(map[string]any)
				for _, mt := range sortedMapKeys(content) {
					if media, ok := content[mt].(map[string]any); ok {
						f(child+"/"+escapePointer(mt), media)
					}
				}
			default:
				walkMediaTypes(tree, child, x[k], f)
			}
		}
	case []any:
		for i, c := range x {
			walkMediaTypes(tree, at+"/"+strconv.Itoa(i), c, f)
		}
	}
}

func lookup(v any, path ...string) any {
	for _, seg := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[seg]
	}
	return v
}

// resolvePointer returns the value at an RFC 6901 pointer in tree.
func resolvePointer(tree any, pointer string) (any, bool) {
	if pointer == "" {
		return tree, true
	}
	cur := tree
	for _, seg := range strings.Split(pointer[1:], "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// copyTree returns a deep copy of a JSON value, so the oracle's rewrite
// does not change the tree that examples are read from.
func copyTree(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[k] = copyTree(c)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = copyTree(c)
		}
		return out
	}
	return v
}

// undeclaredPaths returns the JSON pointers of the object members in value
// that the schema at pointer neither declares as a property nor allows
// through additionalProperties or patternProperties. The generated structs
// of such open objects drop these members by design. Declarations are
// gathered from every allOf branch and from the anyOf and oneOf branches
// that the value matches, so a member that only a branch it does not match
// declares counts as undeclared: no generated variant can keep it.
func (o *oracle) undeclaredPaths(tree map[string]any, pointer string, value any) []string {
	var out []string
	var walk func(schemas []schemaAt, v any, at string, depth int)
	walk = func(schemas []schemaAt, v any, at string, depth int) {
		if depth > 64 {
			return
		}
		schemas = o.expandSchemas(tree, schemas, v)
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedMapKeys(x) {
				sub, declared := memberSchemas(schemas, k)
				if !declared {
					out = append(out, at+"/"+escapePointer(k))
					continue
				}
				walk(sub, x[k], at+"/"+escapePointer(k), depth+1)
			}
		case []any:
			var items []schemaAt
			for _, s := range schemas {
				if it, ok := s.schema["items"].(map[string]any); ok {
					items = append(items, schemaAt{it, s.child("items")})
				}
			}
			for i, c := range x {
				walk(items, c, at+"/"+strconv.Itoa(i), depth+1)
			}
		}
	}
	if s, ok := resolvePointer(tree, pointer); ok {
		if m, ok := s.(map[string]any); ok {
			walk([]schemaAt{{m, pointer}}, value, "", 0)
		}
	}
	return out
}

// schemaAt is a schema of the spec tree with its JSON pointer, which the
// oracle compiles to learn whether a value matches the schema. The pointer
// is empty when it is not known.
type schemaAt struct {
	schema  map[string]any
	pointer string
}

// child returns the pointer of a keyword's value inside s.
func (s schemaAt) child(segments ...string) string {
	if s.pointer == "" {
		return ""
	}
	p := s.pointer
	for _, seg := range segments {
		p += "/" + escapePointer(seg)
	}
	return p
}

// matches reports whether v is valid against s. A schema that the oracle
// cannot compile counts as matching, which keeps its declarations.
func (o *oracle) matches(s schemaAt, v any) bool {
	if s.pointer == "" {
		return true
	}
	sch, err := o.schema(o.compiledPointer(s.pointer))
	if err != nil {
		return true
	}
	return sch.Validate(copyTree(v)) == nil
}

// expandSchemas resolves local references and adds the branches of allOf,
// and those of anyOf and oneOf that v matches, recursively, so every schema
// that applies to v is in the list.
func (o *oracle) expandSchemas(tree map[string]any, schemas []schemaAt, v any) []schemaAt {
	var out []schemaAt
	visited := map[string]bool{}
	var add func(s schemaAt, depth int)
	add = func(s schemaAt, depth int) {
		if s.schema == nil || depth > 32 {
			return
		}
		if ref, ok := s.schema["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
			if visited[ref] {
				return
			}
			visited[ref] = true
			target, _ := resolvePointer(tree, strings.TrimPrefix(ref, "#"))
			t, _ := target.(map[string]any)
			add(schemaAt{t, strings.TrimPrefix(ref, "#")}, depth+1)
		}
		out = append(out, s)
		for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
			list, _ := s.schema[kw].([]any)
			for i, b := range list {
				bm, _ := b.(map[string]any)
				branch := schemaAt{bm, s.child(kw, strconv.Itoa(i))}
				if kw != "allOf" && !o.matches(branch, v) {
					continue
				}
				add(branch, depth+1)
			}
		}
	}
	for _, s := range schemas {
		add(s, 0)
	}
	return out
}

// memberSchemas returns the schemas that apply to member k of an object
// and whether any schema in the list declares or allows it. A list with
// no object keywords at all, such as an empty schema, allows every member.
func memberSchemas(schemas []schemaAt, k string) ([]schemaAt, bool) {
	var sub []schemaAt
	declared := false
	constrains := false
	for _, s := range schemas {
		props, _ := s.schema["properties"].(map[string]any)
		if p, ok := props[k].(map[string]any); ok {
			sub = append(sub, schemaAt{p, s.child("properties", k)})
			declared = true
		}
		if props != nil {
			constrains = true
		}
		switch ap := s.schema["additionalProperties"].(type) {
		case map[string]any:
			if props[k] == nil {
				sub = append(sub, schemaAt{ap, s.child("additionalProperties")})
			}
			declared = true
		case bool:
			declared = declared || ap
			constrains = true
		}
		if pp, ok := s.schema["patternProperties"].(map[string]any); ok && len(pp) > 0 {
			declared = true
		}
	}
	return sub, declared || !constrains
}
