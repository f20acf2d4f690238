package params

import (
	"errors"
	"testing"
)

// TestExplodeMismatch sends values in the form of the other explode
// setting and checks that the parser rejects them where the form shows
// the mistake, and reads the look-alike values that are legitimate.
func TestExplodeMismatch(t *testing.T) {
	simple := Spec{Name: "color", In: InPath}
	label := Spec{Name: "color", In: InPath, Style: Label}
	matrix := Spec{Name: "color", In: InPath, Style: Matrix}
	closed := Spec{Name: "point", In: InQuery, Explode: true, Properties: []string{"x", "y"}}
	open := Spec{Name: "point", In: InQuery, Explode: true, Exclude: []string{"limit"}}
	tests := []wireCase{
		{
			name: "simple object as assignments", spec: simple, shape: objectShape, wire: "R=100,G=200",
			want: []Property(nil),
			err:  `path parameter "color": explode is false, so send names and values separated by ",", not name=value pairs, in "R=100,G=200"`,
		},
		{
			name: "simple object value with equals sign", spec: simple, shape: objectShape, wire: "q,a=b",
			want: []Property{{"q", "a=b"}}, present: true,
		},
		{
			name: "simple object escaped equals sign", spec: simple, shape: objectShape, wire: "a%3Db,c",
			want: []Property{{"a=b", "c"}}, present: true,
		},
		{
			name: "label object as assignments", spec: label, shape: objectShape, wire: ".R=100,G=200",
			want: []Property(nil),
			err:  `path parameter "color": explode is false, so send names and values separated by ",", not name=value pairs, in "R=100,G=200"`,
		},
		{
			name: "matrix array repeated", spec: matrix, shape: arrayShape, wire: ";color=a;color=b",
			want: []string(nil),
			err:  `path parameter "color": explode is false, so send one ";color=" with the items separated by ",", not ";color=a;color=b"`,
		},
		{
			name: "matrix object repeated", spec: matrix, shape: objectShape, wire: ";color=R,1;color=G,2",
			want: []Property(nil),
			err:  `path parameter "color": explode is false, so send one ";color=" with the items separated by ",", not ";color=R,1;color=G,2"`,
		},
		{
			name: "matrix array escaped semicolon", spec: matrix, shape: arrayShape, wire: ";color=a%3Bb,c",
			want: []string{"a;b", "c"}, present: true,
		},
		{
			name: "exploded form object as one value", spec: closed, shape: objectShape, wire: "point=x,1,y,2",
			want: []Property(nil),
			err:  `query parameter "point": explode is true, so send each property as its own query key, such as property=value, not "point=x,1,y,2"`,
		},
		{
			name: "exploded form object properties", spec: closed, shape: objectShape, wire: "x=1&y=2&limit=3",
			want: []Property{{"x", "1"}, {"y", "2"}}, present: true,
		},
		{
			name: "open form object property named like it", spec: open, shape: objectShape, wire: "point=1&limit=3",
			want: []Property{{"point", "1"}}, present: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkWire(t, tt) })
	}
}

// TestEmptySegmentRejected checks that the Append methods refuse the path
// values whose wire form no route matches, and name the parameter.
func TestEmptySegmentRejected(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		shape shape
		value any
	}{
		{"simple empty string", Spec{Name: "id", In: InPath}, primitiveShape, ""},
		{"simple empty array", Spec{Name: "id", In: InPath}, arrayShape, []string{}},
		{"simple array of empty item", Spec{Name: "id", In: InPath}, arrayShape, []string{""}},
		{"simple empty object", Spec{Name: "id", In: InPath, Explode: true}, objectShape, []Property{}},
		{"label empty string", Spec{Name: "id", In: InPath, Style: Label}, primitiveShape, ""},
		{"label empty array", Spec{Name: "id", In: InPath, Style: Label}, arrayShape, []string{}},
		{"label empty object", Spec{Name: "id", In: InPath, Style: Label}, objectShape, []Property{}},
		{"exploded label two empty items", Spec{Name: "id", In: InPath, Style: Label, Explode: true},
			arrayShape, []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendShape(&tt.spec, tt.shape, tt.value)
			if !errors.Is(err, ErrEmptySegment) {
				t.Fatalf("got %q, %v, want an error wrapping ErrEmptySegment", got, err)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Name != "id" || pe.In != InPath {
				t.Errorf("got error %#v, want an *Error naming path parameter id", err)
			}
		})
	}
}

// TestEmptyValuesRouted checks the empty path values whose wire form is a
// routable segment, which the Append methods must keep writing.
func TestEmptyValuesRouted(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		shape shape
		value any
		want  string
	}{
		{"matrix empty string", Spec{Name: "id", In: InPath, Style: Matrix}, primitiveShape, "", ";id"},
		{"matrix empty array", Spec{Name: "id", In: InPath, Style: Matrix}, arrayShape, []string{}, ";id"},
		{"exploded matrix empty array", Spec{Name: "id", In: InPath, Style: Matrix, Explode: true},
			arrayShape, []string{}, ";"},
		{"exploded label three empty items", Spec{Name: "id", In: InPath, Style: Label, Explode: true},
			arrayShape, []string{"", "", ""}, "..."},
		{"simple dot", Spec{Name: "id", In: InPath}, primitiveShape, ".", "%2E"},
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
