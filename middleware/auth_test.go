package middleware

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whgen/whgen/problem"
)

type user struct {
	name  string
	roles []string
}

func (u *user) Scopes() []string { return u.roles }

var errDatabaseDown = errors.New("database down")

// testAuthenticator accepts the API key "k1" (roles admin) and "k2" (no
// roles), Bearer tokens "t-read" (scope read) and "t-rw" (read, write),
// Basic user "ann" with password "pw", and fails the check for the key
// or token "boom".
func testAuthenticator(t *testing.T, realm string, calls *int) *Authenticator {
	t.Helper()
	count := func() {
		if calls != nil {
			*calls++
		}
	}
	a, err := NewAuthenticator(AuthOptions{
		Realm: realm,
		Schemes: map[string]SecurityScheme{
			"key":    {Type: SchemeAPIKey, In: "header", Name: "X-API-Key"},
			"qkey":   {Type: SchemeAPIKey, In: "query", Name: "api_key"},
			"bearer": {Type: SchemeHTTP, Scheme: "Bearer"},
			"oauth":  {Type: SchemeOAuth2},
			"basic":  {Type: SchemeHTTP, Scheme: "basic"},
		},
		Validators: map[string]Validator{
			"key":    APIKeyValidator(testKey(count)),
			"qkey":   APIKeyValidator(testKey(count)),
			"bearer": TokenValidator(testToken(count)),
			"oauth":  TokenValidator(testToken(count)),
			"basic": BasicValidator(func(_ context.Context, name, password string) (*user, error) {
				if name == "ann" && password == "pw" {
					return &user{name: "ann"}, nil
				}
				return nil, ErrInvalidCredentials
			}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func testKey(count func()) func(context.Context, string) (*user, error) {
	return func(_ context.Context, key string) (*user, error) {
		count()
		switch key {
		case "k1":
			return &user{name: "key1", roles: []string{"admin"}}, nil
		case "k2":
			return &user{name: "key2"}, nil
		case "boom":
			return nil, errDatabaseDown
		}
		return nil, ErrInvalidCredentials
	}
}

func testToken(count func()) func(context.Context, string) (*user, []string, error) {
	return func(_ context.Context, token string) (*user, []string, error) {
		count()
		switch token {
		case "t-read":
			return &user{name: "reader"}, []string{"read"}, nil
		case "t-rw":
			return &user{name: "writer"}, []string{"read", "write"}, nil
		case "boom":
			return nil, nil, errDatabaseDown
		}
		return nil, nil, fmt.Errorf("token %q: %w", token, ErrInvalidCredentials)
	}
}

func authRequest(headers ...string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

func basicHeader(userPass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPass))
}

func TestAuthenticate(t *testing.T) {
	a := testAuthenticator(t, "", nil)
	keyOrBearer := []SecurityRequirement{{"key": nil}, {"bearer": nil}}
	keyAndBearer := []SecurityRequirement{{"key": nil, "bearer": nil}}
	optionalBearer := []SecurityRequirement{{}, {"bearer": nil}}
	tests := []struct {
		name           string
		security       []SecurityRequirement
		request        *http.Request
		wantStatus     int // 0 for success
		wantPrincipals []string
		wantChallenges []string
		wantCause      error
	}{
		{"no requirement", nil, authRequest(), 0, nil, nil, nil},
		{"first alternative", keyOrBearer, authRequest("X-API-Key", "k2"), 0, []string{"key=key2"}, nil, nil},
		{"second alternative", keyOrBearer, authRequest("Authorization", "Bearer t-read"), 0, []string{"bearer=reader"}, nil, nil},
		{"neither alternative", keyOrBearer, authRequest(), 401, nil, []string{"APIKey", "Bearer"}, ErrNoCredentials},
		{"both of an AND", keyAndBearer, authRequest("X-API-Key", "k2", "Authorization", "Bearer t-read"), 0, []string{"bearer=reader", "key=key2"}, nil, nil},
		{"half of an AND", keyAndBearer, authRequest("X-API-Key", "k2"), 401, nil, []string{"Bearer", "APIKey"}, ErrNoCredentials},
		{"anonymous allowed", optionalBearer, authRequest(), 0, nil, nil, nil},
		{"anonymous with a good token", optionalBearer, authRequest("Authorization", "Bearer t-read"), 0, []string{"bearer=reader"}, nil, nil},
		{"anonymous with a bad token", optionalBearer, authRequest("Authorization", "Bearer nope"), 401, nil,
			[]string{`Bearer error="invalid_token", error_description="the access token is invalid or expired"`}, ErrInvalidCredentials},
		{"invalid key", keyOrBearer, authRequest("X-API-Key", "nope"), 401, nil, []string{"APIKey", "Bearer"}, ErrInvalidCredentials},
		{"validator failure", keyOrBearer, authRequest("X-API-Key", "boom"), 500, nil, nil, errDatabaseDown},
		{"failure rescued by another alternative", keyOrBearer, authRequest("X-API-Key", "boom", "Authorization", "Bearer t-read"), 0, []string{"bearer=reader"}, nil, nil},
		{"scheme name in upper case", keyOrBearer, authRequest("Authorization", "BEARER t-read"), 0, []string{"bearer=reader"}, nil, nil},
		{"repeated Authorization", keyOrBearer, authRequest("Authorization", "Bearer t-read", "Authorization", "Bearer t-rw"), 400, nil,
			[]string{`Bearer error="invalid_request"`}, ErrMalformedCredentials},
		{"repeated API key", keyOrBearer, authRequest("X-API-Key", "k1", "X-API-Key", "k2"), 400, nil, nil, ErrMalformedCredentials},
		{"undefined scheme", []SecurityRequirement{{"nope": nil}}, authRequest(), 500, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := a.Authenticate(tt.request, tt.security)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("got error %v, want success", err)
				}
				if got := principalNames(id); !slices.Equal(got, tt.wantPrincipals) {
					t.Errorf("got principals %v, want %v", got, tt.wantPrincipals)
				}
				return
			}
			var authErr *AuthError
			if !errors.As(err, &authErr) {
				t.Fatalf("got error %v, want an *AuthError in its chain", err)
			}
			if authErr.Status != tt.wantStatus || problem.From(err).Status != tt.wantStatus {
				t.Errorf("got status %d (problem %d), want %d", authErr.Status, problem.From(err).Status, tt.wantStatus)
			}
			if !slices.Equal(authErr.Challenges, tt.wantChallenges) {
				t.Errorf("got challenges %q, want %q", authErr.Challenges, tt.wantChallenges)
			}
			if tt.wantCause != nil && !errors.Is(err, tt.wantCause) {
				t.Errorf("got error %v, want %v in its chain", err, tt.wantCause)
			}
		})
	}
}

func principalNames(id *Identity) []string {
	var out []string
	for scheme, p := range id.Principals {
		out = append(out, scheme+"="+p.(*user).name)
	}
	slices.Sort(out)
	return out
}

func TestAuthenticateScopes(t *testing.T) {
	a := testAuthenticator(t, "api", nil)
	tests := []struct {
		name           string
		security       []SecurityRequirement
		request        *http.Request
		wantStatus     int
		wantChallenges []string
	}{
		{"token holds the scope", []SecurityRequirement{{"oauth": {"write"}}}, authRequest("Authorization", "Bearer t-rw"), 0, nil},
		{"token lacks the scope", []SecurityRequirement{{"oauth": {"read", "write"}}}, authRequest("Authorization", "Bearer t-read"), 403,
			[]string{`Bearer realm="api", error="insufficient_scope", scope="read write"`}},
		{"role from the principal", []SecurityRequirement{{"key": {"admin"}}}, authRequest("X-API-Key", "k1"), 0, nil},
		{"role missing on the principal", []SecurityRequirement{{"key": {"admin"}}}, authRequest("X-API-Key", "k2"), 403, nil},
		{"another alternative without scopes", []SecurityRequirement{{"oauth": {"write"}}, {"key": nil}}, authRequest("Authorization", "Bearer t-read", "X-API-Key", "k2"), 0, nil},
		{"insufficient beats missing", []SecurityRequirement{{"oauth": {"write"}}, {"basic": nil}}, authRequest("Authorization", "Bearer t-read"), 403,
			[]string{`Bearer realm="api", error="insufficient_scope", scope="write"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Authenticate(tt.request, tt.security)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("got error %v, want success", err)
				}
				return
			}
			var authErr *AuthError
			if !errors.As(err, &authErr) || authErr.Status != tt.wantStatus {
				t.Fatalf("got %v, want status %d", err, tt.wantStatus)
			}
			if !errors.Is(err, ErrInsufficientScope) {
				t.Errorf("got %v, want ErrInsufficientScope in its chain", err)
			}
			if !slices.Equal(authErr.Challenges, tt.wantChallenges) {
				t.Errorf("got challenges %q, want %q", authErr.Challenges, tt.wantChallenges)
			}
		})
	}
}

func TestAuthenticateBasic(t *testing.T) {
	a := testAuthenticator(t, `api "v2"`, nil)
	security := []SecurityRequirement{{"basic": nil}}
	challenge := `Basic realm="api \"v2\"", charset="UTF-8"`
	tests := []struct {
		name       string
		header     string
		wantStatus int
	}{
		{"valid", basicHeader("ann:pw"), 0},
		{"unpadded base64", "Basic " + base64.RawStdEncoding.EncodeToString([]byte("ann:pw")), 0},
		{"wrong password", basicHeader("ann:nope"), 401},
		{"control character", basicHeader("ann\x00:pw"), 401},
		{"not UTF-8", basicHeader("ann:p\xffw"), 401},
		{"only the scheme", "Basic", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Authenticate(authRequest("Authorization", tt.header), security)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Errorf("got error %v, want success", err)
				}
				return
			}
			var authErr *AuthError
			if !errors.As(err, &authErr) || authErr.Status != tt.wantStatus {
				t.Fatalf("got %v, want status %d", err, tt.wantStatus)
			}
			if !slices.Equal(authErr.Challenges, []string{challenge}) {
				t.Errorf("got challenges %q, want %q", authErr.Challenges, challenge)
			}
		})
	}
}

func TestAuthenticateValidatesOnce(t *testing.T) {
	calls := 0
	a := testAuthenticator(t, "", &calls)
	security := []SecurityRequirement{{"key": nil, "basic": nil}, {"key": nil}}
	if _, err := a.Authenticate(authRequest("X-API-Key", "k2"), security); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("got %d validator calls for a scheme in two alternatives, want 1", calls)
	}
}

func TestAuthenticateQueryKey(t *testing.T) {
	a := testAuthenticator(t, "", nil)
	security := []SecurityRequirement{{"qkey": nil}}
	tests := []struct {
		url        string
		wantStatus int
	}{
		{"/?api_key=k2", 0},
		{"/?API_KEY=k2", 401},
		{"/?api_key=", 401},
		{"/?api_key=k1&api_key=k2", 400},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := a.Authenticate(httptest.NewRequest("GET", tt.url, nil), security)
			status := 0
			if err != nil {
				status = problem.From(err).Status
			}
			if status != tt.wantStatus {
				t.Errorf("got status %d (%v), want %d", status, err, tt.wantStatus)
			}
		})
	}
}

func TestNewAuthenticatorRejectsConfig(t *testing.T) {
	okToken := TokenValidator(testToken(func() {}))
	tests := []struct {
		name string
		opts AuthOptions
	}{
		{"apiKey without location", AuthOptions{Schemes: map[string]SecurityScheme{"k": {Type: SchemeAPIKey, Name: "k"}}}},
		{"apiKey header name invalid", AuthOptions{Schemes: map[string]SecurityScheme{"k": {Type: SchemeAPIKey, In: "header", Name: "X Key"}}}},
		{"http without scheme", AuthOptions{Schemes: map[string]SecurityScheme{"h": {Type: SchemeHTTP}}}},
		{"unknown type", AuthOptions{Schemes: map[string]SecurityScheme{"x": {Type: "magic"}}}},
		{"validator without scheme", AuthOptions{Validators: map[string]Validator{"ghost": okToken}}},
		{"token validator for basic", AuthOptions{
			Schemes:    map[string]SecurityScheme{"b": {Type: SchemeHTTP, Scheme: "basic"}},
			Validators: map[string]Validator{"b": okToken},
		}},
		{"zero validator", AuthOptions{
			Schemes:    map[string]SecurityScheme{"b": {Type: SchemeHTTP, Scheme: "bearer"}},
			Validators: map[string]Validator{"b": {}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewAuthenticator(tt.opts); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestCheckSecurity(t *testing.T) {
	a, err := NewAuthenticator(AuthOptions{
		Schemes:    map[string]SecurityScheme{"bearer": {Type: SchemeHTTP, Scheme: "bearer"}, "lonely": {Type: SchemeOAuth2}},
		Validators: map[string]Validator{"bearer": TokenValidator(testToken(func() {}))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CheckSecurity([]SecurityRequirement{{"bearer": nil}, {}}); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	err = a.CheckSecurity([]SecurityRequirement{{"bearer": nil, "lonely": nil}, {"ghost": nil}})
	for _, want := range []string{`"lonely" has no validator`, `"ghost" is not defined`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want an error containing %s", err, want)
		}
	}
}

func TestAuthenticatorHandler(t *testing.T) {
	a := testAuthenticator(t, "", nil)
	op := &Operation{ID: "getPet", Security: []SecurityRequirement{{"bearer": nil}}}
	var gotUser *user
	var gotOK bool
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUser, gotOK = PrincipalFrom[*user](r.Context(), "bearer")
		if _, wrongType := PrincipalFrom[string](r.Context(), "bearer"); wrongType {
			t.Error("got a principal as the wrong type, want false")
		}
	})
	tests := []struct {
		name       string
		handler    http.Handler
		header     string
		wantStatus int
		wantUser   string
	}{
		{"with operation", Chain(op.Handler, a.Handler)(app), "Bearer t-read", 200, "reader"},
		{"rejected", Chain(op.Handler, a.Handler)(app), "Bearer nope", 401, ""},
		{"without operation", a.Handler(app), "Bearer t-read", 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotUser, gotOK = nil, false
			w := httptest.NewRecorder()
			tt.handler.ServeHTTP(w, authRequest("Authorization", tt.header))
			if w.Code != tt.wantStatus {
				t.Errorf("got status %d, want %d", w.Code, tt.wantStatus)
			}
			if tt.wantUser != "" && (!gotOK || gotUser.name != tt.wantUser) {
				t.Errorf("got principal %v, %v, want %s", gotUser, gotOK, tt.wantUser)
			}
			if tt.wantStatus == 401 && w.Header().Get("WWW-Authenticate") == "" {
				t.Error("got a 401 without WWW-Authenticate, want a challenge")
			}
		})
	}
}

func TestAuthenticateCustomSchemes(t *testing.T) {
	a, err := NewAuthenticator(AuthOptions{
		Schemes: map[string]SecurityScheme{
			"signed": {Type: SchemeAPIKey, In: "header", Name: "X-Signature"},
			"dpop":   {Type: SchemeHTTP, Scheme: "dpop"},
		},
		Validators: map[string]Validator{
			"signed": RequestValidator(func(r *http.Request) (string, []string, error) {
				sig := r.Header.Get("X-Signature")
				switch {
				case sig == "":
					return "", nil, ErrNoCredentials
				case sig != r.URL.Path:
					return "", nil, ErrInvalidCredentials
				}
				return "signer", []string{"sign"}, nil
			}),
			"dpop": CredentialsValidator(func(_ context.Context, credentials string) (string, error) {
				if credentials != "proof token" {
					return "", ErrInvalidCredentials
				}
				return "dpop-client", nil
			}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		security       []SecurityRequirement
		headers        []string
		wantStatus     int
		wantChallenges []string
	}{
		{"request validator", []SecurityRequirement{{"signed": {"sign"}}}, []string{"X-Signature", "/"}, 0, nil},
		{"request validator without credentials", []SecurityRequirement{{"signed": nil}}, nil, 401, []string{"APIKey"}},
		{"request validator rejects", []SecurityRequirement{{"signed": nil}}, []string{"X-Signature", "/other"}, 401, []string{"APIKey"}},
		{"credentials validator", []SecurityRequirement{{"dpop": nil}}, []string{"Authorization", "DPoP  proof token"}, 0, nil},
		{"credentials validator challenge", []SecurityRequirement{{"dpop": nil}}, nil, 401, []string{"DPoP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Authenticate(authRequest(tt.headers...), tt.security)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("got error %v, want success", err)
				}
				return
			}
			var authErr *AuthError
			if !errors.As(err, &authErr) || authErr.Status != tt.wantStatus {
				t.Fatalf("got %v, want status %d", err, tt.wantStatus)
			}
			if !slices.Equal(authErr.Challenges, tt.wantChallenges) {
				t.Errorf("got challenges %q, want %q", authErr.Challenges, tt.wantChallenges)
			}
		})
	}
}

func TestAuthenticateMutualTLS(t *testing.T) {
	clientCert := selfSignedCert(t, "client-7")
	a, err := NewAuthenticator(AuthOptions{
		Schemes: map[string]SecurityScheme{"mtls": {Type: SchemeMutualTLS}},
		Validators: map[string]Validator{"mtls": CertificateValidator(func(_ context.Context, state *tls.ConnectionState) (string, error) {
			// The server only requests certificates, so the validator pins
			// the expected one.
			if !state.PeerCertificates[0].Equal(clientCert.Leaf) {
				return "", ErrInvalidCredentials
			}
			return state.PeerCertificates[0].Subject.CommonName, nil
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(a.Require([]SecurityRequirement{{"mtls": nil}})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			name, _ := PrincipalFrom[string](r.Context(), "mtls")
			_, _ = w.Write([]byte(name))
		})))
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	defer srv.Close()

	tests := []struct {
		name       string
		certs      []tls.Certificate
		wantStatus int
		wantBody   string
	}{
		{"known certificate", []tls.Certificate{clientCert}, 200, "client-7"},
		{"unknown certificate", []tls.Certificate{selfSignedCert(t, "intruder")}, 401, ""},
		{"no certificate", nil, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := srv.Client()
			transport := client.Transport.(*http.Transport).Clone()
			transport.TLSClientConfig.Certificates = tt.certs
			client = &http.Client{Transport: transport}

			req, _ := http.NewRequestWithContext(testContext(t), "GET", srv.URL, nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := make([]byte, 64)
			n, _ := resp.Body.Read(body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("got status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantBody != "" && string(body[:n]) != tt.wantBody {
				t.Errorf("got body %q, want %q", body[:n], tt.wantBody)
			}
		})
	}
}

// selfSignedCert makes a throwaway client certificate for the test.
func selfSignedCert(t *testing.T, commonName string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}
