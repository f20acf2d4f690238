package params

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// routedRequest returns a request for target after ServeMux has matched
// it against pattern, with r.Pattern and the path values set.
func routedRequest(b *testing.B, pattern, target string) *http.Request {
	b.Helper()
	var matched *http.Request
	mux := http.NewServeMux()
	mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) { matched = r })
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	if matched == nil {
		b.Fatalf("ServeMux did not route %q", target)
	}
	return matched
}

func BenchmarkPathInt(b *testing.B) {
	spec := &Spec{Name: "id", In: InPath}
	r := routedRequest(b, "GET /items/{id}", "/items/1234567")
	b.ReportAllocs()
	for b.Loop() {
		text, present, err := spec.Primitive(r)
		if err != nil || !present {
			b.Fatal(err)
		}
		if _, err := spec.ParseInt64(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPathArray(b *testing.B) {
	spec := &Spec{Name: "ids", In: InPath}
	r := routedRequest(b, "GET /items/{ids}", "/items/1,2,3,4,5,6,7,8")
	b.ReportAllocs()
	for b.Loop() {
		items, _, err := spec.Array(r)
		if err != nil || len(items) != 8 {
			b.Fatal(items, err)
		}
	}
}

func BenchmarkQueryExplodedArray(b *testing.B) {
	spec := &Spec{Name: "ids", In: InQuery, Explode: true}
	r := httptest.NewRequest(http.MethodGet, "/items?limit=10&ids=1&ids=2&ids=3&ids=4&ids=5&ids=6&ids=7&ids=8", nil)
	b.ReportAllocs()
	for b.Loop() {
		items, _, err := spec.Array(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseItems(items, spec.ParseInt64); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeepObject(b *testing.B) {
	spec := &Spec{Name: "filter", In: InQuery, Style: DeepObject, Explode: true}
	r := httptest.NewRequest(http.MethodGet, "/items?page=2&filter%5Bstatus%5D=open&filter[owner]=alice&filter[label]=bug", nil)
	b.ReportAllocs()
	for b.Loop() {
		props, _, err := spec.Object(r)
		if err != nil || len(props) != 3 {
			b.Fatal(props, err)
		}
	}
}

func BenchmarkAppendQueryExplodedArray(b *testing.B) {
	spec := &Spec{Name: "ids", In: InQuery, Explode: true}
	items := []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = spec.AppendArray(buf[:0], items); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendDeepObject(b *testing.B) {
	spec := &Spec{Name: "filter", In: InQuery, Style: DeepObject, Explode: true}
	props := []Property{{"status", "open"}, {"owner", "alice smith"}, {"label", "bug"}}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = spec.AppendObject(buf[:0], props); err != nil {
			b.Fatal(err)
		}
	}
}
