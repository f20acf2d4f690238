package oas

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestObjectScan(t *testing.T) {
	// Properties a and b are required, b and c must not be null.
	o := NewObject([]string{"a", "b", "c"}, []int{0, 1}, []int{1, 2}, true)
	tests := []struct {
		name string
		data string
		want Errors
	}{
		{"all present", `{"a": 1, "b": 2, "c": 3}`, nil},
		{"nullable null", `{"a": null, "b": 2}`, nil},
		{"missing required", `{"b": 2}`, Errors{{"/a", "is required"}}},
		{"null required", `{"a": 1, "b": null}`, Errors{{"/b", "must not be null"}}},
		{"null with spaces", "{\"a\": 1, \"b\" :\n null\t}", Errors{{"/b", "must not be null"}}},
		{"null optional", `{"a": 1, "b": 2, "c": null}`, Errors{{"/c", "must not be null"}}},
		{"string null", `{"a": 1, "b": "null"}`, nil},
		{"escaped name", `{"a": 1, "\u0062": null}`, Errors{{"/b", "must not be null"}}},
		{
			"null, missing and unknown", `{"c": null, "d": {}}`,
			Errors{{"/c", "must not be null"}, {"/a", "is required"}, {"/b", "is required"}, {"/d", "is not allowed: the object is closed (additionalProperties is false)"}},
		},
		{"not an object", `null`, Errors{{"", "must be an object, not null"}}},
		{"repeated member", `{"a": 1, "b": 2, "a": 3}`, Errors{{"/a", "appears more than once; send each member once"}}},
		{"repeated escaped member", `{"a": 1, "b": 2, "\u0061": 3}`, Errors{{"/a", "appears more than once; send each member once"}}},
		{
			"every unknown member", `{"a": 1, "b": 2, "x": 1, "y": 2}`,
			Errors{{"/x", "is not allowed: the object is closed (additionalProperties is false)"}, {"/y", "is not allowed: the object is closed (additionalProperties is false)"}},
		},
		{
			"repeated unknown member", `{"a": 1, "b": 2, "x": 1, "x": 2}`,
			Errors{{"/x", "is not allowed: the object is closed (additionalProperties is false)"}},
		},
		{
			"letter case only", `{"a": 1, "b": 2, "B": 3}`,
			Errors{{"/B", `differs from the property "b" only in letter case; send the exact name`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Errors
			o.Check("", o.Scan([]byte(tt.data)), &got, AnyDirection)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check after Scan(%s) = %v, want %v", tt.data, got, tt.want)
			}
		})
	}
}

func TestObjectScanNoAllocations(t *testing.T) {
	o := NewObject([]string{"id", "name", "tags"}, []int{0, 1}, []int{0, 1}, false)
	data := []byte(`{"id": 7, "name": "Rex", "tags": ["a", "b"], "extra": {"x": null}}`)
	allocs := testing.AllocsPerRun(100, func() {
		if r := o.Scan(data); len(r.problems) > 0 || len(r.unknown) > 0 {
			t.Fatalf("Scan(%s) found problems %v %q", data, r.problems, r.unknown)
		}
	})
	if allocs != 0 {
		t.Errorf("Scan of a valid object allocated %v times, want 0", allocs)
	}
}

func TestObjectDeclared(t *testing.T) {
	o := NewObject([]string{"id", "wait"}, nil, nil, false)
	var all *Object
	tests := []struct {
		o    *Object
		data string
		want int
	}{
		{o, `{"id": 1, "reviewers": ["ann"]}`, 1},
		{o, `{"id": 1, "wait": 2}`, 2},
		{o, `{}`, 0},
		{o, `"id"`, 0},
		{all, `{"id": 1, "reviewers": ["ann"]}`, 2},
		{all, `[1, 2]`, 0},
	}
	for _, tt := range tests {
		if got := tt.o.Declared([]byte(tt.data)); got != tt.want {
			t.Errorf("Declared(%s) = %d, want %d", tt.data, got, tt.want)
		}
	}
}

func TestObjectReported(t *testing.T) {
	o := NewObject([]string{"a", "b", "c"}, []int{0, 1}, []int{1, 2}, false)
	tests := []struct {
		data string
		want []bool // per property
	}{
		{`{"a": 1, "b": 2, "c": 3}`, []bool{false, false, false}},
		{`{"b": 2}`, []bool{true, false, false}},
		{`{"a": 1, "b": null, "c": null}`, []bool{false, true, true}},
		{`[1, 2]`, []bool{true, true, true}},
	}
	for _, tt := range tests {
		r := o.Scan([]byte(tt.data))
		for i, want := range tt.want {
			if got := o.Reported(r, i); got != want {
				t.Errorf("Reported(Scan(%s), %d) = %v, want %v", tt.data, i, got, want)
			}
		}
	}
	// A value built in Go, never decoded, has nothing reported.
	if o.Reported(ScanResult{}, 0) {
		t.Errorf("Reported(zero ScanResult) = true, want false")
	}
}

func TestObjectCheckDirection(t *testing.T) {
	// id is readOnly, password writeOnly, name neither; all are required.
	o := NewObject([]string{"id", "name", "password"}, []int{0, 1, 2}, nil, false).WithAccess([]int{0}, []int{2})
	tests := []struct {
		dir  Direction
		data string
		want Errors
	}{
		{AnyDirection, `{}`, Errors{{"/id", "is required"}, {"/name", "is required"}, {"/password", "is required"}}},
		{InRequest, `{}`, Errors{{"/name", "is required"}, {"/password", "is required"}}},
		{InResponse, `{}`, Errors{{"/id", "is required"}, {"/name", "is required"}}},
		{InRequest, `{"name": "a", "password": "b"}`, nil},
		{InResponse, `{"id": "1", "name": "a"}`, nil},
	}
	for _, tt := range tests {
		var got Errors
		o.Check("", o.Scan([]byte(tt.data)), &got, tt.dir)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Check(%s, direction %d) = %v, want %v", tt.data, tt.dir, got, tt.want)
		}
	}
}

func TestObjectScanCapsUnknown(t *testing.T) {
	o := NewObject([]string{"a"}, nil, nil, true)
	var b strings.Builder
	b.WriteString("{")
	for i := range maxUnknown + 5 {
		fmt.Fprintf(&b, `"m%d": 0,`, i)
	}
	b.WriteString(`"a": 1}`)
	var e Errors
	o.Check("", o.Scan([]byte(b.String())), &e, AnyDirection)
	if len(e) != maxUnknown+1 {
		t.Fatalf("got %d errors, want %d named members and one count", len(e), maxUnknown)
	}
	if last := e[len(e)-1]; last.Pointer != "" || !strings.Contains(last.Message, "5 more members") {
		t.Errorf("last error = %v, want the count of 5 more members", last)
	}
}

func TestDeeperThan(t *testing.T) {
	for _, tc := range []struct {
		data  string
		limit int
		want  int
	}{
		{`[]`, 0, 0},
		{`[]`, 1, -1},
		{`{"a": [{"b": "[[[["}]}`, 3, -1},
		{`{"a": [{"b": [1]}]}`, 3, 13},
		{`"\"[" [`, 0, 6},
		{`]]][`, 0, -1}, // invalid JSON: unmatched closers do not count against the limit
	} {
		if got := DeeperThan([]byte(tc.data), tc.limit); got != tc.want {
			t.Errorf("DeeperThan(%s, %d) = %d, want %d", tc.data, tc.limit, got, tc.want)
		}
	}
}

func TestObjectScanNames(t *testing.T) {
	o := NewObject([]string{"a", "b", "c"}, []int{0, 1}, nil, true)
	var e Errors
	o.Check("", o.ScanNames([]string{"b", "B", "x", "x"}), &e, AnyDirection)
	want := Errors{
		{"/x", "is not allowed: the object is closed (additionalProperties is false)"},
		{"/B", `differs from the property "b" only in letter case; send the exact name`},
	}
	// The absent required a comes first, as in Scan.
	want = append(Errors{{"/a", "is required"}}, want...)
	if !reflect.DeepEqual(e, want) {
		t.Errorf("Check(ScanNames) = %v, want %v", e, want)
	}
}
