package generator_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// Flags of TestReceivers for runs by hand: -receiver.fuzz=20s fuzzes the
// petstore receiver and -receiver.bench logs its benchmarks.
var (
	receiverFuzz  = flag.Duration("receiver.fuzz", 0, "also run FuzzReceiver on the generated petstore receiver for this long")
	receiverBench = flag.Bool("receiver.bench", false, "also run the generated petstore receiver's benchmarks and log the results")
	receiverV     = flag.Bool("receiver.v", false, "run the generated receiver tests with -v")
)

// receiverSpec is one spec whose receiver TestReceivers exercises.
type receiverSpec struct {
	pkg  string // folder in the scratch module
	dir  string // "specs", "corpus" or "receivers", under the module's testdata
	name string
	cfg  generator.ReceiverConfig
	// tests are hand-written test files from testdata/receivers, besides
	// routes_test.go.
	tests []string
}

var receiverSpecs = []receiverSpec{
	{pkg: "petstore", dir: "specs", name: "petstore.yaml", tests: []string{"petstore_test.go"}},
	{pkg: "github", dir: "corpus", name: "github-webhooks.json"},
	{pkg: "adyen", dir: "corpus", name: "adyen-Webhooks-v1.json"},
	{pkg: "clerk", dir: "corpus", name: "clerk-webhooks.yaml", cfg: generator.ReceiverConfig{Route: "property:type"}},
	{pkg: "edge", dir: "receivers", name: "edge.yaml", tests: []string{"edge_test.go"}},
}

// innerPackage is the package name of every generated receiver package, so
// that the hand-written test files fit all of them.
const innerPackage = "api"

// standardWebhooksLibrary is the Standard Webhooks reference library that
// the petstore benchmarks compare with. The repository's go.mod requires
// it for the webhook package's interop test, so the module cache has it.
const standardWebhooksLibrary = "github.com/standard-webhooks/standard-webhooks/libraries v1.3.0"

// TestReceivers generates the webhook receivers of several specs, each into
// a package of one scratch module. Each package also gets the hand-written
// tests in testdata/receivers and a list of deliveries, one per webhook.
// All packages run in one go test invocation, because compiling GitHub's
// package alone takes most of a minute on two cores.
//
// Every generated package runs routes_test.go. Each webhook receives a
// valid signed payload: the spec's own example where the oracle accepts
// it, and a constructed one otherwise. The test checks that the right
// handler method ran once and that a tampered copy gets 401. petstore and
// edge add their own tests of hostile input, routing rules, middleware and
// benchmarks.
func TestReceivers(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages, which takes about a minute")
	}
	mod := newScratchModule(t)
	requireModule(t, mod, standardWebhooksLibrary)

	var wg sync.WaitGroup
	for _, rs := range receiverSpecs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs.prepare(t, mod)
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	args := []string{"test", "-vet=off", "-count=1"}
	if *receiverV {
		args = append(args, "-v")
	}
	out, err := mod.run(t, append(args, "./...")...)
	t.Log(out)
	if err != nil {
		t.Fatalf("the generated receiver tests failed: %v", err)
	}

	if *receiverFuzz > 0 {
		out, err := mod.run(t, "test", "-vet=off", "-run=^$", "-fuzz=^FuzzReceiver$", "-fuzztime="+receiverFuzz.String(), "./petstore")
		t.Log(out)
		if err != nil {
			t.Errorf("FuzzReceiver failed: %v", err)
		}
	}
	if *receiverBench {
		out, err := mod.run(t, "test", "-vet=off", "-run=^$", "-bench=.", "-benchmem", "-count=3", "./petstore")
		t.Log(out)
		if err != nil {
			t.Errorf("benchmarks failed: %v", err)
		}
	}
}

// requireModule adds a requirement to the scratch module's go.mod.
func requireModule(t *testing.T, mod *scratchModule, requirement string) {
	t.Helper()
	path := filepath.Join(mod.dir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, []byte("\nrequire "+requirement+"\n")...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// prepare generates the package of rs with its tests and deliveries.
func (rs receiverSpec) prepare(t *testing.T, mod *scratchModule) {
	start := time.Now()
	path := testspecs.Path(t, rs.dir, rs.name)
	m, files, err := generateReceiver(path, rs.cfg)
	if err != nil {
		t.Errorf("%s: %v", rs.name, err)
		return
	}
	recorder, err := generator.ReceiverRecorder(m)
	if err != nil {
		t.Errorf("%s: recorder: %v", rs.name, err)
		return
	}
	files["recorder_test.go"] = recorder

	suite, err := newDeliverySuite(rs.name, path, m)
	if err != nil {
		t.Errorf("%s: deliveries: %v", rs.name, err)
		return
	}
	for _, note := range suite.notes {
		t.Logf("%s: %s", rs.name, note)
	}
	data, err := json.MarshalIndent(suite, "", "  ")
	if err != nil {
		t.Errorf("%s: %v", rs.name, err)
		return
	}
	for _, name := range append([]string{"routes_test.go"}, rs.tests...) {
		src, err := os.ReadFile(filepath.Join(testspecs.Root(), "receivers", name))
		if err != nil {
			t.Errorf("%s: %v", rs.name, err)
			return
		}
		files[name] = src
	}
	mod.add(t, rs.pkg, files)
	mod.add(t, rs.pkg+"/testdata", map[string][]byte{"deliveries.json": data})
	t.Logf("%s: %d webhooks, routed by %s, prepared in %s", rs.name, len(m.Receiver.Webhooks),
		describeRule(m.Receiver), time.Since(start).Round(time.Millisecond))
}

func describeRule(rm *generator.ReceiverModel) string {
	switch rm.Rule {
	case generator.RouteByHeader:
		return "header " + rm.Header
	case generator.RouteByProperty:
		return "property " + rm.Property
	}
	return string(rm.Rule)
}

// generateReceiver loads the spec and generates its package with the
// receiver configuration cfg.
func generateReceiver(path string, cfg generator.ReceiverConfig) (*generator.Model, map[string][]byte, error) {
	spec, err := generator.Load(path, generator.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	m, err := generator.BuildWithConfig(spec, generator.Config{Package: innerPackage, Receiver: cfg})
	if err != nil {
		return nil, nil, err
	}
	var errs []string
	for _, d := range m.Diagnostics {
		if d.Severity == generator.Error {
			errs = append(errs, d.String())
		}
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("build: %s", strings.Join(errs, "\n"))
	}
	files, err := generator.Generate(m, generator.Options{Package: innerPackage})
	if err != nil {
		return nil, nil, err
	}
	return m, files, nil
}

// deliverySuite is testdata/deliveries.json of a generated package, which
// routes_test.go reads.
type deliverySuite struct {
	Scheme   string           `json:"scheme"`
	Security []securityScheme `json:"security,omitempty"`
	// Deliveries holds one valid delivery per webhook.
	Deliveries []delivery `json:"deliveries"`
	// Unknown is a delivery that matches no webhook.
	Unknown delivery `json:"unknown"`

	notes []string
}

// securityScheme is a security scheme that some webhook requires, which
// routes_test.go gives a validator with fixed credentials.
type securityScheme struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Scheme string `json:"scheme,omitempty"`
	In     string `json:"in,omitempty"`
	Param  string `json:"param,omitempty"`
}

// delivery is one request to the receiver.
type delivery struct {
	Webhook string            `json:"webhook,omitempty"`
	Method  string            `json:"method,omitempty"` // the handler method that must run
	Scheme  string            `json:"scheme"`
	Path    string            `json:"path"`
	Header  map[string]string `json:"header,omitempty"`
	Body    string            `json:"body"`
	Source  string            `json:"source,omitempty"` // where Body comes from
	Secured bool              `json:"secured,omitempty"`
	// KnownBug makes routes_test.go skip the delivery, naming a bug of the
	// generator outside the receiver.
	KnownBug string `json:"knownBug,omitempty"`
}

// receiverKnownBugs maps specs to the webhooks whose payloads a known bug
// of the generated models rejects, with the bug. It is empty while no such
// bug is known.
var receiverKnownBugs = map[string]map[string]string{}

func receiverKnownBug(spec, webhook string) string {
	return receiverKnownBugs[spec][webhook]
}

// unknownEvent is the routing value of Unknown, which no spec uses.
const unknownEvent = "whgen.unknown-event"

func newDeliverySuite(specName, path string, m *generator.Model) (*deliverySuite, error) {
	rm := m.Receiver
	tree, err := readSpecTree(path)
	if err != nil {
		return nil, err
	}
	oracleTree, _ := copyTree(tree).(map[string]any)
	o, err := newOracle(oracleTree)
	if err != nil {
		return nil, err
	}
	spec, _ := tree.(map[string]any)
	pb := &payloadBuilder{tree: spec}
	suite := &deliverySuite{Scheme: rm.Scheme, Security: securitySchemes(m)}
	for _, w := range rm.Webhooks {
		d, err := newDelivery(specName, spec, o, pb, rm, w)
		if err != nil {
			return nil, fmt.Errorf("webhook %q: %w", w.Op.Name, err)
		}
		if d.Source != "example" {
			suite.notes = append(suite.notes, fmt.Sprintf("webhook %q: %s", w.Op.Name, d.Source))
		}
		suite.Deliveries = append(suite.Deliveries, d)
	}
	suite.Unknown = unknownDelivery(rm)
	return suite, nil
}

// newDelivery returns a valid delivery of w, routed to it.
func newDelivery(specName string, spec map[string]any, o *oracle, pb *payloadBuilder, rm *generator.ReceiverModel, w *generator.ReceiverWebhook) (delivery, error) {
	d := delivery{
		Webhook: w.Op.Name, Method: w.Method, Scheme: w.Scheme, Path: "/",
		Secured: len(w.Op.Security) > 0,
	}
	switch rm.Rule {
	case generator.RouteByPath:
		d.Path = w.EscapedPath()
	case generator.RouteByHeader:
		d.Header = map[string]string{rm.Header: w.Values[0]}
	}
	switch {
	case w.Raw:
		d.Body, d.Source = "plain text", "raw body"
		return d, nil
	case w.Event == nil:
		d.Source = "no body"
		return d, nil
	}

	pointer, media, err := mediaType(spec, w)
	if err != nil {
		return d, err
	}
	schema, err := o.schema(pointer + "/schema")
	if err != nil {
		return d, fmt.Errorf("oracle: %w", err)
	}
	d.KnownBug = receiverKnownBug(specName, w.Op.Name)
	var value any
	for _, ex := range mediaExamples(spec, media) {
		bug := knownBugFor(specName, "/webhooks/"+escapePointer(w.Op.Name)+"/")
		if bug == "" && schema.Validate(copyTree(ex)) == nil {
			value, d.Source = ex, "example"
			break
		}
		d.Source = "constructed, because the spec's example is invalid"
		if bug != "" {
			d.Source = "constructed, because of a known bug: " + bug
		}
	}
	if value == nil {
		value, err = pb.value([]any{media["schema"]}, 0)
		if err != nil {
			return d, fmt.Errorf("construct payload: %w", err)
		}
		if d.Source == "" {
			d.Source = "constructed, because the spec has no example"
		}
	}
	setRouteProperty(rm, w, value)
	if err := schema.Validate(copyTree(value)); err != nil && d.Source != "example" {
		// The oracle reads allOf strictly: a part with additionalProperties
		// false rejects the members of the other parts, which the
		// generator merges into one struct. The generated Validate decides.
		first, _, _ := strings.Cut(err.Error(), "\n")
		d.Source += "; the oracle rejects it: " + first
	}
	body, err := json.Marshal(value)
	if err != nil {
		return d, err
	}
	d.Body = string(body)
	return d, nil
}

// setRouteProperty sets the routing property of the payload to the value
// that selects w, when the schema leaves it open.
func setRouteProperty(rm *generator.ReceiverModel, w *generator.ReceiverWebhook, value any) {
	obj, ok := value.(map[string]any)
	if !ok {
		return
	}
	if rm.Rule == generator.RouteByProperty {
		obj[rm.Property] = w.Values[0]
		return
	}
	for _, g := range rm.Groups {
		if g.Property == nil {
			continue
		}
		for _, c := range g.Cases {
			if c.Webhook == w {
				obj[g.Property.Name] = c.Value
				return
			}
		}
	}
}

// mediaType returns the JSON pointer and value of the media type object of
// w's payload, following references on the way.
func mediaType(spec map[string]any, w *generator.ReceiverWebhook) (string, map[string]any, error) {
	webhooksKey := "webhooks"
	if _, ok := spec[webhooksKey]; !ok {
		webhooksKey = "x-webhooks"
	}
	pointer := ""
	var node any = spec
	for _, seg := range []string{webhooksKey, w.Op.Name, strings.ToLower(w.Op.Method), "requestBody", "content", w.Event.MediaType} {
		m, ok := node.(map[string]any)
		if !ok {
			return "", nil, fmt.Errorf("no %s at %s", seg, pointer)
		}
		for range 8 {
			ref, ok := m["$ref"].(string)
			if !ok {
				break
			}
			pointer = strings.TrimPrefix(ref, "#")
			target, _ := resolvePointer(spec, pointer)
			if m, ok = target.(map[string]any); !ok {
				return "", nil, fmt.Errorf("reference %s points to nothing", ref)
			}
		}
		node = m[seg]
		pointer += "/" + escapePointer(seg)
	}
	media, ok := node.(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("no media type object at %s", pointer)
	}
	return pointer, media, nil
}

// mediaExamples returns the example values of a media type object.
func mediaExamples(spec, media map[string]any) []any {
	var out []any
	if v, ok := media["example"]; ok {
		out = append(out, v)
	}
	examples, _ := media["examples"].(map[string]any)
	for _, k := range sortedMapKeys(examples) {
		if v, ok := exampleValue(spec, examples[k]); ok {
			out = append(out, v)
		}
	}
	return out
}

// unknownDelivery returns a delivery that no route matches.
func unknownDelivery(rm *generator.ReceiverModel) delivery {
	d := delivery{Scheme: rm.Scheme, Path: "/", Body: "{}", Secured: rm.UnknownSecurity != nil}
	switch rm.Rule {
	case generator.RouteByPath:
		d.Path = "/" + unknownEvent
	case generator.RouteByHeader:
		d.Header = map[string]string{rm.Header: unknownEvent}
	case generator.RouteByProperty:
		body, _ := json.Marshal(map[string]string{rm.Property: unknownEvent})
		d.Body = string(body)
	}
	return d
}

// securitySchemes describes the schemes that the webhooks' first security
// alternatives use.
func securitySchemes(m *generator.Model) []securityScheme {
	var names []string
	for _, w := range m.Receiver.Webhooks {
		for _, alt := range w.Op.Security {
			for _, s := range alt {
				if !slices.Contains(names, s.Scheme) {
					names = append(names, s.Scheme)
				}
			}
		}
	}
	var out []securityScheme
	for _, s := range m.SecuritySchemes {
		if slices.Contains(names, s.Name) {
			out = append(out, securityScheme{Name: s.Name, Type: s.Type, Scheme: s.Scheme, In: s.In, Param: s.ParamName})
		}
	}
	return out
}
