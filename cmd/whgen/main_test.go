package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

const smallSpec = `openapi: 3.1.0
info: {title: Small, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
`

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckStaleThenFresh(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	out := filepath.Join(dir, "api")
	writeFile(t, spec, smallSpec)

	if code, _, stderr := runCLI(t, "generate", "-o", out, spec); code != 0 {
		t.Fatalf("generate: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "check", "-o", out, spec); code != 0 {
		t.Fatalf("check after generate: exit %d, want 0; diff:\n%s", code, stdout)
	}

	writeFile(t, spec, strings.Replace(smallSpec, "name: {type: string}", "name: {type: string}\n        size: {type: integer}", 1))
	code, stdout, stderr := runCLI(t, "check", "-o", out, spec)
	if code != 1 {
		t.Fatalf("check after a spec change: exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "+\tSize *int64") {
		t.Errorf("check diff does not show the new field; got:\n%s", stdout)
	}
	if !strings.Contains(stderr, "stale") {
		t.Errorf("check stderr = %q, want a note that files are stale", stderr)
	}

	if code, _, stderr := runCLI(t, "generate", "-o", out, spec); code != 0 {
		t.Fatalf("regenerate: exit %d; stderr:\n%s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "check", "-o", out, spec); code != 0 {
		t.Fatalf("check after regenerating: exit %d, want 0; diff:\n%s", code, stdout)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	cases := []struct {
		name, content, wantErr string
	}{
		{"invalid.yaml", "openapi: 3.1.0\ninfo: {title: x\n", "invalid.yaml:3:1: /: error: invalid YAML"},
		{"invalid.json", "{\"openapi\": \"3.1.0\",\n \"info\": }", "invalid.json:2:10: /: error: invalid JSON"},
		{"swagger.yaml", "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n", "swagger.yaml:1:1: /openapi: error: not an OpenAPI 3.x document: it is Swagger 2.0"},
		{"dangling.yaml", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\nwebhooks:\n  a:\n    $ref: '#/components/pathItems/Missing'\n", "dangling.yaml:5:5: /webhooks/a/$ref: error: reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := filepath.Join(dir, c.name)
			writeFile(t, spec, c.content)
			out := filepath.Join(dir, "api")
			code, _, stderr := runCLI(t, "generate", "-o", out, spec)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, c.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, c.wantErr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output directory exists after a failed generation (stat error %v)", err)
			}
		})
	}
}

func TestMissingSpecFile(t *testing.T) {
	code, _, stderr := runCLI(t, "generate", "-o", t.TempDir(), filepath.Join(t.TempDir(), "nope.yaml"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "no such file") {
		t.Errorf("stderr = %q, want it to name the missing file", stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"generate"},
		{"generate", "-nosuchflag", "x.yaml"},
		{"generate", "a.yaml", "b.yaml"},
		{"validate"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("whgen %q: exit %d, want 2", args, code)
		}
	}
}

func TestHelpDescribesFlags(t *testing.T) {
	code, _, stderr := runCLI(t, "generate", "-h")
	if code != 0 {
		t.Fatalf("generate -h: exit %d, want 0", code)
	}
	for _, flag := range []string{"-config", "-o", "-package", "-strict", "-v"} {
		if !strings.Contains(stderr, flag) {
			t.Errorf("generate -h does not describe %s", flag)
		}
	}
}

func TestStrictTurnsWarningsIntoErrors(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	writeFile(t, spec, strings.Replace(smallSpec, "$ref: '#/components/schemas/Thing'", "$ref: '#/components/schemas/Gone'", 1))
	out := filepath.Join(dir, "api")

	code, _, stderr := runCLI(t, "generate", "-o", out, spec)
	if code != 0 {
		t.Fatalf("lenient generate: exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "openapi.yaml:12:45: /paths/~1things/get/responses/200/content/application~1json/schema/items/$ref: warning: reference \"#/components/schemas/Gone\" points to nothing") {
		t.Errorf("stderr = %q, want a located warning", stderr)
	}

	strictOut := filepath.Join(dir, "strict")
	if code, _, _ := runCLI(t, "generate", "-strict", "-o", strictOut, spec); code != 1 {
		t.Errorf("strict generate: exit %d, want 1", code)
	}
	if _, err := os.Stat(strictOut); !os.IsNotExist(err) {
		t.Errorf("strict generate wrote files")
	}
	if code, stdout, _ := runCLI(t, "validate", spec); code != 1 || !strings.Contains(stdout, "points to nothing") {
		t.Errorf("validate: exit %d, output %q; want exit 1 listing the problem", code, stdout)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "openapi.yaml"), smallSpec)
	writeFile(t, filepath.Join(dir, "whgen.yaml"), "spec: openapi.yaml\noutput: gen\npackage: things\nnames:\n  /components/schemas/Thing: Widget\n")
	if code, _, stderr := runCLI(t, "generate", "-config", filepath.Join(dir, "whgen.yaml")); code != 0 {
		t.Fatalf("generate: exit %d; stderr:\n%s", code, stderr)
	}
	models, err := os.ReadFile(filepath.Join(dir, "gen", "models.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(models, []byte("package things")) {
		t.Errorf("models.go does not use the configured package name")
	}
	if !bytes.Contains(models, []byte("type Widget struct")) {
		t.Errorf("models.go does not use the configured type name Widget")
	}
	writeFile(t, filepath.Join(dir, "bad.yaml"), "spec: openapi.yaml\npackge: typo\n")
	if code, _, _ := runCLI(t, "generate", "-config", filepath.Join(dir, "bad.yaml")); code != 2 {
		t.Errorf("config with an unknown key: exit %d, want 2", code)
	}
}

func TestScaffoldWritesOnce(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.yaml")
	writeFile(t, spec, smallSpec)
	out := filepath.Join(dir, "api")
	if code, stdout, stderr := runCLI(t, "scaffold", "-o", out, spec); code != 0 || !strings.Contains(stdout, "service.go") {
		t.Fatalf("scaffold: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	mine := filepath.Join(out, "service.go")
	writeFile(t, mine, "package api\n\n// edited by hand\n")
	code, _, stderr := runCLI(t, "scaffold", "-o", out, spec)
	if code != 0 {
		t.Fatalf("second scaffold: exit %d", code)
	}
	if !strings.Contains(stderr, "exists; left as it is") {
		t.Errorf("stderr = %q, want a note that the file was left alone", stderr)
	}
	got, err := os.ReadFile(mine)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "package api\n\n// edited by hand\n" {
		t.Errorf("scaffold overwrote a file it had written before")
	}
}

func TestConfigNamesChecked(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "openapi.yaml"), smallSpec)
	writeFile(t, filepath.Join(dir, "bad-name.yaml"), "spec: openapi.yaml\nnames:\n  /components/schemas/Thing: not valid\n")
	if code, _, stderr := runCLI(t, "generate", "-config", filepath.Join(dir, "bad-name.yaml"), "-o", filepath.Join(dir, "a")); code != 2 || !strings.Contains(stderr, "exported Go identifier") {
		t.Errorf("invalid override: exit %d, stderr %q; want 2 naming the rule", code, stderr)
	}
	writeFile(t, filepath.Join(dir, "unused.yaml"), "spec: openapi.yaml\nnames:\n  /components/schemas/Nope: Widget\n")
	code, _, stderr := runCLI(t, "generate", "-config", filepath.Join(dir, "unused.yaml"), "-o", filepath.Join(dir, "b"))
	if code != 0 || !strings.Contains(stderr, `"/components/schemas/Nope" matches no`) {
		t.Errorf("unused override: exit %d, stderr %q; want 0 with a warning", code, stderr)
	}
	if code, _, _ := runCLI(t, "generate", "-package", "Api", "-o", filepath.Join(dir, "c"), filepath.Join(dir, "openapi.yaml")); code != 2 {
		t.Errorf("upper-case package name: exit %d, want 2", code)
	}
}

func TestHostileReferences(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "spec")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "outside.yaml"), "B: {type: string}\n")
	writeFile(t, filepath.Join(sub, "escape.yaml"), "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '../outside.yaml#/B'}\n")
	code, _, stderr := runCLI(t, "generate", "-o", filepath.Join(dir, "out"), filepath.Join(sub, "escape.yaml"))
	if code != 1 || !strings.Contains(stderr, "leaves the spec's folder") {
		t.Errorf("reference outside the folder: exit %d, stderr %q", code, stderr)
	}

	var bomb strings.Builder
	bomb.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb.WriteString(name + ": &" + name + " [")
		for i := 0; i < 10; i++ {
			if i > 0 {
				bomb.WriteString(", ")
			}
			bomb.WriteString("*" + prev)
		}
		bomb.WriteString("]\n")
		prev = name
	}
	bomb.WriteString("openapi: 3.1.0\n")
	writeFile(t, filepath.Join(dir, "bomb.yaml"), bomb.String())
	code, stdout, _ := runCLI(t, "validate", filepath.Join(dir, "bomb.yaml"))
	if code != 1 {
		t.Errorf("alias bomb: exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "expands to more than") {
		t.Errorf("alias bomb: output %q, want the expansion limit", stdout)
	}

	writeFile(t, filepath.Join(dir, "cycle.yaml"), "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    V: {$ref: '#/components/schemas/W'}\n    W: {$ref: '#/components/schemas/V'}\n")
	_, _, stderr = runCLI(t, "generate", "-o", filepath.Join(dir, "cycle"), filepath.Join(dir, "cycle.yaml"))
	if !strings.Contains(stderr, "leads back to itself") {
		t.Errorf("reference cycle: stderr %q, want it named a cycle", stderr)
	}
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "whgen ") {
		t.Errorf("whgen version: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if code := run([]string{"version", "extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("whgen version extra: exit %d, want 2", code)
	}
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{nil, "whgen (unknown version)"},
		{&debug.BuildInfo{GoVersion: "go1.25.4", Main: debug.Module{Version: "v0.4.0"}}, "whgen v0.4.0 (go1.25.4)"},
		{&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"},
		}}, "whgen (devel) (go1.26.0, revision 0123456789ab, modified)"},
	} {
		if got := versionLine(tc.info); got != tc.want {
			t.Errorf("versionLine = %q, want %q", got, tc.want)
		}
	}
}
