package middleware

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/whgen/whgen/problem"
)

// DefaultMaxBodyBytes is the body size limit, in bytes, that [ReadBody]
// and [RequestRewriter] apply when given a limit of zero or less: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// ReadBody reads the whole request body and replaces r.Body with a fresh
// reader over the same bytes, so that the next handler can read it again.
//
// A body longer than maxBytes is not read to the end. ReadBody then
// returns a *problem.Error with status 413 whose cause is [ErrBodyTooLarge],
// and r.Body still yields the complete original body (the bytes read so
// far, then the rest), so nothing is lost if the caller goes on. A
// Content-Length above maxBytes fails before anything is read. A maxBytes
// of zero or less means [DefaultMaxBodyBytes].
//
// A read error, which means a broken or aborted upload, is returned as a
// *problem.Error with status 400 whose cause is "read request body: %w". An
// *http.MaxBytesError from an outer http.MaxBytesReader counts as a body
// that is too large.
func ReadBody(r *http.Request, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBodyBytes
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > maxBytes {
		return nil, tooLarge(maxBytes)
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
	if err != nil {
		r.Body = readCloser{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		return nil, readError(err)
	}
	if int64(len(body)) > maxBytes {
		r.Body = readCloser{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		return nil, tooLarge(maxBytes)
	}
	SetBody(r, body)
	return body, nil
}

func readError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return tooLarge(maxErr.Limit)
	}
	err = fmt.Errorf("read request body: %w", err)
	return problem.Wrap(err, http.StatusBadRequest, "the request body could not be read")
}

func tooLarge(maxBytes int64) error {
	detail := fmt.Sprintf("the request body is larger than the limit of %d bytes", maxBytes)
	return problem.Wrap(ErrBodyTooLarge, http.StatusRequestEntityTooLarge, detail)
}

// readCloser reads from one reader and closes another, so that a body
// rebuilt from buffered bytes still closes the connection's body.
type readCloser struct {
	io.Reader
	io.Closer
}

// SetBody replaces the request body with body and makes the request
// consistent with it: ContentLength, the Content-Length header when one
// was present, GetBody, and TransferEncoding (cleared, because the length
// is now known).
func SetBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(body)), nil
	}
	r.ContentLength = int64(len(body))
	r.TransferEncoding = nil
	if _, ok := r.Header["Content-Length"]; ok {
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
}

// RequestRewriter is a middleware that reads each request body, up to a
// limit, and passes it through Rewrite before the next handler receives
// it.
type RequestRewriter struct {
	// MaxBytes is the body size limit in bytes. A longer body is rejected
	// with 413 Content Too Large. Zero or less means [DefaultMaxBodyBytes].
	MaxBytes int64

	// Rewrite returns the body that the next handler receives. It may
	// also change the request's headers, for example Content-Type. A
	// returned error rejects the request: a *problem.Error is sent as its
	// Problem, and any other error as 500. Nil passes the body on
	// unchanged.
	Rewrite func(r *http.Request, body []byte) ([]byte, error)

	// ErrorHandler writes the rejections. Nil means [WriteProblem].
	ErrorHandler ErrorHandler
}

// Handler returns next wrapped with the rewriter.
func (rr *RequestRewriter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := ReadBody(r, rr.MaxBytes)
		if err == nil && rr.Rewrite != nil {
			body, err = rr.Rewrite(r, body)
			if err == nil {
				SetBody(r, body)
			}
		}
		if err != nil {
			rr.ErrorHandler.orDefault()(w, r, asProblemError(err))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// asProblemError returns err when it already carries a Problem, and
// otherwise wraps it as a 500 so the ErrorHandler contract holds.
func asProblemError(err error) error {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return err
	}
	return problem.Wrap(err, http.StatusInternalServerError, "")
}
