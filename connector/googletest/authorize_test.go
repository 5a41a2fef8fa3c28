package googletest_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
)

func TestAuthorizationRedirectsWithCode(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(allScopes...)
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("state-1", oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("include_granted_scopes", "true"))
	form := browser.OpenConsent(t, authURL)
	wantScopes := []string{scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly}
	if diff := cmp.Diff(wantScopes, form.Scopes); diff != "" {
		t.Errorf("ticked scope checkboxes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{scopes.OpenID, scopes.UserinfoEmail, scopes.UserinfoProfile}, form.Fixed); diff != "" {
		t.Errorf("fixed sign-in scopes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"cancel", "allow"}, form.Buttons); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	if !slices.Contains(form.Accounts, f.users[0]) || len(form.Accounts) != len(f.users)+1 {
		t.Errorf("accounts = %v, want the %d active people", form.Accounts, len(f.users)+1)
	}
	loc := form.Submit(browser.Answer{Account: f.users[0]})
	q := loc.Query()
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != redirectURI {
		t.Errorf("redirected to %s, want %s", got, redirectURI)
	}
	if code := q.Get("code"); !strings.HasPrefix(code, "4/0A") || len(code) > 256 {
		t.Errorf("code = %q, want 4/0A… of at most 256 bytes", code)
	}
	for k, want := range map[string]string{"state": "state-1", "authuser": "0", "hd": "example.test", "prompt": "consent",
		"scope": strings.Join(sortedCopy(scopes.OpenID, scopes.UserinfoEmail, scopes.UserinfoProfile, scopes.DirectoryReadonly,
			scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly), " ")} {
		if got := q.Get(k); got != want {
			t.Errorf("redirect %s = %q, want %q", k, got, want)
		}
	}
	tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if !strings.HasPrefix(tok.AccessToken, "ya29.") || !strings.HasPrefix(tok.RefreshToken, "1//") || tok.TokenType != "Bearer" {
		t.Errorf("token = %q/%q/%q, want ya29.…, 1//…, Bearer", tok.AccessToken[:8], tok.RefreshToken[:4], tok.TokenType)
	}
	if got := tok.Extra("expires_in"); got != float64(3599) {
		t.Errorf("expires_in = %v, want 3599", got)
	}
	if got := tok.Extra("scope"); got != q.Get("scope") {
		t.Errorf("token scope = %v, want the granted %q", got, q.Get("scope"))
	}
	if tok.Extra("id_token") == nil {
		t.Error("no id_token although openid was granted")
	}
}

func TestConsentPage(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.Email, scopes.DriveReadonly)
	t.Run("escapes names", func(t *testing.T) {
		t.Parallel()
		resp, err := http.Get(cfg.AuthCodeURL("s"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if strings.Contains(string(body), htmlName) || !strings.Contains(string(body), "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("the name %q is not escaped on the consent page", htmlName)
		}
		if strings.Contains(strings.ToLower(string(body)), "<script") {
			t.Error("the consent page contains a script element")
		}
		if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("Content-Type = %q", got)
		}
	})
	t.Run("login_hint preselects", func(t *testing.T) {
		t.Parallel()
		form := browser.OpenConsent(t, cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("login_hint", f.users[3])))
		if form.Selected != f.users[3] {
			t.Errorf("selected account = %q, want %q", form.Selected, f.users[3])
		}
	})
	t.Run("login_hint in capitals or as subject preselects", func(t *testing.T) {
		t.Parallel()
		p, ok := f.ws.Person(f.users[2])
		if !ok {
			t.Fatalf("no person %s", f.users[2])
		}
		for _, hint := range []string{strings.ToUpper(f.users[2]), p.ID} {
			form := browser.OpenConsent(t, cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("login_hint", hint)))
			if form.Selected != f.users[2] {
				t.Errorf("login_hint %q: selected account = %q, want %q", hint, form.Selected, f.users[2])
			}
		}
	})
	t.Run("unknown login_hint preselects none", func(t *testing.T) {
		t.Parallel()
		form := browser.OpenConsent(t, cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("login_hint", "nobody@example.test")))
		if form.Selected != "" {
			t.Errorf("selected account = %q, want none", form.Selected)
		}
	})
	t.Run("cancel denies", func(t *testing.T) {
		t.Parallel()
		loc := browser.Consent(t, cfg.AuthCodeURL("s-cancel"), browser.Answer{Cancel: true})
		if diff := cmp.Diff(url.Values{"error": {"access_denied"}, "state": {"s-cancel"}}, loc.Query()); diff != "" {
			t.Errorf("redirect query (-want +got):\n%s", diff)
		}
	})
	t.Run("answered twice", func(t *testing.T) {
		t.Parallel()
		form := browser.OpenConsent(t, cfg.AuthCodeURL("s"))
		form.Submit(browser.Answer{})
		v := url.Values{"request": form.Hidden["request"], "account": {f.users[0]}, "action": {"allow"}}
		resp := browser.New(t, browser.StopAtRedirects()).Post(f.base+form.Action, v)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("second answer: status %d, Location %q; want 400 and no redirect", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestAuthorizationErrorPages(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	valid := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {"openid"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range valid {
			q[kk] = vv
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	for _, tc := range []struct {
		name   string
		query  url.Values
		status int
		want   string
	}{
		{"redirect_uri with trailing slash", with("redirect_uri", redirectURI+"/"), 400, "Error 400: redirect_uri_mismatch"},
		{"redirect_uri of another host", with("redirect_uri", "https://evil.test/cb"), 400, "Error 400: redirect_uri_mismatch"},
		{"unknown client", with("client_id", "nobody.apps.googleusercontent.com"), 401, "Error 401: invalid_client"},
		{"missing client", with("client_id", ""), 400, "Error 400: invalid_request"},
		{"missing scope", with("scope", ""), 400, "Missing required parameter: scope"},
		{"unknown scope", with("scope", "openid https://www.googleapis.com/auth/nothing"), 400, "Error 400: invalid_scope"},
		{"token response type", with("response_type", "token"), 400, "Error 400: invalid_request"},
		{"prompt none with consent", with("prompt", "none consent"), 400, "Error 400: invalid_request"},
		{"bad access_type", with("access_type", "forever"), 400, "Error 400: invalid_request"},
		{"bad PKCE method", with("code_challenge_method", "S512"), 400, "Error 400: invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := browser.New(t, browser.StopAtRedirects()).Get(f.urls.AuthURL + "?" + tc.query.Encode())
			body := resp.Content
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != "" {
				t.Errorf("status %d, Location %q; want %d and no redirect", resp.StatusCode, resp.Header.Get("Location"), tc.status)
			}
			if !strings.Contains(string(body), tc.want) {
				t.Errorf("page does not say %q:\n%s", tc.want, body)
			}
		})
	}
}

func TestPromptNone(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.DirectoryReadonly)
	f.login(t, f.users[0], cfg)
	for _, tc := range []struct {
		name, hint string
		want       string // error, or "" for a code
	}{
		{"granted before", f.users[0], ""},
		{"never granted", f.users[1], "consent_required"},
		{"no account", "", "login_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := browser.New(t, browser.StopAtRedirects()).Get(cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("prompt", "none"), oauth2.SetAuthURLParam("login_hint", tc.hint)))
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("status = %d, want 302", resp.StatusCode)
			}
			q := loc.Query()
			if q.Get("error") != tc.want || (tc.want == "") != (q.Get("code") != "") {
				t.Errorf("redirect query = %v, want error %q", q, tc.want)
			}
		})
	}
}

// sortedCopy returns its arguments sorted.
func sortedCopy(s ...string) []string {
	slices.Sort(s)
	return s
}
