package generator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scratchModule is a throwaway Go module in a temporary folder. Its go.mod
// requires github.com/whgen/whgen and replaces it with this working tree, so
// generated packages compile against the current oas and middleware packages
// exactly as they would in a user's module, without writing into the
// repository. It builds offline from the module cache: the nested go
// command runs with GOPROXY=off and GOTOOLCHAIN=local.
type scratchModule struct {
	dir string
	env []string // extra environment of the go command, as KEY=value
}

// newScratchModule creates the module and copies the repository's go.sum,
// so no checksum has to be fetched.
func newScratchModule(t *testing.T) *scratchModule {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: generated packages cannot be compiled")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module whgen.test/scratch\n\ngo 1.25.0\n\n" +
		"require github.com/whgen/whgen v0.0.0\n\n" +
		"replace github.com/whgen/whgen => " + filepath.ToSlash(repo) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return &scratchModule{dir: dir}
}

// add writes files into the package folder pkg of the module.
func (m *scratchModule) add(t *testing.T, pkg string, files map[string][]byte) {
	t.Helper()
	dir := filepath.Join(m.dir, filepath.FromSlash(pkg))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs the go command with args in the module and returns its combined
// output. -trimpath keeps the temporary folder's name out of the build
// cache keys, so a second run reuses the compiled packages.
func (m *scratchModule) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = m.dir
	cmd.Env = append(os.Environ(),
		"GOFLAGS=-mod=mod -buildvcs=false -trimpath",
		"GOPROXY=off",
		"GOSUMDB=off",
		"GOWORK=off",
		"GOTOOLCHAIN=local",
	)
	cmd.Env = append(cmd.Env, m.env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("go %s: %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return string(out), err
}
