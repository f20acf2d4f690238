package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/getkin/kin-openapi/openapi3"
)

// kin-openapi decodes a schema by decoding its bytes several times over
// (as a boolean, as fields, as extensions), and every schema inside it does
// the same with its own bytes. A schema nested n levels deep thus costs
// time in proportion to n². A document with deep schemas is therefore
// decoded in pieces of at most pieceDepth levels. Every schema at a
// multiple of pieceDepth levels is cut out and decoded on its own. The
// result replaces the placeholder reference that took its place in the
// document. Each piece decodes to what kin-openapi would have made of it
// in place, so the document is the same.
const pieceDepth = 32

// pieceMarker is the placeholder reference for piece i. A NUL keeps it
// apart from any reference that a document can hold.
func pieceMarker(i int) string { return fmt.Sprintf("\x00whgen-piece-%d", i) }

// piece is a schema cut out of the tree.
type piece struct {
	m     map[string]any // the schema in the tree, a placeholder while cut
	saved map[string]any // its members
	// lossy is set for a schema inside additionalProperties, which
	// kin-openapi decodes from a copy whose numbers went through float64.
	lossy bool
}

// pieceFinder walks the schemas of a document, as the repairer does, and
// collects the ones to cut. It goes only through keywords that
// kin-openapi decodes as schemas, so a placeholder can only land where a
// SchemaRef is decoded, and never below a $ref, whose siblings kin-openapi
// keeps where they cannot be reached.
type pieceFinder struct {
	pieces []*piece
	seen   map[uintptr]bool
}

var (
	pieceChild = []string{"items", "not", "if", "then", "else", "contains", "propertyNames", "contentSchema"}
	pieceList  = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	pieceMap   = []string{"properties", "patternProperties", "$defs", "dependentSchemas"}
)

// findPieces returns the schemas of root to decode apart, outer ones
// first, or nil when no schema is deep enough to need it.
func findPieces(root map[string]any) []*piece {
	f := &pieceFinder{seen: map[uintptr]bool{}}
	for _, key := range []string{"paths", "webhooks"} {
		items, _ := root[key].(map[string]any)
		for _, k := range sortedKeys(items) {
			f.pathItem(items[k])
		}
	}
	comps, _ := root["components"].(map[string]any)
	each := func(kind string, visit func(any)) {
		m, _ := comps[kind].(map[string]any)
		for _, k := range sortedKeys(m) {
			visit(m[k])
		}
	}
	each("schemas", func(v any) { f.schema(v, 0, false) })
	each("responses", f.response)
	each("parameters", f.parameter)
	each("requestBodies", f.body)
	each("headers", f.parameter)
	// kin-openapi keeps components.pathItems as a raw extension, so its
	// schemas are not cut.
	each("callbacks", f.callback)
	return f.pieces
}

func (f *pieceFinder) pathItem(v any) {
	item, _ := v.(map[string]any)
	if _, ok := item["$ref"]; ok {
		return
	}
	f.parameters(item["parameters"])
	for _, method := range httpMethods {
		op, _ := item[method].(map[string]any)
		if op == nil {
			continue
		}
		f.parameters(op["parameters"])
		f.body(op["requestBody"])
		responses, _ := op["responses"].(map[string]any)
		for _, code := range sortedKeys(responses) {
			f.response(responses[code])
		}
		callbacks, _ := op["callbacks"].(map[string]any)
		for _, name := range sortedKeys(callbacks) {
			f.callback(callbacks[name])
		}
	}
}

func (f *pieceFinder) callback(v any) {
	cb, _ := v.(map[string]any)
	if _, ok := cb["$ref"]; ok {
		return
	}
	for _, expr := range sortedKeys(cb) {
		f.pathItem(cb[expr])
	}
}

func (f *pieceFinder) parameters(v any) {
	list, _ := v.([]any)
	for _, p := range list {
		f.parameter(p)
	}
}

// parameter walks a parameter or a header, which have the same form.
func (f *pieceFinder) parameter(v any) {
	p, _ := v.(map[string]any)
	if _, ok := p["$ref"]; ok {
		return
	}
	f.schema(p["schema"], 0, false)
	f.content(p["content"])
}

func (f *pieceFinder) body(v any) {
	b, _ := v.(map[string]any)
	if _, ok := b["$ref"]; ok {
		return
	}
	f.content(b["content"])
}

func (f *pieceFinder) response(v any) {
	r, _ := v.(map[string]any)
	if _, ok := r["$ref"]; ok {
		return
	}
	f.content(r["content"])
	headers, _ := r["headers"].(map[string]any)
	for _, h := range sortedKeys(headers) {
		f.parameter(headers[h])
	}
}

func (f *pieceFinder) content(v any) {
	content, _ := v.(map[string]any)
	for _, mt := range sortedKeys(content) {
		if media, ok := content[mt].(map[string]any); ok {
			if _, ok := media["$ref"]; !ok {
				f.schema(media["schema"], 0, false)
			}
		}
	}
}

// schema walks the schema v, depth levels below the top of its tree.
func (f *pieceFinder) schema(v any, depth int, lossy bool) {
	s, ok := v.(map[string]any)
	if !ok {
		return
	}
	if _, ok := s["$ref"]; ok {
		return
	}
	if depth > 0 && depth%pieceDepth == 0 {
		// A map reached twice (a repair may share one) is cut once.
		id := reflect.ValueOf(s).Pointer()
		if f.seen[id] {
			return
		}
		f.seen[id] = true
		f.pieces = append(f.pieces, &piece{m: s, lossy: lossy})
	}
	for _, k := range pieceChild {
		f.schema(s[k], depth+1, lossy)
	}
	f.schema(s["additionalProperties"], depth+1, true)
	for _, k := range pieceList {
		list, _ := s[k].([]any)
		for _, c := range list {
			f.schema(c, depth+1, lossy)
		}
	}
	for _, k := range pieceMap {
		m, _ := s[k].(map[string]any)
		for _, name := range sortedKeys(m) {
			f.schema(m[name], depth+1, lossy)
		}
	}
}

// encodePieces replaces every piece in the tree with its placeholder,
// encodes root and each piece as JSON, and restores the tree.
func encodePieces(root map[string]any, pieces []*piece) (doc []byte, parts [][]byte, err error) {
	for i, p := range pieces {
		p.saved = make(map[string]any, len(p.m))
		for k, v := range p.m {
			p.saved[k] = v
		}
		clear(p.m)
		p.m["$ref"] = pieceMarker(i)
	}
	defer func() {
		for _, p := range pieces {
			clear(p.m)
			for k, v := range p.saved {
				p.m[k] = v
			}
			p.saved = nil
		}
	}()
	if doc, err = json.Marshal(root); err != nil {
		return nil, nil, err
	}
	parts = make([][]byte, len(pieces))
	for i, p := range pieces {
		if parts[i], err = json.Marshal(p.saved); err != nil {
			return nil, nil, err
		}
	}
	return doc, parts, nil
}

// decodePiece decodes one piece as kin-openapi decodes a schema in place.
func decodePiece(data []byte, lossy bool) (*openapi3.SchemaRef, error) {
	if lossy {
		// What BoolSchema.UnmarshalJSON does to an additionalProperties
		// schema: decode to plain values and encode them again.
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(v); err != nil {
			return nil, err
		}
		data = buf.Bytes()
	}
	sr := &openapi3.SchemaRef{}
	if err := json.Unmarshal(data, sr); err != nil {
		return nil, err
	}
	return sr, nil
}

const kinPackage = "github.com/getkin/kin-openapi/openapi3"

// stitch puts the decoded pieces in place of their placeholders,
// wherever the exported fields of v reach a SchemaRef, and reports
// whether every piece found its place.
func stitch(v any, pieces []*openapi3.SchemaRef) bool {
	markers := make(map[string]*openapi3.SchemaRef, len(pieces))
	for i, p := range pieces {
		markers[pieceMarker(i)] = p
	}
	type visit struct {
		addr uintptr
		t    reflect.Type
	}
	seen := map[visit]bool{}
	srType := reflect.TypeFor[*openapi3.SchemaRef]()
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			key := visit{v.Pointer(), v.Type()}
			if seen[key] {
				return
			}
			seen[key] = true
			if v.Type() == srType {
				sr := v.Interface().(*openapi3.SchemaRef)
				if p, ok := markers[sr.Ref]; ok {
					delete(markers, sr.Ref)
					*sr = *p
				}
			}
			// Paths, Responses and Callback keep their entries in an
			// unexported map, which their Map method returns.
			if m := v.MethodByName("Map"); m.IsValid() && v.Type().Elem().PkgPath() == kinPackage &&
				m.Type().NumIn() == 0 && m.Type().NumOut() == 1 && m.Type().Out(0).Kind() == reflect.Map {
				walk(m.Call(nil)[0])
			}
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(v))
	return len(markers) == 0
}
