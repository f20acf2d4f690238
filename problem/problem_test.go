package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   Problem
		want string
	}{
		{"zero value", Problem{}, `{}`},
		{
			"standard members in order",
			Problem{Instance: "/pets/7", Detail: "d", Status: 404, Title: "Not Found", Type: "https://example.com/nf"},
			`{"type":"https://example.com/nf","title":"Not Found","status":404,"detail":"d","instance":"/pets/7"}`,
		},
		{
			"errors member",
			Problem{Status: 400, Errors: []FieldError{{Pointer: "/age", Detail: "must be positive"}, {Parameter: "limit", In: "query", Detail: "too large"}}},
			`{"status":400,"errors":[{"pointer":"/age","detail":"must be positive"},{"parameter":"limit","in":"query","detail":"too large"}]}`,
		},
		{
			"extensions sorted after standard members",
			Problem{Status: 429, Extensions: map[string]any{"zeta": 1, "alpha": "a", "balance": 30}},
			`{"status":429,"alpha":"a","balance":30,"zeta":1}`,
		},
		{
			"extensions cannot override standard members",
			Problem{Status: 403, Extensions: map[string]any{"status": 200, "title": "x", "errors": "y", "extra": true}},
			`{"status":403,"extra":true}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMarshalJSONBadExtension(t *testing.T) {
	_, err := json.Marshal(Problem{Extensions: map[string]any{"n": math.NaN()}})
	if err == nil {
		t.Fatal("got nil error for a NaN extension, want an error")
	}
}

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Problem
	}{
		{
			"all members",
			`{"type":"t","title":"T","status":422,"detail":"d","instance":"i","errors":[{"pointer":"/a","detail":"x"}],"trace":"abc"}`,
			Problem{Type: "t", Title: "T", Status: 422, Detail: "d", Instance: "i",
				Errors:     []FieldError{{Pointer: "/a", Detail: "x"}},
				Extensions: map[string]any{"trace": json.RawMessage(`"abc"`)}},
		},
		{
			"wrong member types are ignored",
			`{"type":7,"title":["x"],"status":"404","detail":null,"instance":{}}`,
			Problem{},
		},
		{
			"errors of another shape stay an extension",
			`{"status":400,"errors":"bad"}`,
			Problem{Status: 400, Extensions: map[string]any{"errors": json.RawMessage(`"bad"`)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Problem
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded problem mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalJSONNotObject(t *testing.T) {
	var p Problem
	if err := json.Unmarshal([]byte(`[1]`), &p); err == nil {
		t.Fatal("got nil error for a JSON array, want an error")
	}
}

func TestPointer(t *testing.T) {
	tests := []struct {
		tokens []string
		want   string
	}{
		{nil, ""},
		{[]string{"items", "0", "price"}, "/items/0/price"},
		{[]string{"a/b", "m~n", ""}, "/a~1b/m~0n/"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Pointer(tt.tokens...); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name       string
		problem    *Problem
		wantStatus int
		wantBody   string
		wantErr    bool
	}{
		{"not found", New(404, "no pet"), 404, `{"title":"Not Found","status":404,"detail":"no pet"}`, false},
		{"nil problem", nil, 500, `{"title":"Internal Server Error","status":500}`, false},
		{"status zero", &Problem{Title: "x"}, 500, `{"title":"x","status":500}`, false},
		{"success status", &Problem{Status: 204}, 500, `{"status":500}`, false},
		{
			"unencodable extension dropped",
			&Problem{Status: 418, Extensions: map[string]any{"f": func() {}}},
			418, `{"status":418}`, true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Length", "99")
			rec.Header().Set("WWW-Authenticate", "Bearer")
			err := Write(rec, tt.problem)
			if (err != nil) != tt.wantErr {
				t.Errorf("got error %v, want error %v", err, tt.wantErr)
			}
			if rec.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Body.String(); got != tt.wantBody+"\n" {
				t.Errorf("got body %q, want %q", got, tt.wantBody+"\n")
			}
			if got := rec.Header().Get("Content-Type"); got != ContentType {
				t.Errorf("got Content-Type %q, want %q", got, ContentType)
			}
			if got := rec.Header().Get("Content-Length"); got != "" {
				t.Errorf("got stale Content-Length %q, want none", got)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != "Bearer" {
				t.Errorf("got WWW-Authenticate %q, want the header set before Write", got)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	sentinel := errors.New("database unavailable")
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantDetail string
	}{
		{"plain error hides its message", sentinel, 500, ""},
		{"problem error", NewError(http.StatusConflict, "name taken"), 409, "name taken"},
		{"wrapped problem error", fmt.Errorf("create pet: %w", Wrap(sentinel, 503, "try later")), 503, "try later"},
		{"nil error", nil, 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if err := WriteError(rec, tt.err); err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if rec.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", rec.Code, tt.wantStatus)
			}
			var got Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("got undecodable body %q: %v", rec.Body, err)
			}
			if got.Detail != tt.wantDetail {
				t.Errorf("got detail %q, want %q", got.Detail, tt.wantDetail)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("got status member %d, want %d", got.Status, tt.wantStatus)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	cause := errors.New("sql: no rows in result set")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"detail and cause", Wrap(cause, 404, "pet 42 does not exist"), "404 Not Found: pet 42 does not exist: sql: no rows in result set"},
		{"title only", NewError(409, ""), "409 Conflict"},
		{"nil problem", &Error{Err: cause}, "500 Internal Server Error: sql: no rows in result set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorUnwrap(t *testing.T) {
	cause := errors.New("cause")
	err := fmt.Errorf("handler: %w", Wrap(cause, 400, "bad"))
	if !errors.Is(err, cause) {
		t.Error("got errors.Is false for the cause, want true")
	}
	if got := From(err).Status; got != 400 {
		t.Errorf("got status %d, want 400", got)
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name       string
		errs       []FieldError
		wantDetail string
	}{
		{"one value", []FieldError{{Pointer: "/a", Detail: "x"}}, "the request contains an invalid value"},
		{"two values", []FieldError{{Pointer: "/a", Detail: "x"}, {Pointer: "/b", Detail: "y"}}, "the request contains 2 invalid values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Invalid(tt.errs...).Problem
			if p.Status != http.StatusBadRequest {
				t.Errorf("got status %d, want 400", p.Status)
			}
			if p.Detail != tt.wantDetail {
				t.Errorf("got detail %q, want %q", p.Detail, tt.wantDetail)
			}
			if diff := cmp.Diff(tt.errs, p.Errors); diff != "" {
				t.Errorf("errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
