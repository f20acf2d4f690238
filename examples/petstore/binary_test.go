package main

import (
	"bufio"
	"bytes"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildPetstore builds this command into a temporary directory and returns
// the binary's path.
func buildPetstore(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go tool not found: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "petstore")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the binary with args and returns the address from its
// start log, the process, and its standard error so far.
func startBinary(t *testing.T, bin string, args ...string) (string, *exec.Cmd, *logBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	logs := new(logBuffer)
	addrs := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			line := scanner.Text()
			logs.Write([]byte(line + "\n"))
			if strings.Contains(line, `msg="petstore started"`) {
				addrs <- logField(line, "addr")
			}
		}
	}()
	select {
	case addr := <-addrs:
		return addr, cmd, logs
	case <-time.After(30 * time.Second):
		t.Fatalf("no start log within 30 s; stderr:\n%s", logs)
		return "", nil, nil
	}
}

// logField returns the value of key in a line of slog's text format,
// where values without spaces are unquoted.
func logField(line, key string) string {
	_, rest, ok := strings.Cut(line, " "+key+"=")
	if !ok {
		return ""
	}
	value, _, _ := strings.Cut(rest, " ")
	return value
}

func TestServeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildPetstore(t)
	addr, cmd, logs := startBinary(t, bin, "serve",
		"-addr", "127.0.0.1:0",
		"-db", filepath.Join(t.TempDir(), "petstore.db"),
		"-api-key", testAPIKey,
		"-bearer-token", testBearer,
		"-oauth-token", testReadOnly+":pets:read",
		"-cors-origins", testOrigin,
		"-trusted-hosts", "127.0.0.1",
		"-rate", "2", "-burst", "30",
		"-max-body", "4096")
	ts := &testServer{t: t, url: "http://" + addr, logs: logs}

	p, _ := ts.createPet(rexJSON)
	tests := []struct {
		name   string
		req    request
		status int
	}{
		{name: "get pet without credentials", req: request{method: "GET", path: "/pets/" + p.ID}, status: 200},
		{name: "list pets with API key", req: request{method: "GET", path: "/pets", header: apiKey(testAPIKey)}, status: 200},
		{name: "list pets without credentials", req: request{method: "GET", path: "/pets"}, status: 401},
		{name: "create pet with read-only token", req: request{method: "POST", path: "/pets", body: rexJSON,
			header: bearer(testReadOnly)}, status: 403},
		{name: "body over -max-body", req: request{method: "POST", path: "/pets",
			body: `{"name": "` + strings.Repeat("x", 4096) + `"}`, header: bearer(testBearer)}, status: 413},
		{name: "preflight", req: request{method: "OPTIONS", path: "/pets", header: map[string]string{
			"Origin": testOrigin, "Access-Control-Request-Method": "POST"}}, status: 204},
		{name: "host not trusted", req: request{method: "GET", path: "/pets/" + p.ID, host: "localhost"}, status: 400},
		{name: "spec", req: request{method: "GET", path: "/openapi.json"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.t = t
			if resp := ts.do(tt.req); resp.status != tt.status {
				t.Errorf("got status %d, want %d; body %s", resp.status, tt.status, resp.body)
			}
		})
	}
	ts.t = t

	// The burst of 30 is spent within a few dozen quick requests.
	limited := false
	for range 60 {
		resp := ts.do(request{method: "GET", path: "/pets/" + p.ID})
		if resp.status == http.StatusTooManyRequests {
			limited = resp.header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Error("got no 429 with Retry-After within 60 requests, want the -rate 2 -burst 30 limit")
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("after SIGTERM: got %v, want exit status 0", err)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("process still running after SIGTERM")
	}
	out := logs.String()
	for _, want := range []string{`msg="petstore stopping"`, `msg="petstore stopped"`, "msg=request method=POST path=/pets status=201"} {
		if !strings.Contains(out, want) {
			t.Errorf("got stderr\n%s\nwant a line containing %s", out, want)
		}
	}
	for _, secret := range []string{testAPIKey, testBearer, testReadOnly} {
		if strings.Contains(out, secret) {
			t.Errorf("got stderr\n%s\nwant no credential, found %q", out, secret)
		}
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		// stderr must contain this text.
		stderr string
	}{
		{name: "no command", args: nil, code: 2, stderr: "Usage: petstore COMMAND"},
		{name: "unknown command", args: []string{"feed"}, code: 2, stderr: `unknown command "feed"`},
		{name: "unknown flag", args: []string{"serve", "-port", "80"}, code: 2, stderr: "flag provided but not defined: -port"},
		{name: "argument after flags", args: []string{"serve", "extra"}, code: 2, stderr: `unexpected argument "extra"`},
		{name: "negative rate", args: []string{"serve", "-rate", "-1"}, code: 2, stderr: "invalid -rate -1"},
		{name: "rate not a number", args: []string{"serve", "-rate", "fast"}, code: 2, stderr: "-rate"},
		{name: "negative burst", args: []string{"serve", "-burst", "-3"}, code: 2, stderr: "invalid -burst -3"},
		{name: "zero max body", args: []string{"serve", "-max-body", "0"}, code: 2, stderr: "invalid -max-body 0"},
		{name: "empty db", args: []string{"serve", "-db", ""}, code: 2, stderr: "invalid -db"},
		{name: "origin with path", args: []string{"serve", "-cors-origins", "https://app.example/ui"}, code: 2, stderr: "invalid -cors-origins"},
		{name: "host with space", args: []string{"serve", "-trusted-hosts", "bad host"}, code: 2, stderr: "invalid -trusted-hosts"},
		{name: "empty API key", args: []string{"serve", "-api-key", ""}, code: 2, stderr: "invalid -api-key"},
		{name: "token with space", args: []string{"serve", "-bearer-token", "two words"}, code: 2, stderr: "invalid -bearer-token"},
		{name: "OAuth2 token without scopes", args: []string{"serve", "-oauth-token", "reader"}, code: 2, stderr: "want token:scopes"},
		{name: "unknown OAuth2 scope", args: []string{"serve", "-oauth-token", "reader:pets:admin"}, code: 2, stderr: `unknown scope "pets:admin"`},
		{name: "port out of range", args: []string{"serve", "-addr", "127.0.0.1:99999", "-db", ":memory:"}, code: 1, stderr: "listen failed"},
		{name: "serve help", args: []string{"serve", "-h"}, code: 0, stderr: "Usage: petstore serve"},
		{name: "demo", args: []string{"demo"}, code: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code {
				t.Errorf("got exit code %d, want %d; stderr:\n%s", code, tt.code, &stderr)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("got stderr\n%s\nwant it to contain %q", &stderr, tt.stderr)
			}
		})
	}
}

func TestServeHelpDocumentsFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve", "-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("got exit code %d, want 0", code)
	}
	help := stderr.String()
	// Each flag with the unit or form of its value.
	for _, want := range []string{
		"-addr host:port", "-db file", "-api-key key", "-bearer-token token", "-oauth-token token:scopes",
		"-cors-origins origins", "-trusted-hosts names", "-rate N", "requests per second",
		"-burst N", "-max-body bytes", "SIGINT or SIGTERM",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("got help\n%s\nwant it to contain %q", help, want)
		}
	}
}
