package calendars_test

import (
	"context"
	"errors"
	"testing"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

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
				user := h.Authorize(t, ada, calendarScopes...)
				tc.prepare(t, h, user)
				err := h.WhileInFlight(t, ada, tc.method, 1, func() error { return tc.run(h, user) }, func() {
					if err := h.Grants.Revoke(ctx, user, "test"); err != nil {
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
					if n := h.Count(t, "SELECT COUNT(*) FROM "+table+" WHERE user_id = ?", user); n != 0 {
						t.Errorf("%d rows of %s left for the revoked member", n, table)
					}
				}
			})
		})
	}
}
