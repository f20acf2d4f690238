package middleware

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the IP address of the client that sent r.
//
// It is the peer address from r.RemoteAddr (with or without a port),
// unless that peer is one of trustedProxies. Then X-Forwarded-For, all
// field lines joined, is read from right to left, and the first entry
// that is not itself a trusted proxy is the client. Entries further left
// were written by the client or an untrusted hop, so they can be forged. When
// every entry is trusted, the leftmost one is returned. When the entry
// that should name the client is not an IP address (some proxies write
// "unknown"), the address of the trusted hop that wrote it is returned.
// Entries may carry a port.
//
// IPv4-mapped IPv6 addresses are returned as IPv4. The error reports a
// RemoteAddr that is not an IP address, as with Unix socket listeners.
func ClientIP(r *http.Request, trustedProxies []netip.Prefix) (netip.Addr, error) {
	peer, ok := parseIP(r.RemoteAddr)
	if !ok {
		return netip.Addr{}, fmt.Errorf("remote address %q is not an IP address", r.RemoteAddr)
	}
	if !isTrusted(peer, trustedProxies) {
		return peer, nil
	}

	// TODO: read the standard Forwarded field (RFC 7239) too, for proxies
	// that send only that one.
	entries := forwardedFor(r.Header.Values("X-Forwarded-For"))
	hop := peer
	for i := len(entries) - 1; i >= 0; i-- {
		addr, ok := parseIP(entries[i])
		if !ok {
			return hop, nil
		}
		if !isTrusted(addr, trustedProxies) {
			return addr, nil
		}
		hop = addr
	}
	return hop, nil
}

// KeyByIP returns the default key function of [RateLimiter]: the client
// address from [ClientIP], with IPv6 addresses reduced to their /64
// prefix, because one IPv6 subscriber usually holds a whole /64 and could
// otherwise take a fresh key per request.
func KeyByIP(trustedProxies []netip.Prefix) func(r *http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		addr, err := ClientIP(r, trustedProxies)
		if err != nil {
			return "", err
		}
		if addr.Is6() {
			return netip.PrefixFrom(addr, 64).Masked().String(), nil
		}
		return addr.String(), nil
	}
}

// parseIP parses "192.0.2.1", "192.0.2.1:80", "2001:db8::1",
// "[2001:db8::1]" or "[2001:db8::1]:80", dropping any zone.
func parseIP(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	addr, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		addrPort, portErr := netip.ParseAddrPort(s)
		if portErr != nil {
			return netip.Addr{}, false
		}
		addr = addrPort.Addr()
	}
	return addr.Unmap().WithZone(""), true
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedFor splits X-Forwarded-For field lines into entries, left to
// right, dropping empty ones.
func forwardedFor(lines []string) []string {
	var entries []string
	for _, line := range lines {
		for entry := range strings.SplitSeq(line, ",") {
			if entry = strings.TrimSpace(entry); entry != "" {
				entries = append(entries, entry)
			}
		}
	}
	return entries
}
