package generator_test

import (
	"fmt"
	"strconv"
	"strings"
)

// innerCase is one value that the test inside a generated package decodes
// into the Go type of a component schema.
type innerCase struct {
	id       string // unique within the spec
	typeName string // Go type of the component schema, *T for a schema that also accepts null
	json     string
}

// innerTestFile renders the _test.go file that lists the cases of one
// generated package. innerHelperSource, written beside it, runs them.
func innerTestFile(pkg string, cases []innerCase) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString("var whgenCases = []whgenCase{\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "\t{ID: %s, New: func() any { return new(%s) }, JSON: %s},\n",
			strconv.Quote(c.id), c.typeName, strconv.Quote(c.json))
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// innerHelperSource is the test that runs inside every generated package.
// For each case it decodes the JSON into the Go type, encodes it again,
// compares the two as JSON values and calls Validate, then writes what it
// found to $WHGEN_RESULTS/<package>.json for TestRoundTrip to judge. It
// never fails by itself, so one broken package does not hide the results
// of the others.
//
// The comparison applies two normalisations, both by design of the
// generated code: strings that are RFC 3339 date-times compare as instants
// (time.Time re-encodes "…00.000Z" as "…00Z"), and numbers compare by
// value (1.0 equals 1). Members that the output lacks are reported as
// dropped, and TestRoundTrip accepts only those the schema does not declare.
// A case whose type is a pointer (*T for a schema that accepts null) is
// validated through the pointer, and a nil one, which stands for null,
// counts as valid.
const innerHelperSource = `package PACKAGE

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/oas"
)

type whgenCase struct {
	ID   string
	New  func() any
	JSON string
}

type whgenResult struct {
	ID          string                ` + "`json:\"id\"`" + `
	DecodeError string                ` + "`json:\"decodeError,omitempty\"`" + `
	EncodeError string                ` + "`json:\"encodeError,omitempty\"`" + `
	Output      string                ` + "`json:\"output,omitempty\"`" + `
	Mismatches  []string              ` + "`json:\"mismatches,omitempty\"`" + `
	Dropped     []string              ` + "`json:\"dropped,omitempty\"`" + `
	HasValidate bool                  ` + "`json:\"hasValidate\"`" + `
	Errors      []oas.ValidationError ` + "`json:\"errors,omitempty\"`" + `
	OtherError  string                ` + "`json:\"otherError,omitempty\"`" + `
}

func TestWhgenRoundTrip(t *testing.T) {
	results := make([]whgenResult, 0, len(whgenCases))
	for _, c := range whgenCases {
		results = append(results, whgenRun(c))
	}
	data, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(os.Getenv("WHGEN_RESULTS"), "PACKAGE.json")
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func whgenRun(c whgenCase) (r whgenResult) {
	r.ID = c.ID
	defer func() {
		if p := recover(); p != nil {
			r.DecodeError = fmt.Sprintf("panic: %v", p)
		}
	}()

	v := c.New()
	if err := oas.Unmarshal([]byte(c.JSON), v); err != nil {
		r.DecodeError = err.Error()
		var te *oas.TypeError
		if errors.As(err, &te) {
			r.Errors = []oas.ValidationError{{Pointer: te.Pointer, Message: te.Detail}}
		}
		return r
	}
	out, err := json.Marshal(v)
	if err != nil {
		r.EncodeError = err.Error()
		return r
	}
	r.Output = string(out)

	in, errIn := whgenDecode(c.JSON)
	got, errOut := whgenDecode(string(out))
	if errIn != nil || errOut != nil {
		r.EncodeError = fmt.Sprintf("output is not JSON: %v %v", errIn, errOut)
		return r
	}
	whgenCompare("", in, got, &r)
	sort.Strings(r.Mismatches)
	sort.Strings(r.Dropped)

	if p := reflect.ValueOf(v).Elem(); p.Kind() == reflect.Pointer {
		if p.IsNil() {
			r.HasValidate = true
			return r
		}
		v = p.Interface()
	}
	if val, ok := v.(interface{ Validate() error }); ok {
		r.HasValidate = true
		err := val.Validate()
		var list oas.Errors
		switch {
		case err == nil:
		case errors.As(err, &list):
			r.Errors = list
		default:
			r.OtherError = err.Error()
		}
	}
	return r
}

func whgenDecode(s string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func whgenCompare(at string, in, out any, r *whgenResult) {
	mismatch := func(format string, args ...any) {
		r.Mismatches = append(r.Mismatches, whgenPointer(at)+": "+fmt.Sprintf(format, args...))
	}
	switch a := in.(type) {
	case map[string]any:
		b, ok := out.(map[string]any)
		if !ok {
			mismatch("object became %s", whgenShow(out))
			return
		}
		for k, v := range a {
			w, ok := b[k]
			if !ok {
				r.Dropped = append(r.Dropped, whgenPointer(at+"/"+whgenEscape(k)))
				continue
			}
			whgenCompare(at+"/"+whgenEscape(k), v, w, r)
		}
		for k, w := range b {
			if _, ok := a[k]; !ok {
				mismatch("member %q added with value %s", k, whgenShow(w))
			}
		}
	case []any:
		b, ok := out.([]any)
		if !ok || len(a) != len(b) {
			mismatch("array of %d items became %s", len(a), whgenShow(out))
			return
		}
		for i := range a {
			whgenCompare(at+"/"+strconv.Itoa(i), a[i], b[i], r)
		}
	case json.Number:
		b, ok := out.(json.Number)
		if !ok || !whgenNumberEqual(a, b) {
			mismatch("number %s became %s", a, whgenShow(out))
		}
	case string:
		b, ok := out.(string)
		if !ok || a != b && !whgenSameInstant(a, b) {
			mismatch("string %q became %s", a, whgenShow(out))
		}
	default:
		if in != out {
			mismatch("%s became %s", whgenShow(in), whgenShow(out))
		}
	}
}

func whgenNumberEqual(a, b json.Number) bool {
	if a == b {
		return true
	}
	fa, errA := strconv.ParseFloat(string(a), 64)
	fb, errB := strconv.ParseFloat(string(b), 64)
	return errA == nil && errB == nil && fa == fb
}

func whgenSameInstant(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	return errA == nil && errB == nil && ta.Equal(tb)
}

func whgenShow(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(data) > 80 {
		return string(data[:77]) + "..."
	}
	return string(data)
}

func whgenEscape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func whgenPointer(at string) string {
	if at == "" {
		return "/"
	}
	return at
}
`

// innerHelperFile returns innerHelperSource for package pkg.
func innerHelperFile(pkg string) []byte {
	return []byte(strings.ReplaceAll(innerHelperSource, "PACKAGE", pkg))
}
