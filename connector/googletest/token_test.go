package googletest_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
)

// codeFor runs the browser part of a flow with PKCE and returns the code
// and its verifier.
func (f *fake) codeFor(t *testing.T, user string, cfg *oauth2.Config, opts ...oauth2.AuthCodeOption) (code, verifier string) {
	t.Helper()
	verifier = oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	loc := browser.Consent(t, cfg.AuthCodeURL("s", opts...), browser.Answer{Account: user})
	return loc.Query().Get("code"), verifier
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.DriveReadonly)
	f.RegisterClient(googletestClient("other-client"))
	otherCfg := f.config(scopes.DriveReadonly)
	otherCfg.ClientID, otherCfg.ClientSecret = "other-client", "other-secret"
	other := f.login(t, f.users[1], otherCfg, oauth2.AccessTypeOffline)
	form := func(kv ...string) url.Values {
		v := url.Values{"client_id": {clientID}, "client_secret": {clientSecret}}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	used, usedVerifier := f.codeFor(t, f.users[0], cfg)
	if _, err := cfg.Exchange(t.Context(), used, oauth2.VerifierOption(usedVerifier)); err != nil {
		t.Fatalf("first Exchange: %v", err)
	}
	code, verifier := f.codeFor(t, f.users[0], cfg)
	authCode := func(kv ...string) url.Values {
		return form(append([]string{"grant_type", "authorization_code", "code", code, "redirect_uri", redirectURI, "code_verifier", verifier}, kv...)...)
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   map[string]any
	}{
		{"reused code", authCode("code", used, "code_verifier", usedVerifier), 400, body("invalid_grant", "Bad Request")},
		{"malformed code", authCode("code", "4/0Anonsense"), 400, body("invalid_grant", "Malformed auth code.")},
		{"missing code", authCode("code", ""), 400, body("invalid_request", "Missing required parameter: code")},
		{"wrong secret", authCode("client_secret", "guess"), 401, body("invalid_client", "Unauthorized")},
		{"unknown client", authCode("client_id", "ghost.apps.googleusercontent.com"), 401, body("invalid_client", "The OAuth client was not found.")},
		{"code of another client", authCode("client_id", "other-client", "client_secret", "other-secret"), 400, body("invalid_grant", "Bad Request")},
		{"other redirect_uri", authCode("redirect_uri", redirectURI+"/"), 400, body("redirect_uri_mismatch", "Bad Request")},
		{"missing verifier", authCode("code_verifier", ""), 400, body("invalid_grant", "Missing code verifier.")},
		{"wrong verifier", authCode("code_verifier", oauth2.GenerateVerifier()), 400, body("invalid_grant", "Invalid code verifier.")},
		{"missing grant_type", form(), 400, body("invalid_request", "Missing required parameter: grant_type")},
		{"password grant", form("grant_type", "password"), 400, body("unsupported_grant_type", "Invalid grant_type: password")},
		{"refresh token of another client", form("grant_type", "refresh_token", "refresh_token", other.RefreshToken), 400, body("unauthorized_client", "Unauthorized")},
		{"unknown refresh token", form("grant_type", "refresh_token", "refresh_token", "1//0unknown"), 400, body("invalid_grant", "Token has been expired or revoked.")},
		{"malformed refresh token", form("grant_type", "refresh_token", "refresh_token", "nonsense"), 400, body("invalid_grant", "Bad Request")},
		{"missing refresh token", form("grant_type", "refresh_token"), 400, body("invalid_request", "Missing required parameter: refresh_token")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, got := f.postForm(t, "/token", tc.form)
			if status != tc.status {
				t.Errorf("status = %d, want %d", status, tc.status)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the code still works after failed attempts", func(t *testing.T) {
		if _, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier)); err != nil {
			t.Errorf("Exchange: %v", err)
		}
	})
}

func body(code, description string) map[string]any {
	return map[string]any{"error": code, "error_description": description}
}

func TestExpiredCode(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	code, verifier := f.codeFor(t, f.users[0], cfg)
	f.clock.Advance(10 * time.Minute)
	_, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
	assertRetrieveError(t, err, "invalid_grant", "Bad Request")
}

func TestClientCredentialsAsBasicAuth(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	cfg.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	code, verifier := f.codeFor(t, f.users[0], cfg)
	if _, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("Exchange with Basic auth: %v", err)
	}
	cfg.ClientSecret = "wrong"
	code, verifier = f.codeFor(t, f.users[0], cfg)
	_, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
	assertRetrieveError(t, err, "invalid_client", "Unauthorized")
}

func TestPlainPKCE(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	verifier := oauth2.GenerateVerifier()
	loc := browser.Consent(t, cfg.AuthCodeURL("s", oauth2.SetAuthURLParam("code_challenge", verifier)), browser.Answer{})
	if _, err := cfg.Exchange(t.Context(), loc.Query().Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("Exchange with a plain challenge: %v", err)
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.Email, scopes.DriveReadonly)
	tok := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
	f.clock.Advance(time.Hour)
	if status, _ := f.getJSON(t, "/tokeninfo?access_token="+url.QueryEscape(tok.AccessToken)); status != 400 {
		t.Errorf("tokeninfo of an expired access token: status %d, want 400", status)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	fresh, err := cfg.TokenSource(t.Context(), tok).Token()
	if err != nil {
		t.Fatalf("refreshing: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != tok.RefreshToken {
		t.Errorf("refresh gave access %v new and refresh token kept %v; want a new access token, the same refresh token",
			fresh.AccessToken != tok.AccessToken, fresh.RefreshToken == tok.RefreshToken)
	}
	if fresh.Extra("scope") != tok.Extra("scope") || fresh.Extra("id_token") == nil {
		t.Errorf("refreshed scope %v (want %v), id_token present %v", fresh.Extra("scope"), tok.Extra("scope"), fresh.Extra("id_token") != nil)
	}
	if status, info := f.getJSON(t, "/tokeninfo?access_token="+url.QueryEscape(fresh.AccessToken)); status != 200 || info["access_type"] != "offline" {
		t.Errorf("tokeninfo of the refreshed token: %d %v", status, info)
	}
}

func TestTestingClientRefreshExpires(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{testingClient: true})
	api := f.login(t, f.users[0], f.config(scopes.OpenID, scopes.DriveReadonly), oauth2.AccessTypeOffline)
	signIn := f.login(t, f.users[1], f.config(scopes.OpenID, scopes.Email), oauth2.AccessTypeOffline)
	f.clock.Advance(7*24*time.Hour - time.Minute)
	if _, err := refresh(t.Context(), f.config(), api); err != nil {
		t.Fatalf("refresh on day 6: %v", err)
	}
	f.clock.Advance(time.Minute)
	_, err := refresh(t.Context(), f.config(), api)
	assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
	if _, err := refresh(t.Context(), f.config(), signIn); err != nil {
		t.Errorf("a sign-in-only refresh token expired after 7 days: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.DriveReadonly)
	for _, tc := range []struct {
		name                  string
		user                  string
		refreshToken, inQuery bool
	}{
		{"access token in the form", f.users[0], false, false},
		{"refresh token in the query", f.users[1], true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok := f.login(t, tc.user, cfg, oauth2.AccessTypeOffline)
			second := f.login(t, tc.user, cfg) // another access token of the same grant
			v := tok.AccessToken
			if tc.refreshToken {
				v = tok.RefreshToken
			}
			path, form := "/revoke", url.Values{"token": {v}}
			if tc.inQuery {
				path, form = "/revoke?"+form.Encode(), nil
			}
			if status, _ := f.postForm(t, path, form); status != 200 {
				t.Fatalf("revoke status = %d, want 200", status)
			}
			for _, at := range []string{tok.AccessToken, second.AccessToken} {
				if status, _ := f.getJSON(t, "/tokeninfo?access_token="+url.QueryEscape(at)); status != 400 {
					t.Errorf("tokeninfo after revocation: status %d, want 400", status)
				}
			}
			_, err := refresh(t.Context(), cfg, tok)
			assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
			status, got := f.postForm(t, "/revoke", url.Values{"token": {v}})
			if diff := cmp.Diff(map[string]any{"error": "invalid_token", "error_description": "Token expired or revoked"}, got); status != 400 || diff != "" {
				t.Errorf("second revoke: status %d (want 400), body (-want +got):\n%s", status, diff)
			}
		})
	}
}

func refresh(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token) (*oauth2.Token, error) {
	expired := *tok
	expired.AccessToken, expired.Expiry = "", time.Now().Add(-time.Hour)
	return cfg.TokenSource(ctx, &expired).Token()
}

// assertRetrieveError checks that err is an OAuth error with code and
// description.
func assertRetrieveError(t *testing.T, err error, code, description string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error = %v, want an *oauth2.RetrieveError %s", err, code)
	}
	if re.ErrorCode != code || re.ErrorDescription != description {
		t.Errorf("error = %s %q, want %s %q", re.ErrorCode, re.ErrorDescription, code, description)
	}
}
