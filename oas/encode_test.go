package oas

import (
	"encoding/json"
	"testing"
)

func TestEncodersMatchEncodingJSON(t *testing.T) {
	upper := func(s *string) any { return *s + "!" }
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"nil array", Array([]string(nil), upper), `null`},
		{"empty array", Array([]string{}, upper), `[]`},
		{"array", Array([]string{"a", "<b>"}, upper), `["a!","\u003cb\u003e!"]`},
		{"nil map", Map(map[string]string(nil), upper), `null`},
		{"map in key order", Map(map[string]string{"b": "2", "a": "1", "<": "3"}, upper), `{"\u003c":"3!","a":"1!","b":"2!"}`},
		{"marshal func", MarshalFunc(func() ([]byte, error) { return []byte(`{"x":1}`), nil }), `{"x":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestWithoutKeepsMap(t *testing.T) {
	m := map[string]int{"a": 1, "b": 2}
	if got := Without(m, "c"); len(got) != 2 {
		t.Errorf("without an absent key: got %v, want %v", got, m)
	}
	got := Without(m, "a", "c")
	if len(got) != 1 || got["b"] != 2 {
		t.Errorf("without a: got %v, want map[b:2]", got)
	}
	if len(m) != 2 {
		t.Errorf("Without changed its argument to %v", m)
	}
}
