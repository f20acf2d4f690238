package oas

import (
	"encoding/json"
	"maps"
	"math"
	"net/mail"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Length returns the length of s as JSON Schema counts it: in Unicode code
// points, not bytes.
func Length(s string) int { return utf8.RuneCountInString(s) }

// MultipleOf reports whether v is an integer multiple of m, allowing for the
// rounding of binary floating point.
func MultipleOf(v, m float64) bool {
	if m <= 0 {
		return false
	}
	q := v / m
	return math.Abs(q-math.Round(q)) < 1e-9*math.Max(1, math.Abs(q))
}

// DuplicateOf returns the indexes of the first two equal items of s, or
// -1, -1 when all are distinct. Items are compared by their JSON encoding,
// as JSON Schema's uniqueItems compares instances, so it works for structs,
// maps and slices too. NOTE: numbers that JSON Schema deems equal but that
// encode differently (1 and 1.0 in an `any` item) count as distinct.
func DuplicateOf[T any](s []T) (int, int) {
	if len(s) < 2 {
		return -1, -1
	}
	if k := reflect.TypeFor[T]().Kind(); k <= reflect.Float64 || k == reflect.String {
		seen := make(map[any]int, len(s))
		for i, v := range s {
			if j, ok := seen[any(v)]; ok {
				return j, i
			}
			seen[any(v)] = i
		}
		return -1, -1
	}
	seen := make(map[string]int, len(s))
	for i, v := range s {
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		if j, ok := seen[string(b)]; ok {
			return j, i
		}
		seen[string(b)] = i
	}
	return -1, -1
}

// SortedKeys returns the keys of m in increasing order, so that generated
// Validate methods report the errors of map entries in a stable order. It
// returns nil for an empty map.
func SortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// EqualJSON reports whether v encodes to the same JSON as the literal want,
// which generated code uses for `const` and `enum` values that are not
// simple scalars.
func EqualJSON(v any, want string) bool {
	got, err := json.Marshal(v)
	if err != nil {
		return false
	}
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

// CheckFormat reports whether s is valid for the named OpenAPI or JSON Schema
// string format. Formats it does not know are accepted, as JSON Schema treats
// unknown formats as annotations.
func CheckFormat(format, s string) bool {
	switch format {
	case "date-time":
		return checkDateTime(s)
	case "date":
		_, err := ParseDate(s)
		return err == nil
	case "time":
		return checkTime(s)
	case "email":
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s
	case "uuid":
		return checkUUID(s)
	case "uri", "url":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != "" && !strings.ContainsAny(s, " \t\n")
	case "uri-reference":
		_, err := url.Parse(s)
		return err == nil && !strings.ContainsAny(s, " \t\n")
	case "ipv4":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	case "ipv6":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is6() && a.Zone() == ""
	case "hostname":
		return checkHostname(s)
	}
	return true
}

// checkDateTime reports whether s is an RFC 3339 date-time, leap seconds
// included.
func checkDateTime(s string) bool {
	if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return true
	}
	// "2006-01-02T15:04:60", with the seconds at bytes 17 and 18.
	if len(s) < 19 || s[17:19] != "60" {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, s[:17]+"59"+s[19:])
	return err == nil && isLeapSecondMinute(t)
}

func checkTime(s string) bool {
	for _, layout := range []string{"15:04:05Z07:00", "15:04:05.999999999Z07:00"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
		// "15:04:60", with the seconds at bytes 6 and 7.
		if len(s) < 8 || s[6:8] != "60" {
			continue
		}
		if t, err := time.Parse(layout, s[:6]+"59"+s[8:]); err == nil && isLeapSecondMinute(t) {
			return true
		}
	}
	return false
}

// isLeapSecondMinute reports whether t, read with its seconds set to 59,
// falls in the last minute of a UTC day, the only minute that a leap
// second can extend.
func isLeapSecondMinute(t time.Time) bool {
	t = t.UTC()
	return t.Hour() == 23 && t.Minute() == 59
}

func checkUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func checkHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				return false
			}
		}
	}
	return true
}
