package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CORSOptions configures [NewCORS]. The zero value allows no cross-origin
// access: every origin is rejected.
type CORSOptions struct {
	// AllowedOrigins lists the origins that may read responses, each a
	// serialized origin such as "https://app.example" or
	// "http://localhost:5173" (scheme, host and port only, no path or
	// trailing slash). Requests match them byte for byte, as browsers
	// send origins in lower case without a default port. Entries are
	// lowercased.
	//
	// "*" allows every origin. Without AllowCredentials the responses
	// then carry "Access-Control-Allow-Origin: *"; with it, the request's
	// origin is echoed, because browsers reject "*" on credentialed
	// responses.
	//
	// A pattern such as "https://*.app.example" allows every subdomain of
	// app.example at any depth, with that scheme and no port, but not
	// app.example itself. "null" matches the opaque origin of sandboxed
	// documents and file: URLs, which any site can produce, so listing it
	// is rarely safe.
	AllowedOrigins []string

	// AllowOriginFunc, when set, decides for origins that AllowedOrigins
	// does not match. Nil means AllowedOrigins alone decides.
	AllowOriginFunc func(r *http.Request, origin string) bool

	// AllowedMethods lists the methods, besides the CORS-safelisted GET,
	// HEAD and POST that browsers never check, that preflight requests may
	// ask for. Methods are case-sensitive: "PATCH" does not allow "patch".
	// "*" allows every method. Nil allows only GET, HEAD and POST.
	AllowedMethods []string

	// AllowedHeaders lists the request header names that preflight
	// requests may ask for, compared case-insensitively. "*" allows every
	// name, and the allowed names are then echoed, because a literal "*"
	// never covers Authorization and means nothing on credentialed
	// requests. Content-Type is not implied: a JSON request body needs it
	// listed. Nil allows no header beyond those that browsers send without
	// asking.
	AllowedHeaders []string

	// ExposedHeaders lists the response header names that browser scripts
	// may read beyond the CORS-safelisted ones. "*" exposes every header:
	// it is sent as "*" without AllowCredentials, and as the list of the
	// response's own header names with it. Nil exposes none.
	ExposedHeaders []string

	// AllowCredentials lets browsers send cookies and HTTP authentication
	// with cross-origin requests and read the responses. False omits
	// Access-Control-Allow-Credentials.
	AllowCredentials bool

	// MaxAge is how long browsers may cache a preflight result, sent in
	// whole seconds rounded up. Zero omits the header, so browsers use
	// their default of 5 seconds. A negative value sends 0, which
	// disables caching.
	MaxAge time.Duration

	// AllowPrivateNetwork responds to preflight requests that carry
	// "Access-Control-Request-Private-Network: true" with
	// "Access-Control-Allow-Private-Network: true", which Private Network
	// Access requires before a public site may reach a server on a
	// private network. False never sends it, and the preflight still
	// succeeds without it.
	AllowPrivateNetwork bool

	// PreflightStatus is the status code of a successful preflight
	// response, which must be 2xx. Zero means 204 No Content.
	PreflightStatus int

	// PassthroughPreflight passes preflight requests on to the next
	// handler, after setting the CORS headers of an allowed preflight,
	// instead of responding to them. False responds to them here.
	PassthroughPreflight bool

	// ErrorHandler writes the response to a rejected preflight: status
	// 403 with the cause [ErrPreflightRejected]. Nil means [WriteProblem].
	ErrorHandler ErrorHandler
}

// safelistedMethods are the CORS-safelisted methods of the Fetch
// standard. Browsers accept them even when a preflight response
// does not list them.
var safelistedMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost}

// compile checks opts and stores its parsed form in c.
func (c *CORS) compile(opts CORSOptions) error {
	var errs []error
	for _, o := range opts.AllowedOrigins {
		if err := c.addOrigin(o); err != nil {
			errs = append(errs, err)
		}
	}
	c.anyMethod = slices.Contains(opts.AllowedMethods, "*")
	for _, m := range opts.AllowedMethods {
		if m != "*" && !isToken(m) {
			errs = append(errs, fmt.Errorf("allowed method %q is not a valid method token", m))
		}
	}
	c.methods = opts.AllowedMethods

	var err error
	c.anyHeader, c.headers, err = headerNameSet("allowed header", opts.AllowedHeaders)
	errs = append(errs, err)
	c.exposeAll, c.exposed, err = exposedHeaders(opts.ExposedHeaders)
	errs = append(errs, err)

	c.preflightStatus = opts.PreflightStatus
	if c.preflightStatus == 0 {
		c.preflightStatus = http.StatusNoContent
	}
	if c.preflightStatus < 200 || c.preflightStatus > 299 {
		errs = append(errs, fmt.Errorf("preflight status %d is not 2xx, so browsers would fail every preflight", opts.PreflightStatus))
	}
	c.maxAge = maxAgeSeconds(opts.MaxAge)
	c.staticStar = c.anyOrigin && !opts.AllowCredentials
	return errors.Join(errs...)
}

// addOrigin adds one AllowedOrigins entry.
func (c *CORS) addOrigin(entry string) error {
	o := strings.ToLower(entry)
	switch {
	case o == "*":
		c.anyOrigin = true
		return nil
	case o == "null":
		c.origins[o] = struct{}{}
		return nil
	}

	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("allowed origin %q is not an origin like https://app.example", entry)
	}
	if o != u.Scheme+"://"+u.Host {
		return fmt.Errorf("allowed origin %q has more than scheme, host and port; browsers send origins without path or trailing slash", entry)
	}
	if isDefaultPort(u.Scheme, u.Port()) {
		return fmt.Errorf("allowed origin %q names the default port, which browsers omit from origins; remove it", entry)
	}

	host := u.Hostname()
	if !strings.Contains(host, "*") {
		c.origins[o] = struct{}{}
		return nil
	}
	suffix, ok := strings.CutPrefix(host, "*.")
	if !ok || suffix == "" || strings.Contains(suffix, "*") {
		return fmt.Errorf("allowed origin %q: a wildcard must be a whole leading label followed by a domain, as in https://*.example.com; use \"*\" to allow every origin", entry)
	}
	c.patterns = append(c.patterns, originPattern{
		prefix: u.Scheme + "://",
		suffix: strings.TrimPrefix(o, u.Scheme+"://*"),
	})
	return nil
}

func isDefaultPort(scheme, port string) bool {
	return (scheme == "https" && port == "443") || (scheme == "http" && port == "80")
}

// headerNameSet validates header names and returns them lowercased, and
// whether the list contains "*".
func headerNameSet(field string, names []string) (star bool, set map[string]struct{}, err error) {
	set = make(map[string]struct{}, len(names))
	var errs []error
	for _, n := range names {
		if n == "*" {
			star = true
			continue
		}
		if !isToken(n) {
			errs = append(errs, fmt.Errorf("%s %q is not a valid header name", field, n))
			continue
		}
		set[strings.ToLower(n)] = struct{}{}
	}
	return star, set, errors.Join(errs...)
}

// exposedHeaders validates ExposedHeaders and returns the header value to
// send, and whether the list contains "*".
func exposedHeaders(names []string) (all bool, value string, err error) {
	var errs []error
	var canonical []string
	for _, n := range names {
		switch {
		case n == "*":
			all = true
		case !isToken(n):
			errs = append(errs, fmt.Errorf("exposed header %q is not a valid header name", n))
		default:
			canonical = append(canonical, http.CanonicalHeaderKey(n))
		}
	}
	if all {
		return true, "*", errors.Join(errs...)
	}
	return false, strings.Join(canonical, ", "), errors.Join(errs...)
}

func maxAgeSeconds(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d < 0:
		return "0"
	}
	seconds := (d + time.Second - 1) / time.Second
	return strconv.FormatInt(int64(seconds), 10)
}

// isToken reports whether s is an RFC 9110 token, the syntax of method
// and header names.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
