package generator_test

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// manifest reads the operation count of each corpus spec from
// testdata/corpus/MANIFEST.tsv, which was counted from the documents
// independently of whgen.
func manifest(t *testing.T) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(testspecs.Root(), "corpus", "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ops := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header: file openapi bytes paths operations webhooks x-webhooks ...
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		n, err := strconv.Atoi(cols[4])
		if err != nil {
			t.Fatalf("MANIFEST.tsv: bad operations column in %q", sc.Text())
		}
		ops[cols[0]] = n
	}
	return ops
}

// TestCorpusCompiles generates code for every real spec in testdata and
// requires go build and go vet to pass on each package, and every
// operation and webhook of the spec to be in its table.
func TestCorpusCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles about 400k lines of generated code; skipped with -short")
	}
	wantOps := manifest(t)
	out := filepath.Join("testdata", "corpusout")
	os.RemoveAll(out)
	t.Cleanup(func() { os.RemoveAll(out) })

	type spec struct{ dir, name string }
	specs := []spec{{"specs", "petstore.yaml"}}
	for _, n := range testspecs.Corpus(t) {
		specs = append(specs, spec{"corpus", n})
	}
	var pkgs []string
	for _, s := range specs {
		path := testspecs.Path(t, s.dir, s.name)
		pkg := "gen" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(s.name, ".json"), ".yaml")))
		dir := filepath.Join(out, pkg)
		res, err := generator.Run(generator.Config{Spec: path, Output: dir, Package: pkg})
		if err != nil {
			t.Errorf("%s: generate: %v", s.name, err)
			continue
		}
		if err := generator.Write(dir, res.Files); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(dir))

		loaded, err := generator.Load(path, generator.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gotOps, gotHooks := countTable(t, filepath.Join(dir, "table.go"))
		if want, ok := wantOps[s.name]; ok && gotOps != want {
			t.Errorf("%s: table has %d operations, manifest counts %d", s.name, gotOps, want)
		}
		if want := countWebhooks(loaded); gotHooks != want {
			t.Errorf("%s: table has %d webhooks, spec has %d", s.name, gotHooks, want)
		}
	}
	for _, tool := range [][]string{{"build"}, {"vet"}} {
		cmd := exec.Command("go", append(tool, pkgs...)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s of the generated packages failed: %v\n%s", tool[0], err, b)
		}
	}
}

// countTable counts the entries of the Operations and Webhooks lists in a
// generated table.go.
func countTable(t *testing.T, path string) (ops, hooks int) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			if !ok {
				continue
			}
			switch vs.Names[0].Name {
			case "Operations":
				ops = len(lit.Elts)
			case "Webhooks":
				hooks = len(lit.Elts)
			}
		}
	}
	return ops, hooks
}

// countWebhooks counts the operations of every webhook in the spec, with
// x-webhooks merged in by name.
func countWebhooks(s *generator.Spec) int {
	n := 0
	for _, item := range s.Doc.Webhooks {
		n += len(item.Operations())
	}
	return n
}
