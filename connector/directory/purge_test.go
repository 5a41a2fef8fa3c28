package directory_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestPurge removes one admin's copy and sync state, leaving another's,
// on both databases.
func TestPurge(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		h := newHarness(t, db, 15, 1)
		ann, ben := h.authorize(t, h.person(t, 0)), h.authorize(t, h.person(t, 1))
		s := h.syncer(t)
		for _, u := range []string{ann, ben} {
			if _, err := s.Sync(ctx, u); err != nil {
				t.Fatalf("Sync(%s): %v", u, err)
			}
		}
		if users, err := s.Users(ctx); err != nil || !cmp.Equal(users, []string{ann, ben}) {
			t.Errorf("Users = %q, %v; want both admins", users, err)
		}
		n, err := s.Purge(ctx, ann)
		if err != nil {
			t.Fatalf("Purge: %v", err)
		}
		if n != 15+1 {
			t.Errorf("Purge removed %d rows, want 16 (15 people and the sync state)", n)
		}
		if st, err := s.Status(ctx, ann); err != nil || st != (directory.Status{}) {
			t.Errorf("Status after Purge = %+v, %v; want the zero Status", st, err)
		}
		if users, err := s.Users(ctx); err != nil || !cmp.Equal(users, []string{ben}) {
			t.Errorf("Users after Purge = %q, %v; want only %s", users, err, ben)
		}
		if got := copyOf(t, s, ann); len(got) != 0 {
			t.Errorf("%d people left in the purged copy", len(got))
		}
		if got := copyOf(t, s, ben); len(got) != 15 {
			t.Errorf("the other admin's copy has %d people, want 15", len(got))
		}
		if n, err := s.Purge(ctx, ann); err != nil || n != 0 {
			t.Errorf("second Purge = %d, %v; want 0, nil", n, err)
		}
		// The purged admin's next sync starts over in full.
		stats, err := s.Sync(ctx, ann)
		if err != nil || !stats.Full || stats.People != 15 {
			t.Errorf("Sync after Purge = %+v, %v; want a full sync of 15 people", stats, err)
		}
	})
}
