package webhook

import (
	"fmt"
	"slices"
	"strings"
)

// Names of the built-in signature schemes, as VerifyError.Scheme, generated
// code and whgen's config spell them.
const (
	SchemeStandardWebhooks = "standard-webhooks"
	SchemeGitHub           = "github"
	SchemeStripe           = "stripe"
	SchemeSlack            = "slack"
	SchemeShopify          = "shopify"
)

var schemeNames = []string{SchemeStandardWebhooks, SchemeGitHub, SchemeStripe, SchemeSlack, SchemeShopify}

// NewVerifier returns the verifier of the named built-in scheme that
// accepts signatures under any of keys. For Standard Webhooks, keys are
// the "whsec_", "whpk_" or "whsk_" strings that NewStandardWebhooks takes.
// For the other schemes, they are the secrets as the provider shows them,
// used whole as HMAC keys. Errors wrap ErrInvalidKey, or name the unknown
// scheme, and never contain a key.
func NewVerifier(scheme string, keys ...string) (Verifier, error) {
	if scheme == SchemeStandardWebhooks {
		s, err := NewStandardWebhooks(keys...)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	if !slices.Contains(schemeNames, scheme) {
		return nil, fmt.Errorf("unknown signature scheme %q: choose from %s", scheme, strings.Join(schemeNames, ", "))
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: %w: no secret given", scheme, ErrInvalidKey)
	}
	secrets := make([][]byte, len(keys))
	for i, k := range keys {
		if k == "" {
			return nil, fmt.Errorf("%s secret %d of %d: %w: empty", scheme, i+1, len(keys), ErrInvalidKey)
		}
		secrets[i] = []byte(k)
	}
	switch scheme {
	case SchemeGitHub:
		return &GitHub{Secrets: secrets}, nil
	case SchemeStripe:
		return &Stripe{Secrets: secrets}, nil
	case SchemeSlack:
		return &Slack{Secrets: secrets}, nil
	}
	return &Shopify{Secrets: secrets}, nil
}
