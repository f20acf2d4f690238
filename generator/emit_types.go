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
			e.defaultsMethod(f, d)
		case DeclEnum:
			e.enumDecl(f, d)
		case DeclDefined:
			f.Add(typeDoc(d)...)
			f.Type().Id(d.Name).Add(typ(d.Underlying))
		case DeclAlias:
			f.Add(typeDoc(d)...)
			f.Type().Id(d.Name).Op("=").Add(typ(d.Underlying))
		case DeclUnion:
			e.unionDecl(f, d)
		}
		f.Line()
	}
}

// typeDoc documents a declaration like declDoc and, for a type that cannot
// hold the null that its schema accepts, names the Go value for null.
func typeDoc(d *Decl) []jen.Code {
	if !d.Nullable || d.Kind == DeclUnion {
		return declDoc(d)
	}
	name, text := d.Name, d.Doc
	if text == "" {
		name, text = "", fmt.Sprintf("%s is generated from the schema at %s.", d.Name, sanitizeLine(docPointer(d.Pointer)))
	}
	if isNilable(&TypeRef{Kind: RefNamed, Decl: d}) {
		text += "\nThe schema also accepts null, which a nil " + d.Name + " represents."
	} else {
		text += fmt.Sprintf("\nThe schema also accepts null, which a nil *%s or a null oas.Nullable[%s] represents.", d.Name, d.Name)
	}
	return doc(name, text)
}

func objectVar(d *Decl) string { return lowerName(d.Name) + "Object" }

// additionalType returns the value type of a struct's AdditionalProperties.
func additionalType(d *Decl) *jen.Statement {
	if d.AdditionalNullable && !isNilable(d.Additional) {
		return jen.Op("*").Add(typ(d.Additional))
	}
	return typ(d.Additional)
}

// rejectsNull reports whether Object.Scan must report a null value of f.
// After a null, a field that is not nullable holds its zero value or nil,
// which Validate cannot tell from a value that was sent or from an absent
// property. A field of type any holds null as nil, which is valid unless
// the schema lists its values.
func rejectsNull(f *Field) bool {
	if f.Nullable {
		return false
	}
	t := underlyingType(f.Type)
	if t.Kind != RefAny {
		return true
	}
	s := t.Schema
	return s != nil && (s.Const != nil || len(s.Enum) > 0 && !isNullable(s))
}

// needsObject reports whether a struct tracks absent required properties
// or unknown members of a closed object while decoding.
//
// Every struct with properties scans, because encoding/json matches member
// names without regard to case and only the scan catches a member that
// differs from a property in case alone.
func needsObject(d *Decl) bool {
	return d.Closed || d.Additional != nil || len(d.Fields) > 0
}

func (e *emitter) structDecl(f *jen.File, d *Decl) {
	f.Add(typeDoc(d)...)
	var fields []jen.Code
	for _, fl := range d.Fields {
		fields = append(fields, doc("", fieldDoc(fl))...)
		fields = append(fields, jen.Id(fl.Name).Add(fieldType(fl)).Tag(map[string]string{"json": fieldTag(fl)}))
	}
	if d.Additional != nil {
		fields = append(fields, jen.Comment("AdditionalProperties holds the properties that the schema does not list."))
		fields = append(fields, jen.Id("AdditionalProperties").Map(jen.String()).Add(additionalType(d)).Tag(map[string]string{"json": "-"}))
	}
	if needsObject(d) {
		fields = append(fields, jen.Line(), jen.Id("scan").Qual(oasPkg, "ScanResult"))
	}
	f.Type().Id(d.Name).Struct(fields...)
	if !needsObject(d) {
		return
	}

	var keys, required, notNull, readOnly, writeOnly []jen.Code
	for i, fl := range d.Fields {
		keys = append(keys, jen.Lit(fl.JSONName))
		if fl.Required {
			required = append(required, jen.Lit(i))
		}
		if rejectsNull(fl) {
			notNull = append(notNull, jen.Lit(i))
		}
		if fl.ReadOnly {
			readOnly = append(readOnly, jen.Lit(i))
		}
		if fl.WriteOnly {
			writeOnly = append(writeOnly, jen.Lit(i))
		}
	}
	f.Line()
	object := jen.Qual(oasPkg, "NewObject").Call(
		jen.Index().String().Values(keys...),
		jen.Index().Int().Values(required...),
		jen.Index().Int().Values(notNull...),
		jen.Lit(d.Closed),
	)
	if len(readOnly) > 0 || len(writeOnly) > 0 {
		object = object.Dot("WithAccess").Call(jen.Index().Int().Values(readOnly...), jen.Index().Int().Values(writeOnly...))
	}
	f.Var().Id(objectVar(d)).Op("=").Add(object)

	f.Line()
	f.Comment("UnmarshalJSON decodes v and records the problems with its members that Validate reports.")
	body := []jen.Code{
		jen.Type().Id("plain").Id(d.Name),
		jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Parens(jen.Op("*").Id("plain")).Call(jen.Id("v"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Id("v").Dot("scan").Op("=").Id(objectVar(d)).Dot("Scan").Call(jen.Id("data")),
	}
	if d.Additional != nil {
		body = append(body,
			jen.List(jen.Id("extra"), jen.Err()).Op(":=").Qual(oasPkg, "Additional").Types(additionalType(d)).Call(jen.Id("data"), jen.Id(objectVar(d))),
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
	switch {
	case f.ReadOnly && f.WriteOnly:
		parts = append(parts, "Read-only and write-only: generated servers and clients send it both ways.")
	case f.ReadOnly:
		parts = append(parts, "Read-only: servers send it. The generated client leaves it out of "+
			"request bodies, even when it is required, and the generated server does not require it in them.")
	case f.WriteOnly:
		parts = append(parts, "Write-only: clients send it. The generated server leaves it out of "+
			"response bodies, even when it is required.")
	}
	if f.Default != nil {
		parts = append(parts, fmt.Sprintf("Default: %s.", jsonLiteral(f.Default)))
	}
	if t := f.Type; t.Kind == RefBuiltin && t.Builtin == "float64" && t.Schema != nil && t.Schema.Format == "float" {
		parts = append(parts, "Format float: held as a float64, so that no value is rounded to single precision.")
	}
	return strings.Join(parts, "\n")
}

func (e *emitter) enumDecl(f *jen.File, d *Decl) {
	f.Add(typeDoc(d)...)
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
	switch {
	case d.TypeList:
		kind = "a list of types"
	case d.OneOf:
		kind = "oneOf"
	}
	note := fmt.Sprintf("It holds one of its variants (%s); set exactly one field.", kind)
	if d.Nullable {
		note += " With none set it encodes as null."
	}
	if text == "" {
		text = fmt.Sprintf("%s is generated from the schema at %s.", d.Name, docPointer(d.Pointer))
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

	if preferMostMembers(d) {
		f.Line()
		declareVariantMembers(f, d)
	}

	f.Line()
	f.Add(doc("", unionDecodeDoc(d))...)
	f.Func().Params(jen.Id("u").Op("*").Id(d.Name)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		e.unionDecode(d)...,
	)
}

// unionDecodeDoc documents how UnmarshalJSON picks a variant.
//
// NOTE: for oneOf, the first variant that matches wins and the decoder
// does not check that no later variant matches too, so Validate accepts a
// value that matches several variants, which oneOf forbids. Checking would
// cost a decode of every variant, and with a discriminator the tag settles
// the variant anyway.
func unionDecodeDoc(d *Decl) string {
	var b strings.Builder
	b.WriteString("UnmarshalJSON decodes data into ")
	if d.Discriminator != "" {
		fmt.Fprintf(&b, "the variant that its %q member names or else into ", d.Discriminator)
	}
	switch {
	case preferMostMembers(d):
		b.WriteString("the variant that matches it and declares the most of its members, " +
			"so that encoding u again loses as few as possible. The earliest such variant wins a tie.")
	case d.OneOf:
		b.WriteString("the first variant that matches it. It does not check that no later variant " +
			"matches too, which oneOf forbids.")
	default:
		b.WriteString("the first variant that matches it.")
	}
	b.WriteString(" When none matches, it keeps the first variant that data decodes into, so that Validate reports why.")
	return b.String()
}

// unionDecode picks the variant for a JSON value: by discriminator when
// there is one, else by the value's JSON type, else by trying each
// variant of that type in order. It keeps the first that decodes and
// validates or, when none validates, the first that decodes, so that
// Validate reports why it does not match. An anyOf of several object
// variants tries them all and keeps the one that loses the fewest members
// (see preferMostMembers).
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
			inner := []jen.Code{jen.Switch(jen.Id("tag")).Block(cases...)}
			if allTagged(d) {
				// Every variant has its tags, so another tag names
				// none of them.
				var allowed []jen.Code
				for _, v := range d.Variants {
					for _, t := range v.Tags {
						allowed = append(allowed, jen.Lit(t))
					}
				}
				args := append([]jen.Code{jen.Id("u"), jen.Lit(d.Discriminator), jen.Id("tag")}, allowed...)
				inner = append(inner, jen.Return(jen.Qual(oasPkg, "UnknownTag").Call(args...)))
			}
			body = append(body,
				jen.If(jen.List(jen.Id("tag"), jen.Id("ok")).Op(":=").Qual(oasPkg, "Member").Call(jen.Id("data"), jen.Lit(d.Discriminator)), jen.Id("ok")).Block(inner...))
		}
	}
	if !preferMostMembers(d) {
		body = append(body, jen.Var().Id("first").Func().Params())
		for _, v := range d.Variants {
			body = append(body, e.tryVariant(v))
		}
	} else {
		body = append(body,
			jen.Var().List(jen.Id("first"), jen.Id("best")).Func().Params(),
			jen.Id("most").Op(":=").Lit(-1),
		)
		table := 0
		for _, v := range d.Variants {
			score := jen.Lit(0)
			if objectCapable(v) {
				score = jen.Id(variantMembersVar(d)).Index(jen.Lit(table)).Dot("Declared").Call(jen.Id("data"))
				table++
			}
			body = append(body, e.scoreVariant(v, score))
		}
		body = append(body, jen.If(jen.Id("best").Op("!=").Nil()).Block(jen.Id("best").Call(), jen.Return(jen.Nil())))
	}
	body = append(body, jen.If(jen.Id("first").Op("!=").Nil()).Block(jen.Id("first").Call(), jen.Return(jen.Nil())))
	// No variant matched, and those that Fits ruled out were not decoded:
	// keep the first of them that decodes, so that Validate names its
	// problems.
	for _, v := range d.Variants {
		if fits := shallowFits(v); fits != nil {
			body = append(body, jen.If(variantCond(v)).Block(
				jen.Id("x").Op(":=").New(typ(v.Type)),
				jen.If(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("x")).Op("==").Nil()).Block(
					jen.Id("u").Dot(v.Name).Op("=").Id("x"),
					jen.Return(jen.Nil()),
				),
			))
		}
	}
	body = append(body, jen.Return(jen.Qual(oasPkg, "NoVariant").Call(jen.Id("kind"), jen.Id("u"))))
	return body
}

// allTagged reports whether every variant of the union d has a
// discriminator tag.
func allTagged(d *Decl) bool {
	for _, v := range d.Variants {
		if len(v.Tags) == 0 {
			return false
		}
	}
	return true
}

// shallowFits returns the condition under which variant v may match
// before it is decoded, from its member list alone (oas.Object.Fits), or
// nil for a variant that is not a struct with one. Skipping the variants
// that cannot match keeps a recursive union from decoding the same bytes
// once per variant at every level.
// TODO: variants that all pass Fits at every level of a recursive union
// still cost time exponential in the depth. Decoding once into a generic
// form would bound it.
func shallowFits(v *Variant) *jen.Statement {
	if v.Type.Kind != RefNamed {
		return nil
	}
	d := resolveAlias(v.Type.Decl)
	if d.Kind != DeclStruct || !needsObject(d) {
		return nil
	}
	return jen.Id(objectVar(d)).Dot("Fits").Call(jen.Id("data"))
}

// variantGuard is variantCond joined with shallowFits.
func variantGuard(v *Variant) *jen.Statement {
	cond := variantCond(v)
	if fits := shallowFits(v); fits != nil {
		cond = cond.Op("&&").Add(fits)
	}
	return cond
}

// variantCond returns the condition under which a JSON value of kind
// "kind" may decode into v.
func variantCond(v *Variant) *jen.Statement {
	switch v.JSONKind {
	case "any":
		return jen.True()
	case "integer":
		return jen.Id("kind").Op("==").Lit("number").Op("&&").Qual(oasPkg, "IsInteger").Call(jen.Id("data"))
	}
	return jen.Id("kind").Op("==").Lit(v.JSONKind)
}

// tryVariant decodes data into v and returns when it matches.
func (e *emitter) tryVariant(v *Variant) jen.Code {
	check := e.validCall("x", v.Type)
	return jen.If(variantGuard(v)).Block(
		jen.Id("x").Op(":=").New(typ(v.Type)),
		jen.If(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("x")).Op("==").Nil()).Block(
			jen.If(check).Block(jen.Id("u").Dot(v.Name).Op("=").Id("x"), jen.Return(jen.Nil())),
			jen.If(jen.Id("first").Op("==").Nil()).Block(
				jen.Id("first").Op("=").Func().Params().Block(jen.Id("u").Dot(v.Name).Op("=").Id("x")),
			),
		),
	)
}

// scoreVariant decodes data into v and, when it matches, keeps it as the
// best variant so far if score, the number of members of data that v
// keeps, beats the best one's.
func (e *emitter) scoreVariant(v *Variant, score jen.Code) jen.Code {
	keep := func() *jen.Statement {
		return jen.Func().Params().Block(jen.Id("u").Dot(v.Name).Op("=").Id("x"))
	}
	return jen.If(variantGuard(v)).Block(
		jen.Id("x").Op(":=").New(typ(v.Type)),
		jen.If(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("x")).Op("==").Nil()).Block(
			jen.If(e.validCall("x", v.Type)).Block(
				jen.If(jen.Id("n").Op(":=").Add(score), jen.Id("n").Op(">").Id("most")).Block(
					jen.List(jen.Id("best"), jen.Id("most")).Op("=").List(keep(), jen.Id("n")),
				),
			).Else().If(jen.Id("first").Op("==").Nil()).Block(
				jen.Id("first").Op("=").Add(keep()),
			),
		),
	)
}

// preferMostMembers reports whether an anyOf union should decode an object
// into the matching variant that declares the most of its members rather
// than into the first that matches. anyOf lets several variants match, and
// the first may be an open object that drops members that a later variant
// declares, so encoding the value again would lose them.
func preferMostMembers(d *Decl) bool {
	if d.OneOf || d.TypeList {
		return false
	}
	objects, dropping := 0, false
	for _, v := range d.Variants {
		if !objectCapable(v) {
			continue
		}
		objects++
		if _, keepsAll := variantMembers(v); !keepsAll {
			dropping = true
		}
	}
	return objects > 1 && dropping
}

// objectCapable reports whether a JSON object may decode into v. A nested
// union is of kind "any".
func objectCapable(v *Variant) bool {
	return v.JSONKind == "object" || v.JSONKind == "any"
}

// variantMembers returns the members that a variant's Go type keeps, or
// keepsAll when it keeps every member: a map, any, or a struct with
// AdditionalProperties. A nested union counts the members that any of its
// variants keeps, which overstates what the variant that decoding picks
// keeps but ranks it fairly against a struct that declares the same ones.
func variantMembers(v *Variant) (names []string, keepsAll bool) {
	seen := map[string]bool{}
	var visit func(t *TypeRef, depth int) bool
	visit = func(t *TypeRef, depth int) bool {
		t = underlyingType(t)
		switch {
		case depth > 16:
			return false
		case t.Kind == RefMap || t.Kind == RefAny:
			return true
		case t.Kind != RefNamed:
			return false
		}
		d := t.Decl
		switch d.Kind {
		case DeclStruct:
			for _, f := range d.Fields {
				if !seen[f.JSONName] {
					seen[f.JSONName] = true
					names = append(names, f.JSONName)
				}
			}
			return d.Additional != nil
		case DeclUnion:
			all := false
			for _, nested := range d.Variants {
				if objectCapable(nested) && visit(nested.Type, depth+1) {
					all = true
				}
			}
			return all
		}
		return false
	}
	if visit(v.Type, 0) {
		return nil, true
	}
	return names, false
}

// variantStruct returns the struct declaration of v's type, or nil when
// its type is not a struct.
func variantStruct(v *Variant) *Decl {
	t := underlyingType(v.Type)
	if t.Kind == RefNamed && t.Decl.Kind == DeclStruct {
		return t.Decl
	}
	return nil
}

// underlyingType follows aliases and defined types from t to a type that
// is not named, or to a struct, enum or union declaration.
func underlyingType(t *TypeRef) *TypeRef {
	for range 64 {
		if t.Kind != RefNamed {
			return t
		}
		d := t.Decl
		if d.Kind != DeclAlias && d.Kind != DeclDefined || d.Underlying == nil {
			return t
		}
		t = d.Underlying
	}
	return t
}

func variantMembersVar(d *Decl) string { return lowerName(d.Name) + "Variants" }

// declareVariantMembers declares, for a union that prefers the variant
// keeping the most members, the members that each object variant declares,
// nil standing for a variant that keeps them all.
func declareVariantMembers(f *jen.File, d *Decl) {
	var list []jen.Code
	for _, v := range d.Variants {
		if !objectCapable(v) {
			continue
		}
		names, keepsAll := variantMembers(v)
		if keepsAll {
			list = append(list, jen.Line().Nil())
			continue
		}
		if d := variantStruct(v); d != nil && needsObject(d) {
			list = append(list, jen.Line().Id(objectVar(d)))
			continue
		}
		var keys []jen.Code
		for _, n := range names {
			keys = append(keys, jen.Lit(n))
		}
		list = append(list, jen.Line().Qual(oasPkg, "NewObject").Call(jen.Index().String().Values(keys...), jen.Nil(), jen.Nil(), jen.False()))
	}
	list = append(list, jen.Line())
	text := fmt.Sprintf("%s lists the members that each variant of %s that accepts objects declares, "+
		"in the order of UnmarshalJSON. nil declares every member.", variantMembersVar(d), d.Name)
	f.Add(doc("", text)...)
	f.Var().Id(variantMembersVar(d)).Op("=").Index().Op("*").Qual(oasPkg, "Object").Values(list...)
}

// validCall returns an expression that is true when the value that the
// pointer variable x points to passes validation.
func (e *emitter) validCall(x string, t *TypeRef) jen.Code {
	if t.Kind == RefNamed && e.needsValidate(t.Decl) {
		return jen.Id(x).Dot("Validate").Call().Op("==").Nil()
	}
	var checks []jen.Code
	e.inDirection("AnyDirection", func() { checks = e.site("(*"+x+")", t, `""`, 0) })
	if len(checks) == 0 {
		return jen.True()
	}
	body := append([]jen.Code{jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors"))}, checks...)
	body = append(body, jen.Return(jen.Len(jen.Op("*").Id("e")).Op("==").Lit(0)))
	return jen.Func().Params().Bool().Block(body...).Call()
}
