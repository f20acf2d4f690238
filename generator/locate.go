package generator

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// position is a 1-based line and column in a source file.
type position struct{ line, col int }

// locator maps JSON pointers back to positions in the file they came from.
// It is built once per file and resolves pointers in batches, because a
// large JSON file is scanned once for all of them.
type locator struct {
	data []byte
	yaml *yaml.Node // nil for JSON files
}

// positions returns the position of each pointer, or of its closest
// ancestor that exists in the file when the pointer names a value that a
// repair added.
func (l *locator) positions(pointers []string) map[string]position {
	out := make(map[string]position, len(pointers))
	for _, p := range pointers {
		out[p] = position{1, 1}
	}
	if l == nil {
		return out
	}
	if l.yaml != nil {
		for _, p := range pointers {
			out[p] = yamlPosition(l.yaml, splitPointer(p))
		}
		return out
	}
	s := &jsonScanner{data: l.data, want: make(map[string]bool), found: make(map[string]int)}
	// Each pointer is spelled once as the scanner spells it, and its
	// prefixes are slices of that spelling. Many pointers share prefixes,
	// so adding them stops at the first that is already wanted, whose
	// own prefixes are then wanted too.
	canonical := make([]string, len(pointers))
	for i, p := range pointers {
		c := joinSegments(splitPointer(p))
		canonical[i] = c
		for end := len(c); ; end = strings.LastIndexByte(c[:end], '/') {
			if s.want[c[:end]] {
				break
			}
			s.want[c[:end]] = true
			if end <= 0 {
				break
			}
		}
	}
	s.skipSpace()
	s.value("")
	lines := lineStarts(l.data)
	for i, p := range pointers {
		c := canonical[i]
		for end := len(c); end >= 0; end = strings.LastIndexByte(c[:end], '/') {
			if off, ok := s.found[c[:end]]; ok {
				out[p] = linePosition(lines, off)
				break
			}
			if end == 0 {
				break
			}
		}
	}
	return out
}

// lineStarts returns the offset at which each line of data starts.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// linePosition is offsetPosition for the lines that lineStarts found.
func linePosition(starts []int, off int) position {
	line := sort.SearchInts(starts, off+1) - 1
	return position{line + 1, off - starts[line] + 1}
}

func splitPointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range segs {
		if strings.Contains(s, "~") {
			s = strings.ReplaceAll(s, "~1", "/")
			segs[i] = strings.ReplaceAll(s, "~0", "~")
		}
	}
	return segs
}

func joinSegments(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		s = strings.ReplaceAll(s, "~", "~0")
		b.WriteString(strings.ReplaceAll(s, "/", "~1"))
	}
	return b.String()
}

func offsetPosition(data []byte, off int) position {
	if off > len(data) {
		off = len(data)
	}
	line := bytes.Count(data[:off], []byte{'\n'}) + 1
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return position{line, col}
}

func yamlPosition(n *yaml.Node, segs []string) position {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	best := position{n.Line, n.Column}
	for _, seg := range segs {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == seg {
					next = n.Content[i]
					best = position{next.Line, next.Column}
					next = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				best = position{next.Line, next.Column}
			}
		}
		if next == nil {
			return best
		}
		n = next
	}
	return best
}

// jsonScanner walks JSON bytes and records the offset of every value whose
// pointer is in want, skipping subtrees that lead to none of them. It
// assumes the data already parsed as JSON.
type jsonScanner struct {
	data  []byte
	i     int
	want  map[string]bool
	found map[string]int
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value scans one value at s.i, whose pointer is ptr.
func (s *jsonScanner) value(ptr string) {
	if s.i >= len(s.data) {
		return
	}
	interesting := s.want[ptr]
	if interesting {
		if _, seen := s.found[ptr]; !seen {
			s.found[ptr] = s.i
		}
	}
	switch s.data[s.i] {
	case '{':
		if !interesting {
			s.skipContainer()
			return
		}
		s.object(ptr)
	case '[':
		if !interesting {
			s.skipContainer()
			return
		}
		s.array(ptr)
	case '"':
		s.skipString()
	default:
		for s.i < len(s.data) && !strings.ContainsRune(",}] \t\r\n", rune(s.data[s.i])) {
			s.i++
		}
	}
}

func (s *jsonScanner) object(ptr string) {
	s.i++
	for {
		s.skipSpace()
		if s.i >= len(s.data) || s.data[s.i] == '}' {
			s.i++
			return
		}
		if s.data[s.i] == ',' {
			s.i++
			continue
		}
		start := s.i
		s.skipString()
		key := string(s.data[start+1 : s.i-1])
		if strings.IndexByte(key, '\\') >= 0 {
			_ = json.Unmarshal(s.data[start:s.i], &key)
		}
		s.skipSpace()
		s.i++ // the colon
		s.skipSpace()
		child := ptr + joinSegments([]string{key})
		if s.want[child] {
			s.found[child] = start
		}
		s.value(child)
	}
}

func (s *jsonScanner) array(ptr string) {
	s.i++
	for n := 0; ; n++ {
		s.skipSpace()
		if s.i >= len(s.data) || s.data[s.i] == ']' {
			s.i++
			return
		}
		if s.data[s.i] == ',' {
			s.i++
			s.skipSpace()
		}
		s.value(ptr + "/" + strconv.Itoa(n))
	}
}

func (s *jsonScanner) skipString() {
	s.i++
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			return
		}
		s.i++
	}
}

func (s *jsonScanner) skipContainer() {
	depth := 0
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '"':
			s.skipString()
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return
			}
		}
		s.i++
	}
}
