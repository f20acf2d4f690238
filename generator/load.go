package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	yaml "go.yaml.in/yaml/v4"

	"github.com/whgen/whgen/oas"
)

// LoadOptions configures Load. The zero value loads leniently.
type LoadOptions struct {
	// Strict turns every warning about a repaired defect into an error.
	Strict bool
}

// Spec is a loaded OpenAPI document together with what was found while
// loading it.
type Spec struct {
	// Path is the file the document was read from, as given to Load.
	Path string
	// Doc is the document as kin-openapi models it, with references resolved
	// and 3.0 `x-webhooks` moved to Webhooks.
	Doc *openapi3.T
	// Diagnostics lists warnings about defects that were read past and
	// informational notes (see Info); errors stop Load instead.
	Diagnostics Diagnostics
	// Version is the document's `openapi` field.
	Version string

	loc   *locator
	moved map[string]bool // webhooks read from `x-webhooks`
	// base is the absolute, slash-separated path that references were
	// resolved against. kin-openapi's SchemaRef.RefPath starts with it for
	// references into this document.
	base string
	// json is the document as JSON: the file itself when it is JSON, the
	// repaired tree when it is YAML.
	json []byte
}

// JSON returns the document as JSON, for servers that publish their spec.
func (s *Spec) JSON() []byte { return s.json }

// Info marks a note that only verbose output shows, such as a renamed type.
const Info Severity = -1

// Load reads the OpenAPI document at path, repairs the published defects
// that have a safe reading (each reported as a warning) and decodes it with
// kin-openapi. JSON files are decoded as JSON and everything else as YAML.
// A document that cannot be read, parsed or resolved returns a
// *DiagnosticsError naming the file, line and JSON pointer.
func Load(path string, opts LoadOptions) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, diagError(path, 0, 0, "", fmt.Sprintf("cannot read spec: %v", unwrapPathError(err)))
	}
	return LoadData(path, data, opts)
}

// LoadData is Load for a document already in memory; path names it in
// diagnostics and anchors relative `$ref`s.
func LoadData(path string, data []byte, opts LoadOptions) (*Spec, error) {
	// Most JSON documents need no repair, so kin-openapi decodes the
	// original bytes while the repairer looks for defects; the result is
	// used unless a repair changed the tree.
	//
	// A deeply nested document is left to decodeTree, which decodes it in
	// pieces, because kin-openapi takes time in the square of its depth.
	var early chan decoded
	jsonInput := isJSON(path, data)
	if jsonInput && oas.DeeperThan(data, 2*pieceDepth) < 0 {
		early = make(chan decoded, 1)
		go func() {
			doc := &openapi3.T{}
			err := json.Unmarshal(data, doc)
			early <- decoded{doc, err}
		}()
	}
	tree, loc, err := parseTree(path, data)
	if err != nil {
		return nil, err
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, diagError(path, 1, 1, "", "not an OpenAPI document: the top level must be an object")
	}
	version, _ := root["openapi"].(string)
	if !strings.HasPrefix(version, "3.") {
		msg := "not an OpenAPI 3.x document: missing `openapi` field"
		if v, ok := root["swagger"]; ok {
			msg = fmt.Sprintf("not an OpenAPI 3.x document: it is Swagger %v; convert it to OpenAPI 3 first", v)
		} else if version != "" {
			msg = fmt.Sprintf("unsupported OpenAPI version %q: whgen reads 3.0, 3.1 and 3.2", version)
		}
		spec := &Spec{Path: path, loc: loc}
		return nil, &DiagnosticsError{Diagnostics: spec.locate(Diagnostics{{Severity: Error, Pointer: "/openapi", Message: msg}})}
	}

	r := &repairer{root: root, version: version}
	r.mergeXWebhooks()
	// The checks read the tree before the repairs change it, so that
	// their pointers name the file as written.
	c := newChecker(root)
	c.run()
	problems := append(c.diags, checkExternalRefs(path, c.refs)...)
	r.run()
	spec := &Spec{Path: path, Version: version, loc: loc, moved: r.moved}
	diags := spec.locate(append(problems, r.diags...))
	diags = append(diags, spec.duplicateOperationIDs(c.operationIDs)...)
	if opts.Strict {
		diags = promoteWarnings(diags)
	}
	if diags.HasErrors() {
		return nil, &DiagnosticsError{Diagnostics: onlyErrors(diags).Sorted()}
	}

	var doc *openapi3.T
	if early != nil {
		d := <-early
		if d.err == nil && !r.changed {
			doc = d.doc
			if err := moveXWebhooks(doc, root); err != nil {
				return nil, diagError(path, 1, 1, "/x-webhooks", "cannot decode x-webhooks: "+err.Error())
			}
		}
	}
	if doc == nil {
		if doc, err = spec.decodeTree(root); err != nil {
			return nil, err
		}
	}
	if jsonInput && !r.changed {
		spec.json = data
	} else if spec.json, err = json.Marshal(root); err != nil {
		return nil, diagError(path, 1, 1, "", "cannot encode the document as JSON: "+err.Error())
	}
	if spec.base, err = resolveRefs(path, doc); err != nil {
		return nil, err
	}
	spec.Doc, spec.Diagnostics = doc, diags
	return spec, nil
}

// parseTree decodes data into plain Go values (maps, slices, strings,
// json.Number, bools and nil) and keeps what is needed to locate pointers.
func parseTree(path string, data []byte) (any, *locator, error) {
	if isJSON(path, data) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, jsonSyntaxError(path, data, err)
		}
		if _, err := dec.Token(); err == nil {
			pos := offsetPosition(data, int(dec.InputOffset()))
			return nil, nil, diagError(path, pos.line, pos.col, "", "invalid JSON: unexpected data after the top-level value")
		}
		return v, &locator{data: data}, nil
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, nil, yamlSyntaxError(path, err)
	}
	if node.Kind == 0 {
		return nil, nil, diagError(path, 1, 1, "", "not an OpenAPI document: the file is empty")
	}
	budget := maxYAMLValues
	v, err := yamlValue(&node, 0, &budget)
	if err != nil {
		return nil, nil, diagError(path, node.Line, node.Column, "", err.Error())
	}
	return v, &locator{data: data, yaml: &node}, nil
}

func isJSON(path string, data []byte) bool {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return true
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

func jsonSyntaxError(path string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, so the offending byte is the last.
		pos := offsetPosition(data, max(int(se.Offset)-1, 0))
		return diagError(path, pos.line, pos.col, "", "invalid JSON: "+se.Error())
	}
	if errors.Is(err, errors.New("EOF")) || strings.Contains(err.Error(), "EOF") {
		pos := offsetPosition(data, len(data))
		return diagError(path, pos.line, pos.col, "", "invalid JSON: unexpected end of file")
	}
	return diagError(path, 1, 1, "", "invalid JSON: "+err.Error())
}

func yamlSyntaxError(path string, err error) error {
	line, col, msg := 1, 1, err.Error()
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg = le.Message
		if le.Mark.Line > 0 {
			line, col = le.Mark.Line, max(le.Mark.Column, 1)
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return diagError(path, line, col, "", "invalid YAML: "+msg)
}

// maxYAMLValues bounds the values a YAML document may expand to. The
// largest YAML spec in the test corpus (openai.yaml, 3 MB) has about 61,000.
const maxYAMLValues = 5_000_000

// yamlValue converts a YAML node to the values encoding/json would produce,
// with every mapping key as a string (YAML reads `200:` as a number).
//
// budget counts down the values still allowed. Aliases can make a small
// file expand to billions of values, so conversion stops at the budget.
func yamlValue(n *yaml.Node, depth int, budget *int) (any, error) {
	if depth > 10000 {
		return nil, errors.New("invalid YAML: nesting too deep")
	}
	if *budget--; *budget < 0 {
		return nil, fmt.Errorf("invalid YAML: the document expands to more than %d values through aliases; whgen reads no document that large", maxYAMLValues)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1, budget)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				merged, err := yamlValue(v, depth+1, budget)
				if err != nil {
					return nil, err
				}
				if mm, ok := merged.(map[string]any); ok {
					for mk, mv := range mm {
						if _, exists := m[mk]; !exists {
							m[mk] = mv
						}
					}
				}
				continue
			}
			val, err := yamlValue(v, depth+1, budget)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlValue(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	return yamlScalar(n)
}

func yamlScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, err
		}
		return b, nil
	case "!!int", "!!float":
		var f any
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		b, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("line %d: number %s cannot be represented in JSON", n.Line, n.Value)
		}
		return json.Number(b), nil
	}
	return n.Value, nil
}

type decoded struct {
	doc *openapi3.T
	err error
}

// moveXWebhooks gives a document decoded from the original bytes the
// webhooks that the repairer merged from x-webhooks.
func moveXWebhooks(doc *openapi3.T, root map[string]any) error {
	if _, ok := doc.Extensions["x-webhooks"]; !ok {
		return nil
	}
	delete(doc.Extensions, "x-webhooks")
	data, err := json.Marshal(root["webhooks"])
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &doc.Webhooks); err != nil {
		return err
	}
	doc.OpenAPI, _ = root["openapi"].(string)
	return nil
}

// decodeTree hands the repaired tree to kin-openapi, in pieces when its
// schemas nest deeply (see pieceDepth).
func (s *Spec) decodeTree(root map[string]any) (*openapi3.T, error) {
	if pieces := findPieces(root); len(pieces) > 0 {
		if doc, err := decodePieces(root, pieces); doc != nil || err != nil {
			if err != nil {
				return nil, s.decodeError(root, err)
			}
			return doc, nil
		}
	}
	data, err := json.Marshal(root)
	if err != nil {
		return nil, diagError(s.Path, 1, 1, "", "cannot encode the repaired document: "+err.Error())
	}
	doc := &openapi3.T{}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, s.decodeError(root, err)
	}
	return doc, nil
}

// decodePieces decodes root with pieces cut out and put back. It returns
// no document and no error when a piece did not find its place, and the
// caller decodes root whole.
func decodePieces(root map[string]any, pieces []*piece) (*openapi3.T, error) {
	data, parts, err := encodePieces(root, pieces)
	if err != nil {
		return nil, err
	}
	doc := &openapi3.T{}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, err
	}
	decoded := make([]*openapi3.SchemaRef, len(parts))
	for i, part := range parts {
		if decoded[i], err = decodePiece(part, pieces[i].lossy); err != nil {
			return nil, err
		}
	}
	if !stitch(doc, decoded) {
		return nil, nil
	}
	return doc, nil
}

// resolveRefs resolves the document's references, including relative
// references to other files, and returns the path it resolved them
// against.
func resolveRefs(path string, doc *openapi3.T) (string, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.Context = context.Background()
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	loader.ReadFromURIFunc = localFileReader(filepath.Dir(abs))
	location := &url.URL{Path: filepath.ToSlash(abs)}
	if err := loader.ResolveRefsIn(doc, location); err != nil {
		return "", diagError(path, 1, 1, "", "cannot resolve references: "+strings.TrimPrefix(err.Error(), "failed to "))
	}
	return location.Path, nil
}

// localFileReader returns the reader of referenced files. It reads files
// from disk only, so generation is reproducible offline, and only inside
// root, the spec's folder, so that a spec cannot pull other files of the
// machine into generated code or errors.
func localFileReader(root string) openapi3.ReadFromURIFunc {
	return func(_ *openapi3.Loader, location *url.URL) ([]byte, error) {
		if location.Scheme != "" && location.Scheme != "file" {
			return nil, fmt.Errorf("remote reference %s: whgen reads only local files; download it and refer to it by a relative path", location)
		}
		target := filepath.Clean(filepath.FromSlash(location.Path))
		realRoot, realTarget := root, target
		if r, err := filepath.EvalSymlinks(root); err == nil {
			realRoot = r
		}
		if t, err := filepath.EvalSymlinks(target); err == nil {
			realTarget = t // a link inside the folder may point outside it
		}
		rel, err := filepath.Rel(realRoot, realTarget)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			return nil, fmt.Errorf("reference to %s leaves the spec's folder %s; copy the file next to the spec", location.Path, root)
		}
		return readLocalFile(target)
	}
}

func readLocalFile(path string) ([]byte, error) {
	location := &url.URL{Path: filepath.ToSlash(path)}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if isJSON(location.Path, data) {
		return data, nil
	}
	tree, _, err := parseTree(location.Path, data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(tree)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

func diagError(path string, line, col int, pointer, msg string) error {
	return &DiagnosticsError{Diagnostics: Diagnostics{{Severity: Error, File: path, Line: line, Column: col, Pointer: pointer, Message: msg}}}
}

// locate fills in file, line and column of each diagnostic.
func (s *Spec) locate(ds Diagnostics) Diagnostics {
	if len(ds) == 0 {
		return ds
	}
	pointers := make([]string, len(ds))
	for i, d := range ds {
		pointers[i] = s.sourcePointer(d.Pointer)
	}
	pos := s.loc.positions(pointers)
	out := make(Diagnostics, len(ds))
	for i, d := range ds {
		d.File = s.Path
		p := pos[pointers[i]]
		d.Line, d.Column = p.line, p.col
		out[i] = d
	}
	return out
}

// sourcePointer maps a pointer into the loaded document back to the file
// as written, where webhooks may sit under `x-webhooks`.
func (s *Spec) sourcePointer(ptr string) string {
	if len(s.moved) == 0 || !strings.HasPrefix(ptr, "/webhooks/") {
		return ptr
	}
	segs := splitPointer(ptr)
	if s.moved[segs[1]] {
		segs[0] = "x-webhooks"
		return joinSegments(segs)
	}
	return ptr
}

func onlyErrors(ds Diagnostics) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}
