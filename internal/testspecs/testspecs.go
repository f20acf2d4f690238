// Package testspecs gives tests the OpenAPI documents under the module's
// testdata folder: copies of real public specs (testdata/corpus, with
// MANIFEST.tsv naming their sources and licences) and whgen's own example
// specs (testdata/specs). Files over 1 MB are stored gzip-compressed and
// come back decompressed.
package testspecs

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Root returns the module's testdata folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// Corpus returns the file names of the corpus specs, without any ".gz",
// sorted.
func Corpus(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(Root(), "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".gz")
		if strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".yaml") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Path returns a readable path of the spec dir/name (dir is "corpus" or
// "specs"), decompressing it into a temporary folder when it is stored
// compressed. The file keeps its base name, so diagnostics name it.
func Path(t testing.TB, dir, name string) string {
	t.Helper()
	plain := filepath.Join(Root(), dir, name)
	if _, err := os.Stat(plain); err == nil {
		return plain
	}
	in, err := os.Open(plain + ".gz")
	if err != nil {
		t.Fatalf("spec %s/%s not found: %v", dir, name, err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatalf("decompress %s: %v", name, err)
	}
	out := filepath.Join(t.TempDir(), name)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, zr); err != nil {
		t.Fatalf("decompress %s: %v", name, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}
