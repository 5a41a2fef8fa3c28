package revoke_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// featureScopes are what a test user grants.
var featureScopes = connectortest.AllScopes()

// admin is who revokes in the tests.
var admin = revoke.Actor{ID: "u-admin", Email: "admin@example.test"}

// countingPurger removes a fixed number of rows and remembers who it purged.
// It fails with err: always, or for its first fails calls when fails is
// positive.
type countingPurger struct {
	name   string
	mu     sync.Mutex
	rows   int64
	err    error
	fails  int
	purged []string
}

var _ revoke.Purger = (*countingPurger)(nil)

func (p *countingPurger) PurgeName() string { return p.name }

func (p *countingPurger) Purge(_ context.Context, userID string) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.purged = append(p.purged, userID)
	if p.err != nil && (p.fails == 0 || len(p.purged) <= p.fails) {
		return 0, p.err
	}
	return p.rows, nil
}

func (p *countingPurger) calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.purged...)
}

// replica is one ScopeTrail process: its stores, door and service, on a
// database it may share with other replicas, and a Google it shares with
// them. Its clock drives the grants, the door and the service.
type replica struct {
	*connectortest.Env
	users *identity.Store
	// tokens is the sealed store, the environment's Tokens.
	tokens *tokens.Store
	svc    *revoke.Service
	purger *countingPurger
	outage *failingRevoke
}

// keys seal the tokens of every replica of a test.
var keys = func() *tokens.Keyring {
	kr, err := tokens.ParseKeyring("k1:" + tokens.GenerateKey())
	if err != nil {
		panic(err)
	}
	return kr
}()

func newReplica(t testing.TB, db *sqldb.DB, g *connectortest.Google, name string) *replica {
	t.Helper()
	r := &replica{purger: &countingPurger{name: "calendars", rows: 3}, outage: &failingRevoke{}}
	r.users = identity.NewStore(db, nil)
	r.tokens = tokens.NewStore(db, keys, nil)
	r.Env = connectortest.New(t, connectortest.Options{Google: g, DB: db, Tokens: r.tokens, Trail: audit.Options{Replica: name},
		Door: func(o *googlehttp.Options) {
			o.Base = r.outage
			o.ActorEmail = func(ctx context.Context, id string) (string, error) {
				u, err := r.users.User(ctx, id)
				return u.Email, err
			}
		}})
	var err error
	r.svc, err = revoke.New(revoke.Options{DB: db, Grants: r.Grants, Tokens: r.tokens, Users: r.users, Trail: r.Trail,
		Google: r.Door, Purgers: []revoke.Purger{r.purger, &countingPurger{name: "directory", rows: 2}},
		ClientID: r.Client.ID, Now: r.Clock.Now, RetryBase: time.Minute, RetryMax: 10 * time.Minute, GiveUpAfter: time.Hour})
	if err != nil {
		t.Fatalf("revoke.New: %v", err)
	}
	return r
}

// backends runs fn on SQLite and on PostgreSQL; open returns a new handle on
// the test's one database each time, as another replica would open it.
func backends(t *testing.T, fn func(t *testing.T, open func() *sqldb.DB)) {
	t.Helper()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, func() *sqldb.DB { return sqldbtest.Migrated(t, url) })
	})
}

// soloReplica starts a Google and one replica, a, on a fresh SQLite
// database.
func soloReplica(t *testing.T) *replica {
	t.Helper()
	return newReplica(t, sqldbtest.SQLite(t), startGoogle(t), "a")
}

// twoReplicas starts a Google and two replicas, a and b, on the test's one
// database, and signs up the first person on a.
func twoReplicas(t *testing.T, open func() *sqldb.DB) (g *connectortest.Google, a, b *replica, u user) {
	t.Helper()
	g = startGoogle(t)
	a, b = newReplica(t, open(), g, "a"), newReplica(t, open(), g, "b")
	return g, a, b, a.signUp(t, 0)
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
	email := r.People[i]
	u, err := r.users.SignIn(ctx, "sub-"+email, email, "Person", "", nil)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	sess, err := r.users.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	tok := r.Token(t, email, featureScopes...)
	r.Keep(t, u.ID, tok)
	return user{User: u, token: tok, session: sess.ID}
}

// listCalendars syncs the user's calendar list with the real Calendar
// client through the replica's door.
func (r *replica) listCalendars(t testing.TB, userID string) error {
	t.Helper()
	ctx := connectortest.Ctx(scopes.PurposeMeetings)
	svc, err := calendar.NewService(ctx, option.WithEndpoint(r.URLs.CalendarBase), option.WithHTTPClient(r.Door.Client(userID)))
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
	for e, err := range r.Trail.Entries(context.Background(), audit.Filter{}) {
		if err != nil {
			t.Fatalf("Entries: %v", err)
		}
		if e.ActorID == userID || e.Resource == userID {
			out = append(out, e)
		}
	}
	return out
}
