package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whgen/whgen/webhook"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

const petCreated = `{"type":"pet.created","timestamp":"2026-12-04T10:00:00Z","data":{"id":"6f1c2b1e-1d2c-4c1a-9a3b-0c1d2e3f4a5b","name":"Rex","species":"dog","status":"available","createdAt":"2026-12-04T09:59:00Z"}}`

// syncBuffer is a bytes.Buffer safe for the handler goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestReceiver(t *testing.T, db string) (*httptest.Server, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	cfg := &receiveConfig{secrets: secretList{testSecret}, maxBody: 4096, db: db}
	h, closeDB, err := newReceiveHandler(context.Background(), cfg, out, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		closeDB()
	})
	return srv, out
}

func signedRequest(t *testing.T, url, id string, ts time.Time, body string) *http.Request {
	t.Helper()
	signer, err := webhook.NewStandardWebhooks(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url+"/webhooks", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := signer.Sign(req.Header, id, ts, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestReceivePrintsAcceptedEvents(t *testing.T) {
	srv, out := newTestReceiver(t, "")
	if got := send(t, signedRequest(t, srv.URL, "msg_1", time.Now(), petCreated)); got/100 != 2 {
		t.Fatalf("valid delivery: got %d, want 2xx", got)
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out.String())), &line); err != nil {
		t.Fatalf("stdout is not one JSON line: %q (%v)", out.String(), err)
	}
	for key, want := range map[string]string{"webhook-id": "msg_1", "type": "pet.created", "webhook": "pet.created"} {
		if line[key] != want {
			t.Errorf("%s = %v, want %q", key, line[key], want)
		}
	}
	if data, ok := line["data"].(map[string]any); !ok || data["name"] != "Rex" {
		t.Errorf("data = %v, want the pet", line["data"])
	}
}

func TestReceiveRejectsHostileDeliveries(t *testing.T) {
	srv, out := newTestReceiver(t, filepath.Join(t.TempDir(), "seen.db"))
	now := time.Now()
	tampered := signedRequest(t, srv.URL, "msg_t", now, petCreated)
	tampered.Body = io.NopCloser(strings.NewReader(strings.Replace(petCreated, "Rex", "Max", 1)))
	otherSecret := signedRequest(t, srv.URL, "msg_o", now, petCreated)
	otherSecret.Header.Set("webhook-signature", "v1,"+strings.Repeat("A", 43)+"=")
	cases := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"tampered body", tampered, 401},
		{"signature from another secret", otherSecret, 401},
		{"stale timestamp", signedRequest(t, srv.URL, "msg_s", now.Add(-10*time.Minute), petCreated), 401},
		{"future timestamp", signedRequest(t, srv.URL, "msg_f", now.Add(10*time.Minute), petCreated), 401},
		{"oversized body", signedRequest(t, srv.URL, "msg_b", now, `{"type":"pet.created","pad":"`+strings.Repeat("x", 5000)+`"}`), 413},
		{"empty body", signedRequest(t, srv.URL, "msg_e", now, ""), 400},
		{"malformed JSON", signedRequest(t, srv.URL, "msg_m", now, `{"type":`), 400},
		{"schema violation", signedRequest(t, srv.URL, "msg_v", now, `{"type":"pet.created","timestamp":"2026-12-04T10:00:00Z","data":{"name":""}}`), 422},
		{"unknown event", signedRequest(t, srv.URL, "msg_u", now, `{"type":"pet.vanished"}`), 202},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := send(t, tc.req); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	if out.String() != "" {
		t.Errorf("rejected deliveries printed events: %q", out.String())
	}

	first := send(t, signedRequest(t, srv.URL, "msg_r", now, petCreated))
	replay := send(t, signedRequest(t, srv.URL, "msg_r", now, petCreated))
	if first/100 != 2 || replay/100 != 2 {
		t.Errorf("delivery and replay: got %d and %d, want 2xx both", first, replay)
	}
	if n := strings.Count(out.String(), "\n"); n != 1 {
		t.Errorf("replayed delivery handled %d times, want once", n)
	}
}

// TestReceiveBinary runs the real command with its flags, as a user would
// from the shell, and sends it one signed delivery.
func TestReceiveBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the example binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "petstore")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	cmd := exec.Command(bin, "receive", "-addr", addr, "-secret", testSecret)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	url := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/webhooks")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("receiver did not start listening on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := send(t, signedRequest(t, url, "msg_bin", time.Now(), petCreated)); got/100 != 2 {
		t.Fatalf("got %d, want 2xx", got)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(line, `"webhook-id":"msg_bin"`) || !strings.Contains(line, `"type":"pet.created"`) {
		t.Errorf("stdout line = %q, want the event", line)
	}
}
