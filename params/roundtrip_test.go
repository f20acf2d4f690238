package params

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// combo is one supported combination of location, style, explode, shape
// and allowReserved.
type combo struct {
	spec  Spec
	shape shape
}

func (c combo) String() string {
	return fmt.Sprintf("%s/%s/explode=%t/reserved=%t/%s",
		c.spec.In, c.spec.style(), c.spec.Explode, c.spec.AllowReserved, c.shape)
}

// allCombos returns every combination that the package serves without
// ErrUnsupported, including those OpenAPI leaves undefined.
func allCombos() []combo {
	styles := map[Location][]Style{
		InPath:   {Simple, Label, Matrix},
		InQuery:  {Form, SpaceDelimited, PipeDelimited, DeepObject},
		InHeader: {Simple},
		InCookie: {Form},
	}
	var combos []combo
	for _, in := range []Location{InPath, InQuery, InHeader, InCookie} {
		for _, style := range styles[in] {
			for _, explode := range []bool{false, true} {
				for _, reserved := range []bool{false, true} {
					if reserved && in != InQuery {
						continue
					}
					for _, sh := range []shape{primitiveShape, arrayShape, objectShape} {
						if style == DeepObject && sh != objectShape {
							continue
						}
						spec := Spec{Name: "color", In: in, Style: style, Explode: explode, AllowReserved: reserved}
						combos = append(combos, combo{spec: spec, shape: sh})
					}
				}
			}
		}
	}
	return combos
}

// fragments are the pieces random values are made of: unreserved and
// reserved characters, percent signs, a valid escape, separators of every
// style, quotes, and multi-byte UTF-8.
var fragments = []string{
	"a", "Z", "0", "9", "-", ".", "_", "~", " ", "%", "%41", "+", ",", ";", "=", "&",
	"?", "/", "#", "[", "]", "|", "@", ":", "!", "$", "'", "(", ")", "*", `"`, `\`,
	"é", "日本", "🎨",
}

// randomText returns up to four fragments that contain none of the bytes
// in forbid. A quarter of the results are empty.
func randomText(rng *rand.Rand, forbid string) string {
	var b strings.Builder
	for range rng.IntN(5) {
		if f := fragments[rng.IntN(len(fragments))]; !strings.ContainsAny(f, forbid) {
			b.WriteString(f)
		}
	}
	return b.String()
}

// forbidden returns the characters that c cannot carry unambiguously in
// a value of count elements, as the package documentation lists them.
func forbidden(c combo, count int) string {
	var forbid string
	switch {
	case c.spec.In == InHeader:
		forbid = ", \t"
		if c.spec.Explode && c.shape == objectShape {
			forbid += "="
		}
	case c.spec.style() == SpaceDelimited && !c.spec.Explode:
		forbid = " "
	case c.spec.style() == PipeDelimited && !c.spec.Explode:
		forbid = "|"
	case c.spec.style() == DeepObject:
		forbid = "[]"
	}
	if c.spec.AllowReserved {
		forbid += "%"
		if !c.spec.Explode {
			forbid += ","
		}
	}
	if count == 1 {
		forbid += ",.;=| "
	}
	return forbid
}

// randomValue returns a value of c's shape with count elements.
func randomValue(rng *rand.Rand, c combo, count int) any {
	forbid := forbidden(c, count)
	switch c.shape {
	case primitiveShape:
		return randomText(rng, forbid)
	case arrayShape:
		items := make([]string, count)
		for i := range items {
			items[i] = randomText(rng, forbid)
		}
		return items
	}
	props := make([]Property, count)
	for i := range props {
		// A numbered prefix keeps names unique and non-empty.
		name := "p" + strconv.Itoa(i) + randomText(rng, forbid)
		props[i] = Property{Name: name, Value: randomText(rng, forbid)}
	}
	return props
}

// roundTripResult is what the test server reports about one request.
type roundTripResult struct {
	Primitive string
	Array     []string
	Object    []Property
	Present   bool
	Err       string
}

// roundTripServer starts a loopback server whose handler parses the
// parameter of combos[X-Combo] and responds with a roundTripResult.
func roundTripServer(t *testing.T, combos []combo) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc(pathPattern, func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.Header.Get("X-Combo"))
		if err != nil || i < 0 || i >= len(combos) {
			http.Error(w, "bad X-Combo", http.StatusBadRequest)
			return
		}
		c := combos[i]
		p := parseShape(&c.spec, c.shape, r)
		res := roundTripResult{Present: p.present}
		if p.err != nil {
			res.Err = p.err.Error()
		}
		switch v := p.value.(type) {
		case string:
			res.Primitive = v
		case []string:
			res.Array = v
		case []Property:
			res.Object = v
		}
		if err := json.NewEncoder(w).Encode(res); err != nil {
			t.Errorf("encode result: %v", err)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// send serialises value as c's parameter, sends it to srv, and returns
// the server's result. skip is true for a path value that the Append
// methods reject, because ServeMux cannot route its empty or dot-segment.
func send(t *testing.T, srv *httptest.Server, index int, c combo, value any) (res roundTripResult, skip bool) {
	t.Helper()
	wire, err := appendShape(&c.spec, c.shape, value)
	if c.spec.In == InPath && errors.Is(err, ErrEmptySegment) {
		return res, true
	}
	if err != nil {
		t.Fatalf("append %#v: %v", value, err)
	}
	req := placeWire(&c.spec, wire)
	req.URL.Host = srv.Listener.Addr().String()
	req.RequestURI = ""
	req.Header.Set("X-Combo", strconv.Itoa(index))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("send %q: %v", wire, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("send %q: got status %d, want 200", wire, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("decode result for %q: %v", wire, err)
	}
	return res, false
}

// want returns the result that the package documentation promises for a
// round trip of value: value itself, except that an array of one empty
// item reads as the empty array where both have the same wire form.
func want(c combo, value any) roundTripResult {
	res := roundTripResult{Present: true}
	switch v := value.(type) {
	case string:
		res.Primitive = v
	case []string:
		res.Array = v
		if len(v) == 1 && v[0] == "" && emptyItemCollapses(c) {
			res.Array = []string{}
		}
	case []Property:
		res.Object = v
	}
	return res
}

// emptyItemCollapses reports whether [""] and [] share a wire form in c:
// in every non-exploded style, and in exploded label and header arrays.
func emptyItemCollapses(c combo) bool {
	return !c.spec.Explode || c.spec.style() == Label || c.spec.In == InHeader
}

// TestRoundTripRandom serialises random values with the Append methods,
// sends them over loopback HTTP, and parses them in a ServeMux handler.
// Values avoid only the characters that the package documentation lists
// as ambiguous for each combination.
func TestRoundTripRandom(t *testing.T) {
	const seed = 20240229
	combos := allCombos()
	srv := roundTripServer(t, combos)
	for i, c := range combos {
		t.Run(c.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			skipped := 0
			for n := range 60 {
				count := 2 + rng.IntN(3)
				if n%4 == 0 {
					count = 1
				}
				value := randomValue(rng, c, count)
				got, skip := send(t, srv, i, c, value)
				if skip {
					skipped++
					continue
				}
				if diff := cmp.Diff(want(c, value), got); diff != "" {
					t.Errorf("value %#v (seed %d) mismatch (-want +got):\n%s", value, seed, diff)
				}
			}
			if skipped > 20 {
				t.Errorf("got %d of 60 values skipped, want at most 20", skipped)
			}
		})
	}
}
