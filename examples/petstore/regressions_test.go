package main

// The tests in this file guard against defects, since fixed, that were
// found in the generated code and in the runtime packages that serve
// depends on.

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/generator"
)

func TestDateFormatErrorIs422(t *testing.T) {
	ts := startServer(t, testConfig(t))
	body := `{"name": "Rex", "species": "dog", "birthDate": "2021-02-29"}`
	resp := ts.do(request{method: "POST", path: "/pets", body: body, header: bearer(testBearer)})
	if p := checkProblem(t, resp, http.StatusUnprocessableEntity); !hasPointer(p, "/birthDate") {
		t.Errorf("got errors %+v, want one at /birthDate", p.Errors)
	}
}

func TestUnknownRouteIsProblem(t *testing.T) {
	ts := startServer(t, testConfig(t))
	for _, req := range []request{{method: "GET", path: "/cats"}, {method: "PUT", path: "/pets"}} {
		resp := ts.do(req)
		if ct := resp.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: got Content-Type %q, want application/problem+json", req.method, req.path, ct)
		}
	}
}

// emptyListServer returns a list response whose Body is a nil slice, as
// "var pets []api.Pet" gives when nothing matches.
type emptyListServer struct{ api.Unimplemented }

func (emptyListServer) ListPets(context.Context, *api.ListPetsRequest) (api.ListPetsResponse, error) {
	return &api.ListPets200Response{}, nil
}

func TestNilListBodyIsJSON(t *testing.T) {
	h, err := api.NewHandler(emptyListServer{}, api.ServerOptions{SkipAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets", nil))
	if got := rec.Body.String(); got != "[]" {
		t.Errorf("got body %q, want []", got)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}
}

func TestGeneratedCommentsAreLineComments(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("api", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got files %v and error %v, want the generated api package", files, err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, group := range f.Comments {
			for _, c := range group.List {
				if strings.HasPrefix(c.Text, "/*") {
					t.Errorf("%s: got block comment %q, want // line comments", name, c.Text)
				}
			}
		}
	}
}

func TestGeneratedFilesAreReadable(t *testing.T) {
	dir := t.TempDir()
	src := []byte(generator.Header + "\n\npackage api\n")
	if err := generator.Write(dir, map[string][]byte{"api.go": src}); err != nil {
		t.Fatal(err)
	}
	reference := filepath.Join(dir, "reference.txt")
	if err := os.WriteFile(reference, src, 0o666); err != nil {
		t.Fatal(err)
	}
	got, err := os.Stat(filepath.Join(dir, "api.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.Stat(reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("got mode %v, want %v as os.WriteFile gives", got.Mode().Perm(), want.Mode().Perm())
	}
}

func TestClientEditorsStayPerCall(t *testing.T) {
	// The server responds with the pet ID that the request's X-Call header
	// names, so a request that ran another call's editor gets a wrong ID.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id": %q, "name": "x", "species": "dog", "status": "available", "createdAt": "2026-01-01T00:00:00Z"}`,
			r.Header.Get("X-Call"))
	}))
	defer srv.Close()

	// Three editors leave the slice with capacity 4, one spare slot. They
	// yield, so that other calls run between the append and the editors.
	noop := func(context.Context, *http.Request) error {
		runtime.Gosched()
		return nil
	}
	client, err := api.NewClient(srv.URL, api.WithRequestEditor(noop), api.WithRequestEditor(noop), api.WithRequestEditor(noop))
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, callsEach = 16, 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	mixed := 0
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range callsEach {
				call := fmt.Sprintf("%d-%d", g, i)
				setCall := func(_ context.Context, r *http.Request) error {
					r.Header.Set("X-Call", call)
					return nil
				}
				resp, err := client.GetPet(context.Background(), &api.GetPetRequest{Path: api.GetPetPathParams{PetID: "00000000-0000-4000-8000-000000000000"}}, setCall)
				if err != nil {
					t.Errorf("call %s: %v", call, err)
					return
				}
				if p := resp.(*api.GetPet200Response).Body; p.ID != call {
					mu.Lock()
					mixed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if mixed > 0 {
		t.Errorf("got %d of %d calls that ran another call's editor, want 0", mixed, goroutines*callsEach)
	}
}
