package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/middleware"
)

// opServer records the operation that the context of each call carries.
type opServer struct {
	memoryServer
	seen *[]string
}

func (s opServer) GetPet(ctx context.Context, req *api.GetPetRequest) (api.GetPetResponse, error) {
	op, _ := middleware.OperationFrom(ctx)
	*s.seen = append(*s.seen, "server:"+opID(op))
	return s.memoryServer.GetPet(ctx, req)
}

func opID(op *middleware.Operation) string {
	if op == nil {
		return "none"
	}
	return op.ID
}

// TestOperationInContext checks that the Server method, the typed hooks,
// the middleware and the ErrorHandler all find the operation, with and
// without middleware: without any, the generated handler attaches it
// itself instead of copying the request.
func TestOperationInContext(t *testing.T) {
	pets, id := newMemoryPets()
	for _, withMiddleware := range []bool{false, true} {
		var seen []string
		opts := api.ServerOptions{
			SkipAuth: true,
			Hooks: api.OperationHooks{GetPet: func(ctx context.Context, req *api.GetPetRequest) error {
				op, _ := middleware.OperationFrom(ctx)
				seen = append(seen, "hook:"+opID(op))
				return nil
			}},
			AfterDecode: func(r *http.Request, _ *middleware.Operation, _ any) error {
				op, _ := middleware.OperationFrom(r.Context())
				seen = append(seen, "afterDecode:"+opID(op))
				return nil
			},
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				op, _ := middleware.OperationFrom(r.Context())
				seen = append(seen, "error:"+opID(op))
				middleware.WriteProblem(w, r, err)
			},
		}
		if withMiddleware {
			opts.Middleware = []middleware.Middleware{func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					op, _ := middleware.OperationFrom(r.Context())
					seen = append(seen, "middleware:"+opID(op))
					next.ServeHTTP(w, r)
				})
			}}
		}
		h, err := api.NewHandler(opServer{memoryServer{pets: pets}, &seen}, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/pets/" + id, "/pets/not-a-uuid"} {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		}
		want := []string{"afterDecode:getPet", "hook:getPet", "server:getPet", "error:getPet"}
		if withMiddleware {
			want = []string{"middleware:getPet", "afterDecode:getPet", "hook:getPet", "server:getPet", "middleware:getPet", "error:getPet"}
		}
		if len(seen) != len(want) {
			t.Fatalf("middleware=%v: seen %q, want %q", withMiddleware, seen, want)
		}
		for i := range want {
			if seen[i] != want[i] {
				t.Errorf("middleware=%v: seen %q, want %q", withMiddleware, seen, want)
				break
			}
		}
	}
}

// TestCallContextCancels checks that the context the Server method gets
// ends with the request's.
func TestCallContextCancels(t *testing.T) {
	pets, id := newMemoryPets()
	got := make(chan error, 1)
	srv := ctxServer{memoryServer: memoryServer{pets: pets}, got: got}
	h, err := api.NewHandler(srv, api.ServerOptions{SkipAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/pets/"+id, nil).WithContext(ctx))
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Errorf("ctx.Err() in the Server method = %v, want context.Canceled", err)
	}
}

type ctxServer struct {
	memoryServer
	got chan error
}

func (s ctxServer) GetPet(ctx context.Context, req *api.GetPetRequest) (api.GetPetResponse, error) {
	s.got <- ctx.Err()
	return s.memoryServer.GetPet(ctx, req)
}

// TestAuthErrorsUseServerErrorHandler checks that ServerOptions.ErrorHandler
// writes the 401 of the Authenticator, with its challenge already set.
func TestAuthErrorsUseServerErrorHandler(t *testing.T) {
	pets, _ := newMemoryPets()
	auth, err := api.NewAuthenticator(api.SecurityValidators{
		APIKey: func(context.Context, string) (any, error) { return nil, middleware.ErrInvalidCredentials },
		Bearer: func(context.Context, string) (any, []string, error) {
			return nil, nil, middleware.ErrInvalidCredentials
		},
		OAuth: func(context.Context, string) (any, []string, error) {
			return nil, nil, middleware.ErrInvalidCredentials
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var handled []error
	h, err := api.NewHandler(memoryServer{pets: pets}, api.ServerOptions{
		Auth: auth,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			handled = append(handled, err)
			w.Header().Set("X-Custom-Error", "1")
			middleware.WriteProblem(w, r, err)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets", nil))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("GET /pets without credentials: got %d, want 401", rec.Code)
	}
	if len(handled) != 1 || rec.Header().Get("X-Custom-Error") != "1" {
		t.Errorf("the ErrorHandler ran %d times (header %q), want once", len(handled), rec.Header().Get("X-Custom-Error"))
	}
	if rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("401 without a WWW-Authenticate challenge")
	}
}

func TestOperationMiddlewareUnknownID(t *testing.T) {
	pets, _ := newMemoryPets()
	noop := func(next http.Handler) http.Handler { return next }
	_, err := api.NewHandler(memoryServer{pets: pets}, api.ServerOptions{
		SkipAuth:            true,
		OperationMiddleware: map[string][]middleware.Middleware{"getPet": {noop}, "getPets": {noop}, "lisPets": {noop}},
	})
	if err == nil {
		t.Fatal("NewHandler accepted OperationMiddleware for unknown operation IDs")
	}
	for _, id := range []string{`"getPets"`, `"lisPets"`} {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("error %q does not name %s", err, id)
		}
	}
	if strings.Contains(err.Error(), `"getPet"`) {
		t.Errorf("error %q names the valid ID getPet", err)
	}
}
