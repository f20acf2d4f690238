package params

// charSet marks the bytes that a serialiser writes as they are. Every
// other byte is percent-encoded.
type charSet [256]bool

// newCharSet returns a charSet of the RFC 3986 unreserved characters
// (letters, digits, "-", ".", "_" and "~") plus extra, minus drop.
func newCharSet(extra, drop string) *charSet {
	var set charSet
	for c := 'a'; c <= 'z'; c++ {
		set[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		set[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		set[c] = true
	}
	for _, c := range []byte("-._~" + extra) {
		set[c] = true
	}
	for _, c := range []byte(drop) {
		set[c] = false
	}
	return &set
}

var (
	// unreserved is what RFC 6570 simple expansion leaves unencoded.
	unreserved = newCharSet("", "")

	// labelChars is unreserved without ".", so that a "." inside a label
	// value is never read as the label separator.
	labelChars = newCharSet("", ".")

	// reservedQueryChars is the set for query values with allowReserved,
	// where the RFC 3986 reserved characters pass with a few exceptions.
	// RFC 3986 does not allow "#", "[" and "]" in a query, and a
	// form-encoded query string gives "&", "=" and "+" a meaning. Some
	// servers still take ";" for "&", and Go's http.Server logs a warning
	// for it.
	reservedQueryChars = newCharSet(":/?@!$'()*,", "")
)

const upperHex = "0123456789ABCDEF"

// appendEscaped appends v to dst, percent-encoding every byte outside set.
// With keepTriples, a "%" followed by two hex digits is copied as it is,
// as RFC 6570 reserved expansion does.
func appendEscaped(dst []byte, v string, set *charSet, keepTriples bool) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case set[c]:
			dst = append(dst, c)
		case keepTriples && c == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]):
			dst = append(dst, v[i:i+3]...)
			i += 2
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validFieldValue reports whether v can be sent in an HTTP header field:
// no control characters other than horizontal tab. Bytes from 0x80 up are
// allowed, as RFC 9110 obs-text.
func validFieldValue(v []byte) bool {
	for _, c := range v {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
