package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestUsersGranted checks who the periodic re-syncs visit: the users whose
// grant is usable for the purpose and for none of the exceptions, and
// nobody revoked.
func TestUsersGranted(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		grants := grant.NewStore(db, time.Now)
		for id, granted := range map[string][]string{
			"u-admin":      {scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly},
			"u-member":     {scopes.OpenID, scopes.Email, scopes.CalendarEventsReadonly, scopes.DriveReadonly},
			"u-recordings": {scopes.OpenID, scopes.Email, scopes.DriveReadonly},
			"u-suspended":  {scopes.OpenID, scopes.Email, scopes.DriveReadonly, scopes.CalendarReadonly},
			"u-signin":     {scopes.OpenID, scopes.Email},
			"u-revoked":    {scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly},
		} {
			if _, err := grants.Record(ctx, id, "client", granted); err != nil {
				t.Fatal(err)
			}
		}
		if err := grants.Revoke(ctx, "u-revoked", "test"); err != nil {
			t.Fatal(err)
		}
		// With its calendar scope suspended, a grant is no longer usable for
		// meetings; the calendar sync no longer discovers its recordings.
		if err := grants.Suspend(ctx, "u-suspended", scopes.CalendarReadonly); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			purpose scopes.Purpose
			except  []scopes.Purpose
			want    []string
		}{
			{scopes.PurposeInvite, nil, []string{"u-admin"}},
			{scopes.PurposeMeetings, nil, []string{"u-admin", "u-member"}},
			{scopes.PurposeRecordings, nil, []string{"u-member", "u-recordings", "u-suspended"}},
			{scopes.PurposeRecordings, []scopes.Purpose{scopes.PurposeMeetings}, []string{"u-recordings", "u-suspended"}},
		} {
			got, err := jobs.UsersGranted(grants, tc.purpose, tc.except...)(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("UsersGranted(%s, except %v) (-want +got):\n%s", tc.purpose, tc.except, diff)
			}
		}
	})
}

// TestResyncSkipsPendingJobs checks that a periodic re-sync does not pile a
// second job onto a user whose sync has not run yet.
func TestResyncSkipsPendingJobs(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		r := b.open(t, (&calls{}).workers()) // not started: the jobs stay available
		if err := r.EnqueueTranscriptImport(ctx, "u1", "rec"); err != nil {
			t.Fatal(err)
		}
		users := func(context.Context) ([]string, error) { return []string{"u1", "u2", "u3"}, nil }
		resync := jobs.Resync[resyncCalendars](users, r.transcript,
			func(u string) transcriptArgs { return transcriptArgs{UserID: u, RecordingID: "rec"} })
		for range 2 {
			if err := resync(ctx, resyncCalendars{}); err != nil {
				t.Fatalf("resync: %v", err)
			}
		}
		got, err := r.Recent(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, j := range got {
			keys = append(keys, j.Kind+" "+j.UserID)
		}
		want := []string{kindTranscript + " u3", kindTranscript + " u2", kindTranscript + " u1"}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("jobs (-want +got):\n%s", diff)
		}
	})
}
