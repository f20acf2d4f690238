package generator

import "testing"

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"user_id":       "UserID",
		"USER_NAME":     "UserName",
		"HTTPServer":    "HTTPServer",
		"petstore-auth": "PetstoreAuth",
		"oauth":         "OAuth",
		"oauth2":        "OAuth2",
		"OAuth2Token":   "OAuth2Token",
		"openid":        "OpenID",
		"openIdConnect": "OpenIDConnect",
		"oidc":          "OIDC",
		"mtls":          "MTLS",
		"123abc":        "X123abc",
		"":              "X",
		"ünïcode":       "Ünïcode",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLowerName(t *testing.T) {
	for in, want := range map[string]string{
		"user_id": "userID",
		"id":      "id",
		"type":    "type_",
		"string":  "string_",
		"oauth":   "oauth",
		"oauth2":  "oauth2",
	} {
		if got := lowerName(in); got != want {
			t.Errorf("lowerName(%q) = %q, want %q", in, got, want)
		}
	}
}
