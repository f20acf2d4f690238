package generator

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// preferredKeys are the property names that usually carry an event type,
// tried before other properties in this order.
var preferredKeys = []string{"type", "event", "event_type", "eventType", "action", "kind"}

// githubEventHeader is the header whose value GitHub's specs give in the
// x-github extension of each webhook, as "subcategory".
const githubEventHeader = "X-Github-Event"

// specWebhook returns the path item and operation of a webhook in the spec.
func (b *builder) specWebhook(o *Operation) (*openapi3.PathItem, *openapi3.Operation) {
	item := b.spec.Doc.Webhooks[o.Name]
	if item == nil {
		return &openapi3.PathItem{}, &openapi3.Operation{}
	}
	op := item.GetOperation(o.Method)
	if op == nil {
		op = &openapi3.Operation{}
	}
	return item, op
}

// propertyRouteValues returns the values of the payload property name that
// select w, and where they come from. Unless forced, the schema must give
// values.
func (b *builder) propertyRouteValues(w *ReceiverWebhook, name string, events map[string]string, forced bool) ([]string, string) {
	spec := b.propertyValues(w, name)
	if len(spec) == 0 && !forced {
		return nil, ""
	}
	if values, from := b.eventOverride(w, events); len(values) > 0 {
		return values, from
	}
	if len(spec) > 0 {
		return spec, "the payload schema"
	}
	return []string{w.Op.Name}, "the webhook name"
}

// headerRouteValues returns the values of header that select w, and where
// they come from. Unless forced, the spec must give values.
func (b *builder) headerRouteValues(w *ReceiverWebhook, header string, events map[string]string, forced bool) ([]string, string) {
	spec, specFrom := b.headerValues(w, header)
	if len(spec) == 0 && !forced {
		return nil, ""
	}
	if values, from := b.eventOverride(w, events); len(values) > 0 {
		return values, from
	}
	if len(spec) > 0 {
		return spec, specFrom
	}
	return []string{w.Op.Name}, "the webhook name"
}

// eventOverride returns the value that the config or x-whgen-event gives
// for w.
func (b *builder) eventOverride(w *ReceiverWebhook, events map[string]string) ([]string, string) {
	if v, ok := events[w.Op.Name]; ok && v != "" {
		return []string{v}, "the config"
	}
	_, op := b.specWebhook(w.Op)
	if values := stringValues(op.Extensions[extEvent]); len(values) > 0 {
		return values, extEvent
	}
	return nil, ""
}

// headerValues returns the values that the spec gives for the header
// parameter named header of w: its const or enum, or GitHub's x-github
// subcategory for X-GitHub-Event.
func (b *builder) headerValues(w *ReceiverWebhook, header string) ([]string, string) {
	param := b.headerParam(w, header)
	if param == nil {
		return nil, ""
	}
	if param.Schema != nil && param.Schema.Value != nil {
		if values, ok := schemaValues(param.Schema.Value, 0); ok && len(values) > 0 {
			return values, "the header's schema"
		}
	}
	if header == githubEventHeader {
		_, op := b.specWebhook(w.Op)
		if gh, ok := op.Extensions["x-github"].(map[string]any); ok {
			if values := stringValues(gh["subcategory"]); len(values) > 0 {
				return values, "x-github.subcategory"
			}
		}
	}
	return nil, ""
}

// headerParam returns the header parameter of w named header, operation
// level first.
func (b *builder) headerParam(w *ReceiverWebhook, header string) *openapi3.Parameter {
	item, op := b.specWebhook(w.Op)
	for _, list := range []openapi3.Parameters{op.Parameters, item.Parameters} {
		for _, p := range list {
			if p != nil && p.Value != nil && p.Value.In == "header" && http.CanonicalHeaderKey(p.Value.Name) == header {
				return p.Value
			}
		}
	}
	return nil
}

// candidateHeaders returns the header parameters that every webhook
// declares, those whose name contains "event" first.
func (b *builder) candidateHeaders(hooks []*ReceiverWebhook) []string {
	count := map[string]int{}
	for _, w := range hooks {
		item, op := b.specWebhook(w.Op)
		seen := map[string]bool{}
		for _, list := range []openapi3.Parameters{op.Parameters, item.Parameters} {
			for _, p := range list {
				if p != nil && p.Value != nil && p.Value.In == "header" {
					seen[http.CanonicalHeaderKey(p.Value.Name)] = true
				}
			}
		}
		for name := range seen {
			count[name]++
		}
	}
	var names []string
	for _, name := range sortedKeys(count) {
		if count[name] == len(hooks) {
			names = append(names, name)
		}
	}
	sort.SliceStable(names, func(i, j int) bool {
		return hasEvent(names[i]) && !hasEvent(names[j])
	})
	return names
}

func hasEvent(name string) bool { return strings.Contains(strings.ToLower(name), "event") }

// candidateProperties returns the payload properties with values in all
// webhooks of hooks but at most one, preferred names first.
func (b *builder) candidateProperties(hooks []*ReceiverWebhook) []string {
	count := map[string]int{}
	for _, w := range hooks {
		for name := range b.routeProperties(w) {
			count[name]++
		}
	}
	var names []string
	for _, name := range sortedKeys(count) {
		if count[name] >= len(hooks)-1 && count[name] > 0 {
			names = append(names, name)
		}
	}
	rank := func(name string) int {
		if i := slices.Index(preferredKeys, name); i >= 0 {
			return i
		}
		return len(preferredKeys)
	}
	sort.SliceStable(names, func(i, j int) bool { return rank(names[i]) < rank(names[j]) })
	return names
}

// propertyValues returns the values that w's payload schema allows for
// its top-level property name; nil when it does not restrict them to
// strings.
func (b *builder) propertyValues(w *ReceiverWebhook, name string) []string {
	return b.routeProperties(w)[name]
}

// routeProperties returns the top-level properties of w's payload whose
// schema restricts them to a set of strings, with the sets.
func (b *builder) routeProperties(w *ReceiverWebhook) map[string][]string {
	if w.props != nil {
		return w.props
	}
	w.props = map[string][]string{}
	if w.Event == nil {
		return w.props
	}
	_, op := b.specWebhook(w.Op)
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return w.props
	}
	media := op.RequestBody.Value.Content[w.Event.MediaType]
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return w.props
	}
	s := media.Schema.Value
	for _, name := range propertyNames(s, 0) {
		if values, ok := objectPropertyValues(s, name, 0); ok && len(values) > 0 {
			w.props[name] = values
		}
	}
	return w.props
}

// maxSchemaDepth bounds the recursion into allOf, oneOf and anyOf, which
// a recursive schema could otherwise make endless.
const maxSchemaDepth = 32

// propertyNames lists the top-level property names of s, its allOf parts
// and its oneOf and anyOf variants.
func propertyNames(s *openapi3.Schema, depth int) []string {
	if s == nil || depth > maxSchemaDepth {
		return nil
	}
	names := sortedKeys(s.Properties)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, part := range list {
			if part != nil {
				names = append(names, propertyNames(part.Value, depth+1)...)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// objectPropertyValues returns the string values that an object schema
// allows for its property name. The parts of allOf narrow the set, and the
// variants of oneOf and anyOf widen it, restricting it only when every
// variant does. ok is false when nothing restricts the property.
func objectPropertyValues(s *openapi3.Schema, name string, depth int) (values []string, ok bool) {
	if s == nil || depth > maxSchemaDepth {
		return nil, false
	}
	var sets [][]string
	if p := s.Properties[name]; p != nil && p.Value != nil {
		if vs, ok := schemaValues(p.Value, depth+1); ok {
			sets = append(sets, vs)
		}
	}
	for _, part := range s.AllOf {
		if part == nil {
			continue
		}
		if vs, ok := objectPropertyValues(part.Value, name, depth+1); ok {
			sets = append(sets, vs)
		}
	}
	for _, variants := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if vs, ok := unionValues(variants, func(v *openapi3.Schema) ([]string, bool) {
			return objectPropertyValues(v, name, depth+1)
		}); ok {
			sets = append(sets, vs)
		}
	}
	return intersect(sets)
}

// schemaValues returns the strings that a scalar schema allows through
// const, enum, allOf and oneOf or anyOf of those. ok is false when the
// schema allows other strings, or values other than strings and null.
func schemaValues(s *openapi3.Schema, depth int) ([]string, bool) {
	if s == nil || depth > maxSchemaDepth {
		return nil, false
	}
	var sets [][]string
	if s.Const != nil {
		c, isString := s.Const.(string)
		if !isString {
			return nil, false
		}
		sets = append(sets, []string{c})
	}
	if len(s.Enum) > 0 {
		var values []string
		for _, v := range s.Enum {
			switch v := v.(type) {
			case string:
				values = append(values, v)
			case nil:
			default:
				return nil, false
			}
		}
		sets = append(sets, values)
	}
	for _, part := range s.AllOf {
		if part == nil {
			continue
		}
		if vs, ok := schemaValues(part.Value, depth+1); ok {
			sets = append(sets, vs)
		}
	}
	for _, variants := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		if vs, ok := unionValues(variants, func(v *openapi3.Schema) ([]string, bool) { return schemaValues(v, depth+1) }); ok {
			sets = append(sets, vs)
		}
	}
	return intersect(sets)
}

// unionValues unites the values of every variant, or returns false when a
// variant does not restrict them.
func unionValues(variants openapi3.SchemaRefs, valuesOf func(*openapi3.Schema) ([]string, bool)) ([]string, bool) {
	if len(variants) == 0 {
		return nil, false
	}
	var all []string
	for _, v := range variants {
		if v == nil {
			return nil, false
		}
		vs, ok := valuesOf(v.Value)
		if !ok {
			return nil, false
		}
		all = append(all, vs...)
	}
	return sortedSet(all), true
}

// intersect returns the values in every set, or false when there is no
// set. The empty string is dropped: a property that is absent decodes as
// "", so "" cannot select a webhook.
func intersect(sets [][]string) ([]string, bool) {
	if len(sets) == 0 {
		return nil, false
	}
	out := sortedSet(sets[0])
	for _, set := range sets[1:] {
		out = slices.DeleteFunc(out, func(v string) bool { return !slices.Contains(set, v) })
	}
	out = slices.DeleteFunc(out, func(v string) bool { return v == "" })
	return out, true
}

func sortedSet(values []string) []string {
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// stringValues reads an extension value that is a string or a list of
// strings.
func stringValues(v any) []string {
	switch v := v.(type) {
	case string:
		if v != "" {
			return []string{v}
		}
	case []any:
		var out []string
		for _, item := range v {
			s, ok := item.(string)
			if !ok || s == "" {
				return nil
			}
			out = append(out, s)
		}
		return sortedSet(out)
	}
	return nil
}
