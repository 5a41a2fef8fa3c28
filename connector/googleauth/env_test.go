package googleauth_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

const (
	domain      = "example.com"
	clientID    = "123-scopetrail.apps.googleusercontent.com"
	redirectURL = "http://127.0.0.1:1/auth/callback"
	ada         = "ada@example.com"
	bob         = "bob@example.com"
)

// env is a Flow wired to the fake Google over loopback HTTP, with the users
// and the sealed tokens it keeps.
type env struct {
	*connectortest.Env
	flow   *googleauth.Flow
	users  *identity.Store
	tokens *tokens.Store
	// invites are the invitations sign-in accepts.
	invites *invite.Service
}

// options change the environment of one test.
type options struct {
	allowedDomains []string
	// signupDomains are open for sign-up; nil opens example.com, the test
	// accounts' domain, and an empty list none.
	signupDomains []string
	// fakeLag is how far the fake's clock is behind the app's.
	fakeLag time.Duration
	// discover leaves JWKSURL empty, so that New discovers it.
	discover bool
	// issuer, when set, replaces the fake's issuer in the configuration.
	issuer string
	// adminEmails are always admitted.
	adminEmails []string
	// tokenAuth is Config.TokenAuth.
	tokenAuth string
	// strict runs the fake in strict mode, as a standards-conformant OAuth
	// server rather than Google.
	strict bool
	// asGoogle makes the fake issue ID tokens as https://accounts.google.com
	// and the flow expect them, so that the flow treats it as Google.
	asGoogle bool
}

func newEnv(t *testing.T, db *sqldb.DB, o options) *env {
	t.Helper()
	ctx := context.Background()
	clk := clocktest.New(time.Now().UTC().Truncate(time.Second))
	ws := workspace.New(domain, "C0123")
	for i, email := range []string{ada, bob} {
		ws.PutPerson(workspace.Person{ID: []string{"1001", "1002"}[i], Email: email, GivenName: "Given", FamilyName: "Family", DisplayName: email})
	}
	keys, err := tokens.ParseKeyring("k1:" + tokens.GenerateKey())
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	e := &env{users: identity.NewStore(db, clk.Now), tokens: tokens.NewStore(db, keys, clk.Now)}
	e.Env = connectortest.New(t, connectortest.Options{
		Workspace: ws, FakeNow: func() time.Time { return clk.Now().Add(-o.fakeLag) },
		Client: googletest.Client{ID: clientID, Secret: "secret", RedirectURIs: []string{redirectURL}, Name: "ScopeTrail"},
		DB:     db, Clock: clk, Tokens: e.tokens, Trail: audit.Options{Now: clk.Now, CheckpointEvery: -1}, Strict: o.strict,
	})
	u := e.URLs
	ep := googleauth.Endpoints{AuthURL: u.AuthURL, TokenURL: u.TokenURL, RevokeURL: u.RevokeURL, UserinfoURL: u.UserinfoURL, Issuer: u.Issuer, JWKSURL: u.JWKSURL}
	if o.discover {
		ep = googleauth.Endpoints{Issuer: u.Issuer}
	}
	if o.issuer != "" {
		ep.Issuer = o.issuer
	}
	if o.signupDomains == nil {
		o.signupDomains = []string{"example.com"}
	}
	if e.invites, err = invite.New(invite.Options{DB: db, Audit: e.Trail, BaseURL: "https://app.example.test", Now: clk.Now}); err != nil {
		t.Fatalf("invite.New: %v", err)
	}
	if o.asGoogle {
		e.Fake.SetBaseURL(googleauth.GoogleEndpoints().Issuer)
		ep.Issuer = googleauth.GoogleEndpoints().Issuer
	}
	e.flow, err = googleauth.New(ctx, googleauth.Config{
		ClientID: clientID, ClientSecret: "secret", RedirectURL: redirectURL, Endpoints: ep,
		AllowedDomains: o.allowedDomains, SignupDomains: o.signupDomains, AdminEmails: o.adminEmails, TokenAuth: o.tokenAuth,
	}, googleauth.Deps{DB: db, Users: e.users, Tokens: e.tokens, Grants: e.Grants, Audit: e.Trail, Invitations: e.invites, Now: clk.Now})
	if err != nil {
		t.Fatalf("googleauth.New: %v", err)
	}
	return e
}

// consent opens authURL like a browser, answers the consent page, and
// returns the query of the redirect back to the app, without following it.
func consent(t *testing.T, authURL string, a browser.Answer) url.Values {
	t.Helper()
	return browser.Consent(t, authURL, a).Query()
}

// signIn runs a whole sign-in as the given account.
func (e *env) signIn(t *testing.T, email string) identity.User {
	t.Helper()
	ctx := context.Background()
	authURL, state, err := e.flow.BeginSignIn(ctx, "")
	if err != nil {
		t.Fatalf("BeginSignIn: %v", err)
	}
	res, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: email}))
	if err != nil {
		t.Fatalf("Finish sign-in: %v", err)
	}
	return res.User
}
