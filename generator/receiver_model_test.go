package generator_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/whgen/whgen/generator"
	"github.com/whgen/whgen/internal/testspecs"
)

// receiverModel builds the receiver model of a spec file with cfg.
func receiverModel(t *testing.T, path string, cfg generator.ReceiverConfig) (*generator.ReceiverModel, generator.Diagnostics) {
	t.Helper()
	spec, err := generator.Load(path, generator.LoadOptions{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	m, err := generator.BuildWithConfig(spec, generator.Config{Package: "api", Receiver: cfg})
	var de *generator.DiagnosticsError
	if err != nil && !errors.As(err, &de) {
		t.Fatalf("build %s: %v", path, err)
	}
	if (err != nil) != m.Diagnostics.HasErrors() {
		t.Fatalf("build %s: error %v, but diagnostics with errors: %v", path, err, m.Diagnostics.HasErrors())
	}
	return m.Receiver, m.Diagnostics
}

// inlineSpec writes src as openapi.yaml in a temporary folder.
func inlineSpec(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// routeSummary describes the groups of rm in one line per group:
// "key: property value=webhook ... default=webhook".
func routeSummary(rm *generator.ReceiverModel) []string {
	var out []string
	for _, g := range rm.Groups {
		line := g.Key + ":"
		if g.Property != nil {
			line += " " + g.Property.Name
			for _, c := range g.Cases {
				line += " " + c.Value + "=" + c.Webhook.Op.Name
			}
		}
		if g.Default != nil {
			line += " default=" + g.Default.Op.Name
		}
		out = append(out, line)
	}
	return out
}

func errorMessages(ds generator.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		if d.Severity == generator.Error {
			out = append(out, d.Message)
		}
	}
	return out
}

func TestReceiverModelPetstore(t *testing.T) {
	rm, diags := receiverModel(t, testspecs.Path(t, "specs", "petstore.yaml"), generator.ReceiverConfig{})
	if errs := errorMessages(diags); len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	if rm.Rule != generator.RouteByProperty || rm.Property != "type" {
		t.Errorf("rule %s %q, want property \"type\"", rm.Rule, rm.Property)
	}
	want := []string{": type adoption.failed=adoption.failed inventory.low=inventory.low pet.adopted=pet.adopted pet.created=pet.created"}
	if got := routeSummary(rm); !slices.Equal(got, want) {
		t.Errorf("routes %q, want %q", got, want)
	}
	if rm.Scheme != "standard-webhooks" {
		t.Errorf("scheme %q, want standard-webhooks", rm.Scheme)
	}
	if rm.UnknownSecurity != nil {
		t.Errorf("unknown security %v, want none: webhooks do not inherit the document's security", rm.UnknownSecurity)
	}
}

func TestReceiverModelEdge(t *testing.T) {
	rm, diags := receiverModel(t, testspecs.Path(t, "receivers", "edge.yaml"), generator.ReceiverConfig{})
	if errs := errorMessages(diags); len(errs) > 0 {
		t.Fatalf("errors: %q", errs)
	}
	if rm.Rule != generator.RouteByHeader || rm.Header != "X-Event" {
		t.Errorf("rule %s %q, want header X-Event", rm.Rule, rm.Header)
	}
	want := []string{
		"batch: default=batch",
		"note: default=note",
		"order: action cancelled=order.closed created=order.created fulfilled=order.closed default=order.other",
		"ping: default=ping",
	}
	if got := routeSummary(rm); !slices.Equal(got, want) {
		t.Errorf("routes %q, want %q", got, want)
	}
	schemes := map[string]string{}
	for _, g := range rm.Groups {
		schemes[g.Key] = g.Scheme
	}
	if schemes["note"] != "github" || schemes["order"] != "standard-webhooks" {
		t.Errorf("group schemes %v, want github for note only", schemes)
	}
	for _, w := range rm.Webhooks {
		if w.Op.Name == "legacy" {
			t.Errorf("the GET webhook legacy is routed")
		}
	}
	if rm.UnknownSecurity != nil {
		t.Errorf("unknown security %v, want none because only batch declares security", rm.UnknownSecurity)
	}
}

func TestReceiverModelCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads GitHub's 5 MB webhook spec")
	}
	tests := []struct {
		name       string
		cfg        generator.ReceiverConfig
		rule       generator.RouteRule
		groups     int
		wantGroups []string // a sample of routeSummary
	}{
		{"github-webhooks.json", generator.ReceiverConfig{}, generator.RouteByHeader, 75, []string{
			"push: default=push",
			"ping: default=ping",
			"repository_dispatch: default=repository-dispatch-sample.collected",
			"branch_protection_configuration: action disabled=branch-protection-configuration-disabled enabled=branch-protection-configuration-enabled",
		}},
		{"adyen-Webhooks-v1.json", generator.ReceiverConfig{}, generator.RouteByPath, 48, []string{
			"/AUTHORISATION: default=/AUTHORISATION",
		}},
		{"clerk-webhooks.yaml", generator.ReceiverConfig{}, generator.RouteByPath, 45, []string{
			"/user.created: default=user.created",
		}},
		{"clerk-webhooks.yaml", generator.ReceiverConfig{Route: "property:type"}, generator.RouteByProperty, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.cfg.Route, func(t *testing.T) {
			rm, diags := receiverModel(t, testspecs.Path(t, "corpus", tt.name), tt.cfg)
			if errs := errorMessages(diags); len(errs) > 0 {
				t.Fatalf("errors: %q", errs)
			}
			if rm.Rule != tt.rule || len(rm.Groups) != tt.groups {
				t.Errorf("rule %s with %d groups, want %s with %d", rm.Rule, len(rm.Groups), tt.rule, tt.groups)
			}
			got := routeSummary(rm)
			for _, want := range tt.wantGroups {
				if !slices.Contains(got, want) {
					t.Errorf("no route %q among %d routes", want, len(got))
				}
			}
		})
	}
}

// TestReceiverModelGitHubActions checks that every GitHub webhook with an
// action enum is routed by its X-GitHub-Event and action.
func TestReceiverModelGitHubActions(t *testing.T) {
	if testing.Short() {
		t.Skip("loads GitHub's 5 MB webhook spec")
	}
	rm, _ := receiverModel(t, testspecs.Path(t, "corpus", "github-webhooks.json"), generator.ReceiverConfig{})
	routed := map[string]bool{}
	for _, g := range rm.Groups {
		if g.Default != nil {
			routed[g.Default.Op.Name] = true
		}
		for _, c := range g.Cases {
			routed[c.Webhook.Op.Name] = true
		}
	}
	for _, w := range rm.Webhooks {
		if !routed[w.Op.Name] {
			t.Errorf("webhook %q has no route", w.Op.Name)
		}
		if w.ValuesFrom != "x-github.subcategory" {
			t.Errorf("webhook %q: X-GitHub-Event values from %q, want x-github.subcategory", w.Op.Name, w.ValuesFrom)
		}
	}
	if len(routed) != 261 {
		t.Errorf("%d webhooks routed, want 261", len(routed))
	}
}

const twoWebhooks = `openapi: 3.1.0
info: {title: t, version: '1'}
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
webhooks:
  a.created:
    post:
      parameters:
        - {name: X-Kind, in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {type: {const: a.created}, kind: {type: string}}}
      responses: {'200': {description: ok}}
  b.created:
    post:
      x-whgen-signature: stripe
      parameters:
        - {name: X-Kind, in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {type: {const: b.created}, kind: {type: string}}}
      responses: {'200': {description: ok}}
`

func TestReceiverModelConfig(t *testing.T) {
	secured := strings.Replace(twoWebhooks, "      x-whgen-signature: stripe\n", "      security: [{basic: []}]\n", 1)
	routed := strings.Replace(twoWebhooks, "webhooks:\n", "x-whgen-route: header:X-Kind\nwebhooks:\n", 1)
	routed = strings.Replace(routed, "      x-whgen-signature: stripe\n", "      x-whgen-event: [b, bee]\n", 1)
	tests := []struct {
		name       string
		spec       string
		cfg        generator.ReceiverConfig
		wantRule   generator.RouteRule
		wantRoutes []string
		wantScheme string
		wantErr    string
	}{
		{
			name: "schemes differ, so no shared route", spec: twoWebhooks,
			wantRule: generator.RouteByPath, wantRoutes: []string{"/a.created: default=a.created", "/b.created: default=b.created"},
			wantScheme: "standard-webhooks",
		},
		{
			name: "config signature wins over the extension", spec: twoWebhooks, cfg: generator.ReceiverConfig{Signature: "github"},
			wantRule: generator.RouteByProperty, wantRoutes: []string{": type a.created=a.created b.created=b.created"},
			wantScheme: "github",
		},
		{
			name: "config events rename values", spec: twoWebhooks,
			cfg:      generator.ReceiverConfig{Signature: "slack", Events: map[string]string{"a.created": "new-a"}},
			wantRule: generator.RouteByProperty, wantRoutes: []string{": type b.created=b.created new-a=a.created"},
			wantScheme: "slack",
		},
		{
			name: "config header rule uses names", spec: twoWebhooks,
			cfg:      generator.ReceiverConfig{Route: "header:x-kind", Signature: "shopify"},
			wantRule: generator.RouteByHeader, wantRoutes: []string{"a.created: default=a.created", "b.created: default=b.created"},
			wantScheme: "shopify",
		},
		{
			name: "x-whgen-route and x-whgen-event", spec: routed, cfg: generator.ReceiverConfig{},
			wantRule:   generator.RouteByHeader,
			wantRoutes: []string{"a.created: default=a.created", "b: default=b.created", "bee: default=b.created"},
			wantScheme: "standard-webhooks",
		},
		{
			name: "invalid rule", spec: twoWebhooks, cfg: generator.ReceiverConfig{Route: "query:kind"},
			wantRule: generator.RouteByPath, wantErr: `invalid route rule "query:kind"`,
		},
		{
			name: "unknown scheme", spec: twoWebhooks, cfg: generator.ReceiverConfig{Signature: "hmac"},
			wantRule: generator.RouteByPath, wantErr: `unknown signature scheme "hmac"`,
		},
		{
			name: "events collide", spec: twoWebhooks,
			cfg:      generator.ReceiverConfig{Route: "property:type", Signature: "github", Events: map[string]string{"a.created": "b.created"}},
			wantRule: generator.RouteByPath, wantErr: `webhooks "a.created" and "b.created" both match "b.created"`,
		},
		{
			name: "security differs under a configured property", spec: secured, cfg: generator.ReceiverConfig{Route: "property:type"},
			wantRule: generator.RouteByPath, wantErr: "share a route but declare different security",
		},
		{
			name: "schemes differ under a configured property", spec: twoWebhooks, cfg: generator.ReceiverConfig{Route: "property:type"},
			wantRule: generator.RouteByPath, wantErr: "use the signature schemes standard-webhooks and stripe",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rm, diags := receiverModel(t, inlineSpec(t, tt.spec), tt.cfg)
			errs := errorMessages(diags)
			switch {
			case tt.wantErr == "" && len(errs) > 0:
				t.Errorf("errors %q, want none", errs)
			case tt.wantErr != "" && !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.wantErr) }):
				t.Errorf("errors %q, want one containing %q", errs, tt.wantErr)
			}
			if rm.Rule != tt.wantRule {
				t.Errorf("rule %s, want %s", rm.Rule, tt.wantRule)
			}
			if tt.wantRoutes != nil {
				if got := routeSummary(rm); !slices.Equal(got, tt.wantRoutes) {
					t.Errorf("routes %q, want %q", got, tt.wantRoutes)
				}
			}
			if tt.wantScheme != "" && rm.Scheme != tt.wantScheme {
				t.Errorf("scheme %q, want %q", rm.Scheme, tt.wantScheme)
			}
		})
	}
}

func TestReceiverModelNameClash(t *testing.T) {
	spec := strings.Replace(twoWebhooks, "components:\n", "components:\n  schemas:\n    NewWebhookVerifier: {type: string}\n", 1)
	_, diags := receiverModel(t, inlineSpec(t, spec), generator.ReceiverConfig{})
	if errs := errorMessages(diags); len(errs) > 0 {
		t.Errorf("errors %q, want none: the schema is renamed", errs)
	}
	renamed := slices.ContainsFunc(diags, func(d generator.Diagnostic) bool {
		return strings.Contains(d.Message, "NewWebhookVerifier2")
	})
	if !renamed {
		t.Errorf("no note renames the schema NewWebhookVerifier to NewWebhookVerifier2; diagnostics: %v", diags)
	}
}

// TestReceiverDeterministic generates receivers twice and compares them.
func TestReceiverDeterministic(t *testing.T) {
	for _, spec := range []struct{ dir, name string }{{"specs", "petstore.yaml"}, {"receivers", "edge.yaml"}, {"corpus", "adyen-Webhooks-v1.json"}} {
		path := testspecs.Path(t, spec.dir, spec.name)
		_, first, err := generateReceiver(path, generator.ReceiverConfig{})
		if err != nil {
			t.Fatal(err)
		}
		_, second, err := generateReceiver(path, generator.ReceiverConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first["receiver.go"], second["receiver.go"]) {
			t.Errorf("%s: receiver.go differs between two generations", spec.name)
		}
	}
}
