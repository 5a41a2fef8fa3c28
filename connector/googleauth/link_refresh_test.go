package googleauth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestLinkedScopesSurviveRefresh links two features one after the other
// and then refreshes the stored token, as the door does once the access
// token expires: the refreshed token still carries the scopes of both
// links. A refresh token issued by the first link covers only that link's
// scopes, so the second link must come back with a refresh token of its
// own.
func TestLinkedScopesSurviveRefresh(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, db, options{})
		user := e.signIn(t, ada)
		for _, f := range []scopes.Feature{scopes.FeatureCalendars, scopes.FeatureRecordings} {
			authURL, state, err := e.flow.BeginLink(ctx, user.ID, f)
			if err != nil {
				t.Fatalf("BeginLink(%s): %v", f, err)
			}
			if _, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada})); err != nil {
				t.Fatalf("Finish(%s): %v", f, err)
			}
		}
		tok, err := e.tokens.Load(ctx, user.ID)
		if err != nil {
			t.Fatalf("tokens.Load: %v", err)
		}
		tok.Expiry = time.Now().Add(-time.Minute)
		refreshed, err := e.OAuth2Config().TokenSource(ctx, tok).Token()
		if err != nil {
			t.Fatalf("refreshing the stored token: %v", err)
		}
		got, _ := refreshed.Extra("scope").(string)
		for _, want := range []string{scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly} {
			if !strings.Contains(got, want) {
				t.Errorf("the refreshed token's scope %q lacks %s, granted by a link", got, want)
			}
		}
	})
}
