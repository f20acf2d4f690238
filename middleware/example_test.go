package middleware_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/whgen/whgen/middleware"
)

type account struct{ name string }

func ExampleChain() {
	hosts, _ := middleware.NewTrustedHosts(middleware.TrustedHostsOptions{AllowedHosts: []string{"api.example.com"}})
	cors, _ := middleware.NewCORS(middleware.CORSOptions{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"DELETE"},
	})
	limiter, _ := middleware.NewRateLimiter(middleware.RateLimitOptions{RequestsPerSecond: 10, Burst: 20})

	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	server := middleware.Chain(hosts.Handler, cors.Handler, limiter.Handler)(mux)

	for _, host := range []string{"api.example.com", "evil.example.com"} {
		r := httptest.NewRequest("DELETE", "/pets/7", nil)
		r.Host = host
		w := httptest.NewRecorder()
		server.ServeHTTP(w, r)
		fmt.Println(host, w.Code)
	}
	// Output:
	// api.example.com 204
	// evil.example.com 400
}

func ExampleNewCORS() {
	cors, err := middleware.NewCORS(middleware.CORSOptions{
		AllowedOrigins:   []string{"https://app.example.com"},
		AllowedMethods:   []string{"PUT"},
		AllowedHeaders:   []string{"Content-Type"},
		AllowCredentials: true,
	})
	if err != nil {
		panic(err)
	}
	h := cors.Handler(http.NotFoundHandler())

	r := httptest.NewRequest("OPTIONS", "/pets/7", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", "PUT")
	r.Header.Set("Access-Control-Request-Headers", "content-type")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	fmt.Println(w.Code)
	for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Vary"} {
		fmt.Printf("%s: %s\n", name, w.Header().Get(name))
	}
	// Output:
	// 204
	// Access-Control-Allow-Origin: https://app.example.com
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Methods: PUT
	// Access-Control-Allow-Headers: content-type
	// Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
}

func ExampleNewAuthenticator() {
	// Generated from the spec's components.securitySchemes.
	schemes := map[string]middleware.SecurityScheme{
		"bearerAuth": {Type: middleware.SchemeHTTP, Scheme: "bearer"},
	}
	// Supplied by the application.
	checkToken := func(ctx context.Context, token string) (*account, []string, error) {
		if token != "secret" {
			return nil, nil, middleware.ErrInvalidCredentials
		}
		return &account{name: "ann"}, []string{"pets:write"}, nil
	}
	auth, err := middleware.NewAuthenticator(middleware.AuthOptions{
		Schemes:    schemes,
		Validators: map[string]middleware.Validator{"bearerAuth": middleware.TokenValidator(checkToken)},
		Realm:      "petstore",
	})
	if err != nil {
		panic(err)
	}

	deletePet := &middleware.Operation{
		ID: "deletePet", Method: "DELETE", Path: "/pets/{id}",
		Security: []middleware.SecurityRequirement{{"bearerAuth": {"pets:write"}}},
	}
	handler := middleware.Chain(deletePet.Handler, auth.Handler)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			acct, _ := middleware.PrincipalFrom[*account](r.Context(), "bearerAuth")
			fmt.Fprintf(w, "deleted by %s", acct.name)
		}))

	for _, authorization := range []string{"Bearer secret", "Bearer wrong"} {
		r := httptest.NewRequest("DELETE", "/pets/7", nil)
		r.Header.Set("Authorization", authorization)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			fmt.Println(w.Code, w.Body.String())
		} else {
			fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"))
		}
	}
	// Output:
	// 200 deleted by ann
	// 401 Bearer realm="petstore", error="invalid_token", error_description="the access token is invalid or expired"
}

func ExampleNewRateLimiter() {
	limiter, err := middleware.NewRateLimiter(middleware.RateLimitOptions{
		RequestsPerSecond: 1.0 / 60, // one request a minute on average
		Burst:             1,
	})
	if err != nil {
		panic(err)
	}
	h := limiter.Handler(http.NotFoundHandler())
	for range 2 {
		r := httptest.NewRequest("GET", "/pets", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		// Retry-After, the seconds until the next token, is left out
		// because it depends on the time between the two requests.
		fmt.Printf("%d RateLimit-Policy: %s\n", w.Code, w.Header().Get("RateLimit-Policy"))
	}
	// Output:
	// 404 RateLimit-Policy: "default";q=1;w=60
	// 429 RateLimit-Policy: "default";q=1;w=60
}

func ExampleResponseRewriter() {
	redact := &middleware.ResponseRewriter{
		Buffer: func(status int, h http.Header) bool {
			return h.Get("Content-Type") == "application/json"
		},
		Rewrite: func(r *http.Request, rec *middleware.Recorder) error {
			rec.SetBody([]byte(strings.ReplaceAll(string(rec.Body()), "hunter2", "*******")))
			return nil
		},
	}
	h := redact.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"password":"hunter2"}`)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	fmt.Println(w.Body.String(), w.Header().Get("Content-Length"))
	// Output:
	// {"password":"*******"} 22
}
