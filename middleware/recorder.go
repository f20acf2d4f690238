package middleware

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"
)

// RecorderOptions configures a [Recorder].
type RecorderOptions struct {
	// Buffer decides, when the handler sets the final status, whether the
	// Recorder holds the status, header and body until [Recorder.Commit],
	// so that they can be rewritten. It receives the status and the header
	// as the handler left them. Nil means pass-through for every response:
	// each write goes to the client at once.
	Buffer func(status int, header http.Header) bool

	// OnWriteHeader, when set, runs once, just before the final status
	// and header go to the underlying writer. It may change the header
	// and returns the status to send. Nil sends them unchanged.
	OnWriteHeader func(status int, header http.Header) int

	// Tee, when set, receives a copy of every body byte that the
	// underlying writer accepted, in order. Errors from Tee are ignored.
	Tee io.Writer
}

// recorderState is the stage of the response that a Recorder wraps.
type recorderState uint8

const (
	statePending   recorderState = iota // no final status yet
	stateHolding                        // final status set, response held in memory
	stateStreaming                      // final status sent, writes pass through
	stateHijacked                       // the handler took over the connection
)

// Recorder observes, and in buffering mode rewrites, the response that a
// handler writes. Pass [Recorder.Writer] to the handler. The Recorder
// itself is the control side for the middleware.
//
// In pass-through mode every write reaches the client immediately, and
// Flush, Hijack and ReadFrom work as they do on the underlying writer. In
// buffering mode, chosen per response by [RecorderOptions.Buffer], the
// status, header and body stay in memory until Commit, Flush does nothing,
// and the middleware can change them with SetStatus, SetBody and Header.
//
// A Recorder is not safe for concurrent use, like the http.ResponseWriter
// it wraps.
type Recorder struct {
	w        http.ResponseWriter
	opts     RecorderOptions
	view     http.ResponseWriter
	snapshot http.Header // header at creation, restored by Reset

	state        recorderState
	status       int
	body         bytes.Buffer
	bodyReplaced bool
	written      int64
}

// NewRecorder returns a Recorder that wraps w.
func NewRecorder(w http.ResponseWriter, opts RecorderOptions) *Recorder {
	rec := &Recorder{w: w, opts: opts}
	if opts.Buffer != nil {
		rec.snapshot = w.Header().Clone()
	}
	rec.view = newView(rec, w)
	return rec
}

// Writer returns the http.ResponseWriter to pass to the next handler. It
// implements http.Flusher, http.Hijacker and io.ReaderFrom exactly when
// the wrapped writer does (http.Flusher and http.Hijacker also when a
// writer reached through Unwrap does), and it implements
// Unwrap() http.ResponseWriter for http.ResponseController.
func (rec *Recorder) Writer() http.ResponseWriter { return rec.view }

// Header returns the header map that will be sent. Changes made after
// the status went out in pass-through mode have no effect.
func (rec *Recorder) Header() http.Header { return rec.w.Header() }

// Status returns the final status code: the one the handler set, or 200
// once it wrote a body without setting one, or the replacement from
// SetStatus or OnWriteHeader. It returns 0 while the handler has written
// nothing, and after a hijack that happened before any status.
func (rec *Recorder) Status() int { return rec.status }

// BytesWritten returns the number of body bytes that the underlying writer
// accepted. Held bytes count only once Commit sends them.
func (rec *Recorder) BytesWritten() int64 { return rec.written }

// Buffered reports whether the response is held in memory, waiting for
// Commit.
func (rec *Recorder) Buffered() bool { return rec.state == stateHolding }

// Hijacked reports whether the handler hijacked the connection.
func (rec *Recorder) Hijacked() bool { return rec.state == stateHijacked }

// Body returns the held body. The slice is valid until the next write or
// SetBody. It returns nil unless Buffered is true.
func (rec *Recorder) Body() []byte {
	if rec.state != stateHolding {
		return nil
	}
	return rec.body.Bytes()
}

// SetStatus replaces the held status code. It panics unless Buffered is
// true, or if code is not a valid final status (200-999 or 101).
func (rec *Recorder) SetStatus(code int) {
	rec.mustHold("SetStatus")
	checkStatus(code)
	if isInformational(code) {
		panic(fmt.Sprintf("middleware: SetStatus(%d): informational status cannot end a response", code))
	}
	rec.status = code
}

// SetBody replaces the held body. Commit then sets Content-Length to the
// new length. It panics unless Buffered is true.
func (rec *Recorder) SetBody(body []byte) {
	rec.mustHold("SetBody")
	rec.body.Reset()
	rec.body.Write(body)
	rec.bodyReplaced = true
}

// Reset discards the held response and restores the header to what it
// was when the Recorder was created, so that the middleware can send a
// different response on the underlying writer, such as an error. It
// panics unless Buffered is true.
func (rec *Recorder) Reset() {
	rec.mustHold("Reset")
	h := rec.w.Header()
	clear(h)
	maps.Copy(h, rec.snapshot.Clone())
	rec.state = statePending
	rec.status = 0
	rec.body.Reset()
	rec.bodyReplaced = false
}

// Commit sends a held response: status, header and body. After Commit the
// Recorder passes later writes through. Commit does nothing when nothing
// is held. The error, if any, comes from the underlying writer.
func (rec *Recorder) Commit() error {
	if rec.state != stateHolding {
		return nil
	}
	if rec.bodyReplaced {
		h := rec.w.Header()
		if bodyAllowed(rec.status) {
			h.Set("Content-Length", strconv.Itoa(rec.body.Len()))
		} else {
			h.Del("Content-Length")
		}
	}
	rec.sendHeader()
	if rec.body.Len() == 0 {
		return nil
	}
	_, err := rec.writeThrough(rec.body.Bytes())
	rec.body = bytes.Buffer{}
	return err
}

func (rec *Recorder) mustHold(method string) {
	if rec.state != stateHolding {
		panic("middleware: Recorder." + method + " called on a response that is not buffered")
	}
}

// writeHeader implements http.ResponseWriter.WriteHeader for the view.
func (rec *Recorder) writeHeader(code int) {
	switch rec.state {
	case stateHijacked, stateHolding:
		return
	case stateStreaming:
		rec.w.WriteHeader(code) // lets net/http report the superfluous call
		return
	}
	checkStatus(code)
	if isInformational(code) {
		rec.w.WriteHeader(code)
		return
	}
	rec.status = code
	if rec.opts.Buffer != nil && rec.opts.Buffer(code, rec.w.Header()) {
		rec.state = stateHolding
		return
	}
	rec.sendHeader()
}

// sendHeader passes the final status to the underlying writer.
func (rec *Recorder) sendHeader() {
	if rec.opts.OnWriteHeader != nil {
		rec.status = rec.opts.OnWriteHeader(rec.status, rec.w.Header())
	}
	rec.state = stateStreaming
	rec.w.WriteHeader(rec.status)
}

// write implements http.ResponseWriter.Write for the view.
func (rec *Recorder) write(p []byte) (int, error) {
	if rec.state == statePending {
		rec.writeHeader(http.StatusOK)
	}
	switch rec.state {
	case stateHijacked:
		return 0, http.ErrHijacked
	case stateHolding:
		if !bodyAllowed(rec.status) {
			return 0, http.ErrBodyNotAllowed
		}
		return rec.body.Write(p)
	}
	return rec.writeThrough(p)
}

func (rec *Recorder) writeThrough(p []byte) (int, error) {
	n, err := rec.w.Write(p)
	rec.written += int64(n)
	if rec.opts.Tee != nil && n > 0 {
		_, _ = rec.opts.Tee.Write(p[:n])
	}
	return n, err
}

// flush implements http.Flusher and FlushError for views whose underlying
// writer can flush. A held response is not flushed.
func (rec *Recorder) flush() error {
	if rec.state == statePending {
		rec.writeHeader(http.StatusOK)
	}
	switch rec.state {
	case stateHijacked:
		return http.ErrHijacked
	case stateHolding:
		return nil
	}
	return http.NewResponseController(rec.w).Flush()
}

// hijack implements http.Hijacker for views whose underlying writer can
// hijack. A held response is discarded, because the handler now owns the
// connection.
func (rec *Recorder) hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(rec.w).Hijack()
	if err != nil {
		return nil, nil, err
	}
	rec.state = stateHijacked
	rec.body = bytes.Buffer{}
	return conn, rw, nil
}

// readFrom implements io.ReaderFrom for views whose underlying writer has
// it, so that io.Copy keeps using sendfile and splice in pass-through mode.
func (rec *Recorder) readFrom(src io.Reader) (int64, error) {
	if rec.state == statePending {
		rec.writeHeader(http.StatusOK)
	}
	switch rec.state {
	case stateHijacked:
		return 0, http.ErrHijacked
	case stateHolding:
		if !bodyAllowed(rec.status) {
			return 0, http.ErrBodyNotAllowed
		}
		return rec.body.ReadFrom(src)
	}
	if rec.opts.Tee != nil {
		// Copy through writeThrough so that Tee receives only the bytes
		// the client accepted, at the cost of the sendfile path.
		return io.Copy(writerFunc(rec.writeThrough), src)
	}
	n, err := rec.w.(io.ReaderFrom).ReadFrom(src)
	rec.written += n
	return n, err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// checkStatus panics on a status code that net/http's WriteHeader also
// rejects, so that buffering mode fails at the same call.
func checkStatus(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
}

// isInformational reports whether code is a 1xx interim response. 101
// Switching Protocols ends the response, so it is not one.
func isInformational(code int) bool {
	return code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols
}

// bodyAllowed reports whether a response with the status may have a body
// (RFC 9110 sections 15.2, 15.3.5 and 15.4.5).
func bodyAllowed(status int) bool {
	switch {
	case status >= 100 && status <= 199:
		return false
	case status == http.StatusNoContent, status == http.StatusNotModified:
		return false
	}
	return true
}

// ResponseRewriter is a middleware that holds responses in memory so that
// Rewrite can change their status, header and body before they are sent.
type ResponseRewriter struct {
	// Buffer decides, per response, whether to hold it for Rewrite, as
	// [RecorderOptions.Buffer] does. Responses it declines, such as event
	// streams, pass through untouched and keep streaming. Nil holds every
	// response.
	Buffer func(status int, header http.Header) bool

	// Rewrite changes a held response through rec: Status, Body, Header,
	// SetStatus and SetBody. A returned error discards the response and
	// sends the error instead, through ErrorHandler: a *problem.Error as
	// its Problem, any other error as 500. Nil sends held responses
	// unchanged.
	Rewrite func(r *http.Request, rec *Recorder) error

	// ErrorHandler writes the responses for errors from Rewrite. Nil means
	// [WriteProblem].
	ErrorHandler ErrorHandler
}

// Handler returns next wrapped with the rewriter.
func (rw *ResponseRewriter) Handler(next http.Handler) http.Handler {
	buffer := rw.Buffer
	if buffer == nil {
		buffer = func(int, http.Header) bool { return true }
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := NewRecorder(w, RecorderOptions{Buffer: buffer})
		next.ServeHTTP(rec.Writer(), r)
		if rec.state == statePending {
			rec.writeHeader(http.StatusOK) // what net/http sends for an empty handler
		}
		if !rec.Buffered() {
			return
		}
		if rw.Rewrite != nil {
			if err := rw.Rewrite(r, rec); err != nil {
				rec.Reset()
				rw.ErrorHandler.orDefault()(w, r, asProblemError(err))
				return
			}
		}
		_ = rec.Commit() // a failed write means the client went away
	})
}
