package googletest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// strictFake starts a fake in strict mode.
func strictFake(t *testing.T, strict bool) *connectortest.Google {
	t.Helper()
	return connectortest.StartGoogle(t, connectortest.Options{Strict: strict, Generate: workspace.GenerateOptions{Seed: 3, People: 2}})
}

// exchange runs the flow at g for its first person with cfg, unticking
// some scopes.
func exchange(t *testing.T, g *connectortest.Google, cfg *oauth2.Config, untick []string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	loc := browser.Consent(t, cfg.AuthCodeURL("st", opts...), browser.Answer{Account: g.People[0], Untick: untick})
	return cfg.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
}

func TestStrictTokenEndpoint(t *testing.T) {
	t.Parallel()
	g := strictFake(t, true)
	post := g.OAuth2Config(scopes.DriveReadonly)
	post.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	_, err := exchange(t, g, post, nil)
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != http.StatusUnauthorized {
		t.Errorf("exchange with client_secret_post: %v, want 401 invalid_client", err)
	}

	// access_type=offline without offline_access: no refresh token, and the
	// scope, equal to the request's, is omitted.
	tok, err := exchange(t, g, g.OAuth2Config(scopes.DriveReadonly), nil, oauth2.AccessTypeOffline)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" || tok.Extra("scope") != nil {
		t.Errorf("strict token without offline_access: refresh token %v, scope %v; want none", tok.RefreshToken != "", tok.Extra("scope"))
	}

	// With offline_access a refresh token; include_granted_scopes is not
	// honoured, and a partial grant lists its scope.
	cfg := g.OAuth2Config(scopes.CalendarReadonly, scopes.CalendarEventsReadonly, "offline_access")
	tok, err = exchange(t, g, cfg, []string{scopes.CalendarEventsReadonly}, oauth2.SetAuthURLParam("include_granted_scopes", "true"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Extra("scope"); tok.RefreshToken == "" || got != scopes.CalendarReadonly+" offline_access" {
		t.Errorf("partial strict grant: refresh token %v, scope %v; want one, and calendar.readonly offline_access only", tok.RefreshToken != "", got)
	}
	refreshed, err := cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || refreshed.Extra("scope") != nil {
		t.Errorf("strict refresh: %v, scope %v; want no scope member", err, refreshed.Extra("scope"))
	}
}

func TestStrictRevoke(t *testing.T) {
	t.Parallel()
	g := strictFake(t, true)
	tok, err := exchange(t, g, g.OAuth2Config(scopes.DriveReadonly, "offline_access"), nil)
	if err != nil {
		t.Fatal(err)
	}
	revoke := func(form url.Values, basic bool) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, g.URLs.RevokeURL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(url.QueryEscape(g.Client.ID), url.QueryEscape(g.Client.Secret))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		basic bool
		want  int
	}{
		{"no client authentication", url.Values{"token": {tok.RefreshToken}}, false, http.StatusBadRequest},
		{"credentials in the body", url.Values{"token": {tok.RefreshToken}, "client_id": {g.Client.ID}, "client_secret": {g.Client.Secret}}, false, http.StatusUnauthorized},
		{"unknown hint", url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"id_token"}}, true, http.StatusBadRequest},
		{"revoked", url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"refresh_token"}}, true, http.StatusOK},
		{"revoked again: 200 (RFC 7009 §2.2)", url.Values{"token": {tok.RefreshToken}}, true, http.StatusOK},
	} {
		if got := revoke(tc.form, tc.basic); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
	if _, err := g.OAuth2Config().TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err == nil {
		t.Error("the refresh token still works after its revocation")
	}
}

// TestGoogleModeDropsOfflineAccess asks the fake as Google for
// offline_access: it is not a Google scope, and it is dropped rather than
// refused.
func TestGoogleModeDropsOfflineAccess(t *testing.T) {
	t.Parallel()
	g := strictFake(t, false)
	tok, err := exchange(t, g, g.OAuth2Config(scopes.DriveReadonly, "offline_access"), nil, oauth2.AccessTypeOffline)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Extra("scope"); got != scopes.DriveReadonly || tok.RefreshToken == "" {
		t.Errorf("scope %v, refresh token %v; want drive.readonly and one", got, tok.RefreshToken != "")
	}
}
