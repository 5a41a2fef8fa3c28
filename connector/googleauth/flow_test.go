package googleauth_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, db, options{allowedDomains: []string{"Example.com"}})
		authURL, state, err := e.flow.BeginSignIn(ctx, "")
		if err != nil {
			t.Fatalf("BeginSignIn: %v", err)
		}
		q := query(t, authURL)
		wantParams := map[string]string{
			"client_id": clientID, "redirect_uri": redirectURL, "response_type": "code", "scope": "openid email profile",
			"state": state, "code_challenge_method": "S256", "hd": "example.com",
		}
		for k, want := range wantParams {
			if got := q.Get(k); got != want {
				t.Errorf("auth URL %s = %q, want %q", k, got, want)
			}
		}
		for _, k := range []string{"nonce", "code_challenge"} {
			if len(q.Get(k)) < 43 {
				t.Errorf("auth URL %s = %q, want a random value", k, q.Get(k))
			}
		}
		for _, k := range []string{"access_type", "prompt", "include_granted_scopes", "login_hint"} {
			if q.Has(k) {
				t.Errorf("sign-in auth URL has %s=%q", k, q.Get(k))
			}
		}

		if n := pendingRows(t, e, state); n != 0 {
			t.Errorf("the pending request is stored under the state itself (%d rows)", n)
		}
		res, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada}))
		if err != nil {
			t.Fatalf("Finish: %v", err)
		}
		if n := pendingRows(t, e, ""); n != 0 {
			t.Errorf("%d pending requests remain after Finish, want 0", n)
		}
		want := googleauth.Result{
			Kind:    googleauth.KindSignIn,
			User:    identity.User{Email: ada, Name: ada, Subject: "1001", Role: identity.RoleAdmin, CreatedAt: e.Clock.Now(), LastSignIn: e.Clock.Now()},
			Granted: []string{scopes.Email, scopes.OpenID, scopes.Profile},
		}
		if diff := cmp.Diff(want, res, cmpopts.IgnoreFields(identity.User{}, "ID")); diff != "" {
			t.Errorf("Finish (-want +got):\n%s", diff)
		}
		if has, err := e.tokens.HasRefreshToken(ctx, res.User.ID); has || err != nil {
			t.Errorf("sign-in stored a token: %v, %v", has, err)
		}
		wantEntries := []audit.Entry{{ActorID: res.User.ID, ActorEmail: ada, ClientID: clientID, Event: audit.EventSignIn,
			Scope: "email openid profile", Purpose: "signin", Resource: "admission=signup_domain", Outcome: audit.OutcomeOK}}
		if diff := cmp.Diff(wantEntries, entries(t, e)); diff != "" {
			t.Errorf("audit entries (-want +got):\n%s", diff)
		}
	})
}

func TestLink(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, db, options{})
		user := e.signIn(t, ada)

		// Consent is forced so that Google returns a refresh token.
		authURL, state, err := e.flow.BeginLink(ctx, user.ID, scopes.FeatureCalendars)
		if err != nil {
			t.Fatalf("BeginLink: %v", err)
		}
		q := query(t, authURL)
		wantParams := map[string]string{
			"scope":       "openid " + scopes.CalendarReadonly + " " + scopes.CalendarEventsReadonly + " offline_access",
			"access_type": "offline", "include_granted_scopes": "true", "prompt": "consent",
			"code_challenge_method": "S256", "login_hint": ada, "state": state,
		}
		for k, want := range wantParams {
			if got := q.Get(k); got != want {
				t.Errorf("first link auth URL %s = %q, want %q", k, got, want)
			}
		}
		res, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Untick: []string{scopes.CalendarEventsReadonly}}))
		if err != nil {
			t.Fatalf("Finish: %v", err)
		}
		want := googleauth.Result{
			Kind: googleauth.KindLink, User: user, Feature: scopes.FeatureCalendars,
			Granted: []string{scopes.Email, scopes.CalendarReadonly, scopes.OpenID, scopes.Profile},
			Missing: []string{scopes.CalendarEventsReadonly},
		}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("partial calendar link (-want +got):\n%s", diff)
		}
		if has, err := e.tokens.HasRefreshToken(ctx, user.ID); !has || err != nil {
			t.Fatalf("after the first link HasRefreshToken = %v, %v; want true", has, err)
		}

		// A refresh token is held, and consent is forced again, so that the
		// new refresh token covers this link's scopes; drive.readonly unticked.
		authURL, state, err = e.flow.BeginLink(ctx, user.ID, scopes.FeatureRecordings)
		if err != nil {
			t.Fatalf("BeginLink: %v", err)
		}
		if q := query(t, authURL); q.Get("prompt") != "consent" {
			t.Errorf("second link auth URL has prompt=%q, want consent", q.Get("prompt"))
		}
		res, err = e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Untick: []string{scopes.DriveReadonly}}))
		if err != nil {
			t.Fatalf("Finish: %v", err)
		}
		if diff := cmp.Diff([]string{scopes.DriveReadonly}, res.Missing); diff != "" {
			t.Errorf("recordings link Missing (-want +got):\n%s", diff)
		}
		if res.User.ID != user.ID {
			t.Errorf("recordings link user %s, want %s", res.User.ID, user.ID)
		}

		g, err := e.Grants.Get(ctx, user.ID)
		if err != nil {
			t.Fatalf("grants.Get: %v", err)
		}
		if diff := cmp.Diff([]string{scopes.Email, scopes.CalendarReadonly, scopes.OpenID, scopes.Profile}, g.Scopes); diff != "" {
			t.Errorf("recorded grant (-want +got):\n%s", diff)
		}
		tok, err := e.tokens.Load(ctx, user.ID)
		if err != nil {
			t.Fatalf("tokens.Load: %v", err)
		}
		if tok.RefreshToken == "" || !strings.Contains(tok.Extra("scope").(string), scopes.CalendarReadonly) {
			t.Errorf("stored token lost its refresh token or scope")
		}
		var got []audit.Entry
		for _, en := range entries(t, e) {
			if en.Event == audit.EventAuthorize {
				got = append(got, en)
			}
		}
		authorize := func(purpose, feature string, outcome audit.Outcome) audit.Entry {
			return audit.Entry{ActorID: user.ID, ActorEmail: ada, ClientID: clientID, Event: audit.EventAuthorize,
				Scope: strings.Join(g.Scopes, " "), Purpose: purpose, Resource: "feature=" + feature, Outcome: outcome}
		}
		wantEntries := []audit.Entry{
			authorize("meetings", "calendars", audit.OutcomePending), authorize("meetings", "calendars", audit.OutcomeOK),
			authorize("recordings", "recordings", audit.OutcomePending), authorize("recordings", "recordings", audit.OutcomeOK),
		}
		if diff := cmp.Diff(wantEntries, got); diff != "" {
			t.Errorf("authorize audit entries (-want +got):\n%s", diff)
		}
		for _, en := range got {
			if strings.Contains(en.Scope+en.Resource+en.ErrorReason, tok.AccessToken) {
				t.Errorf("an audit entry holds the access token")
			}
		}
	})
}

func TestBeginLinkErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqldbtest.SQLite(t), options{})
	user := e.signIn(t, ada)
	cases := []struct {
		name    string
		userID  string
		feature scopes.Feature
		wantErr error
	}{
		{"unknown feature", user.ID, "photos", googleauth.ErrUnknownFeature},
		{"unknown user", "nobody", scopes.FeatureInvite, identity.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := e.flow.BeginLink(context.Background(), tc.userID, tc.feature); !errors.Is(err, tc.wantErr) {
				t.Errorf("BeginLink error %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func query(t *testing.T, rawURL string) url.Values {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("parsing %q: %v", rawURL, err)
	}
	return u.Query()
}

// entries returns the audit trail as stored (pending entries and their
// outcomes apart), with only the fields a flow decides; the trail's own
// fields (sequence, ids, times, hashes) are cleared.
func entries(t *testing.T, e *env) []audit.Entry {
	t.Helper()
	page, err := e.Trail.Query(context.Background(), audit.Filter{Raw: true, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatalf("reading the audit trail: %v", err)
	}
	list := page.Entries
	for i := range list {
		en := &list[i]
		en.Seq, en.ID, en.Time, en.PrevHash, en.Hash, en.RefSeq, en.Replica = 0, "", time.Time{}, "", "", 0, ""
	}
	return list
}

// pendingRows counts the pending requests stored under key, or all of them
// when key is empty.
func pendingRows(t *testing.T, e *env, key string) int {
	t.Helper()
	var n int
	if err := e.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM oauth_requests WHERE ? = '' OR state_hash = ?", key, key).Scan(&n); err != nil {
		t.Fatalf("counting pending requests: %v", err)
	}
	return n
}
