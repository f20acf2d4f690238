package main

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whgen/whgen/examples/petstore/api"
)

// Challenges that 401 responses carry, one WWW-Authenticate line each.
var (
	keyOrBearer = []string{"APIKey", "Bearer"}
	bearerOnly  = []string{"Bearer"}
)

// operationCase is a valid request for one operation, and the security
// that the spec gives it.
type operationCase struct {
	id string
	// build returns the request; it may create a pet first.
	build   func(ts *testServer) request
	success int
	// challenges are the 401 challenges; nil means the operation is public.
	challenges []string
	// needsWrite is true when the oauth scheme with pets:write is an
	// alternative, so the read-only token gets 403 instead of 401.
	needsWrite bool
}

func operationCases() []operationCase {
	newPet := func(ts *testServer) string {
		p, _ := ts.createPet(rexJSON)
		return p.ID
	}
	return []operationCase{
		{id: "listPets", success: 200, challenges: keyOrBearer, build: func(*testServer) request {
			return request{method: "GET", path: "/pets"}
		}},
		{id: "createPet", success: 201, challenges: bearerOnly, needsWrite: true, build: func(*testServer) request {
			return request{method: "POST", path: "/pets", body: rexJSON}
		}},
		{id: "getPet", success: 200, build: func(ts *testServer) request {
			return request{method: "GET", path: "/pets/" + newPet(ts)}
		}},
		{id: "deletePet", success: 204, challenges: keyOrBearer, build: func(ts *testServer) request {
			return request{method: "DELETE", path: "/pets/" + newPet(ts)}
		}},
		{id: "updatePet", success: 200, challenges: keyOrBearer, build: func(ts *testServer) request {
			return request{method: "PATCH", path: "/pets/" + newPet(ts), body: `{"name": "Max"}`,
				header: map[string]string{"If-Match": "*"}}
		}},
		{id: "adoptPet", success: 202, challenges: keyOrBearer, build: func(ts *testServer) request {
			return request{method: "POST", path: "/pets/" + newPet(ts) + "/adoptions", body: adoptionJSON}
		}},
		{id: "listWebhookEndpoints", success: 200, challenges: keyOrBearer, build: func(*testServer) request {
			return request{method: "GET", path: "/webhook-endpoints"}
		}},
		{id: "createWebhookEndpoint", success: 201, challenges: keyOrBearer, build: func(*testServer) request {
			return request{method: "POST", path: "/webhook-endpoints", body: `{"url": "https://hooks.example/"}`}
		}},
	}
}

func TestOperationCasesCoverSpec(t *testing.T) {
	var got []string
	for _, oc := range operationCases() {
		got = append(got, oc.id)
	}
	for _, op := range api.Operations {
		if !slices.Contains(got, op.ID) {
			t.Errorf("operationCases lacks %s, want every operation of the spec", op.ID)
		}
	}
}

func TestSecuritySchemes(t *testing.T) {
	ts := startServer(t, testConfig(t))
	credentials := []struct {
		name   string
		header map[string]string
		// grants is "key", "bearer", "read" or "" for what the credential
		// is accepted as.
		grants string
	}{
		{name: "none", header: nil},
		{name: "API key", header: apiKey(testAPIKey), grants: "key"},
		{name: "unknown API key", header: apiKey("wrong-key")},
		{name: "bearer token", header: bearer(testBearer), grants: "bearer"},
		{name: "unknown bearer token", header: bearer("wrong-token")},
		{name: "read-only OAuth2 token", header: bearer(testReadOnly), grants: "read"},
		{name: "lower-case scheme name", header: map[string]string{"Authorization": "bearer " + testBearer}, grants: "bearer"},
		{name: "Basic credentials", header: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}},
	}
	for _, oc := range operationCases() {
		for _, cred := range credentials {
			t.Run(oc.id+"/"+cred.name, func(t *testing.T) {
				req := oc.build(ts)
				req.header = with(req.header, flatten(cred.header)...)
				resp := ts.do(req)
				presented := strings.HasPrefix(strings.ToLower(cred.header["Authorization"]), "bearer ")
				checkAuthOutcome(t, oc, cred.grants, presented, resp)
			})
		}
	}
}

// checkAuthOutcome checks resp against what the credential grants for the
// operation: success, 401 with the operation's challenges, or 403 with an
// insufficient_scope challenge. presented reports whether the request
// carried a bearer token.
func checkAuthOutcome(t *testing.T, oc operationCase, grants string, presented bool, resp response) {
	t.Helper()
	accepted := oc.challenges == nil || grants == "bearer" || grants == "key" && oc.id != "createPet"
	switch {
	case accepted:
		if resp.status != oc.success {
			t.Errorf("got status %d, want %d; body %s", resp.status, oc.success, resp.body)
		}
	case grants == "read" && oc.needsWrite:
		checkProblem(t, resp, http.StatusForbidden)
		want := `Bearer error="insufficient_scope", scope="pets:write"`
		if got := resp.header.Values("WWW-Authenticate"); !slices.Equal(got, []string{want}) {
			t.Errorf("got WWW-Authenticate %q, want %q", got, want)
		}
	default:
		checkProblem(t, resp, http.StatusUnauthorized)
		checkChallenges(t, resp.header.Values("WWW-Authenticate"), oc.challenges, presented)
	}
}

// checkChallenges checks that got has one challenge per scheme of want,
// in order. When a bearer token was presented, the Bearer challenge must
// state why it failed with error="invalid_token" (RFC 6750 section 3.1).
func checkChallenges(t *testing.T, got, want []string, presented bool) {
	t.Helper()
	var schemes []string
	for _, c := range got {
		scheme, params, _ := strings.Cut(c, " ")
		schemes = append(schemes, scheme)
		invalid := strings.Contains(params, `error="invalid_token"`)
		if scheme == "Bearer" && invalid != presented {
			t.Errorf("got challenge %q, want error=\"invalid_token\" only when a bearer token was presented", c)
		}
	}
	if !slices.Equal(schemes, want) {
		t.Errorf("got WWW-Authenticate %q, want challenges for %q", got, want)
	}
}

func TestMalformedCredentials(t *testing.T) {
	ts := startServer(t, testConfig(t))
	tests := []struct {
		name   string
		header map[string]string
	}{
		{name: "space in token", header: map[string]string{"Authorization": "Bearer two words"}},
		{name: "character outside b64token", header: map[string]string{"Authorization": "Bearer ab@cd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(request{method: "GET", path: "/pets", header: tt.header})
			checkProblem(t, resp, http.StatusBadRequest)
		})
	}
}

func TestCORS(t *testing.T) {
	ts := startServer(t, testConfig(t))
	preflight := func(origin, method, headers string) request {
		return request{method: "OPTIONS", path: "/pets", header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers,
		}}
	}
	tests := []struct {
		name   string
		req    request
		status int
		// allowOrigin is the expected Access-Control-Allow-Origin; empty
		// means the header must be absent.
		allowOrigin string
	}{
		{name: "preflight for POST with credentials", req: preflight(testOrigin, "POST", "authorization, content-type"),
			status: 204, allowOrigin: testOrigin},
		{name: "preflight for PATCH with If-Match", req: preflight(testOrigin, "PATCH", "X-API-Key,If-Match,Content-Type"),
			status: 204, allowOrigin: testOrigin},
		{name: "preflight from another origin", req: preflight(testOtherOrigin, "POST", "content-type"), status: 403},
		{name: "preflight for PUT", req: preflight(testOrigin, "PUT", ""), status: 403},
		{name: "preflight for lower-case patch", req: preflight(testOrigin, "patch", ""), status: 403},
		{name: "preflight for an unknown header", req: preflight(testOrigin, "GET", "X-Debug"), status: 403},
		{name: "OPTIONS without request method", req: request{method: "OPTIONS", path: "/pets",
			header: map[string]string{"Origin": testOrigin}}, status: 405, allowOrigin: testOrigin},
		{name: "simple request", req: request{method: "GET", path: "/pets",
			header: with(apiKey(testAPIKey), "Origin", testOrigin)}, status: 200, allowOrigin: testOrigin},
		{name: "simple request from another origin", req: request{method: "GET", path: "/pets",
			header: with(apiKey(testAPIKey), "Origin", testOtherOrigin)}, status: 200},
		{name: "rejected credentials", req: request{method: "GET", path: "/pets",
			header: map[string]string{"Origin": testOrigin}}, status: 401, allowOrigin: testOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(tt.req)
			if resp.status != tt.status {
				t.Errorf("got status %d, want %d; body %s", resp.status, tt.status, resp.body)
			}
			if got := resp.header.Get("Access-Control-Allow-Origin"); got != tt.allowOrigin {
				t.Errorf("got Access-Control-Allow-Origin %q, want %q", got, tt.allowOrigin)
			}
			if !containsFold(headerList(resp.header, "Vary"), "Origin") {
				t.Errorf("got Vary %q, want it to list Origin", resp.header.Values("Vary"))
			}
			if tt.status == 204 {
				checkPreflight(t, tt.req, resp)
			}
			if tt.req.method == "GET" && tt.allowOrigin != "" {
				exposed := headerList(resp.header, "Access-Control-Expose-Headers")
				for _, name := range []string{"ETag", "Location", "X-Next-Cursor", "WWW-Authenticate", "Retry-After"} {
					if !containsFold(exposed, name) {
						t.Errorf("got Access-Control-Expose-Headers %q, want %s among them", exposed, name)
					}
				}
			}
		})
	}
}

// checkPreflight checks the headers of an allowed preflight response.
func checkPreflight(t *testing.T, req request, resp response) {
	t.Helper()
	if len(resp.body) != 0 {
		t.Errorf("got preflight body %q, want none", resp.body)
	}
	if got := headerList(resp.header, "Access-Control-Allow-Methods"); !slices.Contains(got, req.header["Access-Control-Request-Method"]) {
		t.Errorf("got Access-Control-Allow-Methods %q, want the requested method", got)
	}
	allowed := headerList(resp.header, "Access-Control-Allow-Headers")
	for name := range strings.SplitSeq(req.header["Access-Control-Request-Headers"], ",") {
		if name = strings.TrimSpace(name); !containsFold(allowed, name) {
			t.Errorf("got Access-Control-Allow-Headers %q, want %s among them", allowed, name)
		}
	}
	if got, want := resp.header.Get("Access-Control-Max-Age"), strconv.Itoa(int(corsMaxAge.Seconds())); got != want {
		t.Errorf("got Access-Control-Max-Age %q, want %q", got, want)
	}
	if got := resp.header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("got Access-Control-Allow-Credentials %q, want none", got)
	}
}

// headerList returns the comma-separated elements of every line of the
// named header.
func headerList(h http.Header, name string) []string {
	var out []string
	for _, line := range h.Values(name) {
		for item := range strings.SplitSeq(line, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// containsFold reports whether list contains name, ignoring case, as
// header names compare.
func containsFold(list []string, name string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, name) })
}

func TestTrustedHosts(t *testing.T) {
	ts := startServer(t, testConfig(t))
	port := ts.url[strings.LastIndex(ts.url, ":")+1:]
	tests := []struct {
		host   string
		status int
	}{
		{host: "127.0.0.1:" + port, status: 200},
		{host: "localhost:" + port, status: 200},
		{host: "LOCALHOST.:" + port, status: 200},
		{host: "localhost", status: 200},
		{host: "evil.example", status: 400},
		{host: "evil.example:" + port, status: 400},
		{host: "localhost.evil.example", status: 400},
		{host: "[::1]:" + port, status: 400},
		{host: "127.0.0.1:port", status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			resp := ts.do(request{method: "GET", path: "/pets", host: tt.host, header: apiKey(testAPIKey)})
			if tt.status == 200 {
				if resp.status != 200 {
					t.Errorf("got status %d, want 200; body %s", resp.status, resp.body)
				}
				return
			}
			checkProblem(t, resp, tt.status)
			if h := resp.header.Get("Access-Control-Allow-Origin"); h != "" {
				t.Errorf("got Access-Control-Allow-Origin %q on a rejected host, want none", h)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	cfg := testConfig(t)
	cfg.Rate, cfg.Burst = 0.5, 3
	ts := startServer(t, cfg)
	for i := range cfg.Burst {
		resp := ts.do(request{method: "GET", path: "/pets", header: apiKey(testAPIKey)})
		if resp.status != http.StatusOK {
			t.Fatalf("request %d: got status %d, want 200 within the burst of %d", i+1, resp.status, cfg.Burst)
		}
		if resp.header.Get("RateLimit-Policy") == "" || resp.header.Get("RateLimit") == "" {
			t.Errorf("request %d: got RateLimit-Policy %q and RateLimit %q, want both", i+1,
				resp.header.Get("RateLimit-Policy"), resp.header.Get("RateLimit"))
		}
	}
	resp := ts.do(request{method: "GET", path: "/pets", header: apiKey(testAPIKey)})
	checkProblem(t, resp, http.StatusTooManyRequests)
	// At 0.5 requests per second the next token comes within 2 s.
	if got := resp.header.Get("Retry-After"); got != "1" && got != "2" {
		t.Errorf("got Retry-After %q, want 1 or 2 seconds", got)
	}
}

// TestMiddlewareOrder checks trusted hosts → CORS → rate limit → auth by
// what each layer lets the next one see.
func TestMiddlewareOrder(t *testing.T) {
	limited := func(t *testing.T) *testServer {
		cfg := testConfig(t)
		cfg.Rate, cfg.Burst = 0.01, 2
		return startServer(t, cfg)
	}
	get := request{method: "GET", path: "/pets", header: with(apiKey(testAPIKey), "Origin", testOrigin)}

	t.Run("rejected hosts spend no budget", func(t *testing.T) {
		ts := limited(t)
		for range 5 {
			if resp := ts.do(request{method: "GET", path: "/pets", host: "evil.example"}); resp.status != 400 {
				t.Fatalf("bad host: got status %d, want 400", resp.status)
			}
		}
		if resp := ts.do(get); resp.status != 200 {
			t.Errorf("after bad hosts: got status %d, want 200", resp.status)
		}
	})
	t.Run("preflights spend no budget", func(t *testing.T) {
		ts := limited(t)
		for range 5 {
			resp := ts.do(request{method: "OPTIONS", path: "/pets", header: map[string]string{
				"Origin": testOrigin, "Access-Control-Request-Method": "POST"}})
			if resp.status != 204 {
				t.Fatalf("preflight: got status %d, want 204", resp.status)
			}
		}
		if resp := ts.do(get); resp.status != 200 {
			t.Errorf("after preflights: got status %d, want 200", resp.status)
		}
	})
	t.Run("rate limit answers carry CORS headers", func(t *testing.T) {
		ts := limited(t)
		ts.do(get)
		ts.do(get)
		resp := ts.do(get)
		if resp.status != 429 || resp.header.Get("Access-Control-Allow-Origin") != testOrigin {
			t.Errorf("got status %d and Access-Control-Allow-Origin %q, want 429 and %q",
				resp.status, resp.header.Get("Access-Control-Allow-Origin"), testOrigin)
		}
	})
	t.Run("unauthenticated requests spend budget", func(t *testing.T) {
		ts := limited(t)
		for range 2 {
			resp := ts.do(request{method: "GET", path: "/pets"})
			if resp.status != 401 || resp.header.Get("RateLimit") == "" {
				t.Fatalf("no credentials: got status %d and RateLimit %q, want 401 with RateLimit", resp.status, resp.header.Get("RateLimit"))
			}
		}
		if resp := ts.do(get); resp.status != 429 {
			t.Errorf("after two 401s: got status %d, want 429", resp.status)
		}
	})
}

func TestOpenAPIDocument(t *testing.T) {
	ts := startServer(t, testConfig(t))
	resp := ts.do(request{method: "GET", path: "/openapi.json", header: map[string]string{"Origin": testOrigin}})
	if resp.status != http.StatusOK {
		t.Fatalf("got status %d, want 200 without credentials", resp.status)
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}
	if !bytes.Equal(resp.body, api.SpecJSON) {
		t.Errorf("got %d bytes, want the %d bytes of api.SpecJSON", len(resp.body), len(api.SpecJSON))
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	decodeJSON(t, resp.body, &doc)
	if doc.OpenAPI != "3.1.0" || doc.Paths["/pets/{petId}"] == nil {
		t.Errorf("got openapi %q with %d paths, want 3.1.0 with /pets/{petId}", doc.OpenAPI, len(doc.Paths))
	}
	if got := resp.header.Get("Access-Control-Allow-Origin"); got != testOrigin {
		t.Errorf("got Access-Control-Allow-Origin %q, want %q", got, testOrigin)
	}
	resp = ts.do(request{method: "GET", path: "/openapi.json", host: "evil.example"})
	checkProblem(t, resp, http.StatusBadRequest)
}

func TestUnknownRoutes(t *testing.T) {
	ts := startServer(t, testConfig(t))
	resp := ts.do(request{method: "GET", path: "/cats", header: apiKey(testAPIKey)})
	if resp.status != http.StatusNotFound {
		t.Errorf("unknown path: got status %d, want 404", resp.status)
	}
	resp = ts.do(request{method: "PUT", path: "/pets", header: apiKey(testAPIKey)})
	if resp.status != http.StatusMethodNotAllowed {
		t.Errorf("PUT /pets: got status %d, want 405", resp.status)
	}
	if got := headerList(resp.header, "Allow"); !slices.Contains(got, "GET") || !slices.Contains(got, "POST") {
		t.Errorf("PUT /pets: got Allow %q, want GET and POST", resp.header.Values("Allow"))
	}
}

func TestRequestLog(t *testing.T) {
	ts := startServer(t, testConfig(t))
	ts.do(request{method: "GET", path: "/pets", header: apiKey(testAPIKey)})
	ts.do(request{method: "POST", path: "/pets", body: rexJSON, header: bearer(testBearer)})
	ts.do(request{method: "GET", path: "/pets", header: apiKey("wrong-" + testAPIKey)})

	logs := ts.logs.String()
	for _, want := range []string{
		`msg="petstore started" addr=` + strings.TrimPrefix(ts.url, "http://"),
		"msg=request method=GET path=/pets status=200 duration=",
		"msg=request method=POST path=/pets status=201 duration=",
		"msg=request method=GET path=/pets status=401 duration=",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("got logs\n%s\nwant a line containing %q", logs, want)
		}
	}
	for _, secret := range []string{testAPIKey, testBearer, testReadOnly} {
		if strings.Contains(logs, secret) {
			t.Errorf("got logs\n%s\nwant no credential, found %q", logs, secret)
		}
	}
}

// TestSpecScopes checks that a -bearer-token gets exactly the spec's
// OAuth2 scopes.
func TestSpecScopes(t *testing.T) {
	scopes, err := oauthScopes(api.SpecJSON)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"pets:read", "pets:write"}; !slices.Equal(scopes, want) {
		t.Errorf("got scopes %q, want %q", scopes, want)
	}
	if _, err := oauthScopes([]byte("{")); err == nil {
		t.Error("got no error for a malformed spec, want one")
	}
}

func TestHeaderSizeLimit(t *testing.T) {
	ts := startServer(t, testConfig(t))
	// net/http allows 4096 bytes beyond MaxHeaderBytes before it responds 431.
	big := strings.Repeat("h", maxHeaderBytes+8192)
	resp := ts.do(request{method: "GET", path: "/pets", header: with(apiKey(testAPIKey), "X-Padding", big)})
	if resp.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("got status %d, want 431 for a header over %d bytes", resp.status, maxHeaderBytes)
	}
	small := strings.Repeat("h", maxHeaderBytes/2)
	resp = ts.do(request{method: "GET", path: "/pets", header: with(apiKey(testAPIKey), "X-Padding", small)})
	if resp.status != http.StatusOK {
		t.Errorf("got status %d, want 200 for a header of %d bytes", resp.status, len(small))
	}
}
