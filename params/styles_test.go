package params

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	colorString = "blue"
	colorArray  = []string{"blue", "black", "brown"}
	colorObject = []Property{{"R", "100"}, {"G", "200"}, {"B", "150"}}
)

// styleCase is one cell of the OpenAPI 3.1.1 style examples table, or of
// its extension to headers and cookies.
type styleCase struct {
	in      Location
	style   Style
	explode bool
	shape   shape
	wire    string
}

func (c styleCase) spec() *Spec {
	return &Spec{Name: "color", In: c.in, Style: c.style, Explode: c.explode}
}

func (c styleCase) value() any {
	return [...]any{colorString, colorArray, colorObject}[c.shape]
}

func (c styleCase) String() string {
	return fmt.Sprintf("%s/%s/explode=%t/%s", c.in, c.style, c.explode, c.shape)
}

// styleTable returns every cell of the style examples table that this
// package defines, with the empty-string cells that a ServeMux can route.
func styleTable() []styleCase {
	return []styleCase{
		{InPath, Matrix, false, primitiveShape, ";color=blue"},
		{InPath, Matrix, false, arrayShape, ";color=blue,black,brown"},
		{InPath, Matrix, false, objectShape, ";color=R,100,G,200,B,150"},
		{InPath, Matrix, true, primitiveShape, ";color=blue"},
		{InPath, Matrix, true, arrayShape, ";color=blue;color=black;color=brown"},
		{InPath, Matrix, true, objectShape, ";R=100;G=200;B=150"},
		{InPath, Label, false, primitiveShape, ".blue"},
		{InPath, Label, false, arrayShape, ".blue,black,brown"},
		{InPath, Label, false, objectShape, ".R,100,G,200,B,150"},
		{InPath, Label, true, primitiveShape, ".blue"},
		{InPath, Label, true, arrayShape, ".blue.black.brown"},
		{InPath, Label, true, objectShape, ".R=100.G=200.B=150"},
		{InPath, Simple, false, primitiveShape, "blue"},
		{InPath, Simple, false, arrayShape, "blue,black,brown"},
		{InPath, Simple, false, objectShape, "R,100,G,200,B,150"},
		{InPath, Simple, true, primitiveShape, "blue"},
		{InPath, Simple, true, arrayShape, "blue,black,brown"},
		{InPath, Simple, true, objectShape, "R=100,G=200,B=150"},
		{InQuery, Form, false, primitiveShape, "color=blue"},
		{InQuery, Form, false, arrayShape, "color=blue,black,brown"},
		{InQuery, Form, false, objectShape, "color=R,100,G,200,B,150"},
		{InQuery, Form, true, primitiveShape, "color=blue"},
		{InQuery, Form, true, arrayShape, "color=blue&color=black&color=brown"},
		{InQuery, Form, true, objectShape, "R=100&G=200&B=150"},
		{InQuery, SpaceDelimited, false, arrayShape, "color=blue%20black%20brown"},
		{InQuery, SpaceDelimited, false, objectShape, "color=R%20100%20G%20200%20B%20150"},
		{InQuery, PipeDelimited, false, arrayShape, "color=blue%7Cblack%7Cbrown"},
		{InQuery, PipeDelimited, false, objectShape, "color=R%7C100%7CG%7C200%7CB%7C150"},
		{InQuery, DeepObject, true, objectShape, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"},
		{InHeader, Simple, false, primitiveShape, "blue"},
		{InHeader, Simple, false, arrayShape, "blue,black,brown"},
		{InHeader, Simple, false, objectShape, "R,100,G,200,B,150"},
		{InHeader, Simple, true, primitiveShape, "blue"},
		{InHeader, Simple, true, arrayShape, "blue,black,brown"},
		{InHeader, Simple, true, objectShape, "R=100,G=200,B=150"},
		{InCookie, Form, false, primitiveShape, "color=blue"},
		{InCookie, Form, false, arrayShape, "color=blue,black,brown"},
		{InCookie, Form, false, objectShape, "color=R,100,G,200,B,150"},
		{InCookie, Form, true, primitiveShape, "color=blue"},
		{InCookie, Form, true, arrayShape, "color=blue; color=black; color=brown"},
		{InCookie, Form, true, objectShape, "R=100; G=200; B=150"},
	}
}

func TestStyleTableSerialise(t *testing.T) {
	for _, c := range styleTable() {
		t.Run(c.String(), func(t *testing.T) {
			got, err := appendShape(c.spec(), c.shape, c.value())
			if err != nil {
				t.Fatalf("got error %v, want %q", err, c.wire)
			}
			if got != c.wire {
				t.Errorf("got %q, want %q", got, c.wire)
			}
		})
	}
}

func TestStyleTableParse(t *testing.T) {
	for _, c := range styleTable() {
		t.Run(c.String(), func(t *testing.T) {
			got := parseWire(t, c.spec(), c.shape, c.wire)
			if got.err != nil {
				t.Fatalf("got error %v, want %v", got.err, c.value())
			}
			if !got.present {
				t.Errorf("got present false, want true")
			}
			if diff := cmp.Diff(c.value(), got.value); diff != "" {
				t.Errorf("value mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOlderStyleTableParse reads the forms that the OpenAPI 3.0 and 3.1.0
// style tables showed where they differ from 3.1.1: bare pipes and
// brackets in queries. Their dotted non-exploded label forms are read as
// 3.1.1 reads them, which TestLabelDottedForm covers.
func TestOlderStyleTableParse(t *testing.T) {
	tests := []wireCase{
		{name: "pipe array", spec: Spec{Name: "color", In: InQuery, Style: PipeDelimited}, shape: arrayShape,
			wire: "color=blue|black|brown", want: colorArray, present: true},
		{name: "deep object", spec: Spec{Name: "color", In: InQuery, Style: DeepObject}, shape: objectShape,
			wire: "color[R]=100&color[G]=200&color[B]=150", want: colorObject, present: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkWire(t, tt) })
	}
}

// TestLabelDottedForm reads the exploded label form sent for a
// non-exploded parameter. Only commas separate its items, so a dot stays
// inside an item, as RFC 6570 leaves it bare there.
func TestLabelDottedForm(t *testing.T) {
	label := Spec{Name: "color", In: InPath, Style: Label}
	tests := []wireCase{
		{name: "integers", spec: label, shape: arrayShape,
			wire: ".1.2", want: []string{"1.2"}, present: true},
		{name: "strings", spec: label, shape: arrayShape,
			wire: ".blue.black.brown", want: []string{"blue.black.brown"}, present: true},
		{name: "comma form", spec: label, shape: arrayShape,
			wire: ".1,2", want: []string{"1", "2"}, present: true},
		{name: "object", spec: label, shape: objectShape, wire: ".R.100.G.200.B.150",
			want: []Property(nil), err: `path parameter "color": odd number of names and values in "R.100.G.200.B.150"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkWire(t, tt) })
	}
}

// TestLabelDottedIntegers converts the dotted form of an integer array,
// which must fail so that a server responds with 400.
func TestLabelDottedIntegers(t *testing.T) {
	spec := &Spec{Name: "color", In: InPath, Style: Label}
	got := parseWire(t, spec, arrayShape, ".1.2")
	if got.err != nil {
		t.Fatalf("got error %v, want nil", got.err)
	}
	var ids []int64
	err := spec.SetItems(got.value.([]string), &ids)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("got error %v, want an *Error", err)
	}
	if want := `path parameter "color": invalid integer "1.2" at index 0`; err.Error() != want {
		t.Errorf("got error %q, want %q", err, want)
	}
}

// TestStyleTableEmptyString covers the "empty" column: the empty string
// as a primitive. In a path, its simple and label forms are rejected,
// because ServeMux routes no empty segment and no "." segment.
func TestStyleTableEmptyString(t *testing.T) {
	tests := []struct {
		in    Location
		style Style
		wire  string
	}{
		{InPath, Matrix, ";color"},
		{InQuery, Form, "color="},
		{InHeader, Simple, ""},
		{InCookie, Form, "color="},
	}
	for _, tt := range tests {
		for _, explode := range []bool{false, true} {
			spec := &Spec{Name: "color", In: tt.in, Style: tt.style, Explode: explode}
			t.Run(fmt.Sprintf("%s/%s/explode=%t", tt.in, tt.style, explode), func(t *testing.T) {
				got, err := spec.AppendPrimitive(nil, "")
				if err != nil || string(got) != tt.wire {
					t.Errorf("got %q, %v, want %q, nil", got, err, tt.wire)
				}
				p := parseWire(t, spec, primitiveShape, tt.wire)
				if p.err != nil || !p.present || p.value != "" {
					t.Errorf("got %q, %t, %v, want \"\", true, nil", p.value, p.present, p.err)
				}
			})
		}
	}
}

// TestLabelEmptyWithoutServeMux parses the "." segment that ServeMux
// cleans away, as a router that keeps it would pass it.
func TestLabelEmptyWithoutServeMux(t *testing.T) {
	spec := &Spec{Name: "color", In: InPath, Style: Label}
	r := httptest.NewRequest(http.MethodGet, "/items/x", nil)
	r.SetPathValue("color", ".")
	got, present, err := spec.Primitive(r)
	if err != nil || !present || got != "" {
		t.Errorf("got %q, %t, %v, want \"\", true, nil", got, present, err)
	}
}

// TestDotSegmentNotRouted shows why the doc warns about the label form of
// an empty value: ServeMux redirects instead of calling the handler.
func TestDotSegmentNotRouted(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc(pathPattern, func(http.ResponseWriter, *http.Request) {
		t.Error("got a handler call for a dot segment, want none")
	})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/items/.", nil))
	if rec.Code == http.StatusOK {
		t.Errorf("got status %d, want a redirect or 404", rec.Code)
	}
}
