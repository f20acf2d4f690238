package params

import (
	"net/http"
	"net/url"
	"strings"
)

// pathText returns the text of the path wildcard named s.Name. It prefers
// the escaped segment, so that percent-encoded separators stay inside
// array items and property values. That needs a pattern from ServeMux in
// r.Pattern and an escaped segment that decodes to r.PathValue. Otherwise
// it returns the decoded r.PathValue, as other routers set it. found is
// false when the wildcard is empty or absent, because ServeMux never
// matches a wildcard to an empty segment.
func (s *Spec) pathText(r *http.Request) (t text, found bool) {
	v := r.PathValue(s.Name)
	if v == "" {
		return text{}, false
	}
	raw, ok := rawPathValue(r.Pattern, r.URL.EscapedPath(), s.Name)
	if ok && unescapesTo(raw, v) {
		return text{s: raw, enc: percentEncoded}, true
	}
	return text{s: v, enc: decoded}, true
}

// rawPathValue returns the part of escapedPath that the wildcard {name}
// or {name...} of a ServeMux pattern matched.
func rawPathValue(pattern, escapedPath, name string) (string, bool) {
	start := strings.IndexByte(pattern, '/')
	if start < 0 {
		return "", false
	}
	pat, path := pattern[start:], escapedPath
	for pat != "" && path != "" {
		var patSeg, seg string
		patSeg, pat = nextSegment(pat)
		seg, path = nextSegment(path)
		wildcard := wildcardName(patSeg)
		if wildcard == name {
			return seg, true
		}
		if strings.TrimSuffix(wildcard, "...") == name {
			return escapedPath[len(escapedPath)-len(path)-len(seg):], true
		}
	}
	return "", false
}

// wildcardName returns the text between the braces of a pattern segment
// "{name}" or "{name...}", and "" for a literal segment.
func wildcardName(seg string) string {
	if len(seg) < 2 || seg[0] != '{' || seg[len(seg)-1] != '}' {
		return ""
	}
	return seg[1 : len(seg)-1]
}

// nextSegment splits "/seg/rest" into "seg" and "/rest".
func nextSegment(path string) (seg, rest string) {
	path = path[1:]
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i], path[i:]
	}
	return path, ""
}

// unescapesTo reports whether percent-decoding raw, with "+" kept as a
// plus sign, yields want. It does not allocate.
func unescapesTo(raw, want string) bool {
	j := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' {
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return false
			}
			c = unhex(raw[i+1])<<4 | unhex(raw[i+2])
			i += 2
		}
		if j >= len(want) || want[j] != c {
			return false
		}
		j++
	}
	return j == len(want)
}

// unhex returns the value of the hexadecimal digit c.
func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// pairSource is a sequence of name=value pairs: the query string, or the
// Cookie header lines.
type pairSource struct {
	query   string
	cookies []string
	cookie  bool
}

// pairs returns the pairs of the query string or of the cookies of r.
func (s *Spec) pairs(r *http.Request) pairSource {
	if s.In == InCookie {
		return pairSource{cookies: r.Header.Values("Cookie"), cookie: true}
	}
	return pairSource{query: r.URL.RawQuery}
}

// each calls fn with every pair in order. Empty pairs are skipped, and a
// pair without "=" has an empty value.
func (ps pairSource) each(fn func(rawName string, value text) error) error {
	if !ps.cookie {
		return eachPair(ps.query, '&', formEncoded, fn)
	}
	for _, line := range ps.cookies {
		if err := eachPair(line, ';', percentEncoded, fn); err != nil {
			return err
		}
	}
	return nil
}

// eachPair calls fn with each pair of line. With the cookie separator ";",
// pairs lose the spaces around them and values lose their double quotes,
// as RFC 6265 allows a quoted cookie-value.
func eachPair(line string, sep byte, enc encoding, fn func(string, text) error) error {
	for rest, more := line, true; more; {
		var pair string
		pair, rest, more = strings.Cut(rest, string(sep))
		if sep == ';' {
			pair = strings.Trim(pair, " \t")
		}
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		if sep == ';' {
			value = unquoteCookie(value)
		}
		if err := fn(name, text{s: value, enc: enc}); err != nil {
			return err
		}
	}
	return nil
}

// unquoteCookie strips the double quotes around a cookie value.
func unquoteCookie(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// decodeName returns the decoded pair name, and false when it is not
// valid percent-encoding. It allocates only when the name has escapes.
func (ps pairSource) decodeName(rawName string) (string, bool) {
	var (
		name string
		err  error
	)
	if !ps.cookie {
		name, err = url.QueryUnescape(rawName)
	} else {
		name, err = url.PathUnescape(rawName)
	}
	return name, err == nil
}

// nameIs reports whether rawName decodes to name, without allocating when
// rawName has no escapes.
func (ps pairSource) nameIs(rawName, name string) bool {
	if strings.IndexByte(rawName, '%') < 0 && (ps.cookie || strings.IndexByte(rawName, '+') < 0) {
		return rawName == name
	}
	decodedName, ok := ps.decodeName(rawName)
	return ok && decodedName == name
}

// values calls fn with each value of the pairs named s.Name and returns
// how many there were.
func (s *Spec) values(ps pairSource, fn func(value text) error) (int, error) {
	n := 0
	err := ps.each(func(rawName string, value text) error {
		if !ps.nameIs(rawName, s.Name) {
			return nil
		}
		n++
		return fn(value)
	})
	return n, err
}

// singleValue returns the one value of the pairs named s.Name. In a query
// a repeated name is an error, because a client that repeats a
// non-exploded parameter sends something this package cannot read as one
// value. For cookies the first value wins, because browsers send every
// cookie whose path matches, most specific path first.
func (s *Spec) singleValue(ps pairSource) (text, bool, error) {
	var (
		first text
		seen  bool
	)
	n, err := s.values(ps, func(value text) error {
		if !seen {
			first, seen = value, true
		}
		return nil
	})
	switch {
	case err != nil:
		return text{}, false, err
	case n == 0:
		return text{}, false, nil
	case n > 1 && s.In == InQuery:
		return text{}, false, s.malformed("repeated in the query")
	}
	return first, true, nil
}

// headerText returns the value of header s.Name without surrounding
// spaces and tabs, which HTTP does not count as part of a field value.
// When list is true, several field lines are joined with commas, as
// RFC 9110 allows for list-valued fields. Otherwise they are an error.
func (s *Spec) headerText(r *http.Request, list bool) (text, bool, error) {
	lines := r.Header.Values(s.Name)
	switch {
	case len(lines) == 0:
		return text{}, false, nil
	case len(lines) == 1:
		return text{s: strings.Trim(lines[0], " \t"), enc: fieldValue}, true, nil
	case !list:
		return text{}, false, s.malformed("repeated in the header")
	}
	return text{s: strings.Trim(strings.Join(lines, ","), " \t"), enc: fieldValue}, true, nil
}
