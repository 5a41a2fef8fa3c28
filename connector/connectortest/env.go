package connectortest

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// Options configure an environment. Every field may be left zero.
type Options struct {
	// Google is a fake already started, that this environment shares with
	// others, as the replicas of one deployment share Google. When it is
	// nil, New starts one, as StartGoogle does, from Workspace, Generate,
	// FaultSeed, FakeNow and Client.
	Google *Google

	// Workspace is what the fake serves; when nil, a workspace is generated
	// from Generate, whose Domain defaults to example.test, People to 8 and
	// Now to the time the fake starts.
	Workspace *workspace.Workspace
	Generate  workspace.GenerateOptions
	// FaultSeed seeds the fake's random faults.
	FaultSeed uint64
	// FakeNow is the fake's clock; nil means time.Now.
	FakeNow func() time.Time
	// Client is the OAuth client registered at the fake; its empty fields
	// default to ClientID, ClientSecret and RedirectURL.
	Client googletest.Client
	// Strict starts the fake in strict mode, as a standards-conformant
	// OAuth server rather than Google (googletest.Options.Strict).
	Strict bool

	// DB defaults to a fresh SQLite database (sqldbtest.SQLite).
	DB *sqldb.DB
	// Clock is the clock of the grants and of the door; it defaults to one
	// that stands at the time New was called.
	Clock *clocktest.Clock
	// Tokens defaults to an in-memory store (*MemTokens); pass a
	// *tokens.Store to seal them in the database.
	Tokens googlehttp.TokenStore
	// Trail configures the audit trail; Replica defaults to "test".
	Trail audit.Options
	// Door changes the options of every door the environment builds.
	Door func(*googlehttp.Options)
}

// Env is a fake Google and ScopeTrail's side of it: a database, the audit
// trail, grants, tokens and the audited door to the fake.
type Env struct {
	*Google
	DB     *sqldb.DB
	Trail  *audit.Trail
	Grants *grant.Store
	Tokens googlehttp.TokenStore
	Clock  *clocktest.Clock
	// Door is the door the environment built, to the fake's APIs.
	Door *googlehttp.Door
	door func(*googlehttp.Options)
}

// New starts an environment as o says.
func New(t testing.TB, o Options) *Env {
	t.Helper()
	e := &Env{Google: o.Google, DB: o.DB, Tokens: o.Tokens, Clock: o.Clock, door: o.Door}
	if e.Google == nil {
		e.Google = StartGoogle(t, o)
	}
	if e.DB == nil {
		e.DB = sqldbtest.SQLite(t)
	}
	if e.Tokens == nil {
		e.Tokens = NewMemTokens()
	}
	if e.Clock == nil {
		e.Clock = clocktest.New(time.Now())
	}
	if o.Trail.Replica == "" {
		o.Trail.Replica = "test"
	}
	e.Trail = audit.New(e.DB, o.Trail)
	e.Grants = grant.NewStore(e.DB, e.Clock.Now)
	e.Door = e.NewDoor(t, nil)
	return e
}

// NewDoor returns another door to the fake: its options are the
// environment's, changed by Options.Door and then by change, when not nil.
// Unless they replace ActorEmail, the door names user "u-"+email by that
// email in audit entries.
func (e *Env) NewDoor(t testing.TB, change func(*googlehttp.Options)) *googlehttp.Door {
	t.Helper()
	o := googlehttp.Options{
		Bases:  Bases(e.URLs),
		OAuth2: e.OAuth2Config(), RevokeURL: e.URLs.RevokeURL, Grants: e.Grants, Tokens: e.Tokens, Trail: e.Trail, Now: e.Clock.Now,
		ActorEmail: func(_ context.Context, userID string) (string, error) { return strings.TrimPrefix(userID, "u-"), nil },
	}
	for _, f := range []func(*googlehttp.Options){e.door, change} {
		if f != nil {
			f(&o)
		}
	}
	d, err := googlehttp.New(o)
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	return d
}

// Authorize runs the OAuth flow at the fake for the person with the given
// email, granting scopeList, and keeps the grant and the token, as
// googleauth would. It returns the user id, "u-"+email.
func (e *Env) Authorize(t testing.TB, email string, scopeList ...string) string {
	t.Helper()
	userID := "u-" + email
	e.Keep(t, userID, e.Token(t, email, scopeList...))
	return userID
}

// Keep records the grant that a token Google issued carries, and stores the
// token, for userID.
func (e *Env) Keep(t testing.TB, userID string, tok *oauth2.Token) {
	t.Helper()
	ctx := context.Background()
	granted, _ := tok.Extra("scope").(string)
	if _, err := e.Grants.Record(ctx, userID, e.Client.ID, scopes.Parse(granted)); err != nil {
		t.Fatalf("recording the grant: %v", err)
	}
	if err := e.Tokens.Save(ctx, userID, tok); err != nil {
		t.Fatalf("saving the token: %v", err)
	}
}

// Entries returns the user's audit entries, raw, oldest first.
func (e *Env) Entries(t testing.TB, userID string) []audit.Entry {
	t.Helper()
	p, err := e.Trail.Query(context.Background(), audit.Filter{UserID: userID, Raw: true, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatalf("querying the audit trail: %v", err)
	}
	return p.Entries
}

// AllScopes returns the sign-in scopes openid and email, and the scopes of
// every feature: what a user who linked everything granted.
func AllScopes() []string {
	return []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly,
		scopes.CalendarEventsReadonly, scopes.DriveReadonly}
}

// Ctx returns a context that declares a purpose, as every call through the
// door must.
func Ctx(p scopes.Purpose) context.Context {
	return googlehttp.WithPurpose(context.Background(), p)
}

// Bases returns the fake's API base URLs, for the door.
func Bases(u googletest.URLs) googlehttp.Bases {
	return googlehttp.Bases{People: u.PeopleBase, Calendar: u.CalendarBase, Drive: u.DriveBase}
}
