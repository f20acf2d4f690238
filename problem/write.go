package problem

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Write sends p as the response: status p.Status, Content-Type
// application/problem+json, X-Content-Type-Options nosniff, and the JSON
// body followed by a newline. A Status outside 400-599 is sent, and
// encoded, as 500, because a problem describes an error.
//
// Write replaces any Content-Length and Content-Encoding that an earlier
// handler set, because those described a different body. Other headers
// already set on w, such as WWW-Authenticate or Retry-After, are sent
// unchanged.
//
// When an extension member cannot be encoded, Write sends p without its
// extension members and returns the encoding error, so the client still
// gets a valid problem body. A non-nil error otherwise comes from w.Write.
func Write(w http.ResponseWriter, p *Problem) error {
	if p == nil {
		p = internal()
	}
	if !isErrorStatus(p.Status) {
		fixed := *p
		fixed.Status = http.StatusInternalServerError
		p = &fixed
	}
	body, encodeErr := json.Marshal(p)
	if encodeErr != nil {
		stripped := *p
		stripped.Extensions = nil
		body, _ = json.Marshal(stripped) // only string, int and FieldError fields remain
	}

	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	h.Set("Content-Type", ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	if _, err := w.Write(append(body, '\n')); err != nil {
		return fmt.Errorf("write problem body: %w", err)
	}
	return encodeErr
}

// WriteError sends the Problem that err carries, as [From] selects it.
func WriteError(w http.ResponseWriter, err error) error {
	return Write(w, From(err))
}

func isErrorStatus(status int) bool {
	return status >= 400 && status <= 599
}
