package generator

import (
	"fmt"
	"slices"

	"github.com/dave/jennifer/jen"
)

// flow is the way a JSON body travels, which decides the properties that
// its encoding leaves out.
type flow int

const (
	// requestFlow is a request body that a client sends. It leaves out
	// readOnly properties.
	requestFlow flow = iota
	// responseFlow is a response body that a server writes. It leaves out
	// writeOnly properties.
	responseFlow
)

// method names the generated method that returns a value in the form it
// takes in fl.
func (fl flow) method() string {
	if fl == requestFlow {
		return "requestJSON"
	}
	return "responseJSON"
}

// omits reports whether bodies that travel in fl leave out f. A property
// marked both readOnly and writeOnly travels both ways, as validation
// treats it.
func (fl flow) omits(f *Field) bool {
	if fl == requestFlow {
		return f.ReadOnly && !f.WriteOnly
	}
	return f.WriteOnly && !f.ReadOnly
}

// declOmits reports whether encoding a value of d in fl leaves out some
// property, of d itself or of a value that d contains at any depth.
func (e *emitter) declOmits(d *Decl, fl flow) bool {
	if e.omitting[fl] == nil {
		e.omitting[fl] = e.findOmitting(fl)
	}
	return e.omitting[fl][d]
}

// typeOmits is declOmits for the named type that t is or contains.
func (e *emitter) typeOmits(t *TypeRef, fl flow) bool {
	for t != nil {
		if t.Kind == RefNamed {
			return e.declOmits(t.Decl, fl)
		}
		t = t.Elem
	}
	return false
}

// findOmitting returns the declarations for which declOmits is true. It
// marks the structs that declare a property that fl leaves out, then every
// declaration that refers to a marked one, following references
// backwards. Unlike the memo of needsValidate, which counts a cycle as a
// yes, this keeps recursive types that omit nothing off the slower path.
func (e *emitter) findOmitting(fl flow) map[*Decl]bool {
	users := map[*Decl][]*Decl{}
	marked := map[*Decl]bool{}
	var queue []*Decl
	for _, d := range e.model.Decls {
		for _, r := range declRefs(d) {
			users[r] = append(users[r], d)
		}
		if d.Kind == DeclStruct && slices.ContainsFunc(d.Fields, fl.omits) {
			marked[d] = true
			queue = append(queue, d)
		}
	}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, u := range users[d] {
			if !marked[u] {
				marked[u] = true
				queue = append(queue, u)
			}
		}
	}
	return marked
}

// declRefs returns the declarations that the fields, additional
// properties, variants or underlying type of d name, directly or as the
// items of slices and maps.
func declRefs(d *Decl) []*Decl {
	var out []*Decl
	add := func(t *TypeRef) {
		for t != nil {
			if t.Kind == RefNamed {
				out = append(out, t.Decl)
				return
			}
			t = t.Elem
		}
	}
	for _, f := range d.Fields {
		add(f.Type)
	}
	add(d.Additional)
	for _, v := range d.Variants {
		add(v.Type)
	}
	add(d.Underlying)
	return out
}

// encoders writes the requestJSON or responseJSON method of every
// declaration that the operations' bodies in fl reach and for which
// declOmits is true.
func (e *emitter) encoders(f *jen.File, fl flow) {
	reached := e.bodyEncoders(fl)
	for _, d := range e.model.Decls {
		if !reached[d] {
			continue
		}
		var body []jen.Code
		switch d.Kind {
		case DeclStruct:
			body = e.structEncoder(d, fl)
		case DeclUnion:
			body = e.unionEncoder(d, fl)
		case DeclDefined:
			body = e.definedEncoder(d, fl)
		default:
			// An alias has the methods of the type it names, or none when
			// it names an unnamed type, whose uses encoded spells out.
			continue
		}
		f.Add(doc("", encoderDoc(d, fl))...)
		f.Func().Params(receiver(d)).Id(fl.method()).Params().Any().Block(body...)
		f.Line()
	}
}

// bodyEncoders returns the declarations whose encoder methods the JSON
// bodies of the operations in fl call, directly or through other encoder
// methods.
func (e *emitter) bodyEncoders(fl flow) map[*Decl]bool {
	var stack []*Decl
	push := func(t *TypeRef) {
		for t != nil {
			if t.Kind == RefNamed {
				stack = append(stack, t.Decl)
				return
			}
			t = t.Elem
		}
	}
	for _, o := range e.model.Operations {
		if fl == requestFlow && o.Body != nil {
			for _, c := range o.Body.Contents {
				push(c.Type)
			}
		}
		if fl == responseFlow {
			for _, r := range o.Responses {
				for _, c := range r.Contents {
					push(c.Type)
				}
			}
		}
	}
	reached := map[*Decl]bool{}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reached[d] || !e.declOmits(d, fl) {
			continue
		}
		reached[d] = true
		stack = append(stack, declRefs(d)...)
	}
	return reached
}

// encoderDoc documents the requestJSON or responseJSON method of d.
func encoderDoc(d *Decl, fl flow) string {
	use, kind := "the generated client sends it in a request body", "readOnly"
	if fl == responseFlow {
		use, kind = "the generated server writes it in a response body", "writeOnly"
	}
	text := fmt.Sprintf("%s returns v as %s: a value whose JSON encoding leaves out the %s properties "+
		"of v and of the values it contains, required ones included, and is otherwise that of v.", fl.method(), use, kind)
	return text + " It does not change v, but the value it returns shares v's memory, so encode it before changing v."
}

// structEncoder returns the body of a struct's encoder method. It builds an
// anonymous struct with the fields that fl keeps, in order and with their
// tags. A field whose value omits properties becomes an any that holds the
// value's encoder.
func (e *emitter) structEncoder(d *Decl, fl flow) []jen.Code {
	var fields, omitted, sets []jen.Code
	values := jen.Dict{}
	for _, fd := range d.Fields {
		switch {
		case fl.omits(fd):
			omitted = append(omitted, jen.Lit(fd.JSONName))
		case e.typeOmits(fd.Type, fl):
			tag := fd.JSONName
			if !fd.Required {
				// A nil any is left out like the absent value it
				// replaces. A required field is always written, nil as null.
				tag += ",omitempty"
			}
			fields = append(fields, jen.Id(fd.Name).Any().Tag(map[string]string{"json": tag}))
			sets = append(sets, e.setEncoded(fd, fl))
		default:
			fields = append(fields, jen.Id(fd.Name).Add(fieldType(fd)).Tag(map[string]string{"json": fieldTag(fd)}))
			values[jen.Id(fd.Name)] = jen.Id("v").Dot(fd.Name)
		}
	}
	out := jen.Op("&").Struct(fields...).Values(values)
	if len(sets) == 0 && d.Additional == nil {
		return []jen.Code{jen.Return(out)}
	}
	body := append([]jen.Code{jen.Id("out").Op(":=").Add(out)}, sets...)
	if d.Additional == nil {
		return append(body, jen.Return(jen.Id("out")))
	}

	extra := jen.Id("v").Dot("AdditionalProperties")
	if e.typeOmits(d.Additional, fl) {
		body = append(body, e.encodedAdditional(d, fl)...)
		extra = jen.Id("extra")
	}
	if len(omitted) > 0 {
		// A member of AdditionalProperties named like an omitted property
		// would put it back.
		extra = jen.Qual(oasPkg, "Without").Call(append([]jen.Code{extra}, omitted...)...)
	}
	marshal := jen.Func().Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Qual(oasPkg, "MarshalAdditional").Call(jen.Id("out"), extra)),
	)
	return append(body, jen.Return(jen.Qual(oasPkg, "MarshalFunc").Call(marshal)))
}

// setEncoded returns the statement that stores in out the encoder of the
// value of field fd, when the struct writes that value at all.
func (e *emitter) setEncoded(fd *Field, fl flow) jen.Code {
	x := jen.Id("v").Dot(fd.Name)
	set := func(value jen.Code) *jen.Statement { return jen.Id("out").Dot(fd.Name).Op("=").Add(value) }
	switch shapeOf(fd) {
	case shapePointer:
		return jen.If(jen.Add(x).Op("!=").Nil()).Block(set(e.encoded(x, true, fd.Type, fl, 0)))
	case shapeNullable:
		return jen.If(jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Add(x).Dot("Get").Call(), jen.Id("ok")).Block(
			set(e.encoded(jen.Id("x"), false, fd.Type, fl, 0)),
		).Else().If(jen.Add(x).Dot("IsNull").Call()).Block(
			set(jen.Qual("encoding/json", "RawMessage").Call(jen.Lit("null"))),
		)
	}
	if isNilable(fd.Type) {
		return jen.If(jen.Add(x).Op("!=").Nil()).Block(set(e.encoded(x, false, fd.Type, fl, 0)))
	}
	return set(e.encoded(x, false, fd.Type, fl, 0))
}

// encodedAdditional returns the statements that build extra, the
// encoders of a struct's additional properties.
func (e *emitter) encodedAdditional(d *Decl, fl flow) []jen.Code {
	var value []jen.Code
	if d.AdditionalNullable && !isNilable(d.Additional) {
		value = []jen.Code{
			jen.If(jen.Id("x").Op("==").Nil()).Block(jen.Id("extra").Index(jen.Id("k")).Op("=").Nil(), jen.Continue()),
			jen.Id("extra").Index(jen.Id("k")).Op("=").Add(e.encoded(jen.Id("x"), true, d.Additional, fl, 0)),
		}
	} else {
		value = []jen.Code{jen.Id("extra").Index(jen.Id("k")).Op("=").Add(e.encoded(jen.Id("x"), false, d.Additional, fl, 0))}
	}
	return []jen.Code{
		jen.Id("extra").Op(":=").Make(jen.Map(jen.String()).Any(), jen.Len(jen.Id("v").Dot("AdditionalProperties"))),
		jen.For(jen.List(jen.Id("k"), jen.Id("x")).Op(":=").Range().Id("v").Dot("AdditionalProperties")).Block(value...),
	}
}

// unionEncoder returns the body of a union's encoder method, which
// returns the encoder of the variant that is set, or nil, which encodes
// as null, as MarshalJSON does.
func (e *emitter) unionEncoder(d *Decl, fl flow) []jen.Code {
	var cases []jen.Code
	for _, v := range d.Variants {
		x := jen.Id("v").Dot(v.Name)
		value := jen.Code(x)
		if e.typeOmits(v.Type, fl) {
			value = e.encoded(x, true, v.Type, fl, 0)
		}
		cases = append(cases, jen.Case(jen.Id("v").Dot(v.Name).Op("!=").Nil()).Block(jen.Return(value)))
	}
	return []jen.Code{jen.Switch().Block(cases...), jen.Return(jen.Nil())}
}

// definedEncoder returns the body of the encoder method of a defined
// type, which encodes its value as the underlying type.
func (e *emitter) definedEncoder(d *Decl, fl flow) []jen.Code {
	if d.Underlying.Kind != RefNamed {
		return []jen.Code{jen.Return(e.encoded(jen.Id("v"), false, d.Underlying, fl, 0))}
	}
	// A conversion is not addressable, so it is stored first for the
	// pointer receiver of a struct's encoder.
	return []jen.Code{
		jen.Id("x").Op(":=").Add(typ(d.Underlying)).Call(jen.Id("v")),
		jen.Return(e.encoded(jen.Id("x"), false, d.Underlying, fl, 0)),
	}
}

// encoded returns an expression whose JSON encoding is that of x, a value
// of type t, without the properties that fl leaves out. x is addressable,
// or, when ptr is set, a pointer to the value that is not nil. depth
// numbers the parameters of nested item functions.
//
// NOTE: slices nested hundreds of levels deep give functions nested as
// deep, which go vet rejects ("exceeded max scope depth"). Validation
// splits such nesting (see nestedChecks); encoders do not yet.
func (e *emitter) encoded(x *jen.Statement, ptr bool, t *TypeRef, fl flow, depth int) *jen.Statement {
	switch t.Kind {
	case RefNamed:
		if d := resolveAlias(t.Decl); d.Kind == DeclAlias && d.Underlying != nil {
			return e.encoded(x, ptr, d.Underlying, fl, depth)
		}
		return jen.Add(x).Dot(fl.method()).Call()
	case RefSlice, RefMap:
		if ptr {
			x = jen.Op("*").Add(x)
		}
		helper := "Array"
		if t.Kind == RefMap {
			helper = "Map"
		}
		return jen.Qual(oasPkg, helper).Call(x, e.itemEncoder(t, fl, depth))
	}
	return x
}

// itemEncoder returns the function that oas.Array or oas.Map calls with a
// pointer to each item or value of t: a method expression for items of a
// named type, else a function literal.
func (e *emitter) itemEncoder(t *TypeRef, fl flow, depth int) jen.Code {
	elem := t.Elem
	nullable := t.ElemNullable && !isNilable(elem)
	if elem.Kind == RefNamed && !nullable {
		if d := resolveAlias(elem.Decl); d.Kind != DeclAlias {
			return jen.Parens(jen.Op("*").Add(typ(elem))).Dot(fl.method())
		}
	}
	p := fmt.Sprintf("x%d", depth+1)
	var body []jen.Code
	if nullable {
		// The item is a pointer, nil for null.
		body = append(body,
			jen.If(jen.Op("*").Id(p).Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.Return(e.encoded(jen.Parens(jen.Op("*").Id(p)), true, elem, fl, depth+1)),
		)
	} else {
		body = append(body, jen.Return(e.encoded(jen.Id(p), true, elem, fl, depth+1)))
	}
	return jen.Func().Params(jen.Id(p).Op("*").Add(elemType(t))).Any().Block(body...)
}
