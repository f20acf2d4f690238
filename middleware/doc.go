// Package middleware is the HTTP middleware runtime of servers that whgen
// generates: the operation context, request and response rewriting, CORS,
// trusted hosts, rate limiting and OpenAPI security. Every middleware is
// a plain func(http.Handler) http.Handler ([Middleware]), so it also
// works with any other Go router.
//
// # Order
//
// [Chain] applies middleware outermost first. The recommended order is
//
//	trusted hosts → CORS → rate limit → authentication → hooks → handler
//
// Trusted hosts comes first so that nothing responds to a request for a
// foreign Host. CORS comes before rate limiting and authentication for two
// reasons. Preflight requests, which browsers send without credentials,
// are then handled without spending the client's budget or failing with
// 401. And error responses from the inner middleware then carry the CORS
// headers that let browser scripts read them. Authentication needs the
// operation, so it goes inside the router, per operation:
//
//	hosts, _ := middleware.NewTrustedHosts(middleware.TrustedHostsOptions{
//		AllowedHosts: []string{"api.example.com"},
//	})
//	cors, _ := middleware.NewCORS(middleware.CORSOptions{
//		AllowedOrigins: []string{"https://app.example.com"},
//		AllowedMethods: []string{"GET", "POST", "DELETE"},
//		AllowedHeaders: []string{"Authorization", "Content-Type"},
//	})
//	limiter, _ := middleware.NewRateLimiter(middleware.RateLimitOptions{
//		RequestsPerSecond: 10, Burst: 20,
//	})
//	auth, _ := middleware.NewAuthenticator(middleware.AuthOptions{
//		Schemes:    securitySchemes, // generated from the spec
//		Validators: map[string]middleware.Validator{"bearerAuth": middleware.TokenValidator(checkToken)},
//	})
//
//	mux := http.NewServeMux()
//	perOperation := middleware.Chain(listPets.Handler, auth.Handler)
//	mux.Handle("GET /pets", perOperation(http.HandlerFunc(handleListPets)))
//	server := middleware.Chain(hosts.Handler, cors.Handler, limiter.Handler)(mux)
//
// # Operation context
//
// Generated code declares one [Operation] per spec operation or webhook:
// its operationId, method, path template, tags, resolved security
// requirements, and whether it is a webhook. [Operation.Handler] (or
// [WithOperation]) puts it in the request context, where any middleware
// or hook finds it with [OperationFrom].
//
// # Errors
//
// Every middleware that rejects a request hands a *problem.Error to its
// ErrorHandler field, after setting the protocol headers of the
// rejection (WWW-Authenticate, Retry-After, Vary). A nil ErrorHandler
// means [WriteProblem], which sends an RFC 9457 application/problem+json
// body. The cause chain of the error holds a sentinel, such as
// [ErrRateLimited] or [ErrInvalidCredentials], for errors.Is.
//
// # Request and response bodies
//
// [ReadBody] and [SetBody] read a request body under a size limit and
// replace it; [RequestRewriter] does both as a middleware. [Recorder]
// wraps a ResponseWriter to observe a response as it streams, or, per
// response, to hold it in memory for rewriting; its writer keeps
// http.Flusher, http.Hijacker and io.ReaderFrom exactly when the wrapped
// writer has them, and supports http.ResponseController through Unwrap.
// [ResponseRewriter] is the buffering case as a middleware.
//
// # CORS
//
// [CORS] follows the Fetch standard where popular libraries differ: it
// never sends "*" together with credentials, varies on Origin whenever
// the response depends on it, compares requested header names without case
// but methods with case, reads every Access-Control-Request-Headers line,
// grants Private Network Access only when asked, and rejects a refused
// preflight with 403 and no Access-Control-Allow-Origin.
//
// # Trusted hosts
//
// [TrustedHosts] checks the Host against a list with "*.example.com"
// wildcards, comparing without case and trailing dot, stripping the port
// only after the "]" of an IPv6 literal, and responds 400 to a missing or
// rejected Host.
//
// # Rate limits
//
// [RateLimiter] gives each client a token bucket from golang.org/x/time/rate,
// which behaves as documented for this use: AllowN takes a token at a
// given instant and TokensAt reads the level without changing it, so the
// middleware computes Retry-After and the RateLimit fields itself.
// Clients are keyed by peer address, IPv6 by /64, or through trusted
// proxies by the rightmost untrusted X-Forwarded-For entry, or by a key
// function. Memory is bounded: buckets that refilled are dropped first,
// then the least recently used.
//
// # Security
//
// [Authenticator] implements OpenAPI security requirements: an OR of
// alternatives, each an AND of schemes with scopes. Generated code emits
// the [SecurityScheme] definitions; the application supplies one typed
// [Validator] per scheme, such as
//
//	middleware.TokenValidator(func(ctx context.Context, token string) (*User, []string, error) {
//		user, scopes, ok := lookup(token)
//		if !ok {
//			return nil, nil, middleware.ErrInvalidCredentials
//		}
//		return user, scopes, nil
//	})
//
// and handlers read the principal back with PrincipalFrom[*User](ctx,
// "bearerAuth"). Failures respond 401 with one WWW-Authenticate challenge
// per accepted scheme, 403 with error="insufficient_scope" for a valid
// token without the scopes, 400 for malformed credentials, and 500 when
// a validator fails for another reason.
package middleware
