package directory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// methodList is the method id of listDirectoryPeople.
const methodList = "people.people.listDirectoryPeople"

// inFlight is how long the fake holds the request a revocation races with.
const inFlight = time.Second

// TestRevokedWhileInFlight revokes an admin while a page of their sync is
// in flight, after the door let it out: the revocation marks the grant
// revoked and purges the copy, as revoke.Service does, and when the sync
// returns nothing is stored for the admin, on both databases.
func TestRevokedWhileInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// synced runs a full sync first, so that the raced sync is an
		// incremental one.
		synced bool
	}{{"full sync", false}, {"incremental sync", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				h := newHarness(t, db, 25, 1)
				email := h.person(t, 0)
				user := h.authorize(t, email)
				s := h.syncer(t, func(o *directory.Options) { o.PageSize = 10 })
				if tc.synced {
					if _, err := s.Sync(ctx, user); err != nil {
						t.Fatalf("first Sync: %v", err)
					}
				}
				h.fake.AddFault(googletest.Fault{Method: methodList, User: email, Kind: googletest.FaultLatency, Count: 1, Delay: inFlight})
				_, err := revokeDuring(t, db, methodList, func() (directory.Stats, error) { return s.Sync(ctx, user) }, func() {
					if err := h.grants.Revoke(ctx, user, "test"); err != nil {
						t.Errorf("Revoke: %v", err)
					}
					if _, err := s.Purge(ctx, user); err != nil {
						t.Errorf("Purge: %v", err)
					}
				})
				if !errors.Is(err, grant.ErrRevoked) {
					t.Errorf("Sync = %v, want an error wrapping grant.ErrRevoked", err)
				}
				for _, table := range []string{"directory_people", "directory_syncs"} {
					if n := count(t, db, "SELECT COUNT(*) FROM "+table+" WHERE owner_id = ?", user); n != 0 {
						t.Errorf("%d rows of %s left for the revoked admin", n, table)
					}
				}
				if st, err := s.Status(ctx, user); err != nil || st != (directory.Status{}) {
					t.Errorf("Status = %+v, %v; want the zero Status", st, err)
				}
			})
		})
	}
}

// revokeDuring runs sync, waits until the audited door has sent a request
// of method (its write-ahead audit entry exists; the fake holds the request
// for inFlight), runs revoke, and returns what sync returned.
func revokeDuring[T any](t *testing.T, db *sqldb.DB, method string, sync func() (T, error), revoke func()) (T, error) {
	t.Helper()
	q := "SELECT COUNT(*) FROM audit_entries WHERE method_name = ? AND outcome = 'pending'"
	before := count(t, db, q, method)
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := sync()
		done <- result{v, err}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for count(t, db, q, method) == before {
		select {
		case r := <-done:
			t.Fatalf("the sync returned before sending %s: %v", method, r.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s request was sent", method)
		}
		time.Sleep(5 * time.Millisecond)
	}
	revoke()
	r := <-done
	return r.v, r.err
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
