package calendars_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/jobs"
)

// TestSyncJobThenRuns works calendar sync jobs and checks that each one
// stores the meetings and then runs JobOptions.Then (the recordings'
// discovery), even when the sync failed: for a revoked member the door
// refuses the sync, Then still runs, and the job is cancelled, not retried.
func TestSyncJobThenRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), time.Now(), 0)
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	ctx := context.Background()
	r, err := jobs.Open(ctx, jobs.Options{DB: h.DB, PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(context.Background()) })
	var mu sync.Mutex
	var then []string
	j, err := calendars.RegisterJobs(r, h.syncer, calendars.JobOptions{Grants: h.Grants, Every: -1,
		Then: func(_ context.Context, userID string) error {
			mu.Lock()
			defer mu.Unlock()
			then = append(then, userID)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := j.EnqueueCalendarSync(ctx, user); err != nil {
		t.Fatal(err)
	}
	waitForJob(t, r, "completed")
	if len(h.meetings(t, user)) == 0 {
		t.Error("the job stored no meeting")
	}
	if err := h.Grants.Revoke(ctx, user, "test"); err != nil {
		t.Fatal(err)
	}
	if err := j.EnqueueCalendarSync(ctx, user); err != nil {
		t.Fatal(err)
	}
	got := waitForJob(t, r, "cancelled")
	if got.Kind != "calendar_sync" {
		t.Errorf("job kind = %q, want calendar_sync, the name stored by earlier versions", got.Kind)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(then, []string{user, user}) {
		t.Errorf("Then ran for %v, want %s after each sync", then, user)
	}
}

// waitForJob waits for the newest job to reach state, and returns it.
func waitForJob(t *testing.T, r *jobs.Runner, state string) jobs.Info {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		list, err := r.Recent(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 && list[0].State == state {
			return list[0]
		}
	}
	t.Fatalf("the newest job did not reach %s", state)
	return jobs.Info{}
}
