package middleware

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// CORS header names.
const (
	headerOrigin              = "Origin"
	headerRequestMethod       = "Access-Control-Request-Method"
	headerRequestHeaders      = "Access-Control-Request-Headers"
	headerRequestPrivateNet   = "Access-Control-Request-Private-Network"
	headerAllowOrigin         = "Access-Control-Allow-Origin"
	headerAllowCredentials    = "Access-Control-Allow-Credentials"
	headerAllowMethods        = "Access-Control-Allow-Methods"
	headerAllowHeaders        = "Access-Control-Allow-Headers"
	headerExposeHeaders       = "Access-Control-Expose-Headers"
	headerMaxAge              = "Access-Control-Max-Age"
	headerAllowPrivateNetwork = "Access-Control-Allow-Private-Network"
)

// CORS is a middleware that implements the server side of the CORS
// protocol of the Fetch standard. Create it with [NewCORS].
//
// The middleware responds to a preflight request (OPTIONS with Origin
// and Access-Control-Request-Method) itself, so the request never reaches
// the next handler unless PassthroughPreflight is set. An allowed
// preflight gets status PreflightStatus (204 by default) and no body. A
// rejected one goes to the ErrorHandler with 403 and no
// Access-Control-Allow-Origin.
// Every other request reaches the next handler, with the CORS headers set
// when its origin is allowed. The browser, not the server, withholds the
// response from a script of a rejected origin.
//
// Responses carry "Vary: Origin" whenever their CORS headers depend on the
// origin, which is always except with AllowedOrigins "*" and no
// credentials, so that shared caches do not serve one origin's response
// to another. Handlers should add to Vary with Header().Add rather than
// replace it with Set, or the Origin entry is lost. Preflight responses
// also vary on the requested method and headers, and on
// Access-Control-Request-Private-Network when AllowPrivateNetwork is set.
type CORS struct {
	opts CORSOptions

	anyOrigin  bool
	staticStar bool // "*" without credentials: the same headers for every request
	origins    map[string]struct{}
	patterns   []originPattern

	anyMethod bool
	methods   []string
	anyHeader bool
	headers   map[string]struct{} // lower case

	exposeAll       bool
	exposed         string
	maxAge          string
	preflightStatus int
	preflightVary   []string
}

// originPattern matches "https://*.app.example": the origin starts with
// prefix, ends with suffix (".app.example"), and has one or more DNS
// labels in between.
type originPattern struct {
	prefix, suffix string
}

// NewCORS returns a CORS middleware for opts. It returns an error naming
// every invalid entry: an origin that is not a serialized origin, a
// wildcard other than a leading "*." label, an invalid method or header
// name, or a PreflightStatus outside 2xx.
func NewCORS(opts CORSOptions) (*CORS, error) {
	c := &CORS{opts: opts, origins: make(map[string]struct{})}
	if err := c.compile(opts); err != nil {
		return nil, fmt.Errorf("cors: %w", err)
	}
	c.preflightVary = []string{headerOrigin, headerRequestMethod, headerRequestHeaders}
	if opts.AllowPrivateNetwork {
		c.preflightVary = append(c.preflightVary, headerRequestPrivateNet)
	}
	return c, nil
}

// Handler returns next wrapped with the CORS middleware.
func (c *CORS) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get(headerOrigin)
		if r.Method == http.MethodOptions && origin != "" && r.Header.Get(headerRequestMethod) != "" {
			c.servePreflight(w, r, next, origin)
			return
		}
		next.ServeHTTP(c.prepareActual(w, r, origin), r)
	})
}

// prepareActual sets the CORS headers of a request that is not a
// preflight, and returns the writer for the next handler.
func (c *CORS) prepareActual(w http.ResponseWriter, r *http.Request, origin string) http.ResponseWriter {
	h := w.Header()
	if c.staticStar {
		// Fetch recommends sending a static value on every response,
		// CORS or not, instead of varying on Origin.
		h.Set(headerAllowOrigin, "*")
		if c.exposed != "" {
			h.Set(headerExposeHeaders, c.exposed)
		}
		return w
	}

	addVary(h, headerOrigin)
	if origin == "" || !c.originAllowed(r, origin) {
		return w
	}
	h.Set(headerAllowOrigin, origin)
	if c.opts.AllowCredentials {
		h.Set(headerAllowCredentials, "true")
	}
	if c.exposeAll && c.opts.AllowCredentials {
		// With credentials a literal "*" exposes nothing, so list the
		// response's own headers once the handler has set them.
		return NewRecorder(w, RecorderOptions{OnWriteHeader: exposeResponseHeaders}).Writer()
	}
	if c.exposed != "" {
		h.Set(headerExposeHeaders, c.exposed)
	}
	return w
}

// servePreflight responds to a preflight request, or passes it on when
// PassthroughPreflight is set.
func (c *CORS) servePreflight(w http.ResponseWriter, r *http.Request, next http.Handler, origin string) {
	h := w.Header()
	addVary(h, c.preflightVary...)

	method := r.Header.Get(headerRequestMethod)
	requested, reason := c.checkPreflight(r, origin, method)
	if reason != "" {
		if c.opts.PassthroughPreflight {
			next.ServeHTTP(w, r)
			return
		}
		c.opts.ErrorHandler.reject(w, r, ErrPreflightRejected, http.StatusForbidden, reason)
		return
	}

	if c.staticStar {
		h.Set(headerAllowOrigin, "*")
	} else {
		h.Set(headerAllowOrigin, origin)
	}
	if c.opts.AllowCredentials {
		h.Set(headerAllowCredentials, "true")
	}
	h.Set(headerAllowMethods, method)
	if len(requested) > 0 {
		h.Set(headerAllowHeaders, strings.Join(requested, ", "))
	}
	if c.maxAge != "" {
		h.Set(headerMaxAge, c.maxAge)
	}
	if c.opts.AllowPrivateNetwork && r.Header.Get(headerRequestPrivateNet) == "true" {
		h.Set(headerAllowPrivateNetwork, "true")
	}

	if c.opts.PassthroughPreflight {
		next.ServeHTTP(w, r)
		return
	}
	w.WriteHeader(c.preflightStatus)
}

// checkPreflight returns the requested header names, lowercased, and an
// empty reason when the preflight is allowed, or the reason it is not.
func (c *CORS) checkPreflight(r *http.Request, origin, method string) (requested []string, reason string) {
	if !c.originAllowed(r, origin) {
		return nil, fmt.Sprintf("origin %q is not allowed", origin)
	}
	if !c.methodAllowed(method) {
		return nil, fmt.Sprintf("method %q is not allowed", method)
	}
	requested, bad := parseHeaderList(r.Header.Values(headerRequestHeaders))
	if bad != "" {
		return nil, fmt.Sprintf("requested header name %q is invalid", bad)
	}
	for _, name := range requested {
		if _, ok := c.headers[name]; !ok && !c.anyHeader {
			return nil, fmt.Sprintf("header %q is not allowed", name)
		}
	}
	return requested, ""
}

// originAllowed reports whether origin may read responses. It is called
// only for non-empty origins.
func (c *CORS) originAllowed(r *http.Request, origin string) bool {
	if c.anyOrigin {
		return true
	}
	if _, ok := c.origins[origin]; ok {
		return true
	}
	for _, p := range c.patterns {
		if p.match(origin) {
			return true
		}
	}
	return c.opts.AllowOriginFunc != nil && c.opts.AllowOriginFunc(r, origin)
}

func (c *CORS) methodAllowed(method string) bool {
	if !isToken(method) {
		return false
	}
	return c.anyMethod || slices.Contains(safelistedMethods, method) || slices.Contains(c.methods, method)
}

func (p originPattern) match(origin string) bool {
	rest, ok := strings.CutPrefix(origin, p.prefix)
	if !ok {
		return false
	}
	labels, ok := strings.CutSuffix(rest, p.suffix)
	return ok && isDNSLabels(labels)
}

// isDNSLabels reports whether s is one or more non-empty dot-separated
// labels of lowercase letters, digits and hyphens.
func isDNSLabels(s string) bool {
	for label := range strings.SplitSeq(s, ".") {
		if label == "" {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// parseHeaderList splits the field lines of a comma-separated list of
// header names, as RFC 9110 section 5.6.1 defines lists: optional
// whitespace around elements, empty elements ignored, and several field
// lines equal to one joined line. It returns the names lowercased, or
// the first element that is not a valid name.
func parseHeaderList(lines []string) (names []string, bad string) {
	for _, line := range lines {
		for element := range strings.SplitSeq(line, ",") {
			element = strings.Trim(element, " \t")
			if element == "" {
				continue
			}
			if !isToken(element) {
				return nil, element
			}
			names = append(names, strings.ToLower(element))
		}
	}
	return names, ""
}

// addVary adds the header names to Vary, skipping those already listed,
// as one field line.
func addVary(h http.Header, names ...string) {
	existing := h.Values("Vary")
	var missing []string
	for _, name := range names {
		if !listContains(existing, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 || listContains(existing, "*") {
		return
	}
	h.Add("Vary", strings.Join(missing, ", "))
}

// listContains reports whether a comma-separated header list, spread over
// field lines, contains name, ignoring case.
func listContains(lines []string, name string) bool {
	for _, line := range lines {
		for element := range strings.SplitSeq(line, ",") {
			if strings.EqualFold(strings.Trim(element, " \t"), name) {
				return true
			}
		}
	}
	return false
}

// exposeResponseHeaders sets Access-Control-Expose-Headers to the names of
// the response headers that scripts cannot read by default.
func exposeResponseHeaders(status int, h http.Header) int {
	var names []string
	for name := range h {
		if !unexposable(name) {
			names = append(names, name)
		}
	}
	if len(names) > 0 {
		slices.Sort(names)
		h.Set(headerExposeHeaders, strings.Join(names, ", "))
	}
	return status
}

// unexposable reports whether a response header needs no exposing or can
// never be exposed: the CORS-safelisted response headers of the Fetch
// standard, Set-Cookie, and the CORS headers themselves.
func unexposable(name string) bool {
	switch name {
	case "Cache-Control", "Content-Language", "Content-Length", "Content-Type",
		"Expires", "Last-Modified", "Pragma", "Set-Cookie", "Set-Cookie2":
		return true
	}
	return strings.HasPrefix(name, "Access-Control-")
}
