package generator_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v4"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// Each folder of testdata/cases is one golden case:
//
//	openapi.yaml   the spec, small and written for the case
//	config.yaml    optional generator.Config fields in YAML (spec is ignored)
//	want/*.go      the files generator.Run returns
//	stderr.txt     the diagnostics, one Diagnostic.String() a line with the
//	               case folder cut from paths; when Run fails, its error
//	               instead and no want folder
//	skip.txt       a "TODO: ..." naming a generator bug that the case shows;
//	               the case is skipped with that text until the bug is fixed
//
// Run `go test ./generator -run Golden -update` to rewrite want and
// stderr.txt from the current generator, then review the diff.
var updateGolden = flag.Bool("update", false, "rewrite want/ and stderr.txt of testdata/cases from the generator's output")

// goldenCase is one folder of testdata/cases.
type goldenCase struct {
	name string
	dir  string // relative to the generator package
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	root := filepath.Join("..", "testdata", "cases")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, goldenCase{name: e.Name(), dir: filepath.Join(root, e.Name())})
		}
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases under testdata/cases")
	}
	return cases
}

// goldenPackage turns a case folder name such as "names-keywords" into
// the package name "nameskeywords".
func goldenPackage(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, strings.ToLower(name))
}

// goldenConfig reads the case's config.yaml, if any, and points it at the
// case's spec. The package defaults to goldenPackage of the case name.
func goldenConfig(t *testing.T, c goldenCase) generator.Config {
	t.Helper()
	var cfg generator.Config
	data, err := os.ReadFile(filepath.Join(c.dir, "config.yaml"))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		t.Fatal(err)
	default:
		if err := yaml.Load(data, &cfg, yaml.WithKnownFields()); err != nil {
			t.Fatalf("%s/config.yaml: %v", c.name, err)
		}
	}
	cfg.Spec = filepath.Join(c.dir, "openapi.yaml")
	if cfg.Package == "" {
		cfg.Package = goldenPackage(c.name)
	}
	return cfg
}

// goldenResult is the output of one generation. Its files are nil when Run
// failed, and stderr contains the diagnostics or the error.
type goldenResult struct {
	files  map[string][]byte
	stderr string
}

func runGolden(t *testing.T, c goldenCase) goldenResult {
	t.Helper()
	res, err := generator.Run(goldenConfig(t, c))
	var lines []string
	var files map[string][]byte
	if err != nil {
		lines = append(lines, err.Error())
	} else {
		files = res.Files
		for _, d := range res.Diagnostics {
			lines = append(lines, d.String())
		}
	}
	stderr := ""
	if len(lines) > 0 {
		stderr = strings.Join(lines, "\n") + "\n"
	}
	return goldenResult{files: files, stderr: relativePaths(stderr, c.dir)}
}

// relativePaths cuts the case folder, relative or absolute, from the paths
// in diagnostics, so stderr.txt does not depend on where the test runs.
func relativePaths(s, dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		s = strings.ReplaceAll(s, abs+string(filepath.Separator), "")
	}
	return strings.ReplaceAll(s, dir+string(filepath.Separator), "")
}

// readWant reads the case's want folder, or returns nil when there is none.
func readWant(t *testing.T, c goldenCase) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(c.dir, "want"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(c.dir, "want", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

func readStderr(t *testing.T, c goldenCase) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, "stderr.txt"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(data)
}

func writeGolden(t *testing.T, c goldenCase, got goldenResult) {
	t.Helper()
	want := filepath.Join(c.dir, "want")
	if err := os.RemoveAll(want); err != nil {
		t.Fatal(err)
	}
	if got.files != nil {
		if err := os.MkdirAll(want, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range got.files {
			if err := os.WriteFile(filepath.Join(want, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	stderr := filepath.Join(c.dir, "stderr.txt")
	if got.stderr == "" {
		if err := os.Remove(stderr); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(stderr, []byte(got.stderr), 0o644); err != nil {
		t.Fatal(err)
	}
}

// asText turns file contents into strings, so that cmp.Diff shows a line
// diff instead of bytes.
func asText(files map[string][]byte) map[string]string {
	if files == nil {
		return nil
	}
	out := make(map[string]string, len(files))
	for name, data := range files {
		out[name] = string(data)
	}
	return out
}

// skipKnownBug skips a case whose folder has a skip.txt.
func skipKnownBug(t *testing.T, c goldenCase) {
	t.Helper()
	reason, err := os.ReadFile(filepath.Join(c.dir, "skip.txt"))
	if err == nil {
		t.Skip(strings.TrimSpace(string(reason)))
	}
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			skipKnownBug(t, c)
			got := runGolden(t, c)
			if *updateGolden {
				writeGolden(t, c, got)
				return
			}
			if diff := cmp.Diff(asText(readWant(t, c)), asText(got.files)); diff != "" {
				t.Errorf("generated files differ from want/ (-want +got); rerun with -update if the change is intended:\n%s", diff)
			}
			if diff := cmp.Diff(readStderr(t, c), got.stderr); diff != "" {
				t.Errorf("diagnostics differ from stderr.txt (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGoldenCompiles runs go vet over every want folder at once, as
// packages of a scratch module that uses this working tree's oas and
// middleware packages.
func TestGoldenCompiles(t *testing.T) {
	mod := newScratchModule(t)
	n := 0
	for _, c := range goldenCases(t) {
		files := readWant(t, c)
		if files == nil {
			continue
		}
		mod.add(t, "cases/"+goldenPackage(c.name), files)
		n++
	}
	if n == 0 {
		t.Fatal("no case has a want folder")
	}
	if out, err := mod.run(t, "vet", "./..."); err != nil {
		t.Fatalf("go vet of the golden packages failed: %v\n%s", err, out)
	}
}

// TestGoldenDeterministic generates every case and the petstore spec twice
// and requires the same bytes and diagnostics, which catches output that
// depends on map iteration order.
func TestGoldenDeterministic(t *testing.T) {
	type spec struct {
		name string
		cfg  generator.Config
	}
	var specs []spec
	for _, c := range goldenCases(t) {
		if _, err := os.Stat(filepath.Join(c.dir, "skip.txt")); err == nil {
			continue
		}
		specs = append(specs, spec{c.name, goldenConfig(t, c)})
	}
	specs = append(specs, spec{"petstore", generator.Config{
		Spec:    testspecs.Path(t, "specs", "petstore.yaml"),
		Package: "petstore",
	}})
	for _, s := range specs {
		t.Run(s.name, func(t *testing.T) {
			first, err1 := generator.Run(s.cfg)
			second, err2 := generator.Run(s.cfg)
			if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
				t.Fatalf("errors differ between runs: %v, then %v", err1, err2)
			}
			if err1 != nil {
				return
			}
			for _, name := range sortedFileNames(first.Files, second.Files) {
				if !bytes.Equal(first.Files[name], second.Files[name]) {
					t.Errorf("%s differs between two runs:\n%s", name, cmp.Diff(string(first.Files[name]), string(second.Files[name])))
				}
			}
			if diff := cmp.Diff(diagnosticLines(first.Diagnostics), diagnosticLines(second.Diagnostics)); diff != "" {
				t.Errorf("diagnostics differ between two runs (-first +second):\n%s", diff)
			}
		})
	}
}

func sortedFileNames(sets ...map[string][]byte) []string {
	seen := map[string]bool{}
	for _, set := range sets {
		for name := range set {
			seen[name] = true
		}
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func diagnosticLines(ds generator.Diagnostics) []string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return lines
}
