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
