package middleware

import "slices"

// deviation records where this package responds to an anchor row differently
// from the implementation that the row recorded, and why. sameAs names
// another row of the same scenario whose expectation applies; change then
// adjusts it, or adjusts the row's own expectation when sameAs is empty.
// setup changes the row's configuration or request, for rows that state
// a rule without a configuration that could produce it.
type deviation struct {
	sameAs string
	change func(*expectation)
	setup  func(*anchorCase)
	reason string
}

// Reasons shared by several rows.
const (
	whyVaryOrigin = "Fetch section 3.2.5: a response whose Access-Control-Allow-Origin depends on the " +
		"origin must carry Vary: Origin, refusals and requests without Origin included, so that a " +
		"shared cache does not replay it to another origin; the anchors that omit it are wrong"
	whyPreflight204 = "a successful preflight gets 204 with no body and echoes the requested method " +
		"and headers, as rs/cors does; the Fetch standard accepts any 2xx and either a list or an echo, " +
		"and the preflight Vary covers the request method and headers that the echo depends on"
	whyRejected403 = "a rejected preflight carries no Access-Control-Allow-Origin, which is what makes " +
		"browsers fail it; its status is free, and this package uses 403 with a problem body through " +
		"the error handler, like every other rejection"
	whyContentType = "content-type is CORS-safelisted only for three media types, so a preflight " +
		"asking for it (as for application/json) needs it configured; rs/cors and go-chi agree"
	whyUnsorted = "nothing in the Fetch standard lets a server reject requested headers that are not " +
		"sorted, so they are allowed like sorted ones, as go-chi does, with the 204 of this package"
	whyLowercaseMethod = "methods are case-sensitive and browsers upper-case only DELETE, GET, HEAD, " +
		"OPTIONS, POST and PUT, so 'patch' is not the configured 'PATCH' and the preflight is rejected"
	whyStarCredentials = "Fetch section 4.10: a credentialed response with Access-Control-Allow-Origin: * " +
		"fails, so with credentials allowed the origin is echoed"
	whyExactOrigin = "origins compare byte for byte, as Fetch compares them, because browsers always " +
		"send the lowercase serialization"
	whyPNA = "Private Network Access: Access-Control-Allow-Private-Network is sent only when the preflight " +
		"asks with the value 'true' and the option is on; with the option off the preflight still " +
		"succeeds without it, which browsers treat as a refusal of private network access only"
	whyPassthrough = "with PassthroughPreflight the CORS headers of an allowed preflight are set before " +
		"the application runs, as in rs/cors and go-chi, so the application only adds its own answer"
	whyActualMethod = "the Fetch standard never consults Access-Control-Allow-Methods for an actual " +
		"request, only Access-Control-Allow-Origin, so a listed origin gets its grant"
	whyOptionsNotPreflight = "an OPTIONS request without Origin or without Access-Control-Request-Method " +
		"is not a preflight, so it reaches the application"
	whyHost400     = "a bad Host is a client error (RFC 9110 section 15.5.1), so the response is 400, not 500"
	whyTrailingDot = "DNS treats 'example.com.' as the same name as 'example.com', so a trailing dot " +
		"is accepted on both sides"
	whyHostPort = "the port is stripped before matching, only after the closing bracket of an IPv6 " +
		"literal, and an empty port (RFC 3986 section 3.2.3) is the default port"
	whyNoWWWRedirect = "the optional redirect to www is not implemented, so a host outside the list is " +
		"rejected with 400"
	whyRetryAfter = "Retry-After gives the whole seconds until the client's next token, rounded up, " +
		"not the full window; with the limit spread over the window the next token comes after " +
		"window/limit seconds"
	whyNoForwardedTrust = "X-Forwarded-For is believed only from configured trusted proxies, and then " +
		"read from the right; the row trusts it from any peer, so a client could pick a fresh bucket " +
		"per request, and here the third request is limited"
	whyBurstHeaders = "the row records x/time/rate, which has no HTTP layer; as middleware this package " +
		"sends the 429 with Retry-After rounded up from the library's delay, as the row says it should, " +
		"and the RateLimit fields"
	whyRetryFormat = "the row states only the format of Retry-After; to produce a 429 the test uses a " +
		"bucket of 1 request per minute and spends it first"
	whyB64Token = "RFC 6750 section 2.1 allows no space in a Bearer token, and section 3.1 rejects a " +
		"malformed request with 400 and error=\"invalid_request\""
	whyBasicChallenge = "RFC 9110 section 15.5.2 requires a challenge on every 401, which net/http's " +
		"BasicAuth helper leaves to the caller"
	whyBasicUTF8 = "RFC 7617 section 2.1: with charset=\"UTF-8\" advertised, credentials are decoded as " +
		"UTF-8, so a non-ASCII password is accepted"
	whyWildcardScheme = "'https://*' admits every https origin with credentials, which lets any site read " +
		"authenticated responses; NewCORS rejects the pattern and points to \"*\""
	whySafelistedMethod = "the server's choice: POST is safelisted and allowed, but the requested header " +
		"x-custom is not configured, so the preflight is rejected with 403"
)

func setStatus(status int) func(*expectation) {
	return func(e *expectation) { e.statusMin, e.statusMax = status, status }
}

func setPresent(name, value string) func(*expectation) {
	return func(e *expectation) {
		e.present[name] = value
		e.absent = slices.DeleteFunc(e.absent, func(h string) bool { return h == name })
	}
}

func setAbsent(name string) func(*expectation) {
	return func(e *expectation) {
		delete(e.present, name)
		if !slices.Contains(e.absent, name) {
			e.absent = append(e.absent, name)
		}
	}
}

func blocked(e *expectation) {
	e.reachesApp = false
	e.appBody = nil
}

func reached(e *expectation) {
	e.reachesApp = true
	body := "app"
	e.appBody = &body
}

func all(changes ...func(*expectation)) func(*expectation) {
	return func(e *expectation) {
		for _, c := range changes {
			c(e)
		}
	}
}

var anchorDeviations = map[string]deviation{
	// CORS
	"cors-simple-allowed#b":    {change: setPresent("Vary", "Origin"), reason: whyVaryOrigin},
	"cors-simple-disallowed#a": {sameAs: "cors-simple-disallowed#b", reason: whyVaryOrigin},
	"cors-no-origin#a":         {sameAs: "cors-no-origin#b", reason: whyVaryOrigin},

	"cors-preflight-ok#a": {sameAs: "cors-preflight-ok#b", reason: whyPreflight204},
	"cors-preflight-ok#c": {sameAs: "cors-preflight-ok#b", reason: whyPreflight204},
	"cors-preflight-ok#d": {sameAs: "cors-preflight-ok#b", reason: whyPreflight204},

	"cors-preflight-bad-origin#a": {sameAs: "cors-preflight-bad-origin#b", reason: whyRejected403},
	"cors-preflight-bad-origin#b": {change: setStatus(403), reason: whyRejected403},
	"cors-preflight-bad-origin#c": {sameAs: "cors-preflight-bad-origin#b", reason: whyRejected403},
	"cors-preflight-bad-origin#d": {sameAs: "cors-preflight-bad-origin#b", reason: whyRejected403},

	"cors-preflight-allowed-header#a": {sameAs: "cors-preflight-allowed-header#b", reason: whyPreflight204},
	"cors-preflight-allowed-header#c": {sameAs: "cors-preflight-allowed-header#b", reason: whyPreflight204},
	"cors-preflight-allowed-header#d": {sameAs: "cors-preflight-allowed-header#b", reason: whyPreflight204},

	"cors-preflight-content-type#a": {sameAs: "cors-preflight-content-type#b", reason: whyContentType},
	"cors-preflight-content-type#b": {change: setStatus(403), reason: whyContentType + "; " + whyRejected403},
	"cors-preflight-content-type#c": {sameAs: "cors-preflight-content-type#b", reason: whyContentType},
	"cors-preflight-content-type#d": {sameAs: "cors-preflight-content-type#b", reason: whyContentType},

	"cors-preflight-two-headers-sorted#a": {sameAs: "cors-preflight-two-headers-sorted#b", reason: whyPreflight204},
	"cors-preflight-two-headers-sorted#c": {sameAs: "cors-preflight-two-headers-sorted#b", reason: whyPreflight204},
	"cors-preflight-two-headers-sorted#d": {sameAs: "cors-preflight-two-headers-sorted#b", reason: whyPreflight204},

	"cors-preflight-headers-unsorted#a": {sameAs: "cors-preflight-headers-unsorted#c", reason: whyUnsorted},
	"cors-preflight-headers-unsorted#b": {sameAs: "cors-preflight-headers-unsorted#c", reason: whyUnsorted},
	"cors-preflight-headers-unsorted#c": {change: setStatus(204), reason: whyUnsorted},
	"cors-preflight-headers-unsorted#d": {sameAs: "cors-preflight-headers-unsorted#c", reason: whyUnsorted},

	"cors-preflight-headers-ows#a": {sameAs: "cors-preflight-headers-ows#b", reason: whyPreflight204},
	"cors-preflight-headers-ows#c": {sameAs: "cors-preflight-headers-ows#b", reason: whyPreflight204},
	"cors-preflight-headers-ows#d": {sameAs: "cors-preflight-headers-ows#b", reason: whyPreflight204},

	"cors-preflight-split-acrh#a": {sameAs: "cors-preflight-split-acrh#b", reason: whyPreflight204},
	"cors-preflight-split-acrh#c": {sameAs: "cors-preflight-split-acrh#b", reason: "RFC 9110 section 5.3: repeated field lines form one list, so both headers are read"},
	"cors-preflight-split-acrh#d": {sameAs: "cors-preflight-split-acrh#b", reason: "RFC 9110 section 5.3: repeated field lines form one list, so both headers are read"},

	"cors-preflight-lowercase-method#a": {sameAs: "cors-preflight-lowercase-method#b", reason: whyLowercaseMethod},
	"cors-preflight-lowercase-method#b": {change: setStatus(403), reason: whyLowercaseMethod + "; " + whyRejected403},
	"cors-preflight-lowercase-method#c": {sameAs: "cors-preflight-lowercase-method#b", reason: whyLowercaseMethod},
	"cors-preflight-lowercase-method#d": {sameAs: "cors-preflight-lowercase-method#b", reason: whyLowercaseMethod},

	"cors-options-not-preflight#b": {sameAs: "cors-options-not-preflight#a", reason: whyOptionsNotPreflight},
	"cors-options-no-origin#a":     {sameAs: "cors-options-no-origin#b", reason: whyVaryOrigin},
	"cors-options-no-origin#c":     {sameAs: "cors-options-no-origin#b", reason: whyOptionsNotPreflight},

	"cors-star-preflight#a": {sameAs: "cors-star-preflight#b", reason: whyPreflight204},
	"cors-star-preflight#c": {sameAs: "cors-star-preflight#b", reason: whyPreflight204},
	"cors-star-preflight#d": {sameAs: "cors-star-preflight#b", reason: whyPreflight204},

	"cors-star-credentials-simple#b":    {sameAs: "cors-star-credentials-simple#a", reason: whyStarCredentials},
	"cors-star-credentials-simple#c":    {sameAs: "cors-star-credentials-simple#a", reason: whyStarCredentials},
	"cors-star-cookie-no-credentials#b": {sameAs: "cors-star-cookie-no-credentials#a", reason: "with \"*\" and no credentials the header is the same for every origin, so Fetch recommends a static value and no Vary"},
	"cors-credentials-listed#b":         {sameAs: "cors-credentials-listed#a", reason: whyVaryOrigin},

	"cors-credentials-preflight#a": {sameAs: "cors-credentials-preflight#b", reason: whyPreflight204},
	"cors-credentials-preflight#c": {sameAs: "cors-credentials-preflight#b", reason: whyPreflight204},
	"cors-credentials-preflight#d": {sameAs: "cors-credentials-preflight#b", reason: whyPreflight204},

	"cors-expose-preflight#a": {sameAs: "cors-expose-preflight#b", reason: whyPreflight204},
	"cors-expose-preflight#c": {sameAs: "cors-expose-preflight#b", reason: whyPreflight204},
	"cors-expose-preflight#d": {sameAs: "cors-expose-preflight#b", reason: whyPreflight204},

	"cors-maxage-unset#a": {sameAs: "cors-maxage-unset#b", reason: "a zero MaxAge omits the header, so browsers use their own default; " + whyPreflight204},
	"cors-maxage-unset#c": {sameAs: "cors-maxage-unset#b", reason: whyPreflight204},
	"cors-maxage-unset#d": {sameAs: "cors-maxage-unset#b", reason: whyPreflight204},

	"cors-allow-headers-star#a": {sameAs: "cors-allow-headers-star#b", reason: "a literal '*' never covers Authorization, so allowed names are echoed; " + whyPreflight204},
	"cors-allow-headers-star#c": {sameAs: "cors-allow-headers-star#b", reason: whyPreflight204},
	"cors-allow-headers-star#d": {sameAs: "cors-allow-headers-star#b", reason: "a literal '*' never covers Authorization, so allowed names are echoed; " + whyPreflight204},

	"cors-null-origin-listed#b":     {sameAs: "cors-null-origin-listed#a", reason: "with \"*\" and no credentials the header is the same for every origin, so Fetch recommends a static value and no Vary"},
	"cors-null-origin-not-listed#a": {sameAs: "cors-null-origin-not-listed#b", reason: whyVaryOrigin},

	"cors-origin-case#a":               {change: setPresent("Vary", "Origin"), reason: whyExactOrigin + "; " + whyVaryOrigin},
	"cors-origin-case#b":               {sameAs: "cors-origin-case#a", reason: whyExactOrigin + "; " + whyVaryOrigin},
	"cors-origin-trailing-slash#a":     {sameAs: "cors-origin-trailing-slash#b", reason: whyVaryOrigin},
	"cors-origin-default-port#a":       {sameAs: "cors-origin-default-port#b", reason: whyVaryOrigin},
	"cors-private-network#b":           {sameAs: "cors-private-network#a", reason: whyPNA},
	"cors-private-network#c":           {sameAs: "cors-private-network#a", reason: whyPNA},
	"cors-private-network-off#b":       {sameAs: "cors-private-network-off#a", reason: whyPNA},
	"cors-options-passthrough#b":       {sameAs: "cors-options-passthrough#a", reason: whyPassthrough},
	"cors-preflight-pna-value-false#b": {sameAs: "cors-preflight-pna-value-false#a", reason: whyPNA},
	"cors-simple-disallowed-method#b":  {sameAs: "cors-simple-disallowed-method#a", reason: whyActualMethod},
	"cors-simple-disallowed-method#c":  {sameAs: "cors-simple-disallowed-method#a", reason: whyActualMethod + "; " + whyVaryOrigin},
	"cors-preflight-options-status#b":  {sameAs: "cors-preflight-options-status#a", reason: whyVaryOrigin},

	"cors-wildcard-star-scheme": {change: func(e *expectation) { e.constructionFails = true }, reason: whyWildcardScheme},
	"spec-cors-safelisted-method": {
		change: all(setStatus(403), setAbsent("Access-Control-Allow-Origin")),
		reason: whySafelistedMethod,
	},

	// Trusted hosts
	"host-trailing-dot#a":           {change: all(setStatus(200), reached), reason: whyTrailingDot},
	"host-trailing-dot#b":           {sameAs: "host-trailing-dot#a", reason: whyTrailingDot},
	"host-missing#b":                {sameAs: "host-missing#a", reason: whyHost400},
	"host-empty#b":                  {sameAs: "host-empty#a", reason: whyHost400},
	"host-wildcard-lookalike#b":     {sameAs: "host-wildcard-lookalike#a", reason: whyHost400},
	"host-suffix-attack#b":          {sameAs: "host-suffix-attack#a", reason: whyHost400},
	"host-forwarded-host-ignored#b": {sameAs: "host-forwarded-host-ignored#a", reason: whyHost400},
	"host-www-redirect": {
		change: all(setStatus(400), setAbsent("Location"), blocked),
		reason: whyNoWWWRedirect,
	},
	"host-www-redirect-https": {
		change: all(setStatus(400), setAbsent("Location"), blocked),
		reason: whyNoWWWRedirect,
	},
	"host-ipv6-noport#a": {sameAs: "host-ipv6-noport#b", reason: "RFC 3986 section 3.2.2: '[::1]' is a valid host, and the port is looked for only after ']'"},
	"host-ipv4-port#b":   {sameAs: "host-ipv4-port#a", reason: whyHostPort},
	"host-empty-port#b":  {sameAs: "host-empty-port#a", reason: whyHostPort},

	// Rate limits
	"rl-httprate-xff-ignored": {change: setPresent("Retry-After", "30"), reason: whyRetryAfter},
	"rl-httprate-realip-spoof": {
		change: all(setStatus(429), blocked, setPresent("Retry-After", "30"),
			setPresent("RateLimit", `"default";r=0;t=60`)),
		reason: whyNoForwardedTrust,
	},
	"rl-golimiter-over": {change: setPresent("Retry-After", "30"), reason: whyRetryAfter + "; an HTTP-date in UTC, as recorded, is not even valid (RFC 9110 section 5.6.7 requires GMT)"},
	"rl-golimiter-xff-header": {
		change: all(setStatus(429), blocked, setPresent("Retry-After", "60"),
			setPresent("RateLimit", `"default";r=0;t=60`)),
		reason: whyNoForwardedTrust,
	},
	"rl-xtime-burst": {
		change: all(setPresent("Retry-After", "1"),
			setPresent("RateLimit-Policy", `"default";q=2;w=2`),
			setPresent("RateLimit", `"default";r=0;t=2`)),
		reason: whyBurstHeaders,
	},
	"spec-retry-after-format": {
		setup: func(c *anchorCase) {
			c.Config.Limit, c.Config.WindowS = 1, 60
			c.Request.PrecededBy = []byte(`"1 request"`)
		},
		reason: whyRetryFormat,
	},

	// Authentication
	"auth-bearer-bad-token68": {
		change: func(e *expectation) {
			setStatus(400)(e)
			blocked(e)
			setPresent("WWW-Authenticate", `Bearer error="invalid_request"`)(e)
			e.credentials = nil
		},
		reason: whyB64Token,
	},
	"auth-oauth2-scope-ok": {
		change: func(e *expectation) {
			setStatus(400)(e)
			blocked(e)
			setPresent("WWW-Authenticate", `Bearer error="invalid_request"`)(e)
			e.credentials = nil
		},
		reason: whyB64Token + "; the row's token 'scopes=read,write' has a comma, and " +
			"TestAuthenticateScopes covers a valid token that holds the scope",
	},
	"auth-basic-bad-base64#b": {sameAs: "auth-basic-bad-base64#a", reason: whyBasicChallenge},
	"auth-basic-no-colon#b":   {sameAs: "auth-basic-no-colon#a", reason: whyBasicChallenge},
	"auth-basic-utf8#a":       {sameAs: "auth-basic-utf8#b", reason: whyBasicUTF8},
}
