// Package connectortest is the test environment for the connector packages:
// a fake Google serving a workspace, a migrated database, the audit trail,
// grants, tokens and the audited door.
//
// It imports testing, so it must only be imported from _test.go files; a test
// of this package checks that no other file does. A test starts a whole
// environment with New, or only the fake with StartGoogle, and signs people
// in with Authorize: that opens the fake's consent page as a browser would,
// allows what was asked, exchanges the code and keeps the grant and the token.
// A person's user id is "u-" followed by their email.
package connectortest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// The OAuth client that StartGoogle registers unless told otherwise.
const (
	ClientID     = "1234-test.apps.googleusercontent.com"
	ClientSecret = "test-secret"
	RedirectURL  = "http://127.0.0.1:9/callback"
)

// Google is a started fake Google and what a test needs to reach it.
type Google struct {
	Fake *googletest.Server
	// Base is the fake's base URL and URLs its endpoints.
	Base string
	URLs googletest.URLs
	// Workspace is what the fake serves.
	Workspace *workspace.Workspace
	// People are the emails of the workspace's live people when it started.
	People []string
	// Client is the registered OAuth client.
	Client googletest.Client
	// Strict is true when the fake runs in strict mode.
	Strict bool
}

// StartGoogle starts a fake Google serving o.Workspace, or a workspace
// generated from o.Generate, on its clock o.FakeNow with faults seeded by
// o.FaultSeed, in strict mode when o.Strict, and registers o.Client. It
// reads no other field of o. The fake
// is closed when the test ends.
func StartGoogle(t testing.TB, o Options) *Google {
	t.Helper()
	ws := o.Workspace
	if ws == nil {
		g := o.Generate
		if g.Domain == "" {
			g.Domain = "example.test"
		}
		if g.People == 0 {
			g.People = 8
		}
		if g.Now.IsZero() {
			g.Now = time.Now()
		}
		var err error
		if ws, err = workspace.Generate(g); err != nil {
			t.Fatalf("workspace.Generate: %v", err)
		}
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws, Now: o.FakeNow, Seed: o.FaultSeed, Strict: o.Strict})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	c := o.Client
	if c.ID == "" {
		c.ID = ClientID
	}
	if c.Secret == "" {
		c.Secret = ClientSecret
	}
	if len(c.RedirectURIs) == 0 {
		c.RedirectURIs = []string{RedirectURL}
	}
	fake.RegisterClient(c)
	g := &Google{Fake: fake, Base: base, URLs: googletest.Endpoints(base), Workspace: ws, Client: c, Strict: o.Strict}
	for _, p := range ws.People() {
		if !p.Deleted {
			g.People = append(g.People, p.Email)
		}
	}
	return g
}

// OAuth2Config returns the registered client's configuration at the fake,
// asking for scopeList. It sends the client credentials in the form body,
// as Google expects, or as HTTP Basic to a strict fake.
func (g *Google) OAuth2Config(scopeList ...string) *oauth2.Config {
	style := oauth2.AuthStyleInParams
	if g.Strict {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{ClientID: g.Client.ID, ClientSecret: g.Client.Secret, RedirectURL: g.Client.RedirectURIs[0],
		Scopes: scopeList, Endpoint: oauth2.Endpoint{AuthURL: g.URLs.AuthURL, TokenURL: g.URLs.TokenURL, AuthStyle: style}}
}

// Token runs the OAuth flow at the fake for the person with the given email,
// asking for offline access to scopeList and allowing all of it, and returns
// the token Google issued.
func (g *Google) Token(t testing.TB, email string, scopeList ...string) *oauth2.Token {
	t.Helper()
	if g.Strict {
		scopeList = append(slices.Clip(scopeList), "offline_access")
	}
	cfg := g.OAuth2Config(scopeList...)
	loc := browser.Consent(t, cfg.AuthCodeURL("state", oauth2.AccessTypeOffline), browser.Answer{Account: email})
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("consent redirected to %s, without a code", loc)
	}
	tok, err := cfg.Exchange(context.Background(), code)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

// APIRequests returns the API requests (not the OAuth ones) the fake served
// for a user id, or for anyone when userID is "".
func (g *Google) APIRequests(userID string) []googletest.RequestRecord {
	var out []googletest.RequestRecord
	for _, r := range g.Fake.Requests() {
		if (userID == "" || r.User == strings.TrimPrefix(userID, "u-")) && !strings.HasPrefix(r.MethodID, "oauth.") {
			out = append(out, r)
		}
	}
	return out
}
