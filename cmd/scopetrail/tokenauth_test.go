package main

import (
	"slices"
	"testing"
)

// TestTokenAuthConfig checks GOOGLE_TOKEN_AUTH: auto by default, and a
// value other than auto, basic or post is a problem that says what to write.
func TestTokenAuthConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Google.TokenAuth != "auto" {
		t.Errorf("GOOGLE_TOKEN_AUTH defaults to %q, want auto", cfg.Google.TokenAuth)
	}
	if oauth, _ := googleSettings(cfg, "http://localhost:8080/auth/callback"); oauth.TokenAuth != "auto" {
		t.Errorf("googleSettings passes TokenAuth %q, want auto", oauth.TokenAuth)
	}
	ce := configProblems(t, map[string]string{"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret", "GOOGLE_TOKEN_AUTH": "header"})
	want := `GOOGLE_TOKEN_AUTH: "header" is not auto, basic or post; use basic for a server that allows only client_secret_basic, post for client_secret_post`
	if !slices.Contains(ce.Problems, want) {
		t.Errorf("problems %q, want %q among them", ce.Problems, want)
	}
}
