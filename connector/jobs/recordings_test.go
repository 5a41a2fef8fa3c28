package jobs_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// TestRecordingsSync enqueues a recordings sync, once while one is
// pending, and works it, on both databases.
func TestRecordingsSync(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		c := &calls{}
		w := c.workers()
		w.SyncRecordings = func(_ context.Context, u string) error { c.add("recordings " + u); return nil }
		r := b.open(t, w)
		for range 2 {
			if err := r.EnqueueRecordingsSync(ctx, "u1"); err != nil {
				t.Fatalf("EnqueueRecordingsSync: %v", err)
			}
		}
		start(t, r)
		got := waitFor(t, r, "one completed job", allIn(1, "completed"))
		if got[0].Kind != kindRecordings || got[0].UserID != "u1" {
			t.Errorf("job = %s for %q, want %s for u1", got[0].Kind, got[0].UserID, kindRecordings)
		}
		if diff := cmp.Diff([]string{"recordings u1"}, c.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
}

// TestPeriodicRecordingsResync enqueues a recordings sync for every user
// the enumerator lists when the runner starts, on both databases.
func TestPeriodicRecordingsResync(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		c := &calls{}
		w := c.workers()
		w.SyncRecordings = func(_ context.Context, u string) error { c.add("recordings " + u); return nil }
		w.RecordingsUsers = func(context.Context) ([]string, error) { return []string{"u1", "u2"}, nil }
		r := b.open(t, w, func(o *settings) { o.RecordingsEvery = time.Hour })
		start(t, r)
		// The re-sync itself and one sync per user.
		got := waitFor(t, r, "three completed jobs", allIn(3, "completed"))
		kinds := map[string]int{}
		for _, j := range got {
			kinds[j.Kind]++
		}
		if want := map[string]int{kindResyncRecordings: 1, kindRecordings: 2}; !cmp.Equal(kinds, want) {
			t.Errorf("jobs by kind = %v, want %v", kinds, want)
		}
		if diff := cmp.Diff([]string{"recordings u1", "recordings u2"}, c.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
}

// TestRevokedMeanwhileIsCancelled cancels, without retrying, a job whose
// results a store refused because the user's grant was revoked while it
// ran, on both databases.
func TestRevokedMeanwhileIsCancelled(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		var n atomic.Int32
		r := b.open(t, workers{SyncRecordings: func(_ context.Context, u string) error {
			n.Add(1)
			return fmt.Errorf("discovering recordings: storing recording f1: %w",
				fmt.Errorf("storing data fetched for %s: %w", u, grant.ErrRevoked))
		}})
		start(t, r)
		if err := r.EnqueueRecordingsSync(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
		got := waitFor(t, r, "a cancelled job", allIn(1, "cancelled"))
		if n.Load() != 1 || got[0].Attempt != 1 {
			t.Errorf("worked %d times, attempt %d; want once", n.Load(), got[0].Attempt)
		}
		if got[0].LastErrorCode != googlehttp.CodeRevokedMeanwhile {
			t.Errorf("LastErrorCode = %q, want %q", got[0].LastErrorCode, googlehttp.CodeRevokedMeanwhile)
		}
	})
}
