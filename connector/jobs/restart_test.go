package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestJobsSurviveRestart enqueues a job in one process that stops before
// working it, and checks that the next process, on the same database,
// works it.
func TestJobsSurviveRestart(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		// The first process only enqueues, as a web replica without workers
		// would, and stops before anything works the job.
		first := &calls{}
		r1 := b.open(t, first.workers())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r1.EnqueueRecordingDownload(ctx, "u1", "rec-a"); err != nil {
			t.Fatal(err)
		}
		if err := r1.Stop(ctx); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		next := &calls{}
		r2 := b.open(t, next.workers())
		start(t, r2)
		waitFor(t, r2, "the job completed by the next process", allIn(1, "completed"))
		if diff := cmp.Diff([]string{"download u1 rec-a"}, next.sorted()); diff != "" || len(first.sorted()) != 0 {
			t.Errorf("first process worked %v; next (-want +got):\n%s", first.sorted(), diff)
		}
	})
}

// TestInterruptedJobResumesAfterRestart stops a process while its job runs;
// the job is cancelled and put back, without counting the attempt, and the
// next process works it.
func TestInterruptedJobResumesAfterRestart(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		running, once := make(chan struct{}), sync.Once{}
		r1 := b.open(t, workers{SyncCalendars: func(ctx context.Context, _ string) error {
			once.Do(func() { close(running) })
			<-ctx.Done() // a long sync, interrupted by the stop
			return ctx.Err()
		}})
		start(t, r1)
		if err := r1.EnqueueCalendarSync(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
		<-running
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if err := r1.Stop(ctx); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		next := &calls{}
		r2 := b.open(t, next.workers())
		got := waitFor(t, r2, "the interrupted job put back", allIn(1, "available"))
		if got[0].Attempt != 0 {
			t.Errorf("interrupted job = %+v, want its attempt not counted", got[0])
		}
		start(t, r2)
		got = waitFor(t, r2, "the job completed by the next process", allIn(1, "completed"))
		if diff := cmp.Diff([]string{"calendars u1"}, next.sorted()); diff != "" || got[0].Attempt != 1 {
			t.Errorf("attempt %d; calls (-want +got):\n%s", got[0].Attempt, diff)
		}
	})
}
