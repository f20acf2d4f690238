package middleware

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/whgen/whgen/problem"
)

func TestNewTrustedHostsRejectsConfig(t *testing.T) {
	tests := []struct {
		name  string
		hosts []string
	}{
		{"wildcard not leading", []string{"api.*.example.com"}},
		{"wildcard on IPv6", []string{"*.[::1]"}},
		{"broken IPv6", []string{"[::1"}},
		{"path", []string{"example.com/x"}},
		{"empty", []string{""}},
		{"IPv4 with port", []string{"127.0.0.1:8080"}},
		{"name with port", []string{"api.example.com:443"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewTrustedHosts(TrustedHostsOptions{AllowedHosts: tt.hosts}); err == nil {
				t.Errorf("got nil error for %q, want one", tt.hosts)
			}
		})
	}
	_, err := NewTrustedHosts(TrustedHostsOptions{AllowedHosts: []string{"127.0.0.1:8080"}})
	if err == nil || !strings.Contains(err.Error(), "has a port; list the host alone (127.0.0.1)") {
		t.Errorf("got %v, want an error that says to leave out the port", err)
	}
}

func TestTrustedHostsCheck(t *testing.T) {
	allowed := []string{"api.example.com", "*.apps.example.com", "127.0.0.1", "::1", "[2001:db8::1]", "local.test."}
	th, err := NewTrustedHosts(TrustedHostsOptions{AllowedHosts: allowed})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host    string
		wantErr error
	}{
		{"api.example.com", nil},
		{"API.Example.COM", nil},
		{"api.example.com.", nil},
		{"api.example.com:8443", nil},
		{"api.example.com:", nil},
		{"local.test", nil},
		{"x.apps.example.com", nil},
		{"a.b.apps.example.com.:80", nil},
		{"apps.example.com", ErrHostNotAllowed},
		{".apps.example.com", ErrHostNotAllowed},
		{"evilapps.example.com", ErrHostNotAllowed},
		{"api.example.com.evil.net", ErrHostNotAllowed},
		{"127.0.0.1:8000", nil},
		{"[::1]", nil},
		{"[::1]:8080", nil},
		{"[0:0:0:0:0:0:0:1]:8080", nil},
		{"[2001:DB8:0::1]", nil},
		{"[::2]", ErrHostNotAllowed},
		{"", ErrInvalidHost},
		{"::1", ErrInvalidHost},
		{"[::1", ErrInvalidHost},
		{"[::1]x", ErrInvalidHost},
		{"[::1]:80a", ErrInvalidHost},
		{"api.example.com:80a", ErrInvalidHost},
		{"[not-an-ip]", ErrInvalidHost},
		{":8080", ErrInvalidHost},
		{"user@api.example.com", ErrInvalidHost},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			err := th.Check(tt.host)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if err != nil && problem.From(err).Status != http.StatusBadRequest {
				t.Errorf("got status %d, want 400", problem.From(err).Status)
			}
		})
	}
}

func TestTrustedHostsAllowAny(t *testing.T) {
	for _, hosts := range [][]string{nil, {"*"}} {
		th, err := NewTrustedHosts(TrustedHostsOptions{AllowedHosts: hosts})
		if err != nil {
			t.Fatal(err)
		}
		if err := th.Check("anything.invalid:1"); err != nil {
			t.Errorf("hosts %q: got %v, want any host allowed", hosts, err)
		}
		if err := th.Check(""); !errors.Is(err, ErrInvalidHost) {
			t.Errorf("hosts %q: got %v for an empty host, want ErrInvalidHost", hosts, err)
		}
	}
}

func TestTrustedHostsHandler(t *testing.T) {
	var handled error
	th, _ := NewTrustedHosts(TrustedHostsOptions{
		AllowedHosts: []string{"api.example.com"},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			handled = err
			WriteProblem(w, r, err)
		},
	})
	srv := httptest.NewServer(th.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("app"))
	})))
	defer srv.Close()

	tests := []struct {
		host       string
		wantStatus int
	}{
		{"api.example.com", 200},
		{"evil.example.com", 400},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			handled = nil
			req, _ := http.NewRequestWithContext(testContext(t), "GET", srv.URL, nil)
			req.Host = tt.host
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("got status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == 400 && !errors.Is(handled, ErrHostNotAllowed) {
				t.Errorf("got error %v at the handler, want ErrHostNotAllowed", handled)
			}
			if tt.wantStatus == 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), problem.ContentType) {
				t.Errorf("got Content-Type %q, want a problem", resp.Header.Get("Content-Type"))
			}
		})
	}
}
