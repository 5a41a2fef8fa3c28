package directory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// methodList is the method id of listDirectoryPeople.
const methodList = "people.people.listDirectoryPeople"

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
				err := h.WhileInFlight(t, email, methodList, 1, func() error { _, err := s.Sync(ctx, user); return err }, func() {
					if err := h.Grants.Revoke(ctx, user, "test"); err != nil {
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
					if n := h.Count(t, "SELECT COUNT(*) FROM "+table+" WHERE owner_id = ?", user); n != 0 {
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
