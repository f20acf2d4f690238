package params

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wireCase is a wire text and what one of the read methods returns for it.
type wireCase struct {
	name    string
	spec    Spec
	shape   shape
	wire    string
	want    any
	present bool
	err     string
}

// checkWire parses c.wire through a ServeMux and compares the outcome.
func checkWire(t *testing.T, c wireCase) {
	t.Helper()
	got := parseWire(t, &c.spec, c.shape, c.wire)
	checkParsed(t, got, c.want, c.present, c.err)
}

// checkParsed compares a read method's outcome with the expected value,
// presence and error message.
func checkParsed(t *testing.T, got parsed, want any, present bool, wantErr string) {
	t.Helper()
	gotErr := ""
	if got.err != nil {
		gotErr = got.err.Error()
	}
	if gotErr != wantErr {
		t.Errorf("got error %q, want %q", gotErr, wantErr)
	}
	if got.present != present {
		t.Errorf("got present %t, want %t", got.present, present)
	}
	if diff := cmp.Diff(want, got.value); diff != "" {
		t.Errorf("value mismatch (-want +got):\n%s", diff)
	}
}

var (
	pathSimple    = Spec{Name: "color", In: InPath}
	querySpec     = Spec{Name: "color", In: InQuery}
	queryExploded = Spec{Name: "color", In: InQuery, Explode: true}
	headerSpec    = Spec{Name: "color", In: InHeader}
)

// TestAmbiguousWireForms pins what the parser returns for the wire forms
// that the package documentation lists as ambiguous.
func TestAmbiguousWireForms(t *testing.T) {
	tests := []wireCase{
		{
			name: "single item with escaped separator is split", spec: pathSimple, shape: arrayShape,
			wire: "a%2Cb", want: []string{"a", "b"}, present: true,
		},
		{
			name: "escaped separator kept beside a bare one", spec: pathSimple, shape: arrayShape,
			wire: "a%2Cb,c", want: []string{"a,b", "c"}, present: true,
		},
		{
			name: "fully encoded query list is split", spec: querySpec, shape: arrayShape,
			wire: "color=a%2Cb%2Cc", want: []string{"a", "b", "c"}, present: true,
		},
		{
			name: "RFC 6570 query list keeps escaped comma", spec: querySpec, shape: arrayShape,
			wire: "color=a%2Cb,c", want: []string{"a,b", "c"}, present: true,
		},
		{
			name: "single exploded property with escaped separator", shape: objectShape,
			spec: Spec{Name: "color", In: InPath, Explode: true},
			wire: "a=b%2Cc", want: []Property(nil),
			err: `path parameter "color": missing "=" in property "c"`,
		},
		{
			name: "space inside spaceDelimited item", shape: arrayShape,
			spec: Spec{Name: "color", In: InQuery, Style: SpaceDelimited},
			wire: "color=a%20b%20c", want: []string{"a", "b", "c"}, present: true,
		},
		{
			name: "plus in spaceDelimited is a separator", shape: arrayShape,
			spec: Spec{Name: "color", In: InQuery, Style: SpaceDelimited},
			wire: "color=a+b", want: []string{"a", "b"}, present: true,
		},
		{
			name: "bare pipe does not protect escaped pipe", shape: arrayShape,
			spec: Spec{Name: "color", In: InQuery, Style: PipeDelimited},
			wire: "color=a|b%7Cc", want: []string{"a", "b", "c"}, present: true,
		},
		{
			name: "comma inside header items", spec: headerSpec, shape: arrayShape,
			wire: "a,b , c", want: []string{"a", "b", "c"}, present: true,
		},
		{
			name: "equals sign in exploded header property", shape: objectShape,
			spec: Spec{Name: "color", In: InHeader, Explode: true},
			wire: "a=b=c, d=", want: []Property{{"a", "b=c"}, {"d", ""}}, present: true,
		},
		{
			name: "one empty item reads as empty array", spec: querySpec, shape: arrayShape,
			wire: "color=", want: []string{}, present: true,
		},
		{
			name: "exploded empty item stays", spec: queryExploded, shape: arrayShape,
			wire: "color=", want: []string{""}, present: true,
		},
		{
			name: "exploded array absent", spec: queryExploded, shape: arrayShape,
			wire: "other=1", want: []string(nil),
		},
		{
			name: "matrix exploded property name with equals sign", shape: objectShape,
			spec: Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			wire: ";k%3Dx;a=b", want: []Property{{"k=x", ""}, {"a", "b"}}, present: true,
		},
		{
			name: "exploded matrix empty array", shape: arrayShape,
			spec: Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			wire: ";", want: []string{}, present: true,
		},
		{
			name: "exploded matrix empty object", shape: objectShape,
			spec: Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			wire: ";", want: []Property{}, present: true,
		},
		{
			name: "exploded label item that is a dot", shape: arrayShape,
			spec: Spec{Name: "color", In: InPath, Style: Label, Explode: true},
			wire: ".%2E.", want: []string{".", ""}, present: true,
		},
		{
			name: "segment decoded once", spec: pathSimple, shape: primitiveShape,
			wire: "%2541", want: "%41", present: true,
		},
		{
			name: "encoded dot segment", spec: pathSimple, shape: primitiveShape,
			wire: "%2E%2E", want: "..", present: true,
		},
		{
			name: "reserved expansion decodes triples", shape: primitiveShape,
			spec: Spec{Name: "color", In: InQuery, AllowReserved: true},
			wire: "color=%41/b", want: "A/b", present: true,
		},
		{
			name: "quoted cookie value", spec: Spec{Name: "color", In: InCookie}, shape: arrayShape,
			wire: `other=1; color="a,b"`, want: []string{"a", "b"}, present: true,
		},
		{
			name: "first cookie of a name wins", spec: Spec{Name: "color", In: InCookie}, shape: primitiveShape,
			wire: "color=a; color=b", want: "a", present: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkWire(t, tt) })
	}
}

// TestPathWithoutPattern reads a path value as routers other than
// ServeMux pass it: decoded, so an escaped separator is lost.
func TestPathWithoutPattern(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  []string
	}{
		{"plain list", "a,b", []string{"a", "b"}},
		{"decoded comma splits", "a,b,c", []string{"a", "b", "c"}},
		{"percent sign kept", "%41,b", []string{"%41", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/items/x", nil)
			r.SetPathValue("color", tt.value)
			got, present, err := pathSimple.Array(r)
			if err != nil || !present {
				t.Fatalf("got present %t, error %v, want true, nil", present, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("items mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPathPatternMismatch checks that a pattern whose segment does not
// decode to the path value is not trusted.
func TestPathPatternMismatch(t *testing.T) {
	spec := pathSimple
	routed(t, placeWire(&spec, "a%2Cb,c"), func(r *http.Request) {
		r.SetPathValue("color", "x,y")
		got, _, err := spec.Array(r)
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		if diff := cmp.Diff([]string{"x", "y"}, got); diff != "" {
			t.Errorf("items mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestRawPathValue covers the lookup of a wildcard's escaped segment in a
// ServeMux pattern.
func TestRawPathValue(t *testing.T) {
	tests := []struct {
		pattern, path, name string
		want                string
		found               bool
	}{
		{"GET /items/{color}", "/items/a%2Cb", "color", "a%2Cb", true},
		{"/a/{x}/b/{color}", "/a/1/b/2", "color", "2", true},
		{"GET example.com/a/{x}", "/a/%2F", "x", "%2F", true},
		{"/files/{path...}", "/files/a/b%2Fc", "path", "a/b%2Fc", true},
		{"/a/{x}", "/a/1", "y", "", false},
		{"/a/{x}/{y}", "/a/1", "y", "", false},
		{"", "/a/1", "x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.name, func(t *testing.T) {
			got, found := rawPathValue(tt.pattern, tt.path, tt.name)
			if got != tt.want || found != tt.found {
				t.Errorf("got %q, %t, want %q, %t", got, found, tt.want, tt.found)
			}
		})
	}
}

// TestExplodedFormObjectSelection covers Properties and Exclude.
func TestExplodedFormObjectSelection(t *testing.T) {
	const wire = "R=100&limit=5&G=200"
	tests := []wireCase{
		{
			name: "properties", shape: objectShape, wire: wire, present: true,
			spec: Spec{Name: "color", In: InQuery, Explode: true, Properties: []string{"R", "G", "B"}},
			want: []Property{{"R", "100"}, {"G", "200"}},
		},
		{
			name: "exclude", shape: objectShape, wire: wire, present: true,
			spec: Spec{Name: "color", In: InQuery, Explode: true, Exclude: []string{"limit"}},
			want: []Property{{"R", "100"}, {"G", "200"}},
		},
		{
			name: "every key", shape: objectShape, wire: wire, present: true,
			spec: Spec{Name: "color", In: InQuery, Explode: true},
			want: []Property{{"R", "100"}, {"limit", "5"}, {"G", "200"}},
		},
		{
			name: "none selected", shape: objectShape, wire: "limit=5",
			spec: Spec{Name: "color", In: InQuery, Explode: true, Properties: []string{"R"}},
			want: []Property(nil),
		},
		{
			name: "cookies", shape: objectShape, wire: "R=100; session=x; G=200", present: true,
			spec: Spec{Name: "color", In: InCookie, Explode: true, Exclude: []string{"session"}},
			want: []Property{{"R", "100"}, {"G", "200"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkWire(t, tt) })
	}
}

// TestSerialiseEdgeCases covers wire forms that the style table does not
// show.
func TestSerialiseEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		shape shape
		value any
		want  string
	}{
		{"simple dot segment", pathSimple, primitiveShape, ".", "%2E"},
		{"simple dot-dot segment", pathSimple, arrayShape, []string{".."}, "%2E%2E"},
		{"label escapes dot", Spec{Name: "color", In: InPath, Style: Label, Explode: true}, arrayShape,
			[]string{"a.b", "c"}, ".a%2Eb.c"},
		{"empty matrix array", Spec{Name: "color", In: InPath, Style: Matrix}, arrayShape, []string{}, ";color"},
		{"empty exploded matrix array", Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			arrayShape, []string{}, ";"},
		{"empty exploded matrix object", Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			objectShape, []Property{}, ";"},
		{"matrix exploded empty item", Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			arrayShape, []string{"", "a"}, ";color;color=a"},
		{"matrix exploded empty value", Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			objectShape, []Property{{"R", ""}, {"G", "1"}}, ";R;G=1"},
		{"empty form array", querySpec, arrayShape, []string{}, "color="},
		{"empty exploded form array", queryExploded, arrayShape, []string{}, ""},
		{"empty deep object", Spec{Name: "color", In: InQuery, Style: DeepObject}, objectShape,
			[]Property{}, ""},
		{"query escaping", querySpec, primitiveShape, "a b+c&d=e/é", "color=a%20b%2Bc%26d%3De%2F%C3%A9"},
		{"reserved expansion", Spec{Name: "color", In: InQuery, AllowReserved: true}, primitiveShape,
			"a/b?c:d,e;f&g=h+i#j[k]%41%zz", "color=a/b?c:d,e%3Bf%26g%3Dh%2Bi%23j%5Bk%5D%41%25zz"},
		{"reserved expansion keeps comma", Spec{Name: "color", In: InQuery, AllowReserved: true}, arrayShape,
			[]string{"a,b", "c"}, "color=a,b,c"},
		{"escaped name", Spec{Name: "❤", In: InQuery}, primitiveShape, "x", "%E2%9D%A4=x"},
		{"matrix exploded empty name and value", Spec{Name: "color", In: InPath, Style: Matrix, Explode: true},
			objectShape, []Property{{"", ""}, {"a", ""}}, ";=;a"},
		{"header unescaped", headerSpec, primitiveShape, "a b,é%", "a b,é%"},
		{"cookie escaping", Spec{Name: "color", In: InCookie}, primitiveShape, `a;b "c"`, "color=a%3Bb%20%22c%22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendShape(&tt.spec, tt.shape, tt.value)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q, nil", got, err, tt.want)
			}
		})
	}
}

// TestAppendSeparators checks that several parameters share one query
// string or one Cookie header.
func TestAppendSeparators(t *testing.T) {
	limit := Spec{Name: "limit", In: InQuery}
	q, _ := limit.AppendPrimitive(nil, "5")
	q, _ = queryExploded.AppendArray(q, []string{"a?", "b"})
	if got, want := string(q), "limit=5&color=a%3F&color=b"; got != want {
		t.Errorf("got query %q, want %q", got, want)
	}

	session := Spec{Name: "session", In: InCookie}
	c, _ := session.AppendPrimitive(nil, "x")
	c, _ = (&Spec{Name: "color", In: InCookie, Explode: true}).AppendArray(c, []string{"a", "b"})
	if got, want := string(c), "session=x; color=a; color=b"; got != want {
		t.Errorf("got cookie header %q, want %q", got, want)
	}
}
