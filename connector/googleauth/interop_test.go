package googleauth_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestInterop runs the whole flow (sign-in, a partial grant, a refresh, a
// second feature, revocation) with the real golang.org/x/oauth2 client over
// loopback HTTP, against the fake as Google and as a standards-conformant
// server (strict mode: client_secret_basic only, offline_access for refresh
// tokens, no include_granted_scopes, scope omitted when it is the one
// requested, authenticated revocation). The default client authentication,
// auto, works with both.
func TestInterop(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		name := "google"
		if strict {
			name = "strict"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, sqldbtest.SQLite(t), options{strict: strict})
			door := e.NewDoor(t, func(o *googlehttp.Options) { o.OAuth2 = e.flow.OAuth2Config() })
			user := e.signIn(t, ada)

			// A partial grant: calendar.events.readonly unticked.
			res := e.link(t, user.ID, scopes.FeatureCalendars, scopes.CalendarEventsReadonly)
			if diff := cmp.Diff([]string{scopes.CalendarEventsReadonly}, res.Missing); diff != "" || res.NoRefreshToken || len(res.Lost) > 0 {
				t.Errorf("calendars link: missing (-want +got):\n%s; no refresh token %v, lost %v", diff, res.NoRefreshToken, res.Lost)
			}

			// A refresh through the door, then an API call with the new token.
			tok, err := e.tokens.Load(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			tok.Expiry = e.Clock.Now().Add(-1)
			if err := e.tokens.Save(ctx, user.ID, tok); err != nil {
				t.Fatal(err)
			}
			mctx := connectortest.Ctx(scopes.PurposeMeetings)
			svc, err := calendar.NewService(mctx, option.WithEndpoint(e.URLs.CalendarBase), option.WithHTTPClient(door.Client(user.ID)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CalendarList.List().Fields("items(id)").Context(mctx).Do(); err != nil {
				t.Fatalf("calendarList.list after the access token expired: %v", err)
			}
			if n := count(e.Entries(t, user.ID), audit.EventRefresh, audit.OutcomeOK); n != 1 {
				t.Errorf("%d refresh entries with outcome ok, want 1", n)
			}

			// A second feature keeps the first.
			res = e.link(t, user.ID, scopes.FeatureRecordings)
			if len(res.Missing) > 0 || len(res.Lost) > 0 || res.NoRefreshToken {
				t.Errorf("recordings link: missing %v, lost %v, no refresh token %v", res.Missing, res.Lost, res.NoRefreshToken)
			}
			g, err := e.Grants.Get(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{scopes.Email, scopes.CalendarReadonly, scopes.DriveReadonly, scopes.OpenID, scopes.Profile}
			if strict {
				// Exactly what the last token carries: a link does not ask
				// for the sign-in scopes email and profile.
				want = []string{scopes.CalendarReadonly, scopes.DriveReadonly, scopes.OpenID}
			}
			if diff := cmp.Diff(want, g.Scopes); diff != "" {
				t.Errorf("grant after two features (-want +got):\n%s", diff)
			}
			if _, err := svc.CalendarList.List().Fields("items(id)").Context(mctx).Do(); err != nil {
				t.Errorf("calendarList.list after the second feature: %v", err)
			}

			// Revocation at the server.
			tok, err = e.tokens.Load(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := door.Revoke(ctx, user.ID); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			_, err = e.OAuth2Config().TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
				t.Errorf("the refresh token after Revoke: %v, want invalid_grant", err)
			}
		})
	}
}

// TestStrictNeedsOfflineAccess shows why links ask a server other than
// Google for offline_access: without it a strict server issues no refresh
// token, and the link result says so.
func TestStrictNeedsOfflineAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{strict: true})
	user := e.signIn(t, ada)
	authURL, state, err := e.flow.BeginLink(ctx, user.ID, scopes.FeatureInvite)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("scope", "openid "+scopes.DirectoryReadonly) // as before: no offline_access
	u.RawQuery = q.Encode()
	res, err := e.flow.Finish(ctx, state, consent(t, u.String(), browser.Answer{Account: ada}))
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if !res.NoRefreshToken {
		t.Error("a link without offline_access at a strict server reports a refresh token")
	}
}

// link runs a whole link of a feature as ada, unticking some scopes.
func (e *env) link(t *testing.T, userID string, f scopes.Feature, untick ...string) googleauth.Result {
	t.Helper()
	ctx := context.Background()
	authURL, state, err := e.flow.BeginLink(ctx, userID, f)
	if err != nil {
		t.Fatalf("BeginLink: %v", err)
	}
	res, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Untick: untick}))
	if err != nil {
		t.Fatalf("Finish %s link: %v", f, err)
	}
	return res
}

// count counts the entries of an event with an outcome.
func count(entries []audit.Entry, ev audit.Event, o audit.Outcome) int {
	n := 0
	for _, en := range entries {
		if en.Event == ev && en.Outcome == o {
			n++
		}
	}
	return n
}

// TestGoogleIncremental links two features at a server whose issuer is
// Google's: links ask only for the feature's scopes, with
// include_granted_scopes and without offline_access, and the grant keeps
// the scopes granted before even when a token lists only the new ones (the
// strict fake's token does, standing for a token of Google's that would).
func TestGoogleIncremental(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, strict := range []bool{false, true} {
		e := newEnv(t, sqldbtest.SQLite(t), options{asGoogle: true, strict: strict})
		user := e.signIn(t, ada)
		e.link(t, user.ID, scopes.FeatureCalendars)
		authURL, _, err := e.flow.BeginLink(ctx, user.ID, scopes.FeatureRecordings)
		if err != nil {
			t.Fatal(err)
		}
		if q := query(t, authURL); q.Get("scope") != "openid "+scopes.DriveReadonly || q.Get("include_granted_scopes") != "true" {
			t.Errorf("Google link asks for scope %q, include_granted_scopes %q", q.Get("scope"), q.Get("include_granted_scopes"))
		}
		res := e.link(t, user.ID, scopes.FeatureRecordings)
		if len(res.Lost) > 0 || !slices.Contains(res.Granted, scopes.CalendarReadonly) || !slices.Contains(res.Granted, scopes.DriveReadonly) {
			t.Errorf("strict %v: second Google link granted %v, lost %v; want the union", strict, res.Granted, res.Lost)
		}
	}
}

// TestStrictLostFeature links a second feature at a strict server and
// unticks the first feature's scope, asked again: the grant is what the
// token carries, and the result names the feature that lost access.
func TestStrictLostFeature(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{strict: true})
	user := e.signIn(t, ada)
	e.link(t, user.ID, scopes.FeatureInvite)
	res := e.link(t, user.ID, scopes.FeatureRecordings, scopes.DirectoryReadonly)
	if diff := cmp.Diff([]scopes.Feature{scopes.FeatureInvite}, res.Lost); diff != "" {
		t.Errorf("Lost (-want +got):\n%s", diff)
	}
	g, err := e.Grants.Get(ctx, user.ID)
	if err != nil || slices.Contains(g.Scopes, scopes.DirectoryReadonly) {
		t.Errorf("grant %v, %v: want it without directory.readonly", g.Scopes, err)
	}
}
