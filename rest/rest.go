package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/oas"
	"github.com/whgen/whgen/params"
	"github.com/whgen/whgen/problem"
)

// ErrNotImplemented is the cause of the 501 responses that a generated
// Unimplemented server gives.
var ErrNotImplemented = errors.New("operation not implemented")

// NotImplemented returns the 501 error for an operation that the server
// does not implement.
func NotImplemented(operationID string) error {
	return problem.Wrap(ErrNotImplemented, http.StatusNotImplemented, fmt.Sprintf("operation %s is not implemented", operationID))
}

// Fail sends err to the client through hook, or through
// middleware.WriteProblem when hook is nil. An error that is not a
// *problem.Error becomes a 500 whose detail stays private.
func Fail(w http.ResponseWriter, r *http.Request, err error, hook middleware.ErrorHandler) {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		err = problem.Wrap(err, http.StatusInternalServerError, "")
	}
	if hook == nil {
		hook = middleware.WriteProblem
	}
	hook(w, r, err)
}

// Call is the state that a generated server allocates for one request:
// the typed request and a context that carries the operation, in one
// allocation.
type Call[Req any] struct {
	ctx middleware.OperationContext
	Req Req
}

// NewCall returns a Call for r and op with a zero Req.
func NewCall[Req any](r *http.Request, op *middleware.Operation) *Call[Req] {
	c := new(Call[Req])
	c.ctx.Context = r.Context()
	c.ctx.Operation = op
	return c
}

// Context returns the request's context, carrying the operation.
func (c *Call[Req]) Context() context.Context {
	return &c.ctx
}

// CheckOperationMiddleware returns an error naming each key of byID that
// is not the ID of one of ops, so that a mistyped operation ID cannot
// silently leave its middleware out.
func CheckOperationMiddleware(ops []*middleware.Operation, byID map[string][]middleware.Middleware) error {
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		if !slices.ContainsFunc(ops, func(op *middleware.Operation) bool { return op.ID == id }) {
			errs = append(errs, fmt.Errorf("OperationMiddleware: %q is not the ID of an operation of the spec", id))
		}
	}
	return errors.Join(errs...)
}

// ParamErrors collects the failures of reading a request's parameters.
type ParamErrors []problem.FieldError

// Add records err, which a params.Spec method returned. It returns false
// for errors that are not about the client's input (an unsupported
// parameter shape, a bug in the spec or in whgen), which the caller should
// pass on as a 500.
func (p *ParamErrors) Add(err error) bool {
	var pe *params.Error
	if !errors.As(err, &pe) {
		*p = append(*p, problem.FieldError{Detail: err.Error()})
		return true
	}
	if errors.Is(err, params.ErrUnsupported) {
		return false
	}
	*p = append(*p, problem.FieldError{Parameter: pe.Name, In: string(pe.In), Detail: err.Error()})
	return true
}

// AddValidation records the constraint violations of a parameter's value,
// with details worded as those of params.Error, such as `query parameter
// "sort": must be one of "asc", "desc"`.
func (p *ParamErrors) AddValidation(name, in string, errs oas.Errors) {
	for _, e := range errs {
		detail := fmt.Sprintf("%s parameter %q: %s", in, name, e.Message)
		if e.Pointer != "" {
			detail = fmt.Sprintf("%s parameter %q at %s: %s", in, name, e.Pointer, e.Message)
		}
		*p = append(*p, problem.FieldError{Parameter: name, In: in, Pointer: e.Pointer, Detail: detail})
	}
}

// Err returns nil when there is nothing recorded and a 400 problem listing
// every failure otherwise.
func (p ParamErrors) Err() error {
	if len(p) == 0 {
		return nil
	}
	return problem.Invalid(p...)
}

// MediaType returns the media type of the request's Content-Type header,
// lower-cased and without parameters, or "" when there is none. A header
// that does not parse, and a JSON or form type with a charset other than
// UTF-8, come back whole, so that they match no declared media type and
// the request gets a 415 that quotes them.
func MediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt == "" {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	if cs, ok := params["charset"]; ok && utf8Only(mt) {
		switch strings.ToLower(cs) {
		case "utf-8", "utf8", "us-ascii":
		default:
			return strings.ToLower(strings.TrimSpace(ct))
		}
	}
	return mt
}

// utf8Only reports whether bodies of the media type mt are UTF-8 text, as
// RFC 8259 requires of JSON and the URL standard of form bodies.
func utf8Only(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "application/x-www-form-urlencoded"
}

// UnsupportedMediaType returns the 415 error for a body whose media type
// the operation does not accept.
func UnsupportedMediaType(got string, accepted ...string) error {
	if got == "" {
		got = "none"
	}
	return problem.NewError(http.StatusUnsupportedMediaType,
		fmt.Sprintf("content type %s is not accepted; send one of %s", got, strings.Join(accepted, ", ")))
}

// ReadBody reads the request body up to maxBytes (0 means
// middleware.DefaultMaxBodyBytes). A compressed body gets a 415, since
// generated servers decode only uncompressed ones.
func ReadBody(r *http.Request, maxBytes int64) ([]byte, error) {
	body, err := middleware.ReadBody(r, maxBytes)
	if err != nil {
		return nil, err
	}
	if ce := r.Header.Get("Content-Encoding"); len(body) > 0 && ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, problem.NewError(http.StatusUnsupportedMediaType, fmt.Sprintf("content encoding %q is not supported; send the body uncompressed", ce))
	}
	return body, nil
}

// MaxJSONDepth is the deepest nesting of arrays and objects that DecodeJSON
// accepts in a request body. Generated decoders of recursive schemas scan
// each level's subtree again, so their time grows with depth times size.
// The bound keeps a small hostile body cheap. Raise it before serving if a
// spec needs deeper documents.
var MaxJSONDepth = 128

// DecodeJSON decodes a JSON request body into dst. Malformed JSON gets a
// 400 problem with the offset where it broke, and so does a body nested
// deeper than MaxJSONDepth or one that is not valid Unicode text
// (oas.CheckText).
func DecodeJSON(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return problem.NewError(http.StatusBadRequest, "the request body is empty; send a JSON value")
	}
	if at := oas.DeeperThan(body, MaxJSONDepth); at >= 0 {
		return problem.NewError(http.StatusBadRequest, fmt.Sprintf("the request body nests arrays and objects more than %d levels deep (at byte %d)", MaxJSONDepth, at))
	}
	if err := oas.CheckText(body); err != nil {
		return problem.Wrap(err, http.StatusBadRequest, "the request body is not valid JSON text: "+err.Error())
	}
	err := oas.Unmarshal(body, dst)
	if err != nil {
		var se *json.SyntaxError
		var te *oas.TypeError
		switch {
		case errors.As(err, &se):
			return problem.Wrap(err, http.StatusBadRequest, fmt.Sprintf("the request body is not valid JSON: %s at byte %d", se.Error(), se.Offset))
		case errors.As(err, &te):
			p := problem.New(http.StatusUnprocessableEntity, "the request body does not match the schema")
			p.Errors = problem.ValidationErrors(te)
			return &problem.Error{Problem: p, Err: err}
		}
		// The JSON is well formed, so a value rejected while decoding (a
		// date that does not exist, a number out of range) breaks the schema.
		p := problem.New(http.StatusUnprocessableEntity, "the request body does not match the schema: "+err.Error())
		return &problem.Error{Problem: p, Err: err}
	}
	return nil
}

// Invalid returns the 422 problem for a body that breaks its schema, or
// nil when err is nil. err is what a generated Validate method returned.
func Invalid(err error) error {
	if err == nil {
		return nil
	}
	p := problem.New(http.StatusUnprocessableEntity, "the request body does not match the schema")
	p.Errors = problem.ValidationErrors(err)
	return &problem.Error{Problem: p, Err: err}
}

// WriteJSON sends v as the response body with the given status and
// content type.
//
// A nil slice is sent as [] and a nil map as {}, because a declared array
// or object body has no null.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) error {
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Slice:
		if rv.IsNil() {
			return WriteBytes(w, status, contentType, []byte("[]"))
		}
	case reflect.Map:
		if rv.IsNil() {
			return WriteBytes(w, status, contentType, []byte("{}"))
		}
	}
	e := encoders.Get().(*encoder)
	defer e.release()
	if err := e.enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	// Encode ends the value with a newline, which json.Marshal does not.
	b := e.buf.Bytes()
	b = b[:len(b)-1]
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}

// encoder is a reusable buffer with a JSON encoder writing to it. Encoding
// into a pooled buffer saves the copy of the result that json.Marshal
// makes for each response. The bytes are the same, HTML escaping included.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// maxPooledBuffer is the largest buffer returned to the pool, so that one
// huge response does not pin its memory.
const maxPooledBuffer = 64 << 10

var encoders = sync.Pool{New: func() any {
	e := new(encoder)
	e.enc = json.NewEncoder(&e.buf)
	return e
}}

func (e *encoder) release() {
	if e.buf.Cap() > maxPooledBuffer {
		return
	}
	e.buf.Reset()
	encoders.Put(e)
}

// WriteBytes sends b as the response body with the given status and
// content type.
func WriteBytes(w http.ResponseWriter, status int, contentType string, b []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}

// SetHeader sets a response header from a typed value; a nil pointer
// sets nothing, and a slice is joined with commas (the simple style).
func SetHeader(h http.Header, name string, v any) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil() {
		return
	}
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	h.Set(name, strings.Join(params.FormatAll(rv.Interface()), ","))
}

// Register adds handler to mux under pattern, returning ServeMux's
// complaint about a conflicting or invalid pattern as an error instead of
// a panic.
func Register(mux *http.ServeMux, pattern string, handler http.Handler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("register %s: %v", pattern, v)
		}
	}()
	mux.Handle(pattern, handler)
	return nil
}

// SpecHandler serves an embedded OpenAPI document as JSON.
func SpecHandler(spec []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(spec)
	})
}

// Shape tells ReadParam how a parameter's value is laid out on the wire.
type Shape int

// The shapes of parameter values.
const (
	Primitive Shape = iota // one value
	Array                  // a list of values
	Object                 // name and value pairs
	JSON                   // a JSON document (a parameter given with content)
)

// Text reads the text of the primitive parameter that spec describes and
// reports whether the request carries it. Like ReadParam, it records
// failures about the client's input in p and returns the others.
// Generated servers convert the text with the typed parsers of
// params.Spec and pass their errors to Parsed.
func (p *ParamErrors) Text(r *http.Request, spec *params.Spec) (string, bool, error) {
	text, ok, err := spec.Primitive(r)
	if err != nil {
		if !p.Add(err) {
			return "", false, err
		}
		return "", false, nil
	}
	return text, ok, nil
}

// Failed reports whether p holds a failure for the parameter that spec
// describes, so that a parameter the request carries with an invalid
// value is not also reported missing or given its default.
func (p ParamErrors) Failed(spec *params.Spec) bool {
	for _, e := range p {
		if e.Parameter == spec.Name && e.In == string(spec.In) {
			return true
		}
	}
	return false
}

// Parsed reports whether err, from a params.Spec parser, is nil, and
// records it otherwise.
func (p *ParamErrors) Parsed(err error) bool {
	if err == nil {
		return true
	}
	p.Add(err)
	return false
}

// ReadObject is ReadParam for an object parameter read into a struct. It
// also returns the property names the request carries, which the caller
// checks against the schema's required and declared properties.
func (p *ParamErrors) ReadObject(r *http.Request, spec *params.Spec, dst any) ([]string, bool, error) {
	props, ok, err := spec.Object(r)
	if err == nil && ok {
		err = spec.SetObject(props, dst)
	}
	if err != nil {
		if !p.Add(err) {
			return nil, false, err
		}
		return nil, false, nil
	}
	names := make([]string, len(props))
	for i, prop := range props {
		names[i] = prop.Name
	}
	return names, ok, nil
}

// ReadParam reads the parameter that spec describes from r into dst, a
// pointer to the request field, and reports whether the request carries
// it. Failures about the client's input are recorded in p; the error it
// returns is for failures that are not (an unsupported parameter shape),
// which the caller should pass on as a 500.
func (p *ParamErrors) ReadParam(r *http.Request, spec *params.Spec, shape Shape, dst any) (bool, error) {
	var ok bool
	var err error
	switch shape {
	case JSON:
		ok, err = spec.DecodeJSON(r, dst)
	case Array:
		var items []string
		if items, ok, err = spec.Array(r); err == nil && ok {
			err = spec.SetItems(items, dst)
		}
	case Object:
		_, ok, err := p.ReadObject(r, spec, dst)
		return ok, err
	default:
		var text string
		if text, ok, err = spec.Primitive(r); err == nil && ok {
			err = spec.Set(text, dst)
		}
	}
	if err != nil {
		if !p.Add(err) {
			return false, err
		}
		return false, nil
	}
	return ok, nil
}
