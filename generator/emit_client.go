package generator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// client writes Client, its options and one method per operation.
func (e *emitter) client(f *jen.File) {
	f.Comment("Client calls the spec's operations over HTTP. Each method sends the typed")
	f.Comment("request and returns the declared response that matches the status code;")
	f.Comment("a status the operation does not declare returns *rest.UnexpectedStatusError.")
	f.Type().Id("Client").Struct(
		jen.Comment("BaseURL is the server's URL, such as \"https://api.example.com/v1\"."),
		jen.Id("BaseURL").String(),
		jen.Comment("HTTPClient sends the requests; nil means http.DefaultClient."),
		jen.Id("HTTPClient").Op("*").Qual("net/http", "Client"),
		jen.Comment("RequestEditors run on every request before it is sent, such as to add"),
		jen.Comment("credentials."),
		jen.Id("RequestEditors").Index().Qual(restPkg, "RequestEditor"),
	)
	f.Line()
	f.Comment("ClientOption configures NewClient.")
	f.Type().Id("ClientOption").Func().Params(jen.Op("*").Id("Client"))
	f.Line()
	f.Comment("WithHTTPClient sends requests with hc.")
	f.Func().Id("WithHTTPClient").Params(jen.Id("hc").Op("*").Qual("net/http", "Client")).Id("ClientOption").Block(
		jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("Client")).Block(jen.Id("c").Dot("HTTPClient").Op("=").Id("hc"))),
	)
	f.Line()
	f.Comment("WithRequestEditor adds an editor that runs on every request.")
	f.Func().Id("WithRequestEditor").Params(jen.Id("edit").Qual(restPkg, "RequestEditor")).Id("ClientOption").Block(
		jen.Return(jen.Func().Params(jen.Id("c").Op("*").Id("Client")).Block(jen.Id("c").Dot("RequestEditors").Op("=").Append(jen.Id("c").Dot("RequestEditors"), jen.Id("edit")))),
	)
	f.Line()
	f.Comment("NewClient returns a client for the server at baseURL.")
	f.Func().Id("NewClient").Params(jen.Id("baseURL").String(), jen.Id("opts").Op("...").Id("ClientOption")).Params(jen.Op("*").Id("Client"), jen.Error()).Block(
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Qual("net/url", "Parse").Call(jen.Id("baseURL")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("u").Dot("Scheme").Op("==").Lit("").Op("||").Id("u").Dot("Host").Op("==").Lit("").Op("||").Id("u").Dot("RawQuery").Op("!=").Lit("").Op("||").Id("u").Dot("Fragment").Op("!=").Lit("")).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("invalid base URL %q: want an absolute URL without query or fragment, such as https://api.example.com/v1"), jen.Id("baseURL"))),
		),
		jen.Id("c").Op(":=").Op("&").Id("Client").Values(jen.Dict{jen.Id("BaseURL"): jen.Id("baseURL")}),
		jen.For(jen.List(jen.Id("_"), jen.Id("opt")).Op(":=").Range().Id("opts")).Block(jen.Id("opt").Call(jen.Id("c"))),
		jen.Return(jen.Id("c"), jen.Nil()),
	)
	f.Line()
	for _, o := range e.model.Operations {
		e.clientMethod(f, o)
	}
	e.encoders(f, requestFlow)
}

// appendParam returns the statement that appends parameter p of the
// request to the byte slice dst.
func (e *emitter) appendParam(o *Operation, p *Param, dst string) jen.Code {
	sv := jen.Id(paramVar(o, p))
	field := jen.Id("req").Dot(groupName(p.In)).Dot(p.GoName)
	var call *jen.Statement
	switch {
	case p.JSONContent:
		call = jen.Add(sv).Dot("AppendJSON").Call(jen.Id(dst), field)
	case paramShape(p.Type) == "Array":
		call = jen.Add(sv).Dot("AppendArray").Call(jen.Id(dst), jen.Qual(paramsPkg, "FormatAll").Call(field))
	case paramShape(p.Type) == "Object":
		call = jen.Add(sv).Dot("AppendObject").Call(jen.Id(dst), jen.Qual(paramsPkg, "Properties").Call(field))
	default:
		call = jen.Add(sv).Dot("AppendPrimitive").Call(jen.Id(dst), jen.Qual(paramsPkg, "Format").Call(field))
	}
	stmt := jen.If(jen.List(jen.Id(dst), jen.Err()).Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))
	// A path parameter is always written, even when nil, so that params
	// rejects the empty segment before the request is sent.
	if p.In != "path" && (!p.Required || isNilable(p.Type)) {
		return jen.If(jen.Add(field).Op("!=").Nil()).Block(stmt)
	}
	return stmt
}

func (e *emitter) clientMethod(f *jen.File, o *Operation) {
	body := []jen.Code{
		jen.If(jen.Id("req").Op("==").Nil()).Block(jen.Id("req").Op("=").New(jen.Id(o.GoName + "Request"))),
		jen.Var().Err().Error(),
	}

	// The path: literal text between templates, and each path parameter
	// appended in its style.
	body = append(body, jen.Id("path").Op(":=").Make(jen.Index().Byte(), jen.Lit(0), jen.Lit(len(o.Path)+16)))
	byName := map[string]*Param{}
	for _, p := range o.Params {
		if p.In == "path" {
			byName[p.Name] = p
		}
	}
	last := 0
	for _, m := range templateRE.FindAllStringSubmatchIndex(o.Path, -1) {
		if m[0] > last {
			body = append(body, jen.Id("path").Op("=").Append(jen.Id("path"), jen.Lit(o.Path[last:m[0]]).Op("...")))
		}
		if p := byName[o.Path[m[2]:m[3]]]; p != nil {
			body = append(body, e.appendParam(o, p, "path"))
		}
		last = m[1]
	}
	if last < len(o.Path) {
		body = append(body, jen.Id("path").Op("=").Append(jen.Id("path"), jen.Lit(o.Path[last:]).Op("...")))
	}

	body = append(body, jen.Var().Id("query").Index().Byte())
	for _, p := range o.Params {
		if p.In == "query" {
			body = append(body, e.appendParam(o, p, "query"))
		}
	}

	bodyBytes, contentType := jen.Nil(), jen.Lit("")
	if o.Body != nil {
		body = append(body, jen.Var().Id("payload").Index().Byte(), jen.Var().Id("contentType").String())
		for _, c := range o.Body.Contents {
			field := jen.Id("req").Dot(c.Field)
			value := field
			if e.typeOmits(c.Type, requestFlow) {
				value = e.encoded(jen.Id("req").Dot(c.Field), !isNilable(c.Type), c.Type, requestFlow, 0)
			}
			var encode []jen.Code
			switch c.Kind {
			case "json":
				encode = append(encode, jen.If(jen.List(jen.Id("payload"), jen.Err()).Op("=").Qual(restPkg, "EncodeJSON").Call(value), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())))
			case "form":
				// TODO: form bodies still carry readOnly properties,
				// because rest.EncodeForm encodes every field of the value.
				encode = append(encode,
					jen.List(jen.Id("form"), jen.Err()).Op(":=").Qual(restPkg, "EncodeForm").Call(field),
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
					jen.Id("payload").Op("=").Id("form"),
				)
			case "text":
				encode = append(encode, jen.Id("payload").Op("=").Index().Byte().Call(jen.Op("*").Add(field)))
			default:
				if c.Type.Kind == RefBuiltin && c.Type.Builtin == "[]byte" {
					encode = append(encode, jen.Id("payload").Op("=").Add(field))
				} else {
					encode = append(encode, jen.If(jen.List(jen.Id("payload"), jen.Err()).Op("=").Qual(restPkg, "EncodeJSON").Call(value), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())))
				}
			}
			mt := strings.TrimSpace(strings.SplitN(c.MediaType, ";", 2)[0])
			if strings.Contains(mt, "*") {
				mt = "application/octet-stream"
			}
			encode = append(encode, jen.Id("contentType").Op("=").Lit(mt))
			body = append(body, jen.If(jen.Add(field).Op("!=").Nil().Op("&&").Id("payload").Op("==").Nil()).Block(encode...))
		}
		bodyBytes, contentType = jen.Id("payload"), jen.Id("contentType")
	}
	body = append(body,
		jen.List(jen.Id("hreq"), jen.Err()).Op(":=").Qual(restPkg, "NewRequest").Call(jen.Lit(o.Method), jen.Id("c").Dot("BaseURL"), jen.String().Call(jen.Id("path")), jen.Id("query"), bodyBytes, contentType),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
	)
	var cookie bool
	for _, p := range o.Params {
		switch p.In {
		case "header":
			body = append(body, jen.Block(
				jen.Var().Id("value").Index().Byte(),
				e.appendParam(o, p, "value"),
				jen.If(jen.Id("value").Op("!=").Nil()).Block(jen.Id("hreq").Dot("Header").Dot("Set").Call(jen.Lit(p.Name), jen.String().Call(jen.Id("value")))),
			))
		case "cookie":
			if !cookie {
				body = append(body, jen.Var().Id("cookies").Index().Byte())
				cookie = true
			}
			body = append(body, e.appendParam(o, p, "cookies"))
		}
	}
	if cookie {
		body = append(body, jen.If(jen.Len(jen.Id("cookies")).Op(">").Lit(0)).Block(jen.Id("hreq").Dot("Header").Dot("Set").Call(jen.Lit("Cookie"), jen.String().Call(jen.Id("cookies")))))
	}
	body = append(body,
		jen.List(jen.Id("resp"), jen.Id("data"), jen.Err()).Op(":=").Qual(restPkg, "Send").Call(jen.Id("ctx"), jen.Id("c").Dot("HTTPClient"), jen.Id("hreq"), jen.Qual("slices", "Concat").Call(jen.Id("c").Dot("RequestEditors"), jen.Id("editors"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
	)
	body = append(body, e.clientResponses(o)...)

	text := fmt.Sprintf("%s calls the %s.%s", o.GoName, describe(o), prefixSpace(o.Summary))
	if o.Body != nil && slices.ContainsFunc(o.Body.Contents, func(c *Content) bool { return e.typeOmits(c.Type, requestFlow) }) {
		text += "\nThe JSON body leaves out readOnly properties, even required ones, without changing req."
	}
	f.Add(doc("", text)...)
	f.Func().Params(jen.Id("c").Op("*").Id("Client")).Id(o.GoName).Params(
		jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(o.GoName+"Request"), jen.Id("editors").Op("...").Qual(restPkg, "RequestEditor"),
	).Params(jen.Id(o.GoName+"Response"), jen.Error()).Block(body...)
	f.Line()
}

// clientResponses decodes the response whose status matches, exact codes
// first, then ranges, then default, as OpenAPI orders them.
func (e *emitter) clientResponses(o *Operation) []jen.Code {
	var cases []jen.Code
	for _, r := range o.Responses {
		var cond jen.Code
		n, err := strconv.Atoi(r.Status)
		switch {
		case err == nil:
			cond = jen.Id("resp").Dot("StatusCode").Op("==").Lit(n)
		case r.Status == "default":
			cond = jen.True()
		default:
			cond = jen.Id("resp").Dot("StatusCode").Op("/").Lit(100).Op("==").Lit(int(r.Status[0] - '0'))
		}
		decode := []jen.Code{jen.Id("out").Op(":=").Op("&").Id(r.GoName).Values()}
		if err != nil {
			decode = append(decode, jen.Id("out").Dot("Status").Op("=").Id("resp").Dot("StatusCode"))
		}
		for _, h := range r.Headers {
			decode = append(decode, jen.If(jen.Id("v").Op(":=").Id("resp").Dot("Header").Dot("Get").Call(jen.Lit(h.Name)), jen.Id("v").Op("!=").Lit("")).Block(
				jen.Id("spec").Op(":=").Op("&").Qual(paramsPkg, "Spec").Values(jen.Dict{jen.Id("Name"): jen.Lit(h.Name), jen.Id("In"): jen.Qual(paramsPkg, "InHeader")}),
				jen.If(jen.Err().Op(":=").Id("spec").Dot("Set").Call(jen.Id("v"), jen.Op("&").Id("out").Dot(h.GoName)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			))
		}
		for i, c := range r.Contents {
			var target jen.Code
			var set []jen.Code
			switch {
			case c.Kind == "text":
				set = []jen.Code{jen.Id("s").Op(":=").String().Call(jen.Id("data")), jen.Id("out").Dot(c.Field).Op("=").Op("&").Id("s")}
			case c.Kind != "json" && c.Type.Kind == RefBuiltin && c.Type.Builtin == "[]byte":
				set = []jen.Code{jen.Id("out").Dot(c.Field).Op("=").Id("data")}
			case isNilable(c.Type):
				target = jen.Op("&").Id("out").Dot(c.Field)
			default:
				set = []jen.Code{jen.Id("out").Dot(c.Field).Op("=").New(typ(c.Type))}
				target = jen.Id("out").Dot(c.Field)
			}
			if target != nil {
				set = append(set, jen.If(jen.Err().Op(":=").Qual(restPkg, "DecodeResponse").Call(jen.Id("resp"), jen.Id("data"), target), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())))
			}
			if len(r.Contents) == 1 {
				decode = append(decode, set...)
				continue
			}
			mediaCond := jen.Qual("strings", "HasPrefix").Call(jen.Id("resp").Dot("Header").Dot("Get").Call(jen.Lit("Content-Type")), jen.Lit(strings.TrimSpace(strings.SplitN(c.MediaType, ";", 2)[0])))
			if i == 0 {
				decode = append(decode, jen.If(mediaCond).Block(set...))
			} else {
				decode[len(decode)-1].(*jen.Statement).Else().If(mediaCond).Block(set...)
			}
		}
		decode = append(decode, jen.Return(jen.Id("out"), jen.Nil()))
		cases = append(cases, jen.Case(cond).Block(decode...))
	}
	var out []jen.Code
	if len(cases) > 0 {
		out = append(out, jen.Switch().Block(cases...))
	}
	return append(out, jen.Return(jen.Nil(), jen.Op("&").Qual(restPkg, "UnexpectedStatusError").Values(jen.Dict{
		jen.Id("StatusCode"): jen.Id("resp").Dot("StatusCode"),
		jen.Id("Header"):     jen.Id("resp").Dot("Header"),
		jen.Id("Body"):       jen.Id("data"),
	})))
}
