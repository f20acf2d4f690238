package middleware

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whgen/whgen/problem"
)

func tagging(name string, trace *[]string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			*trace = append(*trace, name)
			next.ServeHTTP(w, r)
		})
	}
}

func TestChainOrder(t *testing.T) {
	var trace []string
	h := Chain(tagging("a", &trace), nil, tagging("b", &trace), tagging("c", &trace))(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { trace = append(trace, "handler") }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if got := strings.Join(trace, " "); got != "a b c handler" {
		t.Errorf("got order %q, want %q", got, "a b c handler")
	}
}

func TestChainEmpty(t *testing.T) {
	called := false
	h := Chain()(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !called {
		t.Error("got handler not called, want called")
	}
}

func TestOperationContext(t *testing.T) {
	op := &Operation{ID: "listPets", Method: "GET", Path: "/pets", Tags: []string{"pets"}}
	var got *Operation
	var found bool
	h := op.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, found = OperationFrom(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/pets", nil))
	if !found || got != op {
		t.Errorf("got %v, %v, want the attached operation", got, found)
	}

	if _, ok := OperationFrom(context.Background()); ok {
		t.Error("got an operation from an empty context, want none")
	}
	if _, ok := OperationFrom(WithOperation(context.Background(), nil)); ok {
		t.Error("got an operation from a nil one, want none")
	}
}

func TestWriteProblemPlainError(t *testing.T) {
	w := httptest.NewRecorder()
	WriteProblem(w, httptest.NewRequest("GET", "/", nil), errors.New("database password is hunter2"))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("got status %d, want 500", w.Code)
	}
	if strings.Contains(w.Body.String(), "hunter2") {
		t.Errorf("got body %q with the internal message, want it hidden", w.Body.String())
	}
}

// TestChainOrderMatters shows why CORS goes before rate limiting and
// authentication: a browser's preflight carries no credentials and must
// not spend the client's budget.
func TestChainOrderMatters(t *testing.T) {
	cors, err := NewCORS(CORSOptions{
		AllowedOrigins: []string{"https://app.example"},
		AllowedMethods: []string{"DELETE"},
		AllowedHeaders: []string{"Authorization"},
	})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := NewAuthenticator(AuthOptions{
		Schemes: map[string]SecurityScheme{"bearer": {Type: SchemeHTTP, Scheme: "bearer"}},
		Validators: map[string]Validator{"bearer": TokenValidator(func(_ context.Context, token string) (string, []string, error) {
			return "user", nil, nil
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	security := []SecurityRequirement{{"bearer": nil}}
	newLimiter := func() Middleware {
		rl, err := NewRateLimiter(RateLimitOptions{RequestsPerSecond: 1.0 / 3600, Burst: 1})
		if err != nil {
			t.Fatal(err)
		}
		return rl.Handler
	}

	tests := []struct {
		name         string
		chain        func() Middleware
		wantStatuses []int // of three preflights from the same client
	}{
		{"cors outermost", func() Middleware { return Chain(cors.Handler, newLimiter(), auth.Require(security)) }, []int{204, 204, 204}},
		{"limiter outermost", func() Middleware { return Chain(newLimiter(), cors.Handler, auth.Require(security)) }, []int{204, 429, 429}},
		{"auth outermost", func() Middleware { return Chain(auth.Require(security), cors.Handler, newLimiter()) }, []int{401, 401, 401}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.chain()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Error("got the preflight at the application, want it answered by CORS")
			}))
			for i, want := range tt.wantStatuses {
				r := httptest.NewRequest("OPTIONS", "/pets/1", nil)
				r.Header.Set("Origin", "https://app.example")
				r.Header.Set("Access-Control-Request-Method", "DELETE")
				r.Header.Set("Access-Control-Request-Headers", "authorization")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != want {
					t.Errorf("preflight %d: got status %d, want %d", i+1, w.Code, want)
				}
			}
		})
	}
}

// TestErrorsCarryCORSHeaders shows the other half of the order: with CORS
// outermost, a 401 from authentication can be read by the browser script.
func TestErrorsCarryCORSHeaders(t *testing.T) {
	cors, _ := NewCORS(CORSOptions{AllowedOrigins: []string{"https://app.example"}})
	auth, _ := NewAuthenticator(AuthOptions{
		Schemes: map[string]SecurityScheme{"bearer": {Type: SchemeHTTP, Scheme: "bearer"}},
		Validators: map[string]Validator{"bearer": TokenValidator(func(_ context.Context, token string) (string, []string, error) {
			return "user", nil, nil
		})},
	})
	h := Chain(cors.Handler, auth.Require([]SecurityRequirement{{"bearer": nil}}))(http.NotFoundHandler())
	r := httptest.NewRequest("GET", "/pets", nil)
	r.Header.Set("Origin", "https://app.example")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	if w.Code != http.StatusUnauthorized {
		t.Errorf("got status %d, want 401", w.Code)
	}
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://app.example" {
		t.Errorf("got Access-Control-Allow-Origin %q, want the origin", got)
	}
	if got := w.Header().Get("Content-Type"); got != problem.ContentType {
		t.Errorf("got Content-Type %q, want %q", got, problem.ContentType)
	}
}
