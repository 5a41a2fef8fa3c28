package googletest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
)

func TestRefreshTokenLimitEvictsTheOldest(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	var first, latest *oauth2.Token
	for i := range 101 {
		latest = f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline, oauth2.ApprovalForce)
		if i == 0 {
			first = latest
		}
	}
	_, err := refresh(t.Context(), cfg, first)
	assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
	if _, err := refresh(t.Context(), cfg, latest); err != nil {
		t.Errorf("the newest refresh token: %v", err)
	}
}

func TestIdleRefreshTokenExpires(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	used := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
	idle := f.login(t, f.users[1], cfg, oauth2.AccessTypeOffline)
	for range 2 {
		f.clock.Advance(100 * 24 * time.Hour)
		if _, err := refresh(t.Context(), cfg, used); err != nil {
			t.Fatalf("refreshing a token in use: %v", err)
		}
	}
	_, err := refresh(t.Context(), cfg, idle)
	assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
}

func TestDeletedUserLosesAccess(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	tok := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
	p, _ := f.ws.Person(f.users[0])
	if err := f.ws.DeletePerson(p.ID); err != nil {
		t.Fatal(err)
	}
	assertRemoved(t, f, cfg, tok)
	form := browser.OpenConsent(t, cfg.AuthCodeURL("s"))
	for _, a := range form.Accounts {
		if a == p.Email {
			t.Errorf("the consent page offers the deleted account %s", a)
		}
	}
}

func TestRefreshTokenIssuance(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.CalendarReadonly)
	type step struct {
		name        string
		opts        []oauth2.AuthCodeOption
		revokeFirst bool
		want        bool
	}
	for _, tc := range []struct {
		name  string
		user  string
		steps []step
	}{
		{"online first consent", f.users[0], []step{{name: "online", want: false}}},
		{"offline", f.users[1], []step{
			{name: "first consent", opts: []oauth2.AuthCodeOption{oauth2.AccessTypeOffline}, want: true},
			{name: "second consent", opts: []oauth2.AuthCodeOption{oauth2.AccessTypeOffline}, want: false},
			{name: "prompt=consent", opts: []oauth2.AuthCodeOption{oauth2.AccessTypeOffline, oauth2.ApprovalForce}, want: true},
			{name: "online with prompt=consent", opts: []oauth2.AuthCodeOption{oauth2.ApprovalForce}, want: false},
			{name: "after revocation", opts: []oauth2.AuthCodeOption{oauth2.AccessTypeOffline}, revokeFirst: true, want: true},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var last *oauth2.Token
			for _, s := range tc.steps {
				if s.revokeFirst {
					if status, _ := f.postForm(t, "/revoke", url.Values{"token": {last.AccessToken}}); status != 200 {
						t.Fatalf("revoke status = %d", status)
					}
				}
				last = f.login(t, tc.user, cfg, s.opts...)
				if got := last.RefreshToken != ""; got != s.want {
					t.Errorf("%s: refresh token issued = %v, want %v", s.name, got, s.want)
				}
			}
		})
	}
}

func TestIncludeGrantedScopes(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	user := f.users[2]
	first := f.login(t, user, f.config(scopes.OpenID, scopes.DirectoryReadonly), oauth2.AccessTypeOffline)
	incremental := f.login(t, user, f.config(scopes.DriveReadonly), oauth2.SetAuthURLParam("include_granted_scopes", "true"))
	alone := f.login(t, user, f.config(scopes.CalendarReadonly))
	for _, tc := range []struct {
		name string
		tok  *oauth2.Token
		want []string
	}{
		{"first", first, sortedCopy(scopes.OpenID, scopes.DirectoryReadonly)},
		{"incremental", incremental, sortedCopy(scopes.OpenID, scopes.DirectoryReadonly, scopes.DriveReadonly)},
		{"without include_granted_scopes", alone, []string{scopes.CalendarReadonly}},
	} {
		if diff := cmp.Diff(tc.want, scopes.Parse(tc.tok.Extra("scope").(string))); diff != "" {
			t.Errorf("%s: granted scopes (-want +got):\n%s", tc.name, diff)
		}
	}
	if incremental.RefreshToken != "" {
		t.Error("an online incremental authorization returned a refresh token")
	}
}

// refresh forces a refresh of tok.
