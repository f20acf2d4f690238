package webhook

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
)

// Prefixes of Standard Webhooks key strings.
const (
	// StandardSecretPrefix starts a symmetric secret for the v1 scheme.
	StandardSecretPrefix = "whsec_"
	// StandardPrivateKeyPrefix starts an ed25519 private key for v1a.
	StandardPrivateKeyPrefix = "whsk_"
	// StandardPublicKeyPrefix starts an ed25519 public key for v1a.
	StandardPublicKeyPrefix = "whpk_"
)

// Length limits of a Standard Webhooks symmetric secret, in decoded bytes.
// The specification recommends 24 to 64 bytes. The maximum here is that of
// the Svix server (75 bytes), which lets users choose secrets up to that
// length, so that a receiver accepts every secret Svix issues.
const (
	MinStandardSecretLen = 24
	MaxStandardSecretLen = 75
)

// ParseStandardSecret decodes a Standard Webhooks symmetric secret: the
// standard base64 encoding of 24 to 75 bytes, with or without the "whsec_"
// prefix. It rejects public and private keys given in its place. The error
// wraps ErrInvalidKey and does not contain the secret.
//
// A secret that is not base64, such as one another sender issues as plain
// text, can be used as raw bytes in StandardWebhooks.Secrets instead.
func ParseStandardSecret(s string) ([]byte, error) {
	switch {
	case strings.HasPrefix(s, StandardPublicKeyPrefix):
		return nil, fmt.Errorf("%w: a whpk_ public key is not a symmetric secret", ErrInvalidKey)
	case strings.HasPrefix(s, StandardPrivateKeyPrefix):
		return nil, fmt.Errorf("%w: a whsk_ private key is not a symmetric secret", ErrInvalidKey)
	}

	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, StandardSecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("%w: secret is not standard base64 after the whsec_ prefix", ErrInvalidKey)
	}
	if len(key) < MinStandardSecretLen || len(key) > MaxStandardSecretLen {
		return nil, fmt.Errorf("%w: secret decodes to %d bytes, want %d to %d",
			ErrInvalidKey, len(key), MinStandardSecretLen, MaxStandardSecretLen)
	}
	return key, nil
}

// ParseStandardPrivateKey decodes a "whsk_" ed25519 private key: the base64
// encoding of the 32-byte seed followed by the 32-byte public key, the
// layout of ed25519.PrivateKey. It rejects a key whose public half does not
// belong to its seed. The error wraps ErrInvalidKey and does not contain the
// key.
func ParseStandardPrivateKey(s string) (ed25519.PrivateKey, error) {
	raw, err := decodePrefixed(s, StandardPrivateKeyPrefix, ed25519.PrivateKeySize)
	if err != nil {
		return nil, err
	}
	key := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if !bytes.Equal(key[ed25519.SeedSize:], raw[ed25519.SeedSize:]) {
		return nil, fmt.Errorf("%w: the public half of the whsk_ key does not match its seed", ErrInvalidKey)
	}
	return key, nil
}

// ParseStandardPublicKey decodes a "whpk_" ed25519 public key. The error
// wraps ErrInvalidKey.
func ParseStandardPublicKey(s string) (ed25519.PublicKey, error) {
	raw, err := decodePrefixed(s, StandardPublicKeyPrefix, ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	return ed25519.PublicKey(raw), nil
}

func decodePrefixed(s, prefix string, size int) ([]byte, error) {
	encoded, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return nil, fmt.Errorf("%w: key does not start with %s", ErrInvalidKey, prefix)
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: %s key is not standard base64", ErrInvalidKey, prefix)
	}
	if len(raw) != size {
		return nil, fmt.Errorf("%w: %s key decodes to %d bytes, want %d", ErrInvalidKey, prefix, len(raw), size)
	}
	return raw, nil
}

// NewStandardWebhooks returns a StandardWebhooks configured from key
// strings as Standard Webhooks senders issue them: "whsec_" symmetric
// secrets (the prefix may be left out), "whsk_" private keys and "whpk_"
// public keys. Several keys of each kind may be given while keys rotate.
// The error names the position of the bad key, never its value.
func NewStandardWebhooks(keys ...string) (*StandardWebhooks, error) {
	s := &StandardWebhooks{}
	for i, k := range keys {
		var err error
		switch {
		case strings.HasPrefix(k, StandardPrivateKeyPrefix):
			var key ed25519.PrivateKey
			key, err = ParseStandardPrivateKey(k)
			s.PrivateKeys = append(s.PrivateKeys, key)
		case strings.HasPrefix(k, StandardPublicKeyPrefix):
			var key ed25519.PublicKey
			key, err = ParseStandardPublicKey(k)
			s.PublicKeys = append(s.PublicKeys, key)
		default:
			var secret []byte
			secret, err = ParseStandardSecret(k)
			s.Secrets = append(s.Secrets, secret)
		}
		if err != nil {
			return nil, fmt.Errorf("standard webhooks key %d of %d: %w", i+1, len(keys), err)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("standard webhooks: %w: no key given", ErrInvalidKey)
	}
	return s, nil
}
