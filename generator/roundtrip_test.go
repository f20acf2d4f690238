package generator_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// TestRoundTrip drives the generated models with the examples that the
// specs themselves carry: those of the corpus, the petstore spec and the
// golden cases. It collects the examples of component schemas (see
// collectExamples) and keeps those that the oracle in
// roundtrip_oracle_test.go finds valid. It then generates each models
// package and runs a test inside it, in one go test invocation for all
// specs. Each valid example must decode into its Go type, encode back to
// the same JSON value and pass Validate. Hand-written invalid values for the petstore
// spec must fail Validate at the expected JSON pointer.
//
// The largest corpus specs (see largeSpecs) generate packages that take
// minutes to compile on two cores, so they run only with -corpus.
var roundTripCorpus = flag.Bool("corpus", false, "also round-trip the examples of the largest corpus specs, which takes several minutes")

// largeSpecs generate the biggest packages: github-api alone is about
// 15 MB of models and validation code.
var largeSpecs = map[string]bool{
	"github-api.json": true,
}

// roundTripSpec is one spec of the round trip and what was found in it.
type roundTripSpec struct {
	name    string // file name, or "cases/<folder>" for a golden case
	path    string
	pkg     string
	found   int // examples of component schemas in the spec
	valid   int // examples the oracle accepts
	invalid int // examples the oracle rejects
	noType  int // valid examples whose schema has no generated type
	oracle  int // examples whose schema the oracle cannot compile
	cases   []innerCase
	checks  map[string]roundTripCheck // by innerCase.id
	// knownBug is the skip.txt of a golden case that shows a generator bug:
	// its cases are skipped with that text, and a failed generation is only
	// logged.
	knownBug string
}

// roundTripCheck is what TestRoundTrip expects of one case.
type roundTripCheck struct {
	source    string   // where the example is in the spec
	allowDrop []string // members the schema does not declare
	invalid   *invalidValue
}

// invalidValue is a hand-written value that Validate must reject: every
// error must lie at or below pointer, and there must be at least one.
type invalidValue struct {
	name    string
	schema  string // the component, such as /components/schemas/NewPet
	json    string
	pointer string
}

// petstoreInvalid lists values of the petstore spec that break exactly
// one constraint each.
var petstoreInvalid = []invalidValue{
	{"missing required", "/components/schemas/NewPet", `{"species":"dog"}`, "/name"},
	{"string too long", "/components/schemas/NewPet", `{"name":"` + strings.Repeat("x", 81) + `","species":"dog"}`, "/name"},
	{"pattern mismatch in item", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","tags":["Not A Tag"]}`, "/tags/0"},
	{"pattern mismatch in nullable", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","microchip":"123"}`, "/microchip"},
	{"enum mismatch", "/components/schemas/NewPet", `{"name":"Rex","species":"lizard"}`, "/species"},
	{"closed object extra property", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","colour":"brown"}`, "/colour"},
	{"exclusiveMinimum", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","weightKg":0}`, "/weightKg"},
	{"maximum", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","weightKg":500.5}`, "/weightKg"},
	{"uniqueItems", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","tags":["a","a"]}`, "/tags"},
	{"maxItems", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","tags":["a","b","c","d","e","f","g","h","i","j","k"]}`, "/tags"},
	{"minProperties", "/components/schemas/PetPatch", `{}`, ""},
	{"email format", "/components/schemas/Adopter", `{"name":"Ann","email":"not an address"}`, "/email"},
	{"null for non-nullable", "/components/schemas/Adopter", `{"name":null,"email":"ann@example.com"}`, "/name"},
	{"null for optional non-nullable", "/components/schemas/NewPet", `{"name":"Rex","species":"dog","tags":null}`, "/tags"},
	{"const mismatch", "/components/schemas/PetCreatedEvent", `{"type":"pet.adopted","timestamp":"2024-05-01T10:00:00Z","data":` + petJSON + `}`, "/type"},
	{"nested missing required", "/components/schemas/AdoptionRequest", `{"adopter":{"name":"Ann"}}`, "/adopter/email"},
	{"oneOf no match", "/components/schemas/AdoptionFailedEvent", `{"type":"adoption.failed","timestamp":"2024-05-01T10:00:00Z","data":{"adoptionId":"7f1d2a5e-0c1b-4b7e-9a43-1c2d3e4f5a6b","reason":{"kind":"weather"}}}`, "/data/reason"},
	{"enum mismatch in allOf", "/components/schemas/Pet", `{"id":"7f1d2a5e-0c1b-4b7e-9a43-1c2d3e4f5a6b","name":"Rex","species":"dog","status":"sold","createdAt":"2024-05-01T10:00:00Z"}`, "/status"},
}

const petJSON = `{"id":"7f1d2a5e-0c1b-4b7e-9a43-1c2d3e4f5a6b","name":"Rex","species":"dog","status":"available","createdAt":"2024-05-01T10:00:00Z"}`

// knownBug marks round-trip cases that fail because of a generator bug or
// a known gap.
type knownBug struct {
	spec   string
	id     string // a case id, or a prefix of ids ending in "*"
	reason string // names the bug or the gap
}

// Known gaps that the round trip shows.
const (
	bugLeapSecond = "date-time maps to time.Time, which cannot hold the leap second 23:59:60 " +
		"that RFC 3339 allows, so decoding fails; whgen keeps time.Time by choice (see scalar in schema.go)"
)

// roundTripKnownBugs lists the cases skipped because of a bug or a gap.
var roundTripKnownBugs = []knownBug{
	{"cases/formats", "/components/schemas/Formats/examples/2", bugLeapSecond},
}

func knownBugFor(spec, id string) string {
	for _, b := range roundTripKnownBugs {
		if b.spec != spec {
			continue
		}
		if b.id == id || strings.HasSuffix(b.id, "*") && strings.HasPrefix(id, strings.TrimSuffix(b.id, "*")) {
			return b.reason
		}
	}
	return ""
}

func roundTripSpecs(t *testing.T) []*roundTripSpec {
	t.Helper()
	specs := []*roundTripSpec{{name: "petstore.yaml", path: testspecs.Path(t, "specs", "petstore.yaml")}}
	for _, name := range testspecs.Corpus(t) {
		if largeSpecs[name] && !*roundTripCorpus {
			t.Logf("%s: skipped; run with -corpus to include it", name)
			continue
		}
		specs = append(specs, &roundTripSpec{name: name, path: testspecs.Path(t, "corpus", name)})
	}
	for _, c := range goldenCases(t) {
		if readWant(t, c) == nil {
			// Run fails on the case's spec on purpose, so it has no models.
			continue
		}
		s := &roundTripSpec{name: "cases/" + c.name, path: filepath.Join(c.dir, "openapi.yaml")}
		if reason, err := os.ReadFile(filepath.Join(c.dir, "skip.txt")); err == nil {
			s.knownBug = strings.TrimSpace(string(reason))
		}
		specs = append(specs, s)
	}
	for _, s := range specs {
		s.pkg = "rt" + goldenPackage(strings.TrimSuffix(strings.TrimSuffix(s.name, ".json"), ".yaml"))
		s.checks = map[string]roundTripCheck{}
	}
	return specs
}

// prepare collects and judges the examples of s and generates its models
// package with the inner test into mod. It returns false when the spec
// has nothing to test.
func (s *roundTripSpec) prepare(t *testing.T, mod *scratchModule) bool {
	t.Helper()
	raw, err := readSpecTree(s.path)
	if err != nil {
		t.Errorf("%s: read: %v", s.name, err)
		return false
	}
	tree, ok := raw.(map[string]any)
	if !ok {
		t.Errorf("%s: not a JSON object at the top level", s.name)
		return false
	}
	types, files := s.generate(t)
	if files == nil {
		return false
	}
	s.judgeExamples(t, tree, types)
	if s.name == "petstore.yaml" {
		for i := range petstoreInvalid {
			s.addInvalid(t, &petstoreInvalid[i], types)
		}
	}
	if len(s.cases) == 0 {
		return false
	}
	files["whgen_cases_test.go"] = innerTestFile(s.pkg, s.cases)
	files["whgen_helper_test.go"] = innerHelperFile(s.pkg)
	mod.add(t, "rt/"+s.pkg, files)
	return true
}

// generate builds the models package of s and maps the JSON pointer of
// every generated type to its Go name.
func (s *roundTripSpec) generate(t *testing.T) (map[string]string, map[string][]byte) {
	t.Helper()
	fail := t.Errorf
	if s.knownBug != "" {
		fail = t.Logf
	}
	spec, err := generator.Load(s.path, generator.LoadOptions{})
	if err != nil {
		fail("%s: load: %v", s.name, err)
		return nil, nil
	}
	m, err := generator.Build(spec, s.pkg)
	if err != nil {
		fail("%s: build: %v", s.name, err)
		return nil, nil
	}
	types := map[string]string{}
	for _, d := range m.Decls {
		types[d.Pointer] = roundTripType(d)
	}
	files, err := generator.Generate(m, generator.Options{Package: s.pkg, Parts: []string{"models"}})
	if err != nil {
		fail("%s: generate: %v", s.name, err)
		return nil, nil
	}
	return types, files
}

// roundTripType returns the Go type that holds every value of d's schema:
// d itself, or *d when the schema also accepts null and d has no null of
// its own, as generated fields, items and bodies of that type do.
func roundTripType(d *generator.Decl) string {
	if !d.Nullable || d.Kind == generator.DeclUnion {
		return d.Name
	}
	t := &generator.TypeRef{Kind: generator.RefNamed, Decl: d}
	for range 64 {
		if t.Kind != generator.RefNamed || t.Decl.Kind != generator.DeclAlias && t.Decl.Kind != generator.DeclDefined {
			break
		}
		t = t.Decl.Underlying
	}
	switch {
	case t.Kind == generator.RefSlice || t.Kind == generator.RefMap || t.Kind == generator.RefAny:
		return d.Name
	case t.Kind == generator.RefBuiltin && t.Builtin == "[]byte":
		return d.Name
	case t.Kind == generator.RefNamed && t.Decl.Kind == generator.DeclUnion:
		return d.Name
	}
	return "*" + d.Name
}

// judgeExamples validates every example with the oracle and turns the
// valid ones into cases.
func (s *roundTripSpec) judgeExamples(t *testing.T, tree map[string]any, types map[string]string) {
	t.Helper()
	examples := collectExamples(tree)
	s.found = len(examples)
	if len(examples) == 0 {
		return
	}
	o, err := newOracle(copyTree(tree).(map[string]any))
	if err != nil {
		t.Errorf("%s: oracle: %v", s.name, err)
		return
	}
	for _, ex := range examples {
		sch, err := o.schema(ex.pointer)
		if err != nil {
			s.oracle++
			t.Logf("%s: oracle cannot compile %s: %v", s.name, ex.pointer, firstLine(err.Error()))
			continue
		}
		if err := sch.Validate(copyTree(ex.value)); err != nil {
			s.invalid++
			continue
		}
		s.valid++
		typeName, ok := types[ex.pointer]
		if !ok {
			s.noType++
			t.Errorf("%s: no generated type for %s", s.name, ex.pointer)
			continue
		}
		data, err := json.Marshal(ex.value)
		if err != nil {
			t.Fatal(err)
		}
		s.cases = append(s.cases, innerCase{id: ex.source, typeName: typeName, json: string(data)})
		s.checks[ex.source] = roundTripCheck{source: ex.source, allowDrop: o.undeclaredPaths(tree, ex.pointer, ex.value)}
	}
}

func (s *roundTripSpec) addInvalid(t *testing.T, v *invalidValue, types map[string]string) {
	t.Helper()
	typeName, ok := types[v.schema]
	if !ok {
		t.Errorf("%s: no generated type for %s", s.name, v.schema)
		return
	}
	id := "invalid/" + v.name
	s.cases = append(s.cases, innerCase{id: id, typeName: typeName, json: v.json})
	s.checks[id] = roundTripCheck{source: v.schema, invalid: v}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// innerResult mirrors whgenResult of innerHelperSource.
type innerResult struct {
	ID          string   `json:"id"`
	DecodeError string   `json:"decodeError"`
	EncodeError string   `json:"encodeError"`
	Output      string   `json:"output"`
	Mismatches  []string `json:"mismatches"`
	Dropped     []string `json:"dropped"`
	HasValidate bool     `json:"hasValidate"`
	Errors      []struct {
		Pointer string `json:"pointer"`
		Message string `json:"detail"`
	} `json:"errors"`
	OtherError string `json:"otherError"`
}

func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the generated models of every corpus spec; skipped with -short")
	}
	mod := newScratchModule(t)
	results := t.TempDir()
	mod.env = []string{"WHGEN_RESULTS=" + results}

	var run []*roundTripSpec
	for _, s := range roundTripSpecs(t) {
		if s.prepare(t, mod) {
			run = append(run, s)
		}
	}
	if len(run) == 0 {
		t.Fatal("no spec has a valid example")
	}
	out, err := mod.run(t, "test", "-count=1", "./rt/...")
	if err != nil {
		t.Fatalf("go test of the generated packages failed: %v\n%s", err, out)
	}
	var rows []roundTripCount
	for _, s := range run {
		res := readInnerResults(t, filepath.Join(results, s.pkg+".json"))
		rows = append(rows, s.count(res))
		t.Run(s.name, func(t *testing.T) { s.judge(t, res) })
	}
	logRoundTripCounts(t, rows)
}

func readInnerResults(t *testing.T, path string) map[string]innerResult {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the inner test wrote no results: %v", err)
	}
	var list []innerResult
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]innerResult, len(list))
	for _, r := range list {
		out[r.ID] = r
	}
	return out
}

// judge checks the results of one spec's cases.
func (s *roundTripSpec) judge(t *testing.T, results map[string]innerResult) {
	for _, c := range s.cases {
		check := s.checks[c.id]
		r, ok := results[c.id]
		t.Run(c.id, func(t *testing.T) {
			if s.knownBug != "" {
				t.Skip(s.knownBug)
			}
			if reason := knownBugFor(s.name, c.id); reason != "" {
				t.Skip(reason)
			}
			if !ok {
				t.Fatal("the inner test reported nothing for this case")
			}
			if check.invalid != nil {
				judgeInvalid(t, check.invalid, r)
				return
			}
			judgeValid(t, c, check, r)
		})
	}
}

func judgeValid(t *testing.T, c innerCase, check roundTripCheck, r innerResult) {
	t.Helper()
	if r.DecodeError != "" {
		t.Fatalf("decode %s into %s: %s", c.json, c.typeName, r.DecodeError)
	}
	if r.EncodeError != "" {
		t.Fatalf("encode %s: %s", c.typeName, r.EncodeError)
	}
	for _, m := range r.Mismatches {
		t.Errorf("round trip changed %s\ninput:  %s\noutput: %s", m, c.json, r.Output)
	}
	allowed := map[string]bool{}
	for _, p := range check.allowDrop {
		allowed[p] = true
	}
	for _, p := range r.Dropped {
		if !allowed[p] {
			t.Errorf("round trip dropped %s, which the schema declares\ninput:  %s\noutput: %s", p, c.json, r.Output)
		}
	}
	if r.OtherError != "" {
		t.Errorf("Validate returned %s, want nil or oas.Errors", r.OtherError)
	}
	for _, e := range r.Errors {
		t.Errorf("Validate of a valid example: %s: %s\ninput: %s", e.Pointer, e.Message, c.json)
	}
}

func judgeInvalid(t *testing.T, v *invalidValue, r innerResult) {
	t.Helper()
	// Decoding may reject the value already, with a located type error
	// in Errors.
	if r.DecodeError != "" && len(r.Errors) == 0 {
		t.Fatalf("decode %s: %s", v.json, r.DecodeError)
	}
	if r.DecodeError == "" && !r.HasValidate {
		t.Fatalf("the type of %s has no Validate method", v.schema)
	}
	if len(r.Errors) == 0 && r.OtherError == "" {
		t.Fatalf("Validate(%s) = nil, want an error at %q", v.json, v.pointer)
	}
	for _, e := range r.Errors {
		if e.Pointer != v.pointer && !strings.HasPrefix(e.Pointer, v.pointer+"/") {
			t.Errorf("Validate reported %s: %s, want errors at or below %q", e.Pointer, e.Message, v.pointer)
		}
	}
}

// roundTripCount is one row of the counts that TestRoundTrip logs.
type roundTripCount struct {
	spec    string
	found   int // examples of component schemas
	valid   int // accepted by the oracle
	invalid int // rejected by the oracle
	oracle  int // the oracle could not compile the schema
	trips   int // decoded, encoded and compared equal
	dropped int // of trips, those equal only after removing undeclared members
	passed  int // of the valid examples, those Validate accepts
}

// count tallies the results of s, known bugs included, so the numbers
// show how much of each spec works today.
func (s *roundTripSpec) count(results map[string]innerResult) roundTripCount {
	row := roundTripCount{spec: s.name, found: s.found, valid: s.valid, invalid: s.invalid, oracle: s.oracle}
	for _, c := range s.cases {
		check := s.checks[c.id]
		r, ok := results[c.id]
		if !ok || check.invalid != nil {
			continue
		}
		if r.HasValidate && len(r.Errors) == 0 && r.OtherError == "" && r.DecodeError == "" {
			row.passed++
		}
		if r.DecodeError != "" || r.EncodeError != "" || len(r.Mismatches) > 0 {
			continue
		}
		allowed := map[string]bool{}
		for _, p := range check.allowDrop {
			allowed[p] = true
		}
		kept := true
		for _, p := range r.Dropped {
			kept = kept && allowed[p]
		}
		if !kept {
			continue
		}
		row.trips++
		if len(r.Dropped) > 0 {
			row.dropped++
		}
	}
	return row
}

func logRoundTripCounts(t *testing.T, rows []roundTripCount) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].spec < rows[j].spec })
	var b strings.Builder
	fmt.Fprintf(&b, "%-52s %5s %5s %8s %7s %5s %7s %9s\n",
		"spec", "found", "valid", "rejected", "no-comp", "trips", "dropped", "validated")
	var total roundTripCount
	for _, r := range rows {
		fmt.Fprintf(&b, "%-52s %5d %5d %8d %7d %5d %7d %9d\n",
			r.spec, r.found, r.valid, r.invalid, r.oracle, r.trips, r.dropped, r.passed)
		total.found += r.found
		total.valid += r.valid
		total.invalid += r.invalid
		total.oracle += r.oracle
		total.trips += r.trips
		total.dropped += r.dropped
		total.passed += r.passed
	}
	fmt.Fprintf(&b, "%-52s %5d %5d %8d %7d %5d %7d %9d\n",
		"total", total.found, total.valid, total.invalid, total.oracle, total.trips, total.dropped, total.passed)
	t.Log("examples per spec. rejected: invalid per the oracle. no-comp: the oracle could not " +
		"compile the schema. trips: valid examples that round-trip. dropped: round trips that " +
		"dropped members the schema does not declare. validated: valid examples that pass " +
		"Validate. Known bugs are counted as they are.\n" + b.String())
}
