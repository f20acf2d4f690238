package generator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

var paramLocations = []struct{ in, group string }{
	{"path", "Path"}, {"query", "Query"}, {"header", "Header"}, {"cookie", "Cookie"},
}

// operationTypes writes, for every operation and webhook, its request
// struct with parameters grouped by location, and one struct per declared
// response behind an interface.
func (e *emitter) operationTypes(f *jen.File) {
	for _, o := range append(append([]*Operation(nil), e.model.Operations...), e.model.Webhooks...) {
		e.requestType(f, o)
		e.responseTypes(f, o)
	}
}

func describe(o *Operation) string {
	if o.Webhook {
		return fmt.Sprintf("webhook %s", strconv.Quote(o.Name))
	}
	return fmt.Sprintf("operation %s (%s %s)", o.ID, o.Method, o.Path)
}

func (e *emitter) requestType(f *jen.File, o *Operation) {
	var fields []jen.Code
	for _, loc := range paramLocations {
		var params []*Param
		for _, p := range o.Params {
			if p.In == loc.in {
				params = append(params, p)
			}
		}
		if len(params) == 0 {
			continue
		}
		group := o.GoName + loc.group + "Params"
		f.Comment(fmt.Sprintf("%s holds the %s parameters of the %s.", group, loc.in, sanitizeLine(describe(o))))
		var pf []jen.Code
		for _, p := range params {
			pf = append(pf, doc("", paramDoc(p))...)
			pf = append(pf, jen.Id(p.GoName).Add(paramType(p)))
		}
		f.Type().Id(group).Struct(pf...)
		f.Line()
		fields = append(fields, jen.Id(loc.group).Id(group))
	}
	if o.Body != nil {
		for _, c := range o.Body.Contents {
			fields = append(fields, jen.Comment(bodyFieldDoc(o.Body, c)))
			fields = append(fields, jen.Id(c.Field).Add(contentType(c)))
		}
	}
	text := "the request of the " + describe(o) + "."
	if o.Summary != "" {
		text += "\n" + o.Summary
	}
	if o.Deprecated {
		text += "\n\nDeprecated: the spec marks this operation deprecated."
	}
	f.Add(doc("", o.GoName+"Request is "+text)...)
	f.Type().Id(o.GoName + "Request").Struct(fields...)
	f.Line()
}

func paramDoc(p *Param) string {
	text := fmt.Sprintf("%s is the %s parameter %s", p.GoName, p.In, strconv.Quote(p.Name))
	if p.Required {
		text += " (required)"
	}
	text += "."
	if p.Doc != "" {
		text += " " + p.Doc
	}
	return text
}

// paramType is the value type for required parameters and a pointer (or
// nil slice) for optional ones.
func paramType(p *Param) jen.Code {
	if p.Required || isNilable(p.Type) {
		return typ(p.Type)
	}
	return jen.Op("*").Add(typ(p.Type))
}

func contentType(c *Content) jen.Code {
	if isNilable(c.Type) {
		return typ(c.Type)
	}
	return jen.Op("*").Add(typ(c.Type))
}

func (e *emitter) responseTypes(f *jen.File, o *Operation) {
	iface := o.GoName + "Response"
	var names []string
	for _, r := range o.Responses {
		names = append(names, "*"+r.GoName)
	}
	text := fmt.Sprintf("%s is a response of the %s", iface, describe(o))
	if len(names) > 0 {
		text += ": one of " + strings.Join(names, ", ")
	}
	f.Add(doc("", text+".")...)
	marker := "is" + iface
	f.Type().Id(iface).Interface(
		jen.Comment("StatusCode returns the HTTP status code of the response."),
		jen.Id("StatusCode").Params().Int(),
		jen.Id(marker).Params(),
	)
	f.Line()
	for _, r := range o.Responses {
		e.responseType(f, o, r, marker)
	}
}

func (e *emitter) responseType(f *jen.File, o *Operation, r *Response, marker string) {
	fields := newScope("StatusCode")
	var code []jen.Code
	exact, err := strconv.Atoi(r.Status)
	if err != nil {
		fields.take("Status", "")
		code = append(code, jen.Comment("Status is the HTTP status code, within "+r.Status+"."), jen.Id("Status").Int())
	}
	for _, h := range r.Headers {
		h.GoName, _ = fields.take(h.GoName, "")
		code = append(code, doc("", fmt.Sprintf("%s is the response header %s.%s", h.GoName, strconv.Quote(h.Name), prefixSpace(h.Doc)))...)
		code = append(code, jen.Id(h.GoName).Add(paramType(h)))
	}
	for _, c := range r.Contents {
		c.Field, _ = fields.take(c.Field, "")
		code = append(code, jen.Comment(fmt.Sprintf("%s is the %s body.", c.Field, sanitizeLine(c.MediaType))))
		code = append(code, jen.Id(c.Field).Add(contentType(c)))
	}
	status := r.Status
	if status == "default" {
		status = "any other status"
	}
	f.Add(doc("", fmt.Sprintf("%s is the %s response of the %s.%s", r.GoName, status, describe(o), prefixSpace(r.Doc)))...)
	f.Type().Id(r.GoName).Struct(code...)
	f.Line()
	f.Comment("StatusCode returns the HTTP status code of the response.")
	if err == nil {
		f.Func().Params(jen.Op("*").Id(r.GoName)).Id("StatusCode").Params().Int().Block(jen.Return(jen.Lit(exact)))
	} else {
		f.Func().Params(jen.Id("r").Op("*").Id(r.GoName)).Id("StatusCode").Params().Int().Block(jen.Return(jen.Id("r").Dot("Status")))
	}
	f.Line()
	f.Func().Params(jen.Op("*").Id(r.GoName)).Id(marker).Params().Block()
	f.Line()
}

func prefixSpace(s string) string {
	if s = strings.TrimSpace(s); s != "" {
		return " " + s
	}
	return ""
}

// bodyFieldDoc documents the request field that holds the body of content c.
func bodyFieldDoc(b *Body, c *Content) string {
	text := fmt.Sprintf("%s is the %s body", c.Field, sanitizeLine(c.MediaType))
	switch {
	case b.Required && len(b.Contents) == 1:
		return text + "."
	case b.Required:
		return text + ", or nil when the request sends another media type."
	case len(b.Contents) == 1:
		return text + ", or nil when the request has none."
	}
	return text + ", or nil when the request has none or another media type."
}
