package generator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/whgen/whgen/generator"
)

// TestServerClientEcho generates a server and a client from an echo spec
// that uses every parameter location and several styles, and runs tests
// inside the generated package that send typed requests through the
// client to the server and compare what comes back.
func TestServerClientEcho(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated package; skipped with -short")
	}
	res, err := generator.Run(generator.Config{Spec: filepath.Join("..", "testdata", "servers", "echo.yaml"), Package: "echo"})
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile(filepath.Join("..", "testdata", "servers", "echo_test.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	files := res.Files
	files["echo_test.go"] = tests
	m := newScratchModule(t)
	m.add(t, "echo", files)
	if out, err := m.run(t, "test", "-count=1", "./echo"); err != nil {
		t.Fatalf("generated server and client tests failed: %v\n%s", err, out)
	}
}

// TestScaffoldCompiles checks that the scaffolded service and middleware
// compile beside the generated petstore package and that the service
// answers 501 until it is filled in.
func TestScaffoldCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a generated package; skipped with -short")
	}
	cfg := generator.Config{Spec: filepath.Join("..", "testdata", "specs", "petstore.yaml"), Package: "pets"}
	res, err := generator.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	scaffold, err := generator.RunScaffold(cfg)
	if err != nil {
		t.Fatal(err)
	}
	files := res.Files
	for name, data := range scaffold {
		files[name] = data
	}
	files["scaffold_test.go"] = []byte(`package pets

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whgen/whgen/middleware"
)

func TestServiceAnswers501(t *testing.T) {
	h, err := NewHandler(&Service{}, ServerOptions{SkipAuth: true, Middleware: []middleware.Middleware{NewRequestBodyMiddleware(0, nil), ResponseHeaderMiddleware, ResponseBodyMiddleware}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pets", nil))
	if rec.Code != http.StatusNotImplemented {
		t.Errorf("got %d, want 501", rec.Code)
	}
	if got := rec.Header().Get("X-Served-By"); got != "pets" {
		t.Errorf("X-Served-By = %q, want pets", got)
	}
}

func TestRequestBodyMiddlewareLimit(t *testing.T) {
	var handled int
	onError := func(w http.ResponseWriter, r *http.Request, err error) {
		handled++
		middleware.WriteProblem(w, r, err)
	}
	h, err := NewHandler(&Service{}, ServerOptions{SkipAuth: true, MaxBodyBytes: 16, ErrorHandler: onError,
		Middleware: []middleware.Middleware{NewRequestBodyMiddleware(16, onError)}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/pets", strings.NewReader(strings.Repeat("x", 17))))
	if rec.Code != http.StatusRequestEntityTooLarge || handled != 1 {
		t.Errorf("got %d with the ErrorHandler run %d times, want 413 once", rec.Code, handled)
	}
}
`)
	m := newScratchModule(t)
	m.add(t, "pets", files)
	if out, err := m.run(t, "test", "-count=1", "./pets"); err != nil {
		t.Fatalf("scaffolded package failed: %v\n%s", err, out)
	}
}
