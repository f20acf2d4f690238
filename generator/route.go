package generator

import (
	"fmt"
	"regexp"
	"strings"
)

// route is how an operation's path maps onto an http.ServeMux pattern.
type route struct {
	// Pattern is the ServeMux pattern without the method, such as
	// "/pets/{petId}".
	Pattern string
	// Segments lists the path segments that ServeMux cannot match on its
	// own: a template mixed with literal text ("{sid}.json") or wildcard
	// names that are not Go identifiers. Each becomes a whole-segment
	// wildcard that the handler splits with a regular expression.
	Segments []routeSegment
}

type routeSegment struct {
	Wildcard string   // the ServeMux wildcard that captures the segment
	Regexp   string   // matches the whole segment, one group per name
	Names    []string // the OpenAPI parameter names, in group order
}

var templateRE = regexp.MustCompile(`\{([^{}]*)\}`)
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// muxRoute computes the ServeMux pattern of an OpenAPI path. A trailing
// slash is matched exactly, not as a prefix, through "{$}".
func muxRoute(path string) route {
	var r route
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		matches := templateRE.FindAllStringSubmatchIndex(seg, -1)
		if len(matches) == 0 {
			continue
		}
		whole := len(matches) == 1 && matches[0][0] == 0 && matches[0][1] == len(seg)
		name := seg[matches[0][2]:matches[0][3]]
		if whole && identRE.MatchString(name) {
			continue
		}
		wildcard := fmt.Sprintf("whgen%d", len(r.Segments))
		rs := routeSegment{Wildcard: wildcard}
		var re strings.Builder
		re.WriteString("^")
		last := 0
		for _, m := range matches {
			re.WriteString(regexp.QuoteMeta(seg[last:m[0]]))
			re.WriteString("(.+?)")
			rs.Names = append(rs.Names, seg[m[2]:m[3]])
			last = m[1]
		}
		re.WriteString(regexp.QuoteMeta(seg[last:]))
		re.WriteString("$")
		rs.Regexp = re.String()
		r.Segments = append(r.Segments, rs)
		segs[i] = "{" + wildcard + "}"
	}
	r.Pattern = strings.Join(segs, "/")
	if strings.HasSuffix(r.Pattern, "/") {
		r.Pattern += "{$}"
	}
	if r.Pattern == "" {
		r.Pattern = "/{$}"
	}
	return r
}
