package generator

import (
	"github.com/dave/jennifer/jen"
)

// Structs whose schema gives optional properties a default get a method
//
//	func (v *T) SetDefaults()
//
// that sets each such property that is absent to its default, and calls
// SetDefaults on nested structs. Servers do not call it on request bodies
// themselves: in a partial update an absent member means "leave it", so
// the handler decides. Defaults of arrays and objects are not applied.

// defaultsStatements returns the body of SetDefaults for d, or nil when d
// has nothing to apply.
func (e *emitter) defaultsStatements(d *Decl) []jen.Code {
	var body []jen.Code
	for _, f := range d.Fields {
		x := "v." + f.Name
		if !f.Required && f.Default != nil {
			if lit, ok := defaultLiteral(f); ok {
				switch shapeOf(f) {
				case shapePointer:
					body = append(body, jen.If(jen.Id(x).Op("==").Nil()).Block(
						jen.Id("d").Op(":=").Add(lit),
						jen.Id(x).Op("=").Op("&").Id("d"),
					))
					continue
				case shapeNullable:
					body = append(body, jen.If(jen.Op("!").Id(x).Dot("IsSet").Call()).Block(
						jen.Id(x).Dot("Set").Call(lit),
					))
					continue
				}
			}
		}
		body = append(body, e.nestedDefaults(x, f)...)
	}
	return body
}

// nestedDefaults calls SetDefaults on the struct values that field f holds
// directly or as the items of a slice.
func (e *emitter) nestedDefaults(x string, f *Field) []jen.Code {
	t := f.Type
	switch {
	case t.Kind == RefNamed && e.hasDefaults(t.Decl):
		if shapeOf(f) == shapePointer {
			return []jen.Code{jen.If(jen.Id(x).Op("!=").Nil()).Block(jen.Id(x).Dot("SetDefaults").Call())}
		}
		if shapeOf(f) == shapeValue {
			return []jen.Code{jen.Id(x).Dot("SetDefaults").Call()}
		}
		if shapeOf(f) == shapeNullable {
			// Get returns a copy, which goes back with Set.
			return []jen.Code{jen.If(jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id(x).Dot("Get").Call(), jen.Id("ok")).Block(
				jen.Id("x").Dot("SetDefaults").Call(),
				jen.Id(x).Dot("Set").Call(jen.Id("x")),
			)}
		}
	case t.Kind == RefSlice && t.Elem.Kind == RefNamed && e.hasDefaults(t.Elem.Decl) && shapeOf(f) == shapeValue:
		call := jen.Id(x).Index(jen.Id("i")).Dot("SetDefaults").Call()
		if t.ElemNullable {
			call = jen.If(jen.Id(x).Index(jen.Id("i")).Op("!=").Nil()).Block(call)
		}
		return []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Id(x)).Block(call)}
	}
	return nil
}

// hasDefaults reports whether struct d gets a SetDefaults method. A cycle
// counts as having one until it is known, which only costs an empty call.
func (e *emitter) hasDefaults(d *Decl) bool {
	d = resolveAlias(d)
	if d.Kind != DeclStruct {
		return false
	}
	if e.defaults == nil {
		e.defaults = map[*Decl]int{}
	}
	switch e.defaults[d] {
	case 1, 3:
		return true
	case 2:
		return false
	}
	e.defaults[d] = 1
	yes := len(e.defaultsStatements(d)) > 0
	e.defaults[d] = 2
	if yes {
		e.defaults[d] = 3
	}
	return yes
}

// defaultsMethod writes SetDefaults for struct d when it has defaults to
// apply.
func (e *emitter) defaultsMethod(f *jen.File, d *Decl) {
	if !e.hasDefaults(d) {
		return
	}
	f.Line()
	f.Comment("SetDefaults sets each absent property that has a default in the schema to")
	f.Comment("that default, in v and in the structs it contains. Call it where absent")
	f.Comment("members mean the defaults, such as on a create request; in a partial")
	f.Comment("update they mean no change.")
	f.Func().Params(jen.Id("v").Op("*").Id(d.Name)).Id("SetDefaults").Params().Block(e.defaultsStatements(d)...)
}

// defaultLiteral returns the Go value of field f's default, typed as the
// field's value type, when the default is a string, number or boolean
// that the type holds.
func defaultLiteral(f *Field) (jen.Code, bool) {
	kind := scalarKind(f.Type)
	if kind == "" {
		return nil, false
	}
	lit, ok := scalarLiteral(f.Default, kind)
	if !ok {
		return nil, false
	}
	if f.Type.Kind != RefBuiltin {
		return typ(f.Type).Call(lit), true
	}
	switch kind {
	case "string", "bool":
		return lit, true
	}
	return jen.Id(kind).Call(lit), true
}
