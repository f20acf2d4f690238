package params

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// combosIn returns the combinations of allCombos in location in, leaving
// out AllowReserved, which is not stable by design: a parsed "%41" is
// written back bare and then reads as "A".
func combosIn(in Location) []combo {
	var out []combo
	for _, c := range allCombos() {
		if c.spec.In == in && !c.spec.AllowReserved {
			out = append(out, c)
		}
	}
	return out
}

// checkStable serialises the first parse result and parses the wire form
// again. The second result must equal the first: whatever the parser
// accepts, the serialiser writes in a form that reads back the same.
func checkStable(t *testing.T, c combo, first parsed, reparse func(wire string) parsed) {
	t.Helper()
	if first.err != nil || !first.present {
		return
	}
	wire, err := appendShape(&c.spec, c.shape, first.value)
	if err != nil {
		if c.spec.In == InHeader {
			return // The parser accepts control characters that no header may carry.
		}
		if errors.Is(err, ErrEmptySegment) {
			return // The parser reads segments that no route passes to it.
		}
		t.Fatalf("%s: append %#v: %v", c, first.value, err)
	}
	second := reparse(wire)
	if second.err != nil {
		t.Fatalf("%s: reparse %q of %#v: %v", c, wire, first.value, second.err)
	}
	if !second.present {
		t.Fatalf("%s: reparse %q of %#v: got present false, want true", c, wire, first.value)
	}
	if diff := cmp.Diff(first.value, second.value); diff != "" {
		t.Fatalf("%s: reparse %q mismatch (-first +second):\n%s", c, wire, diff)
	}
}

// parsePath parses a path segment as ServeMux hands it over: decoded for
// primitives, and escaped for arrays and objects when escaped is true.
func parsePath(c combo, segment string, escaped bool) parsed {
	t := text{s: segment, enc: decoded}
	if escaped {
		t.enc = percentEncoded
	}
	var p parsed
	switch c.shape {
	case primitiveShape:
		v := segment
		if escaped {
			var err error
			if v, err = url.PathUnescape(segment); err != nil {
				return parsed{err: err}
			}
		}
		p.value, p.err = c.spec.pathPrimitive(v)
	case arrayShape:
		p.value, p.err = c.spec.pathArray(t)
	default:
		p.value, p.err = c.spec.pathObject(t)
	}
	p.present = p.err == nil
	return p
}

func FuzzPathParam(f *testing.F) {
	for _, c := range styleTable() {
		if c.in == InPath {
			f.Add(uint8(0), c.wire, true)
		}
	}
	for _, s := range []string{"", ".", ";color", ";color=", "a%2Cb,c", "%2C", "a%zz", ";k%3Dx;a=b", ".a%2Eb.c", "é,%E2%9D%A4"} {
		f.Add(uint8(1), s, true)
		f.Add(uint8(7), s, false)
	}
	combos := combosIn(InPath)
	f.Fuzz(func(t *testing.T, mode uint8, segment string, escaped bool) {
		c := combos[int(mode)%len(combos)]
		checkStable(t, c, parsePath(c, segment, escaped), func(wire string) parsed {
			return parsePath(c, wire, true)
		})
	})
}

// requestWith returns a request that carries only the given header.
func requestWith(name, value string) *http.Request {
	return &http.Request{URL: &url.URL{}, Header: http.Header{name: {value}}}
}

func FuzzQueryParam(f *testing.F) {
	for _, c := range styleTable() {
		if c.in == InQuery {
			f.Add(uint8(0), c.wire)
		}
	}
	for _, s := range []string{"", "color", "color=&color", "color=a+b%20c", "color[a]=1&color[b]", "a=1&&b=2", "color=%zz", "color=a&color=b"} {
		f.Add(uint8(3), s)
		f.Add(uint8(10), s)
	}
	combos := combosIn(InQuery)
	f.Fuzz(func(t *testing.T, mode uint8, query string) {
		c := combos[int(mode)%len(combos)]
		parseQuery := func(q string) parsed {
			return parseShape(&c.spec, c.shape, &http.Request{URL: &url.URL{RawQuery: q}})
		}
		checkStable(t, c, parseQuery(query), parseQuery)
	})
}

func FuzzHeaderParam(f *testing.F) {
	for _, c := range styleTable() {
		if c.in == InHeader {
			f.Add(uint8(0), c.wire)
		}
	}
	for _, s := range []string{"", " a , b ", "a=b=c,d", "R,1,R,2", "\t", "a\x00b"} {
		f.Add(uint8(2), s)
		f.Add(uint8(5), s)
	}
	combos := combosIn(InHeader)
	f.Fuzz(func(t *testing.T, mode uint8, value string) {
		c := combos[int(mode)%len(combos)]
		parseHeader := func(v string) parsed {
			return parseShape(&c.spec, c.shape, requestWith("Color", v))
		}
		checkStable(t, c, parseHeader(value), parseHeader)
	})
}

func FuzzCookieParam(f *testing.F) {
	for _, c := range styleTable() {
		if c.in == InCookie {
			f.Add(uint8(0), c.wire)
		}
	}
	for _, s := range []string{"", "color", `color="a,b"`, "color=a; color=b", " ; color=%41 ;", `color="`, "x=1;color=%zz"} {
		f.Add(uint8(1), s)
		f.Add(uint8(4), s)
	}
	combos := combosIn(InCookie)
	f.Fuzz(func(t *testing.T, mode uint8, line string) {
		c := combos[int(mode)%len(combos)]
		parseCookie := func(v string) parsed {
			return parseShape(&c.spec, c.shape, requestWith("Cookie", v))
		}
		checkStable(t, c, parseCookie(line), parseCookie)
	})
}

// FuzzConvert checks the conversion methods against strconv and against
// their formatting counterparts.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{"0", "-12", "+7", "1.5e3", "NaN", "1e400", "true", "2024-02-29T12:30:00.5+02:00", "2024-02-29", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := limitSpec.ParseInt64(s)
		want, wantErr := strconv.ParseInt(s, 10, 64)
		if (err == nil) != (wantErr == nil) || err == nil && n != want {
			t.Fatalf("ParseInt64(%q): got %d, %v, want %d, %v", s, n, err, want, wantErr)
		}
		if f, err := limitSpec.ParseFloat64(s); err == nil {
			back, err := limitSpec.ParseFloat64(strconv.FormatFloat(f, 'g', -1, 64))
			if err != nil || back != f {
				t.Fatalf("ParseFloat64(%q) = %v does not read back: got %v, %v", s, f, back, err)
			}
		}
		if tm, err := limitSpec.ParseDateTime(s); err == nil {
			back, err := limitSpec.ParseDateTime(FormatDateTime(tm))
			if err != nil || !back.Equal(tm) {
				t.Fatalf("ParseDateTime(%q) = %v does not read back: got %v, %v", s, tm, back, err)
			}
		}
		if d, err := limitSpec.ParseDate(s); err == nil && FormatDate(d) != s {
			t.Fatalf("ParseDate(%q): got %v, which formats as %q", s, d, FormatDate(d))
		}
	})
}
