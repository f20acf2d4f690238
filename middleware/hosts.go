package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/whgen/whgen/problem"
)

// TrustedHostsOptions configures [NewTrustedHosts].
type TrustedHostsOptions struct {
	// AllowedHosts lists the host names that requests may address,
	// without port: "api.example.com", "127.0.0.1", "[::1]" (or "::1").
	// Names compare case-insensitively, and a trailing dot is ignored on
	// both sides, because "example.com." is the same DNS name. IPv6
	// addresses compare in their canonical form.
	//
	// "*.example.com" matches subdomains of example.com at any depth, but
	// not example.com itself. "*" matches every host. Empty also matches
	// every host, so the middleware then only rejects a missing or
	// malformed Host.
	AllowedHosts []string

	// ErrorHandler writes the 400 Bad Request response to a rejected
	// request, whose cause is [ErrInvalidHost] or [ErrHostNotAllowed].
	// Nil means [WriteProblem].
	ErrorHandler ErrorHandler
}

// TrustedHosts is a middleware that rejects requests whose Host is not in
// a list, so that a server reached through DNS rebinding, or a handler
// that builds absolute URLs from the Host, cannot be misled. It reads
// r.Host, which net/http fills from the Host header, the :authority of
// HTTP/2, or an absolute request target, and ignores X-Forwarded-Host.
// Create it with [NewTrustedHosts].
type TrustedHosts struct {
	any          bool
	exact        map[string]struct{}
	suffixes     []string // ".example.com" for "*.example.com"
	errorHandler ErrorHandler
}

// NewTrustedHosts returns a TrustedHosts middleware for opts. It returns
// an error naming each entry that is not a host name, an IP address or a
// leading "*." wildcard.
func NewTrustedHosts(opts TrustedHostsOptions) (*TrustedHosts, error) {
	th := &TrustedHosts{
		any:          len(opts.AllowedHosts) == 0,
		exact:        make(map[string]struct{}),
		errorHandler: opts.ErrorHandler,
	}
	var errs []error
	for _, entry := range opts.AllowedHosts {
		if err := th.add(entry); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("trusted hosts: %w", err)
	}
	return th, nil
}

func (th *TrustedHosts) add(entry string) error {
	if entry == "*" {
		th.any = true
		return nil
	}
	name := entry
	if strings.Contains(name, ":") && !strings.HasPrefix(name, "[") {
		if _, err := netip.ParseAddr(name); err != nil {
			if i := strings.LastIndexByte(name, ':'); i+1 < len(name) && isDigits(name[i+1:]) && !strings.Contains(name[:i], ":") {
				return fmt.Errorf("allowed host %q has a port; list the host alone (%s), because the port of a request's Host is not compared", entry, name[:i])
			}
		}
		name = "[" + name + "]" // a bare IPv6 address
	}
	if suffix, ok := strings.CutPrefix(name, "*."); ok {
		host, err := normalizeHostName(suffix)
		if err != nil || strings.HasPrefix(host, "[") {
			return fmt.Errorf("allowed host %q: a wildcard must be followed by a domain name, as in *.example.com", entry)
		}
		th.suffixes = append(th.suffixes, "."+host)
		return nil
	}
	host, err := normalizeHostName(name)
	if err != nil {
		return fmt.Errorf("allowed host %q: %w", entry, err)
	}
	th.exact[host] = struct{}{}
	return nil
}

// Handler returns next wrapped with the host check.
func (th *TrustedHosts) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := th.Check(r.Host); err != nil {
			th.errorHandler.orDefault()(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Check returns nil when hostport, a Host header value, is allowed. It
// returns a *problem.Error with status 400 otherwise, whose cause is
// [ErrInvalidHost] for an empty or malformed value and [ErrHostNotAllowed]
// for a well-formed host that is not in the list.
func (th *TrustedHosts) Check(hostport string) error {
	host, err := splitHostHeader(hostport)
	if err != nil {
		return hostError(fmt.Errorf("%w: %w", ErrInvalidHost, err), "the Host header is missing or malformed")
	}
	if th.allowed(host) {
		return nil
	}
	return hostError(fmt.Errorf("%w: %q", ErrHostNotAllowed, host), "the Host header names a host that this server does not serve")
}

func (th *TrustedHosts) allowed(host string) bool {
	if th.any {
		return true
	}
	if _, ok := th.exact[host]; ok {
		return true
	}
	for _, suffix := range th.suffixes {
		if len(host) > len(suffix) && strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// splitHostHeader returns the host of a Host header value in normal form:
// port removed (RFC 3986 allows an empty port), lower case, one trailing
// dot removed, IPv6 literals canonical and in brackets.
func splitHostHeader(hostport string) (string, error) {
	if hostport == "" {
		return "", errors.New("empty host")
	}
	host := hostport
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", fmt.Errorf("unclosed IPv6 literal in %q", hostport)
		}
		host = hostport[:end+1]
		if rest := hostport[end+1:]; rest != "" {
			port, ok := strings.CutPrefix(rest, ":")
			if !ok || !isDigits(port) {
				return "", fmt.Errorf("invalid port in %q", hostport)
			}
		}
	} else if i := strings.IndexByte(hostport, ':'); i >= 0 {
		host = hostport[:i]
		if !isDigits(hostport[i+1:]) {
			return "", fmt.Errorf("invalid port in %q", hostport)
		}
	}
	return normalizeHostName(host)
}

// normalizeHostName lowercases a host without port, removes one trailing
// dot, and makes a bracketed IPv6 literal canonical.
func normalizeHostName(host string) (string, error) {
	if strings.HasPrefix(host, "[") {
		inner, ok := strings.CutSuffix(host[1:], "]")
		addr, err := netip.ParseAddr(inner)
		if !ok || err != nil || !addr.Is6() {
			return "", fmt.Errorf("invalid IPv6 literal %q", host)
		}
		return "[" + addr.String() + "]", nil
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || strings.ContainsFunc(host, notHostNameChar) {
		return "", fmt.Errorf("invalid host name %q", host)
	}
	return host, nil
}

// notHostNameChar reports whether c cannot appear in a lowercased DNS
// name or IPv4 address. Underscores are allowed because some internal
// names use them; internationalized names must be in their ASCII form.
func notHostNameChar(c rune) bool {
	return !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_')
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hostError(cause error, detail string) error {
	return problem.Wrap(cause, http.StatusBadRequest, detail)
}
