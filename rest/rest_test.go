package rest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whgen/whgen/oas"
	"github.com/whgen/whgen/params"
	"github.com/whgen/whgen/problem"
)

func statusOf(t *testing.T, err error) int {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("got %v (%T), want a *problem.Error", err, err)
	}
	return pe.Problem.Status
}

func TestDecodeJSONStatuses(t *testing.T) {
	type target struct {
		N int `json:"n"`
	}
	cases := []struct {
		name, body string
		want       int
	}{
		{"empty", "  ", 400},
		{"syntax error", `{"n":`, 400},
		{"wrong type", `{"n":"x"}`, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v target
			if got := statusOf(t, DecodeJSON([]byte(c.body), &v)); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
	var v target
	if err := DecodeJSON([]byte(`{"n": 3}`), &v); err != nil || v.N != 3 {
		t.Errorf("valid body: got %v, n=%d", err, v.N)
	}
}

func TestInvalidListsPointers(t *testing.T) {
	if Invalid(nil) != nil {
		t.Fatal("Invalid(nil) is not nil")
	}
	err := Invalid(oas.Errors{{Pointer: "/name", Message: "is required"}})
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("got %T", err)
	}
	if pe.Problem.Status != 422 {
		t.Errorf("status = %d, want 422", pe.Problem.Status)
	}
	if len(pe.Problem.Errors) != 1 || pe.Problem.Errors[0].Pointer != "/name" {
		t.Errorf("errors = %+v, want one at /name", pe.Problem.Errors)
	}
}

func TestReadParamShapes(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/?limit=12&tags=a,b&limit2=x&f[color]=red", nil)
	var p ParamErrors
	var limit int32
	if ok, err := p.ReadParam(r, &params.Spec{Name: "limit", In: params.InQuery, Style: params.Form, Explode: true}, Primitive, &limit); !ok || err != nil || limit != 12 {
		t.Errorf("primitive: ok=%v err=%v limit=%d", ok, err, limit)
	}
	var tags []string
	if ok, err := p.ReadParam(r, &params.Spec{Name: "tags", In: params.InQuery, Style: params.Form}, Array, &tags); !ok || err != nil || strings.Join(tags, "|") != "a|b" {
		t.Errorf("array: ok=%v err=%v tags=%v", ok, err, tags)
	}
	var f map[string]string
	if ok, err := p.ReadParam(r, &params.Spec{Name: "f", In: params.InQuery, Style: params.DeepObject, Explode: true}, Object, &f); !ok || err != nil || f["color"] != "red" {
		t.Errorf("object: ok=%v err=%v f=%v", ok, err, f)
	}
	var bad int32
	if ok, err := p.ReadParam(r, &params.Spec{Name: "limit2", In: params.InQuery, Style: params.Form, Explode: true}, Primitive, &bad); ok || err != nil {
		t.Errorf("bad integer: ok=%v err=%v, want a recorded error", ok, err)
	}
	if len(p) != 1 || p[0].Parameter != "limit2" || p[0].In != "query" {
		t.Errorf("recorded = %+v, want one error for query limit2", p)
	}
	if statusOf(t, p.Err()) != 400 {
		t.Errorf("Err status is not 400")
	}
	var absent string
	if ok, err := p.ReadParam(r, &params.Spec{Name: "missing", In: params.InQuery, Style: params.Form, Explode: true}, Primitive, &absent); ok || err != nil {
		t.Errorf("absent parameter: ok=%v err=%v", ok, err)
	}
}

func TestRouterPrefersLiteralSegments(t *testing.T) {
	var rt Router
	answer := func(s string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, s+":"+r.PathValue("id"))
		})
	}
	for pattern, name := range map[string]string{
		"GET /videos/{id}/content":     "content",
		"GET /videos/characters/{id}":  "character",
		"POST /videos/characters/{id}": "create",
	} {
		if err := rt.Handle(pattern, answer(name)); err != nil {
			t.Fatal(err)
		}
	}
	h, err := rt.Handler()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/videos/42/content", 200, "content:42"},
		{"GET", "/videos/characters/7", 200, "character:7"},
		{"POST", "/videos/characters/7", 200, "create:7"},
		{"DELETE", "/videos/characters/7", 405, ""},
		{"GET", "/nothing", 404, ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status {
			t.Errorf("%s %s: got %d, want %d", c.method, c.path, rec.Code, c.status)
			continue
		}
		if c.body != "" && rec.Body.String() != c.body {
			t.Errorf("%s %s: got body %q, want %q", c.method, c.path, rec.Body.String(), c.body)
		}
		if c.status >= 400 && rec.Header().Get("Content-Type") != problem.ContentType {
			t.Errorf("%s %s: Content-Type %q, want a problem", c.method, c.path, rec.Header().Get("Content-Type"))
		}
	}
}

func TestStripBasePath(t *testing.T) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) })
	h := StripBasePath("/v1/", inner, nil)
	for path, want := range map[string]int{"/v1/pets": 200, "/v1": 200, "/v10/pets": 404, "/pets": 404} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("%s: got %d, want %d", path, rec.Code, want)
		}
	}
}

func TestDecodeResponseNonJSON(t *testing.T) {
	resp := &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"text/plain"}}}
	var v map[string]any
	err := DecodeResponse(resp, []byte("404 page not found\n"), &v)
	var ue *UnexpectedStatusError
	if !errors.As(err, &ue) || ue.StatusCode != 404 {
		t.Errorf("got %v, want *UnexpectedStatusError with 404", err)
	}
	if err := DecodeResponse(resp, []byte(`{"a":1}`), &v); err != nil || v["a"] != json.Number("1") && v["a"] != float64(1) {
		t.Errorf("JSON body: err=%v v=%v", err, v)
	}
}

func TestFailHidesInternalErrors(t *testing.T) {
	rec := httptest.NewRecorder()
	Fail(rec, httptest.NewRequest("GET", "/", nil), errors.New("db password=secret"), nil)
	if rec.Code != 500 {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("500 body leaks the internal error: %s", rec.Body.String())
	}
}
