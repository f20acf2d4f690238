package generator

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestDecodePiecesMatchesWhole decodes a document whose schemas nest past
// pieceDepth in every place that holds schemas, once in pieces and once
// whole, and requires the same result.
func TestDecodePiecesMatchesWhole(t *testing.T) {
	// Each level uses another keyword, with extensions, enums and a number
	// too large for float64 inside additionalProperties on the way.
	levels := []string{
		`{"type": "object", "x-level": [1, {"a": null}], "properties": {"next": %s}}`,
		`{"type": "array", "items": %s, "maxItems": 9007199254740993}`,
		`{"allOf": [%s, {"description": "part"}]}`,
		`{"oneOf": [{"type": "string", "enum": ["a", "b"]}, %s]}`,
		`{"type": "object", "additionalProperties": %s, "maxLength": 9007199254740993}`,
		`{"anyOf": [%s], "not": {"type": "integer"}}`,
		`{"type": "object", "patternProperties": {"^x": %s}, "default": {"k": 1.5}}`,
	}
	schema := `{"type": "string", "maxLength": 8}`
	for i := 3*pieceDepth + 5; i >= 0; i-- {
		schema = strings.Replace(levels[i%len(levels)], "%s", schema, 1)
	}
	media := `{"application/json": {"schema": ` + schema + `}}`
	param := `{"name": "p", "in": "query", "schema": ` + schema + `}`
	response := `{"description": "r", "content": ` + media + `, "headers": {"H": {"schema": ` + schema + `}}}`
	operation := `{"parameters": [` + param + `], "requestBody": {"content": ` + media + `}, ` +
		`"responses": {"200": ` + response + `}, ` +
		`"callbacks": {"cb": {"{$request.body#/url}": {"post": {"requestBody": {"content": ` + media + `}, "responses": {"204": {"description": "d"}}}}}}}`
	src := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, ` +
		`"paths": {"/a": {"parameters": [` + param + `], "post": ` + operation + `}}, ` +
		`"webhooks": {"w": {"post": ` + operation + `}}, ` +
		`"components": {"schemas": {"S": ` + schema + `, "R": {"$ref": "#/components/schemas/S"}}, ` +
		`"responses": {"R": ` + response + `}, "parameters": {"P": ` + param + `}, ` +
		`"requestBodies": {"B": {"content": ` + media + `}}, "headers": {"H": {"schema": ` + schema + `}}, ` +
		`"pathItems": {"I": {"get": ` + operation + `}}, ` +
		`"callbacks": {"C": {"{$url}": {"put": ` + operation + `}}}}}`

	var root map[string]any
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	pieces := findPieces(root)
	// At least three cuts in each of the 23 schema trees outside
	// components.pathItems, which kin-openapi keeps as a raw extension.
	if len(pieces) < 3*23 {
		t.Errorf("found %d pieces, want at least %d", len(pieces), 3*23)
	}
	got, err := decodePieces(root, pieces)
	if err != nil || got == nil {
		t.Fatalf("decodePieces = %v, %v; want every piece placed", got, err)
	}
	data, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) || strings.Contains(string(data), "whgen-piece") {
		t.Fatal("the tree still holds placeholders after decoding")
	}
	want := &openapi3.T{}
	if err := json.Unmarshal(data, want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("decoding in pieces differs from decoding whole:\npieces: %.2000s\nwhole:  %.2000s", g, w)
	}
}
