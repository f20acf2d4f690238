package generator_test

import (
	"os"
	"path/filepath"
	"runtime"
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
