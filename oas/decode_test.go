package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

type decodeItem struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type decodeTarget struct {
	N     int32                 `json:"n"`
	Items []decodeItem          `json:"items"`
	Grid  [][]int               `json:"grid"`
	ByKey map[string]decodeItem `json:"by/key"`
	Flag  bool                  `json:"flag"`
	Own   []customItem          `json:"own"`
}

func TestUnmarshalPointers(t *testing.T) {
	for _, c := range []struct{ body, pointer, detail string }{
		{`[]`, "", "must be an object, not array"},
		{`{"n": "x"}`, "/n", "must be an integer, not string"},
		{`{"n": 3000000000}`, "/n", "must be at most 2147483647, not 3000000000"},
		{`{"n": -3e9}`, "/n", "must be at least -2147483648, not -3000000000"},
		{`{"items": [{"id": 1}, {"id": 2, "name": 7}]}`, "/items/1/name", "must be a string, not number"},
		{`{"items": [{"id": 1}, {"id": {"a": [1]}}]}`, "/items/1/id", "must be an integer, not object"},
		{`{"grid": [[1, 2], [3, "4"]]}`, "/grid/1/1", "must be an integer, not string"},
		{`{"items": [{"name": 7, "NAME": "x"}]}`, "/items/0/name", "must be a string, not number"},
		{`{"grid": [[1], [], "row"]}`, "/grid/2", "must be an array, not string"},
		{`{"by/key": {"a~b": {"id": true}}}`, "/by~1key/a~0b/id", "must be an integer, not bool"},
		{`{"s": "x\"]}", "flag" : [ ] }`, "/flag", "must be a boolean, not array"},
		{`{"items": [{"id": 2.0}, {"id": 1.5}]}`, "/items/1/id", "must be an integer, not number 1.5"},
		{`{"items": [{"id": 1}], "by/key": {"a": {"name": "x"}, "b": {"name": 2}}}`, "/by~1key/b/name", "must be a string, not number"},
	} {
		var v decodeTarget
		err := Unmarshal([]byte(c.body), &v)
		var te *TypeError
		if !errors.As(err, &te) {
			t.Errorf("Unmarshal(%s) = %v, want a TypeError", c.body, err)
			continue
		}
		if te.Pointer != c.pointer {
			t.Errorf("Unmarshal(%s): pointer %q, want %q", c.body, te.Pointer, c.pointer)
		}
		if te.Detail != c.detail {
			t.Errorf("Unmarshal(%s): detail %q, want %q", c.body, te.Detail, c.detail)
		}
	}
}

// customItem decodes itself, as generated types do, so encoding/json
// counts the offsets of errors inside it from the start of the item.
type customItem struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

func (c *customItem) UnmarshalJSON(data []byte) error {
	type plain customItem
	return json.Unmarshal(data, (*plain)(c))
}

func TestUnmarshalPointersInsideUnmarshalers(t *testing.T) {
	type target struct {
		Data  customItem   `json:"data"`
		Items []customItem `json:"items"`
	}
	for body, want := range map[string]string{
		`{"data": {"name": "a", "tags": ["x", 7]}}`:                           "/data/tags/1",
		`{"data": {"tags": ["x"], "name": 5}}`:                                "/data/name",
		`{"items": [{"name": "a"}, {"name": "b", "tags": [1]}]}`:              "/items/1/tags/0",
		`{"items": [{"name": "a", "NAME": "b"}, {"tags": ["x"], "Name": 1}]}`: "/items/1/Name",
	} {
		var v target
		var te *TypeError
		if err := Unmarshal([]byte(body), &v); !errors.As(err, &te) {
			t.Errorf("Unmarshal(%s) = %v, want a TypeError", body, err)
			continue
		}
		if te.Pointer != want {
			t.Errorf("Unmarshal(%s): pointer %q, want %q", body, te.Pointer, want)
		}
	}
}

func TestUnmarshalFormatPointers(t *testing.T) {
	type event struct {
		Day  Date      `json:"day"`
		At   time.Time `json:"at"`
		Days []Date    `json:"days"`
	}
	for body, want := range map[string][2]string{
		`{"day": "2021-02-29"}`:                    {"/day", `must be a date (YYYY-MM-DD), not "2021-02-29"`},
		`{"days": ["2021-02-28", "2021-02-30"]}`:   {"/days/1", `must be a date (YYYY-MM-DD), not "2021-02-30"`},
		`{"at": "2026-01-01T10:00:00"}`:            {"/at", `must be a date-time (RFC 3339), not "2026-01-01T10:00:00"`},
		`{"day": "2021-01-01", "at": "yesterday"}`: {"/at", `must be a date-time (RFC 3339), not "yesterday"`},
	} {
		var v event
		var te *TypeError
		if err := Unmarshal([]byte(body), &v); !errors.As(err, &te) {
			t.Errorf("Unmarshal(%s) = %v, want a TypeError", body, err)
			continue
		}
		if te.Pointer != want[0] {
			t.Errorf("Unmarshal(%s): pointer %q, want %q", body, te.Pointer, want[0])
		}
		if te.Detail != want[1] {
			t.Errorf("Unmarshal(%s): detail %q, want %q", body, te.Detail, want[1])
		}
	}
}

// shape is a union as generated code writes one: no variant takes a
// string.
type shape struct {
	Circle *struct {
		R float64 `json:"r"`
	}
}

func (s *shape) UnmarshalJSON(data []byte) error {
	if kind := Kind(data); kind != "object" {
		return NoVariant(kind, s)
	}
	return json.Unmarshal(data, &s.Circle)
}

func TestUnmarshalUnionPointer(t *testing.T) {
	var v struct {
		Shapes []shape `json:"shapes"`
	}
	var te *TypeError
	if err := Unmarshal([]byte(`{"shapes": [{"r": 1}, "square"]}`), &v); !errors.As(err, &te) {
		t.Fatalf("Unmarshal = %v, want a TypeError", err)
	}
	if te.Pointer != "/shapes/1" {
		t.Errorf("pointer %q, want /shapes/1", te.Pointer)
	}
	if want := "a JSON string matches none of the variants of shape"; te.Detail != want {
		t.Errorf("detail %q, want %q", te.Detail, want)
	}
}

// format is a union with a discriminator, as generated code writes one.
type format struct {
	Print *struct {
		Kind  string `json:"kind"`
		Pages int    `json:"pages"`
	}
}

func (f *format) UnmarshalJSON(data []byte) error {
	if tag, ok := Member(data, "kind"); ok {
		switch tag {
		case "print":
			return json.Unmarshal(data, &f.Print)
		}
		return UnknownTag(f, "kind", tag, "print", "ebook")
	}
	return NoVariant(Kind(data), f)
}

func TestUnmarshalUnknownTag(t *testing.T) {
	var v struct {
		Formats []format `json:"formats"`
	}
	var te *TypeError
	body := `{"formats": [{"kind": "print", "pages": 3}, {"pages": 1, "kind": "vi\"nyl"}]}`
	if err := Unmarshal([]byte(body), &v); !errors.As(err, &te) {
		t.Fatalf("Unmarshal = %v, want a TypeError", err)
	}
	if te.Pointer != "/formats/1/kind" {
		t.Errorf("pointer %q, want /formats/1/kind", te.Pointer)
	}
	if want := `must be one of "print", "ebook", not "vi\"nyl"`; te.Detail != want {
		t.Errorf("detail %q, want %q", te.Detail, want)
	}
}

func TestUnmarshalWholeNumbers(t *testing.T) {
	type target struct {
		N    int64   `json:"n"`
		F    float64 `json:"f"`
		S    string  `json:"s"`
		List []int32 `json:"list"`
	}
	var v target
	if err := Unmarshal([]byte(`{"n": 2.0, "f": 2.5, "s": "1.0e1", "list": [1e1, -3.00, 0.5e1]}`), &v); err != nil {
		t.Fatalf("Unmarshal of whole numbers with fractions: %v", err)
	}
	want := target{N: 2, F: 2.5, S: "1.0e1", List: []int32{10, -3, 5}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v, want %+v", v, want)
	}
	for _, body := range []string{
		`{"n": 2.5}`,
		`{"n": 2.0000000000000001}`,
		`{"n": 1e999999999}`,
		`{"n": 99999999999999999999}`,
		`{"n": 1e19}`,
	} {
		var v target
		var te *TypeError
		if err := Unmarshal([]byte(body), &v); !errors.As(err, &te) {
			t.Errorf("Unmarshal(%s) = %v, want a TypeError", body, err)
		}
	}
}

func TestWholeNumbersLeavesStrings(t *testing.T) {
	in := `{"a\"1.0": "2.0", "b": [3.0, "x\\"], "c": 4}`
	got, ok := wholeNumbers([]byte(in))
	if want := `{"a\"1.0": "2.0", "b": [3, "x\\"], "c": 4}`; !ok || string(got) != want {
		t.Errorf("wholeNumbers(%s) = %s, %v; want %s", in, got, ok, want)
	}
}

// FuzzWholeNumbers checks that rewriting whole numbers keeps a document's
// meaning: both decode to the same values, and strings are untouched.
func FuzzWholeNumbers(f *testing.F) {
	for _, seed := range []string{`{"n": 2.0}`, `["1e3", 1e3, -0.0, 2.50e1]`, `{"a\"b": 3.00}`, `1E2`, `[1.5, 1e-2]`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var before any
		if json.Unmarshal(body, &before) != nil {
			return
		}
		fixed, ok := wholeNumbers(body)
		if !ok {
			return
		}
		var after any
		if err := json.Unmarshal(fixed, &after); err != nil {
			t.Fatalf("wholeNumbers(%s) = %s, which is not JSON: %v", body, fixed, err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("wholeNumbers(%s) = %s, which decodes to %v, not %v", body, fixed, after, before)
		}
	})
}

// FuzzUnmarshalPointer decodes documents into a typed value and checks
// that the pointer of every type error finds a value in the document of
// another type than the Go field expects.
func FuzzUnmarshalPointer(f *testing.F) {
	for _, seed := range []string{
		`{"items": [{"id": 1}, {"id": "2"}]}`,
		`{"grid": [[1], [true]]}`,
		`{"by/key": {"": {"name": 1}}}`,
		`{"n": [1, {"a": "]"}]}`,
		`{"flag": null, "n": {}}`,
		`{"own": [{"tags": ["a"]}, {"name": "b", "tags": [{}]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v decodeTarget
		var te *TypeError
		if !errors.As(Unmarshal(body, &v), &te) {
			return
		}
		// Numbers stay text, since a valid document can hold one too
		// large for float64.
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("Unmarshal(%s) gave a TypeError for invalid JSON", body)
		}
		got, ok := lookup(doc, te.Pointer)
		if !ok {
			t.Fatalf("Unmarshal(%s): pointer %q finds nothing", body, te.Pointer)
		}
		// Decoded into any, a repeated member keeps its last value, but
		// the error may be about an earlier one, so only its place can
		// be checked.
		if tree, err := parseTree(body); err == nil && repeatsKeys(tree) {
			return
		}
		var ue *json.UnmarshalTypeError
		if !errors.As(te, &ue) {
			t.Fatalf("Unmarshal(%s) = %v, which wraps no UnmarshalTypeError", body, te)
		}
		if !strings.HasPrefix(ue.Value, kindOf(got)) {
			t.Fatalf("Unmarshal(%s): pointer %q finds %s, but the error is about %s", body, te.Pointer, kindOf(got), ue.Value)
		}
	})
}

// repeatsKeys reports whether an object in the tree n has a member name
// twice.
func repeatsKeys(n *node) bool {
	seen := map[string]bool{}
	for _, k := range n.keys {
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	for _, m := range n.members {
		if repeatsKeys(m) {
			return true
		}
	}
	return false
}

// lookup resolves the JSON pointer ptr in a document decoded into any.
func lookup(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	for _, token := range strings.Split(ptr[1:], "/") {
		token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
		switch v := doc.(type) {
		case map[string]any:
			next, ok := v[token]
			if !ok {
				return nil, false
			}
			doc = next
		case []any:
			i, err := strconv.Atoi(token)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			doc = v[i]
		default:
			return nil, false
		}
	}
	return doc, true
}

// kindOf names the JSON type of v as json.UnmarshalTypeError.Value does.
func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	}
	return "null"
}

// TestLocateNestedObjectsOnce builds a document where every object could
// be a struct or a map. Searching each subtree once per way of reaching
// it would take about 2^40 steps.
func TestLocateNestedObjectsOnce(t *testing.T) {
	const depth = 40
	data := []byte(strings.Repeat(`{"a":`, depth) + `1` + strings.Repeat(`}`, depth))
	te := &json.UnmarshalTypeError{Value: "string", Field: strings.TrimSuffix(strings.Repeat("a.", depth/2), ".")}
	want := strings.Repeat("/a", depth/2)
	if got := locate(data, te); got != want {
		t.Errorf("locate = %q, want the struct fields %q", got, want)
	}
}

func TestCheckText(t *testing.T) {
	for doc, want := range map[string]int{
		`{"a": "plain", "b": "ü€😀"}`:    -1,
		`{"a": "\ud83d\ude00"}`:         -1,
		`{"a": "\\ud800", "b": "\\\\"}`: -1,
		`{"a": "\u00e9\n\"\/"}`:         -1,
		`{"a": "bad` + "\xff" + `"}`:    10,
		`{"a": "\ud800"}`:               7,
		`{"a": "x\udc00"}`:              8,
		`{"a": "\ud800\u0041"}`:         7,
		`"\ud800\`:                      1,
		`["\ud83d\ude00", "\ud83d"]`:    18,
		"\"\xed\xa0\x80\"":              1,
	} {
		err := CheckText([]byte(doc))
		var te *TextError
		switch {
		case want < 0 && err != nil:
			t.Errorf("CheckText(%q) = %v, want nil", doc, err)
		case want >= 0 && !errors.As(err, &te):
			t.Errorf("CheckText(%q) = %v, want a TextError", doc, err)
		case want >= 0 && te.Offset != want:
			t.Errorf("CheckText(%q): offset %d, want %d", doc, te.Offset, want)
		}
	}
}
