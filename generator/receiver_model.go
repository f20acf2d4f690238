package generator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// RouteRule names how a generated receiver distinguishes its webhooks.
type RouteRule string

const (
	// RouteByPath gives every webhook its own URL path: "/" followed by
	// its name, or the name itself when it starts with "/".
	RouteByPath RouteRule = "path"
	// RouteByHeader routes by the value of a request header, such as
	// GitHub's X-GitHub-Event. Webhooks that share a value are
	// distinguished by a payload property, such as GitHub's action.
	RouteByHeader RouteRule = "header"
	// RouteByProperty routes by the string value of a top-level property
	// of the JSON payload, such as "type".
	//
	// TODO: nested properties cannot route. Adyen's payloads carry the
	// event in notificationItems[0].NotificationRequestItem.eventCode, so
	// its receivers fall back to one path per webhook.
	RouteByProperty RouteRule = "property"
)

// Names of the signature schemes, as ReceiverConfig.Signature and the
// x-whgen-signature extension spell them. They equal the scheme names of
// package webhook.
const (
	schemeStandard = "standard-webhooks"
	schemeGitHub   = "github"
	schemeStripe   = "stripe"
	schemeSlack    = "slack"
	schemeShopify  = "shopify"
)

var signatureSchemes = []string{schemeStandard, schemeGitHub, schemeStripe, schemeSlack, schemeShopify}

// Extensions that configure receivers from inside a spec. The config file
// wins over them.
const (
	// extRoute, on the document, is a route rule in the form of
	// ReceiverConfig.Route.
	extRoute = "x-whgen-route"
	// extSignature, on the document or a webhook operation, names the
	// signature scheme.
	extSignature = "x-whgen-signature"
	// extEvent, on a webhook operation, is the value of the routing
	// header or property that selects the webhook.
	extEvent = "x-whgen-event"
)

// ReceiverModel holds what the receiver emitter needs beyond the webhook
// operations: how each delivery is routed to its webhook and which
// signature scheme verifies it.
//
// Unless the config or the x-whgen-route extension sets the rule, it is
// derived from the spec in this order. First, a top-level payload property
// whose const or enum values differ between all webhooks (petstore's
// "type"). Second, a header parameter that every webhook declares and whose
// value is known for every webhook (GitHub's X-GitHub-Event), with a
// payload property for webhooks that share a header value (GitHub's
// "action"). Last, one path per webhook, which always works.
type ReceiverModel struct {
	Rule RouteRule
	// Header is the canonical name of the routing header under
	// RouteByHeader.
	Header string
	// Property is the routing property under RouteByProperty.
	Property string
	// Scheme is the signature scheme of the verifier that NewReceiver
	// takes: the scheme of most webhooks.
	Scheme string
	// Webhooks are the webhooks that the receiver handles, in the order of
	// Model.Webhooks. Only POST webhooks are received.
	Webhooks []*ReceiverWebhook
	// Groups are the routes that the request alone distinguishes: one per
	// path, one per header value, or a single group under RouteByProperty.
	Groups []*RouteGroup
	// UnknownSecurity is the security requirement list that all webhooks
	// share, which requests that match no route must also meet; nil when
	// they differ.
	UnknownSecurity []Requirement
	// UnknownSecurityFrom is a webhook whose Operation carries
	// UnknownSecurity, so that the emitter can refer to it.
	UnknownSecurityFrom *ReceiverWebhook
	// Keys are the payload properties that routing decodes, sorted by name.
	Keys []*RouteKey
}

// ReceiverWebhook is one webhook as the receiver handles it.
type ReceiverWebhook struct {
	Op *Operation
	// Index is the position in ReceiverModel.Webhooks.
	Index int
	// Method is the name of the handler method, such as HandlePetCreated.
	Method string
	// Event is the JSON content that the payload is decoded as; nil when
	// the handler gets the raw body or no body.
	Event *Content
	// Raw is set when the webhook has a body that is not JSON, which the
	// handler gets as bytes.
	Raw bool
	// Scheme is the webhook's signature scheme.
	Scheme string
	// Path is the URL path under RouteByPath, decoded.
	Path string
	// Values are the values of the routing header or property that
	// select the webhook, sorted; empty under RouteByPath.
	Values []string
	// ValuesFrom names the source of Values, for the documentation.
	ValuesFrom string

	props map[string][]string // cache of routeProperties
}

// RouteGroup is a set of webhooks that the request alone does not
// distinguish.
type RouteGroup struct {
	// Key is the path under RouteByPath or the header value under
	// RouteByHeader, and empty under RouteByProperty.
	Key     string
	Members []*ReceiverWebhook
	// Property is the payload property whose value picks a member; empty
	// when Default takes every delivery of the group.
	Property *RouteKey
	Cases    []RouteCase
	// Default takes the group's deliveries whose property matches no
	// case; nil means that they are unknown events.
	Default  *ReceiverWebhook
	Security []Requirement
	Scheme   string
}

// RouteCase selects a webhook by a property value.
type RouteCase struct {
	Value   string
	Webhook *ReceiverWebhook
}

// RouteKey is a payload property that routing decodes.
type RouteKey struct {
	Name  string // JSON name
	Field string // Go field name in the generated key struct
}

// ReceiverConfig configures generated webhook receivers.
type ReceiverConfig struct {
	// Route sets how deliveries are routed to webhooks. "path" gives each
	// webhook its own URL path, "/" followed by its name. "header:NAME"
	// routes by the value of the request header NAME, with a payload
	// property for webhooks that share a value. "property:NAME" routes by
	// the string value of the top-level payload property NAME. Under a
	// header or property rule set here, a webhook whose value the spec does not give
	// is selected by its name. Empty or "auto" means the spec's
	// x-whgen-route extension, or else the rule derived from the spec, as
	// ReceiverModel describes.
	Route string `yaml:"route"`

	// Signature names the signature scheme of every webhook:
	// standard-webhooks, github, stripe, slack or shopify. Empty means the
	// x-whgen-signature extension of each webhook or of the document, and
	// standard-webhooks where neither is given.
	Signature string `yaml:"signature"`

	// Events maps webhook names to the value of the routing header or
	// property that selects them, overriding the spec and its
	// x-whgen-event extensions.
	Events map[string]string `yaml:"events"`
}

// receiverModel decides routing and signature schemes for the webhooks.
// Errors in the configured rule are reported as diagnostics, and the
// receiver then routes by path, which is always unambiguous.
func (b *builder) receiverModel(cfg ReceiverConfig) *ReceiverModel {
	rm := &ReceiverModel{}
	for _, o := range b.model.Webhooks {
		if o.Method != http.MethodPost {
			b.note(o.Pointer, "webhook %q uses %s; generated receivers accept POST only, so the receiver leaves it out", o.Name, o.Method)
			continue
		}
		rm.Webhooks = append(rm.Webhooks, newReceiverWebhook(o, len(rm.Webhooks)))
	}
	if len(rm.Webhooks) == 0 {
		return rm
	}
	b.signatureSchemes(rm, cfg.Signature)
	b.route(rm, cfg)
	b.collectKeys(rm)
	rm.UnknownSecurity, rm.UnknownSecurityFrom = sharedSecurity(rm.Webhooks)
	return rm
}

func newReceiverWebhook(o *Operation, index int) *ReceiverWebhook {
	w := &ReceiverWebhook{Op: o, Index: index, Method: "Handle" + o.GoName}
	if o.Body == nil {
		return w
	}
	for _, c := range o.Body.Contents {
		if c.Kind == "json" && (w.Event == nil || c.MediaType == "application/json") {
			w.Event = c
		}
	}
	// TODO: form and multipart bodies reach the handler as raw bytes,
	// although the model has their types. Decode them once a runtime
	// binds forms, which matters for senders such as Twilio.
	w.Raw = w.Event == nil
	return w
}

func (b *builder) receiverError(pointer, format string, args ...any) {
	b.model.Diagnostics = append(b.model.Diagnostics, Diagnostic{
		Severity: Error, Pointer: pointer, Message: "receiver: " + fmt.Sprintf(format, args...),
	})
}

// signatureSchemes sets the scheme of every webhook and the receiver's
// main scheme.
func (b *builder) signatureSchemes(rm *ReceiverModel, configured string) {
	if configured != "" && !slices.Contains(signatureSchemes, configured) {
		b.receiverError("/", "unknown signature scheme %q in the config: choose from %s", configured, strings.Join(signatureSchemes, ", "))
		configured = ""
	}
	docScheme := b.schemeExtension(b.spec.Doc.Extensions, "/"+extSignature)
	counts := map[string]int{}
	for _, w := range rm.Webhooks {
		switch {
		case configured != "":
			w.Scheme = configured
		default:
			_, op := b.specWebhook(w.Op)
			w.Scheme = b.schemeExtension(op.Extensions, w.Op.Pointer+"/"+extSignature)
		}
		if w.Scheme == "" {
			w.Scheme = docScheme
		}
		if w.Scheme == "" {
			w.Scheme = schemeStandard
		}
		counts[w.Scheme]++
	}
	for _, s := range signatureSchemes {
		if counts[s] > counts[rm.Scheme] {
			rm.Scheme = s
		}
	}
}

// schemeExtension reads x-whgen-signature from ext, warning about unknown
// scheme names.
func (b *builder) schemeExtension(ext map[string]any, pointer string) string {
	v, ok := ext[extSignature]
	if !ok {
		return ""
	}
	s, _ := v.(string)
	if !slices.Contains(signatureSchemes, s) {
		b.warn(pointer, fmt.Sprintf("unknown signature scheme %v: choose from %s", v, strings.Join(signatureSchemes, ", ")), "using the default")
		return ""
	}
	return s
}

// route chooses the routing rule and builds the groups.
func (b *builder) route(rm *ReceiverModel, cfg ReceiverConfig) {
	rule, source := cfg.Route, "the config"
	if rule == "" || rule == "auto" {
		rule, source = "", ""
		if v, ok := b.spec.Doc.Extensions[extRoute].(string); ok {
			rule, source = v, extRoute
		}
	}
	if rule == "" {
		b.autoRoute(rm, cfg.Events)
		return
	}
	kind, name, _ := strings.Cut(rule, ":")
	var err error
	switch {
	case kind == string(RouteByPath) && name == "":
		routeByPath(rm)
		return
	case kind == string(RouteByHeader) && name != "":
		err = b.routeByHeader(rm, http.CanonicalHeaderKey(name), cfg.Events, true)
	case kind == string(RouteByProperty) && name != "":
		err = b.routeByProperty(rm, name, cfg.Events, true)
	default:
		err = fmt.Errorf("invalid route rule %q: use path, header:NAME or property:NAME", rule)
	}
	if err != nil {
		b.receiverError("/", "%s in %s; routing by path instead", err, source)
		routeByPath(rm)
	}
}

// autoRoute tries a payload property, then a header, then paths.
func (b *builder) autoRoute(rm *ReceiverModel, events map[string]string) {
	for _, name := range b.candidateProperties(rm.Webhooks) {
		if b.routeByProperty(rm, name, events, false) == nil {
			b.note("/", "receiver: webhooks are routed by the payload property %q", name)
			return
		}
	}
	for _, name := range b.candidateHeaders(rm.Webhooks) {
		if b.routeByHeader(rm, name, events, false) == nil {
			b.note("/", "receiver: webhooks are routed by the header %s", name)
			return
		}
	}
	routeByPath(rm)
	b.note("/", "receiver: no header or payload property distinguishes the webhooks, so each has its own path")
}

func routeByPath(rm *ReceiverModel) {
	rm.Rule, rm.Header, rm.Property, rm.Groups = RouteByPath, "", "", nil
	used := map[string]bool{}
	for _, w := range rm.Webhooks {
		w.Values, w.ValuesFrom = nil, ""
		path := w.Op.Name
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		base := path
		for i := 2; used[path]; i++ {
			path = fmt.Sprintf("%s-%d", base, i)
		}
		used[path] = true
		w.Path = path
		rm.Groups = append(rm.Groups, &RouteGroup{
			Key: path, Members: []*ReceiverWebhook{w}, Default: w, Security: w.Op.Security, Scheme: w.Scheme,
		})
	}
}

// routeByProperty routes all webhooks by one payload property. forced
// means that the rule was configured, so webhooks without a value in the
// spec are selected by their name.
func (b *builder) routeByProperty(rm *ReceiverModel, name string, events map[string]string, forced bool) error {
	key := &RouteKey{Name: name}
	group := &RouteGroup{Members: rm.Webhooks, Property: key}
	for _, w := range rm.Webhooks {
		values, from := b.propertyRouteValues(w, name, events, forced)
		if len(values) == 0 {
			return fmt.Errorf("webhook %q gives no value for the payload property %q", w.Op.Name, name)
		}
		w.Values, w.ValuesFrom = values, from
	}
	cases, err := routeCases(rm.Webhooks, func(w *ReceiverWebhook) []string { return w.Values })
	if err != nil {
		return fmt.Errorf("payload property %q: %w", name, err)
	}
	group.Cases = cases
	if err := shareChecks(group); err != nil {
		return err
	}
	rm.Rule, rm.Property, rm.Groups = RouteByProperty, name, []*RouteGroup{group}
	return nil
}

// routeByHeader groups the webhooks by the value of header and
// distinguishes the members of a group by a payload property.
func (b *builder) routeByHeader(rm *ReceiverModel, header string, events map[string]string, forced bool) error {
	byValue := map[string][]*ReceiverWebhook{}
	for _, w := range rm.Webhooks {
		values, from := b.headerRouteValues(w, header, events, forced)
		if len(values) == 0 {
			return fmt.Errorf("webhook %q gives no value for the header %s", w.Op.Name, header)
		}
		w.Values, w.ValuesFrom = values, from
		for _, v := range values {
			byValue[v] = append(byValue[v], w)
		}
	}
	var groups []*RouteGroup
	for _, value := range sortedKeys(byValue) {
		g := &RouteGroup{Key: value, Members: byValue[value]}
		if err := b.splitGroup(g); err != nil {
			return fmt.Errorf("header %s value %q: %w", header, value, err)
		}
		if err := shareChecks(g); err != nil {
			return err
		}
		groups = append(groups, g)
	}
	rm.Rule, rm.Header, rm.Groups = RouteByHeader, header, groups
	return nil
}

// splitGroup finds the payload property that distinguishes the members
// of g. One member may lack a value and becomes the group's default.
func (b *builder) splitGroup(g *RouteGroup) error {
	if len(g.Members) == 1 {
		g.Default = g.Members[0]
		return nil
	}
	for _, name := range b.candidateProperties(g.Members) {
		var lacking []*ReceiverWebhook
		var valued []*ReceiverWebhook
		values := map[*ReceiverWebhook][]string{}
		for _, w := range g.Members {
			if vs := b.propertyValues(w, name); len(vs) > 0 {
				values[w] = vs
				valued = append(valued, w)
			} else {
				lacking = append(lacking, w)
			}
		}
		if len(lacking) > 1 {
			continue
		}
		cases, err := routeCases(valued, func(w *ReceiverWebhook) []string { return values[w] })
		if err != nil {
			continue
		}
		g.Property, g.Cases = &RouteKey{Name: name}, cases
		if len(lacking) == 1 {
			g.Default = lacking[0]
		}
		return nil
	}
	return fmt.Errorf("no payload property distinguishes the webhooks %s", quotedNames(g.Members))
}

// routeCases maps every value to its webhook and fails when two webhooks
// share a value.
func routeCases(hooks []*ReceiverWebhook, valuesOf func(*ReceiverWebhook) []string) ([]RouteCase, error) {
	owner := map[string]*ReceiverWebhook{}
	for _, w := range hooks {
		for _, v := range valuesOf(w) {
			if prev, ok := owner[v]; ok {
				return nil, fmt.Errorf("webhooks %q and %q both match %q", prev.Op.Name, w.Op.Name, v)
			}
			owner[v] = w
		}
	}
	cases := make([]RouteCase, 0, len(owner))
	for _, v := range sortedKeys(owner) {
		cases = append(cases, RouteCase{Value: v, Webhook: owner[v]})
	}
	return cases, nil
}

// shareChecks sets the group's security and scheme, which its members must
// share because both are checked before the body is read.
func shareChecks(g *RouteGroup) error {
	first := g.Members[0]
	for _, w := range g.Members[1:] {
		if !sameSecurity(w.Op.Security, first.Op.Security) {
			return fmt.Errorf("webhooks %q and %q share a route but declare different security", first.Op.Name, w.Op.Name)
		}
		if w.Scheme != first.Scheme {
			return fmt.Errorf("webhooks %q and %q share a route but use the signature schemes %s and %s",
				first.Op.Name, w.Op.Name, first.Scheme, w.Scheme)
		}
	}
	g.Security, g.Scheme = first.Op.Security, first.Scheme
	return nil
}

func sameSecurity(a, b []Requirement) bool {
	return slices.EqualFunc(a, b, func(x, y Requirement) bool {
		return slices.EqualFunc(x, y, func(s, t SchemeScopes) bool {
			return s.Scheme == t.Scheme && slices.Equal(s.Scopes, t.Scopes)
		})
	})
}

// sharedSecurity returns the security of the webhooks when all declare the
// same, with a webhook that declares it.
func sharedSecurity(hooks []*ReceiverWebhook) ([]Requirement, *ReceiverWebhook) {
	first := hooks[0]
	for _, w := range hooks[1:] {
		if !sameSecurity(w.Op.Security, first.Op.Security) {
			return nil, nil
		}
	}
	if len(first.Op.Security) == 0 {
		return nil, nil
	}
	return first.Op.Security, first
}

// collectKeys names the Go fields of the routing properties.
func (b *builder) collectKeys(rm *ReceiverModel) {
	byName := map[string]*RouteKey{}
	for _, g := range rm.Groups {
		if g.Property == nil {
			continue
		}
		if k, ok := byName[g.Property.Name]; ok {
			g.Property = k
			continue
		}
		byName[g.Property.Name] = g.Property
	}
	fields := newScope()
	for _, name := range sortedKeys(byName) {
		k := byName[name]
		k.Field, _ = fields.take(goName(name), name)
		rm.Keys = append(rm.Keys, k)
	}
}

// EscapedPath returns the path of w as a sender writes it in a URL.
func (w *ReceiverWebhook) EscapedPath() string {
	return (&url.URL{Path: w.Path}).EscapedPath()
}

func quotedNames(hooks []*ReceiverWebhook) string {
	names := make([]string, len(hooks))
	for i, w := range hooks {
		names[i] = fmt.Sprintf("%q", w.Op.Name)
	}
	return strings.Join(names, ", ")
}
