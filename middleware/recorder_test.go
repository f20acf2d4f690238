package middleware

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/problem"
)

// testContext returns a context that ends the test's network calls if a
// bug makes them hang, so that a broken Flush fails instead of stalling.
// It bounds hangs only and asserts nothing about speed.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRecorderFlushReachesClient(t *testing.T) {
	flushers := []struct {
		name  string
		flush func(w http.ResponseWriter) error
	}{
		{"http.Flusher", func(w http.ResponseWriter) error { w.(http.Flusher).Flush(); return nil }},
		{"ResponseController", func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() }},
	}
	for _, f := range flushers {
		t.Run(f.name, func(t *testing.T) {
			release := make(chan struct{})
			flushErr := make(chan error, 1)
			var rec *Recorder
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec = NewRecorder(w, RecorderOptions{})
				view := rec.Writer()
				view.Header().Set("Content-Type", "text/event-stream")
				_, _ = io.WriteString(view, "data: first\n\n")
				flushErr <- f.flush(view)
				<-release
				_, _ = io.WriteString(view, "data: second\n\n")
			}))
			defer srv.Close()

			req, _ := http.NewRequestWithContext(testContext(t), "GET", srv.URL, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if err := <-flushErr; err != nil {
				t.Fatalf("got flush error %v, want nil", err)
			}

			// The handler is still blocked, so this line can only have
			// arrived through the flush.
			line, err := bufio.NewReader(resp.Body).ReadString('\n')
			close(release)
			if err != nil {
				t.Fatalf("read first event: %v", err)
			}
			if line != "data: first\n" {
				t.Errorf("got %q before the handler finished, want %q", line, "data: first\n")
			}
		})
	}
}

func TestRecorderHijack(t *testing.T) {
	hijackers := []struct {
		name   string
		hijack func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error)
	}{
		{"http.Hijacker", func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
			return w.(http.Hijacker).Hijack()
		}},
		{"ResponseController", func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
			return http.NewResponseController(w).Hijack()
		}},
	}
	for _, h := range hijackers {
		t.Run(h.name, func(t *testing.T) {
			hijacked := make(chan bool, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := NewRecorder(w, RecorderOptions{})
				conn, rw, err := h.hijack(rec.Writer())
				hijacked <- rec.Hijacked()
				if err != nil {
					t.Errorf("got hijack error %v, want nil", err)
					return
				}
				defer conn.Close()
				serveEcho(rw)
				if _, err := rec.Writer().Write([]byte("x")); !errors.Is(err, http.ErrHijacked) {
					t.Errorf("got write error %v after hijack, want http.ErrHijacked", err)
				}
			}))
			defer srv.Close()

			reply := upgradeAndEcho(t, srv.Listener.Addr().String(), "ping")
			if reply != "ping\n" {
				t.Errorf("got echo %q, want %q", reply, "ping\n")
			}
			if !<-hijacked {
				t.Error("got Hijacked false, want true")
			}
		})
	}
}

// serveEcho accepts an upgrade request on a hijacked connection and
// echoes one line, like a minimal WebSocket-style protocol switch.
func serveEcho(rw *bufio.ReadWriter) {
	_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
	_ = rw.Flush()
	line, err := rw.ReadString('\n')
	if err != nil {
		return
	}
	_, _ = rw.WriteString(line)
	_ = rw.Flush()
}

// upgradeAndEcho sends an upgrade request over a raw connection and
// returns the line echoed after the 101 response.
func upgradeAndEcho(t *testing.T, addr, message string) string {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(testContext(t), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // bounds a hang only

	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read upgrade response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("got status %d, want 101", resp.StatusCode)
	}
	_, _ = io.WriteString(conn, message+"\n")
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read echo: %v", err)
	}
	return line
}

// Fake writers with chosen optional interfaces.
type (
	plainWriter struct{ header http.Header }
	flushWriter struct {
		plainWriter
		flushes int
	}
	hijackWriter   struct{ plainWriter }
	readFromWriter struct {
		plainWriter
		readFromCalls int
		buf           bytes.Buffer
	}
	unwrapWriter struct {
		plainWriter
		inner http.ResponseWriter
	}
)

func newPlain() plainWriter                        { return plainWriter{header: http.Header{}} }
func (w *plainWriter) Header() http.Header         { return w.header }
func (w *plainWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *plainWriter) WriteHeader(int)             {}
func (w *flushWriter) Flush()                      { w.flushes++ }
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("fake hijack")
}
func (w *readFromWriter) ReadFrom(r io.Reader) (int64, error) {
	w.readFromCalls++
	return w.buf.ReadFrom(r)
}
func (w *unwrapWriter) Unwrap() http.ResponseWriter { return w.inner }

func TestRecorderOptionalInterfaces(t *testing.T) {
	tests := []struct {
		name                        string
		w                           http.ResponseWriter
		flusher, hijacker, readFrom bool
	}{
		{"plain", &plainWriter{header: http.Header{}}, false, false, false},
		{"flusher", &flushWriter{plainWriter: newPlain()}, true, false, false},
		{"hijacker", &hijackWriter{plainWriter: newPlain()}, false, true, false},
		{"reader from", &readFromWriter{plainWriter: newPlain()}, false, false, true},
		{"httptest recorder", httptest.NewRecorder(), true, false, false},
		{"flusher behind Unwrap", &unwrapWriter{plainWriter: newPlain(), inner: &flushWriter{plainWriter: newPlain()}}, true, false, false},
		{"nested recorder", NewRecorder(&hijackWriter{plainWriter: newPlain()}, RecorderOptions{}).Writer(), false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := NewRecorder(tt.w, RecorderOptions{}).Writer()
			if _, ok := view.(http.Flusher); ok != tt.flusher {
				t.Errorf("got http.Flusher %v, want %v", ok, tt.flusher)
			}
			if _, ok := view.(http.Hijacker); ok != tt.hijacker {
				t.Errorf("got http.Hijacker %v, want %v", ok, tt.hijacker)
			}
			if _, ok := view.(io.ReaderFrom); ok != tt.readFrom {
				t.Errorf("got io.ReaderFrom %v, want %v", ok, tt.readFrom)
			}
			if u, ok := view.(interface{ Unwrap() http.ResponseWriter }); !ok || u.Unwrap() != tt.w {
				t.Error("got no Unwrap to the wrapped writer, want one")
			}
		})
	}
}

func TestRecorderFlushWithoutSupport(t *testing.T) {
	view := NewRecorder(&plainWriter{header: http.Header{}}, RecorderOptions{}).Writer()
	err := http.NewResponseController(view).Flush()
	if !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("got %v, want http.ErrNotSupported", err)
	}
}

func TestRecorderReadFrom(t *testing.T) {
	tests := []struct {
		name          string
		tee           bool
		wantReadFroms int
	}{
		{"delegates to the wrapped writer", false, 1},
		{"copies through Write when teeing", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &readFromWriter{plainWriter: newPlain()}
			var tee bytes.Buffer
			opts := RecorderOptions{}
			if tt.tee {
				opts.Tee = &tee
			}
			rec := NewRecorder(w, opts)
			n, err := io.Copy(rec.Writer(), onlyReader{strings.NewReader("file body")})
			if err != nil || n != 9 {
				t.Fatalf("got %d, %v, want 9, nil", n, err)
			}
			if w.readFromCalls != tt.wantReadFroms {
				t.Errorf("got %d ReadFrom calls, want %d", w.readFromCalls, tt.wantReadFroms)
			}
			if rec.BytesWritten() != 9 {
				t.Errorf("got BytesWritten %d, want 9", rec.BytesWritten())
			}
			if rec.Status() != http.StatusOK {
				t.Errorf("got status %d, want 200", rec.Status())
			}
			if tt.tee && tee.String() != "file body" {
				t.Errorf("got tee %q, want %q", tee.String(), "file body")
			}
		})
	}
}

// onlyReader hides io.WriterTo, so that io.Copy uses the destination's
// io.ReaderFrom as it does for files and sockets.
type onlyReader struct{ io.Reader }

func TestRecorderReadFromOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := NewRecorder(w, RecorderOptions{})
		if _, ok := rec.Writer().(io.ReaderFrom); !ok {
			t.Error("got no io.ReaderFrom on the view of a net/http writer, want one")
		}
		_, _ = io.Copy(rec.Writer(), onlyReader{strings.NewReader(strings.Repeat("x", 100_000))})
	}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(body) != 100_000 {
		t.Errorf("got %d bytes, want 100000", len(body))
	}
}

func bufferAll(int, http.Header) bool { return true }

func TestRecorderBuffering(t *testing.T) {
	tests := []struct {
		name       string
		handler    func(w http.ResponseWriter)
		rewrite    func(rec *Recorder)
		wantStatus int
		wantBody   string
		wantHeader map[string]string
	}{
		{
			name: "rewritten body gets its length",
			handler: func(w http.ResponseWriter) {
				w.Header().Set("Content-Length", "5")
				_, _ = io.WriteString(w, "hello")
			},
			rewrite:    func(rec *Recorder) { rec.SetBody([]byte("hello, world")) },
			wantStatus: 200, wantBody: "hello, world",
			wantHeader: map[string]string{"Content-Length": "12"},
		},
		{
			name: "status replaced",
			handler: func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, "made")
			},
			rewrite:    func(rec *Recorder) { rec.SetStatus(http.StatusAccepted) },
			wantStatus: 202, wantBody: "made",
		},
		{
			name: "flush is held",
			handler: func(w http.ResponseWriter) {
				_, _ = io.WriteString(w, "a")
				w.(http.Flusher).Flush()
				_, _ = io.WriteString(w, "b")
			},
			rewrite: func(rec *Recorder) {
				if got := string(rec.Body()); got != "ab" {
					panic("held body is " + got)
				}
			},
			wantStatus: 200, wantBody: "ab",
		},
		{
			name: "header changed before commit",
			handler: func(w http.ResponseWriter) {
				w.Header().Set("X-Old", "1")
				w.WriteHeader(http.StatusTeapot)
			},
			rewrite:    func(rec *Recorder) { rec.Header().Set("X-New", "2") },
			wantStatus: 418, wantBody: "",
			wantHeader: map[string]string{"X-Old": "1", "X-New": "2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			rec := NewRecorder(w, RecorderOptions{Buffer: bufferAll})
			tt.handler(rec.Writer())
			if !rec.Buffered() {
				t.Fatal("got Buffered false, want true")
			}
			if w.Flushed {
				t.Error("got the wrapped writer flushed while buffering, want not")
			}
			tt.rewrite(rec)
			if err := rec.Commit(); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if w.Body.String() != tt.wantBody {
				t.Errorf("got body %q, want %q", w.Body.String(), tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got := w.Header().Get(k); got != v {
					t.Errorf("got %s %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestRecorderBufferedNoBodyStatus(t *testing.T) {
	rec := NewRecorder(httptest.NewRecorder(), RecorderOptions{Buffer: bufferAll})
	rec.Writer().WriteHeader(http.StatusNoContent)
	if _, err := rec.Writer().Write([]byte("x")); !errors.Is(err, http.ErrBodyNotAllowed) {
		t.Errorf("got %v, want http.ErrBodyNotAllowed", err)
	}
}

func TestRecorderInformationalPassesThrough(t *testing.T) {
	var codes []int
	w := &statusLog{ResponseRecorder: httptest.NewRecorder(), codes: &codes}
	rec := NewRecorder(w, RecorderOptions{Buffer: bufferAll})
	rec.Writer().Header().Set("Link", "</style.css>; rel=preload")
	rec.Writer().WriteHeader(http.StatusEarlyHints)
	rec.Writer().WriteHeader(http.StatusOK)
	if len(codes) != 1 || codes[0] != http.StatusEarlyHints {
		t.Fatalf("got statuses %v sent before Commit, want [103]", codes)
	}
	_ = rec.Commit()
	if len(codes) != 2 || codes[1] != http.StatusOK {
		t.Errorf("got statuses %v after Commit, want [103 200]", codes)
	}
}

type statusLog struct {
	*httptest.ResponseRecorder
	codes *[]int
}

func (s *statusLog) WriteHeader(code int) {
	*s.codes = append(*s.codes, code)
	s.ResponseRecorder.WriteHeader(code)
}

func TestRecorderReset(t *testing.T) {
	w := httptest.NewRecorder()
	w.Header().Set("Vary", "Origin")
	rec := NewRecorder(w, RecorderOptions{Buffer: bufferAll})
	rec.Writer().Header().Set("ETag", `"abc"`)
	_, _ = io.WriteString(rec.Writer(), "body")
	rec.Reset()

	if got := w.Header().Get("ETag"); got != "" {
		t.Errorf("got ETag %q after Reset, want none", got)
	}
	if got := w.Header().Get("Vary"); got != "Origin" {
		t.Errorf("got Vary %q after Reset, want the header set before the Recorder", got)
	}
	if rec.Status() != 0 || rec.Buffered() {
		t.Errorf("got status %d, buffered %v after Reset, want 0, false", rec.Status(), rec.Buffered())
	}
}

func TestRecorderPassThroughHooks(t *testing.T) {
	w := httptest.NewRecorder()
	var tee bytes.Buffer
	rec := NewRecorder(w, RecorderOptions{
		OnWriteHeader: func(status int, h http.Header) int {
			h.Set("X-Seen-Status", http.StatusText(status))
			return http.StatusAccepted
		},
		Tee: &tee,
	})
	_, _ = io.WriteString(rec.Writer(), "one")
	_, _ = io.WriteString(rec.Writer(), "two")

	if w.Code != http.StatusAccepted {
		t.Errorf("got status %d, want 202 from OnWriteHeader", w.Code)
	}
	if got := w.Header().Get("X-Seen-Status"); got != "OK" {
		t.Errorf("got X-Seen-Status %q, want %q", got, "OK")
	}
	if tee.String() != "onetwo" {
		t.Errorf("got tee %q, want %q", tee.String(), "onetwo")
	}
	if rec.BytesWritten() != 6 {
		t.Errorf("got BytesWritten %d, want 6", rec.BytesWritten())
	}
	if rec.Status() != http.StatusAccepted {
		t.Errorf("got Status %d, want 202", rec.Status())
	}
}

func TestRecorderSetBodyPanicsWhenStreaming(t *testing.T) {
	rec := NewRecorder(httptest.NewRecorder(), RecorderOptions{})
	_, _ = io.WriteString(rec.Writer(), "sent")
	defer func() {
		if recover() == nil {
			t.Error("got no panic from SetBody on a streamed response, want one")
		}
	}()
	rec.SetBody([]byte("late"))
}

func TestResponseRewriter(t *testing.T) {
	upper := &ResponseRewriter{
		Buffer: func(status int, h http.Header) bool {
			return strings.HasPrefix(h.Get("Content-Type"), "application/json")
		},
		Rewrite: func(r *http.Request, rec *Recorder) error {
			if strings.Contains(string(rec.Body()), "secret") {
				return problem.NewError(http.StatusBadGateway, "the upstream response leaked a secret")
			}
			rec.SetBody(bytes.ToUpper(rec.Body()))
			return nil
		},
	}
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantBody    string
		wantCT      string
	}{
		{"json rewritten", "application/json", `{"a":"b"}`, 200, `{"A":"B"}`, "application/json"},
		{"text passes through", "text/plain", "hello", 200, "hello", "text/plain"},
		{"rewrite error", "application/json", `{"k":"secret"}`, 502, "", problem.ContentType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := upper.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Header().Set("ETag", `"v1"`)
				_, _ = io.WriteString(w, tt.body)
			}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if tt.wantBody != "" && w.Body.String() != tt.wantBody {
				t.Errorf("got body %q, want %q", w.Body.String(), tt.wantBody)
			}
			if got := w.Header().Get("Content-Type"); got != tt.wantCT {
				t.Errorf("got Content-Type %q, want %q", got, tt.wantCT)
			}
			if tt.wantStatus == 502 && w.Header().Get("ETag") != "" {
				t.Error("got the handler's ETag on the error response, want it discarded")
			}
		})
	}
}

func TestResponseRewriterEmptyHandler(t *testing.T) {
	var sawStatus int
	rw := &ResponseRewriter{Rewrite: func(r *http.Request, rec *Recorder) error {
		sawStatus = rec.Status()
		rec.SetBody([]byte("filled"))
		return nil
	}}
	w := httptest.NewRecorder()
	rw.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if sawStatus != http.StatusOK {
		t.Errorf("got status %d in Rewrite, want 200", sawStatus)
	}
	if w.Body.String() != "filled" {
		t.Errorf("got body %q, want %q", w.Body.String(), "filled")
	}
}

func TestResponseRewriterStreamsDeclined(t *testing.T) {
	rw := &ResponseRewriter{Buffer: func(status int, h http.Header) bool {
		return h.Get("Content-Type") != "text/event-stream"
	}}
	release := make(chan struct{})
	srv := httptest.NewServer(rw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: 1\n\n")
		_ = http.NewResponseController(w).Flush()
		<-release
	})))
	defer srv.Close()

	req, _ := http.NewRequestWithContext(testContext(t), "GET", srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	close(release)
	if err != nil || line != "data: 1\n" {
		t.Errorf("got %q, %v while the handler runs, want %q", line, err, "data: 1\n")
	}
}
