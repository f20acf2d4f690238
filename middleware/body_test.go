package middleware

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/whgen/whgen/problem"
)

func TestReadBody(t *testing.T) {
	tests := []struct {
		name          string
		body          io.Reader
		contentLength int64
		maxBytes      int64
		wantBody      string
		wantStatus    int // 0 for success
		wantRest      string
	}{
		{"fits", strings.NewReader("hello"), 5, 10, "hello", 0, "hello"},
		{"exactly the limit", strings.NewReader("hello"), 5, 5, "hello", 0, "hello"},
		{"declared too large", strings.NewReader("hello"), 5, 4, "", 413, "hello"},
		{"chunked too large", strings.NewReader("hello world"), -1, 4, "", 413, "hello world"},
		{"nil body", nil, 0, 4, "", 0, ""},
		{"broken upload", iotest.ErrReader(errors.New("connection reset")), -1, 4, "", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", tt.body)
			r.ContentLength = tt.contentLength
			body, err := ReadBody(r, tt.maxBytes)

			if tt.wantStatus != 0 {
				if got := problem.From(err).Status; got != tt.wantStatus {
					t.Errorf("got status %d (error %v), want %d", got, err, tt.wantStatus)
				}
			} else if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if string(body) != tt.wantBody {
				t.Errorf("got body %q, want %q", body, tt.wantBody)
			}
			if tt.wantStatus == 413 && !errors.Is(err, ErrBodyTooLarge) {
				t.Errorf("got error %v, want ErrBodyTooLarge in its chain", err)
			}
			if tt.wantStatus == 400 {
				return // the rest of a broken body cannot be read
			}
			rest, _ := io.ReadAll(r.Body)
			if string(rest) != tt.wantRest {
				t.Errorf("got %q from r.Body afterwards, want %q", rest, tt.wantRest)
			}
		})
	}
}

func TestReadBodyDefaultLimit(t *testing.T) {
	r := httptest.NewRequest("POST", "/", bytes.NewReader(make([]byte, DefaultMaxBodyBytes+1)))
	r.ContentLength = -1
	if _, err := ReadBody(r, 0); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("got %v, want ErrBodyTooLarge past DefaultMaxBodyBytes", err)
	}
}

func TestReadBodyMaxBytesReader(t *testing.T) {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", strings.NewReader("0123456789"))
	r.ContentLength = -1
	r.Body = http.MaxBytesReader(w, r.Body, 3)
	_, err := ReadBody(r, 100)
	if got := problem.From(err).Status; got != http.StatusRequestEntityTooLarge {
		t.Errorf("got status %d, want 413 for an outer MaxBytesReader", got)
	}
}

func TestSetBody(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader("old"))
	r.Header.Set("Content-Length", "3")
	r.TransferEncoding = []string{"chunked"}
	SetBody(r, []byte("new body"))

	if got, _ := io.ReadAll(r.Body); string(got) != "new body" {
		t.Errorf("got body %q, want %q", got, "new body")
	}
	if r.ContentLength != 8 {
		t.Errorf("got ContentLength %d, want 8", r.ContentLength)
	}
	if got := r.Header.Get("Content-Length"); got != "8" {
		t.Errorf("got Content-Length header %q, want %q", got, "8")
	}
	if r.TransferEncoding != nil {
		t.Errorf("got TransferEncoding %v, want nil", r.TransferEncoding)
	}
	again, _ := r.GetBody()
	if got, _ := io.ReadAll(again); string(got) != "new body" {
		t.Errorf("got %q from GetBody, want %q", got, "new body")
	}
}

func TestRequestRewriter(t *testing.T) {
	rewriter := &RequestRewriter{
		MaxBytes: 16,
		Rewrite: func(r *http.Request, body []byte) ([]byte, error) {
			if bytes.Contains(body, []byte("reject")) {
				return nil, problem.NewError(http.StatusUnprocessableEntity, "rejected by policy")
			}
			if bytes.Contains(body, []byte("crash")) {
				return nil, errors.New("rewriter bug")
			}
			return bytes.ToUpper(body), nil
		},
	}
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantSeen   string
	}{
		{"rewritten", "hello", 200, "HELLO"},
		{"too large", strings.Repeat("x", 17), 413, ""},
		{"problem from rewrite", "reject", 422, ""},
		{"plain error from rewrite", "crash", 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			h := rewriter.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				seen = string(b)
			}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/", strings.NewReader(tt.body)))
			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if seen != tt.wantSeen {
				t.Errorf("got body %q at the handler, want %q", seen, tt.wantSeen)
			}
		})
	}
}
