package params

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestMalformedWire checks the error for each kind of bad request text.
func TestMalformedWire(t *testing.T) {
	label := Spec{Name: "color", In: InPath, Style: Label}
	matrix := Spec{Name: "color", In: InPath, Style: Matrix}
	matrixExploded := Spec{Name: "color", In: InPath, Style: Matrix, Explode: true}
	deep := Spec{Name: "color", In: InQuery, Style: DeepObject}
	tests := []wireCase{
		{
			name: "label without prefix", spec: label, shape: primitiveShape, wire: "blue",
			want: "", err: `path parameter "color": missing "." prefix in "blue"`,
		},
		{
			name: "label array without prefix", spec: label, shape: arrayShape, wire: "a,b",
			want: []string(nil), err: `path parameter "color": missing "." prefix in "a,b"`,
		},
		{
			name: "matrix without prefix", spec: matrix, shape: primitiveShape, wire: "color=blue",
			want: "", err: `path parameter "color": missing ";" prefix in "color=blue"`,
		},
		{
			name: "matrix prefix only", spec: matrix, shape: primitiveShape, wire: ";",
			want: "", err: `path parameter "color": wrong matrix parameter name in ";"`,
		},
		{
			name: "matrix truncated name", spec: matrix, shape: arrayShape, wire: ";colo=a,b",
			want: []string(nil), err: `path parameter "color": wrong matrix parameter name in ";colo=a,b"`,
		},
		{
			name: "matrix exploded foreign name", spec: matrixExploded, shape: arrayShape,
			wire: ";color=a;other=b", want: []string(nil),
			err: `path parameter "color": wrong matrix parameter name in "other=b"`,
		},
		{
			name: "odd object list", spec: pathSimple, shape: objectShape, wire: "R,100,G",
			want: []Property(nil), err: `path parameter "color": odd number of names and values in "R,100,G"`,
		},
		{
			name: "duplicate property", spec: pathSimple, shape: objectShape, wire: "R,1,G,2,R,3",
			want: []Property(nil), err: `path parameter "color": duplicate property "R"`,
		},
		{
			name: "exploded property without equals sign", shape: objectShape,
			spec: Spec{Name: "color", In: InPath, Explode: true}, wire: "R=100,G",
			want: []Property(nil), err: `path parameter "color": missing "=" in property "G"`,
		},
		{
			name: "repeated query parameter", spec: querySpec, shape: primitiveShape,
			wire: "color=a&color=b", want: "", err: `query parameter "color": repeated in the query`,
		},
		{
			name: "repeated non-exploded array", spec: querySpec, shape: arrayShape,
			wire: "color=a,b&color=c", want: []string(nil), err: `query parameter "color": repeated in the query`,
		},
		{
			name: "bad escape", spec: querySpec, shape: primitiveShape, wire: "color=a%zz",
			want: "", err: `query parameter "color": invalid percent-encoding in "a%zz"`,
		},
		{
			name: "bad escape in item", spec: queryExploded, shape: arrayShape, wire: "color=a&color=%e",
			want: []string(nil), err: `query parameter "color": invalid percent-encoding in "%e"`,
		},
		{
			name: "deep object duplicate", spec: deep, shape: objectShape, wire: "color[R]=1&color%5BR%5D=2",
			want: []Property(nil), err: `query parameter "color": duplicate property "R"`,
		},
		{
			name: "deep object nested", spec: deep, shape: objectShape, wire: "color[a][b]=1",
			want: []Property(nil), err: `query parameter "color": nested property in key "color[a][b]"`,
		},
		{
			name: "deep object unterminated", spec: deep, shape: objectShape, wire: "color[a=1",
			want: []Property(nil), err: `query parameter "color": missing "]" in key "color[a"`,
		},
		{
			name: "deep object empty property", spec: deep, shape: objectShape, wire: "color[]=1",
			want: []Property(nil), err: `query parameter "color": empty property name in key "color[]"`,
		},
		{
			name: "exploded object bad key escape", shape: objectShape, wire: "R=1&%zz=2",
			spec: Spec{Name: "color", In: InQuery, Explode: true},
			want: []Property(nil), err: `query parameter "color": invalid percent-encoding in "%zz"`,
		},
		{
			name: "deep object ignores other keys", spec: deep, shape: objectShape, wire: "colors[a]=1&colour=2",
			want: []Property(nil),
		},
		{
			name: "deep object plain name", spec: deep, shape: objectShape, wire: "color=true",
			want: []Property(nil), err: `query parameter "color": must be sent as color[property]=value, not "color=true"`,
		},
		{
			name: "deep object plain name beside properties", spec: deep, shape: objectShape, wire: "color[a]=1&color=2",
			want: []Property(nil), err: `query parameter "color": must be sent as color[property]=value, not "color=2"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkWire(t, tt) })
	}
}

// TestRepeatedHeader checks that a primitive header must have one line
// and that list headers join their lines.
func TestRepeatedHeader(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Add("Color", "a,b")
	r.Header.Add("Color", "c")

	value, present, err := headerSpec.Primitive(r)
	checkParsed(t, parsed{value, present, err}, "", false, `header parameter "color": repeated in the header`)

	items, present, err := headerSpec.Array(r)
	checkParsed(t, parsed{items, present, err}, []string{"a", "b", "c"}, true, "")
}

// TestUnsupportedSpecs checks that each invalid Spec fails the same way
// in Validate, in the read methods and in the append methods.
func TestUnsupportedSpecs(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		shape shape
		want  string
	}{
		{"empty name", Spec{In: InQuery}, primitiveShape, `query parameter "": empty parameter name`},
		{"unknown location", Spec{Name: "color", In: "body"}, primitiveShape,
			`body parameter "color": unknown location "body"`},
		{"matrix in query", Spec{Name: "color", In: InQuery, Style: Matrix}, arrayShape,
			`query parameter "color": style "matrix" is not defined for query parameters`},
		{"form in header", Spec{Name: "color", In: InHeader, Style: Form}, arrayShape,
			`header parameter "color": style "form" is not defined for header parameters`},
		{"deep object in cookie", Spec{Name: "color", In: InCookie, Style: DeepObject}, objectShape,
			`cookie parameter "color": style "deepObject" is not defined for cookie parameters`},
		{"unknown style", Spec{Name: "color", In: InPath, Style: "tabDelimited"}, arrayShape,
			`path parameter "color": style "tabDelimited" is not defined for path parameters`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkUnsupported(t, "Validate", tt.spec.Validate(), tt.want)
			got := parseWire(t, &tt.spec, tt.shape, "color=x")
			checkUnsupported(t, "read", got.err, tt.want)
			value := [...]any{"x", []string{"x"}, []Property{{"a", "b"}}}[tt.shape]
			_, err := appendShape(&tt.spec, tt.shape, value)
			checkUnsupported(t, "append", err, tt.want)
		})
	}
}

// TestUnsupportedShapes checks the shapes that DeepObject cannot carry.
func TestUnsupportedShapes(t *testing.T) {
	deep := Spec{Name: "color", In: InQuery, Style: DeepObject}
	if err := deep.Validate(); err != nil {
		t.Fatalf("got Validate error %v, want nil", err)
	}
	for _, sh := range []shape{primitiveShape, arrayShape} {
		t.Run(sh.String(), func(t *testing.T) {
			want := `query parameter "color": style "deepObject" cannot carry ` + sh.String() + ` values`
			got := parseWire(t, &deep, sh, "color[a]=1")
			checkUnsupported(t, "read", got.err, want)
			value := [...]any{"x", []string{"x"}}[sh]
			_, err := appendShape(&deep, sh, value)
			checkUnsupported(t, "append", err, want)
		})
	}
}

// checkUnsupported checks that err has message want and wraps
// ErrUnsupported.
func checkUnsupported(t *testing.T, step string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got nil error, want %q", step, want)
		return
	}
	if err.Error() != want {
		t.Errorf("%s: got error %q, want %q", step, err, want)
	}
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("%s: got error %v, want one that wraps ErrUnsupported", step, err)
	}
}

// TestInvalidHeaderValue checks that a control character is rejected and
// leaves dst as it was.
func TestInvalidHeaderValue(t *testing.T) {
	dst := []byte("keep")
	got, err := headerSpec.AppendArray(dst, []string{"a", "b\r\nX-Evil: 1"})
	want := `header parameter "color": control character in header value "a,b\r\nX-Evil: 1"`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
	if string(got) != "keep" {
		t.Errorf("got dst %q, want %q", got, "keep")
	}
}

// TestMissing checks the error for an absent required parameter.
func TestMissing(t *testing.T) {
	err := querySpec.Missing()
	if got, want := err.Error(), `query parameter "color": missing`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(err, ErrMissing) {
		t.Errorf("got %v, want an error that wraps ErrMissing", err)
	}
}

// TestErrorQuoteCut checks that long values are cut in messages.
func TestErrorQuoteCut(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes
	_, err := querySpec.ParseInt64(long)
	want := `query parameter "color": invalid integer "` + strings.Repeat("é", 32) + `"...`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if !errors.Is(err, strconv.ErrSyntax) {
		t.Errorf("got %v, want an error that wraps strconv.ErrSyntax", err)
	}
}
