package params

import (
	"net/url"
	"strings"
)

// encoding describes how the bytes of a wire text map to the value they carry.
type encoding uint8

const (
	// decoded text is the value itself, as r.PathValue returns it.
	decoded encoding = iota
	// percentEncoded text uses RFC 3986 percent-encoding, and "+" is a
	// plus sign. Path segments and cookie values use it.
	percentEncoded
	// formEncoded text uses percent-encoding and "+" for a space, as
	// application/x-www-form-urlencoded does. Query strings use it.
	formEncoded
	// fieldValue text is an HTTP header field value. It is not decoded,
	// but the spaces and tabs around each list element are dropped.
	fieldValue
)

// text is a piece of a request in its wire encoding.
type text struct {
	s   string
	enc encoding
}

// decode returns the value that t carries. It allocates only when t
// contains an escape, or a "+" in a query.
func (s *Spec) decode(t text) (string, error) {
	var (
		v   string
		err error
	)
	switch t.enc {
	case percentEncoded:
		v, err = url.PathUnescape(t.s)
	case formEncoded:
		v, err = url.QueryUnescape(t.s)
	case fieldValue:
		v = strings.Trim(t.s, " \t")
	default:
		v = t.s
	}
	if err != nil {
		return "", s.invalid("invalid percent-encoding in", t.s, err)
	}
	return v, nil
}

// prepareSplit returns t ready to be cut at sep. An encoded text that
// contains sep unescaped is returned as it is, so that escaped separators
// stay inside the parts. An encoded text without a bare sep is decoded
// first, so that clients which percent-encode every separator are still
// understood. The cost is that a single part containing sep is split.
// Space and pipe separators are always decoded first, because OpenAPI
// requires them to be percent-encoded and "+" decodes to a space.
func (s *Spec) prepareSplit(t text, sep byte) (text, error) {
	if t.enc == decoded || t.enc == fieldValue {
		return t, nil
	}
	if sep != ' ' && sep != '|' && strings.IndexByte(t.s, sep) >= 0 {
		return t, nil
	}
	v, err := s.decode(t)
	if err != nil {
		return text{}, err
	}
	return text{s: v, enc: decoded}, nil
}

// splitList decodes the parts of t between separators sep. An empty t is
// an empty list, never a list of one empty item.
func (s *Spec) splitList(t text, sep byte) ([]string, error) {
	if t.s == "" {
		return []string{}, nil
	}
	t, err := s.prepareSplit(t, sep)
	if err != nil {
		return nil, err
	}
	items := make([]string, 0, strings.Count(t.s, string(sep))+1)
	for rest, more := t.s, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, string(sep))
		item, err := s.decode(text{s: part, enc: t.enc})
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}

// eachPart calls fn with each part of t between separators sep, still in
// its wire encoding. An empty t has no parts.
func (s *Spec) eachPart(t text, sep byte, fn func(part text) error) error {
	if t.s == "" {
		return nil
	}
	t, err := s.prepareSplit(t, sep)
	if err != nil {
		return err
	}
	for rest, more := t.s, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, string(sep))
		if err := fn(text{s: part, enc: t.enc}); err != nil {
			return err
		}
	}
	return nil
}

// cutAssignment splits "name=value" at the first "=" and decodes both
// sides. found is false when there is no "=". With bareName, as in matrix
// style, a part without a bare "=" is a name alone, because a matrix
// property with an empty value is written ";name". Otherwise the rule of
// prepareSplit decides whether to cut before or after decoding.
func (s *Spec) cutAssignment(t text, bareName bool) (name, value string, found bool, err error) {
	if !bareName {
		if t, err = s.prepareSplit(t, '='); err != nil {
			return "", "", false, err
		}
	}
	rawName, rawValue, found := strings.Cut(t.s, "=")
	if name, err = s.decode(text{s: rawName, enc: t.enc}); err != nil {
		return "", "", false, err
	}
	if value, err = s.decode(text{s: rawValue, enc: t.enc}); err != nil {
		return "", "", false, err
	}
	return name, value, found, nil
}

// pairList reads an object given as alternating names and values,
// "R,100,G,200", separated by sep.
func (s *Spec) pairList(t text, sep byte) ([]Property, error) {
	parts, err := s.splitList(t, sep)
	if err != nil {
		return nil, err
	}
	if len(parts)%2 != 0 {
		return nil, s.invalid("odd number of names and values in", t.s, nil)
	}
	props := make([]Property, 0, len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		props = append(props, Property{Name: parts[i], Value: parts[i+1]})
	}
	return props, s.checkDuplicates(props)
}

// assignmentList reads an object given as "R=100,G=200" with separator
// sep. When bareName is true, an element without "=" is a property with an
// empty value, as in matrix style. Otherwise it is an error.
func (s *Spec) assignmentList(t text, sep byte, bareName bool) ([]Property, error) {
	props := make([]Property, 0, strings.Count(t.s, string(sep))+1)
	err := s.eachPart(t, sep, func(part text) error {
		name, value, found, err := s.cutAssignment(part, bareName)
		if err != nil {
			return err
		}
		if !found && !bareName {
			return s.invalid(`missing "=" in property`, part.s, nil)
		}
		props = append(props, Property{Name: name, Value: value})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return props, s.checkDuplicates(props)
}

// maxQuadraticCheck is the number of properties up to which
// checkDuplicates compares every pair instead of building a map. Pairwise
// comparison is cheaper for the small objects that parameters usually are.
const maxQuadraticCheck = 16

// checkDuplicates returns an error naming the first property name that
// appears twice.
func (s *Spec) checkDuplicates(props []Property) error {
	if len(props) <= maxQuadraticCheck {
		for i := range props {
			for j := range i {
				if props[i].Name == props[j].Name {
					return s.invalid("duplicate property", props[i].Name, nil)
				}
			}
		}
		return nil
	}
	seen := make(map[string]struct{}, len(props))
	for _, p := range props {
		if _, ok := seen[p.Name]; ok {
			return s.invalid("duplicate property", p.Name, nil)
		}
		seen[p.Name] = struct{}{}
	}
	return nil
}
