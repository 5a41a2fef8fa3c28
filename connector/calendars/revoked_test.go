package calendars_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// inFlight is how long the fake holds the request a revocation races with.
const inFlight = time.Second

// TestRevokedWhileInFlight revokes a member while a request of theirs is
// in flight, after the door let it out: the revocation marks the grant
// revoked and purges the calendars, as revoke.Service does, and when the
// sync, or the linking, returns nothing is stored for the member, on both
// databases.
func TestRevokedWhileInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method string
		// run links and syncs as the test needs, then does what races with
		// the revocation.
		prepare func(t *testing.T, h *harness, user string)
		run     func(h *harness, user string) error
	}{
		{
			name: "sync", method: "calendar.events.list",
			prepare: func(t *testing.T, h *harness, user string) { h.linkAll(t, user); h.sync(t, user) },
			run: func(h *harness, user string) error {
				_, err := h.syncer.Sync(context.Background(), user)
				return err
			},
		},
		{
			name: "linking", method: "calendar.calendarList.list",
			prepare: func(*testing.T, *harness, string) {},
			run: func(h *harness, user string) error {
				return h.syncer.Link(context.Background(), user, []string{calendars.PrimaryID})
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				h := newHarnessOn(t, db, acme(t), acmeNow, 1)
				user := h.authorize(t, ada, calendarScopes...)
				tc.prepare(t, h, user)
				h.fake.AddFault(googletest.Fault{Method: tc.method, User: ada, Kind: googletest.FaultLatency, Count: 1, Delay: inFlight})
				err := revokeDuring(t, db, tc.method, func() error { return tc.run(h, user) }, func() {
					if err := h.grants.Revoke(ctx, user, "test"); err != nil {
						t.Errorf("Revoke: %v", err)
					}
					if _, err := h.store.Purge(ctx, user); err != nil {
						t.Errorf("Purge: %v", err)
					}
				})
				if !errors.Is(err, grant.ErrRevoked) {
					t.Errorf("%s = %v, want an error wrapping grant.ErrRevoked", tc.name, err)
				}
				for _, table := range []string{"meetings", "calendar_links"} {
					if n := count(t, db, "SELECT COUNT(*) FROM "+table+" WHERE user_id = ?", user); n != 0 {
						t.Errorf("%d rows of %s left for the revoked member", n, table)
					}
				}
			})
		})
	}
}

// newHarnessOn is newHarness on the database db.
func newHarnessOn(t *testing.T, db *sqldb.DB, ws *workspace.Workspace, now time.Time, seed uint64) *harness {
	t.Helper()
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws, Seed: seed})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	h := &harness{ws: ws, fake: fake, urls: googletest.Endpoints(base), db: db, tokens: &memTokens{toks: map[string]oauth2.Token{}}}
	h.trail = audit.New(db, audit.Options{Replica: "test", CheckpointEvery: -1})
	h.grants = grant.NewStore(db, nil)
	h.door, err = googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": h.urls.PeopleBase, "calendar": h.urls.CalendarBase, "drive": h.urls.DriveBase},
		OAuth2: h.config(), RevokeURL: h.urls.RevokeURL, Grants: h.grants, Tokens: h.tokens, Trail: h.trail,
		ActorEmail: func(_ context.Context, userID string) (string, error) { return strings.TrimPrefix(userID, "u-"), nil },
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	clock := func() time.Time { return now }
	h.store = calendars.NewStore(db, clock)
	h.syncer, err = calendars.NewSyncer(calendars.Options{Store: h.store, Clients: h.door, Grants: h.grants,
		Endpoint: h.urls.CalendarBase, Retry: fastRetry, Now: clock})
	if err != nil {
		t.Fatalf("calendars.NewSyncer: %v", err)
	}
	return h
}

// revokeDuring runs run, waits until the audited door has sent a request of
// method (its write-ahead audit entry exists; the fake holds the request
// for inFlight), runs revoke, and returns what run returned.
func revokeDuring(t *testing.T, db *sqldb.DB, method string, run func() error, revoke func()) error {
	t.Helper()
	q := "SELECT COUNT(*) FROM audit_entries WHERE method_name = ? AND outcome = 'pending'"
	before := count(t, db, q, method)
	done := make(chan error, 1)
	go func() { done <- run() }()
	deadline := time.Now().Add(10 * time.Second)
	for count(t, db, q, method) == before {
		select {
		case err := <-done:
			t.Fatalf("returned before sending %s: %v", method, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s request was sent", method)
		}
		time.Sleep(5 * time.Millisecond)
	}
	revoke()
	return <-done
}

// count runs a COUNT query.
func count(t *testing.T, db *sqldb.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
