package params

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInvalidUTF8(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/files/x?q=%ff%fe&tags=a&tags=%c3&f[k]=%80&ok=%c3%bc", nil)
	r.SetPathValue("name", "\xff\xfe")
	r.Header.Set("X-Id", "\xff")
	for _, tc := range []struct {
		spec  *Spec
		shape string
	}{
		{&Spec{Name: "q", In: InQuery, Style: Form, Explode: true}, "primitive"},
		{&Spec{Name: "name", In: InPath, Style: Simple}, "primitive"},
		{&Spec{Name: "X-Id", In: InHeader, Style: Simple}, "primitive"},
		{&Spec{Name: "tags", In: InQuery, Style: Form, Explode: true}, "array"},
		{&Spec{Name: "f", In: InQuery, Style: DeepObject, Explode: true}, "object"},
	} {
		var err error
		switch tc.shape {
		case "primitive":
			_, _, err = tc.spec.Primitive(r)
		case "array":
			_, _, err = tc.spec.Array(r)
		case "object":
			_, _, err = tc.spec.Object(r)
		}
		var pe *Error
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "invalid UTF-8") {
			t.Errorf("%s %s: got %v, want an invalid UTF-8 error", tc.spec.In, tc.spec.Name, err)
		}
	}
	if v, ok, err := (&Spec{Name: "ok", In: InQuery, Style: Form, Explode: true}).Primitive(r); err != nil || !ok || v != "ü" {
		t.Errorf("valid UTF-8: got %q, %v, %v", v, ok, err)
	}
}
