package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCSRF checks that state-changing requests need the session's token.
func TestCSRF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		form   func(token string) url.Values
		header http.Header
		want   int
	}{
		{"no token", func(string) url.Values { return url.Values{} }, nil, http.StatusForbidden},
		{"wrong token", func(string) url.Values { return url.Values{csrfField: {"forged"}} }, nil, http.StatusForbidden},
		{"token from another session", func(string) url.Values {
			return url.Values{csrfField: {randomToken()}}
		}, nil, http.StatusForbidden},
		{"cross-site with the right token", func(tok string) url.Values { return url.Values{csrfField: {tok}} },
			http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"right token in the form", func(tok string) url.Values { return url.Values{csrfField: {tok}} }, nil, http.StatusSeeOther},
		{"right token in the header", func(string) url.Values { return url.Values{} }, nil, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.signIn(bob)
			tok := h.token()
			header := tt.header
			if tt.name == "right token in the header" {
				header = http.Header{csrfHeader: {tok}}
			}
			r := h.do(http.MethodPost, "/auth/signout", tt.form(tok), header)
			h.expectStatus(r, tt.want)
			signedIn := h.get("/dashboard").StatusCode == http.StatusOK
			if signedIn != (tt.want != http.StatusSeeOther) {
				t.Errorf("after the request, signed in = %v", signedIn)
			}
		})
	}
}

// TestCSRFTokenRenewedAtSignIn checks that a token seen before sign-in does
// not work after it.
func TestCSRFTokenRenewedAtSignIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := h.token()
	h.signIn(bob)
	if after := h.token(); after == before {
		t.Fatal("CSRF token unchanged by sign-in")
	}
	r := h.do(http.MethodPost, "/link/invite", url.Values{csrfField: {before}}, nil)
	h.expectStatus(r, http.StatusForbidden)
}

// TestSecurityHeaders checks the headers on pages, errors and ops endpoints.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' https://accounts.example.test",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	}
	for _, path := range []string{"/", "/no/such/page", "/healthz", "/static/style.css"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			r := h.get(path)
			for k, v := range want {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if r.Header.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS sent over plain HTTP")
			}
		})
	}
	if got := h.get("/").Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("page Cache-Control = %q, want no-store", got)
	}
}

// TestSecureCookies checks the session cookie's attributes.
func TestSecureCookies(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "demo", true: "secure"}[secure], func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *Config) { c.SecureCookies = secure })
			r := h.get("/")
			var c *http.Cookie
			for _, ck := range r.Cookies() {
				if ck.Name == cookieName {
					c = ck
				}
			}
			if c == nil {
				t.Fatalf("no %s cookie in %q", cookieName, r.Header.Values("Set-Cookie"))
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Secure=%v Path=%q, want true Lax %v /", c.HttpOnly, c.SameSite, c.Secure, c.Path, secure)
			}
			if hsts := r.Header.Get("Strict-Transport-Security"); (hsts != "") != secure {
				t.Errorf("Strict-Transport-Security = %q with secure cookies %v", hsts, secure)
			}
		})
	}
}

// TestNoSecretsInLogs checks that codes, states and cookie values stay out of
// the logs.
func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	state := h.googleRedirect("/link/recordings")
	h.callback(url.Values{"state": {state}, "code": {"another-secret-code"}})
	h.callback(url.Values{"state": {"forged-state"}, "code": {"a-third-secret-code"}})
	u, _ := url.Parse(h.ts.URL)
	logs := h.logs.String()
	secrets := []string{"a-secret-code", "another-secret-code", "a-third-secret-code", state, "forged-state"}
	for _, c := range h.browser.Cookies(u) {
		secrets = append(secrets, c.Value)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("log contains %q:\n%s", s, logs)
		}
	}
	if !strings.Contains(logs, "path=/auth/callback ") {
		t.Errorf("callback not logged:\n%s", logs)
	}
}
