package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
)

// TestSyncRequestedWhileRunningRunsAgain shows that a sync asked for while
// an equal one runs is not lost: the running one may have read the linked
// calendars before the user changed them, so one more sync follows it.
func TestSyncRequestedWhileRunningRunsAgain(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		running, release := make(chan struct{}), make(chan struct{})
		var runs atomic.Int32
		r := b.open(t, workers{SyncCalendars: func(ctx context.Context, userID string) error {
			if runs.Add(1) == 1 {
				close(running)
			}
			// Every run lasts until released, the follow-up too should it
			// start while the others are asked for.
			<-release
			return nil
		}})
		start(t, r)
		ctx := context.Background()
		if err := r.EnqueueCalendarSync(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		<-running
		for range 3 { // one follow-up, however often it is asked for
			if err := r.EnqueueCalendarSync(ctx, "u1"); err != nil {
				t.Fatal(err)
			}
		}
		close(release)
		waitFor(t, r, "two completed syncs", allIn(2, "completed"))
		if got := runs.Load(); got != 2 {
			t.Errorf("the sync ran %d times, want 2", got)
		}
	})
}
