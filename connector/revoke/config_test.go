package revoke_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestRevokeStrictServer revokes at a standards-conformant server (the fake
// in strict mode): with the client authenticated as HTTP Basic Google's
// revocation is confirmed; with the credentials in the form body, which it
// refuses, the revocation is left pending as a configuration error, not
// retried with the backoff of a passing outage.
func TestRevokeStrictServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		style oauth2.AuthStyle
		want  revoke.GoogleResult
	}{
		{"basic", oauth2.AuthStyleInHeader, revoke.GoogleRevoked},
		{"post", oauth2.AuthStyleInParams, revoke.GooglePending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := connectortest.StartGoogle(t, connectortest.Options{Strict: true,
				Generate: workspace.GenerateOptions{Seed: 11, People: 2, CalendarsPerPerson: 1, MeetingsPerCalendar: 1}})
			r := newReplica(t, sqldbtest.SQLite(t), g, "a")
			door := r.NewDoor(t, func(o *googlehttp.Options) { o.OAuth2.Endpoint.AuthStyle = tc.style })
			svc, err := revoke.New(revoke.Options{DB: r.DB, Grants: r.Grants, Tokens: r.tokens, Users: r.users, Trail: r.Trail,
				Google: door, ClientID: r.Client.ID, Now: r.Clock.Now, RetryBase: time.Minute, RetryMax: 10 * time.Minute, GiveUpAfter: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			u := r.signUp(t, 0)
			rep, err := svc.Revoke(context.Background(), u.ID, admin, "")
			if err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			if rep.Google != tc.want {
				t.Fatalf("Google result %q (%s), want %q", rep.Google, rep.GoogleError, tc.want)
			}
			if got := honours(t, g, u.token); got != (tc.want == revoke.GooglePending) {
				t.Errorf("the server honours the token after the revocation: %v", got)
			}
			pending, err := svc.Pending(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == revoke.GoogleRevoked {
				if len(pending) != 0 {
					t.Errorf("pending after a confirmed revocation: %+v", pending)
				}
				return
			}
			if len(pending) != 1 || !pending[0].ConfigError || !strings.HasPrefix(pending[0].LastError, "config.invalid_client") {
				t.Fatalf("pending %+v, want one with a config.invalid_client error", pending)
			}
			if want := r.Clock.Now().Add(10 * time.Minute).Truncate(time.Microsecond); !pending[0].NextAt.Equal(want) {
				t.Errorf("next attempt at %s, want %s (RetryMax, not the backoff)", pending[0].NextAt, want)
			}
		})
	}
}
