package calendars_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestSyncProgress follows a sync a person asked for: running over every
// linked calendar from the request until the job finishes with them, and
// finished too when the sync fails (the member revoked meanwhile).
func TestSyncProgress(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		followSyncProgress(t, url, newHarnessOn(t, sqldbtest.Migrated(t, url), acme(t), time.Now(), 0))
	})
}

// followSyncProgress is TestSyncProgress on h, whose database is at url.
func followSyncProgress(t *testing.T, url string, h *harness) {
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	ctx := context.Background()
	// A clock that moves, so that each request is newer than the syncs
	// before it.
	var mu sync.Mutex
	at := time.Now()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(time.Millisecond)
		return at
	}
	store := calendars.NewStore(h.DB, clock)
	syncer, err := calendars.NewSyncer(calendars.Options{Store: store, Clients: h.Door, Grants: h.Grants,
		Endpoint: h.URLs.CalendarBase, Retry: fastRetry, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	progress := func(want calendars.Progress) {
		t.Helper()
		got, err := store.SyncProgress(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("SyncProgress (-want +got):\n%s", diff)
		}
	}
	progress(calendars.Progress{Calendars: 2, Synced: 2})

	r, err := jobs.Open(ctx, jobs.Options{DB: h.DB, URL: url, PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(context.Background()) })
	j, err := calendars.RegisterJobs(r, syncer, calendars.JobOptions{Grants: h.Grants, Every: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.EnqueueCalendarSync(ctx, user); err != nil {
		t.Fatal(err)
	}
	progress(calendars.Progress{Running: true, Calendars: 2})
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitForJob(t, r, "completed")
	progress(calendars.Progress{Calendars: 2, Synced: 2})

	if err := h.Grants.Revoke(ctx, user, "test"); err != nil {
		t.Fatal(err)
	}
	if err := j.EnqueueCalendarSync(ctx, user); err != nil {
		t.Fatal(err)
	}
	waitForJob(t, r, "cancelled")
	progress(calendars.Progress{Calendars: 2, Synced: 2})
}
