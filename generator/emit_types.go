package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// models writes one declaration per Decl, with the JSON methods it needs.
func (e *emitter) models(f *jen.File) {
	for _, d := range e.model.Decls {
		switch d.Kind {
		case DeclStruct:
			e.structDecl(f, d)
		case DeclEnum:
			e.enumDecl(f, d)
		case DeclDefined:
			f.Add(declDoc(d)...)
			f.Type().Id(d.Name).Add(typ(d.Underlying))
		case DeclAlias:
			f.Add(declDoc(d)...)
			f.Type().Id(d.Name).Op("=").Add(typ(d.Underlying))
		case DeclUnion:
			e.unionDecl(f, d)
		}
		f.Line()
	}
}

func objectVar(d *Decl) string { return lowerName(d.Name) + "Object" }

// needsObject reports whether a struct tracks absent required properties
// or unknown members of a closed object while decoding.
func needsObject(d *Decl) bool {
	if d.Closed || d.Additional != nil {
		return true
	}
	for _, f := range d.Fields {
		if f.Required {
			return true
		}
	}
	return false
}

func (e *emitter) structDecl(f *jen.File, d *Decl) {
	f.Add(declDoc(d)...)
	var fields []jen.Code
	for _, fl := range d.Fields {
		fields = append(fields, doc("", fieldDoc(fl))...)
		fields = append(fields, jen.Id(fl.Name).Add(fieldType(fl)).Tag(map[string]string{"json": fieldTag(fl)}))
	}
	if d.Additional != nil {
		fields = append(fields, jen.Comment("AdditionalProperties holds the properties that the schema does not list."))
		fields = append(fields, jen.Id("AdditionalProperties").Map(jen.String()).Add(typ(d.Additional)).Tag(map[string]string{"json": "-"}))
	}
	if needsObject(d) {
		fields = append(fields, jen.Line(), jen.Id("missing").Index().Int(), jen.Id("unknown").String())
	}
	f.Type().Id(d.Name).Struct(fields...)
	if !needsObject(d) {
		return
	}

	var keys, required []jen.Code
	for i, fl := range d.Fields {
		keys = append(keys, jen.Lit(fl.JSONName))
		if fl.Required {
			required = append(required, jen.Lit(i))
		}
	}
	f.Line()
	f.Var().Id(objectVar(d)).Op("=").Qual(oasPkg, "NewObject").Call(
		jen.Index().String().Values(keys...),
		jen.Index().Int().Values(required...),
		jen.Lit(d.Closed),
	)

	f.Line()
	f.Comment("UnmarshalJSON decodes v and records which required properties were absent.")
	body := []jen.Code{
		jen.Type().Id("plain").Id(d.Name),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Parens(jen.Op("*").Id("plain")).Call(jen.Id("v"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.List(jen.Id("v").Dot("missing"), jen.Id("v").Dot("unknown")).Op("=").Id(objectVar(d)).Dot("Scan").Call(jen.Id("data")),
	}
	if d.Additional != nil {
		body = append(body,
			jen.List(jen.Id("extra"), jen.Err()).Op(":=").Qual(oasPkg, "Additional").Types(typ(d.Additional)).Call(jen.Id("data"), jen.Id(objectVar(d))),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("v").Dot("AdditionalProperties").Op("=").Id("extra"),
		)
	}
	body = append(body, jen.Return(jen.Nil()))
	f.Func().Params(jen.Id("v").Op("*").Id(d.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(body...)

	if d.Additional != nil {
		f.Line()
		f.Comment("MarshalJSON encodes v with its additional properties.")
		f.Func().Params(jen.Id("v").Id(d.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Type().Id("plain").Id(d.Name),
			jen.Return(jen.Qual(oasPkg, "MarshalAdditional").Call(jen.Id("plain").Call(jen.Id("v")), jen.Id("v").Dot("AdditionalProperties"))),
		)
	}
}

func fieldDoc(f *Field) string {
	var parts []string
	if f.Doc != "" {
		parts = append(parts, f.Doc)
	}
	if f.ReadOnly {
		parts = append(parts, "Read-only: servers send it, clients should not.")
	}
	if f.WriteOnly {
		parts = append(parts, "Write-only: clients send it, servers do not return it.")
	}
	if f.Default != nil {
		parts = append(parts, fmt.Sprintf("Default: %s.", jsonLiteral(f.Default)))
	}
	return strings.Join(parts, "\n")
}

func (e *emitter) enumDecl(f *jen.File, d *Decl) {
	f.Add(declDoc(d)...)
	f.Type().Id(d.Name).Add(typ(d.Base))
	if len(d.Values) == 0 {
		return
	}
	var consts []jen.Code
	for _, v := range d.Values {
		consts = append(consts, jen.Id(v.Name).Id(d.Name).Op("=").Add(enumLit(d.Base, v.Value)))
	}
	f.Line()
	f.Const().Defs(consts...)
}

// enumLit spells an enum value as a constant of the base type.
func enumLit(base *TypeRef, v any) jen.Code {
	switch base.Builtin {
	case "string":
		return jen.Lit(v.(string))
	case "bool":
		return jen.Lit(v.(bool))
	case "float32", "float64":
		return jen.Lit(v.(float64))
	}
	return jen.Lit(int(v.(float64)))
}

func (e *emitter) unionDecl(f *jen.File, d *Decl) {
	text := d.Doc
	kind := "anyOf"
	if d.OneOf {
		kind = "oneOf"
	}
	note := fmt.Sprintf("It holds one of its variants (%s); set exactly one field.", kind)
	if d.Nullable {
		note += " With none set it encodes as null."
	}
	if text == "" {
		text = fmt.Sprintf("%s is generated from the schema at %s.", d.Name, d.Pointer)
		f.Add(doc("", text+"\n"+note)...)
	} else {
		f.Add(doc(d.Name, text+"\n"+note)...)
	}
	var fields []jen.Code
	for _, v := range d.Variants {
		fields = append(fields, jen.Id(v.Name).Op("*").Add(typ(v.Type)))
	}
	f.Type().Id(d.Name).Struct(fields...)

	f.Line()
	f.Comment("MarshalJSON encodes the variant that is set.")
	var cases []jen.Code
	for _, v := range d.Variants {
		cases = append(cases, jen.Case(jen.Id("u").Dot(v.Name).Op("!=").Nil()).Block(
			jen.Return(jen.Qual("encoding/json", "Marshal").Call(jen.Id("u").Dot(v.Name)))))
	}
	f.Func().Params(jen.Id("u").Id(d.Name)).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Switch().Block(cases...),
		jen.Return(jen.Index().Byte().Call(jen.Lit("null")), jen.Nil()),
	)

	f.Line()
	f.Comment("UnmarshalJSON decodes data into the variant it matches.")
	f.Func().Params(jen.Id("u").Op("*").Id(d.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		e.unionDecode(d)...,
	)
}

// unionDecode picks the variant for a JSON value: by discriminator when
// there is one, else by the value's JSON type, else by trying each
// variant of that type in order and keeping the first that decodes and
// validates (or, failing that, the first that decodes, so that Validate
// reports why it does not match).
func (e *emitter) unionDecode(d *Decl) []jen.Code {
	body := []jen.Code{
		jen.Op("*").Id("u").Op("=").Id(d.Name).Values(),
		jen.Id("kind").Op(":=").Qual(oasPkg, "Kind").Call(jen.Id("data")),
		jen.If(jen.Id("kind").Op("==").Lit("null")).Block(jen.Return(jen.Nil())),
	}
	if d.Discriminator != "" {
		var cases []jen.Code
		for _, v := range d.Variants {
			if len(v.Tags) == 0 {
				continue
			}
			var tags []jen.Code
			for _, t := range v.Tags {
				tags = append(tags, jen.Lit(t))
			}
			cases = append(cases, jen.Case(tags...).Block(
				jen.Id("u").Dot(v.Name).Op("=").New(typ(v.Type)),
				jen.Return(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("u").Dot(v.Name))),
			))
		}
		if len(cases) > 0 {
			body = append(body,
				jen.If(jen.List(jen.Id("tag"), jen.Id("ok")).Op(":=").Qual(oasPkg, "Member").Call(jen.Id("data"), jen.Lit(d.Discriminator)), jen.Id("ok")).Block(
					jen.Switch(jen.Id("tag")).Block(cases...),
				))
		}
	}
	body = append(body, jen.Var().Id("first").Func().Params())
	for _, v := range d.Variants {
		body = append(body, e.tryVariant(d, v))
	}
	body = append(body,
		jen.If(jen.Id("first").Op("!=").Nil()).Block(jen.Id("first").Call(), jen.Return(jen.Nil())),
		jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("a JSON %%s matches no variant of %s", d.Name)), jen.Id("kind"))),
	)
	return body
}

func (e *emitter) tryVariant(d *Decl, v *Variant) jen.Code {
	cond := jen.Id("kind").Op("==").Lit(v.JSONKind)
	switch v.JSONKind {
	case "any":
		cond = jen.True()
	case "integer":
		cond = jen.Id("kind").Op("==").Lit("number").Op("&&").Qual(oasPkg, "IsInteger").Call(jen.Id("data"))
	}
	check := e.validCall("x", v.Type)
	return jen.If(cond).Block(
		jen.Id("x").Op(":=").New(typ(v.Type)),
		jen.If(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("x")).Op("==").Nil()).Block(
			jen.If(check).Block(jen.Id("u").Dot(v.Name).Op("=").Id("x"), jen.Return(jen.Nil())),
			jen.If(jen.Id("first").Op("==").Nil()).Block(
				jen.Id("first").Op("=").Func().Params().Block(jen.Id("u").Dot(v.Name).Op("=").Id("x")),
			),
		),
	)
}

// validCall returns an expression that is true when the value that the
// pointer variable x points to passes validation.
func (e *emitter) validCall(x string, t *TypeRef) jen.Code {
	if t.Kind == RefNamed && e.needsValidate(t.Decl) {
		return jen.Id(x).Dot("Validate").Call().Op("==").Nil()
	}
	checks := e.site("(*"+x+")", t, `""`, 0)
	if len(checks) == 0 {
		return jen.True()
	}
	body := append([]jen.Code{jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors"))}, checks...)
	body = append(body, jen.Return(jen.Len(jen.Op("*").Id("e")).Op("==").Lit(0)))
	return jen.Func().Params().Bool().Block(body...).Call()
}
