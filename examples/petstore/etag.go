package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// etag returns the entity tag of a pet version: a strong validator such as
// "v3" (with the quotes), which changes with every change to the pet.
func etag(version int64) string {
	return `"v` + strconv.FormatInt(version, 10) + `"`
}

// ifMatch is a parsed If-Match field value (RFC 9110 section 13.1.1).
type ifMatch struct {
	any  bool
	tags []entityTag
}

type entityTag struct {
	weak   bool
	opaque string // with its quotes
}

// parseIfMatch parses "*" or a comma-separated list of entity tags, each
// a quoted string with an optional W/ prefix.
func parseIfMatch(field string) (ifMatch, error) {
	if strings.TrimSpace(field) == "*" {
		return ifMatch{any: true}, nil
	}
	var m ifMatch
	rest := field
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			break
		}
		var t entityTag
		if strings.HasPrefix(rest, "W/") {
			t.weak = true
			rest = rest[2:]
		}
		if !strings.HasPrefix(rest, `"`) {
			return ifMatch{}, errors.New(`must be "*" or a list of entity tags such as "v1"`)
		}
		// An opaque tag is a quoted string without escapes, so the next
		// quote ends it and commas inside it do not separate tags.
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return ifMatch{}, errors.New("an entity tag lacks its closing quote")
		}
		t.opaque, rest = rest[:end+2], rest[end+2:]
		m.tags = append(m.tags, t)
		if rest = strings.TrimLeft(rest, " \t"); rest != "" && rest[0] != ',' {
			return ifMatch{}, errors.New("entity tags must be separated by commas")
		}
	}
	if len(m.tags) == 0 {
		return ifMatch{}, errors.New(`must be "*" or a list of entity tags such as "v1"`)
	}
	return m, nil
}

// match reports whether current, a strong entity tag, satisfies m. If-Match
// uses the strong comparison, so a weak tag never matches.
func (m ifMatch) match(current string) bool {
	if m.any {
		return true
	}
	for _, t := range m.tags {
		if !t.weak && t.opaque == current {
			return true
		}
	}
	return false
}

// responseHeaderKey is the context key under which withResponseHeader
// stores the header map of the response being written.
type responseHeaderKey struct{}

// withResponseHeader lets the operation behind it set response headers
// that the spec does not declare, such as ETag, which the generated response
// types have no field for. Header values set before the generated code
// writes the response are sent with it.
func withResponseHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), responseHeaderKey{}, w.Header())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// setResponseHeader sets a header of the response to the request of ctx,
// when withResponseHeader wraps the operation, and does nothing otherwise.
func setResponseHeader(ctx context.Context, name, value string) {
	if h, ok := ctx.Value(responseHeaderKey{}).(http.Header); ok {
		h.Set(name, value)
	}
}
