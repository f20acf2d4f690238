package rest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/whgen/whgen/params"
	"github.com/whgen/whgen/problem"
)

var formSpec = &params.Spec{Name: "body", In: params.InQuery, Style: params.Form, Explode: true}

// DecodeForm decodes an application/x-www-form-urlencoded body into dst,
// a pointer to a struct with json tags or to a map. It returns the sorted
// names of the fields the body carries, from which generated code finds
// absent required members (oas.Object.ScanNames).
func DecodeForm(body []byte, dst any) ([]string, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		detail := "the request body is not valid form data: " + err.Error()
		if strings.Contains(string(body), ";") && !strings.Contains(err.Error(), "escape") {
			// net/url's message mentions a query, which the client did not send.
			detail = "the request body is not valid form data: separate fields with '&', not ';'"
		}
		return nil, problem.Wrap(err, http.StatusBadRequest, detail)
	}
	return setFields(values, dst)
}

// setFields converts the form values into dst. An array field takes every
// value of its name, as the form style with explode, the default of form
// bodies, repeats the name per item. Any other field takes one value, and
// a name repeated for it is an error, since picking one copy would hide
// the other.
func setFields(values url.Values, dst any) ([]string, error) {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	arrays := arrayFields(dst)
	props := make([]params.Property, 0, len(names))
	for _, n := range names {
		vs := values[n]
		for _, v := range vs {
			if !utf8.ValidString(n) || !utf8.ValidString(v) {
				return nil, problem.NewError(http.StatusBadRequest, fmt.Sprintf("the request body field %q is not valid UTF-8", strings.ToValidUTF8(n, "\uFFFD")))
			}
		}
		if field, ok := arrays[n]; ok {
			if err := formSpec.SetItems(vs, sliceOf(field).Addr().Interface()); err != nil {
				return nil, problem.Wrap(err, http.StatusBadRequest, fmt.Sprintf("the request body has an invalid field: property %q: %s", n, paramReason(err)))
			}
			continue
		}
		if len(vs) > 1 {
			return nil, problem.NewError(http.StatusBadRequest, fmt.Sprintf("the request body repeats the field %q, which takes one value", n))
		}
		props = append(props, params.Property{Name: n, Value: vs[0]})
	}
	if err := formSpec.SetObject(props, dst); err != nil {
		msg := err.Error()
		if name, _, ok := strings.Cut(msg, ": "); ok {
			msg = name + ": " + paramReason(err)
		}
		return nil, problem.Wrap(err, http.StatusBadRequest, "the request body has an invalid field: "+msg)
	}
	return names, nil
}

// paramReason returns the reason of the params error inside err, without
// the query parameter "body" that formSpec describes, which the client
// did not send.
func paramReason(err error) string {
	var pe *params.Error
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return err.Error()
}

// arrayFields returns the slice fields, other than []byte, of the struct
// that v is or points to, by JSON name. A field may be a pointer to a
// slice.
func arrayFields(v any) map[string]reflect.Value {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	out := map[string]reflect.Value{}
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if f.IsExported() && isArray(f.Type) {
			out[jsonName(f)] = rv.Field(i)
		}
	}
	return out
}

// sliceOf returns the slice that the field fv holds or, allocating it,
// points to.
func sliceOf(fv reflect.Value) reflect.Value {
	if fv.Kind() != reflect.Pointer {
		return fv
	}
	if fv.IsNil() {
		fv.Set(reflect.New(fv.Type().Elem()))
	}
	return fv.Elem()
}

// isArray reports whether t, or the type t points to, is a slice other
// than []byte.
func isArray(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8
}

// DecodeMultipart decodes a multipart/form-data body into dst, a pointer
// to a struct with json tags or to a []byte (which keeps the raw body).
// Text parts fill fields as form values do; file parts fill []byte or
// string fields whole. It returns the sorted names of the parts, as
// DecodeForm returns those of the fields.
func DecodeMultipart(body []byte, contentType string, dst any) ([]string, error) {
	if b, ok := dst.(*[]byte); ok {
		*b = body
		return nil, nil
	}
	_, p, err := mime.ParseMediaType(contentType)
	if err != nil || p["boundary"] == "" {
		return nil, problem.NewError(http.StatusBadRequest, "the multipart body has no boundary in its Content-Type")
	}
	mr := multipart.NewReader(bytes.NewReader(body), p["boundary"])
	values := url.Values{}
	files := map[string][]byte{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, problem.Wrap(err, http.StatusBadRequest, "the multipart body is malformed: "+err.Error())
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, problem.Wrap(err, http.StatusBadRequest, "the multipart body is malformed: "+err.Error())
		}
		if part.FileName() != "" {
			files[part.FormName()] = data
			continue
		}
		values.Add(part.FormName(), string(data))
	}
	names, err := setFields(values, dst)
	if err != nil {
		return nil, err
	}
	for name := range files {
		if _, ok := values[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, setFiles(files, dst)
}

func setFiles(files map[string][]byte, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	if v.Kind() != reflect.Struct {
		return nil
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name := jsonName(f)
		data, ok := files[name]
		if !ok {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer {
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		switch {
		case fv.Kind() == reflect.String:
			fv.SetString(string(data))
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
			fv.SetBytes(data)
		default:
			return problem.NewError(http.StatusBadRequest, fmt.Sprintf("the multipart part %q is a file, but the field takes no file", name))
		}
	}
	return nil
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	if tag == "" {
		return f.Name
	}
	return tag
}

// EncodeForm encodes a struct with json tags, or a map, as an
// application/x-www-form-urlencoded body.
func EncodeForm(v any) ([]byte, error) {
	values := url.Values{}
	for _, p := range params.Properties(v) {
		values.Add(p.Name, p.Value)
	}
	// Array fields repeat their name per item, as DecodeForm reads them.
	for name, field := range arrayFields(v) {
		values.Del(name)
		if field.Kind() == reflect.Pointer {
			if field.IsNil() {
				continue
			}
			field = field.Elem()
		}
		for i := range field.Len() {
			values.Add(name, params.Format(field.Index(i).Interface()))
		}
	}
	return []byte(values.Encode()), nil
}
