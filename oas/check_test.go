package oas

import (
	"slices"
	"testing"
)

func TestCheckFormatLeapSecond(t *testing.T) {
	tests := []struct {
		format, value string
		want          bool
	}{
		{"date-time", "2016-12-31T23:59:60Z", true},
		{"date-time", "2016-12-31T23:59:60.5Z", true},
		{"date-time", "2017-01-01T00:59:60+01:00", true}, // 23:59:60 in UTC
		{"date-time", "2016-12-31T23:59:60+01:00", false},
		{"date-time", "2016-12-31T12:59:60Z", false},
		{"date-time", "2016-12-31T23:59:61Z", false},
		{"date-time", "2016-12-31T23:59:59Z", true},
		{"time", "23:59:60Z", true},
		{"time", "18:59:60-05:00", true},
		{"time", "10:00:60Z", false},
	}
	for _, tt := range tests {
		if got := CheckFormat(tt.format, tt.value); got != tt.want {
			t.Errorf("CheckFormat(%q, %q) = %v, want %v", tt.format, tt.value, got, tt.want)
		}
	}
}

func TestSortedKeys(t *testing.T) {
	if got := SortedKeys(map[string]int{}); got != nil {
		t.Errorf("SortedKeys(empty) = %v, want nil", got)
	}
	got := SortedKeys(map[string]bool{"b": true, "a": false, "c": true})
	if want := []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("SortedKeys = %v, want %v", got, want)
	}
}
