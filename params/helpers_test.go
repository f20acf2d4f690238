package params

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// shape is the kind of value a test parameter carries.
type shape int

const (
	primitiveShape shape = iota
	arrayShape
	objectShape
)

func (sh shape) String() string {
	return [...]string{"primitive", "array", "object"}[sh]
}

// pathPattern is the ServeMux pattern that the tests route requests
// through. Path parameters in tests are named "color".
const pathPattern = "GET /items/{color}"

// placeWire returns a request that carries wire as the parameter of spec:
// as the path segment after /items/, as the query string, as the header
// field value, or as the Cookie header.
func placeWire(spec *Spec, wire string) *http.Request {
	target := "http://example.com/items/x"
	switch spec.In {
	case InPath:
		target = "http://example.com/items/" + wire
	case InQuery:
		target += "?" + wire
	}
	r := httptest.NewRequest(http.MethodGet, target, nil)
	switch spec.In {
	case InHeader:
		r.Header.Set(spec.Name, wire)
	case InCookie:
		r.Header.Set("Cookie", wire)
	}
	return r
}

// routed runs fn with r after a ServeMux has matched it against
// pathPattern, so that r.Pattern and r.PathValue are set as in a server.
func routed(t *testing.T, r *http.Request, fn func(*http.Request)) {
	t.Helper()
	mux := http.NewServeMux()
	called := false
	mux.HandleFunc(pathPattern, func(_ http.ResponseWriter, r *http.Request) {
		called = true
		fn(r)
	})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, r)
	if !called {
		t.Fatalf("ServeMux did not route %q: got status %d, want a handler call", r.URL, rec.Code)
	}
}

// parsed is the outcome of one of the Spec read methods.
type parsed struct {
	value   any
	present bool
	err     error
}

// parseShape calls the read method of spec for sh.
func parseShape(spec *Spec, sh shape, r *http.Request) parsed {
	var p parsed
	switch sh {
	case primitiveShape:
		p.value, p.present, p.err = spec.Primitive(r)
	case arrayShape:
		p.value, p.present, p.err = spec.Array(r)
	default:
		p.value, p.present, p.err = spec.Object(r)
	}
	return p
}

// parseWire places wire in a request, routes it and parses it as sh.
func parseWire(t *testing.T, spec *Spec, sh shape, wire string) parsed {
	t.Helper()
	var p parsed
	routed(t, placeWire(spec, wire), func(r *http.Request) {
		p = parseShape(spec, sh, r)
	})
	return p
}

// appendShape calls the append method of spec for sh with value, which
// is a string, a []string or a []Property.
func appendShape(spec *Spec, sh shape, value any) (string, error) {
	var (
		b   []byte
		err error
	)
	switch sh {
	case primitiveShape:
		b, err = spec.AppendPrimitive(nil, value.(string))
	case arrayShape:
		b, err = spec.AppendArray(nil, value.([]string))
	default:
		b, err = spec.AppendObject(nil, value.([]Property))
	}
	return string(b), err
}
