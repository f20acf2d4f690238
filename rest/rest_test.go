package rest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/whgen/whgen/middleware"
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

func TestMediaType(t *testing.T) {
	for header, want := range map[string]string{
		"":                                 "",
		"application/json":                 "application/json",
		"Application/JSON; charset=UTF-8":  "application/json",
		"application/json; charset=utf8":   "application/json",
		"application/json; charset=latin1": "application/json; charset=latin1",
		"application/x-www-form-urlencoded; charset=utf-16": "application/x-www-form-urlencoded; charset=utf-16",
		"text/plain; charset=latin1":                        "text/plain",
		";;;":                                               ";;;",
		"application/json;;":                                "application/json;;",
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if header != "" {
			r.Header.Set("Content-Type", header)
		}
		if got := MediaType(r); got != want {
			t.Errorf("MediaType(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestReadBodyRejectsCompression(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("\x1f\x8b..."))
	r.Header.Set("Content-Encoding", "gzip")
	if _, err := ReadBody(r, 0); statusOf(t, err) != http.StatusUnsupportedMediaType {
		t.Errorf("gzip body: %v, want a 415", err)
	}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
	r.Header.Set("Content-Encoding", "identity")
	if body, err := ReadBody(r, 0); err != nil || string(body) != "{}" {
		t.Errorf("identity body = %q, %v; want {} and nil", body, err)
	}
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
		{"invalid UTF-8", "{\"n\":1,\"s\":\"\xff\"}", 400},
		{"unpaired surrogate", `{"n":1,"s":"\ud800"}`, 400},
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

func TestTextAndParsed(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/?limit=12&bad=x&deep[a]=1", nil)
	var p ParamErrors
	limit := &params.Spec{Name: "limit", In: params.InQuery, Style: params.Form, Explode: true}
	text, ok, err := p.Text(r, limit)
	if !ok || err != nil || text != "12" {
		t.Fatalf("Text(limit) = %q, %v, %v; want 12, true, nil", text, ok, err)
	}
	if n, err := limit.ParseInt32(text); !p.Parsed(err) || n != 12 {
		t.Errorf("ParseInt32(12) = %d, %v", n, err)
	}
	bad := &params.Spec{Name: "bad", In: params.InQuery, Style: params.Form, Explode: true}
	text, ok, err = p.Text(r, bad)
	if !ok || err != nil {
		t.Fatalf("Text(bad) = %q, %v, %v", text, ok, err)
	}
	if _, err := bad.ParseInt64(text); p.Parsed(err) {
		t.Errorf("Parsed accepted %q as an integer", text)
	}
	if _, ok, err := p.Text(r, &params.Spec{Name: "absent", In: params.InQuery, Style: params.Form, Explode: true}); ok || err != nil {
		t.Errorf("Text(absent) = %v, %v; want false, nil", ok, err)
	}
	// A primitive cannot use deepObject: that is the spec's fault, so it
	// comes back as an error for a 500 instead of a recorded 400.
	if _, _, err := p.Text(r, &params.Spec{Name: "deep", In: params.InQuery, Style: params.DeepObject, Explode: true}); err == nil {
		t.Errorf("Text(deepObject) gave no error")
	}
	if len(p) != 1 || p[0].Parameter != "bad" || !strings.Contains(p[0].Detail, "invalid integer") {
		t.Errorf("recorded = %+v, want one invalid integer for bad", p)
	}
}

func TestCallCarriesOperation(t *testing.T) {
	type key struct{}
	op := &middleware.Operation{ID: "getPet"}
	parent := context.WithValue(context.Background(), key{}, "parent value")
	ctx, cancel := context.WithCancel(parent)
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	c := NewCall[struct{ N int }](r, op)
	if got, ok := middleware.OperationFrom(c.Context()); !ok || got != op {
		t.Errorf("OperationFrom = %v, %v; want %v", got, ok, op)
	}
	if got := c.Context().Value(key{}); got != "parent value" {
		t.Errorf("Value(parent key) = %v, want the parent's value", got)
	}
	child, stop := context.WithCancel(c.Context())
	defer stop()
	cancel()
	<-child.Done()
	if !errors.Is(c.Context().Err(), context.Canceled) {
		t.Errorf("Err after cancel = %v, want context.Canceled", c.Context().Err())
	}
}

func TestWriteJSONMatchesMarshal(t *testing.T) {
	type pet struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	var nilSlice []pet
	var nilMap map[string]int
	var nilPtr *pet
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"struct pointer", &pet{Name: "<Rex> & co", Tags: []string{"a"}}, ""},
		{"string", "plain", ""},
		{"number", 3.5, ""},
		{"nil slice", nilSlice, "[]"},
		{"nil map", nilMap, "{}"},
		{"nil pointer", nilPtr, "null"},
		{"empty slice", []pet{}, "[]"},
		{"large", strings.Repeat("x", 2*maxPooledBuffer), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == "" {
				b, err := json.Marshal(tc.v)
				if err != nil {
					t.Fatal(err)
				}
				want = string(b)
			}
			// Twice, so that the second run gets a pooled encoder.
			for range 2 {
				rec := httptest.NewRecorder()
				if err := WriteJSON(rec, http.StatusCreated, "application/json", tc.v); err != nil {
					t.Fatal(err)
				}
				if rec.Code != http.StatusCreated || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != want {
					t.Fatalf("got %d %q %.80q, want 201 application/json %.80q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String(), want)
				}
			}
		})
	}
	t.Run("unencodable", func(t *testing.T) {
		rec := httptest.NewRecorder()
		if err := WriteJSON(rec, http.StatusOK, "application/json", map[string]any{"f": func() {}}); err == nil {
			t.Fatal("WriteJSON of a func gave no error")
		}
		if rec.Body.Len() != 0 {
			t.Errorf("wrote %q before failing", rec.Body.String())
		}
		// The failed encoding must not leave bytes behind for the next.
		rec = httptest.NewRecorder()
		if err := WriteJSON(rec, http.StatusOK, "application/json", 1); err != nil || rec.Body.String() != "1" {
			t.Errorf("after a failure got %q, %v; want 1", rec.Body.String(), err)
		}
	})
}

func TestDecodeJSONTypePointers(t *testing.T) {
	type inner struct {
		Size int `json:"a/b~c"`
	}
	type target struct {
		N     int   `json:"n"`
		Inner inner `json:"inner"`
	}
	for _, c := range []struct{ body, pointer string }{
		{`[]`, ""},
		{`{"n": "x"}`, "/n"},
		{`{"inner": {"a/b~c": true}}`, "/inner/a~1b~0c"},
	} {
		var v target
		var pe *problem.Error
		if err := DecodeJSON([]byte(c.body), &v); !errors.As(err, &pe) || len(pe.Problem.Errors) != 1 {
			t.Fatalf("DecodeJSON(%s) = %v, want one field error", c.body, err)
		}
		if got := pe.Problem.Errors[0].Pointer; got != c.pointer {
			t.Errorf("DecodeJSON(%s): pointer %q, want %q", c.body, got, c.pointer)
		}
	}
}

func TestDecodeJSONWholeNumbers(t *testing.T) {
	var v struct {
		N int64 `json:"n"`
	}
	if err := DecodeJSON([]byte(`{"n": 2.0}`), &v); err != nil || v.N != 2 {
		t.Errorf("DecodeJSON of 2.0 = %v, n = %d; want nil and 2", err, v.N)
	}
	if got := statusOf(t, DecodeJSON([]byte(`{"n": 2.5}`), &v)); got != http.StatusUnprocessableEntity {
		t.Errorf("DecodeJSON of 2.5: status %d, want 422", got)
	}
}

func TestDecodeJSONOutOfRange(t *testing.T) {
	type target struct {
		N int32 `json:"n"`
	}
	for body, want := range map[string]string{
		`{"n": 3000000000}`:  "must be at most 2147483647, not 3000000000",
		`{"n": -3e9}`:        "must be at least -2147483648, not -3000000000",
		`{"n": 1.5}`:         "must be an integer, not number 1.5",
		`{"n": 1e999999999}`: "must be an integer, not number 1e999999999",
	} {
		var v target
		var pe *problem.Error
		if err := DecodeJSON([]byte(body), &v); !errors.As(err, &pe) || len(pe.Problem.Errors) != 1 {
			t.Fatalf("DecodeJSON(%s) = %v, want one field error", body, err)
		}
		if got := pe.Problem.Errors[0].Detail; got != want {
			t.Errorf("DecodeJSON(%s): detail %q, want %q", body, got, want)
		}
	}
}

func TestDecodeJSONDepth(t *testing.T) {
	nest := func(n int) []byte {
		return []byte(strings.Repeat(`{"a":`, n) + `"[[[{{{"` + strings.Repeat("}", n))
	}
	var v any
	if err := DecodeJSON(nest(MaxJSONDepth), &v); err != nil {
		t.Errorf("%d levels: %v", MaxJSONDepth, err)
	}
	err := DecodeJSON(nest(MaxJSONDepth+1), &v)
	if got := statusOf(t, err); got != http.StatusBadRequest || !strings.Contains(err.Error(), "levels deep") {
		t.Errorf("%d levels: got %d %v, want 400 naming the depth", MaxJSONDepth+1, got, err)
	}
	if at := oas.DeeperThan([]byte(`[1, "\"[[", [2]]`), 1); at != 12 {
		t.Errorf("DeeperThan = %d, want 12, the second array", at)
	}
}

func TestDecodeFormMessages(t *testing.T) {
	type form struct {
		Stars int64   `json:"stars"`
		Text  string  `json:"text"`
		IDs   []int64 `json:"ids"`
	}
	for body, want := range map[string]string{
		"stars=x&text=a":  `the request body has an invalid field: property "stars": invalid integer "x"`,
		"stars=1&stars=2": `the request body repeats the field "stars", which takes one value`,
		"ids=1&ids=x":     `the request body has an invalid field: property "ids": invalid integer "x" at index 1`,
		"stars=1;text=a":  "the request body is not valid form data: separate fields with '&', not ';'",
		"stars=%zz":       `the request body is not valid form data: invalid URL escape "%zz"`,
	} {
		var f form
		_, err := DecodeForm([]byte(body), &f)
		var pe *problem.Error
		if !errors.As(err, &pe) {
			t.Errorf("DecodeForm(%q) = %v, want a problem", body, err)
			continue
		}
		if pe.Problem.Detail != want {
			t.Errorf("DecodeForm(%q): detail %q, want %q", body, pe.Problem.Detail, want)
		}
	}
}

func TestRouterErrorsUseHook(t *testing.T) {
	var statuses []int
	hook := func(w http.ResponseWriter, r *http.Request, err error) {
		statuses = append(statuses, statusOf(t, err))
		middleware.WriteProblem(w, r, err)
	}
	rt := Router{ErrorHandler: hook}
	if err := rt.Handle("GET /items/{id}", http.NotFoundHandler()); err != nil {
		t.Fatal(err)
	}
	h, err := rt.Handler()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/nothing", 404},
		{"POST", "/items/1", 405},
	} {
		statuses = statuses[:0]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status {
			t.Errorf("%s %s: got status %d, want %d", c.method, c.path, rec.Code, c.status)
		}
		if len(statuses) != 1 || statuses[0] != c.status {
			t.Errorf("%s %s: got hook calls with %v, want one with %d", c.method, c.path, statuses, c.status)
		}
	}
}

func TestRouteNotFoundProblem(t *testing.T) {
	err := RouteNotFound()
	if got := statusOf(t, err); got != http.StatusNotFound {
		t.Errorf("got status %d, want 404", got)
	}
	rec := httptest.NewRecorder()
	Fail(rec, httptest.NewRequest("GET", "/x", nil), err, nil)
	if got := rec.Header().Get("Content-Type"); got != problem.ContentType {
		t.Errorf("got Content-Type %q, want %q", got, problem.ContentType)
	}
}

func TestFormArrays(t *testing.T) {
	type form struct {
		Tags  []string `json:"tags"`
		IDs   *[]int64 `json:"ids,omitempty"`
		Notes []string `json:"notes,omitempty"`
		N     *int64   `json:"n,omitempty"`
	}
	var f form
	names, err := DecodeForm([]byte("tags=a&tags=b%2Cc&n=1"), &f)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b,c"}; !slices.Equal(f.Tags, want) {
		t.Errorf("tags = %q, want %q", f.Tags, want)
	}
	if f.IDs != nil || f.Notes != nil {
		t.Errorf("absent arrays = %v, %v; want nil", f.IDs, f.Notes)
	}
	if want := []string{"n", "tags"}; !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}

	// The client writes what the server reads.
	ids := []int64{3, 4}
	body, err := EncodeForm(form{Tags: []string{"x", "y"}, IDs: &ids})
	if err != nil {
		t.Fatal(err)
	}
	var back form
	if _, err := DecodeForm(body, &back); err != nil {
		t.Fatalf("DecodeForm(%s): %v", body, err)
	}
	if !slices.Equal(back.Tags, []string{"x", "y"}) || back.IDs == nil || !slices.Equal(*back.IDs, ids) {
		t.Errorf("round trip of %s = %+v", body, back)
	}

}
