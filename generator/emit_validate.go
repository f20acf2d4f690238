package generator

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/getkin/kin-openapi/openapi3"
)

// validation writes Validate and validate methods for every declaration
// and the package's compiled patterns.
func (e *emitter) validation(f *jen.File) {
	if len(e.model.Patterns) > 0 {
		var defs []jen.Code
		for _, p := range e.model.Patterns {
			defs = append(defs, jen.Id(p.Var).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p.Source)))
		}
		f.Var().Defs(defs...)
		f.Line()
	}
	for _, d := range e.model.Decls {
		if d.Kind == DeclAlias {
			continue
		}
		e.validateMethods(f, d)
	}
}

func receiver(d *Decl) *jen.Statement {
	if d.Kind == DeclStruct || d.Kind == DeclUnion {
		return jen.Id("v").Op("*").Id(d.Name)
	}
	return jen.Id("v").Id(d.Name)
}

func (e *emitter) validateMethods(f *jen.File, d *Decl) {
	f.Comment(fmt.Sprintf("Validate checks v against the constraints of its schema and returns"))
	f.Comment("oas.Errors listing every violation, or nil.")
	f.Func().Params(receiver(d)).Id("Validate").Params().Error().Block(
		jen.Return(jen.Id("v").Dot("ValidateFor").Call(jen.Qual(oasPkg, "AnyDirection"))),
	)
	f.Line()
	f.Comment("ValidateFor is Validate for a value traveling in direction dir. A request")
	f.Comment("ignores readOnly properties and a response writeOnly ones: they may be")
	f.Comment("absent although required, and their constraints are not checked.")
	f.Func().Params(receiver(d)).Id("ValidateFor").Params(jen.Id("dir").Qual(oasPkg, "Direction")).Error().Block(
		jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors")),
		jen.Id("v").Dot("validate").Call(jen.Lit(""), jen.Id("e"), jen.Id("dir")),
		jen.Return(jen.Id("e").Dot("Err").Call()),
	)
	f.Line()
	var body []jen.Code
	switch d.Kind {
	case DeclStruct:
		body = e.structChecks(d)
	case DeclUnion:
		body = e.unionChecks(d)
	case DeclEnum:
		body = enumChecks(d)
	case DeclDefined:
		conv := d.Underlying
		body = e.site(typeConversion(conv, "v"), conv, "ptr", 0)
		if len(body) > 0 && d.Nullable && isNilable(conv) {
			// nil is the null that the schema accepts.
			body = []jen.Code{jen.If(jen.Id("v").Op("!=").Nil()).Block(body...)}
		}
	}
	if len(body) == 0 {
		f.Func().Params(receiver(d)).Id("validate").Params(jen.Id("_").String(), jen.Id("_").Op("*").Qual(oasPkg, "Errors"), jen.Id("_").Qual(oasPkg, "Direction")).Block()
		f.Line()
		return
	}
	f.Func().Params(receiver(d)).Id("validate").Params(jen.Id("ptr").String(), jen.Id("e").Op("*").Qual(oasPkg, "Errors"), jen.Id("dir").Qual(oasPkg, "Direction")).Block(body...)
	f.Line()
}

// typeConversion converts a defined type's value to its underlying type,
// so that the checks of the underlying type apply.
func typeConversion(t *TypeRef, x string) string {
	var b strings.Builder
	if err := jen.Add(typ(t)).Call(jen.Id(x)).RenderWithFile(&b, jen.NewFile("x")); err == nil {
		return "(" + b.String() + ")"
	}
	return x
}

func enumChecks(d *Decl) []jen.Code {
	if len(d.Values) == 0 {
		return nil
	}
	var names []jen.Code
	var labels []string
	for _, v := range d.Values {
		names = append(names, jen.Id(v.Name))
		labels = append(labels, fmt.Sprint(v.Value))
	}
	return []jen.Code{jen.Switch(jen.Id("v")).Block(
		jen.Case(names...),
		jen.Default().Block(jen.Id("e").Dot("Add").Call(jen.Id("ptr"), jen.Lit("must be one of "+listLabels(labels)))),
	)}
}

func listLabels(labels []string) string {
	if len(labels) > 12 {
		labels = append(labels[:12:12], fmt.Sprintf("… (%d values)", len(labels)))
	}
	return strings.Join(labels, ", ")
}

func (e *emitter) structChecks(d *Decl) []jen.Code {
	var body []jen.Code
	if needsObject(d) {
		body = append(body, jen.Id(objectVar(d)).Dot("Check").Call(jen.Id("ptr"), jen.Id("v").Dot("scan"), jen.Id("e"), jen.Id("dir")))
	}
	for i, f := range d.Fields {
		p := fmt.Sprintf("%s.Join(ptr, %s)", "oas", strconv.Quote(f.JSONName))
		x := "v." + f.Name
		dirGuard := directionGuard(f)
		// and joins the direction guard, when there is one, with cond.
		and := func(cond *jen.Statement) *jen.Statement {
			if dirGuard == nil {
				return cond
			}
			return jen.Add(dirGuard).Op("&&").Add(cond)
		}
		switch shapeOf(f) {
		case shapeValue:
			checks := e.site(x, f.Type, p, 0)
			if len(checks) == 0 {
				break
			}
			switch guard := valueGuard(d, f, i, x); {
			case guard != nil:
				checks = []jen.Code{jen.If(and(guard)).Block(checks...)}
			case dirGuard != nil:
				checks = []jen.Code{jen.If(dirGuard).Block(checks...)}
			}
			body = append(body, checks...)
		case shapePointer:
			if checks := e.site("(*"+x+")", f.Type, p, 0); len(checks) > 0 {
				body = append(body, jen.If(and(jen.Id(x).Op("!=").Nil())).Block(checks...))
			}
		case shapeNullable:
			if checks := e.site("x", f.Type, p, 0); len(checks) > 0 {
				get := jen.If(jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id(x).Dot("Get").Call(), jen.Id("ok")).Block(checks...)
				if dirGuard != nil {
					get = jen.If(dirGuard).Block(get)
				}
				body = append(body, get)
			}
		}
	}
	if d.Additional != nil {
		values := &TypeRef{Kind: RefMap, Elem: d.Additional, ElemNullable: d.AdditionalNullable}
		body = append(body, e.mapEntryChecks("v.AdditionalProperties", values, "ptr", 1)...)
	}
	if s := d.Schema; s != nil && (s.MinProps > 0 || s.MaxProps != nil) {
		body = append(body, e.propertyCount(d)...)
	}
	return body
}

// valueGuard returns the condition under which the checks of the value
// field f (at index i of d, spelled x) run, or nil when they always do.
func valueGuard(d *Decl, f *Field, i int, x string) *jen.Statement {
	if isNilable(f.Type) {
		return jen.Id(x).Op("!=").Nil()
	}
	if needsObject(d) && (f.Required || rejectsNull(f)) {
		// An absent or null member holds the zero value, whose checks
		// would only repeat "is required".
		return jen.Op("!").Id(objectVar(d)).Dot("Reported").Call(jen.Id("v").Dot("scan"), jen.Lit(i))
	}
	return nil
}

// directionGuard returns the condition under which the checks of a
// readOnly or writeOnly field run: not in the direction that ignores it.
func directionGuard(f *Field) *jen.Statement {
	switch {
	case f.ReadOnly && f.WriteOnly:
		return nil
	case f.ReadOnly:
		return jen.Id("dir").Op("!=").Qual(oasPkg, "InRequest")
	case f.WriteOnly:
		return jen.Id("dir").Op("!=").Qual(oasPkg, "InResponse")
	}
	return nil
}

// propertyCount checks minProperties and maxProperties of a struct by
// counting the fields that are present.
func (e *emitter) propertyCount(d *Decl) []jen.Code {
	body := []jen.Code{jen.Id("n").Op(":=").Len(jen.Id("v").Dot("AdditionalProperties"))}
	if d.Additional == nil {
		body[0] = jen.Id("n").Op(":=").Lit(0)
	}
	for _, f := range d.Fields {
		x := jen.Id("v").Dot(f.Name)
		var present jen.Code
		switch shapeOf(f) {
		case shapeNullable:
			present = jen.Add(x).Dot("IsSet").Call()
		case shapePointer:
			present = jen.Add(x).Op("!=").Nil()
		default:
			if f.Required || !isNilable(f.Type) {
				body = append(body, jen.Id("n").Op("++"))
				continue
			}
			present = jen.Add(x).Op("!=").Nil()
		}
		body = append(body, jen.If(present).Block(jen.Id("n").Op("++")))
	}
	s := d.Schema
	if s.MinProps > 0 {
		body = append(body, jen.If(jen.Id("n").Op("<").Lit(int(s.MinProps))).Block(
			jen.Id("e").Dot("Add").Call(jen.Id("ptr"), jen.Lit("must have at least "+plural(int(s.MinProps), "property")))))
	}
	if s.MaxProps != nil {
		body = append(body, jen.If(jen.Id("n").Op(">").Lit(int(*s.MaxProps))).Block(
			jen.Id("e").Dot("Add").Call(jen.Id("ptr"), jen.Lit("must have at most "+plural(int(*s.MaxProps), "property")))))
	}
	return body
}

func (e *emitter) unionChecks(d *Decl) []jen.Code {
	body := []jen.Code{jen.Id("n").Op(":=").Lit(0)}
	for _, v := range d.Variants {
		x := "v." + v.Name
		inner := append([]jen.Code{jen.Id("n").Op("++")}, e.site("(*"+x+")", v.Type, "ptr", 0)...)
		body = append(body, jen.If(jen.Id(x).Op("!=").Nil()).Block(inner...))
	}
	if !d.Nullable {
		body = append(body, jen.If(jen.Id("n").Op("==").Lit(0)).Block(
			jen.Id("e").Dot("Add").Call(jen.Id("ptr"), jen.Lit("must match one of its variants; none is set"))))
	}
	body = append(body, jen.If(jen.Id("n").Op(">").Lit(1)).Block(
		jen.Id("e").Dot("Add").Call(jen.Id("ptr"), jen.Lit("must hold one variant; several are set"))))
	return body
}

// needsValidate reports whether values of d can break a constraint.
func (e *emitter) needsValidate(d *Decl) bool {
	switch e.needs[d] {
	case 1, 3:
		return true // a cycle counts as needing it, which is always safe
	case 2:
		return false
	}
	e.needs[d] = 1
	var yes bool
	switch d.Kind {
	case DeclAlias:
		// An alias of an unnamed type, such as any, has no Validate method
		// to call. site checks its uses in place instead.
		yes = d.Underlying.Kind == RefNamed && e.needsValidate(d.Underlying.Decl)
	case DeclEnum, DeclUnion:
		yes = true
	case DeclDefined:
		yes = len(e.site("x", d.Underlying, "p", 0)) > 0
	case DeclStruct:
		yes = len(e.structChecks(d)) > 0
	}
	if yes {
		e.needs[d] = 3
	} else {
		e.needs[d] = 2
	}
	return yes
}

// site returns the checks for value expression x of type t, whose JSON
// pointer is the Go expression p. depth keeps loop variables apart.
func (e *emitter) site(x string, t *TypeRef, p string, depth int) []jen.Code {
	add := func(msg string) jen.Code {
		return jen.Id("e").Dot("Add").Call(jen.Id(p), jen.Lit(msg))
	}
	if (t.Kind == RefSlice || t.Kind == RefMap) && depth > 0 && depth%splitDepth == 0 {
		return e.nestedChecks(x, t, p)
	}
	s := t.Schema
	switch t.Kind {
	case RefNamed:
		if d := resolveAlias(t.Decl); d.Kind == DeclAlias && d.Underlying != nil {
			// An alias of an unnamed type, such as any, has no methods,
			// so its checks are made in place.
			return e.site(x, d.Underlying, p, depth)
		}
		if e.needsValidate(t.Decl) {
			return []jen.Code{jen.Id(x).Dot("validate").Call(jen.Id(p), jen.Id("e"), e.dirArg())}
		}
		return nil
	case RefAny:
		return anyChecks(x, s, add)
	case RefSlice:
		return e.sliceChecks(x, t, p, depth, add)
	case RefMap:
		return e.mapChecks(x, t, p, depth, add)
	}
	if s == nil {
		return nil
	}
	switch t.Builtin {
	case "string":
		return e.stringChecks(x, s, add)
	case "int32", "int64", "float32", "float64":
		return numberChecks(x, t.Builtin, s, add)
	case "bool":
		if c, ok := s.Const.(bool); ok {
			return []jen.Code{jen.If(jen.Id(x).Op("!=").Lit(c)).Block(add(fmt.Sprintf("must be %v", c)))}
		}
	}
	return nil
}

func anyChecks(x string, s *openapi3.Schema, add func(string) jen.Code) []jen.Code {
	if s == nil {
		return nil
	}
	var out []jen.Code
	if s.Const != nil {
		lit := jsonLiteral(s.Const)
		out = append(out, jen.If(jen.Op("!").Qual(oasPkg, "EqualJSON").Call(jen.Id(x), jen.Lit(lit))).Block(add("must be "+lit)))
	}
	if len(s.Enum) > 0 {
		// One condition, "!EqualJSON(x, a) && !EqualJSON(x, b) && ...": jen.If
		// would print several conditions as separate statements.
		cond := jen.Empty()
		var labels []string
		for i, v := range s.Enum {
			lit := jsonLiteral(v)
			labels = append(labels, lit)
			if i > 0 {
				cond.Op("&&")
			}
			cond.Op("!").Qual(oasPkg, "EqualJSON").Call(jen.Id(x), jen.Lit(lit))
		}
		out = append(out, jen.If(cond).Block(add("must be one of "+listLabels(labels))))
	}
	return out
}

// splitDepth is the depth of nested slices and maps at which site moves
// the checks of a value into a function of its own (see nestedChecks).
const splitDepth = 16

// nestedChecks returns a call of the function that checks value x of the
// slice or map type t, declaring that function the first time. Each such
// function goes splitDepth levels deep at most and calls the next one, so
// that nesting of any depth makes blocks no deeper than that. go vet fails
// with "exceeded max scope depth" on code much deeper (seen at about 330
// levels of slices), and deeper indentation grows with the square of the depth.
func (e *emitter) nestedChecks(x string, t *TypeRef, p string) []jen.Code {
	name, ok := e.nested[t]
	if !ok {
		// Inside the function, validate calls pass its dir parameter.
		var checks []jen.Code
		e.inDirection("", func() { checks = e.site("x", t, "ptr", 0) })
		if len(checks) > 0 {
			name = fmt.Sprintf("validateNested%d", len(e.nested)+1)
			e.pending = append(e.pending,
				jen.Commentf("%s checks x, a slice or map that others nest %d levels deep or more.", name, splitDepth),
				jen.Func().Id(name).Params(jen.Id("x").Add(typ(t)), jen.Id("ptr").String(), jen.Id("e").Op("*").Qual(oasPkg, "Errors"), jen.Id("dir").Qual(oasPkg, "Direction")).Block(checks...))
		}
		e.nested[t] = name
	}
	if name == "" {
		return nil
	}
	return []jen.Code{jen.Id(name).Call(jen.Id(x), jen.Id(p), jen.Id("e"), e.dirArg())}
}

// bindDepth is the depth of nested slices from which sliceChecks binds
// each item to a variable. Above it, items are spelled as index
// expressions such as v[i0][i1]; below it, those expressions would grow
// with every level and the code with the square of the depth.
const bindDepth = 2

func (e *emitter) sliceChecks(x string, t *TypeRef, p string, depth int, add func(string) jen.Code) []jen.Code {
	var out []jen.Code
	if s := t.Schema; s != nil {
		if s.MinItems > 0 {
			out = append(out, jen.If(jen.Len(jen.Id(x)).Op("<").Lit(int(s.MinItems))).Block(add("must have at least "+plural(int(s.MinItems), "item"))))
		}
		if s.MaxItems != nil {
			out = append(out, jen.If(jen.Len(jen.Id(x)).Op(">").Lit(int(*s.MaxItems))).Block(add("must have at most "+plural(int(*s.MaxItems), "item"))))
		}
		if s.UniqueItems {
			i, j := fmt.Sprintf("i%d", depth), fmt.Sprintf("j%d", depth)
			out = append(out, jen.If(jen.List(jen.Id(i), jen.Id(j)).Op(":=").Qual(oasPkg, "DuplicateOf").Call(jen.Id(x)), jen.Id(i).Op(">=").Lit(0)).Block(
				jen.Id("e").Dot("Add").Call(jen.Id(p), jen.Qual("fmt", "Sprintf").Call(jen.Lit("items %d and %d are equal; items must be unique"), jen.Id(i), jen.Id(j)))))
		}
	}
	idx := fmt.Sprintf("i%d", depth)
	elem := fmt.Sprintf("%s[%s]", x, idx)
	var bind jen.Code
	if depth >= bindDepth {
		v := fmt.Sprintf("x%d", depth)
		bind = jen.Id(v).Op(":=").Id(elem)
		elem = v
	}
	item := elem
	if t.ElemNullable && !isNilable(t.Elem) {
		item = "(*" + item + ")"
	}
	checks := e.site(item, t.Elem, fmt.Sprintf("oas.Index(%s, %s)", p, idx), depth+1)
	if len(checks) == 0 {
		return out
	}
	if skipsNil(t) {
		checks = []jen.Code{jen.If(jen.Id(elem).Op("!=").Nil()).Block(checks...)}
	}
	if bind != nil {
		checks = append([]jen.Code{bind}, checks...)
	}
	return append(out, jen.For(jen.Id(idx).Op(":=").Range().Id(x)).Block(checks...))
}

func (e *emitter) mapChecks(x string, t *TypeRef, p string, depth int, add func(string) jen.Code) []jen.Code {
	var out []jen.Code
	if s := t.Schema; s != nil {
		if s.MinProps > 0 {
			out = append(out, jen.If(jen.Len(jen.Id(x)).Op("<").Lit(int(s.MinProps))).Block(add("must have at least "+plural(int(s.MinProps), "property"))))
		}
		if s.MaxProps != nil {
			out = append(out, jen.If(jen.Len(jen.Id(x)).Op(">").Lit(int(*s.MaxProps))).Block(add("must have at most "+plural(int(*s.MaxProps), "property"))))
		}
	}
	return append(out, e.mapEntryChecks(x, t, p, depth)...)
}

// mapEntryChecks checks the values of map x of type t in the order of
// their keys, so that Validate lists their errors in a stable order.
// oas.SortedKeys allocates only for a map that has entries.
func (e *emitter) mapEntryChecks(x string, t *TypeRef, p string, depth int) []jen.Code {
	key, val := fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth)
	item := val
	if t.ElemNullable && !isNilable(t.Elem) {
		item = "(*" + val + ")"
	}
	checks := e.site(item, t.Elem, fmt.Sprintf("oas.Join(%s, %s)", p, key), depth+1)
	if len(checks) == 0 {
		return nil
	}
	if skipsNil(t) {
		checks = []jen.Code{jen.If(jen.Id(val).Op("!=").Nil()).Block(checks...)}
	}
	checks = append([]jen.Code{jen.Id(val).Op(":=").Id(x).Index(jen.Id(key))}, checks...)
	return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id(key)).Op(":=").Range().Qual(oasPkg, "SortedKeys").Call(jen.Id(x))).Block(checks...)}
}

// skipsNil reports whether the checks of the items or values of slice or
// map type t skip nil ones. nil is the null of a nullable item, and an
// item of type any is checked even when nil, because it is a JSON null
// that the schema's enum or const may reject.
func skipsNil(t *TypeRef) bool {
	if t.ElemNullable {
		return true
	}
	return isNilable(t.Elem) && underlyingType(t.Elem).Kind != RefAny
}

func (e *emitter) stringChecks(x string, s *openapi3.Schema, add func(string) jen.Code) []jen.Code {
	var out []jen.Code
	if c, ok := s.Const.(string); ok {
		out = append(out, jen.If(jen.Id(x).Op("!=").Lit(c)).Block(add("must be "+strconv.Quote(c))))
	}
	if vals := enumValues(s); len(vals) > 0 {
		var lits []jen.Code
		var labels []string
		for _, v := range vals {
			if str, ok := v.(string); ok {
				lits = append(lits, jen.Lit(str))
				labels = append(labels, str)
			}
		}
		if len(lits) > 0 {
			out = append(out, jen.Switch(jen.Id(x)).Block(jen.Case(lits...), jen.Default().Block(add("must be one of "+listLabels(labels)))))
		}
	}
	if s.MinLength > 0 || s.MaxLength != nil {
		// if n := oas.Length(x); n < min { ... } else if n > max { ... }
		var stmt *jen.Statement
		cond := func(c jen.Code, msg string) {
			if stmt == nil {
				stmt = jen.If(jen.Id("n").Op(":=").Qual(oasPkg, "Length").Call(jen.Id(x)), c).Block(add(msg))
				return
			}
			stmt = stmt.Else().If(c).Block(add(msg))
		}
		if s.MinLength > 0 {
			cond(jen.Id("n").Op("<").Lit(int(s.MinLength)), "must be at least "+plural(int(s.MinLength), "character")+" long")
		}
		if s.MaxLength != nil {
			cond(jen.Id("n").Op(">").Lit(int(*s.MaxLength)), "must be at most "+plural(int(*s.MaxLength), "character")+" long")
		}
		out = append(out, stmt)
	}
	if s.Pattern != "" {
		if v := e.patternVar(s.Pattern); v != "" {
			out = append(out, jen.If(jen.Op("!").Id(v).Dot("MatchString").Call(jen.Id(x))).Block(add("must match the pattern "+s.Pattern)))
		}
	}
	switch s.Format {
	case "email", "uuid", "uri", "url", "uri-reference", "ipv4", "ipv6", "hostname", "time", "date-time", "date":
		out = append(out, jen.If(jen.Op("!").Qual(oasPkg, "CheckFormat").Call(jen.Lit(s.Format), jen.Id(x))).Block(add("must be a valid "+s.Format)))
	}
	return out
}

func (e *emitter) patternVar(src string) string {
	for _, p := range e.model.Patterns {
		if p.Source == src {
			return p.Var
		}
	}
	return ""
}

func numberChecks(x, builtin string, s *openapi3.Schema, add func(string) jen.Code) []jen.Code {
	var out []jen.Code
	f := func(v float64) jen.Code {
		if builtin == "int32" || builtin == "int64" {
			if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				return jen.Lit(int(v))
			}
			return jen.Lit(v)
		}
		return jen.Lit(v)
	}
	val := jen.Id(x)
	if builtin == "int32" || builtin == "int64" {
		needFloat := false
		for _, b := range []*float64{s.Min, s.Max, s.ExclusiveMin.Value, s.ExclusiveMax.Value} {
			if b != nil && *b != math.Trunc(*b) {
				needFloat = true
			}
		}
		if needFloat || s.MultipleOf != nil {
			val = jen.Float64().Call(jen.Id(x))
		}
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	switch builtin {
	case "int32":
		lo, hi = math.MinInt32, math.MaxInt32
	case "int64":
		lo, hi = -(1 << 63), 1<<63-1024 // the largest float64 below 2^63
	}
	bound := func(b *float64, exclusive bool, lower bool) {
		if b == nil {
			return
		}
		if lower && *b <= lo || !lower && *b >= hi {
			return // no value of the Go type can break it
		}
		if *b > hi || *b < lo {
			val = jen.Float64().Call(jen.Id(x))
		}
		op, word := "<", "at least"
		if exclusive {
			op, word = "<=", "greater than"
		}
		if !lower {
			op, word = ">", "at most"
			if exclusive {
				op, word = ">=", "less than"
			}
		}
		out = append(out, jen.If(jen.Add(val).Op(op).Add(f(*b))).Block(add(fmt.Sprintf("must be %s %s", word, formatNumber(*b)))))
	}
	bound(s.Min, s.ExclusiveMin.IsTrue(), true)
	bound(s.ExclusiveMin.Value, true, true)
	bound(s.Max, s.ExclusiveMax.IsTrue(), false)
	bound(s.ExclusiveMax.Value, true, false)
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		out = append(out, jen.If(jen.Op("!").Qual(oasPkg, "MultipleOf").Call(jen.Float64().Call(jen.Id(x)), jen.Lit(*s.MultipleOf))).Block(add("must be a multiple of "+formatNumber(*s.MultipleOf))))
	}
	if c, ok := s.Const.(float64); ok {
		out = append(out, jen.If(jen.Float64().Call(jen.Id(x)).Op("!=").Lit(c)).Block(add("must be "+formatNumber(c))))
	}
	return out
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func jsonLiteral(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// plural spells a count with its noun, such as "1 item" or "3 items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
