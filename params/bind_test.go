package params

import (
	"reflect"
	"testing"
	"time"
)

type color string

type filter struct {
	Color *color  `json:"color,omitempty"`
	Size  int64   `json:"size"`
	Ratio float64 `json:"ratio"`
	Skip  string  `json:"-"`
}

func TestSetConvertsPrimitives(t *testing.T) {
	s := &Spec{Name: "p", In: InQuery}
	var (
		i32  int32
		i64p *int64
		f    float32
		b    bool
		c    color
		ts   time.Time
		raw  []byte
		anyv any
	)
	cases := []struct {
		text string
		dst  any
		want any
	}{
		{"-12", &i32, int32(-12)},
		{"9007199254740993", &i64p, int64(9007199254740993)},
		{"1.5", &f, float32(1.5)},
		{"true", &b, true},
		{"red", &c, color("red")},
		{"2026-12-04T10:00:00Z", &ts, time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)},
		{"aGk=", &raw, []byte("hi")},
		{"free text", &anyv, "free text"},
	}
	for _, c := range cases {
		if err := s.Set(c.text, c.dst); err != nil {
			t.Errorf("Set(%q): %v", c.text, err)
			continue
		}
		got := reflect.ValueOf(c.dst).Elem()
		if got.Kind() == reflect.Pointer {
			got = got.Elem()
		}
		if !reflect.DeepEqual(got.Interface(), c.want) {
			t.Errorf("Set(%q) = %#v, want %#v", c.text, got.Interface(), c.want)
		}
	}
}

func TestSetRejectsBadText(t *testing.T) {
	s := &Spec{Name: "limit", In: InQuery}
	var i int32
	var b bool
	for _, c := range []struct {
		text string
		dst  any
	}{{"12x", &i}, {"99999999999", &i}, {"yes", &b}} {
		err := s.Set(c.text, c.dst)
		var pe *Error
		if err == nil || !asError(err, &pe) || pe.Name != "limit" {
			t.Errorf("Set(%q): got %v, want a *params.Error naming limit", c.text, err)
		}
	}
}

func asError(err error, target **Error) bool {
	for err != nil {
		if e, ok := err.(*Error); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestSetItemsAndObject(t *testing.T) {
	s := &Spec{Name: "p", In: InQuery}
	var ids []int64
	if err := s.SetItems([]string{"1", "2"}, &ids); err != nil || !reflect.DeepEqual(ids, []int64{1, 2}) {
		t.Errorf("SetItems: %v, %v", ids, err)
	}
	if err := s.SetItems([]string{"1", "x"}, &ids); err == nil {
		t.Errorf("SetItems accepted a bad item")
	}
	var f *filter
	props := []Property{{"color", "red"}, {"size", "3"}, {"ratio", "0.5"}, {"unknown", "z"}, {"Skip", "no"}}
	if err := s.SetObject(props, &f); err != nil {
		t.Fatal(err)
	}
	if f == nil || f.Color == nil || *f.Color != "red" || f.Size != 3 || f.Ratio != 0.5 || f.Skip != "" {
		t.Errorf("SetObject = %+v", f)
	}
	var m map[string]int
	if err := s.SetObject([]Property{{"a", "1"}}, &m); err != nil || m["a"] != 1 {
		t.Errorf("SetObject into map = %v, %v", m, err)
	}
}

// openObject has the shape of a generated type for an object schema
// with additionalProperties.
type openObject struct {
	Size                 int64            `json:"size"`
	AdditionalProperties map[string]int64 `json:"-"`
}

func TestObjectAdditionalProperties(t *testing.T) {
	s := &Spec{Name: "p", In: InQuery}
	var o openObject
	if err := s.SetObject([]Property{{"size", "1"}, {"b", "3"}, {"a", "2"}}, &o); err != nil {
		t.Fatal(err)
	}
	want := openObject{Size: 1, AdditionalProperties: map[string]int64{"a": 2, "b": 3}}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("SetObject = %+v, want %+v", o, want)
	}
	if err := s.SetObject([]Property{{"c", "x"}}, &o); err == nil {
		t.Errorf("SetObject accepted an additional property of the wrong type")
	}
	got := Properties(want)
	if w := []Property{{"size", "1"}, {"a", "2"}, {"b", "3"}}; !reflect.DeepEqual(got, w) {
		t.Errorf("Properties = %v, want %v", got, w)
	}
}

func TestFormatRoundTrips(t *testing.T) {
	c := color("blue")
	cases := []struct {
		v    any
		want string
	}{
		{int32(-3), "-3"},
		{&c, "blue"},
		{(*int64)(nil), ""},
		{1.25, "1.25"},
		{true, "true"},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02T03:04:05Z"},
		{[]byte("hi"), "aGk="},
	}
	for _, tc := range cases {
		if got := Format(tc.v); got != tc.want {
			t.Errorf("Format(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
	if got := FormatAll([]int{1, 2}); !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("FormatAll = %v", got)
	}
	got := Properties(&filter{Color: &c, Size: 2})
	want := []Property{{"color", "blue"}, {"size", "2"}, {"ratio", "0"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Properties = %v, want %v", got, want)
	}
}

func TestSetFailureLeavesPointerNil(t *testing.T) {
	s := &Spec{Name: "when", In: InQuery, Style: Form, Explode: true}
	var when *time.Time
	if err := s.Set("not-a-date", &when); err == nil {
		t.Fatal("Set accepted not-a-date as a date-time")
	}
	if when != nil {
		t.Errorf("after a failed Set the pointer is %v, want nil", when)
	}
	var n *int32
	if err := s.Set("12", &n); err != nil || n == nil || *n != 12 {
		t.Errorf("Set(12) = %v, %v", n, err)
	}
}
