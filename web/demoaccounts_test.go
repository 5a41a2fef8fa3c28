package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// demoAccounts are three personas, as the demo passes them.
var demoAccounts = []DemoAccount{
	{Email: "ada@acme.test", Name: "Ada Admin", Role: identity.RoleAdmin},
	{Email: "bob@acme.test", Role: identity.RoleMember},
	{Email: "rita@acme.test", Name: "Rita Review", Role: identity.RoleReviewer},
}

// TestSignInPageListsDemoAccounts: the demo's sign-in page lists each demo
// account with its role and what that role is for, and its button starts
// a sign-in that hints Google at that account.
func TestSignInPageListsDemoAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.DemoAccounts = demoAccounts })
	home := h.get("/")
	h.expectStatus(home, http.StatusOK)
	var got []string
	for _, li := range home.FindAll("#demo-accounts li") {
		got = append(got, strings.ReplaceAll(strings.Join(strings.Fields(browser.Text(browser.FindIn(li, ".persona"))), " "), " :", ":"))
	}
	want := []string{
		"ada@acme.test — admin: invites colleagues from the Google directory, manages users and revokes anyone's access",
		"bob@acme.test — member: links calendars and Drive, sees meetings, recordings and transcripts, revokes their own access",
		"rita@acme.test — reviewer: reads the scope-usage log, checks that nobody tampered with it, exports it and reads the least-privilege report",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("demo accounts listed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkPage(t, home, map[string]string{
		`li[data-email="ada@acme.test"] button`:  "Sign in as Ada Admin",
		`li[data-email="bob@acme.test"] button`:  "Sign in as bob@acme.test",
		`form#signin button`:                     "Sign in with Google",
		`li[data-email="rita@acme.test"] .role`:  "reviewer",
		`li[data-email="rita@acme.test"] .email`: "rita@acme.test",
	}, nil)

	for _, a := range demoAccounts {
		form := browser.FormValues(home.Find(`li[data-email="` + a.Email + `"] form`))
		r := h.do(http.MethodPost, "/auth/signin", form, nil)
		h.expectStatus(r, http.StatusSeeOther)
		if hint := hintOf(t, r.Location()); hint != a.Email {
			t.Errorf("%s's button sends Google login_hint %q", a.Email, hint)
		}
	}
	r := h.post("/auth/signin", nil)
	h.expectStatus(r, http.StatusSeeOther)
	if hint := hintOf(t, r.Location()); hint != "" {
		t.Errorf("the plain sign-in button sends Google login_hint %q", hint)
	}
}

// TestSignInPageWithoutDemo: with real Google the sign-in page lists no
// accounts, and a login_hint that is not an email address is not sent on.
func TestSignInPageWithoutDemo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	home := h.get("/")
	h.expectStatus(home, http.StatusOK)
	checkPage(t, home, nil, []string{"#demo-accounts", `input[name="login_hint"]`})
	for _, bad := range []string{"Ada <ada@acme.test>", "not an address", "ada@acme.test\r\nX-Evil: 1"} {
		r := h.post("/auth/signin", url.Values{"login_hint": {bad}})
		h.expectStatus(r, http.StatusSeeOther)
		if hint := hintOf(t, r.Location()); hint != "" {
			t.Errorf("login_hint %q was sent on as %q", bad, hint)
		}
	}
}

// hintOf returns the login_hint of a redirect to Google.
func hintOf(t *testing.T, location string) string {
	t.Helper()
	u, err := url.Parse(location)
	if err != nil || !strings.HasPrefix(location, fakeAuthURL) {
		t.Fatalf("redirected to %q, want Google", location)
	}
	return u.Query().Get("login_hint")
}

// FuzzLoginHint: a hint is dropped or kept whole, and a kept one is a bare
// email address without spaces or line breaks.
func FuzzLoginHint(f *testing.F) {
	for _, s := range []string{"ada@acme.test", " bob@acme.test ", "Ada <ada@acme.test>", "", "a@b", "\"a b\"@c.d", "x@y\r\nz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := loginHint(raw)
		if got == "" {
			return
		}
		if got != strings.TrimSpace(raw) || len(got) > maxHintLen || !strings.Contains(got, "@") || strings.ContainsAny(got, "\r\n<>") {
			t.Errorf("loginHint(%q) = %q", raw, got)
		}
	})
}
