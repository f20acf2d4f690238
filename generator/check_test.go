package generator

import (
	"errors"
	"testing"
)

func TestPatternSyntaxError(t *testing.T) {
	tests := []struct {
		pattern string
		invalid bool
	}{
		{`^[a-z]+$`, false},
		{`([a-z`, true},
		{`[0-9`, true},
		{`^(\w+$`, true},
		{`^[A-Z]+)$`, true},
		{`^(?!admin)[a-z]+$`, false}, // lookahead: RE2 lacks it, ECMA-262 has it
		{`(?<=a)b`, false},           // lookbehind
		{`^(a+)\1$`, false},          // backreference
		{`^[^]$`, false},             // ECMA-262: any character
		{`[]a]`, false},
		{`\u0041`, false},
	}
	for _, tt := range tests {
		got := patternSyntaxError(tt.pattern)
		if (got != "") != tt.invalid {
			t.Errorf("patternSyntaxError(%q) = %q, want invalid %v", tt.pattern, got, tt.invalid)
		}
	}
}

func TestClosestTypeName(t *testing.T) {
	tests := map[string]string{
		"integr":  "integer",
		"Integer": "integer",
		"strng":   "string",
		"bool":    "",
		"count":   "",
		"int":     "",
	}
	for name, want := range tests {
		if got := closestTypeName(name); got != want {
			t.Errorf("closestTypeName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestCheckLocatesJSON loads JSON documents, which the locator scans
// differently from YAML, and compares the located diagnostics.
func TestCheckLocatesJSON(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{
			name: "schema members",
			doc: `{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {},
"components": {"schemas": {
  "A": {"type": "integr", "minLength": "one"},
  "B": {"type": "string", "pattern": "([a-z"}}}}`,
			want: []string{
				`spec.json:3:9: /components/schemas/A/type: type "integr" is not a JSON Schema type (did you mean "integer"?); use one of array, boolean, integer, null, number, object, string`,
				`spec.json:3:27: /components/schemas/A/minLength: minLength must be a non-negative integer, not string`,
				`spec.json:4:27: /components/schemas/B/pattern: pattern "([a-z" is not a valid regular expression: missing closing ] in "[a-z"`,
			},
		},
		{
			name: "security and paths",
			doc: `{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
"security": [{"bearr": []}],
"paths": []}`,
			want: []string{
				`spec.json:2:15: /security/0/bearr: security requirement names the scheme "bearr", which components.securitySchemes does not define; the document defines no security schemes`,
				`spec.json:3:1: /paths: paths must be an object, not array`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadData("spec.json", []byte(tt.doc), LoadOptions{})
			var de *DiagnosticsError
			if !errors.As(err, &de) {
				t.Fatalf("LoadData error = %v, want a *DiagnosticsError", err)
			}
			if len(de.Diagnostics) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%v", len(de.Diagnostics), len(tt.want), err)
			}
			for i, d := range de.Diagnostics {
				if got := d.String(); got != tt.want[i] {
					t.Errorf("diagnostic %d:\ngot  %s\nwant %s", i, got, tt.want[i])
				}
			}
		})
	}
}
