package generator

import (
	"fmt"
	"math"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

var methodOrder = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY"}

// Build turns a loaded spec into the Model that emitters read. pkg is the
// Go package name of the output.
func Build(spec *Spec, pkg string) (*Model, error) {
	return build(spec, Config{Package: pkg})
}

func build(spec *Spec, cfg Config) (*Model, error) {
	pkg, overrides := cfg.Package, cfg.Names
	m := &Model{
		SpecFile: path.Base(strings.ReplaceAll(spec.Path, "\\", "/")),
		Package:  pkg,
		SpecJSON: spec.JSON(),
	}
	if spec.Doc.Info != nil {
		m.Title, m.Version = spec.Doc.Info.Title, spec.Doc.Info.Version
	}
	b := &builder{
		spec:       spec,
		model:      m,
		names:      newScope(reservedNames...),
		base:       spec.base,
		components: make(map[string]*Decl),
		unfilled:   make(map[*Decl]*openapi3.SchemaRef),
		patterns:   make(map[string]*Pattern),
		warned:     make(map[string]bool),
		building:   make(map[*openapi3.Schema]bool),
		overrides:  overrides,
		used:       make(map[string]bool),
	}
	b.declareComponents()
	b.fillComponents()
	b.securitySchemes()
	b.operations()
	b.webhooks()
	m.Receiver = b.receiverModel(cfg.Receiver)
	b.breakValueCycles()
	for _, key := range sortedKeys(overrides) {
		if !b.used[key] {
			b.warn("/", fmt.Sprintf("names: %q matches no component schema pointer, operationId or webhook name", key), "the override is unused")
		}
	}
	sortDecls(m.Decls)
	m.Diagnostics = spec.locate(m.Diagnostics)
	if m.Diagnostics.HasErrors() {
		// The model comes back too, so that callers can inspect it.
		return m, &DiagnosticsError{Diagnostics: onlyErrors(m.Diagnostics)}
	}
	return m, nil
}

// reservedNames are package-level names that generated files declare
// themselves, so that no schema can take them.
var reservedNames = []string{
	"Operations", "Webhooks", "SecuritySchemes", "OperationInfo", "Server", "Handler",
	"Unimplemented", "NewServer", "NewHandler", "Client", "NewClient", "Receiver",
	"NewReceiver", "WebhookHandler", "Sender", "NewSender", "SpecJSON", "Option",
	"ServerOption", "ServerOptions", "ClientOption", "ErrorHandler", "SecurityHandler",
	"OperationHooks", "SecurityValidators", "NewAuthenticator", "WithHTTPClient",
	"WithRequestEditor", "UnimplementedWebhookHandler", "NewWebhookVerifier",
	"WebhookSignatureScheme", "Service", "WebhookService",
}

func (b *builder) operations() {
	paths := b.spec.Doc.Paths
	if paths == nil {
		return
	}
	keys := paths.InMatchingOrder()
	sort.Strings(keys)
	for _, key := range keys {
		item := paths.Value(key)
		if item == nil {
			continue
		}
		for _, method := range methodOrder {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			ptr := joinSegments([]string{"paths", key, strings.ToLower(method)})
			b.model.Operations = append(b.model.Operations, b.operation(op, item, method, key, "", ptr))
		}
	}
}

func (b *builder) webhooks() {
	hooks := b.spec.Doc.Webhooks
	for _, name := range sortedKeys(hooks) {
		item := hooks[name]
		if item == nil {
			continue
		}
		for _, method := range methodOrder {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			ptr := joinSegments([]string{"webhooks", name, strings.ToLower(method)})
			b.model.Webhooks = append(b.model.Webhooks, b.operation(op, item, method, "", name, ptr))
		}
	}
}

func (b *builder) operation(op *openapi3.Operation, item *openapi3.PathItem, method, key, hook, ptr string) *Operation {
	o := &Operation{
		ID:          op.OperationID,
		Method:      method,
		Webhook:     hook != "",
		Name:        hook,
		Tags:        op.Tags,
		Summary:     op.Summary,
		Description: op.Description,
		Deprecated:  op.Deprecated,
		Pointer:     ptr,
	}
	base := op.OperationID
	switch {
	case hook != "":
		base = hook
		if method != "POST" {
			base = hook + " " + method
		}
		if o.ID == "" {
			o.ID = hook
		}
	case base == "":
		base = strings.ToLower(method) + " " + key
		o.ID = strings.ToLower(method) + " " + key
	}
	o.Path = key
	if i := strings.IndexByte(key, '?'); i >= 0 {
		o.Path = key[:i]
		q, _ := url.ParseQuery(key[i+1:])
		for _, k := range sortedKeys(q) {
			o.QueryConst = append(o.QueryConst, [2]string{k, q.Get(k)})
		}
	}
	overrideKey := o.ID
	if hook != "" {
		overrideKey = hook
	}
	if name, ok := b.overrides[overrideKey]; ok {
		b.used[overrideKey] = true
		base = name
	}
	o.GoName = b.operationName(goName(base), ptr)
	o.Security = b.security(op, hook != "")
	o.Params = b.params(o, item.Parameters, op.Parameters, ptr)
	o.Body = b.body(o, op.RequestBody, ptr+"/requestBody")
	o.Responses = b.responses(o, op.Responses, ptr+"/responses")
	return o
}

// operationSuffixes name the types and variables declared for each
// operation.
var operationSuffixes = []string{"", "Request", "Response", "Operation", "PathParams", "QueryParams", "HeaderParams", "CookieParams"}

// operationName picks a name whose derived names are all free. Specs often
// name schemas after operations (CreateUserRequest), so the first fallback
// inserts "Op" (CreateUserOpRequest) and later ones number it.
func (b *builder) operationName(base, ptr string) string {
	for i := 0; ; i++ {
		name := base
		switch {
		case i == 1:
			name = base + "Op"
		case i > 1:
			name = base + "Op" + strconv.Itoa(i)
		}
		free := true
		for _, suffix := range operationSuffixes {
			if b.names.has(name + suffix) {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for _, suffix := range operationSuffixes {
			b.names.take(name+suffix, ptr)
		}
		if i > 0 {
			b.note(ptr, "operation name %s clashes with another declaration; this operation's types use %s", base, name)
		}
		return name
	}
}

// params merges path-level and operation-level parameters (the operation
// wins on the same name and location) in a stable order.
func (b *builder) params(o *Operation, pathLevel, opLevel openapi3.Parameters, ptr string) []*Param {
	type keyed struct {
		p   *openapi3.Parameter
		ptr string
	}
	byKey := map[string]keyed{}
	var order []string
	add := func(list openapi3.Parameters, base string) {
		for i, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			k := pr.Value.In + "\x00" + pr.Value.Name
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = keyed{pr.Value, fmt.Sprintf("%s/%d", base, i)}
		}
	}
	add(pathLevel, ptr[:strings.LastIndexByte(ptr, '/')]+"/parameters")
	add(opLevel, ptr+"/parameters")
	fields := map[string]*scope{}
	var out []*Param
	for _, k := range order {
		kp := byKey[k]
		p := kp.p
		if fields[p.In] == nil {
			fields[p.In] = newScope()
		}
		goName, _ := fields[p.In].take(goName(p.Name), kp.ptr)
		param := &Param{
			Name: p.Name, In: p.In, GoName: goName, Required: p.Required || p.In == "path",
			Doc: p.Description, Deprecated: p.Deprecated, AllowReserved: p.AllowReserved,
		}
		param.Style, param.Explode = paramStyle(p)
		hint := o.GoName + goName
		switch {
		case p.Schema != nil:
			param.Type = b.typeOf(p.Schema, hint, kp.ptr+"/schema")
		case len(p.Content) > 0:
			mt := firstMediaType(p.Content)
			param.JSONContent = true
			param.Type = b.typeOf(p.Content[mt].Schema, hint, kp.ptr+"/content/"+escapeSegment(mt)+"/schema")
		default:
			param.Type = &TypeRef{Kind: RefBuiltin, Builtin: "string"}
		}
		b.checkParamDefault(param, kp.ptr)
		out = append(out, param)
	}
	for _, qc := range o.QueryConst {
		out = append(out, &Param{Name: qc[0], In: "query", GoName: goName(qc[0]), Required: true, Style: "form", Explode: true,
			Type: &TypeRef{Kind: RefBuiltin, Builtin: "string", Schema: &openapi3.Schema{Enum: []any{qc[1]}}}, Doc: "Fixed by the path: must be " + strconv.Quote(qc[1]) + "."})
	}
	return out
}

func paramStyle(p *openapi3.Parameter) (string, bool) {
	style := p.Style
	if style == "" {
		switch p.In {
		case "query", "cookie":
			style = "form"
		default:
			style = "simple"
		}
	}
	explode := style == "form"
	if p.Explode != nil {
		explode = *p.Explode
	}
	return style, explode
}

func (b *builder) body(o *Operation, rb *openapi3.RequestBodyRef, ptr string) *Body {
	if rb == nil || rb.Value == nil || len(rb.Value.Content) == 0 {
		return nil
	}
	body := &Body{Required: rb.Value.Required, Doc: rb.Value.Description}
	hint := o.GoName + "Body"
	if o.Webhook {
		hint = o.GoName + "Payload"
	}
	body.Contents = b.contents(rb.Value.Content, hint, ptr+"/content", "Body")
	return body
}

func (b *builder) contents(content openapi3.Content, hint, ptr, field string) []*Content {
	var out []*Content
	kinds := map[string]int{}
	for _, mt := range sortedKeys(content) {
		kinds[mediaKind(mt)]++
	}
	fields := newScope()
	for _, mt := range sortedKeys(content) {
		media := content[mt]
		kind := mediaKind(mt)
		c := &Content{MediaType: mt, Kind: kind}
		name := field
		if len(content) > 1 {
			name = goName(kind) + field
			if kinds[kind] > 1 {
				name = goName(mt) + field
			}
		}
		c.Field, _ = fields.take(name, ptr)
		typeHint := hint
		if len(content) > 1 {
			typeHint = hint + goName(mt)
		}
		switch kind {
		case "json", "form", "multipart":
			if media != nil && media.Schema != nil {
				c.Type = b.typeOf(media.Schema, typeHint, ptr+"/"+escapeSegment(mt)+"/schema")
			} else {
				c.Type = anyRef
			}
			if kind == "multipart" && c.Type.Kind != RefNamed {
				c.Type = &TypeRef{Kind: RefBuiltin, Builtin: "[]byte"}
			}
		case "text":
			c.Type = &TypeRef{Kind: RefBuiltin, Builtin: "string"}
		default:
			c.Type = &TypeRef{Kind: RefBuiltin, Builtin: "[]byte"}
		}
		out = append(out, c)
	}
	return out
}

// mediaKind classifies a media type by how its payload is encoded.
func mediaKind(mt string) string {
	base := strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
	switch {
	case base == "application/json" || strings.HasSuffix(base, "+json") || base == "*/*" && false:
		return "json"
	case base == "application/x-www-form-urlencoded":
		return "form"
	case strings.HasPrefix(base, "multipart/"):
		return "multipart"
	case strings.HasPrefix(base, "text/"):
		return "text"
	}
	return "binary"
}

func firstMediaType(c openapi3.Content) string {
	if _, ok := c["application/json"]; ok {
		return "application/json"
	}
	return sortedKeys(c)[0]
}

func (b *builder) responses(o *Operation, rs *openapi3.Responses, ptr string) []*Response {
	if rs == nil {
		return nil
	}
	codes := make([]string, 0, rs.Len())
	for code := range rs.Map() {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool { return statusOrder(codes[i]) < statusOrder(codes[j]) })
	var out []*Response
	for _, code := range codes {
		rr := rs.Value(code)
		if rr == nil || rr.Value == nil {
			continue
		}
		rptr := ptr + "/" + escapeSegment(code)
		label := strings.ToUpper(code)
		if code == "default" {
			label = "Default"
		}
		name, _ := b.names.take(o.GoName+label+"Response", rptr)
		r := &Response{Status: strings.ToUpper(code), GoName: name}
		if code == "default" {
			r.Status = "default"
		}
		if rr.Value.Description != nil {
			r.Doc = *rr.Value.Description
		}
		for _, h := range sortedKeys(rr.Value.Headers) {
			hr := rr.Value.Headers[h]
			if hr == nil || hr.Value == nil || strings.EqualFold(h, "Content-Type") {
				continue
			}
			p := &Param{Name: h, In: "header", GoName: goName(h), Required: hr.Value.Required, Style: "simple", Doc: hr.Value.Description}
			if hr.Value.Schema != nil {
				p.Type = b.typeOf(hr.Value.Schema, name+goName(h), rptr+"/headers/"+escapeSegment(h)+"/schema")
			} else {
				p.Type = &TypeRef{Kind: RefBuiltin, Builtin: "string"}
			}
			r.Headers = append(r.Headers, p)
		}
		r.Contents = b.contents(rr.Value.Content, name+"Body", rptr+"/content", "Body")
		out = append(out, r)
	}
	return out
}

// statusOrder sorts exact codes first, then ranges, then default.
func statusOrder(code string) int {
	if n, err := strconv.Atoi(code); err == nil {
		return n
	}
	if len(code) == 3 && (code[1] == 'X' || code[1] == 'x') {
		return 1000 + int(code[0]-'0')
	}
	return 2000
}

// security resolves the requirement list of an operation. Webhooks take
// only their own: the document's top-level list describes how clients
// call the API, not how the API's deliveries authenticate to receivers.
func (b *builder) security(op *openapi3.Operation, webhook bool) []Requirement {
	reqs := b.spec.Doc.Security
	if webhook {
		reqs = nil
	}
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []Requirement
	for _, alt := range reqs {
		r := Requirement{}
		for _, name := range sortedKeys(alt) {
			r = append(r, SchemeScopes{Scheme: name, Scopes: alt[name]})
		}
		out = append(out, r)
	}
	return out
}

func (b *builder) securitySchemes() {
	comps := b.spec.Doc.Components
	if comps == nil {
		return
	}
	for _, name := range sortedKeys(comps.SecuritySchemes) {
		sr := comps.SecuritySchemes[name]
		if sr == nil || sr.Value == nil {
			continue
		}
		v := sr.Value
		s := &SecurityScheme{
			Name: name, GoName: goName(name), Type: v.Type, In: v.In, ParamName: v.Name,
			Scheme: strings.ToLower(v.Scheme), BearerFormat: v.BearerFormat,
			OpenIDConnectURL: v.OpenIdConnectUrl, Doc: v.Description,
		}
		if f := v.Flows; f != nil {
			seen := map[string]bool{}
			for _, flow := range []*openapi3.OAuthFlow{f.Implicit, f.Password, f.ClientCredentials, f.AuthorizationCode} {
				if flow == nil {
					continue
				}
				for scope := range flow.Scopes {
					seen[scope] = true
				}
			}
			s.Scopes = sortedKeys(seen)
		}
		b.model.SecuritySchemes = append(b.model.SecuritySchemes, s)
	}
}

// breakValueCycles makes a required struct field a pointer where its type
// would otherwise contain itself by value, which Go does not allow.
func (b *builder) breakValueCycles() {
	state := map[*Decl]int{} // 0 unvisited, 1 on the stack, 2 done
	var visit func(d *Decl)
	visit = func(d *Decl) {
		state[d] = 1
		for _, f := range valueFields(d) {
			t := f.Type.Decl
			for t.Kind == DeclAlias && t.Underlying != nil && t.Underlying.Kind == RefNamed {
				t = t.Underlying.Decl
			}
			switch state[t] {
			case 1:
				f.ByPointer = true
			case 0:
				visit(t)
			}
		}
		state[d] = 2
	}
	for _, d := range b.model.Decls {
		if state[d] == 0 {
			visit(d)
		}
	}
}

// valueFields lists the fields of d, or variants of a union, whose named
// struct or union type d holds by value.
func valueFields(d *Decl) []*Field {
	var out []*Field
	for _, f := range d.Fields {
		if f.Type.Kind == RefNamed && f.Required && !f.Nullable && !f.ByPointer && isStructLike(f.Type.Decl) {
			out = append(out, f)
		}
	}
	return out
}

func isStructLike(d *Decl) bool {
	for d.Kind == DeclAlias && d.Underlying != nil && d.Underlying.Kind == RefNamed {
		d = d.Underlying.Decl
	}
	return d.Kind == DeclStruct || d.Kind == DeclUnion
}

// checkParamDefault warns about the default of an optional parameter that
// its Go type cannot hold, such as 1.5 for an integer or 2^40 for an
// int32, which the server would otherwise drop silently.
func (b *builder) checkParamDefault(p *Param, ptr string) {
	kind := scalarKind(p.Type)
	if p.Required || p.JSONContent || kind == "" || p.Type.Schema == nil || p.Type.Schema.Default == nil {
		return
	}
	def := p.Type.Schema.Default
	if _, ok := scalarDefault(p, kind); !ok {
		b.warn(ptr+"/schema/default", fmt.Sprintf("default %s is not a valid %s", jsonLiteral(def), kind), "the parameter has no default")
		return
	}
	// Numbers in the spec are read as float64, which holds every integer
	// only up to 2^53.
	if f, ok := def.(float64); ok && kind == "int64" && math.Abs(f) > 1<<53 {
		b.warn(ptr+"/schema/default", "default is beyond 2^53, above which a float64 does not hold every integer", fmt.Sprintf("read as %d, the nearest float64", int64(f)))
	}
}
