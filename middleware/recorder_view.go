package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// The view types below give a Recorder's writer exactly the optional
// interfaces of the writer it wraps. A wrapper that always had a Flush or
// Hijack method would make callers believe that streaming or a WebSocket
// upgrade is possible when it is not, so there is one type per
// combination of http.Flusher, http.Hijacker and io.ReaderFrom.
//
// NOTE: http.Pusher is not passed on, so HTTP/2 server push is unavailable
// behind a Recorder.

type baseView struct{ rec *Recorder }

func (v baseView) Header() http.Header               { return v.rec.w.Header() }
func (v baseView) Write(p []byte) (int, error)       { return v.rec.write(p) }
func (v baseView) WriteHeader(code int)              { v.rec.writeHeader(code) }
func (v baseView) Unwrap() http.ResponseWriter       { return v.rec.w }
func (v baseView) WriteString(s string) (int, error) { return v.rec.write([]byte(s)) }

type flushMethods struct{ rec *Recorder }

func (f flushMethods) Flush()            { _ = f.rec.flush() }
func (f flushMethods) FlushError() error { return f.rec.flush() }

type hijackMethod struct{ rec *Recorder }

func (h hijackMethod) Hijack() (net.Conn, *bufio.ReadWriter, error) { return h.rec.hijack() }

type readFromMethod struct{ rec *Recorder }

func (m readFromMethod) ReadFrom(src io.Reader) (int64, error) { return m.rec.readFrom(src) }

type (
	viewF struct {
		baseView
		flushMethods
	}
	viewH struct {
		baseView
		hijackMethod
	}
	viewR struct {
		baseView
		readFromMethod
	}
	viewFH struct {
		baseView
		flushMethods
		hijackMethod
	}
	viewFR struct {
		baseView
		flushMethods
		readFromMethod
	}
	viewHR struct {
		baseView
		hijackMethod
		readFromMethod
	}
	viewFHR struct {
		baseView
		flushMethods
		hijackMethod
		readFromMethod
	}
)

// newView returns the view of rec whose method set matches w.
func newView(rec *Recorder, w http.ResponseWriter) http.ResponseWriter {
	b := baseView{rec}
	f, h, r := flushMethods{rec}, hijackMethod{rec}, readFromMethod{rec}
	_, canReadFrom := w.(io.ReaderFrom)
	flushable, hijackable := canFlush(w), canHijack(w)
	switch {
	case flushable && hijackable && canReadFrom:
		return viewFHR{b, f, h, r}
	case flushable && hijackable:
		return viewFH{b, f, h}
	case flushable && canReadFrom:
		return viewFR{b, f, r}
	case hijackable && canReadFrom:
		return viewHR{b, h, r}
	case flushable:
		return viewF{b, f}
	case hijackable:
		return viewH{b, h}
	case canReadFrom:
		return viewR{b, r}
	}
	return b
}

// canFlush reports whether http.ResponseController can flush w, looking
// through Unwrap as the controller does.
func canFlush(w http.ResponseWriter) bool {
	return findInChain(w, func(w http.ResponseWriter) bool {
		_, flusher := w.(http.Flusher)
		_, flushErrorer := w.(interface{ FlushError() error })
		return flusher || flushErrorer
	})
}

// canHijack reports whether http.ResponseController can hijack w.
func canHijack(w http.ResponseWriter) bool {
	return findInChain(w, func(w http.ResponseWriter) bool {
		_, ok := w.(http.Hijacker)
		return ok
	})
}

func findInChain(w http.ResponseWriter, match func(http.ResponseWriter) bool) bool {
	for w != nil {
		if match(w) {
			return true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}
