package generator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// builder turns a loaded spec into a Model. It keeps no state beyond one
// Build call.
type builder struct {
	spec  *Spec
	model *Model
	names *scope

	// base is the absolute location of the spec, against which refKey
	// places local references.
	base       string
	components map[string]*Decl // by refKey
	pending    []*Decl          // every component decl, in declaration order
	// unfilled holds the schemas of the component decls whose body is not
	// built yet.
	unfilled  map[*Decl]*openapi3.SchemaRef
	patterns  map[string]*Pattern
	warned    map[string]bool
	building  map[*openapi3.Schema]bool
	overrides map[string]string // Config.Names
	used      map[string]bool   // keys of overrides that matched something
}

var anyRef = &TypeRef{Kind: RefAny}

// newDecl declares a named type, renaming it when the name is taken.
func (b *builder) newDecl(name, pointer string) *Decl {
	if o, ok := b.overrides[pointer]; ok {
		b.used[pointer] = true
		name = o
	}
	name = shortName(name)
	final, renamed := b.names.take(name, pointer)
	if renamed {
		b.note(pointer, "type name %s is taken by %s; this schema is named %s", name, b.names.used[name], final)
	}
	d := &Decl{Name: final, Pointer: pointer}
	b.model.Decls = append(b.model.Decls, d)
	return d
}

// fail records a defect that stops generation.
func (b *builder) fail(pointer, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := pointer + "\x00" + msg
	if b.warned[key] {
		return
	}
	b.warned[key] = true
	b.model.Diagnostics = append(b.model.Diagnostics, Diagnostic{Severity: Error, Pointer: pointer, Message: msg})
}

func (b *builder) note(pointer, format string, args ...any) {
	b.model.Diagnostics = append(b.model.Diagnostics, Diagnostic{Severity: Info, Pointer: pointer, Message: fmt.Sprintf(format, args...)})
}

// warn records a defect that the builder reads past. problem states what
// is wrong and repair how it is read, or what generated code does not do.
func (b *builder) warn(pointer, problem, repair string) {
	key := pointer + "\x00" + problem
	if b.warned[key] {
		return
	}
	b.warned[key] = true
	b.model.Diagnostics = append(b.model.Diagnostics, newWarning(pointer, problem, repair))
}

// declareComponents reserves a name for every component schema, so that
// references resolve to them whatever the order of building.
func (b *builder) declareComponents() {
	comps := b.spec.Doc.Components
	if comps == nil {
		return
	}
	for _, name := range sortedKeys(comps.Schemas) {
		ptr := joinSegments([]string{"components", "schemas", name})
		d := b.newDecl(goName(name), ptr)
		b.components[b.base+"#"+ptr] = d
		b.pending = append(b.pending, d)
		b.unfilled[d] = comps.Schemas[name]
	}
}

// fillComponents builds the body of every component decl that no
// reference has filled yet.
func (b *builder) fillComponents() {
	for _, d := range b.pending {
		b.fillComponent(d)
	}
}

// fillComponent builds the body of a component decl unless that is done
// or under way. References fill the components they reach on demand, so
// that code reading a Decl's kind or nullability finds it filled, except
// inside a cycle of references.
func (b *builder) fillComponent(d *Decl) {
	sr, ok := b.unfilled[d]
	if !ok {
		return
	}
	delete(b.unfilled, d)
	if sr == nil {
		b.fillDecl(d, nil)
		return
	}
	if sr.Ref == "" {
		b.fillDecl(d, sr.Value)
		return
	}
	// A component that is itself a reference.
	d.Kind = DeclAlias
	d.Nullable = sr.Value != nil && isNullable(sr.Value)
	d.Underlying = b.refTo(sr, d.Pointer)
	d.Nullable = d.Nullable || namedNullable(d.Underlying)
}

// refKey identifies the schema that a reference reaches by the absolute
// path of its document and the JSON pointer inside it. Two spellings of one
// reference ("common.yaml#/X" and "./common.yaml#/X") get one key, and a
// local reference inside another file ("#/X" in common.yaml) does not get
// the key of the main file's schema at the same pointer.
func (b *builder) refKey(sr *openapi3.SchemaRef) string {
	u, err := url.Parse(sr.Ref)
	if err != nil {
		return sr.Ref
	}
	// The document comes from kin-openapi, which resolved the reference.
	// The pointer comes from the reference itself, because RefPath's
	// fragment is not reliable: kin-openapi v0.153.0 gives
	// "#%23/components/schemas/Node" for a schema's reference to itself.
	if p := sr.RefPath(); p != nil {
		return p.Path + "#" + u.Fragment
	}
	// kin-openapi records the location of every reference that it
	// resolves, so only documents built in memory get here.
	if u.Scheme == "" && u.Host == "" && u.Path == "" {
		return b.base + "#" + u.Fragment
	}
	return sr.Ref
}

// refTo returns the type for a reference, declaring a type for references
// to schemas that are not components (into $defs or other files).
func (b *builder) refTo(sr *openapi3.SchemaRef, ptr string) *TypeRef {
	key := b.refKey(sr)
	if d, ok := b.components[key]; ok {
		b.fillComponent(d)
		return &TypeRef{Kind: RefNamed, Decl: d, Schema: sr.Value}
	}
	s := sr.Value
	if s == nil {
		return anyRef
	}
	ref := sr.Ref
	name := ref
	if i := strings.LastIndexAny(ref, "/#"); i >= 0 {
		name = ref[i+1:]
	}
	if name == "" {
		name = strings.TrimSuffix(ref, "#")
	}
	d := b.newDecl(goName(strings.TrimSuffix(name, ".json")), ptr)
	b.components[key] = d
	b.fillDecl(d, s)
	return &TypeRef{Kind: RefNamed, Decl: d, Schema: s}
}

// typeOf returns the Go type for a use of a schema. hint names the type
// should the schema need a declaration of its own.
func (b *builder) typeOf(sr *openapi3.SchemaRef, hint, ptr string) *TypeRef {
	if sr == nil || sr.Value == nil {
		return anyRef
	}
	if sr.Ref != "" {
		return b.refTo(sr, ptr)
	}
	return b.inline(sr.Value, hint, ptr)
}

// inline maps a schema that has no name of its own.
func (b *builder) inline(s *openapi3.Schema, hint, ptr string) *TypeRef {
	s = b.flatten(s, ptr)
	if s.Always != nil {
		if !*s.Always {
			b.warn(ptr, "schema false accepts no value", "read as any value, which Validate does not reject")
		}
		return anyRef
	}
	if target := soleRef(s); target != nil {
		t := b.refTo(target, ptr)
		return &TypeRef{Kind: t.Kind, Decl: t.Decl, Builtin: t.Builtin, Elem: t.Elem, ElemNullable: t.ElemNullable, Schema: s}
	}
	if variants := unionVariants(s); len(variants) > 0 || len(nonNullTypes(s)) > 1 {
		if len(variants) == 1 && len(nonNullTypes(s)) <= 1 {
			return b.typeOf(variants[0], hint, ptr+"/"+unionKeyword(s)+"/0")
		}
		d := b.newDecl(hint, ptr)
		b.fillDecl(d, s)
		return &TypeRef{Kind: RefNamed, Decl: d, Schema: s}
	}
	switch primaryType(s) {
	case "object":
		if len(s.Properties) > 0 || s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has && s.AdditionalProperties.Schema == nil {
			d := b.newDecl(hint, ptr)
			b.fillDecl(d, s)
			return &TypeRef{Kind: RefNamed, Decl: d, Schema: s}
		}
		return b.mapOf(s, hint, ptr)
	case "array":
		return b.sliceOf(s, hint, ptr)
	case "string", "integer", "number", "boolean":
		if len(enumValues(s)) > 0 && primaryType(s) != "boolean" {
			d := b.newDecl(hint, ptr)
			b.fillDecl(d, s)
			return &TypeRef{Kind: RefNamed, Decl: d, Schema: s}
		}
		if s.Pattern != "" {
			b.pattern(s.Pattern, ptr)
		}
		return &TypeRef{Kind: RefBuiltin, Builtin: b.scalar(s, ptr), Schema: s}
	}
	return &TypeRef{Kind: RefAny, Schema: s}
}

func (b *builder) mapOf(s *openapi3.Schema, hint, ptr string) *TypeRef {
	elem := anyRef
	nullable := false
	if ap := s.AdditionalProperties.Schema; ap != nil {
		elem = b.typeOf(ap, hint+"Value", ptr+"/additionalProperties")
		nullable = nullableUse(ap, elem)
	}
	return &TypeRef{Kind: RefMap, Elem: elem, ElemNullable: nullable, Schema: s}
}

func (b *builder) sliceOf(s *openapi3.Schema, hint, ptr string) *TypeRef {
	elem := anyRef
	nullable := false
	if s.Items != nil {
		elem = b.typeOf(s.Items, hint+"Item", ptr+"/items")
		nullable = nullableUse(s.Items, elem)
	} else if len(s.PrefixItems) > 0 {
		b.warn(ptr, "prefixItems (tuples) are not supported as typed items", "items are read as any value")
	}
	return &TypeRef{Kind: RefSlice, Elem: elem, ElemNullable: nullable, Schema: s}
}

// fillDecl builds the declaration for schema s into d.
func (b *builder) fillDecl(d *Decl, s *openapi3.Schema) {
	if s == nil {
		b.setDefined(d, anyRef)
		return
	}
	if b.building[s] {
		// A schema that reaches itself through allOf: keep what is known.
		b.setDefined(d, anyRef)
		return
	}
	b.building[s] = true
	defer delete(b.building, s)

	s = b.flatten(s, d.Pointer)
	d.Schema = s
	d.Doc = schemaDoc(s)
	d.Nullable = isNullable(s)
	if target := soleRef(s); target != nil {
		d.Kind = DeclAlias
		d.Underlying = b.refTo(target, d.Pointer)
		d.Nullable = d.Nullable || namedNullable(d.Underlying)
		return
	}
	if variants := unionVariants(s); len(variants) > 0 || len(nonNullTypes(s)) > 1 {
		if len(variants) == 1 && len(nonNullTypes(s)) <= 1 {
			t := b.typeOf(variants[0], d.Name+"Value", d.Pointer+"/"+unionKeyword(s)+"/0")
			b.setDefined(d, t)
			return
		}
		b.fillUnion(d, s, variants)
		return
	}
	switch primaryType(s) {
	case "object":
		if len(s.Properties) > 0 || s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			b.fillStruct(d, s)
			return
		}
		// The kind is known before the values are typed, which may refer
		// back to d.
		d.Kind = DeclDefined
		b.setDefined(d, b.mapOf(s, d.Name, d.Pointer))
	case "array":
		d.Kind = DeclDefined
		b.setDefined(d, b.sliceOf(s, d.Name, d.Pointer))
	case "string", "integer", "number":
		if len(enumValues(s)) > 0 {
			b.fillEnum(d, s)
			return
		}
		if s.Pattern != "" {
			b.pattern(s.Pattern, d.Pointer)
		}
		b.setDefined(d, &TypeRef{Kind: RefBuiltin, Builtin: b.scalar(s, d.Pointer), Schema: s})
	case "boolean":
		b.setDefined(d, &TypeRef{Kind: RefBuiltin, Builtin: "bool", Schema: s})
	default:
		b.setDefined(d, &TypeRef{Kind: RefAny, Schema: s})
	}
}

// setDefined makes d a defined type over t, or an alias of t when t is a
// named type, any, time.Time or oas.Date. A defined type over any could
// not have the Validate method, because Go gives interface types none. A
// defined type over time.Time or oas.Date would lack their JSON and text
// methods, so it would decode as a struct and fail, while an alias is the
// same type with every method.
func (b *builder) setDefined(d *Decl, t *TypeRef) {
	switch {
	case t.Kind == RefNamed:
		d.Kind = DeclAlias
		d.Nullable = d.Nullable || namedNullable(t)
	case t.Kind == RefAny:
		d.Kind = DeclAlias
	case t.Kind == RefBuiltin && (t.Builtin == "time.Time" || t.Builtin == "oas.Date"):
		d.Kind = DeclAlias
	default:
		d.Kind = DeclDefined
	}
	d.Underlying = t
}

func (b *builder) fillStruct(d *Decl, s *openapi3.Schema) {
	d.Kind = DeclStruct
	fields := newScope("Validate", "MarshalJSON", "UnmarshalJSON", "String", "SetDefaults", "AdditionalProperties")
	required := make(map[string]bool, len(s.Required))
	for _, r := range s.Required {
		required[r] = true
	}
	for _, prop := range sortedKeys(s.Properties) {
		sr := s.Properties[prop]
		ptr := d.Pointer + "/properties/" + escapeSegment(prop)
		if !validJSONTag(prop) {
			b.warn(ptr, fmt.Sprintf("property name %q cannot be a Go struct tag", prop), "its value is kept in AdditionalProperties")
			if d.Additional == nil {
				d.Additional = anyRef
			}
			continue
		}
		name, _ := fields.take(goName(prop), ptr)
		f := &Field{Name: name, JSONName: prop, Required: required[prop]}
		f.Type = b.typeOf(sr, d.Name+goName(prop), ptr)
		if sr != nil && sr.Value != nil {
			v := sr.Value
			f.Nullable = isNullable(v) || namedNullable(f.Type)
			f.ReadOnly, f.WriteOnly = v.ReadOnly, v.WriteOnly
			f.Doc = schemaDoc(v)
			f.Default = v.Default
		}
		d.Fields = append(d.Fields, f)
	}
	for _, r := range s.Required {
		if _, ok := s.Properties[r]; !ok {
			// A required property with no schema: any value, but present.
			name, _ := fields.take(goName(r), d.Pointer+"/required")
			d.Fields = append(d.Fields, &Field{Name: name, JSONName: r, Required: true, Type: anyRef, Nullable: true})
		}
	}
	switch ap := s.AdditionalProperties; {
	case d.Additional != nil:
	case ap.Schema != nil:
		d.Additional = b.typeOf(ap.Schema, d.Name+"Value", d.Pointer+"/additionalProperties")
		d.AdditionalNullable = nullableUse(ap.Schema, d.Additional)
	case ap.Has != nil && *ap.Has:
		d.Additional = anyRef
	case ap.Has != nil && !*ap.Has:
		d.Closed = true
	}
}

func (b *builder) fillEnum(d *Decl, s *openapi3.Schema) {
	values := enumValues(s)
	d.Kind = DeclEnum
	base := &TypeRef{Kind: RefBuiltin, Builtin: b.scalar(s, d.Pointer)}
	if base.Builtin == "time.Time" || base.Builtin == "oas.Date" || base.Builtin == "[]byte" {
		base.Builtin = "string"
	}
	d.Base = base
	consts := newScope()
	for _, v := range values {
		if !enumFits(base.Builtin, v) {
			// Mixed-type enums have no single Go type: any, checked
			// against the enum's JSON values where it is used.
			d.Base, d.Values = nil, nil
			b.setDefined(d, &TypeRef{Kind: RefAny, Schema: s})
			return
		}
		label := fmt.Sprint(v)
		if label == "" {
			label = "Empty"
		}
		suffix := goName(label)
		if strings.HasPrefix(suffix, "X") && !strings.HasPrefix(goName("a"+label), "AX") {
			suffix = strings.TrimPrefix(suffix, "X")
		}
		if f, ok := v.(float64); ok && f < 0 {
			suffix = "Minus" + suffix
		}
		local, _ := consts.take(suffix, d.Pointer)
		name, renamed := b.names.take(d.Name+local, d.Pointer)
		if renamed {
			b.note(d.Pointer, "constant name %s is taken; enum value %s is named %s", d.Name+local, jsonLiteral(v), name)
		}
		d.Values = append(d.Values, &EnumValue{Name: name, Value: v})
	}
	d.Doc = schemaDoc(s)
}

func enumFits(builtin string, v any) bool {
	switch builtin {
	case "string":
		_, ok := v.(string)
		return ok
	case "bool":
		_, ok := v.(bool)
		return ok
	case "float32", "float64":
		_, ok := v.(float64)
		return ok
	default:
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	}
}

func (b *builder) fillUnion(d *Decl, s *openapi3.Schema, variants openapi3.SchemaRefs) {
	d.Kind = DeclUnion
	d.OneOf = len(s.OneOf) > 0
	d.TypeList = len(variants) == 0
	fields := newScope("Validate", "MarshalJSON", "UnmarshalJSON", "String")
	add := func(t *TypeRef, kind, name, ptr string) {
		n, _ := fields.take(name, ptr)
		d.Variants = append(d.Variants, &Variant{Name: n, Type: t, JSONKind: kind})
	}
	kw := unionKeyword(s)
	for i, v := range variants {
		ptr := fmt.Sprintf("%s/%s/%d", d.Pointer, kw, i)
		if v.Value != nil && isOnlyNull(v.Value) {
			continue
		}
		hint := d.Name + variantName(v, i)
		t := b.typeOf(v, hint, ptr)
		add(t, jsonKind(v.Value, t), variantName(v, i), ptr)
		// A null matches the variant, so the union accepts it.
		d.Nullable = d.Nullable || nullableUse(v, t)
	}
	if len(variants) == 0 {
		// A list of types: one variant per type, each with the same
		// constraints.
		for _, typ := range nonNullTypes(s) {
			one := *s
			one.Type = &openapi3.Types{typ}
			one.Nullable = false
			t := b.inline(&one, d.Name+goName(typ), d.Pointer)
			add(t, typ, goName(typ), d.Pointer+"/type")
		}
	}
	b.discriminate(d, s)
}

// discriminate finds the property that tells object variants apart: the
// spec's discriminator, or else a required property that every object
// variant fixes to a different constant.
func (b *builder) discriminate(d *Decl, s *openapi3.Schema) {
	if s.Discriminator != nil && s.Discriminator.PropertyName != "" {
		d.Discriminator = s.Discriminator.PropertyName
		mapping := s.Discriminator.Mapping
		for _, v := range d.Variants {
			if v.Type.Kind != RefNamed {
				continue
			}
			for _, key := range sortedKeys(mapping) {
				if mapping[key].Ref == "" {
					continue
				}
				if d2, ok := b.components[b.mappingKey(mapping[key])]; ok && d2 == v.Type.Decl {
					v.Tags = append(v.Tags, key)
				}
			}
			if len(v.Tags) == 0 {
				if c := constOf(v.Type.Decl, d.Discriminator); c != "" {
					v.Tags = append(v.Tags, c)
				} else if strings.HasPrefix(v.Type.Decl.Pointer, "/components/schemas/") {
					v.Tags = append(v.Tags, strings.TrimPrefix(v.Type.Decl.Pointer, "/components/schemas/"))
				}
			}
		}
		b.dropSharedTags(d)
		return
	}
	objects := 0
	for _, v := range d.Variants {
		if v.JSONKind == "object" {
			objects++
		}
	}
	if objects < 2 {
		return
	}
	for _, prop := range candidateProps(d) {
		seen := map[string]bool{}
		ok := true
		for _, v := range d.Variants {
			if v.JSONKind != "object" {
				continue
			}
			c := ""
			if v.Type.Kind == RefNamed {
				c = constOf(v.Type.Decl, prop)
			}
			if c == "" || seen[c] {
				ok = false
				break
			}
			seen[c] = true
			v.Tags = []string{c}
		}
		if ok {
			d.Discriminator = prop
			return
		}
		for _, v := range d.Variants {
			v.Tags = nil
		}
	}
}

// dropSharedTags removes the discriminator values that name more than one
// variant, so that UnmarshalJSON distinguishes those variants by trying
// them instead of always picking the first.
func (b *builder) dropSharedTags(d *Decl) {
	owners := map[string][]string{}
	for _, v := range d.Variants {
		for _, tag := range v.Tags {
			owners[tag] = append(owners[tag], v.Name)
		}
	}
	for _, tag := range sortedKeys(owners) {
		if names := owners[tag]; len(names) > 1 {
			b.warn(d.Pointer+"/discriminator", fmt.Sprintf("discriminator value %q names the variants %s", tag, strings.Join(names, ", ")),
				"a value with it decodes into the first of them that it matches")
		}
	}
	for _, v := range d.Variants {
		kept := v.Tags[:0]
		for _, tag := range v.Tags {
			if len(owners[tag]) == 1 {
				kept = append(kept, tag)
			}
		}
		v.Tags = kept
	}
}

// mappingKey returns the refKey of the schema that a discriminator mapping
// value names, by reference or by a bare component name.
func (b *builder) mappingKey(m openapi3.MappingRef) string {
	sr := openapi3.SchemaRef(m)
	if !strings.Contains(sr.Ref, "#") && !strings.Contains(sr.Ref, "/") {
		return b.base + "#" + joinSegments([]string{"components", "schemas", sr.Ref})
	}
	return b.refKey(&sr)
}

func candidateProps(d *Decl) []string {
	var out []string
	for _, v := range d.Variants {
		if v.JSONKind != "object" || v.Type.Kind != RefNamed {
			continue
		}
		for _, f := range structOf(v.Type.Decl).fieldsOrNil() {
			if f.Required {
				out = append(out, f.JSONName)
			}
		}
		break
	}
	return out
}

type fieldList []*Field

func (l fieldList) fieldsOrNil() []*Field { return l }

func structOf(d *Decl) fieldList {
	for d != nil && d.Kind == DeclAlias && d.Underlying != nil && d.Underlying.Kind == RefNamed {
		d = d.Underlying.Decl
	}
	if d == nil || d.Kind != DeclStruct {
		return nil
	}
	return d.Fields
}

// constOf returns the string constant that a struct fixes a required
// property to, through `const` or a one-value enum.
func constOf(d *Decl, prop string) string {
	for _, f := range structOf(d) {
		if f.JSONName != prop || !f.Required {
			continue
		}
		s := f.Type.Schema
		if f.Type.Kind == RefNamed && f.Type.Decl.Kind == DeclEnum && len(f.Type.Decl.Values) == 1 {
			if v, ok := f.Type.Decl.Values[0].Value.(string); ok {
				return v
			}
		}
		if s == nil {
			return ""
		}
		if c, ok := s.Const.(string); ok {
			return c
		}
		if len(s.Enum) == 1 {
			if c, ok := s.Enum[0].(string); ok {
				return c
			}
		}
	}
	return ""
}

func variantName(v *openapi3.SchemaRef, i int) string {
	if v.Ref != "" {
		name := v.Ref[strings.LastIndexAny(v.Ref, "/#")+1:]
		return goName(strings.TrimSuffix(name, ".json"))
	}
	if v.Value != nil {
		if v.Value.Title != "" {
			return goName(v.Value.Title)
		}
		if t := primaryType(v.Value); t != "" {
			if t == "object" || t == "array" {
				return goName(t) + fmt.Sprint(i)
			}
			return goName(t)
		}
	}
	return fmt.Sprintf("Variant%d", i)
}

func jsonKind(s *openapi3.Schema, t *TypeRef) string {
	switch t.Kind {
	case RefSlice:
		return "array"
	case RefMap:
		return "object"
	case RefAny:
		return "any"
	case RefBuiltin:
		switch t.Builtin {
		case "bool":
			return "boolean"
		case "int32", "int64":
			return "integer"
		case "float32", "float64":
			return "number"
		}
		return "string"
	}
	d := t.Decl
	for d.Kind == DeclAlias && d.Underlying.Kind == RefNamed {
		d = d.Underlying.Decl
	}
	switch d.Kind {
	case DeclStruct:
		return "object"
	case DeclEnum:
		return jsonKind(nil, d.Base)
	case DeclUnion:
		return "any"
	}
	if d.Underlying != nil {
		return jsonKind(nil, d.Underlying)
	}
	return "any"
}

// scalar maps a string, integer, number or boolean schema to a Go type.
func (b *builder) scalar(s *openapi3.Schema, ptr string) string {
	switch primaryType(s) {
	case "boolean":
		return "bool"
	case "integer":
		if s.Format == "int32" {
			return "int32"
		}
		return "int64"
	case "number":
		// Format float maps to float64 like every number: a float32 would
		// round the values that JSON carries (37.77597542841264 would
		// encode as 37.775974), and JSON has no single-precision numbers.
		switch s.Format {
		case "int32":
			return "int32"
		case "int64":
			return "int64"
		}
		return "float64"
	case "string":
		switch s.Format {
		case "date-time":
			// NOTE: time.Time cannot hold a leap second, so decoding
			// "2016-12-31T23:59:60Z", which RFC 3339 allows, fails. The
			// gap matters only for inputs that carry leap seconds, which
			// clocks rarely report, and time.Time is what Go code expects.
			return "time.Time"
		case "date":
			return "oas.Date"
		case "byte":
			return "[]byte"
		}
		if s.ContentEncoding == "base64" {
			return "[]byte"
		}
		return "string"
	}
	return "string"
}

// pattern returns the package variable for a regular expression, or ""
// when Go's RE2 engine cannot compile it.
func (b *builder) pattern(src, ptr string) string {
	if p, ok := b.patterns[src]; ok {
		return p.Var
	}
	if _, err := regexp.Compile(src); err != nil {
		b.warn(ptr+"/pattern", fmt.Sprintf("pattern %q is not supported by Go's RE2 engine (%s)", src, strings.TrimPrefix(err.Error(), "error parsing regexp: ")), "Validate does not check it")
		b.patterns[src] = &Pattern{}
		return ""
	}
	p := &Pattern{Var: fmt.Sprintf("pattern%d", len(b.model.Patterns)), Source: src}
	b.patterns[src] = p
	b.model.Patterns = append(b.model.Patterns, p)
	return p.Var
}

// maxAllOfDepth bounds the nesting of allOf inside allOf that flatten
// merges. Every schema that such a chain passes through is flattened with
// the rest of the chain below it, so without a bound a chain of n schemas
// would take time and output in proportion to n².
const maxAllOfDepth = 32

// flatten merges allOf into one schema, so that the rest of the builder
// never sees allOf. A schema whose allOf is only one reference keeps it, so
// that it maps to that named type.
func (b *builder) flatten(s *openapi3.Schema, ptr string) *openapi3.Schema {
	b.checkBounds(s, ptr)
	if len(s.AllOf) == 0 {
		return s
	}
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" && isDescriptive(s) {
		return s
	}
	out := *s
	out.AllOf = nil
	out.Properties = make(openapi3.Schemas, len(s.Properties))
	for k, v := range s.Properties {
		out.Properties[k] = v
	}
	out.Required = append([]string(nil), s.Required...)
	// Each part is merged once, however many paths of allOf lead to it,
	// so that parts that share parts (or contain themselves) take time in
	// proportion to their number rather than to the number of paths.
	merged := map[*openapi3.Schema]bool{}
	var visit func(sr *openapi3.SchemaRef, depth int)
	visit = func(sr *openapi3.SchemaRef, depth int) {
		if sr == nil || sr.Value == nil || merged[sr.Value] {
			return
		}
		if depth > maxAllOfDepth {
			b.fail(ptr+"/allOf", "allOf parts nest more than %d levels deep, which whgen does not merge; list the parts of the inner allOf in an outer one", maxAllOfDepth)
			return
		}
		part := sr.Value
		merged[part] = true
		for _, sub := range part.AllOf {
			visit(sub, depth+1)
		}
		mergeInto(&out, part)
	}
	for _, sub := range s.AllOf {
		visit(sub, 0)
	}
	// The schema's own keywords win over those of its parts.
	mergeInto(&out, &openapi3.Schema{Properties: s.Properties, Required: s.Required})
	if out.Type == nil && len(out.Properties) > 0 {
		out.Type = &openapi3.Types{"object"}
	}
	return &out
}

// mergeInto adds the constraints of part to out. Properties that both
// declare are merged the same way, so that a part can narrow a property
// (for example with `const`) that another part declares.
func mergeInto(out, part *openapi3.Schema) {
	if out.Type == nil && part.Type != nil {
		out.Type = part.Type
	}
	if part.Nullable {
		out.Nullable = out.Nullable || len(out.Properties) == 0
	}
	for k, v := range part.Properties {
		prev, ok := out.Properties[k]
		if !ok || prev == v {
			out.Properties[k] = v
			continue
		}
		out.Properties[k] = mergeProperty(prev, v)
	}
	for _, r := range part.Required {
		if !containsString(out.Required, r) {
			out.Required = append(out.Required, r)
		}
	}
	if part.AdditionalProperties.Has != nil || part.AdditionalProperties.Schema != nil {
		if out.AdditionalProperties.Has == nil && out.AdditionalProperties.Schema == nil {
			out.AdditionalProperties = part.AdditionalProperties
		}
	}
	if out.Discriminator == nil {
		out.Discriminator = part.Discriminator
	}
	if len(out.OneOf) == 0 && len(part.OneOf) > 0 {
		out.OneOf = part.OneOf
	}
	if len(out.AnyOf) == 0 && len(part.AnyOf) > 0 {
		out.AnyOf = part.AnyOf
	}
	if out.Format == "" {
		out.Format = part.Format
	}
	if out.Items == nil {
		out.Items = part.Items
	}
	if len(out.Enum) == 0 {
		out.Enum = part.Enum
	}
	if out.Const == nil {
		out.Const = part.Const
	}
	if out.Description == "" {
		out.Description = part.Description
	}
	if out.Pattern == "" {
		out.Pattern = part.Pattern
	}
	if out.Min == nil {
		out.Min = part.Min
	}
	if out.Max == nil {
		out.Max = part.Max
	}
	if out.MaxLength == nil {
		out.MaxLength = part.MaxLength
	}
	if out.MinLength == 0 {
		out.MinLength = part.MinLength
	}
	if out.MinProps == 0 {
		out.MinProps = part.MinProps
	}
	if out.MaxProps == nil {
		out.MaxProps = part.MaxProps
	}
}

func mergeProperty(a, b *openapi3.SchemaRef) *openapi3.SchemaRef {
	if a.Value == nil || b.Value == nil {
		return b
	}
	if b.Ref != "" || a.Ref == "" && (b.Value.Type != nil || len(b.Value.Properties) > 0) && b.Value.Const == nil {
		return b
	}
	merged := *b.Value
	merged.AllOf = nil
	if merged.Type == nil {
		merged.Type = a.Value.Type
	}
	if merged.Format == "" {
		merged.Format = a.Value.Format
	}
	if merged.Description == "" {
		merged.Description = a.Value.Description
	}
	if a.Ref != "" && merged.Const == nil && len(merged.Enum) == 0 {
		return a
	}
	return &openapi3.SchemaRef{Value: &merged}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// soleRef returns the referenced schema when s is `allOf: [$ref]` with
// only descriptive keywords beside it.
func soleRef(s *openapi3.Schema) *openapi3.SchemaRef {
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" && isDescriptive(s) {
		return s.AllOf[0]
	}
	return nil
}

// isDescriptive reports whether s carries nothing but annotations beside
// allOf (and nullable, which the use site handles).
func isDescriptive(s *openapi3.Schema) bool {
	return s.Type == nil && len(s.Properties) == 0 && s.Items == nil && len(s.OneOf) == 0 &&
		len(s.AnyOf) == 0 && len(s.Enum) == 0 && s.Const == nil && len(s.Required) == 0 &&
		s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil
}

// unionVariants returns the oneOf or anyOf list when it describes
// alternative shapes. A list whose entries only add constraints (such as
// `oneOf: [{required: [a]}, {required: [b]}]` beside properties) is not a
// union of types.
func unionVariants(s *openapi3.Schema) openapi3.SchemaRefs {
	list := s.OneOf
	if len(list) == 0 {
		list = s.AnyOf
	}
	if len(list) == 0 {
		return nil
	}
	shaped := false
	for _, v := range list {
		if v.Ref != "" || v.Value != nil && (v.Value.Type != nil || len(v.Value.Properties) > 0 || v.Value.Items != nil || len(v.Value.AllOf) > 0 || len(v.Value.OneOf) > 0 || len(v.Value.AnyOf) > 0 || v.Value.Const != nil || len(v.Value.Enum) > 0) {
			shaped = true
		}
	}
	if !shaped {
		return nil
	}
	var out openapi3.SchemaRefs
	for _, v := range list {
		if v.Value != nil && isOnlyNull(v.Value) {
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return list
	}
	return out
}

func unionKeyword(s *openapi3.Schema) string {
	if len(s.OneOf) > 0 {
		return "oneOf"
	}
	return "anyOf"
}

func isOnlyNull(s *openapi3.Schema) bool {
	if s.Type != nil && len(*s.Type) == 1 && (*s.Type)[0] == "null" {
		return true
	}
	return len(s.Enum) == 1 && s.Enum[0] == nil
}

// isNullable reports whether a schema accepts null, in any of the ways 3.0
// and 3.1 spell it.
func isNullable(s *openapi3.Schema) bool {
	if s.Nullable || s.Type != nil && s.Type.Includes("null") {
		return true
	}
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, v := range list {
			if v.Value != nil && isOnlyNull(v.Value) {
				return true
			}
		}
	}
	for _, v := range s.Enum {
		if v == nil {
			return true
		}
	}
	return false
}

// namedNullable reports whether t is a named type whose schema accepts
// null, directly or through the schemas it refers to.
func namedNullable(t *TypeRef) bool {
	return t.Kind == RefNamed && t.Decl.Nullable
}

// nullableUse reports whether a use of schema sr, whose Go type is t, must
// be able to hold null: the schema accepts null, or the named type that it
// refers to does. A type that holds any value needs no more, because nil
// is among its values.
func nullableUse(sr *openapi3.SchemaRef, t *TypeRef) bool {
	if t.Kind == RefAny {
		return false
	}
	return sr.Value != nil && isNullable(sr.Value) || namedNullable(t)
}

func nonNullTypes(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	var out []string
	for _, t := range *s.Type {
		if t != "null" {
			out = append(out, t)
		}
	}
	return out
}

// primaryType returns the one JSON type a schema describes, inferred from
// its keywords when `type` is missing, or "" for any value.
func primaryType(s *openapi3.Schema) string {
	if types := nonNullTypes(s); len(types) == 1 {
		return types[0]
	}
	if s.Type != nil && len(nonNullTypes(s)) > 1 {
		return ""
	}
	switch {
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
		return "object"
	case s.Items != nil:
		return "array"
	case s.Const != nil:
		return valueType(s.Const)
	case len(enumValues(s)) > 0:
		t := valueType(enumValues(s)[0])
		for _, v := range enumValues(s) {
			if valueType(v) != t {
				return ""
			}
		}
		return t
	case s.Pattern != "" || s.MaxLength != nil || s.MinLength > 0 || s.Format == "date-time" || s.Format == "uuid":
		return "string"
	}
	return ""
}

func enumValues(s *openapi3.Schema) []any {
	var out []any
	for _, v := range s.Enum {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

func valueType(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return ""
}

func schemaDoc(s *openapi3.Schema) string {
	parts := []string{}
	if s.Title != "" && s.Description == "" {
		parts = append(parts, s.Title)
	}
	if s.Description != "" {
		parts = append(parts, s.Description)
	}
	if s.Deprecated {
		parts = append(parts, "Deprecated: the spec marks this deprecated.")
	}
	return strings.Join(parts, "\n\n")
}

// validJSONTag reports whether encoding/json can use name as a struct tag
// name.
func validJSONTag(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

// sortDecls orders declarations by name, so that output does not depend on
// the order in which the builder met them.
func sortDecls(ds []*Decl) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
}

// checkBounds warns about constraints that no value can meet, such as a
// minLength above the maxLength, or that Validate cannot apply. They are
// mistakes in the spec, and the generated Validate would reject every
// value or ignore the constraint silently.
func (b *builder) checkBounds(s *openapi3.Schema, ptr string) {
	if s.MaxLength != nil && s.MinLength > *s.MaxLength {
		b.warn(ptr+"/minLength", fmt.Sprintf("minLength %d is greater than maxLength %d, so no string is valid", s.MinLength, *s.MaxLength), "")
	}
	if s.MaxItems != nil && s.MinItems > *s.MaxItems {
		b.warn(ptr+"/minItems", fmt.Sprintf("minItems %d is greater than maxItems %d, so no array is valid", s.MinItems, *s.MaxItems), "")
	}
	if s.MaxProps != nil && s.MinProps > *s.MaxProps {
		b.warn(ptr+"/minProperties", fmt.Sprintf("minProperties %d is greater than maxProperties %d, so no object is valid", s.MinProps, *s.MaxProps), "")
	}
	lo, loKey, loExcl := s.Min, "minimum", s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool
	if v := s.ExclusiveMin.Value; v != nil && (lo == nil || *v >= *lo) {
		lo, loKey, loExcl = v, "exclusiveMinimum", true
	}
	hi, hiKey, hiExcl := s.Max, "maximum", s.ExclusiveMax.Bool != nil && *s.ExclusiveMax.Bool
	if v := s.ExclusiveMax.Value; v != nil && (hi == nil || *v <= *hi) {
		hi, hiKey, hiExcl = v, "exclusiveMaximum", true
	}
	if lo != nil && hi != nil && (*lo > *hi || *lo == *hi && (loExcl || hiExcl)) {
		b.warn(ptr+"/"+loKey, fmt.Sprintf("%s %s and %s %s leave no valid number", loKey, formatNumber(*lo), hiKey, formatNumber(*hi)), "")
	}
	if s.MultipleOf != nil && *s.MultipleOf <= 0 {
		b.warn(ptr+"/multipleOf", "multipleOf must be greater than 0", "Validate does not check it")
	}
	if s.Enum != nil && len(s.Enum) == 0 {
		b.warn(ptr+"/enum", "enum is empty, so no value is valid", "")
	}
	if s.Default != nil {
		if problem := defaultProblem(s, lo, loExcl, hi, hiExcl); problem != "" {
			b.warn(ptr+"/default", fmt.Sprintf("default %s %s", jsonLiteral(s.Default), problem), "")
		}
	}
}

// defaultProblem returns how a schema's default breaks the schema's own
// enum, bounds, length or pattern, or "" when it does not. lo and hi are
// the tighter of the inclusive and exclusive bounds.
func defaultProblem(s *openapi3.Schema, lo *float64, loExcl bool, hi *float64, hiExcl bool) string {
	if len(s.Enum) > 0 {
		want := jsonLiteral(s.Default)
		found := false
		for _, v := range s.Enum {
			if jsonLiteral(v) == want {
				found = true
				break
			}
		}
		if !found {
			return "is not one of the enum values"
		}
	}
	switch v := s.Default.(type) {
	case float64:
		switch {
		case lo != nil && loExcl && v <= *lo:
			return "is not above the exclusive minimum " + formatNumber(*lo)
		case lo != nil && v < *lo:
			return "is below the minimum " + formatNumber(*lo)
		case hi != nil && hiExcl && v >= *hi:
			return "is not below the exclusive maximum " + formatNumber(*hi)
		case hi != nil && v > *hi:
			return "is above the maximum " + formatNumber(*hi)
		}
	case string:
		n := uint64(utf8.RuneCountInString(v))
		switch {
		case n < s.MinLength:
			return fmt.Sprintf("is shorter than minLength %d", s.MinLength)
		case s.MaxLength != nil && n > *s.MaxLength:
			return fmt.Sprintf("is longer than maxLength %d", *s.MaxLength)
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(v) {
				return "does not match the pattern " + s.Pattern
			}
		}
	}
	return ""
}
