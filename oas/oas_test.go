package oas

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestNullableRoundTrip(t *testing.T) {
	type doc struct {
		A Nullable[string] `json:"a,omitzero"`
	}
	for _, in := range []string{`{}`, `{"a":null}`, `{"a":"x"}`} {
		var d doc
		if err := json.Unmarshal([]byte(in), &d); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("round trip of %s: got %s", in, out)
		}
	}
	var n Nullable[int]
	if _, ok := n.Get(); ok || n.IsSet() {
		t.Errorf("zero Nullable is set")
	}
	n.SetNull()
	if !n.IsNull() {
		t.Errorf("SetNull: IsNull false")
	}
}

func TestDateText(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Errorf("ParseDate: %v %v", d, err)
	}
	if _, err := ParseDate("2023-02-29"); err == nil {
		t.Errorf("ParseDate accepted 2023-02-29")
	}
}

func TestJoinEscapes(t *testing.T) {
	if got := Join(Index("/a", 2), "b/c~d"); got != "/a/2/b~1c~0d" {
		t.Errorf("got %q", got)
	}
}

func TestObjectScanFindsProblems(t *testing.T) {
	o := NewObject([]string{"name", "size", "tag"}, []int{0, 1}, []int{2}, true)
	cases := []struct {
		in   string
		want []string
	}{
		{`{"name":"a","size":1}`, nil},
		{`{"size":1}`, []string{"/name: is required"}},
		{`{"name":"a","size":1,"tag":null}`, []string{"/tag: must not be null"}},
		{`{"name":"a","size":1,"extra":true}`, []string{"/extra: is not allowed"}},
		{`{"name":"a","size":1,"NAME":"b"}`, []string{`/NAME: differs from the property "name" only in letter case`}},
	}
	for _, c := range cases {
		var e Errors
		o.Check("", o.Scan([]byte(c.in)), &e, AnyDirection)
		if len(e) != len(c.want) {
			t.Errorf("%s: got %v, want %d problems", c.in, e, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(e[i].Error(), w) {
				t.Errorf("%s: problem %d = %q, want prefix %q", c.in, i, e[i].Error(), w)
			}
		}
	}
}

func TestErrorsAsError(t *testing.T) {
	var e Errors
	if e.Err() != nil {
		t.Fatal("empty Errors is an error")
	}
	e.Add("/a", "is required")
	var got Errors
	if !errors.As(e.Err(), &got) || len(got) != 1 {
		t.Errorf("errors.As did not return the list")
	}
}

func TestCheckFormat(t *testing.T) {
	cases := []struct {
		format, value string
		want          bool
	}{
		{"email", "a@b.co", true},
		{"email", "A <a@b.co>", false},
		{"uuid", "0b3c2f3e-5d7a-4c1e-9f3a-0a1b2c3d4e5f", true},
		{"uuid", "0b3c2f3e5d7a4c1e9f3a0a1b2c3d4e5f", false},
		{"uri", "https://example.com/x", true},
		{"uri", "/relative", false},
		{"date-time", "2026-12-04T10:00:00Z", true},
		{"date-time", "2026-12-04 10:00:00", false},
		{"ipv4", "127.0.0.1", true},
		{"ipv6", "127.0.0.1", false},
		{"hostname", "-bad.example", false},
		{"unknown-format", "anything", true},
	}
	for _, c := range cases {
		if got := CheckFormat(c.format, c.value); got != c.want {
			t.Errorf("CheckFormat(%q, %q) = %v, want %v", c.format, c.value, got, c.want)
		}
	}
}

func TestDuplicateAndMultiple(t *testing.T) {
	if i, j := DuplicateOf([]string{"a", "b", "a"}); i != 0 || j != 2 {
		t.Errorf("DuplicateOf strings = %d, %d", i, j)
	}
	type item struct{ A int }
	if i, _ := DuplicateOf([]item{{1}, {2}}); i != -1 {
		t.Errorf("DuplicateOf distinct structs = %d", i)
	}
	if !MultipleOf(0.3, 0.1) || MultipleOf(0.35, 0.1) {
		t.Errorf("MultipleOf is wrong for 0.3 or 0.35 by 0.1")
	}
}

func TestObjectScanNotAnObject(t *testing.T) {
	o := NewObject([]string{"a", "b"}, []int{0, 1}, nil, false)
	for _, in := range []string{`null`, `[1]`, `"x"`} {
		var e Errors
		o.Check("/p", o.Scan([]byte(in)), &e, AnyDirection)
		if len(e) != 1 || !strings.HasPrefix(e[0].Message, "must be an object") {
			t.Errorf("%s: got %v, want one problem saying it must be an object", in, e)
		}
	}
}
