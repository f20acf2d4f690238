package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/oas"
)

// Route is one webhook that a Router receives.
type Route struct {
	// Operation describes the webhook. The Router puts it into the
	// context that Dispatch gets, where middleware.OperationFrom finds it.
	Operation *middleware.Operation

	// Dispatch decodes, validates and handles a delivery of the webhook,
	// and returns errors as Dispatcher describes. An error wrapping
	// ErrUnknownEvent means that the application does not handle this
	// webhook: the Router then calls the fallback as for an unknown event.
	Dispatch DispatcherFunc
}

// RouteGroup is a set of webhooks that a Router cannot distinguish before
// it reads the body: the webhooks behind one path, or those with one value
// of the event header. All webhooks of a group share its security
// requirements and signature scheme, because both are checked before the
// body is read.
type RouteGroup struct {
	// Operation is the group's webhook when the group has exactly one,
	// and nil otherwise. The Router attaches it to the request context
	// before authentication, so that middleware and authentication
	// validators see it.
	Operation *middleware.Operation

	// Security lists the requirements that every request of the group
	// must meet, in the form of middleware.Operation.Security. The Router
	// checks them with the Authenticator before it reads the body. Empty
	// means no authentication beyond the signature.
	Security []middleware.SecurityRequirement

	// Scheme names the signature scheme of the group's deliveries, such as
	// "github". Empty means Routes.Scheme.
	Scheme string
}

// Routes describes the webhooks of a spec for NewRouter. Generated code
// fills it in, with routing functions derived from the spec and its config.
type Routes struct {
	// Scheme names the signature scheme of the Verifier passed to
	// NewRouter, such as "standard-webhooks". Groups with another scheme
	// need a verifier from WithVerifier.
	Scheme string

	// Webhooks lists the webhooks. Payload returns indexes into it.
	Webhooks []Route

	// Groups lists the groups that Request chooses from.
	Groups []RouteGroup

	// Request returns the index in Groups of the group that r is for,
	// from its path or headers, or -1 when r matches no group. It must not
	// read the body. Nil means that every request is for group 0, which
	// then must be the only group.
	Request func(r *http.Request) int

	// Payload returns the index in Webhooks of the webhook that a
	// verified delivery for group is for, or -1 when it matches none. Its
	// error must wrap ErrMalformedPayload.
	Payload func(group int, body []byte) (int, error)

	// UnknownSecurity lists the requirements of requests that match no
	// group. Generated code sets it to the requirements that all webhooks
	// share, so that an unknown path or event is not an unauthenticated
	// way to reach the fallback.
	UnknownSecurity []middleware.SecurityRequirement
}

// Router is the http.Handler of a receiver for all webhooks of a spec, as
// whgen generates it. For each request it finds the group from the path or
// headers, attaches the webhook's Operation to the context, checks the
// group's security requirements, and then lets a Receiver verify the
// signature, reject replays and duplicates, and dispatch. The Receiver
// finds the webhook in the body when a group has several, calls its
// Dispatch, and calls the fallback for deliveries that match no webhook.
// Responses are those that Receiver documents, plus the Authenticator's 400,
// 401, 403 and 500 responses when security requirements fail.
//
// A Router is safe for concurrent use. Create it with NewRouter; generated
// code does that in NewReceiver.
type Router struct {
	request func(r *http.Request) int
	groups  []http.Handler
	unknown http.Handler
}

var _ http.Handler = (*Router)(nil)

// RouterOption configures NewRouter.
type RouterOption func(*routerOptions)

type routerOptions struct {
	replay       ReplayStore
	maxBodyBytes int64
	fallback     Dispatcher
	errorHandler func(w http.ResponseWriter, r *http.Request, err error)
	errorHook    func(r *http.Request, err error)
	auth         *middleware.Authenticator
	verifiers    map[string]Verifier
	configure    []func(*Receiver)
}

// WithReplayStore sets the store that records handled deliveries, shared by
// all webhooks. Without it, the Router uses one MemoryReplayStore, which
// protects a single process only.
func WithReplayStore(s ReplayStore) RouterOption {
	return func(o *routerOptions) { o.replay = s }
}

// WithMaxBodyBytes bounds request bodies. A larger body gets 413. Without
// it, or with n zero or less, the bound is DefaultMaxBodyBytes (1 MiB).
func WithMaxBodyBytes(n int64) RouterOption {
	return func(o *routerOptions) { o.maxBodyBytes = n }
}

// WithFallback sets the dispatcher of verified deliveries that match no
// webhook, and of those whose webhook the handler does not implement (its
// method returned an error wrapping ErrUnknownEvent). The fallback gets
// the raw body and may return ErrUnknownEvent to decline, which responds
// 202. Without it, such deliveries get 202 without any handler running.
func WithFallback(d Dispatcher) RouterOption {
	return func(o *routerOptions) { o.fallback = d }
}

// WithErrorHandler sets the function that writes the response of a
// delivery that did not end in 204, as Receiver.ErrorHandler. Without it,
// responses are RFC 9457 problems, written by WriteError. Failed security
// requirements are written by the Authenticator's own ErrorHandler.
func WithErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) RouterOption {
	return func(o *routerOptions) { o.errorHandler = h }
}

// WithErrorHook sets a function that receives every error that a delivery
// ends with, before the response is written: verification failures, payload
// errors, unknown events (which respond 202) and handler errors and
// panics. Use it to log or count failures. It must not write to the
// response. Without it, errors are only written as responses.
func WithErrorHook(f func(r *http.Request, err error)) RouterOption {
	return func(o *routerOptions) { o.errorHook = f }
}

// WithAuthenticator sets the Authenticator that checks the security
// requirements of the webhooks. It is required when any webhook declares
// security, and it must have a validator for each scheme they use.
func WithAuthenticator(a *middleware.Authenticator) RouterOption {
	return func(o *routerOptions) { o.auth = a }
}

// WithVerifier sets the verifier of the webhooks signed with scheme, when
// it differs from the scheme of the Verifier passed to NewRouter.
func WithVerifier(scheme string, v Verifier) RouterOption {
	return func(o *routerOptions) {
		if o.verifiers == nil {
			o.verifiers = make(map[string]Verifier)
		}
		o.verifiers[scheme] = v
	}
}

// WithReceiver sets a function that adjusts each Receiver that the Router
// creates, after NewRouter has set Verifier, Dispatcher, Replay,
// MaxBodyBytes and ErrorHandler. Use it for Lease, Retention and Now.
func WithReceiver(f func(rc *Receiver)) RouterOption {
	return func(o *routerOptions) { o.configure = append(o.configure, f) }
}

// NewRouter returns a Router for routes. v verifies the deliveries signed
// with routes.Scheme. It returns an error when routes is inconsistent,
// when a group's scheme has no verifier, or when a group declares security
// requirements and the Authenticator is missing or cannot check them.
func NewRouter(routes Routes, v Verifier, opts ...RouterOption) (*Router, error) {
	o := routerOptions{}
	for _, opt := range opts {
		opt(&o)
	}
	if err := routes.check(v); err != nil {
		return nil, fmt.Errorf("new webhook router: %w", err)
	}
	verifiers := map[string]Verifier{routes.Scheme: v}
	for scheme, sv := range o.verifiers {
		verifiers[scheme] = sv
	}
	if o.replay == nil {
		o.replay = &MemoryReplayStore{}
	}

	rt := &Router{request: routes.Request, groups: make([]http.Handler, len(routes.Groups))}
	var errs []error
	for g, group := range routes.Groups {
		scheme := group.Scheme
		if scheme == "" {
			scheme = routes.Scheme
		}
		verifier := verifiers[scheme]
		if verifier == nil {
			errs = append(errs, fmt.Errorf("%s: no verifier for the %s signature scheme: pass WithVerifier(%q, verifier)",
				groupName(group, g), scheme, scheme))
			continue
		}
		h, err := o.handler(verifier, groupDispatcher(routes, g, o.fallback), group.Security)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", groupName(group, g), err))
			continue
		}
		if group.Operation != nil {
			h = group.Operation.Handler(h)
		}
		rt.groups[g] = h
	}
	unknown, err := o.handler(v, unknownDispatcher(o.fallback), routes.UnknownSecurity)
	if err != nil {
		errs = append(errs, fmt.Errorf("requests that match no webhook: %w", err))
	}
	rt.unknown = unknown
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("new webhook router: %w", err)
	}
	return rt, nil
}

// check reports the inconsistencies in r that generated code cannot have
// but hand-written routes can.
func (r *Routes) check(v Verifier) error {
	switch {
	case v == nil:
		return errors.New("missing verifier")
	case len(r.Groups) == 0:
		return errors.New("no route groups")
	case r.Request == nil && len(r.Groups) != 1:
		return fmt.Errorf("no Request function for %d route groups", len(r.Groups))
	case r.Payload == nil:
		return errors.New("no Payload function")
	}
	for i, route := range r.Webhooks {
		if route.Dispatch == nil || route.Operation == nil {
			return fmt.Errorf("webhook %d has no Dispatch function or Operation", i)
		}
	}
	return nil
}

func groupName(g RouteGroup, i int) string {
	if g.Operation != nil {
		return fmt.Sprintf("webhook %q", g.Operation.Name)
	}
	return fmt.Sprintf("route group %d", i)
}

// handler returns a Receiver for v and d behind authentication against
// security.
func (o *routerOptions) handler(v Verifier, d Dispatcher, security []middleware.SecurityRequirement) (http.Handler, error) {
	rc := &Receiver{
		Verifier:     v,
		Dispatcher:   d,
		Replay:       o.replay,
		MaxBodyBytes: o.maxBodyBytes,
		ErrorHandler: o.errorWriter(),
	}
	for _, f := range o.configure {
		f(rc)
	}
	if len(security) == 0 {
		return rc, nil
	}
	if o.auth == nil {
		return nil, errors.New("security requirements declared but no Authenticator: pass WithAuthenticator")
	}
	if err := o.auth.CheckSecurity(security); err != nil {
		return nil, err
	}
	return o.auth.Require(security)(rc), nil
}

// errorWriter combines the error hook with the error handler.
func (o *routerOptions) errorWriter() func(w http.ResponseWriter, r *http.Request, err error) {
	write := o.errorHandler
	if write == nil {
		write = WriteError
	}
	if o.errorHook == nil {
		return write
	}
	hook := o.errorHook
	return func(w http.ResponseWriter, r *http.Request, err error) {
		hook(r, err)
		write(w, r, err)
	}
}

// groupDispatcher finds the webhook of a delivery for group g and calls
// it, or the fallback.
func groupDispatcher(routes Routes, g int, fallback Dispatcher) DispatcherFunc {
	return func(ctx context.Context, d *Delivery, body []byte) error {
		i, err := routes.Payload(g, body)
		if err != nil {
			return err
		}
		if i < 0 || i >= len(routes.Webhooks) {
			return dispatchFallback(ctx, d, body, fallback, errNoWebhook)
		}
		route := routes.Webhooks[i]
		ctx = middleware.WithOperation(ctx, route.Operation)
		err = route.Dispatch(ctx, d, body)
		if errors.Is(err, ErrUnknownEvent) {
			return dispatchFallback(ctx, d, body, fallback, err)
		}
		return err
	}
}

var errNoWebhook = fmt.Errorf("%w: the delivery matches no webhook", ErrUnknownEvent)

func unknownDispatcher(fallback Dispatcher) DispatcherFunc {
	return func(ctx context.Context, d *Delivery, body []byte) error {
		return dispatchFallback(ctx, d, body, fallback, errNoWebhook)
	}
}

// dispatchFallback calls the fallback, or returns unknown, which wraps
// ErrUnknownEvent, when there is none.
func dispatchFallback(ctx context.Context, d *Delivery, body []byte, fallback Dispatcher, unknown error) error {
	if fallback == nil {
		return unknown
	}
	return fallback.Dispatch(ctx, d, body)
}

// ServeHTTP routes one webhook request.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := 0
	if rt.request != nil {
		g = rt.request(r)
	}
	if g < 0 || g >= len(rt.groups) {
		rt.unknown.ServeHTTP(w, r)
		return
	}
	rt.groups[g].ServeHTTP(w, r)
}

// WriteError writes the response that a Receiver without ErrorHandler
// sends for err: no body for the 2xx statuses, and otherwise an RFC 9457
// problem whose status is StatusCode(err). Custom error handlers can call
// it for the errors they do not treat themselves.
func WriteError(w http.ResponseWriter, _ *http.Request, err error) {
	writeError(w, err)
}

// RouteKey is a payload property that selects a webhook, as generated
// routing code decodes it. It keeps a JSON string and stays empty for any
// other JSON value, null included, so that a payload whose property has
// another type routes to no webhook instead of failing to decode.
type RouteKey string

// UnmarshalJSON implements json.Unmarshaler.
func (k *RouteKey) UnmarshalJSON(data []byte) error {
	if len(data) == 0 || data[0] != '"' {
		*k = ""
		return nil
	}
	// encoding/json has checked the syntax already, so a string without
	// escapes and with valid UTF-8 decodes to its bytes between the quotes.
	inner := data[1 : len(data)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		*k = RouteKey(inner)
		return nil
	}
	return json.Unmarshal(data, (*string)(k))
}

// DecodeRouteKeys decodes the properties of body into keys, a pointer to a
// struct of RouteKey fields tagged with their JSON names, and returns an
// error wrapping ErrMalformedPayload when body is not valid JSON or not an
// object. Generated routing code calls it on every delivery, so it scans
// the top-level members once instead of decoding the payload. Names match
// exactly; a member that matches a property only in letter case, which
// encoding/json would also accept, fails validation of the decoded payload.
func DecodeRouteKeys(body []byte, keys any) error {
	if !json.Valid(body) {
		return fmt.Errorf("%w: the body is not valid JSON", ErrMalformedPayload)
	}
	switch kind := oas.Kind(body); kind {
	case "null":
		return nil // no keys, as encoding/json leaves a struct alone for null
	case "object":
	default:
		return fmt.Errorf("%w: the body is a JSON %s, not an object", ErrMalformedPayload, kind)
	}
	v := reflect.ValueOf(keys).Elem()
	fields := routeKeyFields(v.Type())
	var err error
	oas.EachMember(body, func(name, value []byte) {
		i, ok := fields[string(name)]
		if !ok || err != nil {
			return
		}
		err = v.Field(i).Addr().Interface().(*RouteKey).UnmarshalJSON(value)
	})
	return err
}

var routeKeyCache sync.Map // reflect.Type → map[string]int

// routeKeyFields maps the JSON names of a route key struct's fields to
// their indexes.
func routeKeyFields(t reflect.Type) map[string]int {
	if m, ok := routeKeyCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = t.Field(i).Name
		}
		m[name] = i
	}
	routeKeyCache.Store(t, m)
	return m
}
