package middleware

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// outcome is the result of checking one security scheme for a request.
type outcome uint8

const (
	outcomeOK        outcome = iota
	outcomeMissing           // no credentials for this scheme: 401
	outcomeMalformed         // credentials that break the syntax: 400
	outcomeInvalid           // credentials that the validator rejected: 401
	outcomeFailed            // the check itself failed: 500
)

type schemeResult struct {
	outcome   outcome
	principal any
	scopes    []string
	err       error // why, for every outcome but outcomeOK and outcomeMissing
}

var missing = schemeResult{outcome: outcomeMissing}

func malformed(format string, args ...any) schemeResult {
	err := fmt.Errorf("%w: %s", ErrMalformedCredentials, fmt.Sprintf(format, args...))
	return schemeResult{outcome: outcomeMalformed, err: err}
}

func invalid(reason string) schemeResult {
	err := fmt.Errorf("%w: %s", ErrInvalidCredentials, reason)
	return schemeResult{outcome: outcomeInvalid, err: err}
}

// requestCredentials reads the credentials of one request, parsing the
// query string at most once.
type requestCredentials struct {
	r     *http.Request
	query url.Values
}

func (rc *requestCredentials) queryValues() url.Values {
	if rc.query == nil {
		rc.query = rc.r.URL.Query()
	}
	return rc.query
}

// check extracts the credentials of scheme def and passes them to v.
func (rc *requestCredentials) check(def SecurityScheme, v Validator) schemeResult {
	ctx := rc.r.Context()
	switch v.kind {
	case kindRequest:
		return classify(v.request(rc.r))
	case kindAPIKey:
		key, res := rc.apiKey(def)
		if key == "" {
			return res
		}
		return classify(withoutScopes(v.key(ctx, key)))
	case kindToken:
		token, res := rc.bearerToken()
		if token == "" {
			return res
		}
		return classify(v.token(ctx, token))
	case kindBasic:
		user, password, res := rc.basic()
		if res.outcome != outcomeOK {
			return res
		}
		return classify(withoutScopes(v.basic(ctx, user, password)))
	case kindCredentials:
		credentials, res := rc.authorization(def.Scheme)
		if credentials == "" {
			return res
		}
		return classify(withoutScopes(v.credentials(ctx, credentials)))
	case kindCertificate:
		state := rc.r.TLS
		if state == nil || len(state.PeerCertificates) == 0 {
			return missing
		}
		return classify(withoutScopes(v.certificate(ctx, state)))
	}
	return schemeResult{outcome: outcomeFailed, err: errors.New("validator is the zero value")}
}

func withoutScopes(principal any, err error) (any, []string, error) {
	return principal, nil, err
}

// classify turns a validator's return values into a result.
func classify(principal any, scopes []string, err error) schemeResult {
	switch {
	case err == nil:
		if s, ok := principal.(Scoped); ok {
			scopes = append(slices.Clip(scopes), s.Scopes()...)
		}
		return schemeResult{outcome: outcomeOK, principal: principal, scopes: scopes}
	case errors.Is(err, ErrNoCredentials):
		return missing
	case errors.Is(err, ErrInvalidCredentials):
		return schemeResult{outcome: outcomeInvalid, err: err}
	}
	return schemeResult{outcome: outcomeFailed, err: err}
}

// apiKey returns the key of an apiKey scheme, or "" and the reason.
func (rc *requestCredentials) apiKey(def SecurityScheme) (string, schemeResult) {
	var values []string
	switch def.In {
	case "header":
		values = rc.r.Header.Values(def.Name)
	case "query":
		values = rc.queryValues()[def.Name]
	case "cookie":
		// Browsers send the most specific cookie of a name first.
		if c, err := rc.r.Cookie(def.Name); err == nil {
			values = []string{c.Value}
		}
	}
	if len(values) > 1 {
		return "", malformed("the API key %s %q appears %d times", def.In, def.Name, len(values))
	}
	if len(values) == 0 || values[0] == "" {
		return "", missing
	}
	return values[0], schemeResult{}
}

// authorization returns the credentials after the authentication scheme
// in the Authorization header when the header uses scheme, compared
// case-insensitively (RFC 9110 section 11.1), or "" and the reason.
// Any number of spaces may separate the scheme from its credentials.
func (rc *requestCredentials) authorization(scheme string) (string, schemeResult) {
	values := rc.r.Header.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", missing
	case len(values) > 1:
		return "", malformed("the Authorization header appears %d times", len(values))
	}
	name, credentials, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(name, scheme) {
		return "", missing
	}
	credentials = strings.TrimLeft(credentials, " ")
	if credentials == "" {
		return "", missing
	}
	return credentials, schemeResult{}
}

// bearerToken returns the Bearer token of the Authorization header, or ""
// and the reason.
func (rc *requestCredentials) bearerToken() (string, schemeResult) {
	token, res := rc.authorization("Bearer")
	if token == "" {
		return "", res
	}
	if !isB64Token(token) {
		return "", malformed("the Bearer token is not in the b64token syntax of RFC 6750 section 2.1")
	}
	if rc.queryValues().Has("access_token") {
		// RFC 6750 section 3.1 calls more than one way of sending a
		// token an invalid_request.
		return "", malformed("the access token is sent both in the Authorization header and in the access_token query parameter")
	}
	return token, schemeResult{}
}

// basic returns the user-id and password of Basic credentials (RFC 7617),
// or the reason there are none. Credentials that are not base64, not
// UTF-8, contain control characters or lack a colon are invalid.
func (rc *requestCredentials) basic() (user, password string, res schemeResult) {
	encoded, res := rc.authorization("Basic")
	if encoded == "" {
		return "", "", res
	}
	decoded, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		decoded, err = base64.RawStdEncoding.DecodeString(encoded)
	}
	switch {
	case err != nil:
		return "", "", invalid("the Basic credentials are not valid base64")
	case !utf8.Valid(decoded):
		return "", "", invalid("the Basic credentials are not valid UTF-8")
	case strings.ContainsFunc(string(decoded), isControl):
		return "", "", invalid("the Basic credentials contain a control character")
	}
	user, password, ok := strings.Cut(string(decoded), ":")
	if !ok {
		return "", "", invalid("the Basic credentials have no colon between user-id and password")
	}
	return user, password, schemeResult{outcome: outcomeOK}
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

// isB64Token reports whether s matches b64token (RFC 6750 section 2.1):
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			return false
		}
	}
	return true
}
