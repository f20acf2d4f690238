package params

import (
	stdencoding "encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Set converts the text of a primitive parameter into *dst, which must be
// a pointer to a string, integer, float or bool type (named types
// included), a time.Time (RFC 3339 date-time), a []byte (base64), a type
// that implements encoding.TextUnmarshaler (such as oas.Date), or an
// interface, which receives the text as a string. Errors are *Error values
// naming the parameter.
func (s *Spec) Set(text string, dst any) error {
	return s.set(text, reflect.ValueOf(dst).Elem())
}

func (s *Spec) set(text string, v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			// Fill a new value, so that a failure leaves the pointer nil.
			nv := reflect.New(v.Type().Elem())
			if err := s.set(text, nv.Elem()); err != nil {
				return err
			}
			v.Set(nv)
			return nil
		}
		v = v.Elem()
	}
	if v.CanAddr() {
		if u, ok := v.Addr().Interface().(stdencoding.TextUnmarshaler); ok && v.Type() != timeType {
			if err := u.UnmarshalText([]byte(text)); err != nil {
				return s.invalid("invalid value", text, err)
			}
			return nil
		}
	}
	switch {
	case v.Type() == timeType:
		t, err := s.ParseDateTime(text)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
		return nil
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return s.invalid("invalid base64", text, err)
		}
		v.SetBytes(b)
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(text)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(text, 10, v.Type().Bits())
		if err != nil {
			return s.numberError("integer", text, err)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(text, 10, v.Type().Bits())
		if err != nil {
			return s.numberError("integer", text, err)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := s.parseFloat(text, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetFloat(f)
	case reflect.Bool:
		b, err := s.ParseBool(text)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Interface:
		v.Set(reflect.ValueOf(text))
	default:
		// Structured values without a style of their own: read as JSON.
		if err := json.Unmarshal([]byte(text), v.Addr().Interface()); err != nil {
			return s.invalid("invalid JSON value", text, err)
		}
	}
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

// SetItems converts the items of an array parameter into *dst, a pointer
// to a slice whose element type Set accepts.
func (s *Spec) SetItems(items []string, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	out := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		if err := s.set(item, out.Index(i)); err != nil {
			return atIndex(err, i)
		}
	}
	v.Set(out)
	return nil
}

// SetObject converts the properties of an object parameter into *dst, a
// pointer to a map with string keys or to a struct whose fields carry
// json tags. Properties a struct does not declare go into its
// AdditionalProperties map, as generated types name it, and are ignored
// when it has none.
func (s *Spec) SetObject(props []Property, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(v.Type(), len(props)))
		}
		for _, p := range props {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := s.set(p.Value, elem); err != nil {
				return fmt.Errorf("property %q: %w", p.Name, err)
			}
			v.SetMapIndex(reflect.ValueOf(p.Name).Convert(v.Type().Key()), elem)
		}
		return nil
	case reflect.Struct:
		fields := jsonFields(v.Type())
		for _, p := range props {
			i, ok := fields[p.Name]
			if ok {
				if err := s.set(p.Value, v.Field(i)); err != nil {
					return fmt.Errorf("property %q: %w", p.Name, err)
				}
				continue
			}
			extra, ok := additional(v)
			if !ok {
				continue
			}
			if extra.IsNil() {
				extra.Set(reflect.MakeMap(extra.Type()))
			}
			elem := reflect.New(extra.Type().Elem()).Elem()
			if err := s.set(p.Value, elem); err != nil {
				return fmt.Errorf("property %q: %w", p.Name, err)
			}
			extra.SetMapIndex(reflect.ValueOf(p.Name).Convert(extra.Type().Key()), elem)
		}
		return nil
	}
	return s.unsupported(fmt.Sprintf("an object parameter cannot be read into %s", v.Type()))
}

// additional returns the AdditionalProperties field of the struct v, a
// map with string keys that encoding/json skips, which generated types
// use for the properties their schema does not list.
func additional(v reflect.Value) (reflect.Value, bool) {
	f, ok := v.Type().FieldByName("AdditionalProperties")
	if !ok || len(f.Index) != 1 || f.Type.Kind() != reflect.Map || f.Type.Key().Kind() != reflect.String || f.Tag.Get("json") != "-" {
		return reflect.Value{}, false
	}
	return v.Field(f.Index[0]), true
}

// jsonFields maps the JSON names of a struct's exported fields to their
// indexes.
func jsonFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = i
	}
	return out
}

// Format returns the text of a primitive value for a parameter or header:
// the reverse of Set.
func Format(v any) string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return ""
	}
	if t, ok := rv.Interface().(time.Time); ok {
		return FormatDateTime(t)
	}
	if m, ok := rv.Interface().(stdencoding.TextMarshaler); ok {
		b, err := m.MarshalText()
		if err == nil {
			return string(b)
		}
	}
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(rv.Float(), 'g', -1, rv.Type().Bits())
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool())
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(rv.Bytes())
		}
	}
	b, err := json.Marshal(rv.Interface())
	if err != nil {
		return fmt.Sprint(rv.Interface())
	}
	return string(b)
}

// FormatAll formats each item of a slice with Format.
func FormatAll(v any) []string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return []string{Format(v)}
	}
	out := make([]string, rv.Len())
	for i := range out {
		out[i] = Format(rv.Index(i).Interface())
	}
	return out
}

// Properties lists the fields of a struct, or the entries of a map, as the
// properties of an object parameter, in field order or sorted key order,
// leaving out nil pointers.
func Properties(v any) []Property {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	var out []Property
	switch rv.Kind() {
	case reflect.Map:
		out = mapProperties(rv, out)
	case reflect.Struct:
		for i := range rv.NumField() {
			f := rv.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			fv := rv.Field(i)
			if fv.Kind() == reflect.Pointer && fv.IsNil() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out = append(out, Property{Name: name, Value: Format(fv.Interface())})
		}
		if extra, ok := additional(rv); ok {
			out = mapProperties(extra, out)
		}
	}
	return out
}

// mapProperties appends the entries of the map m to out in sorted key
// order.
func mapProperties(m reflect.Value, out []Property) []Property {
	names := make([]string, 0, m.Len())
	for _, k := range m.MapKeys() {
		names = append(names, k.String())
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, Property{Name: n, Value: Format(m.MapIndex(reflect.ValueOf(n).Convert(m.Type().Key())).Interface())})
	}
	return out
}
