package generator

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// initialisms are written in capitals inside Go names, as Go code does
// (HTTPServer, UserID).
var initialisms = map[string]bool{
	"API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true, "EOF": true,
	"GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true,
	"JSON": true, "JWT": true, "MTLS": true, "OIDC": true, "OK": true, "RPC": true, "SHA": true, "SQL": true,
	"SSH": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true,
	"URI": true, "URL": true, "UUID": true, "XML": true,
}

// mixedCase are words written with capitals inside, as their owners
// spell them (OAuth2, OpenID), with or without a version number after.
var mixedCase = map[string]string{"OAUTH": "OAuth", "OPENID": "OpenID"}

// goName turns any string into an exported Go identifier: words split at
// separators and case changes are capitalised and joined, initialisms are
// upper-cased, and a name that would not start with a letter gets the
// prefix "X". Letters outside ASCII are kept, as Go allows them.
func goName(s string) string {
	words := splitWords(s)
	var b strings.Builder
	for _, w := range words {
		upper := strings.ToUpper(w)
		if initialisms[upper] {
			b.WriteString(upper)
			continue
		}
		base := strings.TrimRight(upper, "0123456789")
		if spelled, ok := mixedCase[base]; ok {
			b.WriteString(spelled + upper[len(base):])
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(w[size:])
	}
	name := b.String()
	if name == "" {
		return "X"
	}
	r, _ := utf8.DecodeRuneInString(name)
	if !unicode.IsUpper(r) {
		// Digits, underscores and letters without case (such as CJK)
		// cannot start an exported name.
		name = "X" + name
	}
	return name
}

// splitWords splits s at every character that cannot be part of an
// identifier and at lower-to-upper case changes, and lower-cases words
// that are all capitals so that "USER_NAME" becomes "User", "Name".
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if i > 0 && len(cur) > 0 {
			prev := runes[i-1]
			lowerToUpper := unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev))
			acronymEnd := unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if lowerToUpper || acronymEnd {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	for i, w := range words {
		if isAllUpper(w) && !initialisms[w] {
			words[i] = strings.ToLower(w)
		}
	}
	return words
}

func isAllUpper(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 1
}

// maxNameLength bounds the length of a generated type name. Names of
// inline schemas join the names of the schemas around them, so without a
// bound a schema nested n levels deep would get a name of n words, and
// the generated code would grow with n². The longest name that the corpus
// specs in testdata produce is 107 bytes.
const maxNameLength = 255

// tailLength is the most that shortName keeps of a name that is too long.
const tailLength = 64

// shortName returns name, or its last words when it is longer than
// maxNameLength: as many as fit in tailLength bytes, and at least one,
// cut to tailLength bytes if need be. A scope then numbers the names that
// this makes equal.
func shortName(name string) string {
	if len(name) <= maxNameLength {
		return name
	}
	start := len(name)
	for i := len(name) - 1; i > 0 && len(name)-i <= tailLength; i-- {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			start = i
		}
	}
	tail := name[start:]
	if start == len(name) {
		tail = name[len(name)-tailLength:]
		for !utf8.RuneStart(tail[0]) {
			tail = tail[1:]
		}
	}
	if r, _ := utf8.DecodeRuneInString(tail); !unicode.IsUpper(r) {
		tail = "X" + tail
	}
	return tail
}

// lowerName turns a Go name into an unexported one that is not a keyword.
func lowerName(s string) string {
	name := goName(s)
	r, size := utf8.DecodeRuneInString(name)
	out := string(unicode.ToLower(r)) + name[size:]
	if initialisms[name] {
		out = strings.ToLower(name)
	}
	if words := splitWords(s); len(words) > 0 {
		// A mixed-case first word is lowered whole: oauthToken, not
		// oAuthToken.
		first := strings.ToUpper(words[0])
		if _, ok := mixedCase[strings.TrimRight(first, "0123456789")]; ok {
			out = strings.ToLower(first) + name[len(first):]
		}
	}
	if isGoKeyword(out) || isPredeclared(out) {
		out += "_"
	}
	return out
}

func isGoKeyword(s string) bool {
	switch s {
	case "break", "case", "chan", "const", "continue", "default", "defer", "else",
		"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
		"map", "package", "range", "return", "select", "struct", "switch", "type", "var":
		return true
	}
	return false
}

func isPredeclared(s string) bool {
	switch s {
	case "any", "bool", "byte", "error", "string", "int", "int32", "int64", "float32",
		"float64", "rune", "uint", "true", "false", "nil", "iota", "len", "cap",
		"make", "new", "append", "copy", "delete", "panic", "recover", "print", "println":
		return true
	}
	return false
}

// scope hands out names that are unique within one Go scope: a package,
// or the fields and methods of one struct.
type scope struct {
	used map[string]string // name → what took it, for the rename note
	// next maps a name that had to be renamed to the number suffix to
	// try first on its next clash. Every smaller suffix is taken, and
	// names are never given back, so that many clashes of one name do not
	// try the same suffixes again and again.
	next map[string]int
}

func newScope(reserved ...string) *scope {
	s := &scope{used: make(map[string]string), next: make(map[string]int)}
	for _, r := range reserved {
		s.used[r] = "whgen"
	}
	return s
}

// take returns name, or name with the smallest number suffix from 2 up
// that is still free, and whether it had to rename. owner describes what
// asked, for the note that reports a rename.
func (s *scope) take(name, owner string) (string, bool) {
	if _, ok := s.used[name]; !ok {
		s.used[name] = owner
		return name, false
	}
	for i := max(s.next[name], 2); ; i++ {
		candidate := name + strconv.Itoa(i)
		if _, ok := s.used[candidate]; !ok {
			s.used[candidate] = owner
			s.next[name] = i + 1
			return candidate, true
		}
	}
}

// has reports whether name is taken.
func (s *scope) has(name string) bool {
	_, ok := s.used[name]
	return ok
}
