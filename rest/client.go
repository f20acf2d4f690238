package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/whgen/whgen/oas"
)

// RequestEditor changes an outgoing request, for example to add
// credentials, before a generated client sends it.
type RequestEditor func(ctx context.Context, req *http.Request) error

// MaxResponseBytes caps the response bodies that generated clients read.
const MaxResponseBytes = 64 << 20

// Send applies the editors to req, sends it with hc (http.DefaultClient
// when nil) and reads the whole response body, which it returns with the
// response; resp.Body is closed.
func Send(ctx context.Context, hc *http.Client, req *http.Request, editors []RequestEditor) (*http.Response, []byte, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req = req.WithContext(ctx)
	for _, edit := range editors {
		if err := edit(ctx, req); err != nil {
			return nil, nil, fmt.Errorf("edit request: %w", err)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read response of %s %s: %w", req.Method, req.URL.Path, err)
	}
	if len(body) > MaxResponseBytes {
		return nil, nil, fmt.Errorf("response of %s %s is larger than %d bytes", req.Method, req.URL.Path, MaxResponseBytes)
	}
	return resp, body, nil
}

// NewRequest builds a request for a generated client: baseURL joined with
// the escaped path and the query string, and body (nil for none) with its
// content type.
func NewRequest(method, baseURL, escapedPath string, query []byte, body []byte, contentType string) (*http.Request, error) {
	u := strings.TrimSuffix(baseURL, "/") + escapedPath
	if len(query) > 0 {
		u += "?" + string(query)
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// EncodeJSON encodes a request body.
func EncodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode request body: %w", err)
	}
	return b, nil
}

// DecodeResponse decodes a JSON response body into dst; an empty body
// leaves dst alone.
//
// A body that is not JSON, such as a proxy's plain-text error page, returns
// an *UnexpectedStatusError that carries it, because it is not the declared
// response.
func DecodeResponse(resp *http.Response, body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := oas.Unmarshal(body, dst); err != nil {
		if !json.Valid(body) {
			return &UnexpectedStatusError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
		}
		return fmt.Errorf("decode %d response: %w", resp.StatusCode, err)
	}
	return nil
}

// UnexpectedStatusError is returned by generated clients for a status code
// that the operation does not declare.
type UnexpectedStatusError struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

func (e *UnexpectedStatusError) Error() string {
	body := e.Body
	if len(body) > 200 {
		body = body[:200]
	}
	return fmt.Sprintf("unexpected response status %d: %s", e.StatusCode, bytes.TrimSpace(body))
}
