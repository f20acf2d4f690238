package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/whgen/whgen/examples/petstore/api"
	"github.com/whgen/whgen/middleware"
)

// principal is the client that a credential stands for. It holds a
// fingerprint of the credential, never the credential itself, so it may be
// logged and stored.
type principal struct {
	// Kind is "api-key" or "token". A token from -bearer-token is the same
	// principal under the bearer and the oauth scheme.
	Kind string
	// Fingerprint is the first 16 hex digits of the credential's SHA-256.
	Fingerprint string
}

// String returns the kind and fingerprint, such as "token:1f2e3d4c5b6a7988".
func (p principal) String() string { return p.Kind + ":" + p.Fingerprint }

// grant is what an accepted token stands for.
type grant struct {
	principal principal
	scopes    []string
}

// credentials holds the accepted API keys and tokens, indexed by SHA-256 so
// that a lookup does not compare secrets byte by byte.
type credentials struct {
	apiKeys map[[sha256.Size]byte]principal
	// bearer holds the tokens of -bearer-token, for the bearer scheme.
	bearer map[[sha256.Size]byte]grant
	// oauth holds the tokens of the oauth scheme: those of -bearer-token
	// with every scope, and those of -oauth-token with theirs.
	oauth map[[sha256.Size]byte]grant
}

// b64token is the token syntax of RFC 6750 section 2.1. Other tokens could
// never arrive in an Authorization header.
var b64token = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*$`)

// newCredentials checks the keys and tokens of cfg and indexes them.
// allScopes lists the spec's OAuth2 scopes: a -bearer-token gets all of
// them, and an -oauth-token may name only those.
func newCredentials(cfg serveConfig, allScopes []string) (credentials, error) {
	c := credentials{
		apiKeys: map[[sha256.Size]byte]principal{},
		bearer:  map[[sha256.Size]byte]grant{},
		oauth:   map[[sha256.Size]byte]grant{},
	}
	for _, key := range cfg.APIKeys {
		if key == "" || strings.TrimSpace(key) != key || strings.ContainsFunc(key, isControl) {
			return c, fmt.Errorf("invalid -api-key: it must be non-empty, without control characters or surrounding spaces")
		}
		c.apiKeys[sha256.Sum256([]byte(key))] = newPrincipal("api-key", key)
	}
	for _, token := range cfg.BearerTokens {
		if !b64token.MatchString(token) {
			return c, fmt.Errorf("invalid -bearer-token: it must use only letters, digits and -._~+/ with = at the end")
		}
		g := grant{principal: newPrincipal("token", token), scopes: allScopes}
		c.bearer[sha256.Sum256([]byte(token))] = g
		c.oauth[sha256.Sum256([]byte(token))] = g
	}
	for token, scopes := range cfg.OAuthTokens {
		if !b64token.MatchString(token) {
			return c, fmt.Errorf("invalid -oauth-token: the token must use only letters, digits and -._~+/ with = at the end")
		}
		for _, s := range scopes {
			if !slices.Contains(allScopes, s) {
				return c, fmt.Errorf("invalid -oauth-token: unknown scope %q; the spec defines %s", s, strings.Join(allScopes, ", "))
			}
		}
		c.oauth[sha256.Sum256([]byte(token))] = grant{principal: newPrincipal("token", token), scopes: scopes}
	}
	return c, nil
}

func newPrincipal(kind, credential string) principal {
	sum := sha256.Sum256([]byte(credential))
	return principal{Kind: kind, Fingerprint: hex.EncodeToString(sum[:8])}
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// authenticator returns the generated authenticator with a validator per
// security scheme of the spec.
func (c credentials) authenticator() (*middleware.Authenticator, error) {
	return api.NewAuthenticator(api.SecurityValidators{
		APIKey: func(_ context.Context, key string) (any, error) {
			if p, ok := c.apiKeys[sha256.Sum256([]byte(key))]; ok {
				return p, nil
			}
			return nil, fmt.Errorf("unknown API key: %w", middleware.ErrInvalidCredentials)
		},
		Bearer: func(_ context.Context, token string) (any, []string, error) {
			return lookupToken(c.bearer, token)
		},
		OAuth: func(_ context.Context, token string) (any, []string, error) {
			return lookupToken(c.oauth, token)
		},
	})
}

func lookupToken(tokens map[[sha256.Size]byte]grant, token string) (any, []string, error) {
	if g, ok := tokens[sha256.Sum256([]byte(token))]; ok {
		return g.principal, g.scopes, nil
	}
	return nil, nil, fmt.Errorf("unknown token: %w", middleware.ErrInvalidCredentials)
}

// oauthScopes returns the scopes that the OAuth2 schemes of spec, an
// OpenAPI document in JSON, define in any flow, sorted.
func oauthScopes(spec []byte) ([]string, error) {
	var doc struct {
		Components struct {
			SecuritySchemes map[string]struct {
				Type  string `json:"type"`
				Flows map[string]struct {
					Scopes map[string]string `json:"scopes"`
				} `json:"flows"`
			} `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("read OAuth2 scopes from the spec: %w", err)
	}
	var scopes []string
	for _, scheme := range doc.Components.SecuritySchemes {
		if scheme.Type != "oauth2" {
			continue
		}
		for _, flow := range scheme.Flows {
			for s := range flow.Scopes {
				scopes = append(scopes, s)
			}
		}
	}
	slices.Sort(scopes)
	return slices.Compact(scopes), nil
}
