package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/joho/godotenv"
)

// goodSecrets returns valid keys for a configuration.
func goodSecrets() map[string]string {
	return map[string]string{
		"SESSION_KEYS":      newSessionKeyPair() + "," + newSessionKeyPair(),
		"TOKEN_KEYS":        newTokenKey("k1") + "," + newTokenKey("k2"),
		"AUDIT_SIGNING_KEY": newAuditSeed(),
	}
}

// TestValidateListsEveryProblem checks that one run reports every problem,
// each naming its variable and how to fix it, without a secret in sight.
func TestValidateListsEveryProblem(t *testing.T) {
	t.Parallel()
	shortKey := "c2hvcnQta2V5LTEy" // base64 of 12 bytes
	vars := map[string]string{
		"ADDR":                 "localhost",
		"BASE_URL":             "http://scopetrail.example.com",
		"GOOGLE_CLIENT_ID":     "client.apps.googleusercontent.com",
		"GOOGLE_TOKEN_URL":     "/token",
		"ALLOWED_DOMAINS":      "example.com, @acme.test",
		"ADMIN_EMAILS":         "ana@example.com,bob",
		"SESSION_KEYS":         randomBase64(32) + ":" + shortKey,
		"TOKEN_KEYS":           "k1:" + randomBase64(32) + ",k2:" + shortKey,
		"AUDIT_SIGNING_KEY":    "not-a-key",
		"LOG_FORMAT":           "xml",
		"LOG_LEVEL":            "loud",
		"GOOGLE_CLIENT_SECRET": "",
	}
	ce := configProblems(t, vars)
	want := []string{
		`ADDR: "localhost" is not host:port; write for example 127.0.0.1:8080 or :8080`,
		"BASE_URL: Google redirects only to https URLs, except on localhost; use https://scopetrail.example.com",
		"GOOGLE_CLIENT_SECRET: empty; copy the secret of the OAuth client GOOGLE_CLIENT_ID names (Google Cloud console, APIs & Services, Credentials), or unset GOOGLE_CLIENT_ID to run the demo",
		`GOOGLE_TOKEN_URL: "/token" is not an absolute http(s) URL; unset it to use Google's own`,
		`ALLOWED_DOMAINS: "@acme.test" is not a domain name; write domains like example.com, separated by commas`,
		`ADMIN_EMAILS: "bob" is not an email address; write addresses like ana@example.com, separated by commas`,
		"SESSION_KEYS: pair 1: the block key is 12 bytes, want 32 (base64 of 32 random bytes)",
		`TOKEN_KEYS: key "k2" is 12 bytes, want 32 (base64 of 32 random bytes)`,
		"AUDIT_SIGNING_KEY: not a 32-byte Ed25519 seed in base64 or hex; print fresh ones with `scopetrail keys generate`",
		`LOG_FORMAT: "xml" is not auto, text or json`,
		`LOG_LEVEL: "loud" is not debug, info, warn or error`,
	}
	if diff := cmp.Diff(want, ce.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	msg := ce.Error()
	if !strings.HasPrefix(msg, "the configuration has 11 problem(s)") {
		t.Errorf("message starts %q", msg[:min(len(msg), 60)])
	}
	for _, secret := range []string{shortKey, "not-a-key", strings.Split(vars["TOKEN_KEYS"], ",")[0][3:]} {
		if strings.Contains(msg, secret) {
			t.Errorf("error message shows a secret: %s", msg)
		}
	}
}

// TestValidateGood checks configurations that must pass.
func TestValidateGood(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
	}{
		{"demo with keys", goodSecrets()},
		{"real Google", merge(goodSecrets(), map[string]string{
			"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret",
			"BASE_URL": "https://scopetrail.example.com", "ALLOWED_DOMAINS": "example.com",
			"ADMIN_EMAILS": "ana@example.com", "DATABASE_URL": "postgres://db/scopetrail",
		})},
		{"real Google on localhost", merge(goodSecrets(), map[string]string{
			"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret", "BASE_URL": "http://localhost:8080",
		})},
		{"url-safe session keys", merge(goodSecrets(), map[string]string{
			"SESSION_KEYS": strings.Repeat("_-", 21) + "_:" + strings.Repeat("A-", 21) + "A",
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig(tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			k, err := cfg.validate()
			if err != nil {
				t.Fatalf("validate: %v", err)
			}
			if len(k.session)%2 != 0 || k.tokens == nil || k.audit == nil {
				t.Errorf("keys not parsed: %d session keys, tokens %v, audit set %v", len(k.session), k.tokens, k.audit != nil)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// TestDefaults checks the defaults that .env.example documents.
func TestDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "127.0.0.1:8080" || cfg.Database.URL != "./data/scopetrail.db" ||
		cfg.Google.Endpoints.AuthURL != "https://accounts.google.com/o/oauth2/v2/auth" || cfg.Log.Format != "auto" ||
		cfg.Demo.KeysFile != "./data/demo-keys.env" || !cfg.DemoMode() {
		t.Errorf("defaults: %+v", cfg)
	}
}

// TestDemoKeysPersist checks that the demo generates missing keys once and
// reads them back on the next start, and never overrides the environment.
func TestDemoKeysPersist(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "data", "demo-keys.env")
	first, err := parseConfig(map[string]string{"DEMO_KEYS_FILE": file})
	if err != nil {
		t.Fatal(err)
	}
	if err := fillDemoKeys(first); err != nil {
		t.Fatal(err)
	}
	if _, err := first.validate(); err != nil {
		t.Fatalf("generated keys do not validate: %v", err)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("keys file: %v, mode %v", err, st.Mode())
	}
	second := &Config{Demo: DemoConfig{KeysFile: file}, Secrets: SecretsConfig{TokenKeys: "mine:" + randomBase64(32)}}
	if err := fillDemoKeys(second); err != nil {
		t.Fatal(err)
	}
	if second.Secrets.SessionKeys != first.Secrets.SessionKeys || second.Secrets.AuditSigningKey != first.Secrets.AuditSigningKey {
		t.Error("restart generated new keys instead of reading the saved ones")
	}
	if !strings.HasPrefix(second.Secrets.TokenKeys, "mine:") {
		t.Error("saved key overrode the environment")
	}
}

// TestGenerateKeys checks that `keys generate` prints keys that validate.
func TestGenerateKeys(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := generateKeys(&out, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	vars, err := godotenv.Unmarshal(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(vars["TOKEN_KEYS"], "k20260102:") {
		t.Errorf("TOKEN_KEYS = %q, want id k20260102", vars["TOKEN_KEYS"])
	}
	cfg, err := parseConfig(vars)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.validate(); err != nil {
		t.Errorf("generated keys do not validate: %v", err)
	}
}

// configProblems parses and validates vars, and returns the error, which
// must be a *ConfigError.
func configProblems(t *testing.T, vars map[string]string) *ConfigError {
	t.Helper()
	cfg, err := parseConfig(vars)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	_, err = cfg.validate()
	ce, ok := err.(*ConfigError)
	if !ok {
		t.Fatalf("validate error %v is not a *ConfigError", err)
	}
	return ce
}

// TestValidateReportsSMTPProblems checks that the SMTP variables are
// checked with the others, before anything is opened, and their problems
// listed with the rest.
func TestValidateReportsSMTPProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		smtp map[string]string
		want []string
	}{
		{"port without host", map[string]string{"SMTP_PORT": "25"},
			[]string{"SMTP_HOST: empty while other SMTP_ variables are set; name the mail server, or unset them all to copy invitation links by hand"}},
		{"host with a bad sender and TLS mode", map[string]string{"SMTP_HOST": "mail.example.com", "SMTP_FROM": "nobody", "SMTP_TLS": "ssl"},
			[]string{`SMTP_TLS: "ssl" is not none, starttls or tls`,
				`SMTP_FROM: "nobody" is not an email address; write for example ScopeTrail <scopetrail@example.com>`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := goodSecrets()
			vars["LOG_FORMAT"] = "xml"
			for k, v := range tc.smtp {
				vars[k] = v
			}
			ce := configProblems(t, vars)
			want := append([]string{`LOG_FORMAT: "xml" is not auto, text or json`}, tc.want...)
			if diff := cmp.Diff(want, ce.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
