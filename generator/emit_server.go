package generator

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

const (
	restPkg    = "github.com/whgen/whgen/rest"
	paramsPkg  = "github.com/whgen/whgen/params"
	problemPkg = "github.com/whgen/whgen/problem"
)

// server writes the Server interface, the Unimplemented type, the
// options, NewHandler and one handler, decoder and response writer per
// operation.
func (e *emitter) server(f *jen.File) {
	e.serverInterface(f)
	e.serverOptions(f)
	e.newHandler(f)
	for _, o := range e.model.Operations {
		e.operationHandler(f, o)
		e.requestDecoder(f, o)
		e.responseWriter(f, o)
	}
	e.encoders(f, responseFlow)
}

// handlerMethod names the handler method of an operation; the prefix keeps
// it apart from the handler's own methods whatever the operation is called.
func handlerMethod(o *Operation) string { return "serve" + o.GoName }

func (e *emitter) serverInterface(f *jen.File) {
	f.Comment("Server is the service behind the spec's operations, one method per")
	f.Comment("operation. A method returns one of the operation's declared responses, or")
	f.Comment("an error: a *problem.Error is sent as its problem, any other error as")
	f.Comment("500 and no detail. Requests reach a method decoded and validated.")
	var methods []jen.Code
	for _, o := range e.model.Operations {
		methods = append(methods, doc("", fmt.Sprintf("%s serves the %s.%s", o.GoName, describe(o), prefixSpace(o.Summary)))...)
		methods = append(methods, jen.Id(o.GoName).Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(o.GoName+"Request")).Params(jen.Id(o.GoName+"Response"), jen.Error()))
	}
	f.Type().Id("Server").Interface(methods...)
	f.Line()
	f.Comment("Unimplemented responds 501 Not Implemented to every operation. Embed it in")
	f.Comment("a Server so that an operation added to the spec does not break the build.")
	f.Type().Id("Unimplemented").Struct()
	f.Line()
	for _, o := range e.model.Operations {
		f.Comment(fmt.Sprintf("%s responds 501 Not Implemented.", o.GoName))
		f.Func().Params(jen.Id("Unimplemented")).Id(o.GoName).Params(jen.Qual("context", "Context"), jen.Op("*").Id(o.GoName+"Request")).Params(jen.Id(o.GoName+"Response"), jen.Error()).Block(
			jen.Return(jen.Nil(), jen.Qual(restPkg, "NotImplemented").Call(jen.Lit(o.ID))),
		)
		f.Line()
	}
	f.Var().Id("_").Id("Server").Op("=").Id("Unimplemented").Values()
	f.Line()
}

func (e *emitter) serverOptions(f *jen.File) {
	var hooks []jen.Code
	for _, o := range e.model.Operations {
		hooks = append(hooks, jen.Id(o.GoName).Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("req").Op("*").Id(o.GoName+"Request")).Error())
	}
	f.Comment("OperationHooks holds typed hooks that run after an operation's request is")
	f.Comment("decoded and validated and before the Server method; a hook that returns an")
	f.Comment("error stops the request with it. A nil hook is skipped.")
	f.Type().Id("OperationHooks").Struct(hooks...)
	f.Line()
	f.Comment("ServerOptions configures NewHandler. The zero value serves every operation")
	f.Comment("that needs no authentication, with default limits and problem+json errors.")
	f.Type().Id("ServerOptions").Struct(
		jen.Comment("Auth enforces each operation's security requirements (see NewAuthenticator)."),
		jen.Comment("NewHandler fails when an operation requires authentication and Auth is nil,"),
		jen.Comment("unless SkipAuth is set."),
		jen.Id("Auth").Op("*").Qual(middlewarePkg, "Authenticator"),
		jen.Comment("SkipAuth serves operations that declare security without checking it,"),
		jen.Comment("for tests and for servers that authenticate elsewhere."),
		jen.Id("SkipAuth").Bool(),
		jen.Comment("Middleware wraps every operation, in order (the first is outermost). It"),
		jen.Comment("runs after authentication and before the request is decoded, with the"),
		jen.Comment("operation in the request context (middleware.OperationFrom), so it can"),
		jen.Comment("inspect or replace the raw body (middleware.ReadBody and SetBody)."),
		jen.Id("Middleware").Index().Qual(middlewarePkg, "Middleware"),
		jen.Comment("OperationMiddleware wraps single operations, by operation ID, inside"),
		jen.Comment("Middleware. NewHandler fails on a key that is not an operation ID."),
		jen.Id("OperationMiddleware").Map(jen.String()).Index().Qual(middlewarePkg, "Middleware"),
		jen.Comment("AfterDecode runs for every operation after its request is decoded and"),
		jen.Comment("validated, before Hooks; req is the *XxxRequest of the operation, and the"),
		jen.Comment("context of r carries op."),
		jen.Id("AfterDecode").Func().Params(jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("op").Op("*").Qual(middlewarePkg, "Operation"), jen.Id("req").Any()).Error(),
		jen.Comment("Hooks holds typed per-operation hooks that run after AfterDecode."),
		jen.Id("Hooks").Id("OperationHooks"),
		jen.Comment("ErrorHandler writes every error response, the 401 and 403 responses of"),
		jen.Comment("Auth included unless its AuthOptions set a handler of its own. Nil means"),
		jen.Comment("middleware.WriteProblem, which sends RFC 9457 application/problem+json."),
		jen.Id("ErrorHandler").Qual(middlewarePkg, "ErrorHandler"),
		jen.Comment("MaxBodyBytes caps request bodies; larger ones answer 413. Zero means"),
		jen.Comment("middleware.DefaultMaxBodyBytes (1 MiB)."),
		jen.Id("MaxBodyBytes").Int64(),
		jen.Comment("BasePath is the path prefix under which the operations are served, such"),
		jen.Comment("as the path of the spec's servers URL (\"/v1\"); empty means none."),
		jen.Id("BasePath").String(),
		jen.Comment("SpecPath, when set, serves the spec as JSON at that path, such as"),
		jen.Comment("\"/openapi.json\"."),
		jen.Id("SpecPath").String(),
	)
	f.Line()
	fields := []jen.Code{
		jen.Id("srv").Id("Server"),
		jen.Id("opts").Id("ServerOptions"),
	}
	if e.hasRouteGroups() {
		fields = append(fields,
			jen.Comment("routed holds the wrapped handlers of the operations that a route"),
			jen.Comment("dispatcher checks or picks among."),
			jen.Id("routed").Map(jen.Op("*").Qual(middlewarePkg, "Operation")).Qual("net/http", "Handler"),
		)
	}
	f.Type().Id("handler").Struct(fields...)
	f.Line()
	f.Comment("fail sends err through the ErrorHandler, with the request's context")
	f.Comment("replaced by ctx, which carries the operation.")
	f.Func().Params(jen.Id("h").Op("*").Id("handler")).Id("fail").Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("ctx").Qual("context", "Context"), jen.Err().Error()).Block(
		jen.If(jen.Id("r").Dot("Context").Call().Op("!=").Id("ctx")).Block(
			jen.Id("r").Op("=").Id("r").Dot("WithContext").Call(jen.Id("ctx")),
		),
		jen.Qual(restPkg, "Fail").Call(jen.Id("w"), jen.Id("r"), jen.Err(), jen.Id("h").Dot("opts").Dot("ErrorHandler")),
	)
	f.Line()
}

// hasRouteGroups reports whether some operations share a ServeMux pattern.
func (e *emitter) hasRouteGroups() bool {
	for _, g := range e.routeGroups() {
		if g.dispatched() {
			return true
		}
	}
	return false
}

// routeGroup is the operations that share one ServeMux pattern, which
// happens when several paths differ only inside a segment ("{sid}.json"
// and "{sid}.xml").
type routeGroup struct {
	pattern string
	ops     []*Operation
}

// dispatched reports whether the group needs a dispatcher: when several
// operations share the pattern, or when one operation's segments need
// regular expressions. The dispatcher runs before the operation's
// authentication and middleware, so a path that matches no operation gets
// the same 404 as the other routing errors.
func (g routeGroup) dispatched() bool {
	return len(g.ops) > 1 || len(muxRoute(g.ops[0].Path).Segments) > 0
}

func (e *emitter) routeGroups() []routeGroup {
	index := map[string]int{}
	var groups []routeGroup
	for _, o := range e.model.Operations {
		p := o.Method + " " + muxRoute(o.Path).Pattern
		if i, ok := index[p]; ok {
			groups[i].ops = append(groups[i].ops, o)
			continue
		}
		index[p] = len(groups)
		groups = append(groups, routeGroup{pattern: p, ops: []*Operation{o}})
	}
	return groups
}

func (e *emitter) newHandler(f *jen.File) {
	groups := e.routeGroups()
	var routes, dispatchers []jen.Code
	for _, g := range groups {
		pattern := g.pattern
		if g.dispatched() {
			pattern = ""
			dispatchers = append(dispatchers, jen.If(
				jen.Err().Op(":=").Id("router").Dot("Handle").Call(jen.Lit(g.pattern), jen.Qual("net/http", "HandlerFunc").Call(jen.Id("h").Dot("route"+g.ops[0].GoName))),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Nil(), jen.Err())))
		}
		for _, o := range g.ops {
			routes = append(routes, jen.Line().Values(jen.Lit(pattern), jen.Id(o.GoName+"Operation"), jen.Id("h").Dot(handlerMethod(o))))
		}
	}
	if len(routes) > 0 {
		routes = append(routes, jen.Line())
	}
	handlerFields := jen.Dict{jen.Id("srv"): jen.Id("srv"), jen.Id("opts"): jen.Id("opts")}
	if len(dispatchers) > 0 {
		handlerFields[jen.Id("routed")] = jen.Map(jen.Op("*").Qual(middlewarePkg, "Operation")).Qual("net/http", "Handler").Values()
	}
	f.Comment("NewHandler returns the http.Handler that serves the spec's operations on a")
	f.Comment("standard http.ServeMux (see rest.Router for paths that ServeMux finds")
	f.Comment("ambiguous). Each request passes, in order: authentication,")
	f.Comment("opts.Middleware, opts.OperationMiddleware, decoding and validation of")
	f.Comment("parameters and body, opts.AfterDecode, opts.Hooks, and the Server method.")
	f.Comment("All of them find the operation in the request context")
	f.Comment("(middleware.OperationFrom), as does the ErrorHandler. Mount it behind")
	f.Comment("host, CORS and rate-limit middleware (see package middleware).")
	f.Func().Id("NewHandler").Params(jen.Id("srv").Id("Server"), jen.Id("opts").Id("ServerOptions")).Params(jen.Qual("net/http", "Handler"), jen.Error()).Block(
		jen.If(jen.Id("srv").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("nil Server: pass an implementation, or Unimplemented{}")))),
		jen.If(jen.Err().Op(":=").Qual(restPkg, "CheckOperationMiddleware").Call(jen.Id("Operations"), jen.Id("opts").Dot("OperationMiddleware")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.Id("opts").Dot("Auth").Op("!=").Nil()).Block(
			jen.Comment("The server's ErrorHandler writes the 401 and 403 responses too,"),
			jen.Comment("unless the Authenticator has its own."),
			jen.Id("opts").Dot("Auth").Op("=").Id("opts").Dot("Auth").Dot("WithDefaultErrorHandler").Call(jen.Id("opts").Dot("ErrorHandler")),
		),
		jen.Id("h").Op(":=").Op("&").Id("handler").Values(handlerFields),
		jen.Id("router").Op(":=").Op("&").Qual(restPkg, "Router").Values(jen.Dict{jen.Id("ErrorHandler"): jen.Id("opts").Dot("ErrorHandler")}),
		jen.Id("routes").Op(":=").Index().Struct(
			jen.Id("pattern").String().Comment("empty when a route dispatcher picks the operation"),
			jen.Id("op").Op("*").Qual(middlewarePkg, "Operation"),
			jen.Id("serve").Qual("net/http", "HandlerFunc"),
		).Values(routes...),
		jen.For(jen.List(jen.Id("_"), jen.Id("rt")).Op(":=").Range().Id("routes")).Block(
			jen.List(jen.Id("next"), jen.Err()).Op(":=").Id("h").Dot("wrap").Call(jen.Id("rt").Dot("op"), jen.Id("rt").Dot("serve")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Do(func(st *jen.Statement) {
				if len(dispatchers) > 0 {
					st.If(jen.Id("rt").Dot("pattern").Op("==").Lit("")).Block(
						jen.Id("h").Dot("routed").Index(jen.Id("rt").Dot("op")).Op("=").Id("next"),
						jen.Continue(),
					)
				}
			}),
			jen.If(jen.Err().Op(":=").Id("router").Dot("Handle").Call(jen.Id("rt").Dot("pattern"), jen.Id("next")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		),
		jen.Do(func(st *jen.Statement) {
			for i, d := range dispatchers {
				if i > 0 {
					st.Line()
				}
				st.Add(d)
			}
		}),
		jen.If(jen.Id("opts").Dot("SpecPath").Op("!=").Lit("")).Block(
			jen.If(jen.Err().Op(":=").Id("router").Dot("Handle").Call(jen.Lit("GET ").Op("+").Id("opts").Dot("SpecPath"), jen.Qual(restPkg, "SpecHandler").Call(jen.Id("SpecJSON"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		),
		jen.List(jen.Id("mux"), jen.Err()).Op(":=").Id("router").Dot("Handler").Call(),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.If(jen.Id("opts").Dot("BasePath").Op("!=").Lit("")).Block(
			jen.Return(jen.Qual(restPkg, "StripBasePath").Call(jen.Id("opts").Dot("BasePath"), jen.Id("mux"), jen.Id("opts").Dot("ErrorHandler")), jen.Nil()),
		),
		jen.Return(jen.Id("mux"), jen.Nil()),
	)
	f.Line()
	f.Comment("wrap puts an operation's middleware and authentication around its")
	f.Comment("handler, after attaching the operation to the request context for")
	f.Comment("them. With neither, the handler attaches it itself (rest.NewCall),")
	f.Comment("which saves a copy of the request.")
	f.Func().Params(jen.Id("h").Op("*").Id("handler")).Id("wrap").Params(jen.Id("op").Op("*").Qual(middlewarePkg, "Operation"), jen.Id("next").Qual("net/http", "Handler")).Params(jen.Qual("net/http", "Handler"), jen.Error()).Block(
		jen.Id("mws").Op(":=").Append(jen.Index().Qual(middlewarePkg, "Middleware").Values(), jen.Id("h").Dot("opts").Dot("Middleware").Op("...")),
		jen.Id("mws").Op("=").Append(jen.Id("mws"), jen.Id("h").Dot("opts").Dot("OperationMiddleware").Index(jen.Id("op").Dot("ID")).Op("...")),
		jen.Id("next").Op("=").Qual(middlewarePkg, "Chain").Call(jen.Id("mws").Op("...")).Call(jen.Id("next")),
		jen.Id("attach").Op(":=").Len(jen.Id("mws")).Op(">").Lit(0),
		jen.If(jen.Id("op").Dot("Authenticates").Call()).Block(
			jen.Switch().Block(
				jen.Case(jen.Id("h").Dot("opts").Dot("Auth").Op("!=").Nil()).Block(
					jen.If(jen.Err().Op(":=").Id("h").Dot("opts").Dot("Auth").Dot("CheckSecurity").Call(jen.Id("op").Dot("Security")), jen.Err().Op("!=").Nil()).Block(
						jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("operation %s: %w"), jen.Id("op").Dot("ID"), jen.Err())),
					),
					jen.Id("next").Op("=").Id("h").Dot("opts").Dot("Auth").Dot("Handler").Call(jen.Id("next")),
					jen.Id("attach").Op("=").True(),
				),
				jen.Case(jen.Op("!").Id("h").Dot("opts").Dot("SkipAuth")).Block(
					jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("operation %s requires authentication: set ServerOptions.Auth (see NewAuthenticator), or SkipAuth to serve without it"), jen.Id("op").Dot("ID"))),
				),
			),
		),
		jen.If(jen.Op("!").Id("attach")).Block(jen.Return(jen.Id("next"), jen.Nil())),
		jen.Return(jen.Id("op").Dot("Handler").Call(jen.Id("next")), jen.Nil()),
	)
	f.Line()
	for _, g := range groups {
		if g.dispatched() {
			e.groupDispatcher(f, g)
		}
	}
}

// groupDispatcher routes a request among operations that share a pattern,
// by the regular expressions of their segments, then runs the chosen
// operation's middleware.
func (e *emitter) groupDispatcher(f *jen.File, g routeGroup) {
	name := "route" + g.ops[0].GoName
	var body []jen.Code
	for _, o := range g.ops {
		cond := jen.True()
		r := muxRoute(o.Path)
		var conds []jen.Code
		for i, s := range r.Segments {
			conds = append(conds, jen.Id(segmentVar(o, i)).Dot("MatchString").Call(jen.Id("r").Dot("PathValue").Call(jen.Lit(s.Wildcard))))
		}
		if len(conds) > 0 {
			cond = conds[0].(*jen.Statement)
			for _, c := range conds[1:] {
				cond = cond.Op("&&").Add(c)
			}
		}
		body = append(body, jen.If(cond).Block(
			jen.Id("h").Dot("routed").Index(jen.Id(o.GoName+"Operation")).Dot("ServeHTTP").Call(jen.Id("w"), jen.Id("r")),
			jen.Return(),
		))
	}
	body = append(body, notFound())
	if len(g.ops) > 1 {
		f.Comment(fmt.Sprintf("%s picks among the operations that share the pattern %s.", name, strconv.Quote(g.pattern)))
	} else {
		f.Comment(fmt.Sprintf("%s checks the segments of the pattern %s against the operation's path.", name, strconv.Quote(g.pattern)))
	}
	f.Func().Params(jen.Id("h").Op("*").Id("handler")).Id(name).Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request")).Block(body...)
	f.Line()
}

// notFound returns the statement that sends the routing 404 problem
// through the ServerOptions.ErrorHandler.
func notFound() jen.Code {
	return jen.Qual(restPkg, "Fail").Call(jen.Id("w"), jen.Id("r"), jen.Qual(restPkg, "RouteNotFound").Call(), jen.Id("h").Dot("opts").Dot("ErrorHandler"))
}

func segmentVar(o *Operation, i int) string {
	return fmt.Sprintf("%sSegment%d", lowerName(o.GoName), i)
}

func paramVar(o *Operation, p *Param) string {
	return lowerName(o.GoName) + goName(p.In) + p.GoName + "Param"
}

func (e *emitter) operationHandler(f *jen.File, o *Operation) {
	r := muxRoute(o.Path)
	if len(r.Segments) > 0 {
		var defs []jen.Code
		for i, s := range r.Segments {
			defs = append(defs, jen.Id(segmentVar(o, i)).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(s.Regexp)))
		}
		f.Var().Defs(defs...)
		f.Line()
	}
	var body []jen.Code
	for i, s := range r.Segments {
		m := fmt.Sprintf("m%d", i)
		var sets []jen.Code
		for j, n := range s.Names {
			sets = append(sets, jen.Id("r").Dot("SetPathValue").Call(jen.Lit(n), jen.Id(m).Index(jen.Lit(j+1))))
		}
		body = append(body,
			jen.Id(m).Op(":=").Id(segmentVar(o, i)).Dot("FindStringSubmatch").Call(jen.Id("r").Dot("PathValue").Call(jen.Lit(s.Wildcard))),
			jen.If(jen.Id(m).Op("==").Nil()).Block(notFound(), jen.Return()),
		)
		body = append(body, sets...)
	}
	fail := jen.Block(jen.Id("h").Dot("fail").Call(jen.Id("w"), jen.Id("r"), jen.Id("ctx"), jen.Err()), jen.Return())
	body = append(body,
		jen.Id("call").Op(":=").Qual(restPkg, "NewCall").Types(jen.Id(o.GoName+"Request")).Call(jen.Id("r"), jen.Id(o.GoName+"Operation")),
		jen.Id("ctx").Op(":=").Id("call").Dot("Context").Call(),
		jen.Id("req").Op(":=").Op("&").Id("call").Dot("Req"),
		jen.Do(func(st *jen.Statement) {
			if hasInput(o) {
				st.If(jen.Err().Op(":=").Id("decode"+o.GoName+"Request").Call(jen.Id("r"), jen.Id("h").Dot("opts").Dot("MaxBodyBytes"), jen.Id("req")), jen.Err().Op("!=").Nil()).Add(fail)
			}
		}),
		jen.If(jen.Id("hook").Op(":=").Id("h").Dot("opts").Dot("AfterDecode"), jen.Id("hook").Op("!=").Nil()).Block(
			jen.If(jen.Err().Op(":=").Id("hook").Call(jen.Id("r").Dot("WithContext").Call(jen.Id("ctx")), jen.Id(o.GoName+"Operation"), jen.Id("req")), jen.Err().Op("!=").Nil()).Add(fail),
		),
		jen.If(jen.Id("hook").Op(":=").Id("h").Dot("opts").Dot("Hooks").Dot(o.GoName), jen.Id("hook").Op("!=").Nil()).Block(
			jen.If(jen.Err().Op(":=").Id("hook").Call(jen.Id("ctx"), jen.Id("req")), jen.Err().Op("!=").Nil()).Add(fail),
		),
		jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("h").Dot("srv").Dot(o.GoName).Call(jen.Id("ctx"), jen.Id("req")),
		jen.If(jen.Err().Op("!=").Nil()).Add(fail),
		jen.If(jen.Id("resp").Op("==").Nil()).Block(
			jen.Id("h").Dot("fail").Call(jen.Id("w"), jen.Id("r"), jen.Id("ctx"), jen.Qual("errors", "New").Call(jen.Lit(o.GoName+" returned neither a response nor an error"))),
			jen.Return(),
		),
		jen.If(jen.Err().Op(":=").Id("write"+o.GoName+"Response").Call(jen.Id("w"), jen.Id("resp")), jen.Err().Op("!=").Nil()).Block(
			jen.Comment("The status line may be out already, so the error cannot be sent."),
			jen.Return(),
		),
	)
	f.Func().Params(jen.Id("h").Op("*").Id("handler")).Id(handlerMethod(o)).Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("r").Op("*").Qual("net/http", "Request")).Block(body...)
	f.Line()
}

// objectParam returns the struct that an object parameter, not one given
// as JSON content, is read into, or nil for other parameters.
func objectParam(p *Param) *Decl {
	if p.JSONContent || p.Type.Kind != RefNamed {
		return nil
	}
	if d := resolveAlias(p.Type.Decl); d.Kind == DeclStruct && needsObject(d) {
		return d
	}
	return nil
}

// paramShape picks the params.Spec method that reads a parameter.
func paramShape(t *TypeRef) string {
	switch t.Kind {
	case RefSlice:
		return "Array"
	case RefMap:
		return "Object"
	case RefNamed:
		d := resolveAlias(t.Decl)
		switch d.Kind {
		case DeclStruct:
			return "Object"
		case DeclDefined:
			if d.Underlying != nil && d.Underlying.Kind != RefNamed {
				return paramShape(d.Underlying)
			}
		}
	}
	return "Primitive"
}

func (e *emitter) paramSpecVars(f *jen.File, o *Operation) {
	var defs []jen.Code
	for _, p := range o.Params {
		fields := jen.Dict{
			jen.Id("Name"):    jen.Lit(p.Name),
			jen.Id("In"):      jen.Qual(paramsPkg, "In"+goName(p.In)),
			jen.Id("Style"):   jen.Qual(paramsPkg, "Style").Call(jen.Lit(p.Style)),
			jen.Id("Explode"): jen.Lit(p.Explode),
		}
		if p.AllowReserved {
			fields[jen.Id("AllowReserved")] = jen.True()
		}
		if d := objectParam(p); d != nil && d.Closed && p.Explode && p.Style == "form" {
			// A query key or cookie outside a closed object's properties
			// belongs to another parameter, so only the declared names
			// are read.
			var names []jen.Code
			for _, fl := range d.Fields {
				names = append(names, jen.Lit(fl.JSONName))
			}
			fields[jen.Id("Properties")] = jen.Index().String().Values(names...)
		} else if p.In == "query" && p.Explode && p.Style == "form" && paramShape(p.Type) == "Object" {
			var others []jen.Code
			for _, q := range o.Params {
				if q.In == "query" && q != p {
					others = append(others, jen.Lit(q.Name))
				}
			}
			fields[jen.Id("Exclude")] = jen.Index().String().Values(others...)
		}
		defs = append(defs, jen.Id(paramVar(o, p)).Op("=").Op("&").Qual(paramsPkg, "Spec").Values(fields))
	}
	if len(defs) > 0 {
		f.Var().Defs(defs...)
		f.Line()
	}
}

// paramSpecs writes the params.Spec of every parameter, which servers
// and clients share.
func (e *emitter) paramSpecs(f *jen.File) {
	for _, o := range e.model.Operations {
		e.paramSpecVars(f, o)
	}
}

// hasInput reports whether an operation has parameters or a body to decode.
func hasInput(o *Operation) bool {
	return len(o.Params) > 0 || o.Body != nil
}

func (e *emitter) requestDecoder(f *jen.File, o *Operation) {
	if !hasInput(o) {
		return
	}
	var body []jen.Code
	if len(o.Params) > 0 {
		body = append(body, jen.Var().Id("perrs").Qual(restPkg, "ParamErrors"))
		for _, p := range o.Params {
			body = append(body, e.decodeParam(o, p)...)
		}
		body = append(body, jen.If(jen.Err().Op(":=").Id("perrs").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
	if o.Body != nil {
		body = append(body, e.decodeBody(o)...)
	}
	body = append(body, jen.Return(jen.Nil()))
	f.Comment(fmt.Sprintf("decode%sRequest reads and validates the parameters and body of the %s into req.", o.GoName, sanitizeLine(describe(o))))
	f.Func().Id("decode"+o.GoName+"Request").Params(jen.Id("r").Op("*").Qual("net/http", "Request"), jen.Id("maxBody").Int64(), jen.Id("req").Op("*").Id(o.GoName+"Request")).Error().Block(body...)
	f.Line()
}

func groupName(in string) string {
	for _, l := range paramLocations {
		if l.in == in {
			return l.group
		}
	}
	return goName(in)
}

func (e *emitter) decodeParam(o *Operation, p *Param) []jen.Code {
	if kind := scalarKind(p.Type); kind != "" && !p.JSONContent && paramShape(p.Type) == "Primitive" {
		return e.decodeScalarParam(o, p, kind)
	}
	sv := jen.Id(paramVar(o, p))
	field := "req." + groupName(p.In) + "." + p.GoName
	shape := paramShape(p.Type)
	if p.JSONContent {
		shape = "JSON"
	}
	readCall := jen.Id("perrs").Dot("ReadParam").Call(jen.Id("r"), sv, jen.Qual(restPkg, shape), jen.Op("&").Id(field))
	read := jen.List(jen.Id("ok"), jen.Err()).Op(":=").Add(readCall)
	x := field
	if !p.Required && !isNilable(p.Type) {
		x = "(*" + field + ")"
	}
	var present []jen.Code
	if d := objectParam(p); d != nil {
		// Validate checks the property names as it checks the members
		// of a JSON body, for absent required properties and
		// undeclared ones.
		read = jen.List(jen.Id("names"), jen.Id("ok"), jen.Err()).Op(":=").Add(jen.Id("perrs").Dot("ReadObject").Call(jen.Id("r"), sv, jen.Op("&").Id(field)))
		present = append(present, jen.Id(field).Dot("scan").Op("=").Id(objectVar(d)).Dot("ScanNames").Call(jen.Id("names")))
	}
	var checks []jen.Code
	e.inDirection("InRequest", func() { checks = e.site(x, p.Type, `""`, 0) })
	if len(checks) > 0 {
		present = append(present, jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors")))
		present = append(present, checks...)
		present = append(present, jen.Id("perrs").Dot("AddValidation").Call(jen.Lit(p.Name), jen.Lit(p.In), jen.Op("*").Id("e")))
	}
	if p.JSONContent && x != field {
		// A JSON parameter can be the text null, which leaves the
		// pointer nil: valid only when the schema accepts null.
		var null jen.Code = jen.Null()
		if !(p.Type.Schema != nil && isNullable(p.Type.Schema) || namedNullable(p.Type)) {
			null = jen.Id("perrs").Dot("AddValidation").Call(jen.Lit(p.Name), jen.Lit(p.In), jen.Qual(oasPkg, "Errors").Values(jen.Values(jen.Dict{jen.Id("Message"): jen.Lit("must not be null")})))
		}
		if len(present) > 0 {
			present = []jen.Code{jen.If(jen.Id(field).Op("==").Nil()).Block(null).Else().Block(present...)}
		} else {
			present = []jen.Code{jen.If(jen.Id(field).Op("==").Nil()).Block(null)}
		}
	}
	def, hasDefault := defaultText(p)
	hasDefault = hasDefault && !p.JSONContent
	if len(present) == 0 && !p.Required && !hasDefault {
		read = jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(readCall)
	}
	stmt := jen.If(read, jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	if len(present) > 0 {
		stmt = stmt.Else().If(jen.Id("ok")).Block(present...)
	}
	// absent is the condition for a parameter that the request lacks, as
	// opposed to one it carries with an invalid value.
	absent := jen.Op("!").Id("ok").Op("&&").Op("!").Id("perrs").Dot("Failed").Call(sv)
	if len(present) > 0 {
		absent = jen.Op("!").Id("perrs").Dot("Failed").Call(sv)
	}
	switch {
	case p.Required:
		stmt = stmt.Else().If(absent).Block(jen.Id("perrs").Dot("Add").Call(jen.Add(sv).Dot("Missing").Call()))
	case hasDefault:
		stmt = stmt.Else().If(absent).Block(jen.Id("_").Op("=").Add(sv).Dot("Set").Call(jen.Lit(def), jen.Op("&").Id(field)))
	}
	return []jen.Code{stmt}
}

// scalarKind returns the Go type that a parameter of type t converts to
// without reflection (string, int32, int64, float32, float64 or bool), or
// "" for other types, which params.Spec.Set converts.
func scalarKind(t *TypeRef) string {
	switch t.Kind {
	case RefBuiltin:
		switch t.Builtin {
		case "string", "int32", "int64", "float32", "float64", "bool":
			return t.Builtin
		}
	case RefNamed:
		d := resolveAlias(t.Decl)
		switch {
		case d.Kind == DeclEnum && d.Base != nil:
			return scalarKind(d.Base)
		case d.Kind == DeclDefined && d.Underlying != nil:
			return scalarKind(d.Underlying)
		}
	}
	return ""
}

// scalarParsers names the params.Spec method that converts each scalar
// kind other than string.
var scalarParsers = map[string]string{
	"int32":   "ParseInt32",
	"int64":   "ParseInt64",
	"float32": "ParseFloat32",
	"float64": "ParseFloat64",
	"bool":    "ParseBool",
}

// decodeScalarParam reads a primitive parameter whose Go type is a string,
// number or boolean with typed conversions, which cost a fraction of the
// reflection in params.Spec.Set:
//
//	if text, ok, err := perrs.Text(r, spec); err != nil {
//		return err
//	} else if ok {
//		if v, err := spec.ParseInt32(text); perrs.Parsed(err) {
//			req.Query.Limit = &v
//			// checks
//		}
//	} else if !ok {
//		// missing, or the default
//	}
func (e *emitter) decodeScalarParam(o *Operation, p *Param, kind string) []jen.Code {
	sv := jen.Id(paramVar(o, p))
	field := "req." + groupName(p.In) + "." + p.GoName
	pointer := !p.Required && !isNilable(p.Type)
	named := p.Type.Kind != RefBuiltin

	// assign stores the scalar variable v in the field.
	assign := func(v string) []jen.Code {
		val := jen.Id(v)
		if named {
			val = typ(p.Type).Call(jen.Id(v))
		}
		switch {
		case !pointer:
			return []jen.Code{jen.Id(field).Op("=").Add(val)}
		case named:
			return []jen.Code{jen.Id("tv").Op(":=").Add(val), jen.Id(field).Op("=").Op("&").Id("tv")}
		}
		return []jen.Code{jen.Id(field).Op("=").Op("&").Id(v)}
	}

	x := field
	if pointer {
		x = "(*" + field + ")"
	}
	var present []jen.Code
	if kind == "string" {
		present = assign("text")
	} else {
		present = assign("v")
	}
	var checks []jen.Code
	e.inDirection("InRequest", func() { checks = e.site(x, p.Type, `""`, 0) })
	if len(checks) > 0 {
		present = append(present, jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors")))
		present = append(present, checks...)
		present = append(present, jen.Id("perrs").Dot("AddValidation").Call(jen.Lit(p.Name), jen.Lit(p.In), jen.Op("*").Id("e")))
	}
	if kind != "string" {
		present = []jen.Code{jen.If(
			jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(sv).Dot(scalarParsers[kind]).Call(jen.Id("text")),
			jen.Id("perrs").Dot("Parsed").Call(jen.Err()),
		).Block(present...)}
	}

	var absent []jen.Code
	if p.Required {
		absent = []jen.Code{jen.Id("perrs").Dot("Add").Call(jen.Add(sv).Dot("Missing").Call())}
	} else if lit, ok := scalarDefault(p, kind); ok {
		val := jen.Id(kind).Call(lit)
		switch {
		case named:
			val = typ(p.Type).Call(lit)
		case kind == "string" || kind == "bool":
			val = jen.Add(lit)
		}
		absent = []jen.Code{jen.Id("d").Op(":=").Add(val)}
		if pointer {
			absent = append(absent, jen.Id(field).Op("=").Op("&").Id("d"))
		} else {
			absent = append(absent, jen.Id(field).Op("=").Id("d"))
		}
	}

	stmt := jen.If(
		jen.List(jen.Id("text"), jen.Id("ok"), jen.Err()).Op(":=").Id("perrs").Dot("Text").Call(jen.Id("r"), sv),
		jen.Err().Op("!=").Nil(),
	).Block(jen.Return(jen.Err())).Else().If(jen.Id("ok")).Block(present...)
	if len(absent) > 0 {
		stmt = stmt.Else().If(jen.Op("!").Id("perrs").Dot("Failed").Call(sv)).Block(absent...)
	}
	return []jen.Code{stmt}
}

// scalarDefault returns the literal of a scalar parameter's default, when
// it has one of the parameter's kind. build warns about defaults that do
// not fit.
func scalarDefault(p *Param, kind string) (jen.Code, bool) {
	s := p.Type.Schema
	if s == nil || s.Default == nil {
		return nil, false
	}
	return scalarLiteral(s.Default, kind)
}

// scalarLiteral returns the untyped Go literal of a default value from the
// spec when it is a value of the scalar kind.
func scalarLiteral(def any, kind string) (jen.Code, bool) {
	switch v := def.(type) {
	case string:
		if kind == "string" {
			return jen.Lit(v), true
		}
	case bool:
		if kind == "bool" {
			return jen.Lit(v), true
		}
	case float64:
		switch kind {
		case "int32", "int64":
			if v != math.Trunc(v) || !fitsInt(v, kind) {
				return nil, false
			}
			return jen.Op(strconv.FormatInt(int64(v), 10)), true
		case "float32", "float64":
			return jen.Op(formatNumber(v)), true
		}
	}
	return nil, false
}

// fitsInt reports whether the whole number v fits the integer kind.
func fitsInt(v float64, kind string) bool {
	if kind == "int32" {
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return v >= -(1<<63) && v < 1<<63
}

// defaultText returns the text form of a primitive parameter's default.
func defaultText(p *Param) (string, bool) {
	s := p.Type.Schema
	if s == nil || s.Default == nil || paramShape(p.Type) != "Primitive" {
		return "", false
	}
	switch v := s.Default.(type) {
	case string:
		return v, true
	case float64:
		return formatNumber(v), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// mediaMatch returns the condition under which a request's media type mt
// (a Go variable) selects the content c.
func mediaMatch(c *Content) jen.Code {
	base := strings.ToLower(strings.TrimSpace(strings.SplitN(c.MediaType, ";", 2)[0]))
	switch {
	case base == "*/*":
		return jen.True()
	case strings.HasSuffix(base, "/*"):
		return jen.Qual("strings", "HasPrefix").Call(jen.Id("mt"), jen.Lit(strings.TrimSuffix(base, "*")))
	}
	return jen.Id("mt").Op("==").Lit(base)
}

func (e *emitter) decodeBody(o *Operation) []jen.Code {
	var cases []jen.Code
	var accepted []jen.Code
	for _, c := range o.Body.Contents {
		accepted = append(accepted, jen.Lit(c.MediaType))
		field := "req." + c.Field
		var decode []jen.Code
		switch c.Kind {
		case "json":
			// Decoding into the field itself leaves a pointer nil for a
			// null body, so null is distinguished from an empty value.
			decode = append(decode, jen.If(jen.Err().Op(":=").Qual(restPkg, "DecodeJSON").Call(jen.Id("body"), jen.Op("&").Id(field)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			if isNilable(c.Type) {
				decode = append(decode, e.bodyValidation(field, c)...)
				break
			}
			validation := e.bodyValidation(field, c)
			if contentNullable(c) {
				if len(validation) > 0 {
					decode = append(decode, jen.If(jen.Id(field).Op("!=").Nil()).Block(validation...))
				}
				break
			}
			decode = append(decode, jen.If(jen.Id(field).Op("==").Nil()).Block(
				jen.Return(jen.Qual(restPkg, "Invalid").Call(jen.Qual(oasPkg, "Errors").Values(jen.Values(jen.Dict{jen.Id("Message"): jen.Lit("must not be null")})))),
			))
			decode = append(decode, validation...)
		case "form":
			target := jen.Op("&").Id(field)
			if !isNilable(c.Type) {
				decode = append(decode, jen.Id(field).Op("=").New(typ(c.Type)))
				target = jen.Id(field)
			}
			decode = append(decode, formNames(field, c, jen.Qual(restPkg, "DecodeForm").Call(jen.Id("body"), target))...)
			decode = append(decode, e.bodyValidation(field, c)...)
		case "multipart":
			target := jen.Op("&").Id(field)
			if !isNilable(c.Type) {
				decode = append(decode, jen.Id(field).Op("=").New(typ(c.Type)))
				target = jen.Id(field)
			}
			decode = append(decode, formNames(field, c, jen.Qual(restPkg, "DecodeMultipart").Call(jen.Id("body"), jen.Id("r").Dot("Header").Dot("Get").Call(jen.Lit("Content-Type")), target))...)
			decode = append(decode, e.bodyValidation(field, c)...)
		case "text":
			decode = append(decode, jen.Id("s").Op(":=").String().Call(jen.Id("body")), jen.Id(field).Op("=").Op("&").Id("s"))
		default:
			decode = append(decode, jen.Id(field).Op("=").Id("body"))
		}
		cases = append(cases, jen.Case(mediaMatch(c)).Block(decode...))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Qual(restPkg, "UnsupportedMediaType").Call(append([]jen.Code{jen.Id("mt")}, accepted...)...))))
	// The body comes last, so an absent optional body ends decoding.
	empty := jen.Return(jen.Nil())
	if o.Body.Required {
		empty = jen.Return(jen.Qual(problemPkg, "NewError").Call(jen.Qual("net/http", "StatusBadRequest"), jen.Lit("the request body is required")))
	}
	return []jen.Code{
		jen.List(jen.Id("body"), jen.Err()).Op(":=").Qual(restPkg, "ReadBody").Call(jen.Id("r"), jen.Id("maxBody")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.Len(jen.Id("body")).Op("==").Lit(0)).Block(empty),
		jen.Switch(jen.Id("mt").Op(":=").Qual(restPkg, "MediaType").Call(jen.Id("r")).Op(";")).Block(cases...),
	}
}

// formNames calls decode, a rest.DecodeForm or DecodeMultipart call, and,
// for a struct body, records which required members the names it returns
// lack and which undeclared ones they carry, for Validate to report.
func formNames(field string, c *Content, decode *jen.Statement) []jen.Code {
	if c.Type.Kind == RefNamed {
		if d := resolveAlias(c.Type.Decl); d.Kind == DeclStruct && needsObject(d) {
			return []jen.Code{
				jen.List(jen.Id("names"), jen.Err()).Op(":=").Add(decode),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
				jen.Id(field).Dot("scan").Op("=").Id(objectVar(d)).Dot("ScanNames").Call(jen.Id("names")),
			}
		}
	}
	return []jen.Code{jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(decode), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
}

func (e *emitter) bodyValidation(field string, c *Content) []jen.Code {
	if c.Type.Kind == RefNamed {
		if !e.needsValidate(c.Type.Decl) {
			return nil
		}
		return []jen.Code{jen.If(jen.Err().Op(":=").Qual(restPkg, "Invalid").Call(jen.Id(field).Dot("ValidateFor").Call(jen.Qual(oasPkg, "InRequest"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
	}
	x := field
	if !isNilable(c.Type) {
		x = "(*" + field + ")"
	}
	var checks []jen.Code
	e.inDirection("InRequest", func() { checks = e.site(x, c.Type, `""`, 0) })
	if len(checks) == 0 {
		return nil
	}
	block := append([]jen.Code{jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors"))}, checks...)
	block = append(block, jen.If(jen.Err().Op(":=").Qual(restPkg, "Invalid").Call(jen.Id("e").Dot("Err").Call()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	return []jen.Code{jen.Block(block...)}
}

func defaultStatus(status string) int {
	if n, err := strconv.Atoi(status); err == nil {
		return n
	}
	if len(status) == 3 && status[1] == 'X' {
		return int(status[0]-'0') * 100
	}
	return 500
}

func (e *emitter) responseWriter(f *jen.File, o *Operation) {
	var cases []jen.Code
	for _, r := range o.Responses {
		var body []jen.Code
		always := false
		status := jen.Lit(defaultStatus(r.Status))
		if _, err := strconv.Atoi(r.Status); err != nil {
			body = append(body,
				jen.Id("status").Op(":=").Id("resp").Dot("Status"),
				jen.If(jen.Id("status").Op("==").Lit(0)).Block(jen.Id("status").Op("=").Lit(defaultStatus(r.Status))),
			)
			status = jen.Id("status")
		}
		for _, h := range r.Headers {
			body = append(body, jen.Qual(restPkg, "SetHeader").Call(jen.Id("w").Dot("Header").Call(), jen.Lit(h.Name), jen.Id("resp").Dot(h.GoName)))
		}
		for _, c := range r.Contents {
			field := jen.Id("resp").Dot(c.Field)
			var write jen.Code
			omits := e.typeOmits(c.Type, responseFlow)
			writeJSON := func() jen.Code {
				value := field
				if omits {
					value = e.encoded(field, !isNilable(c.Type), c.Type, responseFlow, 0)
				}
				return jen.Return(jen.Qual(restPkg, "WriteJSON").Call(jen.Id("w"), status, jen.Lit(c.MediaType), value))
			}
			switch c.Kind {
			case "json":
				write = writeJSON()
			case "text":
				write = jen.Return(jen.Qual(restPkg, "WriteBytes").Call(jen.Id("w"), status, jen.Lit(c.MediaType), jen.Index().Byte().Call(jen.Op("*").Add(field))))
			default:
				if c.Type.Kind == RefBuiltin && c.Type.Builtin == "[]byte" {
					write = jen.Return(jen.Qual(restPkg, "WriteBytes").Call(jen.Id("w"), status, jen.Lit(c.MediaType), field))
				} else {
					write = writeJSON()
				}
			}
			if c.Kind == "json" && len(r.Contents) == 1 && (c.Type.Kind == RefSlice || c.Type.Kind == RefMap) {
				// An array or object body is always sent: nil becomes [] or {}.
				if omits {
					// WriteJSON writes nil as [] or {}, where the encoder
					// of a nil slice or map would write null.
					body = append(body, jen.If(jen.Add(field).Op("!=").Nil()).Block(write))
					write = jen.Return(jen.Qual(restPkg, "WriteJSON").Call(jen.Id("w"), status, jen.Lit(c.MediaType), field))
				}
				body = append(body, write)
				always = true
				break
			}
			body = append(body, jen.If(jen.Id("resp").Dot(c.Field).Op("!=").Nil()).Block(write))
		}
		if !always {
			body = append(body, jen.Id("w").Dot("WriteHeader").Call(status), jen.Return(jen.Nil()))
		}
		cases = append(cases, jen.Case(jen.Op("*").Id(r.GoName)).Block(body...))
	}
	uses := false
	for _, r := range o.Responses {
		_, err := strconv.Atoi(r.Status)
		uses = uses || len(r.Headers) > 0 || len(r.Contents) > 0 || err != nil
	}
	var sw jen.Code = jen.Switch(jen.Id("resp").Assert(jen.Type())).Block(cases...)
	if uses {
		sw = jen.Switch(jen.Id("resp").Op(":=").Id("resp").Assert(jen.Type())).Block(cases...)
	}
	if len(cases) == 0 {
		sw = jen.Null()
	}
	f.Comment(fmt.Sprintf("write%sResponse sends a response of the %s.", o.GoName, sanitizeLine(describe(o))))
	if e.responsesOmit(o) {
		f.Comment("JSON bodies leave out writeOnly properties, even required ones, without changing resp.")
	}
	f.Func().Id("write"+o.GoName+"Response").Params(jen.Id("w").Qual("net/http", "ResponseWriter"), jen.Id("resp").Id(o.GoName+"Response")).Error().Block(
		sw,
		jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("unknown response type %T"), jen.Id("resp"))),
	)
	f.Line()
}

// responsesOmit reports whether a JSON body of some response of o leaves
// out writeOnly properties.
func (e *emitter) responsesOmit(o *Operation) bool {
	for _, r := range o.Responses {
		for _, c := range r.Contents {
			if e.typeOmits(c.Type, responseFlow) {
				return true
			}
		}
	}
	return false
}

// securityDefinitions writes the scheme table, the typed validators and
// NewAuthenticator.
func (e *emitter) securityDefinitions(f *jen.File) {
	schemes := e.model.SecuritySchemes
	dict := jen.Dict{}
	var fields []jen.Code
	var body []jen.Code
	body = append(body, jen.Id("validators").Op(":=").Map(jen.String()).Qual(middlewarePkg, "Validator").Values())
	for _, s := range schemes {
		kind := map[string]string{"apiKey": "SchemeAPIKey", "http": "SchemeHTTP", "oauth2": "SchemeOAuth2", "openIdConnect": "SchemeOpenIDConnect", "mutualTLS": "SchemeMutualTLS"}[s.Type]
		if kind == "" {
			continue
		}
		d := jen.Dict{jen.Id("Type"): jen.Qual(middlewarePkg, kind)}
		if s.In != "" {
			d[jen.Id("In")] = jen.Lit(s.In)
		}
		if s.ParamName != "" {
			d[jen.Id("Name")] = jen.Lit(s.ParamName)
		}
		if s.Scheme != "" {
			d[jen.Id("Scheme")] = jen.Lit(s.Scheme)
		}
		dict[jen.Lit(s.Name)] = jen.Values(d)

		ctx := jen.Id("ctx").Qual("context", "Context")
		var sig jen.Code
		var wrapFn string
		var what string
		switch {
		case s.Type == "apiKey":
			sig, wrapFn, what = jen.Func().Params(ctx, jen.Id("key").String()).Params(jen.Any(), jen.Error()), "APIKeyValidator", "checks an API key"
		case s.Type == "http" && s.Scheme == "basic":
			sig, wrapFn, what = jen.Func().Params(ctx, jen.List(jen.Id("user"), jen.Id("password")).String()).Params(jen.Any(), jen.Error()), "BasicValidator", "checks HTTP basic credentials"
		case s.Type == "http" && s.Scheme != "bearer":
			sig, wrapFn, what = jen.Func().Params(ctx, jen.Id("credentials").String()).Params(jen.Any(), jen.Error()), "CredentialsValidator", "checks the credentials of the "+s.Scheme+" scheme"
		case s.Type == "mutualTLS":
			sig, wrapFn, what = jen.Func().Params(ctx, jen.Id("state").Op("*").Qual("crypto/tls", "ConnectionState")).Params(jen.Any(), jen.Error()), "CertificateValidator", "checks the client certificate"
		default:
			sig, wrapFn, what = jen.Func().Params(ctx, jen.Id("token").String()).Params(jen.Any(), jen.Index().String(), jen.Error()), "TokenValidator", "checks a bearer token and returns its scopes"
		}
		doc := fmt.Sprintf("%s %s for the scheme %s. It returns the principal, or an error wrapping middleware.ErrInvalidCredentials for credentials it rejects (401); any other error gives a 500 response.", s.GoName, what, strconv.Quote(s.Name))
		fields = append(fields, jen.Comment("// "+strings.Join(wrap(doc, 74), "\n// ")))
		fields = append(fields, jen.Id(s.GoName).Add(sig))
		body = append(body, jen.If(jen.Id("v").Dot(s.GoName).Op("!=").Nil()).Block(
			jen.Id("validators").Index(jen.Lit(s.Name)).Op("=").Qual(middlewarePkg, wrapFn).Call(jen.Id("v").Dot(s.GoName)),
		))
	}
	fields = append(fields,
		jen.Comment("Custom replaces the validator of any scheme by name, for custom schemes"),
		jen.Comment("(middleware.RequestValidator) or principals of a concrete type."),
		jen.Id("Custom").Map(jen.String()).Qual(middlewarePkg, "Validator"),
	)
	body = append(body,
		jen.For(jen.List(jen.Id("name"), jen.Id("val")).Op(":=").Range().Id("v").Dot("Custom")).Block(jen.Id("validators").Index(jen.Id("name")).Op("=").Id("val")),
	)
	opts := jen.Dict{
		jen.Id("Schemes"):    jen.Id("SecuritySchemes"),
		jen.Id("Validators"): jen.Id("validators"),
	}
	basic := slices.ContainsFunc(schemes, func(s *SecurityScheme) bool { return s.Type == "http" && s.Scheme == "basic" })
	if basic {
		// RFC 7617 requires a realm in Basic challenges.
		opts[jen.Id("Realm")] = jen.Lit(e.model.Title)
	}
	body = append(body, jen.Return(jen.Qual(middlewarePkg, "NewAuthenticator").Call(jen.Qual(middlewarePkg, "AuthOptions").Values(opts))))
	f.Comment("SecuritySchemes lists the spec's security schemes by name.")
	f.Var().Id("SecuritySchemes").Op("=").Map(jen.String()).Qual(middlewarePkg, "SecurityScheme").Values(dict)
	f.Line()
	f.Comment("SecurityValidators holds one typed validator per security scheme. A scheme")
	f.Comment("without a validator rejects every request that relies on it.")
	f.Type().Id("SecurityValidators").Struct(fields...)
	f.Line()
	f.Comment("NewAuthenticator returns the authenticator for ServerOptions.Auth: it responds")
	f.Comment("401 with a challenge per accepted scheme when credentials are missing or")
	f.Comment("invalid, and 403 when a token lacks a required scope.")
	if basic {
		f.Comment("The challenges carry the spec's title as their realm.")
	}
	f.Func().Id("NewAuthenticator").Params(jen.Id("v").Id("SecurityValidators")).Params(jen.Op("*").Qual(middlewarePkg, "Authenticator"), jen.Error()).Block(body...)
	f.Line()
}

// specFile writes spec.go, which embeds the spec as JSON for SpecPath.
func specFile(f *jen.File) {
	f.Anon("embed")
	f.Comment("SpecJSON is the OpenAPI document the package was generated from, as JSON.")
	f.Comment("//go:embed openapi.json")
	f.Var().Id("SpecJSON").Index().Byte()
}

// contentNullable reports whether a body's schema accepts null.
func contentNullable(c *Content) bool {
	if c.Type.Schema != nil && isNullable(c.Type.Schema) {
		return true
	}
	return c.Type.Kind == RefNamed && c.Type.Decl.Nullable
}
