package params

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// coordinates is a typical content-encoded parameter value.
type coordinates struct {
	Lat  float64 `json:"lat"`
	Long float64 `json:"long"`
	Name string  `json:"name"`
}

func TestJSONContentRoundTrip(t *testing.T) {
	value := coordinates{Lat: 52.5, Long: -13.25, Name: `a "quoted", é; b=c&d`}
	tests := []struct {
		spec Spec
		wire string
	}{
		{Spec{Name: "color", In: InPath}, "%7B%22lat%22%3A52.5%2C%22long%22%3A-13.25%2C%22name%22%3A%22a%20%5C%22quoted%5C%22%2C%20%C3%A9%3B%20b%3Dc%5Cu0026d%22%7D"},
		{Spec{Name: "color", In: InQuery}, "color=%7B%22lat%22%3A52.5%2C%22long%22%3A-13.25%2C%22name%22%3A%22a%20%5C%22quoted%5C%22%2C%20%C3%A9%3B%20b%3Dc%5Cu0026d%22%7D"},
		{Spec{Name: "color", In: InHeader}, `{"lat":52.5,"long":-13.25,"name":"a \"quoted\", é; b=c\u0026d"}`},
		{Spec{Name: "color", In: InCookie}, "color=%7B%22lat%22%3A52.5%2C%22long%22%3A-13.25%2C%22name%22%3A%22a%20%5C%22quoted%5C%22%2C%20%C3%A9%3B%20b%3Dc%5Cu0026d%22%7D"},
		// Style, Explode and AllowReserved do not apply to content parameters.
		{Spec{Name: "color", In: InQuery, Style: DeepObject, Explode: true, AllowReserved: true},
			"color=%7B%22lat%22%3A52.5%2C%22long%22%3A-13.25%2C%22name%22%3A%22a%20%5C%22quoted%5C%22%2C%20%C3%A9%3B%20b%3Dc%5Cu0026d%22%7D"},
	}
	for _, tt := range tests {
		t.Run(string(tt.spec.In)+"/"+string(tt.spec.style()), func(t *testing.T) {
			wire, err := tt.spec.AppendJSON(nil, value)
			if err != nil || string(wire) != tt.wire {
				t.Fatalf("got %q, %v, want %q, nil", wire, err, tt.wire)
			}
			routed(t, placeWire(&tt.spec, string(wire)), func(r *http.Request) {
				var got coordinates
				present, err := tt.spec.DecodeJSON(r, &got)
				if err != nil || !present {
					t.Fatalf("got present %t, error %v, want true, nil", present, err)
				}
				if diff := cmp.Diff(value, got); diff != "" {
					t.Errorf("value mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestJSONContentErrors(t *testing.T) {
	spec := Spec{Name: "coords", In: InQuery}

	routed(t, placeWire(&spec, "coords=%7B%22lat%22%3A"), func(r *http.Request) {
		var got coordinates
		present, err := spec.DecodeJSON(r, &got)
		want := `query parameter "coords": invalid JSON: unexpected end of JSON input in "{\"lat\":"`
		if err == nil || err.Error() != want {
			t.Errorf("got error %v, want %q", err, want)
		}
		if !present {
			t.Errorf("got present false, want true")
		}
		var syntax *json.SyntaxError
		if !errors.As(err, &syntax) {
			t.Errorf("got error %v, want one that wraps *json.SyntaxError", err)
		}
	})

	routed(t, placeWire(&spec, "other=1"), func(r *http.Request) {
		got := coordinates{Name: "unchanged"}
		present, err := spec.DecodeJSON(r, &got)
		if err != nil || present || got.Name != "unchanged" {
			t.Errorf("got present %t, error %v, value %+v, want false, nil, unchanged", present, err, got)
		}
	})

	_, err := spec.AppendJSON(nil, func() {})
	want := `query parameter "coords": encode JSON: json: unsupported type: func()`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
}
