package googletest_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/scopes"
)

func TestIDTokenVerifiesWithOIDC(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	provider, err := oidc.NewProvider(t.Context(), f.base)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	cfg := f.config(oidc.ScopeOpenID, "email", "profile")
	cfg.Endpoint = provider.Endpoint()
	tok := f.login(t, f.users[0], cfg, oauth2.SetAuthURLParam("nonce", "n-0S6_WzA2Mj"))
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: clientID, Now: f.clock.Now}).Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	p, _ := f.ws.Person(f.users[0])
	now := float64(f.clock.Now().Unix())
	want := map[string]any{
		"iss": f.base, "aud": clientID, "azp": clientID, "sub": p.ID, "email": p.Email, "email_verified": true,
		"hd": "example.test", "name": p.DisplayName, "given_name": p.GivenName, "family_name": p.FamilyName,
		"nonce": "n-0S6_WzA2Mj", "iat": now, "exp": now + 3600,
	}
	if p.PhotoURL != "" {
		want["picture"] = p.PhotoURL
	}
	if diff := cmp.Diff(want, claims, cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "at_hash" })); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	t.Run("tokeninfo", func(t *testing.T) {
		status, info := f.getJSON(t, "/tokeninfo?id_token="+url.QueryEscape(raw))
		if status != 200 || info["email"] != p.Email || info["email_verified"] != "true" || info["exp"] != strconv.FormatInt(int64(now)+3600, 10) {
			t.Errorf("tokeninfo(id_token) = %d %v", status, info)
		}
	})
	t.Run("no id_token without openid", func(t *testing.T) {
		tok := f.login(t, f.users[1], f.config(scopes.DriveReadonly))
		if tok.Extra("id_token") != nil {
			t.Error("an id_token was issued without openid")
		}
	})
}

func TestDiscoveryDocument(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	status, doc := f.getJSON(t, "/.well-known/openid-configuration")
	if status != 200 {
		t.Fatalf("status = %d", status)
	}
	for k, want := range map[string]any{
		"issuer": f.base, "authorization_endpoint": f.urls.AuthURL, "token_endpoint": f.urls.TokenURL,
		"userinfo_endpoint": f.urls.UserinfoURL, "revocation_endpoint": f.urls.RevokeURL, "jwks_uri": f.urls.JWKSURL,
		"code_challenge_methods_supported": []any{"plain", "S256"},
	} {
		if diff := cmp.Diff(want, doc[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
}

func TestTokeninfo(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	tok := f.login(t, f.users[0], f.config(scopes.Email, scopes.CalendarReadonly), oauth2.AccessTypeOffline)
	issued := f.clock.Now()
	f.clock.Advance(57 * time.Second)
	p, _ := f.ws.Person(f.users[0])
	status, info := f.getJSON(t, "/tokeninfo?access_token="+url.QueryEscape(tok.AccessToken))
	want := map[string]any{
		"azp": clientID, "aud": clientID, "sub": p.ID,
		"scope":      scopes.CalendarReadonly + " " + scopes.UserinfoEmail,
		"exp":        strconv.FormatInt(issued.Add(3599*time.Second).Unix(), 10),
		"expires_in": "3542",
		"email":      p.Email, "email_verified": "true", "access_type": "offline",
	}
	if diff := cmp.Diff(want, info); status != 200 || diff != "" {
		t.Errorf("tokeninfo status %d, body (-want +got):\n%s", status, diff)
	}
	status, info = f.getJSON(t, "/tokeninfo?access_token=ya29.nonsense")
	if diff := cmp.Diff(map[string]any{"error": "invalid_token", "error_description": "Invalid Value"}, info); status != 400 || diff != "" {
		t.Errorf("invalid token: status %d, body (-want +got):\n%s", status, diff)
	}
}

func TestUserinfo(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	signIn := f.login(t, f.users[0], f.config(scopes.OpenID, scopes.Email))
	driveOnly := f.login(t, f.users[1], f.config(scopes.DriveReadonly))
	p, _ := f.ws.Person(f.users[0])
	for _, tc := range []struct {
		name   string
		token  string
		status int
		want   map[string]any
	}{
		{"sign-in token", signIn.AccessToken, 200, map[string]any{"sub": p.ID, "email": p.Email, "email_verified": true, "hd": "example.test"}},
		{"drive-only token", driveOnly.AccessToken, 403, map[string]any{"error": "insufficient_scope", "error_description": "Insufficient Permission"}},
		{"bad token", "ya29.nonsense", 401, map[string]any{"error": "invalid_request", "error_description": "Invalid Credentials"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, f.urls.UserinfoURL, nil)
			req.Header.Set("Authorization", "Bearer "+tc.token)
			status, got := doJSON(t, req)
			if diff := cmp.Diff(tc.want, got); status != tc.status || diff != "" {
				t.Errorf("status %d (want %d), body (-want +got):\n%s", status, tc.status, diff)
			}
		})
	}
}
