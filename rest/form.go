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

func setFields(values url.Values, dst any) ([]string, error) {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	props := make([]params.Property, 0, len(names))
	for _, n := range names {
		v := values.Get(n)
		if !utf8.ValidString(n) || !utf8.ValidString(v) {
			return nil, problem.NewError(http.StatusBadRequest, fmt.Sprintf("the request body field %q is not valid UTF-8", strings.ToValidUTF8(n, "\uFFFD")))
		}
		props = append(props, params.Property{Name: n, Value: v})
	}
	if err := formSpec.SetObject(props, dst); err != nil {
		// The message names the field, not the query parameter "body"
		// that formSpec describes.
		msg := err.Error()
		var pe *params.Error
		if errors.As(err, &pe) {
			msg = strings.Replace(msg, pe.Error(), pe.Reason, 1)
		}
		return nil, problem.Wrap(err, http.StatusBadRequest, "the request body has an invalid field: "+msg)
	}
	return names, nil
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
	return []byte(values.Encode()), nil
}
