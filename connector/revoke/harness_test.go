package revoke_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

const (
	clientID     = "1234-revoke.apps.googleusercontent.com"
	clientSecret = "revoke-secret"
	redirectURI  = "http://127.0.0.1:9/callback"
)

// featureScopes are what a test user grants.
var featureScopes = []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly,
	scopes.CalendarEventsReadonly, scopes.DriveReadonly}

// admin is who revokes in the tests.
var admin = revoke.Actor{ID: "u-admin", Email: "admin@example.test"}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingPurger removes a fixed number of rows and remembers who it purged.
type countingPurger struct {
	mu     sync.Mutex
	rows   int64
	err    error
	purged []string
}

var _ revoke.Purger = (*countingPurger)(nil)

func (p *countingPurger) Purge(_ context.Context, userID string) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.purged = append(p.purged, userID)
	return p.rows, p.err
}

func (p *countingPurger) calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.purged...)
}

// replica is one ScopeTrail process: its stores, door and service, on a
// database it may share with other replicas.
type replica struct {
	db       *sqldb.DB
	users    *identity.Store
	tokens   *tokens.Store
	grants   *grant.Store
	trail    *audit.Trail
	door     *googlehttp.Door
	svc      *revoke.Service
	google   *google
	purger   *countingPurger
	outage   *failingRevoke
	clock    *clock
	revokeMu sync.Mutex
	revoked  []string // what OnRevoked reported
}

// keys seal the tokens of every replica of a test.
var keys = func() *tokens.Keyring {
	kr, err := tokens.ParseKeyring("k1:" + tokens.GenerateKey())
	if err != nil {
		panic(err)
	}
	return kr
}()

func newReplica(t testing.TB, db *sqldb.DB, g *google, name string) *replica {
	t.Helper()
	r := &replica{db: db, google: g, purger: &countingPurger{rows: 3}, outage: &failingRevoke{}, clock: &clock{t: time.Now()}}
	r.users = identity.NewStore(db, nil)
	r.tokens = tokens.NewStore(db, keys, nil)
	r.grants = grant.NewStore(db, nil)
	r.trail = audit.New(db, audit.Options{Replica: name})
	door, err := googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": g.urls.PeopleBase, "calendar": g.urls.CalendarBase, "drive": g.urls.DriveBase},
		OAuth2: g.config(), RevokeURL: g.urls.RevokeURL, Grants: r.grants, Tokens: r.tokens, Trail: r.trail, Base: r.outage,
		ActorEmail: func(ctx context.Context, id string) (string, error) {
			u, err := r.users.User(ctx, id)
			return u.Email, err
		},
		OnRevoked: func(ctx context.Context, userID, reason string) {
			r.revokeMu.Lock()
			r.revoked = append(r.revoked, userID)
			r.revokeMu.Unlock()
			if err := r.svc.HandleGoogleRevoked(ctx, userID, reason); err != nil {
				t.Errorf("HandleGoogleRevoked: %v", err)
			}
		},
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	r.door = door
	r.svc, err = revoke.New(revoke.Options{DB: db, Grants: r.grants, Tokens: r.tokens, Users: r.users, Trail: r.trail,
		Google: door, Purgers: map[string]revoke.Purger{"calendars": r.purger, "directory": &countingPurger{rows: 2}},
		ClientID: clientID, Now: r.clock.Now, RetryBase: time.Minute, RetryMax: 10 * time.Minute, GiveUpAfter: time.Hour})
	if err != nil {
		t.Fatalf("revoke.New: %v", err)
	}
	return r
}

// backends runs fn on SQLite and on PostgreSQL; open returns a new handle on
// the test's one database each time, as another replica would open it.
func backends(t *testing.T, fn func(t *testing.T, open func() *sqldb.DB)) {
	t.Helper()
	for _, b := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return t.TempDir() + "/test.db" }},
		{"postgres", func(t *testing.T) string { return sqldbtest.PostgresURL(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			u := b.url(t)
			fn(t, func() *sqldb.DB {
				db, err := sqldb.Open(context.Background(), u)
				if err != nil {
					t.Fatalf("sqldb.Open: %v", err)
				}
				t.Cleanup(func() { db.Close() })
				if err := db.Migrate(context.Background()); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				return db
			})
		})
	}
}

// user is a signed-in user who linked every feature.
type user struct {
	identity.User
	// token is what Google issued, kept to ask Google about it later.
	token *oauth2.Token
	// session is the id of the user's live browser session.
	session string
}

// signUp signs the i-th person in, with a live session, and runs Google's
// consent for every feature scope: the grant and the sealed token are
// stored, as googleauth would store them.
func (r *replica) signUp(t testing.TB, i int) user {
	t.Helper()
	ctx := context.Background()
	email := r.google.people[i]
	u, err := r.users.SignIn(ctx, "sub-"+email, email, "Person", "", nil)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	sess, err := r.users.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	tok := r.consent(t, email)
	if _, err := r.grants.Record(ctx, u.ID, clientID, scopes.Parse(tok.Extra("scope").(string))); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := r.tokens.Save(ctx, u.ID, tok); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return user{User: u, token: tok, session: sess.ID}
}

// listCalendars syncs the user's calendar list with the real Calendar
// client through the replica's door.
func (r *replica) listCalendars(t testing.TB, userID string) error {
	t.Helper()
	ctx := googlehttp.WithPurpose(context.Background(), scopes.PurposeMeetings)
	svc, err := calendar.NewService(ctx, option.WithEndpoint(r.google.urls.CalendarBase), option.WithHTTPClient(r.door.Client(userID)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.CalendarList.List().Fields("items(id)").Context(ctx).Do()
	return err
}

// entries returns the audit entries about a user: those they are the actor
// of, and those whose resource is their id.
func (r *replica) entries(t testing.TB, userID string) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for e, err := range r.trail.Entries(context.Background(), audit.Filter{}) {
		if err != nil {
			t.Fatalf("Entries: %v", err)
		}
		if e.ActorID == userID || e.Resource == userID {
			out = append(out, e)
		}
	}
	return out
}
