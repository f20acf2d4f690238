package middleware

import (
	"context"
	"net/http"
)

// Operation describes the OpenAPI operation or webhook that a request is
// for. Generated code declares one Operation value per operation and
// attaches it to each request before the per-operation middleware runs.
// An Operation must not be modified once it is in use, because requests
// share it.
type Operation struct {
	// ID is the operationId, or the name the generator derived when the
	// spec has none.
	ID string

	// Method is the HTTP method in upper case, such as "GET".
	Method string

	// Path is the path template from the spec, such as "/pets/{petId}".
	// For a webhook it is the path the receiver is mounted at.
	Path string

	// Tags lists the operation's tags in spec order.
	Tags []string

	// Security lists the security requirements that apply to the
	// operation, after the generator resolved the spec's top-level
	// default. A request must satisfy one alternative of the list, and an
	// alternative is satisfied when every scheme in it is. An empty list
	// (security: [] in the spec, or no requirement anywhere) means no
	// authentication. An empty alternative {} in the list allows anonymous
	// requests.
	Security []SecurityRequirement

	// Webhook is true when the operation is a webhook that this server
	// receives, rather than an operation under the spec's paths.
	Webhook bool

	// Name is the webhook's key under the spec's webhooks (or x-webhooks),
	// such as "pet.created"; empty for operations under paths.
	Name string
}

// Authenticates reports whether any alternative of op.Security names a
// scheme, so that requests may need credentials. It is false for an empty
// list and for a list of only anonymous alternatives ({}).
func (op *Operation) Authenticates() bool {
	for _, req := range op.Security {
		if len(req) > 0 {
			return true
		}
	}
	return false
}

// SecurityRequirement is one alternative of an operation's security list:
// it maps each security scheme name to the scopes (for OAuth2 and OpenID
// Connect) or roles (for other schemes, as OpenAPI 3.1 allows) that the
// request must hold. A request satisfies it when every scheme in it
// authenticates the request with all of the listed scopes.
type SecurityRequirement map[string][]string

type operationKey struct{}

// WithOperation returns a copy of ctx that carries op.
func WithOperation(ctx context.Context, op *Operation) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// OperationContext is a context.Context that carries an Operation, as the
// one WithOperation returns does. Generated servers embed it in a larger
// per-request value, so that the context costs no allocation of its own.
type OperationContext struct {
	context.Context
	Operation *Operation
}

// Value returns the Operation for the key that OperationFrom uses, and the
// parent context's value for any other key.
func (c *OperationContext) Value(key any) any {
	if _, ok := key.(operationKey); ok {
		return c.Operation
	}
	return c.Context.Value(key)
}

// OperationFrom returns the Operation that ctx carries, and whether it
// carries one.
func OperationFrom(ctx context.Context) (*Operation, bool) {
	op, ok := ctx.Value(operationKey{}).(*Operation)
	return op, ok && op != nil
}

// Handler returns a handler that attaches op to each request's context and
// then calls next. It is a Middleware, so generated code can put it first
// in an operation's chain.
func (op *Operation) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithOperation(r.Context(), op)))
	})
}
