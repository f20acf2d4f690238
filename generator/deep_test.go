package generator_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whgen/whgen/generator"
)

// deepSpec returns an OpenAPI document in format ("json" or "yaml") whose
// schema nests levels deep. kind chooses how:
//
//	object  each level an inline object whose one property contains the next
//	array   each level an array whose items are the next
//	allof   each level an allOf whose one part is the next
//	ref     components A1 to An, each an object whose property refers to the next
//	body    objects as for "object", as the request body of an operation
//
// The innermost schema is a string of at most 8 characters, so that
// Validate has something to check at the bottom.
func deepSpec(kind, format string, levels int) string {
	const leaf = `{"type": "string", "maxLength": 8}`
	nested := func(open, close string) string {
		return strings.Repeat(open, levels) + leaf + strings.Repeat(close, levels)
	}
	object := func() string {
		return nested(`{"type": "object", "properties": {"next": `, `}}`)
	}
	schemas, paths := "", "{}"
	switch kind {
	case "object":
		schemas = `"Root": ` + object()
	case "array":
		schemas = `"Root": ` + nested(`{"type": "array", "items": `, `}`)
	case "allof":
		schemas = `"Root": ` + nested(`{"allOf": [`, `]}`)
	case "ref":
		var b strings.Builder
		for i := 1; i <= levels; i++ {
			if i > 1 {
				b.WriteString(", ")
			}
			next := fmt.Sprintf(`{"$ref": "#/components/schemas/A%d"}`, i+1)
			if i == levels {
				next = leaf
			}
			fmt.Fprintf(&b, `"A%d": {"type": "object", "properties": {"next": %s}}`, i, next)
		}
		schemas = b.String()
	case "body":
		schemas = `"Root": ` + leaf
		paths = `{"/deep": {"post": {"operationId": "putDeep", ` +
			`"requestBody": {"content": {"application/json": {"schema": ` + object() + `}}}, ` +
			`"responses": {"204": {"description": "done"}}}}}`
	default:
		panic("unknown kind " + kind)
	}
	if format == "yaml" {
		// Flow style inside, block style at the top, so that the file does
		// not start with "{" and is read as YAML.
		return "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: " + paths +
			"\ncomponents: {schemas: {" + schemas + "}}\n"
	}
	return `{"openapi": "3.0.3", "info": {"title": "Deep", "version": "1"}, "paths": ` + paths +
		`, "components": {"schemas": {` + schemas + `}}}`
}

// writeSpec writes src to a file named name in a temporary folder and
// returns its path.
func writeSpec(t testing.TB, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGenerateDeepNesting generates specs whose schemas nest 3,000 levels
// deep in each of the ways deepSpec builds. Every variant but allOf must
// generate with all its nested types. Unless -short, the object and array
// packages must also compile. BenchmarkGenerateDeepNesting measures the time.
func TestGenerateDeepNesting(t *testing.T) {
	const levels = 3000
	var compile []string
	results := map[string]*generator.Result{}
	for _, kind := range []string{"object", "array", "ref", "body"} {
		for _, format := range []string{"json", "yaml"} {
			t.Run(kind+"/"+format, func(t *testing.T) {
				path := writeSpec(t, "deep."+format, deepSpec(kind, format, levels))
				res, err := generator.Run(generator.Config{Spec: path, Package: "deep"})
				if err != nil {
					t.Fatalf("generate: %v", err)
				}
				models := string(res.Files["models.go"])
				validate := string(res.Files["validate.go"])
				switch kind {
				case "object", "body", "ref":
					// One struct per level, each with its own validate.
					if n := strings.Count(models, " struct {\n"); n < levels {
						t.Errorf("models.go declares %d structs, want at least %d", n, levels)
					}
				case "array":
					if !strings.Contains(models, "type Root "+strings.Repeat("[]", levels)+"string\n") {
						t.Errorf("models.go does not declare Root as %d nested slices of string", levels)
					}
				}
				if !strings.Contains(validate, `"must be at most 8 characters long"`) {
					t.Errorf("validate.go does not check the innermost maxLength")
				}
				results[kind+"/"+format] = res
			})
		}
	}
	if testing.Short() {
		return
	}
	for _, key := range []string{"object/json", "array/json"} {
		if results[key] != nil {
			compile = append(compile, key)
		}
	}
	mod := newScratchModule(t)
	for _, key := range compile {
		mod.add(t, "deep/"+strings.ReplaceAll(strings.TrimSuffix(key, "/json"), "/", ""), results[key].Files)
	}
	if len(compile) > 0 {
		if out, err := mod.run(t, "vet", "./..."); err != nil {
			t.Fatalf("go vet of the deep packages failed: %v\n%s", err, out)
		}
	}
}

// TestDeepAllOfFails checks that allOf nested past the depth that whgen
// merges stops generation with an error located at the allOf, instead of
// dropping the parts below.
func TestDeepAllOfFails(t *testing.T) {
	path := writeSpec(t, "allof.json", deepSpec("allof", "json", 3000))
	_, err := generator.Run(generator.Config{Spec: path, Package: "deep"})
	var de *generator.DiagnosticsError
	if !errors.As(err, &de) || len(de.Diagnostics) == 0 {
		t.Fatalf("Run returned %v, want a DiagnosticsError", err)
	}
	d := de.Diagnostics[0]
	if d.Pointer != "/components/schemas/Root/allOf" || d.Line != 1 || d.Column == 0 || !strings.Contains(d.Message, "allOf parts nest more than 32 levels deep") {
		t.Errorf("diagnostic %q, want one at /components/schemas/Root/allOf about the nesting", d)
	}
}

// TestNestingTooDeepFails checks that a spec nested 100,000 levels deep
// fails with a located error rather than exhausting the stack or memory.
func TestNestingTooDeepFails(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			path := writeSpec(t, "deep."+format, deepSpec("object", format, 100_000))
			_, err := generator.Run(generator.Config{Spec: path, Package: "deep"})
			var de *generator.DiagnosticsError
			if !errors.As(err, &de) || len(de.Diagnostics) != 1 {
				t.Fatalf("Run returned %v, want one located error", err)
			}
			d := de.Diagnostics[0]
			if d.File != path || d.Line == 0 || d.Column == 0 || !strings.Contains(d.Message, "depth") {
				t.Errorf("diagnostic %q, want a located error about the depth", d)
			}
		})
	}
}
