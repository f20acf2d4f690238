package middleware

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
)

// SchemeType is the type of an OpenAPI security scheme, spelled as in the
// spec.
type SchemeType string

// The security scheme types of OpenAPI 3.1.
const (
	SchemeAPIKey        SchemeType = "apiKey"
	SchemeHTTP          SchemeType = "http"
	SchemeOAuth2        SchemeType = "oauth2"
	SchemeOpenIDConnect SchemeType = "openIdConnect"
	SchemeMutualTLS     SchemeType = "mutualTLS"
)

// SecurityScheme is the part of an OpenAPI security scheme object that
// matters at run time. Generated code emits one per entry of the spec's
// components.securitySchemes.
type SecurityScheme struct {
	// Type is the scheme type.
	Type SchemeType

	// In is the location of an apiKey scheme's key: "header", "query" or
	// "cookie". Unused by other types.
	In string

	// Name is the name of an apiKey scheme's header (case-insensitive),
	// query parameter or cookie (both case-sensitive). Unused by other
	// types.
	Name string

	// Scheme is the HTTP authentication scheme of an http scheme, such as
	// "basic" or "bearer", compared case-insensitively. Unused by other
	// types. OAuth2 and OpenID Connect schemes always use Bearer tokens.
	Scheme string
}

func (s SecurityScheme) validate() error {
	switch s.Type {
	case SchemeAPIKey:
		if s.In != "header" && s.In != "query" && s.In != "cookie" {
			return fmt.Errorf("apiKey location %q is not header, query or cookie", s.In)
		}
		if s.Name == "" || (s.In == "header" && !isToken(s.Name)) {
			return fmt.Errorf("apiKey name %q is not a valid %s name", s.Name, s.In)
		}
	case SchemeHTTP:
		if !isToken(s.Scheme) {
			return fmt.Errorf("http scheme %q is not a valid authentication scheme name", s.Scheme)
		}
	case SchemeOAuth2, SchemeOpenIDConnect, SchemeMutualTLS:
	default:
		return fmt.Errorf("security scheme type %q is not supported", s.Type)
	}
	return nil
}

// usesBearer reports whether the scheme's credentials are Bearer tokens,
// whose errors RFC 6750 describes in the WWW-Authenticate challenge.
func (s SecurityScheme) usesBearer() bool {
	return s.Type == SchemeOAuth2 || s.Type == SchemeOpenIDConnect ||
		(s.Type == SchemeHTTP && strings.EqualFold(s.Scheme, "bearer"))
}

// Scoped is implemented by principals that carry their own scopes or
// roles. The scopes of a principal that implements it are granted in
// addition to any scopes its validator returns, which lets the role lists
// that OpenAPI 3.1 allows on apiKey, http and mutualTLS requirements be
// checked.
type Scoped interface {
	Scopes() []string
}

type validatorKind uint8

const (
	kindAPIKey validatorKind = iota + 1
	kindToken
	kindBasic
	kindCredentials
	kindCertificate
	kindRequest
)

// Validator checks the credentials of one security scheme. Create it with
// one of the XxxValidator functions, each of which takes a typed function
// that returns the principal (the user, client or key record that the
// credentials stand for), which handlers get back with [PrincipalFrom].
//
// A validation function returns an error wrapping [ErrInvalidCredentials]
// for credentials that are wrong, unknown, expired or revoked, which
// results in 401. Any other error means the check itself failed, as when
// a database is down, and results in 500.
type Validator struct {
	kind        validatorKind
	key         func(ctx context.Context, key string) (any, error)
	token       func(ctx context.Context, token string) (any, []string, error)
	basic       func(ctx context.Context, username, password string) (any, error)
	credentials func(ctx context.Context, credentials string) (any, error)
	certificate func(ctx context.Context, state *tls.ConnectionState) (any, error)
	request     func(r *http.Request) (any, []string, error)
}

// APIKeyValidator returns a Validator for an apiKey scheme. fn receives
// the key from the scheme's header, query parameter or cookie.
func APIKeyValidator[P any](fn func(ctx context.Context, key string) (P, error)) Validator {
	return Validator{kind: kindAPIKey, key: func(ctx context.Context, key string) (any, error) {
		return fn(ctx, key)
	}}
}

// TokenValidator returns a Validator for an http bearer, oauth2 or
// openIdConnect scheme. fn receives the Bearer token and returns the
// principal and the scopes that the token grants.
func TokenValidator[P any](fn func(ctx context.Context, token string) (P, []string, error)) Validator {
	return Validator{kind: kindToken, token: func(ctx context.Context, token string) (any, []string, error) {
		return fn(ctx, token)
	}}
}

// BasicValidator returns a Validator for an http basic scheme. fn
// receives the user-id and password, decoded as UTF-8 and split at the
// first colon, so the password may contain colons. No Unicode
// normalization is applied, so fn should compare normalized forms if
// users may type non-ASCII characters.
func BasicValidator[P any](fn func(ctx context.Context, username, password string) (P, error)) Validator {
	return Validator{kind: kindBasic, basic: func(ctx context.Context, username, password string) (any, error) {
		return fn(ctx, username, password)
	}}
}

// CredentialsValidator returns a Validator for an http scheme of any
// authentication scheme, such as Digest or DPoP. fn receives the part of
// the Authorization header after the scheme name and its spaces.
func CredentialsValidator[P any](fn func(ctx context.Context, credentials string) (P, error)) Validator {
	return Validator{kind: kindCredentials, credentials: func(ctx context.Context, credentials string) (any, error) {
		return fn(ctx, credentials)
	}}
}

// CertificateValidator returns a Validator for a mutualTLS scheme. fn is
// called only when the client presented at least one certificate, with
// the connection's TLS state. Whether state.VerifiedChains is filled
// depends on the server's tls.Config.ClientAuth: fn must check the chain
// itself when the server only requests certificates.
func CertificateValidator[P any](fn func(ctx context.Context, state *tls.ConnectionState) (P, error)) Validator {
	return Validator{kind: kindCertificate, certificate: func(ctx context.Context, state *tls.ConnectionState) (any, error) {
		return fn(ctx, state)
	}}
}

// RequestValidator returns a Validator that reads the credentials from
// the request itself, for a custom scheme or a non-standard placement. It
// fits a scheme of any type. fn returns an error wrapping
// [ErrNoCredentials] when the request carries none, and otherwise the
// principal and the scopes it holds.
func RequestValidator[P any](fn func(r *http.Request) (P, []string, error)) Validator {
	return Validator{kind: kindRequest, request: func(r *http.Request) (any, []string, error) {
		return fn(r)
	}}
}

// fits returns an error when v cannot check credentials of scheme s.
func (v Validator) fits(s SecurityScheme) error {
	ok := false
	switch v.kind {
	case kindAPIKey:
		ok = s.Type == SchemeAPIKey
	case kindToken:
		ok = s.usesBearer()
	case kindBasic:
		ok = s.Type == SchemeHTTP && strings.EqualFold(s.Scheme, "basic")
	case kindCredentials:
		ok = s.Type == SchemeHTTP
	case kindCertificate:
		ok = s.Type == SchemeMutualTLS
	case kindRequest:
		ok = true
	default:
		return fmt.Errorf("validator is the zero value; create it with a function such as TokenValidator")
	}
	if !ok {
		return fmt.Errorf("%s validator does not fit a %s", v.kind, s.describe())
	}
	return nil
}

func (k validatorKind) String() string {
	switch k {
	case kindAPIKey:
		return "APIKeyValidator"
	case kindToken:
		return "TokenValidator"
	case kindBasic:
		return "BasicValidator"
	case kindCredentials:
		return "CredentialsValidator"
	case kindCertificate:
		return "CertificateValidator"
	case kindRequest:
		return "RequestValidator"
	}
	return "zero"
}

func (s SecurityScheme) describe() string {
	if s.Type == SchemeHTTP {
		return fmt.Sprintf("http %q scheme", s.Scheme)
	}
	return fmt.Sprintf("%s scheme", s.Type)
}
