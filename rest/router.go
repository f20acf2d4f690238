package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/whgen/whgen/middleware"
	"github.com/whgen/whgen/problem"
)

// Router routes requests with a standard http.ServeMux and keeps the
// routes that ServeMux rejects as conflicting. Real specs have such pairs
// ("/videos/{id}/content" and "/videos/characters/{id}" both match
// "/videos/characters/content"), and OpenAPI resolves them by preferring
// literal segments, which ServeMux refuses to guess. Router registers the
// more literal route with ServeMux and serves the other from its own
// matcher, which ServeMux reaches through a catch-all route.
type Router struct {
	// ErrorHandler writes the 404 and 405 responses for requests that match
	// no route; nil means middleware.WriteProblem.
	ErrorHandler middleware.ErrorHandler

	routes []route
}

type route struct {
	method   string
	path     string
	segments []string
	handler  http.Handler
}

// Handle adds a route; pattern is "METHOD /path" in ServeMux syntax.
func (rt *Router) Handle(pattern string, h http.Handler) error {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || !strings.HasPrefix(path, "/") {
		return fmt.Errorf("invalid route pattern %q: want \"METHOD /path\"", pattern)
	}
	rt.routes = append(rt.routes, route{method: method, path: path, segments: strings.Split(path[1:], "/"), handler: h})
	return nil
}

// less orders routes so that, segment by segment from the left, a
// literal beats a wildcard.
func (r route) less(o route) bool {
	for i := 0; i < len(r.segments) && i < len(o.segments); i++ {
		a, b := isWildcard(r.segments[i]), isWildcard(o.segments[i])
		if a != b {
			return !a
		}
	}
	if len(r.segments) != len(o.segments) {
		return len(r.segments) > len(o.segments)
	}
	if r.path != o.path {
		return r.path < o.path
	}
	return r.method < o.method
}

func isWildcard(seg string) bool { return strings.HasPrefix(seg, "{") && seg != "{$}" }

// Handler registers every route and returns the handler that serves them.
func (rt *Router) Handler() (http.Handler, error) {
	routes := append([]route(nil), rt.routes...)
	sort.SliceStable(routes, func(i, j int) bool { return routes[i].less(routes[j]) })
	mux := http.NewServeMux()
	var overflow []route
	for _, r := range routes {
		if err := Register(mux, r.method+" "+r.path, r.handler); err != nil {
			if !strings.Contains(err.Error(), "conflicts with") {
				return nil, err
			}
			overflow = append(overflow, r)
		}
	}
	// The catch-all route also turns ServeMux's plain-text 404 and 405 into
	// problems.
	fb := &fallback{mux: mux, routes: overflow, hook: rt.ErrorHandler}
	if err := Register(mux, "/", fb); err != nil {
		return nil, err
	}
	return mux, nil
}

// fallback serves the routes that ServeMux could not take.
type fallback struct {
	mux    *http.ServeMux
	routes []route
	hook   middleware.ErrorHandler
}

func (fb *fallback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	var allow []string
	for _, rt := range fb.routes {
		values, ok := match(rt.segments, segs)
		if !ok {
			continue
		}
		if rt.method != r.Method && !(rt.method == http.MethodGet && r.Method == http.MethodHead) {
			allow = append(allow, rt.method)
			continue
		}
		for name, v := range values {
			r.SetPathValue(name, v)
		}
		rt.handler.ServeHTTP(w, r)
		return
	}
	// The path may still belong to a ServeMux route of another method.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := fb.mux.Handler(probe); pattern != "/" && pattern != "" && !slices.Contains(allow, m) {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		sort.Strings(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		Fail(w, r, problem.NewError(http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed here; use %s", r.Method, strings.Join(allow, ", "))), fb.hook)
		return
	}
	Fail(w, r, RouteNotFound(), fb.hook)
}

// RouteNotFound returns the 404 problem for a request whose path matches
// no operation. Generated servers also send it when a path segment does
// not match an operation's template, such as "{sid}.json".
func RouteNotFound() error {
	return problem.NewError(http.StatusNotFound, "no operation matches this path")
}

// match matches escaped request segments against a route's segments and
// returns the decoded wildcard values.
func match(pattern, segs []string) (map[string]string, bool) {
	if n := len(pattern); n > 0 && pattern[n-1] == "{$}" {
		pattern = pattern[:n-1]
		if len(segs) != len(pattern)+1 || segs[len(segs)-1] != "" {
			return nil, false
		}
		segs = segs[:len(pattern)]
	} else if len(segs) != len(pattern) {
		return nil, false
	}
	values := map[string]string{}
	for i, p := range pattern {
		seg, err := url.PathUnescape(segs[i])
		if err != nil {
			return nil, false
		}
		if isWildcard(p) {
			if seg == "" {
				return nil, false
			}
			values[strings.Trim(p, "{}")] = seg
			continue
		}
		if seg != p {
			return nil, false
		}
	}
	return values, true
}

// StripBasePath serves h under prefix, as http.StripPrefix does, and answers
// requests outside it with a 404 problem.
func StripBasePath(prefix string, h http.Handler, hook middleware.ErrorHandler) http.Handler {
	prefix = "/" + strings.Trim(prefix, "/")
	if prefix == "/" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || rest != "" && rest[0] != '/' {
			Fail(w, r, RouteNotFound(), hook)
			return
		}
		http.StripPrefix(prefix, h).ServeHTTP(w, r)
	})
}
