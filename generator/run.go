package generator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	udiff "github.com/aymanbagabas/go-udiff"
)

// Config holds every setting of a generation; the CLI fills it from flags
// and the config file.
type Config struct {
	// Spec is the path of the OpenAPI document.
	Spec string `yaml:"spec"`
	// Output is the directory the files are written to; empty means the
	// current directory.
	Output string `yaml:"output"`
	// Package is the Go package name; empty means the base name of Output,
	// or "api" when that is not a valid name.
	Package string `yaml:"package"`
	// Strict turns every warning about a defect in the spec into an error.
	Strict bool `yaml:"strict"`
	// Generate lists the parts to write: "models" (types and validation),
	// "operations" (request and response types and the operations table),
	// "server" (a typed http.Handler with its middleware), "client" (a
	// typed HTTP client) and "receiver" (typed webhook receivers). Every
	// part brings the models and operations it needs. Empty means all.
	Generate []string `yaml:"generate"`
	// Names overrides generated Go names. Keys are JSON pointers of
	// component schemas (such as "/components/schemas/Pet"), operationIds or
	// webhook names; values are the Go names to use.
	Names map[string]string `yaml:"names"`
	// Receiver configures generated webhook receivers.
	Receiver ReceiverConfig `yaml:"receiver"`
}

// Parts whgen can generate, in the order they are documented.
var Parts = []string{"models", "operations", "server", "client", "receiver"}

// Result is the outcome of a generation that succeeded.
type Result struct {
	Files       map[string][]byte
	Diagnostics Diagnostics // warnings and notes, sorted by position
}

// Run loads the spec, builds the model and renders the files, without
// writing anything.
func Run(cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	spec, err := Load(cfg.Spec, LoadOptions{Strict: cfg.Strict})
	if err != nil {
		return nil, err
	}
	cfg.Package = cfg.packageName()
	m, err := build(spec, cfg)
	if err != nil {
		return nil, err
	}
	diags := append(append(Diagnostics(nil), spec.Diagnostics...), m.Diagnostics...).Sorted()
	if cfg.Strict {
		if errs := onlyErrors(promoteWarnings(diags)); len(errs) > 0 {
			return nil, &DiagnosticsError{Diagnostics: errs}
		}
	}
	files, err := Generate(m, Options{Package: cfg.packageName(), Parts: cfg.Generate})
	if err != nil {
		return nil, err
	}
	return &Result{Files: files, Diagnostics: diags}, nil
}

// ErrConfig is wrapped by errors in the settings themselves, as opposed to
// the spec; the command exits with its usage code for them.
var ErrConfig = errors.New("invalid configuration")

func (cfg Config) check() error {
	if err := cfg.checkSettings(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}

func (cfg Config) checkSettings() error {
	if cfg.Spec == "" {
		return errors.New("missing spec: name the OpenAPI file to read")
	}
	for _, p := range cfg.Generate {
		if !containsString(Parts, p) {
			return fmt.Errorf("unknown part %q in generate: choose from %s", p, strings.Join(Parts, ", "))
		}
	}
	if cfg.Package != "" && (!isIdentifier(cfg.Package) || strings.ToLower(cfg.Package) != cfg.Package) {
		return fmt.Errorf("invalid package name %q: use a lower-case Go identifier", cfg.Package)
	}
	for key, name := range cfg.Names {
		if !isIdentifier(name) || !unicode.IsUpper([]rune(name)[0]) {
			return fmt.Errorf("invalid name %q for %q under names: use an exported Go identifier", name, key)
		}
	}
	return nil
}

func (cfg Config) packageName() string {
	if cfg.Package != "" {
		return cfg.Package
	}
	dir := cfg.Output
	if dir == "" || dir == "." {
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		}
	}
	name := strings.ToLower(strings.NewReplacer("-", "", ".", "", " ", "").Replace(filepath.Base(dir)))
	if isIdentifier(name) && !isGoKeyword(name) {
		return name
	}
	return "api"
}

func isIdentifier(s string) bool {
	if s == "" || isGoKeyword(s) {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Write puts files into dir. Each file is written to a temporary file
// and renamed into place, and files from an earlier generation that this
// one no longer produces are removed; files without the generated header
// are never touched. A new file gets mode 0644 and a replaced file keeps
// its mode.
func Write(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	stale, err := generatedFiles(dir)
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(files) {
		mode := os.FileMode(0o644)
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil {
			mode = info.Mode().Perm()
		}
		tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		// CreateTemp makes the file 0600, which would hide generated code
		// from other users and from tools that run as another user.
		werr := tmp.Chmod(mode)
		if werr == nil {
			_, werr = tmp.Write(files[name])
		}
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("write %s: %w", name, werr)
		}
		delete(stale, name)
	}
	for name := range stale {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("remove stale %s: %w", name, err)
		}
	}
	return nil
}

// generatedFiles lists the .go files in dir that whgen wrote.
func generatedFiles(dir string) (map[string]bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read output directory: %w", err)
	}
	out := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(data, []byte(Header+"\n")) {
			out[e.Name()] = true
		}
	}
	return out, nil
}

// Diff compares files with what dir holds and returns a unified diff of
// every difference, or "" when dir is up to date.
func Diff(dir string, files map[string][]byte) (string, error) {
	existing, err := generatedFiles(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		if _, statErr := os.Stat(dir); statErr == nil {
			return "", err
		}
	}
	names := map[string]bool{}
	for n := range files {
		names[n] = true
	}
	for n := range existing {
		names[n] = true
	}
	var b strings.Builder
	for _, name := range sortedKeys(names) {
		path := filepath.Join(dir, name)
		old, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		want := files[name]
		if bytes.Equal(old, want) {
			continue
		}
		if longLine(old) || longLine(want) {
			b.WriteString(summaryDiff(path, old, want))
			continue
		}
		b.WriteString(udiff.Unified(path, path, string(old), string(want)))
	}
	return b.String(), nil
}

// maxDiffLine is the longest line that Diff prints whole. The embedded
// openapi.json is a single line, which a unified diff would print twice
// for any change to the spec.
const maxDiffLine = 1000

func longLine(data []byte) bool {
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(line) > maxDiffLine {
			return true
		}
	}
	return false
}

// summaryDiff describes the difference between two versions of a file
// with long lines: the sizes and a little text around the first byte
// that differs.
func summaryDiff(path string, old, want []byte) string {
	at := 0
	for at < len(old) && at < len(want) && old[at] == want[at] {
		at++
	}
	excerpt := func(data []byte) string {
		from, to := max(0, at-40), min(len(data), at+40)
		return strconv.Quote(string(data[from:to]))
	}
	return fmt.Sprintf("--- %s\n+++ %s\n@@ %d bytes, now %d; the first difference is at byte %d @@\n-%s\n+%s\n",
		path, path, len(old), len(want), at, excerpt(old), excerpt(want))
}

// SortedNames returns the file names of a generation in order.
func SortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
