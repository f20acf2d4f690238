package middleware

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/problem"
)

// The anchor cases record what established CORS, trusted-host, rate-limit
// and authentication implementations returned for the same requests, in
// testdata/anchor-cases.json. Every row runs here against this package.
// Where this package responds differently, the row has an entry in
// anchorDeviations (anchors_deviations_test.go) that says which
// expectation applies instead and why; rows without an entry must match
// as recorded, after the format rules in adaptExpectation.

type anchorCase struct {
	ID            string          `json:"id"`
	Area          string          `json:"area"`
	Source        string          `json:"source"`
	Anchors       []string        `json:"anchors"`
	Config        anchorConfig    `json:"config"`
	Request       anchorRequest   `json:"request"`
	Expect        anchorExpect    `json:"expect"`
	Note          string          `json:"note"`
	SpecNote      string          `json:"spec_note"`
	Disagreement  json.RawMessage `json:"disagreement"`
	FormatVariant json.RawMessage `json:"format_variant"`
}

type anchorConfig struct {
	// CORS
	AllowOrigins        []string `json:"allow_origins"`
	AllowMethods        []string `json:"allow_methods"`
	AllowHeaders        []string `json:"allow_headers"`
	ExposeHeaders       []string `json:"expose_headers"`
	MaxAge              *int     `json:"max_age"`
	AllowCredentials    bool     `json:"allow_credentials"`
	AllowOriginRegex    string   `json:"allow_origin_regex"`
	AllowPrivateNetwork bool     `json:"allow_private_network"`
	OptionsPassthrough  bool     `json:"options_passthrough"`
	OptionsStatus       int      `json:"options_status"`
	// Trusted hosts
	AllowedHosts []string `json:"allowed_hosts"`
	Regex        bool     `json:"regex"`
	// Rate limit
	Limit      int      `json:"limit"`
	WindowS    float64  `json:"window_s"`
	RPS        float64  `json:"rps"`
	Burst      int      `json:"burst"`
	Key        string   `json:"key"`
	KeyHeader  string   `json:"key_header"`
	IPHeaders  []string `json:"ip_headers"`
	PolicyName string   `json:"policy_name"`
	// Authentication
	Scheme         string                `json:"scheme"`
	Name           string                `json:"name"`
	Realm          string                `json:"realm"`
	Required       []string              `json:"required"`
	RequiredScopes []string              `json:"required_scopes"`
	Security       []map[string][]string `json:"security"`
}

type anchorRequest struct {
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	Headers    map[string]string   `json:"headers"`
	Multi      map[string][]string `json:"multi"`
	Host       *string             `json:"host"`
	RemoteAddr string              `json:"remote_addr"`
	Scheme     string              `json:"scheme"`
	PrecededBy json.RawMessage     `json:"preceded_by"`
}

type anchorExpect struct {
	Status                json.RawMessage   `json:"status"`
	HeadersPresent        map[string]string `json:"headers_present"`
	HeadersAbsent         []string          `json:"headers_absent"`
	PassesToApp           bool              `json:"passes_to_app"`
	Body                  *string           `json:"body"`
	CredentialsSeenByApp  string            `json:"credentials_seen_by_app"`
	EarlierStatuses       []int             `json:"earlier_statuses"`
	GoBasicAuthResult     string            `json:"go_basicauth_result"`
	LibraryReserveDelayMs int               `json:"library_reserve_delay_ms"`
	RetryAfterShouldBe    string            `json:"retry_after_should_be"`
	NoteOnly              bool              `json:"note_only"`
}

// expectation is the response that this package must give to one row.
type expectation struct {
	statusMin, statusMax int // inclusive; equal for an exact status
	present              map[string]string
	absent               []string
	reachesApp           bool
	appBody              *string
	credentials          *string // what the validator saw; nil when not checked
	earlier              []int
	constructionFails    bool
}

func loadAnchorCases(t *testing.T) []anchorCase {
	t.Helper()
	data, err := os.ReadFile("testdata/anchor-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a new field must be mapped, not ignored
	var cases []anchorCase
	if err := dec.Decode(&cases); err != nil {
		t.Fatalf("decode anchor cases: %v", err)
	}
	return cases
}

func TestAnchorCases(t *testing.T) {
	cases := loadAnchorCases(t)
	byID := make(map[string]anchorCase, len(cases))
	for _, c := range cases {
		byID[c.ID] = c
	}
	for id := range anchorDeviations {
		if _, ok := byID[id]; !ok {
			t.Errorf("deviation for unknown row %q", id)
		}
	}

	resolved := make(map[string]expectation)
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			want := resolveExpectation(t, c.ID, byID, resolved)
			if d, ok := anchorDeviations[c.ID]; ok {
				t.Logf("differs from the recorded anchor answer: %s", d.reason)
				if d.setup != nil {
					d.setup(&c)
				}
			}
			switch c.Area {
			case "cors":
				runCORSCase(t, c, want)
			case "host":
				runHostCase(t, c, want)
			case "ratelimit":
				runRateLimitCase(t, c, want)
			case "auth":
				runAuthCase(t, c, want)
			default:
				t.Fatalf("unknown area %q", c.Area)
			}
		})
	}
}

// resolveExpectation returns the expectation of a row: the recorded one
// adapted by the format rules, then replaced or changed by its deviation.
func resolveExpectation(t *testing.T, id string, byID map[string]anchorCase, done map[string]expectation) expectation {
	t.Helper()
	if want, ok := done[id]; ok {
		return want
	}
	c := byID[id]
	want := adaptExpectation(t, c)
	if d, ok := anchorDeviations[id]; ok {
		if d.sameAs != "" {
			want = cloneExpectation(resolveExpectation(t, d.sameAs, byID, done))
		}
		if d.change != nil {
			d.change(&want)
		}
	}
	done[id] = want
	return want
}

// adaptExpectation turns a row's recorded expectation into this
// package's, applying three format rules that hold for every row:
//   - Error responses are problem+json, so the anchors' plain-text error
//     bodies are not compared; the test checks the problem's status.
//   - Rate limits send the IETF RateLimit-Policy and RateLimit fields
//     instead of X-RateLimit-Limit, -Remaining and -Reset, with the same
//     limit and remaining count.
//   - Basic challenges carry charset="UTF-8" (RFC 7617 section 2.1),
//     because the user-id and password are decoded as UTF-8.
func adaptExpectation(t *testing.T, c anchorCase) expectation {
	t.Helper()
	e := c.Expect
	want := expectation{
		present:    make(map[string]string),
		absent:     slices.Clone(e.HeadersAbsent),
		reachesApp: e.PassesToApp,
		earlier:    e.EarlierStatuses,
	}
	want.statusMin, want.statusMax = parseStatus(t, e.Status)
	for k, v := range e.HeadersPresent {
		want.present[k] = v
	}
	if e.PassesToApp {
		want.appBody = e.Body
	}
	want.credentials = parseCredentials(t, e)

	if _, ok := want.present["X-RateLimit-Limit"]; ok {
		useIETFRateLimitFields(c, &want)
	}
	if v, ok := want.present["WWW-Authenticate"]; ok && strings.HasPrefix(v, "Basic") {
		want.present["WWW-Authenticate"] = strings.Replace(v, "Basic", `Basic charset="UTF-8"`, 1)
	}
	return want
}

func useIETFRateLimitFields(c anchorCase, want *expectation) {
	limit := want.present["X-RateLimit-Limit"]
	remaining := want.present["X-RateLimit-Remaining"]
	for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		delete(want.present, name)
	}
	want.absent = slices.DeleteFunc(want.absent, func(h string) bool {
		return h == "RateLimit" || h == "RateLimit-Policy"
	})
	want.absent = append(want.absent, "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
	window := strconv.FormatFloat(c.Config.WindowS, 'f', -1, 64)
	want.present["RateLimit-Policy"] = `"default";q=` + limit + ";w=" + window
	want.present["RateLimit"] = `"default";r=` + remaining + ";t=<seconds to reset>"
}

func cloneExpectation(e expectation) expectation {
	out := e
	out.present = make(map[string]string, len(e.present))
	for k, v := range e.present {
		out.present[k] = v
	}
	out.absent = slices.Clone(e.absent)
	out.earlier = slices.Clone(e.earlier)
	return out
}

func parseStatus(t *testing.T, raw json.RawMessage) (lo, hi int) {
	t.Helper()
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		return n, n
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("status %s is neither a number nor a string", raw)
	}
	switch {
	case strings.HasPrefix(s, "2xx"):
		return 200, 299
	case s == "server's choice":
		return 100, 599
	}
	t.Fatalf("unknown status pattern %q", s)
	return 0, 0
}

var (
	pythonQuoted   = regexp.MustCompile(`^'(.*)'$`)
	pythonBearer   = regexp.MustCompile(`credentials='([^']*)'`)
	pythonBasic    = regexp.MustCompile(`username='([^']*)', password='([^']*)'`)
	goBasicAuthOK  = regexp.MustCompile(`^ok=true user="([^"]*)" pass="([^"]*)"$`)
	goBasicAuthBad = regexp.MustCompile(`^ok=false`)
)

// parseCredentials returns the credentials that the validator must have
// received: the key, token, or "user:password", or nil when the row has
// none.
func parseCredentials(t *testing.T, e anchorExpect) *string {
	t.Helper()
	s := e.CredentialsSeenByApp
	var seen string
	switch {
	case s == "" && e.GoBasicAuthResult == "":
		return nil
	case pythonBasic.MatchString(s):
		m := pythonBasic.FindStringSubmatch(s)
		seen = m[1] + ":" + m[2]
	case pythonBearer.MatchString(s):
		seen = pythonBearer.FindStringSubmatch(s)[1]
	case pythonQuoted.MatchString(s):
		seen = pythonQuoted.FindStringSubmatch(s)[1]
	case strings.HasPrefix(s, "scopes="):
		seen = s
	case goBasicAuthOK.MatchString(e.GoBasicAuthResult):
		m := goBasicAuthOK.FindStringSubmatch(e.GoBasicAuthResult)
		seen = m[1] + ":" + m[2]
	case goBasicAuthBad.MatchString(e.GoBasicAuthResult):
		seen = ""
	default:
		t.Fatalf("unknown credentials format %q / %q", s, e.GoBasicAuthResult)
	}
	return &seen
}

// anchorResult is what one request produced.
type anchorResult struct {
	rec     *httptest.ResponseRecorder
	reached bool
	body    string
}

// appHandler is the application behind the middleware: it records that
// it ran and responds 200 "app".
type appHandler struct{ reached bool }

func (a *appHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.reached = true
	_, _ = io.WriteString(w, "app")
}

func buildAnchorRequest(t *testing.T, area string, req anchorRequest) *http.Request {
	t.Helper()
	r := httptest.NewRequest(req.Method, req.Path, nil)
	for k, v := range req.Headers {
		r.Header.Set(k, substituteRequestPlaceholders(t, v))
	}
	for k, vs := range req.Multi {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	switch {
	case req.Host != nil:
		r.Host = *req.Host
	case area == "host":
		r.Host = "" // the row sends no Host header at all
	}
	if req.RemoteAddr != "" {
		r.RemoteAddr = req.RemoteAddr
	}
	if req.Scheme == "https" {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

// requestPlaceholders replaces the placeholders that rows put in request
// headers with concrete values that the test validators understand.
var requestPlaceholders = map[string]string{
	"<token with scope read>": "read-only-token",
	"<token with read only>":  "read-only-token",
}

func substituteRequestPlaceholders(t *testing.T, value string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(value, func(p string) string {
		concrete, ok := requestPlaceholders[p]
		if !ok {
			t.Fatalf("unknown request placeholder %q", p)
		}
		return concrete
	})
}

// precedingRequests returns the requests sent before the row's request:
// a list of requests, or "N request(s)" meaning N copies of the request.
func precedingRequests(t *testing.T, req anchorRequest) []anchorRequest {
	t.Helper()
	if len(req.PrecededBy) == 0 {
		return nil
	}
	var list []anchorRequest
	if err := json.Unmarshal(req.PrecededBy, &list); err == nil {
		return list
	}
	var s string
	if err := json.Unmarshal(req.PrecededBy, &s); err != nil {
		t.Fatalf("preceded_by %s is neither a list nor a string", req.PrecededBy)
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d request", &n); err != nil {
		t.Fatalf("unknown preceded_by %q", s)
	}
	copies := make([]anchorRequest, n)
	for i := range copies {
		copies[i] = req
		copies[i].PrecededBy = nil
	}
	return copies
}

// serveAnchor sends the preceding requests and then the row's request to
// handler, checking the statuses of the preceding ones.
func serveAnchor(t *testing.T, c anchorCase, want expectation, handler http.Handler, app *appHandler) anchorResult {
	t.Helper()
	var earlier []int
	for _, pre := range precedingRequests(t, c.Request) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, buildAnchorRequest(t, c.Area, pre))
		earlier = append(earlier, rec.Code)
	}
	if want.earlier != nil && !slices.Equal(earlier, want.earlier) {
		t.Errorf("got earlier statuses %v, want %v", earlier, want.earlier)
	}

	app.reached = false
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, buildAnchorRequest(t, c.Area, c.Request))
	return anchorResult{rec: rec, reached: app.reached, body: rec.Body.String()}
}

func checkAnchorResult(t *testing.T, want expectation, got anchorResult) {
	t.Helper()
	if got.rec.Code < want.statusMin || got.rec.Code > want.statusMax {
		t.Errorf("got status %d, want %s", got.rec.Code, statusRange(want))
	}
	if got.reached != want.reachesApp {
		t.Errorf("got application reached %v, want %v", got.reached, want.reachesApp)
	}
	for name, value := range want.present {
		checkHeader(t, got.rec.Header(), name, value)
	}
	for _, name := range want.absent {
		if values := got.rec.Header().Values(name); len(values) > 0 {
			t.Errorf("got %s %q, want no such header", name, values)
		}
	}
	if want.appBody != nil && got.body != *want.appBody {
		t.Errorf("got body %q, want %q", got.body, *want.appBody)
	}
	if !got.reached && got.rec.Code >= 400 {
		checkProblemBody(t, got)
	}
}

func statusRange(want expectation) string {
	if want.statusMin == want.statusMax {
		return strconv.Itoa(want.statusMin)
	}
	return fmt.Sprintf("%d-%d", want.statusMin, want.statusMax)
}

func checkProblemBody(t *testing.T, got anchorResult) {
	t.Helper()
	if ct := got.rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Errorf("got error Content-Type %q, want %q", ct, problem.ContentType)
		return
	}
	var p problem.Problem
	if err := json.Unmarshal([]byte(got.body), &p); err != nil {
		t.Errorf("got undecodable problem body %q: %v", got.body, err)
		return
	}
	if p.Status != got.rec.Code {
		t.Errorf("got problem status %d, want the response status %d", p.Status, got.rec.Code)
	}
}

// listHeaders are compared as sets of elements, because their order and
// layout carry no meaning. Names in all but Allow-Methods are
// case-insensitive.
var listHeaders = map[string]bool{
	"Vary":                          false,
	"Access-Control-Allow-Headers":  false,
	"Access-Control-Expose-Headers": false,
	"Access-Control-Allow-Methods":  true,
}

var (
	placeholder = regexp.MustCompile(`<[^>]*>`)
	echoNote    = regexp.MustCompile(`^(\S+) \(echo, not \*\)$`)
)

// placeholderPatterns translates the placeholders that rows use for
// values that vary into regular expressions.
var placeholderPatterns = map[string]string{
	"<seconds to reset>":                      `\d+`,
	"<delay-seconds or IMF-fixdate>":          `\d+`,
	"<at least one challenge>":                `.+`,
	"<unix seconds at end of current window>": `\d+`,
}

func checkHeader(t *testing.T, h http.Header, name, want string) {
	t.Helper()
	values := h.Values(name)
	got := strings.Join(values, ", ")
	if len(values) == 0 {
		t.Errorf("got no %s, want %q", name, want)
		return
	}
	if m := echoNote.FindStringSubmatch(want); m != nil {
		want = m[1]
	}
	if methods, isList := listHeaders[name]; isList {
		if !sameElements(got, want, methods) {
			t.Errorf("got %s %q, want the elements of %q", name, got, want)
		}
		return
	}
	if alternatives := strings.Split(want, "  or  "); len(alternatives) == 2 {
		_, dateErr := http.ParseTime(got)
		if !regexp.MustCompile(`^\d+$`).MatchString(got) && dateErr != nil {
			t.Errorf("got %s %q, want delay-seconds or an HTTP-date", name, got)
		}
		return
	}
	if pattern, ok := valuePattern(t, want); ok {
		if !regexp.MustCompile(pattern).MatchString(got) {
			t.Errorf("got %s %q, want a match for %q", name, got, want)
		}
		return
	}
	if got != want {
		t.Errorf("got %s %q, want %q", name, got, want)
	}
}

// valuePattern returns a regular expression for a value with
// placeholders or a "..." wildcard, and false for a literal value.
func valuePattern(t *testing.T, want string) (string, bool) {
	t.Helper()
	if !placeholder.MatchString(want) && !strings.Contains(want, `"..."`) {
		return "", false
	}
	var b strings.Builder
	b.WriteString("^")
	rest := want
	for {
		loc := placeholder.FindStringIndex(rest)
		if loc == nil {
			break
		}
		b.WriteString(quoteWildcards(rest[:loc[0]]))
		p, ok := placeholderPatterns[rest[loc[0]:loc[1]]]
		if !ok {
			t.Fatalf("unknown placeholder %q", rest[loc[0]:loc[1]])
		}
		b.WriteString(p)
		rest = rest[loc[1]:]
	}
	b.WriteString(quoteWildcards(rest))
	b.WriteString("$")
	return b.String(), true
}

func quoteWildcards(s string) string {
	parts := strings.Split(s, `"..."`)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `"[^"]*"`)
}

func sameElements(got, want string, caseSensitive bool) bool {
	split := func(s string) []string {
		var out []string
		for e := range strings.SplitSeq(s, ",") {
			if e = strings.TrimSpace(e); e != "" {
				if !caseSensitive {
					e = strings.ToLower(e)
				}
				out = append(out, e)
			}
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(split(got), split(want))
}

func runCORSCase(t *testing.T, c anchorCase, want expectation) {
	cfg := c.Config
	opts := CORSOptions{
		AllowedOrigins:       cfg.AllowOrigins,
		AllowedMethods:       cfg.AllowMethods,
		AllowedHeaders:       cfg.AllowHeaders,
		ExposedHeaders:       cfg.ExposeHeaders,
		AllowCredentials:     cfg.AllowCredentials,
		AllowPrivateNetwork:  cfg.AllowPrivateNetwork,
		PassthroughPreflight: cfg.OptionsPassthrough,
		PreflightStatus:      cfg.OptionsStatus,
	}
	if cfg.MaxAge != nil {
		opts.MaxAge = time.Duration(*cfg.MaxAge) * time.Second
	}
	if cfg.AllowOriginRegex != "" {
		re := regexp.MustCompile(`^(?:` + cfg.AllowOriginRegex + `)$`)
		opts.AllowOriginFunc = func(_ *http.Request, origin string) bool { return re.MatchString(origin) }
	}
	cors, err := NewCORS(opts)
	if want.constructionFails {
		if err == nil {
			t.Fatal("got nil error from NewCORS, want the configuration rejected")
		}
		return
	}
	if err != nil {
		t.Fatalf("NewCORS: %v", err)
	}
	app := &appHandler{}
	checkAnchorResult(t, want, serveAnchor(t, c, want, cors.Handler(app), app))
}

func runHostCase(t *testing.T, c anchorCase, want expectation) {
	hosts := c.Config.AllowedHosts
	if c.Config.Regex {
		hosts = hostsFromRegex(t, hosts)
	}
	th, err := NewTrustedHosts(TrustedHostsOptions{AllowedHosts: hosts})
	if err != nil {
		t.Fatalf("NewTrustedHosts: %v", err)
	}
	app := &appHandler{}
	checkAnchorResult(t, want, serveAnchor(t, c, want, th.Handler(app), app))
}

// hostsFromRegex translates the two regular expression forms that the
// regex-configured rows use, an escaped name and ".*\." before a domain,
// into this package's names and "*." wildcards.
func hostsFromRegex(t *testing.T, patterns []string) []string {
	t.Helper()
	var hosts []string
	for _, p := range patterns {
		h := strings.ReplaceAll(p, `\.`, ".")
		if rest, ok := strings.CutPrefix(h, ".*."); ok {
			h = "*." + rest
		}
		if strings.ContainsAny(h, `\()[]+?^$|`) || strings.Contains(h, ".*") {
			t.Fatalf("host pattern %q has no equivalent without regular expressions", p)
		}
		hosts = append(hosts, h)
	}
	return hosts
}

func runRateLimitCase(t *testing.T, c anchorCase, want expectation) {
	cfg := c.Config
	opts := RateLimitOptions{
		RequestsPerSecond: cfg.RPS,
		Burst:             cfg.Burst,
		PolicyName:        cfg.PolicyName,
	}
	if cfg.Limit > 0 {
		opts.RequestsPerSecond = float64(cfg.Limit) / cfg.WindowS
		opts.Burst = cfg.Limit
	}
	switch cfg.Key {
	case "", "ip", "realip":
		// Both use the default key: this package has no mode that trusts
		// X-Forwarded-For from any peer. The realip row's deviation states
		// what changes. ip_headers is ignored for the same reason.
	case "header":
		header := cfg.KeyHeader
		opts.Key = func(r *http.Request) (string, error) { return r.Header.Get(header), nil }
	default:
		t.Fatalf("unknown key %q", cfg.Key)
	}
	rl, err := NewRateLimiter(opts)
	if err != nil {
		t.Fatalf("NewRateLimiter: %v", err)
	}
	// Every request of a row happens at the same instant, so no token
	// refills between them and the reported seconds are exact.
	instant := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rl.now = func() time.Time { return instant }

	app := &appHandler{}
	checkAnchorResult(t, want, serveAnchor(t, c, want, rl.Handler(app), app))
}

// testValidators record what they saw. The token validator rejects
// "expired" and grants the scopes that the rows' tokens describe.
type testValidators struct{ seen *string }

func (v testValidators) key(_ context.Context, key string) (string, error) {
	*v.seen = key
	return "key-user", nil
}

func (v testValidators) token(_ context.Context, token string) (string, []string, error) {
	*v.seen = token
	switch {
	case token == "expired":
		return "", nil, fmt.Errorf("token expired: %w", ErrInvalidCredentials)
	case strings.HasPrefix(token, "scopes="):
		return "token-user", strings.Split(strings.TrimPrefix(token, "scopes="), ","), nil
	case token == "read-only-token":
		return "token-user", []string{"read"}, nil
	}
	return "token-user", nil, nil
}

func (v testValidators) basic(_ context.Context, user, password string) (string, error) {
	*v.seen = user + ":" + password
	return user, nil
}

// authSetup maps a row's neutral configuration to scheme definitions,
// validators and the operation's security.
func authSetup(t *testing.T, cfg anchorConfig, v testValidators) (AuthOptions, []SecurityRequirement) {
	t.Helper()
	opts := AuthOptions{Realm: cfg.Realm, Schemes: map[string]SecurityScheme{}, Validators: map[string]Validator{}}
	add := func(name string, s SecurityScheme, val Validator, scopes []string) []SecurityRequirement {
		opts.Schemes[name] = s
		opts.Validators[name] = val
		return []SecurityRequirement{{name: scopes}}
	}
	var security []SecurityRequirement
	switch cfg.Scheme {
	case "apikey_header", "apikey_query", "apikey_cookie":
		in := strings.TrimPrefix(cfg.Scheme, "apikey_")
		security = add("key", SecurityScheme{Type: SchemeAPIKey, In: in, Name: cfg.Name}, APIKeyValidator(v.key), nil)
	case "bearer", "any":
		// "any" stands for any scheme with a challenge; Bearer is one.
		security = add("bearer", SecurityScheme{Type: SchemeHTTP, Scheme: "bearer"}, TokenValidator(v.token), nil)
	case "basic":
		security = add("basic", SecurityScheme{Type: SchemeHTTP, Scheme: "basic"}, BasicValidator(v.basic), nil)
	case "oauth2_scopes", "oauth2":
		scopes := append(slices.Clone(cfg.Required), cfg.RequiredScopes...)
		security = add("oauth", SecurityScheme{Type: SchemeOAuth2}, TokenValidator(v.token), scopes)
	case "":
		for _, alternative := range cfg.Security {
			for name := range alternative {
				opts.Schemes[name] = SecurityScheme{Type: SchemeOAuth2}
				opts.Validators[name] = TokenValidator(v.token)
			}
			security = append(security, SecurityRequirement(alternative))
		}
	default:
		t.Fatalf("unknown scheme %q", cfg.Scheme)
	}
	return opts, security
}

func runAuthCase(t *testing.T, c anchorCase, want expectation) {
	seen := new(string)
	opts, security := authSetup(t, c.Config, testValidators{seen})
	auth, err := NewAuthenticator(opts)
	if err != nil {
		t.Fatalf("NewAuthenticator: %v", err)
	}
	app := &appHandler{}
	got := serveAnchor(t, c, want, auth.Require(security)(app), app)
	checkAnchorResult(t, want, got)
	if want.credentials != nil && *seen != *want.credentials {
		t.Errorf("got credentials %q seen by the validator, want %q", *seen, *want.credentials)
	}
}
