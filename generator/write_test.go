package generator_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/whgen/whgen/generator"
)

func TestWriteFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}

	dir := t.TempDir()
	kept := filepath.Join(dir, "kept.go")
	if err := os.WriteFile(kept, []byte(generator.Header+"\nold\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// WriteFile applies the umask, so set the mode the test expects.
	if err := os.Chmod(kept, 0o640); err != nil {
		t.Fatal(err)
	}

	files := map[string][]byte{
		"kept.go": []byte(generator.Header + "\nnew\n"),
		"new.go":  []byte(generator.Header + "\n"),
	}
	if err := generator.Write(dir, files); err != nil {
		t.Fatal(err)
	}

	for name, want := range map[string]os.FileMode{"kept.go": 0o640, "new.go": 0o644} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("mode of %s = %v, want %v", name, got, want)
		}
	}

	data, err := os.ReadFile(kept)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(files["kept.go"]) {
		t.Errorf("kept.go = %q, want %q", data, files["kept.go"])
	}
}

func TestDiffSummarizesLongLines(t *testing.T) {
	dir := t.TempDir()
	old := generator.Header + "\n" + strings.Repeat(`{"a":1},`, 500) + `{"b":2}`
	if err := os.WriteFile(filepath.Join(dir, "openapi.json"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	want := generator.Header + "\n" + strings.Repeat(`{"a":1},`, 500) + `{"b":3}`
	diff, err := generator.Diff(dir, map[string][]byte{"openapi.json": []byte(want)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(diff, `{"a":1}`) > 20 {
		t.Errorf("diff prints the long line whole:\n%.300s", diff)
	}
	if !strings.Contains(diff, `{\"b\":2}`) || !strings.Contains(diff, `{\"b\":3}`) {
		t.Errorf("diff does not show the changed text:\n%s", diff)
	}
}
