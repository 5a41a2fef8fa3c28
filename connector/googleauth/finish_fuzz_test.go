package googleauth_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// fuzzFlow is a Flow wired to the fake Google, for a whole fuzz run.
func fuzzFlow(tb testing.TB) (*googleauth.Flow, *connectortest.Env) {
	tb.Helper()
	db := sqldbtest.SQLite(tb)
	clk := clocktest.New(time.Now().UTC().Truncate(time.Second))
	ws := workspace.New(domain, "C0123")
	ws.PutPerson(workspace.Person{ID: "1001", Email: ada, GivenName: "Ada", FamilyName: "L", DisplayName: ada})
	keys, err := tokens.ParseKeyring("k1:" + tokens.GenerateKey())
	if err != nil {
		tb.Fatal(err)
	}
	users, toks := identity.NewStore(db, clk.Now), tokens.NewStore(db, keys, clk.Now)
	e := connectortest.New(tb, connectortest.Options{
		Workspace: ws, Client: googletest.Client{ID: clientID, Secret: "secret", RedirectURIs: []string{redirectURL}, Name: "ScopeTrail"},
		DB: db, Clock: clk, Tokens: toks, Trail: audit.Options{Now: clk.Now, CheckpointEvery: -1},
	})
	u := e.URLs
	flow, err := googleauth.New(context.Background(), googleauth.Config{
		ClientID: clientID, ClientSecret: "secret", RedirectURL: redirectURL,
		Endpoints: googleauth.Endpoints{AuthURL: u.AuthURL, TokenURL: u.TokenURL, RevokeURL: u.RevokeURL, UserinfoURL: u.UserinfoURL, Issuer: u.Issuer, JWKSURL: u.JWKSURL},
	}, googleauth.Deps{DB: db, Users: users, Tokens: toks, Grants: e.Grants, Audit: e.Trail, Now: clk.Now})
	if err != nil {
		tb.Fatal(err)
	}
	return flow, e
}

// FuzzFinishQuery sends any redirect query to Finish, after a real
// sign-in began, with the query's own state or the real one. Finish never
// succeeds on a query Google did not write; a state other than the
// session's is ErrStateMismatch and leaves the real pending request in
// place, for the real redirect to use; and no error repeats the code.
func FuzzFinishQuery(f *testing.F) {
	for _, q := range []string{
		"code=4/0AbCdEf&scope=openid+email",
		"error=access_denied",
		"error=server_error&error_description=%3Cscript%3Ealert(1)%3C/script%3E",
		"error=temporarily_unavailable", "error=invalid_scope", "error=interaction_required&error_uri=https://x",
		"code=", "code=a&code=b", "state=a&state=b&code=c",
		"code=" + strings.Repeat("x", 5000),
		"code=%00%ff", "error=&code=abc", "%zz=1&code=abc",
		"",
	} {
		f.Add(q, true)
		f.Add(q, false)
	}
	flow, e := fuzzFlow(f)
	ctx := context.Background()
	pendingCount := func(t *testing.T) int {
		var n int
		if err := e.DB.QueryRow(ctx, "SELECT COUNT(*) FROM oauth_requests").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, raw string, realState bool) {
		defer func() {
			if _, err := e.DB.Exec(ctx, "DELETE FROM oauth_requests"); err != nil {
				t.Fatal(err)
			}
		}()
		_, state, err := flow.BeginSignIn(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		q, _ := url.ParseQuery(raw) // what a server reads of a malformed query
		if q == nil {
			q = url.Values{}
		}
		if realState {
			q.Set("state", state)
		}
		_, err = flow.Finish(ctx, state, q)
		if err == nil {
			t.Fatalf("Finish accepted %q", q.Encode())
		}
		if q.Get("state") != state {
			if !errors.Is(err, googleauth.ErrStateMismatch) && !errors.Is(err, googleauth.ErrBadCallback) {
				t.Fatalf("Finish(%q) with another state = %v, want ErrStateMismatch or ErrBadCallback", q.Encode(), err)
			}
			if n := pendingCount(t); n != 1 {
				t.Fatalf("a forged state left %d pending requests, want the real one", n)
			}
		}
		if code := q.Get("code"); len(code) >= 6 && strings.Contains(err.Error(), code) {
			t.Fatalf("Finish's error repeats the code: %v", err)
		}
	})
}
