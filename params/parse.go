package params

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Primitive returns the text of a primitive parameter of r: a string,
// number, boolean or any other single value, before type conversion.
// present is false when the request does not carry the parameter, and
// then value is "" and err is nil. A present parameter can be empty.
//
// Path values come from r.PathValue, already percent-decoded by the
// router. A label value loses its "." prefix, and a matrix value its
// ";name=" prefix. Query and cookie values are percent-decoded, and in a
// query "+" is a space. A query parameter that appears twice is an error.
// Header values lose surrounding spaces and tabs but are not decoded, and
// a header with more than one field line is an error. So is a value that
// is not valid UTF-8, which no OpenAPI string can hold.
func (s *Spec) Primitive(r *http.Request) (value string, present bool, err error) {
	value, present, err = s.primitive(r)
	if err == nil && !utf8.ValidString(value) {
		return "", false, s.invalid("invalid UTF-8 in", value, nil)
	}
	return value, present, err
}

// primitive is Primitive without the UTF-8 check.
func (s *Spec) primitive(r *http.Request) (value string, present bool, err error) {
	if err := s.check(); err != nil {
		return "", false, err
	}
	switch s.In {
	case InPath:
		v := r.PathValue(s.Name)
		if v == "" {
			return "", false, nil
		}
		v, err = s.pathPrimitive(v)
		return v, err == nil, err
	case InHeader:
		t, found, err := s.headerText(r, false)
		return t.s, found, err
	}
	if s.style() == DeepObject {
		return "", false, s.unsupportedShape("primitive")
	}
	t, found, err := s.singleValue(s.pairs(r))
	if !found || err != nil {
		return "", false, err
	}
	v, err := s.decode(t)
	return v, err == nil, err
}

// pathPrimitive strips the style prefix from a decoded path value.
func (s *Spec) pathPrimitive(v string) (string, error) {
	switch s.style() {
	case Label:
		t, err := s.trimPrefix(text{s: v, enc: decoded}, '.')
		return t.s, err
	case Matrix:
		t, err := s.trimPrefix(text{s: v, enc: decoded}, ';')
		if err != nil {
			return "", err
		}
		name, value, _ := strings.Cut(t.s, "=")
		if name != s.Name {
			return "", s.invalid("wrong matrix parameter name in", v, nil)
		}
		return value, nil
	}
	return v, nil
}

// Array returns the items of an array parameter of r, as text before
// type conversion. present is false when the request does not carry the
// parameter. A present but empty array is a non-nil empty slice.
//
// The package documentation lists the wire form of every style. Items are
// percent-decoded except in headers, where the spaces around each item are
// dropped instead.
func (s *Spec) Array(r *http.Request) (items []string, present bool, err error) {
	items, present, err = s.array(r)
	for i, item := range items {
		if err == nil && !utf8.ValidString(item) {
			return nil, false, atIndex(s.invalid("invalid UTF-8 in", item, nil), i)
		}
	}
	return items, present, err
}

// array is Array without the UTF-8 check.
func (s *Spec) array(r *http.Request) (items []string, present bool, err error) {
	if err := s.check(); err != nil {
		return nil, false, err
	}
	switch s.In {
	case InPath:
		t, found := s.pathText(r)
		if !found {
			return nil, false, nil
		}
		return result(s.pathArray(t))
	case InHeader:
		t, found, err := s.headerText(r, true)
		if !found || err != nil {
			return nil, false, err
		}
		return result(s.splitList(t, ','))
	}
	return resultPresent(s.pairArray(s.pairs(r)))
}

// pathArray reads an array from a path segment.
func (s *Spec) pathArray(t text) ([]string, error) {
	switch s.style() {
	case Label:
		t, err := s.trimPrefix(t, '.')
		if err != nil {
			return nil, err
		}
		return s.splitList(t, s.labelSeparator())
	case Matrix:
		if s.Explode {
			return s.matrixExplodedArray(t)
		}
		value, err := s.matrixValue(t)
		if err != nil {
			return nil, err
		}
		if err := s.rejectExplodedMatrix(value); err != nil {
			return nil, err
		}
		return s.splitList(value, ',')
	}
	return s.splitList(t, ',')
}

// matrixExplodedArray reads ";name=a;name=b", where ";name" alone is an
// empty item.
func (s *Spec) matrixExplodedArray(t text) ([]string, error) {
	t, err := s.trimPrefix(t, ';')
	if err != nil {
		return nil, err
	}
	items := make([]string, 0, strings.Count(t.s, ";")+1)
	err = s.eachPart(t, ';', func(part text) error {
		name, value, _, err := s.cutAssignment(part, true)
		if err != nil {
			return err
		}
		if name != s.Name {
			return s.invalid("wrong matrix parameter name in", part.s, nil)
		}
		items = append(items, value)
		return nil
	})
	return items, err
}

// pairArray reads an array from the query string or the cookies.
func (s *Spec) pairArray(ps pairSource) ([]string, bool, error) {
	style := s.style()
	if style == DeepObject {
		return nil, false, s.unsupportedShape("array")
	}
	if s.Explode {
		// Counting first costs a second scan but saves the allocations
		// of a growing slice, which cost more.
		count, _ := s.values(ps, func(text) error { return nil })
		items := make([]string, 0, count)
		n, err := s.values(ps, func(value text) error {
			item, err := s.decode(value)
			items = append(items, item)
			return err
		})
		if n == 0 || err != nil {
			return nil, false, err
		}
		return items, true, nil
	}
	t, found, err := s.singleValue(ps)
	if !found || err != nil {
		return nil, false, err
	}
	items, err := s.splitList(t, listSeparator(style))
	return items, true, err
}

// listSeparator returns the byte between the items of a non-exploded
// query or cookie value.
func listSeparator(style Style) byte {
	switch style {
	case SpaceDelimited:
		return ' '
	case PipeDelimited:
		return '|'
	}
	return ','
}

// Object returns the properties of an object parameter of r, in the order
// of the request, as text before type conversion. present is false when
// the request does not carry the parameter. A present but empty object is
// a non-nil empty slice. A property name that appears twice is an error.
//
// An exploded Form object takes its properties from the top-level query
// keys or cookie names that s.Properties and s.Exclude select, so present
// is false when none of them appears. A DeepObject is present when at
// least one "name[property]" key appears. Nested keys such as
// "name[a][b]" are an error, because OpenAPI leaves them undefined.
func (s *Spec) Object(r *http.Request) (props []Property, present bool, err error) {
	props, present, err = s.object(r)
	for _, p := range props {
		if err == nil && !(utf8.ValidString(p.Name) && utf8.ValidString(p.Value)) {
			return nil, false, s.invalid("invalid UTF-8 in property", p.Name+"="+p.Value, nil)
		}
	}
	return props, present, err
}

// object is Object without the UTF-8 check.
func (s *Spec) object(r *http.Request) (props []Property, present bool, err error) {
	if err := s.check(); err != nil {
		return nil, false, err
	}
	switch s.In {
	case InPath:
		t, found := s.pathText(r)
		if !found {
			return nil, false, nil
		}
		return result(s.pathObject(t))
	case InHeader:
		t, found, err := s.headerText(r, true)
		if !found || err != nil {
			return nil, false, err
		}
		return result(s.delimitedObject(t))
	}
	return resultPresent(s.pairObject(s.pairs(r)))
}

// pathObject reads an object from a path segment.
func (s *Spec) pathObject(t text) ([]Property, error) {
	switch s.style() {
	case Label:
		t, err := s.trimPrefix(t, '.')
		if err != nil {
			return nil, err
		}
		if s.Explode {
			return s.assignmentList(t, '.', false)
		}
		return s.flatPathObject(t)
	case Matrix:
		if s.Explode {
			t, err := s.trimPrefix(t, ';')
			if err != nil {
				return nil, err
			}
			return s.assignmentList(t, ';', true)
		}
		value, err := s.matrixValue(t)
		if err != nil {
			return nil, err
		}
		if err := s.rejectExplodedMatrix(value); err != nil {
			return nil, err
		}
		return s.flatPathObject(value)
	}
	if s.Explode {
		return s.assignmentList(t, ',', false)
	}
	return s.flatPathObject(t)
}

// flatPathObject reads a non-exploded path object, "R,100,G,200". A
// property name with a bare "=" shows the exploded form "R=100,G=200",
// which would otherwise be read as the property "R=100" with the value
// "G=200". Values may hold a bare "=", because url.PathEscape and many
// other encoders leave it bare. A decoded text cannot tell a bare "="
// from "%3D", so it is not checked.
func (s *Spec) flatPathObject(t text) ([]Property, error) {
	props, err := s.pairList(t, ',')
	if err != nil || t.enc != percentEncoded || strings.IndexByte(t.s, ',') < 0 {
		return props, err
	}
	for rest, more := t.s, true; more; {
		var name string
		name, rest, more = strings.Cut(rest, ",")
		if strings.IndexByte(name, '=') >= 0 {
			return nil, s.invalid(`explode is false, so send names and values separated by ",", not name=value pairs, in`, t.s, nil)
		}
		_, rest, more = strings.Cut(rest, ",")
	}
	return props, nil
}

// rejectExplodedMatrix returns an error when the escaped value of a
// non-exploded matrix parameter holds a bare ";", which only the
// exploded form ";color=a;color=b" leaves bare. Encoders escape a ";"
// inside a value, so the check does not reject any value that the
// non-exploded form can carry. A decoded text is not checked.
func (s *Spec) rejectExplodedMatrix(value text) error {
	if value.enc != percentEncoded || strings.IndexByte(value.s, ';') < 0 {
		return nil
	}
	return s.invalid(`explode is false, so send one ";`+s.Name+`=" with the items separated by ",", not`, ";"+s.Name+"="+value.s, nil)
}

// delimitedObject reads a simple-style object: "R,100,G,200" when s is
// not exploded, and "R=100,G=200" when it is.
func (s *Spec) delimitedObject(t text) ([]Property, error) {
	if s.Explode {
		return s.assignmentList(t, ',', false)
	}
	return s.pairList(t, ',')
}

// pairObject reads an object from the query string or the cookies.
func (s *Spec) pairObject(ps pairSource) ([]Property, bool, error) {
	style := s.style()
	switch {
	case style == DeepObject:
		return s.deepObject(ps)
	case s.Explode:
		return s.explodedObject(ps)
	}
	t, found, err := s.singleValue(ps)
	if !found || err != nil {
		return nil, false, err
	}
	props, err := s.pairList(t, listSeparator(style))
	return props, true, err
}

// explodedObject collects the pairs whose names s.Properties and
// s.Exclude select.
func (s *Spec) explodedObject(ps pairSource) ([]Property, bool, error) {
	props := make([]Property, 0, len(s.Properties))
	err := ps.each(func(rawName string, value text) error {
		name, ok := ps.decodeName(rawName)
		if !ok {
			if s.Properties == nil {
				return s.invalid("invalid percent-encoding in", rawName, nil)
			}
			return nil
		}
		if !s.selects(name) {
			if name == s.Name && s.In == InQuery {
				return s.invalid("explode is true, so send each property as its own query key, such as property=value, not", rawName+"="+value.s, nil)
			}
			return nil
		}
		v, err := s.decode(value)
		props = append(props, Property{Name: name, Value: v})
		return err
	})
	if len(props) == 0 || err != nil {
		return nil, false, err
	}
	return props, true, s.checkDuplicates(props)
}

// selects reports whether the pair name belongs to an exploded Form
// object.
func (s *Spec) selects(name string) bool {
	if s.Properties != nil {
		return slices.Contains(s.Properties, name)
	}
	return !slices.Contains(s.Exclude, name)
}

// deepObject collects the pairs named "name[property]".
func (s *Spec) deepObject(ps pairSource) ([]Property, bool, error) {
	var props []Property
	err := ps.each(func(rawName string, value text) error {
		name, ok := ps.decodeName(rawName)
		if ok && name == s.Name {
			return s.invalid("must be sent as "+s.Name+"[property]=value, not", rawName+"="+value.s, nil)
		}
		if !ok || !strings.HasPrefix(name, s.Name) || !strings.HasPrefix(name[len(s.Name):], "[") {
			return nil
		}
		if props == nil {
			props = make([]Property, 0, 4)
		}
		prop, err := s.deepObjectProperty(name)
		if err != nil {
			return err
		}
		v, err := s.decode(value)
		props = append(props, Property{Name: prop, Value: v})
		return err
	})
	if len(props) == 0 || err != nil {
		return nil, false, err
	}
	return props, true, s.checkDuplicates(props)
}

// deepObjectProperty returns the property in a key "name[property]".
func (s *Spec) deepObjectProperty(key string) (string, error) {
	inner, ok := strings.CutSuffix(key[len(s.Name)+1:], "]")
	switch {
	case !ok:
		return "", s.invalid(`missing "]" in key`, key, nil)
	case inner == "":
		return "", s.invalid("empty property name in key", key, nil)
	case strings.ContainsAny(inner, "[]"):
		return "", s.invalid("nested property in key", key, nil)
	}
	return inner, nil
}

// labelSeparator returns the separator of a label value after its prefix:
// "." when exploded, and "," otherwise. The package documentation says why
// the dotted non-exploded form of OpenAPI 3.0 is not read.
func (s *Spec) labelSeparator() byte {
	if s.Explode {
		return '.'
	}
	return ','
}

// trimPrefix removes the label or matrix prefix c from t.
func (s *Spec) trimPrefix(t text, c byte) (text, error) {
	if t.s == "" || t.s[0] != c {
		return text{}, s.invalid(`missing "`+string(c)+`" prefix in`, t.s, nil)
	}
	return text{s: t.s[1:], enc: t.enc}, nil
}

// matrixValue returns the still encoded value of ";name=value", and an
// empty text for ";name".
func (s *Spec) matrixValue(t text) (text, error) {
	rest, err := s.trimPrefix(t, ';')
	if err != nil {
		return text{}, err
	}
	rawName, value, _ := strings.Cut(rest.s, "=")
	name, err := s.decode(text{s: rawName, enc: rest.enc})
	if err != nil {
		return text{}, err
	}
	if name != s.Name {
		return text{}, s.invalid("wrong matrix parameter name in", t.s, nil)
	}
	return text{s: value, enc: rest.enc}, nil
}

// result returns the outcome of parsing a present parameter, with no
// value when err is not nil.
func result[T any](value T, err error) (T, bool, error) {
	return resultPresent(value, true, err)
}

// resultPresent returns value and present, or neither when err is not
// nil.
func resultPresent[T any](value T, present bool, err error) (T, bool, error) {
	if err != nil {
		var zero T
		return zero, false, err
	}
	return value, present, nil
}

// check returns the Validate error when s is not a supported combination.
func (s *Spec) check() error {
	if s.Name != "" && s.styleAllowed() {
		return nil
	}
	return s.Validate()
}
