package middleware

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/whgen/whgen/problem"
)

// Sentinel errors of authentication, found in the cause chain of the
// errors that [Authenticator.Authenticate] returns.
var (
	// ErrNoCredentials means the request carries no credentials for any
	// accepted scheme. A RequestValidator returns it for the same case.
	ErrNoCredentials = errors.New("no credentials")
	// ErrInvalidCredentials means credentials were presented but are
	// wrong, unknown, expired or revoked. Validators return it, wrapped,
	// to reject credentials with 401.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrMalformedCredentials means credentials break the syntax of their
	// scheme, which RFC 6750 rejects with 400 invalid_request. Examples are
	// a repeated Authorization header or API key, a Bearer token outside
	// the b64token syntax, and a token sent two ways at once.
	ErrMalformedCredentials = errors.New("malformed credentials")
	// ErrInsufficientScope means valid credentials lack a scope or role
	// that the operation requires.
	ErrInsufficientScope = errors.New("insufficient scope")
)

// AuthOptions configures [NewAuthenticator].
type AuthOptions struct {
	// Schemes maps each security scheme name, the key under
	// components.securitySchemes, to its definition. Generated code emits
	// this map from the spec.
	Schemes map[string]SecurityScheme

	// Validators maps scheme names to the functions that check their
	// credentials, supplied by the application. A scheme without a
	// validator fails with 500 when a request must use it, unless another
	// alternative of the operation's security succeeds.
	Validators map[string]Validator

	// Realm, when not empty, is sent as the realm parameter of every
	// WWW-Authenticate challenge. Empty omits it.
	Realm string

	// ErrorHandler writes the rejections: 400, 401, 403 or 500, as
	// [Authenticator.Authenticate] describes. Nil means [WriteProblem].
	ErrorHandler ErrorHandler
}

// Authenticator checks requests against the security requirements of
// OpenAPI operations. Create it with [NewAuthenticator].
//
// A security requirement list is a logical OR of alternatives, and each
// alternative a logical AND of schemes, each with the scopes it needs.
// The first alternative, in list order, whose schemes all accept the
// request with all their scopes wins, and its principals go into the
// request context as an [Identity]. An empty list requires nothing. An
// empty alternative {} in the list lets anonymous requests through,
// unless the request presents credentials that are rejected, malformed,
// or could not be checked: a client that sends a bad token learns so
// rather than silently becoming anonymous.
type Authenticator struct {
	schemes      map[string]SecurityScheme
	validators   map[string]Validator
	realm        string
	errorHandler ErrorHandler
}

// WithDefaultErrorHandler returns a copy of a that sends its rejections to
// h when AuthOptions.ErrorHandler was nil, and a itself otherwise.
// Generated servers pass ServerOptions.ErrorHandler, so that one handler
// writes every error of the server.
func (a *Authenticator) WithDefaultErrorHandler(h ErrorHandler) *Authenticator {
	if a.errorHandler != nil || h == nil {
		return a
	}
	c := *a
	c.errorHandler = h
	return &c
}

// NewAuthenticator returns an Authenticator for opts. It returns an error
// naming each invalid scheme definition, each validator for an undefined
// scheme, and each validator whose kind does not fit its scheme, such as
// a BasicValidator for a bearer scheme.
func NewAuthenticator(opts AuthOptions) (*Authenticator, error) {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(opts.Schemes)) {
		if err := opts.Schemes[name].validate(); err != nil {
			errs = append(errs, fmt.Errorf("security scheme %q: %w", name, err))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(opts.Validators)) {
		def, ok := opts.Schemes[name]
		if !ok {
			errs = append(errs, fmt.Errorf("validator for undefined security scheme %q", name))
			continue
		}
		if err := opts.Validators[name].fits(def); err != nil {
			errs = append(errs, fmt.Errorf("security scheme %q: %w", name, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("authenticator: %w", err)
	}
	return &Authenticator{
		schemes:      maps.Clone(opts.Schemes),
		validators:   maps.Clone(opts.Validators),
		realm:        opts.Realm,
		errorHandler: opts.ErrorHandler,
	}, nil
}

// CheckSecurity returns an error naming each scheme in security that has
// no definition or no validator. Generated servers call it for every
// operation at start-up, so that a missing validator fails there rather
// than on the first request.
func (a *Authenticator) CheckSecurity(security []SecurityRequirement) error {
	var errs []error
	seen := make(map[string]bool)
	for _, alternative := range security {
		for _, name := range slices.Sorted(maps.Keys(alternative)) {
			if seen[name] {
				continue
			}
			seen[name] = true
			if _, ok := a.schemes[name]; !ok {
				errs = append(errs, fmt.Errorf("security scheme %q is not defined", name))
			} else if _, ok := a.validators[name]; !ok {
				errs = append(errs, fmt.Errorf("security scheme %q has no validator", name))
			}
		}
	}
	return errors.Join(errs...)
}

// Handler returns next wrapped with authentication against the security
// requirements of the request's [Operation], which an outer middleware
// must have attached. A request without an Operation fails with 500 and
// the cause [ErrMissingOperation], so that a routing mistake never skips
// authentication.
func (a *Authenticator) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := OperationFrom(r.Context())
		if !ok {
			a.errorHandler.reject(w, r, ErrMissingOperation, http.StatusInternalServerError, "")
			return
		}
		a.serve(w, r, next, op.Security)
	})
}

// Require returns a Middleware that authenticates requests against
// security, for servers that pass an operation's requirements directly.
func (a *Authenticator) Require(security []SecurityRequirement) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a.serve(w, r, next, security)
		})
	}
}

func (a *Authenticator) serve(w http.ResponseWriter, r *http.Request, next http.Handler, security []SecurityRequirement) {
	id, err := a.Authenticate(r, security)
	if err != nil {
		var authErr *AuthError
		if errors.As(err, &authErr) {
			for _, c := range authErr.Challenges {
				w.Header().Add("WWW-Authenticate", c)
			}
		}
		a.errorHandler.orDefault()(w, r, err)
		return
	}
	next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
}

// Authenticate checks r against security and returns the identity of the
// winning alternative, which is anonymous when security is empty or an
// empty alternative let the request through.
//
// On failure it returns a *problem.Error whose cause is an [AuthError]
// carrying the status and the WWW-Authenticate challenges to send. The
// status is, in order of precedence:
//   - 400 when credentials are malformed ([ErrMalformedCredentials]),
//     with a Bearer error="invalid_request" challenge for Bearer schemes;
//   - 500 when a validator failed for a reason other than the
//     credentials, or a scheme lacks a definition or validator;
//   - 403 when valid credentials lack a required scope
//     ([ErrInsufficientScope]), with a Bearer error="insufficient_scope"
//     challenge naming the scopes of the first such alternative when it
//     uses a Bearer scheme (RFC 6750 section 3.1);
//   - 401 otherwise ([ErrInvalidCredentials] or [ErrNoCredentials]), with
//     one challenge per accepted scheme that has one: Basic, Bearer or
//     another http scheme, Bearer for oauth2 and openIdConnect, and
//     APIKey for apiKey schemes. mutualTLS has no HTTP challenge.
func (a *Authenticator) Authenticate(r *http.Request, security []SecurityRequirement) (*Identity, error) {
	if len(security) == 0 {
		return &Identity{}, nil
	}
	ev := evaluation{a: a, creds: requestCredentials{r: r}, results: make(map[string]schemeResult)}
	for _, alternative := range security {
		if len(alternative) == 0 {
			ev.anonymous = true
			continue
		}
		if id, ok := ev.try(alternative); ok {
			return id, nil
		}
	}
	if ev.anonymous && !ev.rejectedAny() {
		return &Identity{}, nil
	}
	return nil, ev.failure(security)
}

// Identity is the result of a successful authentication.
type Identity struct {
	// Requirement is the alternative that the request satisfied. It is
	// nil for anonymous requests.
	Requirement SecurityRequirement

	// Principals maps each scheme name of Requirement to the principal
	// that its validator returned.
	Principals map[string]any

	// Scopes maps each scheme name of Requirement to the scopes or roles
	// that its credentials hold, which may be more than Requirement lists.
	Scopes map[string][]string
}

// Anonymous reports whether the request was let through without
// credentials.
func (id *Identity) Anonymous() bool { return len(id.Requirement) == 0 }

type identityKey struct{}

// WithIdentity returns a copy of ctx that carries id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the Identity that ctx carries, and whether it
// carries one.
func IdentityFrom(ctx context.Context) (*Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(*Identity)
	return id, ok && id != nil
}

// PrincipalFrom returns the principal that the named scheme's validator
// returned for the request whose context is ctx, as type P. It returns
// false when the request was not authenticated with that scheme or the
// principal is not a P.
func PrincipalFrom[P any](ctx context.Context, scheme string) (P, bool) {
	id, ok := IdentityFrom(ctx)
	if !ok {
		var zero P
		return zero, false
	}
	p, ok := id.Principals[scheme].(P)
	return p, ok
}

// AuthError is the cause of an authentication failure. The middleware
// sends each challenge as a WWW-Authenticate field line.
type AuthError struct {
	// Status is the HTTP status code: 400, 401, 403 or 500.
	Status int

	// Challenges lists the WWW-Authenticate values to send, in order.
	Challenges []string

	// Err is the reason: one of the sentinel errors of this package, or
	// the error of a validator that failed.
	Err error
}

// Error returns the reason, prefixed with "authenticate".
func (e *AuthError) Error() string { return "authenticate: " + e.Err.Error() }

// Unwrap returns the reason.
func (e *AuthError) Unwrap() error { return e.Err }

// evaluation is the state of one Authenticate call.
type evaluation struct {
	a         *Authenticator
	creds     requestCredentials
	results   map[string]schemeResult // each scheme is checked at most once
	anonymous bool

	// insufficient is the first alternative whose credentials were valid
	// but lacked scopes, and the first such scheme in it.
	insufficient       SecurityRequirement
	insufficientScheme string
}

// result checks the named scheme, once per request.
func (ev *evaluation) result(name string) schemeResult {
	if res, ok := ev.results[name]; ok {
		return res
	}
	var res schemeResult
	def, defined := ev.a.schemes[name]
	v, hasValidator := ev.a.validators[name]
	switch {
	case !defined:
		res = schemeResult{outcome: outcomeFailed, err: fmt.Errorf("security scheme %q is not defined", name)}
	case !hasValidator:
		res = schemeResult{outcome: outcomeFailed, err: fmt.Errorf("security scheme %q has no validator", name)}
	default:
		res = ev.creds.check(def, v)
	}
	ev.results[name] = res
	return res
}

// try checks every scheme of one alternative, so that the failure response
// can describe all of them, and returns the identity when all pass.
func (ev *evaluation) try(alternative SecurityRequirement) (*Identity, bool) {
	id := &Identity{
		Requirement: alternative,
		Principals:  make(map[string]any, len(alternative)),
		Scopes:      make(map[string][]string, len(alternative)),
	}
	ok := true
	for _, name := range slices.Sorted(maps.Keys(alternative)) {
		res := ev.result(name)
		if res.outcome != outcomeOK {
			ok = false
			continue
		}
		if !containsAll(res.scopes, alternative[name]) {
			if ev.insufficient == nil {
				ev.insufficient, ev.insufficientScheme = alternative, name
			}
			ok = false
			continue
		}
		id.Principals[name] = res.principal
		id.Scopes[name] = res.scopes
	}
	return id, ok
}

// rejectedAny reports whether some presented credentials were rejected,
// malformed or could not be checked.
func (ev *evaluation) rejectedAny() bool {
	for _, res := range ev.results {
		if res.outcome == outcomeMalformed || res.outcome == outcomeInvalid || res.outcome == outcomeFailed {
			return true
		}
	}
	return false
}

// worst returns the first result, in scheme name order, with outcome o.
func (ev *evaluation) worst(o outcome) (string, schemeResult, bool) {
	for _, name := range slices.Sorted(maps.Keys(ev.results)) {
		if res := ev.results[name]; res.outcome == o {
			return name, res, true
		}
	}
	return "", schemeResult{}, false
}

// failure builds the error for a request that no alternative accepted.
func (ev *evaluation) failure(security []SecurityRequirement) error {
	if name, res, ok := ev.worst(outcomeMalformed); ok {
		var challenges []string
		if ev.a.schemes[name].usesBearer() {
			challenges = []string{ev.a.challenge("Bearer", param{"error", "invalid_request"})}
		}
		detail := strings.TrimPrefix(res.err.Error(), ErrMalformedCredentials.Error()+": ")
		return authFailure(http.StatusBadRequest, challenges, res.err, "malformed credentials: "+detail)
	}
	if name, res, ok := ev.worst(outcomeFailed); ok {
		err := fmt.Errorf("security scheme %q: %w", name, res.err)
		return authFailure(http.StatusInternalServerError, nil, err, "")
	}
	if ev.insufficient != nil {
		return ev.scopeFailure()
	}

	var cause error = ErrNoCredentials
	detail := "the request requires authentication"
	if _, res, ok := ev.worst(outcomeInvalid); ok {
		cause = res.err
		detail = "the credentials are invalid"
	}
	return authFailure(http.StatusUnauthorized, ev.challenges(security), cause, detail)
}

func (ev *evaluation) scopeFailure() error {
	needed := ev.insufficient[ev.insufficientScheme]
	missingScopes := slices.DeleteFunc(slices.Clone(needed), func(s string) bool {
		return slices.Contains(ev.results[ev.insufficientScheme].scopes, s)
	})
	var challenges []string
	if ev.a.schemes[ev.insufficientScheme].usesBearer() {
		challenges = []string{ev.a.challenge("Bearer",
			param{"error", "insufficient_scope"}, param{"scope", strings.Join(needed, " ")})}
	}
	cause := fmt.Errorf("%w: scheme %q lacks %s", ErrInsufficientScope, ev.insufficientScheme, strings.Join(missingScopes, " "))
	detail := "the credentials lack a required scope: " + strings.Join(missingScopes, " ")
	return authFailure(http.StatusForbidden, challenges, cause, detail)
}

func authFailure(status int, challenges []string, cause error, detail string) error {
	return problem.Wrap(&AuthError{Status: status, Challenges: challenges, Err: cause}, status, detail)
}

func containsAll(have, want []string) bool {
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}
