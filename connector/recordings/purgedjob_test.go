package recordings_test

import (
	"context"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestJobsOfAPurgedMemberEndCancelled: a download and a transcription
// queued for a member who is then revoked, their data purged, end
// cancelled when a replica takes them up, rather than being retried until
// their attempts run out.
func TestJobsOfAPurgedMemberEndCancelled(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		e := &jobsEnv{h: newHarness(t, options{db: sqldbtest.Migrated(t, url)}), url: url, spool: t.TempDir()}
		r, s := e.open(t, nil)
		ctx := context.Background()
		if _, err := s.Discover(ctx, e.h.userID); err != nil {
			t.Fatal(err)
		}
		list, err := s.List(ctx, e.h.userID)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range list {
			if _, err := s.Retry(ctx, e.h.userID, rec.FileID); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.h.Grants.Revoke(ctx, e.h.userID, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Purge(ctx, e.h.userID); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		mine := 0
		for _, j := range waitIdle(t, r) {
			if j.UserID != e.h.userID {
				continue // the periodic deletion of expired audio, for no one
			}
			mine++
			if j.State != "cancelled" {
				t.Errorf("job %d (%s) of the purged member ended %s after %d attempts (%s), want cancelled",
					j.ID, j.Kind, j.State, j.Attempt, j.LastErrorCode)
			}
		}
		if mine == 0 {
			t.Fatal("no job was queued for the member")
		}
	})
}
