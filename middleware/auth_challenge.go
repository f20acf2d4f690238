package middleware

import (
	"maps"
	"slices"
	"strings"
)

// param is one auth-param of a WWW-Authenticate challenge.
type param struct{ name, value string }

// challenge formats a challenge (RFC 9110 section 11.3): the scheme, then
// the realm when one is configured, then params, all as quoted strings.
func (a *Authenticator) challenge(scheme string, params ...param) string {
	if a.realm != "" {
		params = append([]param{{"realm", a.realm}}, params...)
	}
	var b strings.Builder
	b.WriteString(scheme)
	for i, p := range params {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(p.name)
		b.WriteString(`="`)
		b.WriteString(quotedStringEscaper.Replace(p.value))
		b.WriteByte('"')
	}
	return b.String()
}

var quotedStringEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// challenges returns the 401 challenges for security: one per scheme
// that has one, in alternative order and then scheme name order, without
// duplicates.
func (ev *evaluation) challenges(security []SecurityRequirement) []string {
	var out []string
	for _, alternative := range security {
		for _, name := range slices.Sorted(maps.Keys(alternative)) {
			c := ev.schemeChallenge(name)
			if c != "" && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func (ev *evaluation) schemeChallenge(name string) string {
	def, ok := ev.a.schemes[name]
	if !ok {
		return ""
	}
	if def.usesBearer() {
		if ev.results[name].outcome == outcomeInvalid {
			return ev.a.challenge("Bearer",
				param{"error", "invalid_token"},
				param{"error_description", "the access token is invalid or expired"})
		}
		return ev.a.challenge("Bearer")
	}
	switch def.Type {
	case SchemeHTTP:
		if strings.EqualFold(def.Scheme, "basic") {
			// RFC 7617 section 2.1: tell clients to encode as UTF-8.
			return ev.a.challenge("Basic", param{"charset", "UTF-8"})
		}
		return ev.a.challenge(canonicalAuthScheme(def.Scheme))
	case SchemeAPIKey:
		// No registered HTTP authentication scheme covers API keys, but a
		// 401 must carry a challenge (RFC 9110 section 15.5.2).
		return ev.a.challenge("APIKey")
	}
	// NOTE: mutualTLS has no HTTP authentication scheme, so a 401 for an
	// operation that accepts only mutualTLS carries no challenge, although
	// RFC 9110 section 15.5.2 asks for one.
	return ""
}

// knownAuthSchemes maps the lower-case names of well-known HTTP
// authentication schemes to the spelling of their specifications.
var knownAuthSchemes = map[string]string{
	"basic":         "Basic",
	"bearer":        "Bearer",
	"concealed":     "Concealed",
	"digest":        "Digest",
	"dpop":          "DPoP",
	"hoba":          "HOBA",
	"mutual":        "Mutual",
	"negotiate":     "Negotiate",
	"oauth":         "OAuth",
	"privatetoken":  "PrivateToken",
	"scram-sha-1":   "SCRAM-SHA-1",
	"scram-sha-256": "SCRAM-SHA-256",
	"vapid":         "vapid",
}

// canonicalAuthScheme returns the usual spelling of an authentication
// scheme name, or the name unchanged when it is not well known. Clients
// compare names case-insensitively, so either works, but the usual form
// reads better in challenges.
func canonicalAuthScheme(name string) string {
	if canonical, ok := knownAuthSchemes[strings.ToLower(name)]; ok {
		return canonical
	}
	return name
}
