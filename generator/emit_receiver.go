package generator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

const webhookPkg = "github.com/whgen/whgen/webhook"

// receiver writes the typed webhook handler interface and the routing and
// dispatch code that package webhook's Router calls. Every decision about
// routes and schemes comes from Model.Receiver; this file only prints it.
func (e *emitter) receiver(f *jen.File) {
	rm := e.model.Receiver
	f.ImportName(webhookPkg, "webhook")
	if rm == nil || len(rm.Webhooks) == 0 {
		f.Comment("The spec declares no POST webhooks, so there is no receiver.")
		return
	}
	e.handlerInterface(f, rm)
	e.unimplementedHandler(f, rm)
	e.newReceiver(f, rm)
	e.verifierHelpers(f, rm)
	e.requestRoute(f, rm)
	e.payloadRoute(f, rm)
	e.dispatchers(f, rm)
}

func (e *emitter) handlerInterface(f *jen.File, rm *ReceiverModel) {
	f.Comment("WebhookHandler handles the webhooks of the spec. The receiver that")
	f.Comment("NewReceiver returns calls one method per delivery, after it verified the")
	f.Comment("signature, rejected replays and duplicates, and decoded and validated the")
	f.Comment("payload. The context carries the webhook's *middleware.Operation and the")
	f.Comment("delivery. A nil error responds 204. Any other error responds 500, so the")
	f.Comment("sender retries the delivery. Methods must therefore be idempotent.")
	f.Comment("")
	f.Comment("Embed UnimplementedWebhookHandler in implementations, so that webhooks")
	f.Comment("added to the spec later do not break the build.")
	var methods []jen.Code
	for i, w := range rm.Webhooks {
		if i > 0 {
			methods = append(methods, jen.Line())
		}
		methods = append(methods, doc("", handlerDoc(rm, w))...)
		methods = append(methods, jen.Id(w.Method).Params(handlerParams(w, true)...).Error())
	}
	f.Type().Id("WebhookHandler").Interface(methods...)
	f.Line()
}

// handlerDoc describes a handler method: the webhook, its routing, its
// security and the spec's text.
func handlerDoc(rm *ReceiverModel, w *ReceiverWebhook) string {
	o := w.Op
	var b strings.Builder
	fmt.Fprintf(&b, "%s handles the webhook %s.", w.Method, strconv.Quote(o.Name))
	if o.Summary != "" {
		b.WriteString(" " + strings.TrimSpace(o.Summary))
	}
	b.WriteString("\n\n" + routeDoc(rm, w))
	if w.Scheme != rm.Scheme {
		fmt.Fprintf(&b, " Its deliveries are signed with the %s scheme.", w.Scheme)
	}
	if len(o.Security) > 0 {
		fmt.Fprintf(&b, " Requests must meet the security requirements of %sOperation.", o.GoName)
	}
	if o.Description != "" {
		b.WriteString("\n\n" + strings.TrimSpace(o.Description))
	}
	if o.Deprecated {
		b.WriteString("\n\nDeprecated: the spec marks this webhook deprecated.")
	}
	return b.String()
}

// routeDoc says how the receiver recognises deliveries of w.
func routeDoc(rm *ReceiverModel, w *ReceiverWebhook) string {
	values := orList(w.Values)
	switch rm.Rule {
	case RouteByPath:
		return fmt.Sprintf("Senders post its deliveries to the path %s.", w.EscapedPath())
	case RouteByProperty:
		return fmt.Sprintf("The receiver routes deliveries whose payload property %s is %s to it (from %s).",
			strconv.Quote(rm.Property), values, w.ValuesFrom)
	}
	text := fmt.Sprintf("The receiver routes deliveries whose header %s is %s to it (from %s)", rm.Header, values, w.ValuesFrom)
	for _, g := range rm.Groups {
		if g.Property == nil || !containsString(w.Values, g.Key) {
			continue
		}
		var own []string
		for _, c := range g.Cases {
			if c.Webhook == w {
				own = append(own, c.Value)
			}
		}
		if len(own) > 0 {
			text += fmt.Sprintf(", when the payload property %s is %s", strconv.Quote(g.Property.Name), orList(own))
		} else {
			text += fmt.Sprintf(", when the payload property %s matches no other webhook", strconv.Quote(g.Property.Name))
		}
		break
	}
	return text + "."
}

// orList quotes values and joins them with commas and a final "or".
func orList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// handlerParams lists the parameters of w's handler method, named when
// named is set.
func handlerParams(w *ReceiverWebhook, named bool) []jen.Code {
	param := func(name string, t jen.Code) jen.Code {
		if named {
			return jen.Id(name).Add(t)
		}
		return jen.Add(t)
	}
	params := []jen.Code{param("ctx", jen.Qual("context", "Context"))}
	switch {
	case w.Event != nil:
		params = append(params, param("event", contentType(w.Event)))
	case w.Raw:
		params = append(params, param("body", jen.Index().Byte()))
	}
	return append(params, param("d", jen.Op("*").Qual(webhookPkg, "Delivery")))
}

func (e *emitter) unimplementedHandler(f *jen.File, rm *ReceiverModel) {
	f.Comment("UnimplementedWebhookHandler implements WebhookHandler with methods that")
	f.Comment("return an error wrapping webhook.ErrUnknownEvent. The receiver treats such")
	f.Comment("a delivery as an unknown event: it calls the fallback (see")
	f.Comment("webhook.WithFallback), or responds 202 without one.")
	f.Type().Id("UnimplementedWebhookHandler").Struct()
	f.Line()
	for _, w := range rm.Webhooks {
		f.Comment(fmt.Sprintf("%s returns an error wrapping webhook.ErrUnknownEvent.", w.Method))
		f.Func().Params(jen.Id("UnimplementedWebhookHandler")).Id(w.Method).Params(handlerParams(w, false)...).Error().Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("%w: "+w.Method+" is not implemented"), jen.Qual(webhookPkg, "ErrUnknownEvent"))),
		)
		f.Line()
	}
	f.Var().Id("_").Id("WebhookHandler").Op("=").Id("UnimplementedWebhookHandler").Values()
	f.Line()
}

func (e *emitter) newReceiver(f *jen.File, rm *ReceiverModel) {
	for _, line := range newReceiverDoc(rm) {
		f.Comment(line)
	}
	var routes []jen.Code
	for _, w := range rm.Webhooks {
		routes = append(routes, jen.Values(
			field("Operation", jen.Id(w.Op.GoName+"Operation")),
			field("Dispatch", jen.Id("x").Dot(dispatchName(w))),
		))
	}
	fields := []jen.Code{
		field("Scheme", jen.Id("WebhookSignatureScheme")),
		field("Webhooks", jen.Index().Qual(webhookPkg, "Route").Custom(multiline, routes...)),
		field("Groups", jen.Index().Qual(webhookPkg, "RouteGroup").Custom(multiline, routeGroups(rm)...)),
	}
	if rm.Rule != RouteByProperty {
		fields = append(fields, field("Request", jen.Id("routeWebhookRequest")))
	}
	fields = append(fields, field("Payload", jen.Id("routeWebhookPayload")))
	if rm.UnknownSecurityFrom != nil {
		fields = append(fields, field("UnknownSecurity", jen.Id(rm.UnknownSecurityFrom.Op.GoName+"Operation").Dot("Security")))
	}
	f.Func().Id("NewReceiver").Params(
		jen.Id("h").Id("WebhookHandler"),
		jen.Id("v").Qual(webhookPkg, "Verifier"),
		jen.Id("opts").Op("...").Qual(webhookPkg, "RouterOption"),
	).Params(jen.Op("*").Qual(webhookPkg, "Router"), jen.Error()).Block(
		jen.If(jen.Id("h").Op("==").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit("new receiver: missing WebhookHandler"))),
		),
		jen.Id("x").Op(":=").Id("webhookDispatch").Values(jen.Dict{jen.Id("h"): jen.Id("h")}),
		jen.Id("routes").Op(":=").Qual(webhookPkg, "Routes").Custom(multiline, fields...),
		jen.Return(jen.Qual(webhookPkg, "NewRouter").Call(jen.Id("routes"), jen.Id("v"), jen.Id("opts").Op("..."))),
	)
	f.Line()
}

// multiline prints a composite literal with one element per line.
var multiline = jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}

// field prints "name: value" inside a composite literal, so that fields
// keep the order given, which jen.Dict would sort.
func field(name string, value jen.Code) jen.Code {
	return jen.Id(name).Op(":").Add(value)
}

func newReceiverDoc(rm *ReceiverModel) []string {
	lines := []string{
		"NewReceiver returns the http.Handler that receives the spec's webhooks and",
		"calls h. v verifies the signatures of the " + rm.Scheme + " scheme (see",
		"NewWebhookVerifier), and opts set the replay store, the body limit, the",
		"fallback for unknown events, error handling and authentication (see",
		"webhook.RouterOption).",
		"",
	}
	switch rm.Rule {
	case RouteByPath:
		lines = append(lines,
			"Each webhook has its own path, \"/\" followed by its name, which the",
			"handler methods list. Mount the receiver under a prefix with",
			"http.StripPrefix, so that it sees these paths.")
	case RouteByHeader:
		lines = append(lines,
			"Deliveries are routed by the "+rm.Header+" header, and webhooks that",
			"share a header value by a payload property, as the handler methods list.")
	case RouteByProperty:
		lines = append(lines,
			"Deliveries are routed by the payload property "+strconv.Quote(rm.Property)+", as the",
			"handler methods list.")
	}
	lines = append(lines,
		"A verified delivery that matches no webhook goes to the fallback, or gets",
		"202 without one.")
	if others := otherSchemes(rm); len(others) > 0 {
		lines = append(lines, "",
			"Some webhooks are signed with other schemes: pass a verifier for each of",
			strings.Join(others, ", ")+" with webhook.WithVerifier.")
	}
	if hasSecurity(rm) {
		lines = append(lines, "",
			"Webhooks declare security requirements, so pass webhook.WithAuthenticator",
			"with a validator for each security scheme that SecuritySchemes lists.")
	}
	return lines
}

func otherSchemes(rm *ReceiverModel) []string {
	var out []string
	for _, s := range signatureSchemes {
		if s == rm.Scheme {
			continue
		}
		for _, w := range rm.Webhooks {
			if w.Scheme == s {
				out = append(out, strconv.Quote(s))
				break
			}
		}
	}
	return out
}

func hasSecurity(rm *ReceiverModel) bool {
	for _, w := range rm.Webhooks {
		if len(w.Op.Security) > 0 {
			return true
		}
	}
	return false
}

// routeGroups prints the groups of webhook.Routes.
func routeGroups(rm *ReceiverModel) []jen.Code {
	var out []jen.Code
	for _, g := range rm.Groups {
		var fields []jen.Code
		if len(g.Members) == 1 {
			fields = append(fields, field("Operation", jen.Id(g.Members[0].Op.GoName+"Operation")))
		}
		if len(g.Security) > 0 {
			fields = append(fields, field("Security", jen.Id(g.Members[0].Op.GoName+"Operation").Dot("Security")))
		}
		if g.Scheme != rm.Scheme {
			fields = append(fields, field("Scheme", jen.Lit(g.Scheme)))
		}
		out = append(out, jen.Values(fields...))
	}
	return out
}

func (e *emitter) verifierHelpers(f *jen.File, rm *ReceiverModel) {
	f.Comment(fmt.Sprintf("WebhookSignatureScheme names the signature scheme of the spec's webhooks, the"))
	f.Comment("scheme of the verifier that NewReceiver takes.")
	f.Const().Id("WebhookSignatureScheme").Op("=").Lit(rm.Scheme)
	f.Line()
	f.Comment("NewWebhookVerifier returns a verifier of WebhookSignatureScheme that accepts")
	f.Comment("signatures under any of keys, as webhook.NewVerifier describes them.")
	f.Func().Id("NewWebhookVerifier").Params(jen.Id("keys").Op("...").String()).Params(jen.Qual(webhookPkg, "Verifier"), jen.Error()).Block(
		jen.Return(jen.Qual(webhookPkg, "NewVerifier").Call(jen.Id("WebhookSignatureScheme"), jen.Id("keys").Op("..."))),
	)
	f.Line()
}

// requestRoute writes routeWebhookRequest, which finds the route group
// of a request by its path or header.
func (e *emitter) requestRoute(f *jen.File, rm *ReceiverModel) {
	var subject *jen.Statement
	switch rm.Rule {
	case RouteByPath:
		f.Comment("routeWebhookRequest returns the index of the route group of r's path, or -1.")
		subject = jen.Id("r").Dot("URL").Dot("Path")
	case RouteByHeader:
		f.Comment(fmt.Sprintf("routeWebhookRequest returns the index of the route group of r's %s", rm.Header))
		f.Comment("header, or -1.")
		subject = jen.Id("r").Dot("Header").Dot("Get").Call(jen.Lit(rm.Header))
	default:
		return
	}
	var cases []jen.Code
	for i, g := range rm.Groups {
		cases = append(cases, jen.Case(jen.Lit(g.Key)).Block(jen.Return(jen.Lit(i))))
	}
	f.Func().Id("routeWebhookRequest").Params(jen.Id("r").Op("*").Qual("net/http", "Request")).Int().Block(
		jen.Switch(subject).Block(cases...),
		jen.Return(jen.Lit(-1)),
	)
	f.Line()
}

// payloadRoute writes routeWebhookPayload, which finds the webhook of a
// delivery within its route group, and the struct of routing properties.
func (e *emitter) payloadRoute(f *jen.File, rm *ReceiverModel) {
	if len(rm.Keys) > 0 {
		f.Comment("webhookRouteKeys holds the payload properties that select a webhook.")
		var fields []jen.Code
		for _, k := range rm.Keys {
			fields = append(fields, jen.Id(k.Field).Qual(webhookPkg, "RouteKey").Tag(map[string]string{"json": k.Name}))
		}
		f.Type().Id("webhookRouteKeys").Struct(fields...)
		f.Line()
	}
	f.Comment("routeWebhookPayload returns the index in the receiver's webhooks of the")
	f.Comment("webhook that a delivery of route group g is for, or -1 when none is.")
	params := []jen.Code{jen.Id("g").Int(), jen.Id("body").Index().Byte()}
	if identityRoutes(rm) {
		params[1] = jen.Id("_").Index().Byte()
		f.Func().Id("routeWebhookPayload").Params(params...).Params(jen.Int(), jen.Error()).Block(
			jen.Return(jen.Id("g"), jen.Nil()),
		)
		f.Line()
		return
	}
	var cases []jen.Code
	for i, g := range rm.Groups {
		cases = append(cases, jen.Case(jen.Lit(i)).Block(groupRoute(g)...))
	}
	f.Func().Id("routeWebhookPayload").Params(params...).Params(jen.Int(), jen.Error()).Block(
		jen.Switch(jen.Id("g")).Block(cases...),
		jen.Return(jen.Lit(-1), jen.Nil()),
	)
	f.Line()
}

// identityRoutes reports whether group i is webhook i for every i, so
// that the payload never needs to be read for routing.
func identityRoutes(rm *ReceiverModel) bool {
	if len(rm.Groups) != len(rm.Webhooks) {
		return false
	}
	for i, g := range rm.Groups {
		if g.Property != nil || g.Default == nil || g.Default.Index != i {
			return false
		}
	}
	return true
}

// groupRoute returns the statements that pick the webhook within g.
func groupRoute(g *RouteGroup) []jen.Code {
	fallback := -1
	if g.Default != nil {
		fallback = g.Default.Index
	}
	if g.Property == nil {
		return []jen.Code{jen.Return(jen.Lit(fallback), jen.Nil())}
	}
	// One case per webhook, listing its values in order.
	var order []*ReceiverWebhook
	values := map[*ReceiverWebhook][]jen.Code{}
	for _, c := range g.Cases {
		if values[c.Webhook] == nil {
			order = append(order, c.Webhook)
		}
		values[c.Webhook] = append(values[c.Webhook], jen.Lit(c.Value))
	}
	var cases []jen.Code
	for _, w := range order {
		cases = append(cases, jen.Case(values[w]...).Block(jen.Return(jen.Lit(w.Index), jen.Nil())))
	}
	return []jen.Code{
		jen.Var().Id("keys").Id("webhookRouteKeys"),
		jen.If(jen.Err().Op(":=").Qual(webhookPkg, "DecodeRouteKeys").Call(jen.Id("body"), jen.Op("&").Id("keys")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Lit(-1), jen.Err()),
		),
		jen.Switch(jen.Id("keys").Dot(g.Property.Field)).Block(cases...),
		jen.Return(jen.Lit(fallback), jen.Nil()),
	}
}

func dispatchName(w *ReceiverWebhook) string { return "dispatch" + w.Op.GoName }

// dispatchers writes webhookDispatch and one method per webhook that
// decodes and validates the payload and calls the handler.
func (e *emitter) dispatchers(f *jen.File, rm *ReceiverModel) {
	f.Comment("webhookDispatch binds the webhooks' dispatch functions to a WebhookHandler.")
	f.Type().Id("webhookDispatch").Struct(jen.Id("h").Id("WebhookHandler"))
	f.Line()
	for _, w := range rm.Webhooks {
		f.Comment(fmt.Sprintf("%s handles a delivery of the webhook %s.", dispatchName(w), sanitizeLine(strconv.Quote(w.Op.Name))))
		f.Func().Params(jen.Id("x").Id("webhookDispatch")).Id(dispatchName(w)).Params(
			jen.Id("ctx").Qual("context", "Context"),
			jen.Id("d").Op("*").Qual(webhookPkg, "Delivery"),
			jen.Id("body").Index().Byte(),
		).Error().Block(e.dispatchBody(w)...)
		f.Line()
	}
}

func (e *emitter) dispatchBody(w *ReceiverWebhook) []jen.Code {
	call := func(args ...jen.Code) jen.Code {
		all := append([]jen.Code{jen.Id("ctx")}, args...)
		all = append(all, jen.Id("d"))
		return jen.Return(jen.Id("x").Dot("h").Dot(w.Method).Call(all...))
	}
	switch {
	case w.Raw:
		return []jen.Code{call(jen.Id("body"))}
	case w.Event == nil:
		return []jen.Code{call()}
	}

	name := jen.Lit(w.Op.Name)
	var out []jen.Code
	if !w.Op.Body.Required {
		out = append(out, jen.If(jen.Len(jen.Id("body")).Op("==").Lit(0)).Block(call(jen.Nil())))
	}

	t := w.Event.Type
	value := "event"
	if isNilable(t) {
		out = append(out, jen.Var().Id("event").Add(typ(t)))
	} else {
		out = append(out, jen.Id("event").Op(":=").New(typ(t)))
		if t.Kind != RefNamed {
			value = "(*event)"
		}
	}
	target := jen.Id("event")
	if isNilable(t) {
		target = jen.Op("&").Id("event")
	}

	out = append(out,
		jen.If(jen.Err().Op(":=").Qual(webhookPkg, "DecodePayload").Call(name, jen.Id("body"), target), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err()),
		),
	)

	// The checks are those of the type's validate method, or for a type
	// without one, such as a slice, the same checks inline.
	var checks []jen.Code
	e.inDirection("AnyDirection", func() { checks = e.site(value, t, `""`, 0) })
	if len(checks) > 0 {
		out = append(out, jen.Id("e").Op(":=").New(jen.Qual(oasPkg, "Errors")))
		out = append(out, checks...)
		out = append(out, jen.If(jen.Err().Op(":=").Id("e").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("webhook %q: %w: %w"), name, jen.Qual(webhookPkg, "ErrInvalidPayload"), jen.Err())),
		))
	}
	return append(out, call(jen.Id("event")))
}
