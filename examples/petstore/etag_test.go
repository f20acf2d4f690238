package main

import (
	"testing"
)

func TestParseIfMatch(t *testing.T) {
	tests := []struct {
		field string
		// match is whether the field accepts the current tag "v2".
		match   bool
		invalid bool
	}{
		{field: `"v2"`, match: true},
		{field: `*`, match: true},
		{field: ` * `, match: true},
		{field: `"v1", "v2"`, match: true},
		{field: `"v1","v2"`, match: true},
		{field: `"v1" ,	"v2"`, match: true},
		{field: `"a,b", "v2"`, match: true},
		{field: `"", "v2"`, match: true},
		{field: `"v1"`},
		{field: `W/"v2"`},
		{field: `"V2"`},
		{field: `"v2`, invalid: true},
		{field: `v2`, invalid: true},
		{field: `"v1" "v2"`, invalid: true},
		{field: ``, invalid: true},
		{field: `,`, invalid: true},
		{field: `*, "v2"`, invalid: true},
		{field: `W/v2`, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			m, err := parseIfMatch(tt.field)
			if (err != nil) != tt.invalid {
				t.Fatalf("got error %v, want invalid=%v", err, tt.invalid)
			}
			if err == nil && m.match(etag(2)) != tt.match {
				t.Errorf("got match %v for %s, want %v", !tt.match, etag(2), tt.match)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	pos := petPosition{CreatedAt: 1767322800123, ID: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"}
	got, err := decodeCursor(encodeCursor(pos))
	if err != nil || got != pos {
		t.Errorf("got %+v, %v, want %+v", got, err, pos)
	}
	for _, bad := range []string{"", "!!", "MTIz", "eC82ZjFjMmQzZS00YjVhLTRjNmQtOGU3Zi05YTBiMWMyZDNlNGY"} {
		if _, err := decodeCursor(bad); err == nil {
			t.Errorf("decodeCursor(%q): got no error, want one", bad)
		}
	}
}
