package params

import (
	"encoding/json"
	"net/http"
)

// DecodeJSON reads a parameter described with "content: application/json"
// and unmarshals it into v with encoding/json. present is false, and v is
// left alone, when the request does not carry the parameter.
//
// A content parameter has no style: its whole value is one JSON text. The
// value is read as Primitive reads a parameter of the default style for
// s.In, so s.Style and s.Explode are ignored. A JSON syntax or type error
// is returned as an *Error that wraps the encoding/json error.
func (s *Spec) DecodeJSON(r *http.Request, v any) (present bool, err error) {
	plain := s.withoutStyle()
	text, present, err := plain.Primitive(r)
	if !present || err != nil {
		return false, err
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		return true, s.invalid("invalid JSON: "+err.Error()+" in", text, err)
	}
	return true, nil
}

// AppendJSON marshals v with encoding/json and appends it to dst as
// AppendPrimitive appends a value of the default style for s.In, so
// s.Style, s.Explode and s.AllowReserved are ignored.
func (s *Spec) AppendJSON(dst []byte, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return dst, &Error{Name: s.Name, In: s.In, Reason: "encode JSON: " + err.Error(), Err: err}
	}
	plain := s.withoutStyle()
	return plain.AppendPrimitive(dst, string(data))
}

// withoutStyle returns a copy of s with the default style and no
// explode or allowReserved, as a content parameter is serialised.
func (s *Spec) withoutStyle() Spec {
	return Spec{Name: s.Name, In: s.In}
}
