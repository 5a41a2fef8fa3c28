package googlehttp_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// replicas is one fake Google that rotates refresh tokens, and two
// replicas of ScopeTrail's side of it on one database: each has its own
// door, audit trail and token store. On PostgreSQL each replica has its own
// connection pool, as two processes would; on SQLite, which one process
// uses, they share the pool and the token store.
type replicas struct {
	google *connectortest.Google
	envs   [2]*connectortest.Env
	clock  *clocktest.Clock
	userID string
	email  string
	// tokenKeys is the keyring that seals the tokens, as TOKEN_KEYS.
	tokenKeys string
}

func newReplicas(t *testing.T, url string, separatePools bool) *replicas {
	t.Helper()
	g := connectortest.StartGoogle(t, connectortest.Options{Generate: workspace.GenerateOptions{Seed: 3, People: 4,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 1, MeetShare: 1, RecordingShare: 1}})
	g.Fake.SetRotateRefreshTokens(true)
	r := &replicas{google: g, clock: clocktest.New(time.Now()), email: g.People[0], tokenKeys: "k1:" + tokens.GenerateKey()}
	kr, err := tokens.ParseKeyring(r.tokenKeys)
	if err != nil {
		t.Fatal(err)
	}
	for i, replica := range []string{"a", "b"} {
		o := connectortest.Options{Google: g, Clock: r.clock, Trail: audit.Options{Replica: replica}}
		if i == 1 && !separatePools {
			o.DB, o.Tokens = r.envs[0].DB, r.envs[0].Tokens
		} else {
			o.DB = sqldbtest.Migrated(t, url)
			o.Tokens = tokens.NewStore(o.DB, kr, r.clock.Now)
		}
		r.envs[i] = connectortest.New(t, o)
	}
	u, err := identity.NewStore(r.envs[0].DB, r.clock.Now).SignIn(context.Background(), "sub-"+r.email, r.email, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.userID = u.ID
	r.envs[0].Keep(t, r.userID, g.Token(t, r.email, allScopes...))
	return r
}

// expire makes the stored access token expired on the replicas' clock.
func (r *replicas) expire(t *testing.T) {
	t.Helper()
	r.expireAt(t, r.clock.Now())
}

// expireAt makes the stored access token expired at now.
func (r *replicas) expireAt(t *testing.T, now time.Time) {
	t.Helper()
	store := r.envs[0].Tokens
	tok, err := store.Load(context.Background(), r.userID)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = now.Add(-time.Minute)
	if err := store.Save(context.Background(), r.userID, tok); err != nil {
		t.Fatal(err)
	}
}

// refreshes returns how many refresh requests for the user reached the
// fake.
func (r *replicas) refreshes() int {
	n := 0
	for _, rec := range r.google.Fake.Requests() {
		if rec.MethodID == "oauth.token" && rec.User == r.email {
			n++
		}
	}
	return n
}

// TestRefreshIsSingleFlightAcrossReplicas: two replicas that find the same
// user's token expired at the same moment, many times over, refresh it
// once per expiry between them, against a server that rotates refresh
// tokens and takes a reused one for theft. No refresh token is reused, and
// the user is not revoked.
func TestRefreshIsSingleFlightAcrossReplicas(t *testing.T) {
	t.Parallel()
	const rounds, callers = 5, 3
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		r := newReplicas(t, url, strings.HasPrefix(url, "postgres"))
		exchanges := r.refreshes() // the code exchange of the sign-in
		var svcs []services
		for _, e := range r.envs {
			svcs = append(svcs, newServices(t, e.URLs, e.Door, r.userID))
		}
		for round := range rounds {
			r.expire(t)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for _, s := range svcs {
				for range callers {
					wg.Go(func() {
						<-start
						if _, err := s.drive.Files.List().Context(recordings).Do(); err != nil {
							t.Errorf("round %d: files.list: %v (%s)", round, err, googlehttp.Classify(err).Code)
						}
					})
				}
			}
			close(start)
			wg.Wait()
			if t.Failed() {
				break
			}
			if got := r.refreshes() - exchanges; got != round+1 {
				t.Fatalf("after %d expiries %d refreshes reached the fake, want one per expiry", round+1, got)
			}
		}
		if n := r.google.Fake.RefreshTokenReuses(); n != 0 {
			t.Errorf("the fake saw %d reused refresh tokens", n)
		}
		g, err := r.envs[1].Grants.Get(context.Background(), r.userID)
		if err != nil || g.Status != grant.StatusActive {
			t.Errorf("after concurrent refreshes the grant is %q (%v), want active", g.Status, err)
		}
	})
}
