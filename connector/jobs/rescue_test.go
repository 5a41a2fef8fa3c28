package jobs_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// leaveRunning puts every job of kind in the state a process killed with
// SIGKILL while working it leaves behind: running, its attempt counted and
// started ago, with nothing working it.
func (b backend) leaveRunning(t *testing.T, kind string, ago time.Duration) {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, b.url)
	if err != nil {
		t.Fatalf("sqldb.Open: %v", err)
	}
	defer db.Close()
	q := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec', ?),
		attempted_by = json_array('a-replica-killed-with-sigkill') WHERE kind = ?`
	arg := any(sqliteModifier(-ago))
	if db.Dialect == sqldb.Postgres {
		q = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - make_interval(secs => ?),
			attempted_by = ARRAY['a-replica-killed-with-sigkill'] WHERE kind = ?`
		arg = ago.Seconds()
	}
	res, err := db.Exec(ctx, q, arg, kind)
	if err != nil {
		t.Fatalf("leaving the %s jobs running: %v", kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("no %s job to leave running", kind)
	}
}

// sqliteModifier writes d as a SQLite date modifier, such as
// "-120.000 seconds".
func sqliteModifier(d time.Duration) string {
	return fmt.Sprintf("%+.3f seconds", d.Seconds())
}

// TestJobOfDeadReplicaRunsAgain leaves a download running as a replica
// killed in the middle of it would, and checks that the next process takes
// it up within a minute, not after the download's timeout.
func TestJobOfDeadReplicaRunsAgain(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		r1 := b.open(t, (&calls{}).workers())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r1.EnqueueRecordingDownload(ctx, "u1", "rec-a"); err != nil {
			t.Fatal(err)
		}
		if err := r1.Stop(ctx); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		b.leaveRunning(t, kindDownload, 2*time.Minute)

		next := &calls{}
		r2 := b.open(t, next.workers())
		start(t, r2)
		got := waitFor(t, r2, "the dead replica's job completed by the next process", allIn(1, "completed"))
		if diff := cmp.Diff([]string{"download u1 rec-a"}, next.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
		if got[0].Attempt != 2 || got[0].LastErrorCode != jobs.CodeRescued {
			t.Errorf("rescued job = %+v, want attempt 2 after a %q one", got[0], jobs.CodeRescued)
		}
	})
}

// TestLiveJobIsNotRescued runs a job three times longer than the rescue
// window: its heartbeats keep every replica's rescues off it, so it runs
// once, in one attempt.
func TestLiveJobIsNotRescued(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		const window = 2 * time.Second
		var runs atomic.Int32
		work := func(ctx context.Context, _, _ string) error {
			runs.Add(1)
			select {
			case <-time.After(3 * window):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		fast := func(s *settings) { s.RescueAfter = window }
		r1 := b.open(t, workers{DownloadRecording: work}, fast)
		r2 := b.open(t, workers{DownloadRecording: work}, fast) // another replica, rescuing too
		start(t, r1)
		start(t, r2)
		if err := r1.EnqueueRecordingDownload(context.Background(), "u1", "rec-a"); err != nil {
			t.Fatal(err)
		}
		got := waitFor(t, r1, "the long job completed", allIn(1, "completed"))
		if runs.Load() != 1 || got[0].Attempt != 1 || got[0].LastErrorCode != "" {
			t.Errorf("ran %d times; job = %+v, want one attempt and no error", runs.Load(), got[0])
		}
	})
}

// TestRequestSaysWhatMadeItNeedless asks for a job while an equal one
// waits, and while one is left running by a dead replica: neither queues
// anything, and each says which job made it needless.
func TestRequestSaysWhatMadeItNeedless(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		r := b.open(t, (&calls{}).workers())
		args := downloadArgs{UserID: "u1", RecordingID: "rec-a"}
		if out, err := r.download.Request(ctx, args); err != nil || !out.Queued {
			t.Fatalf("first Request = %+v, %v; want queued", out, err)
		}
		out, err := r.download.Request(ctx, args)
		if err != nil || out.Queued || out.Pending.State != "available" || out.Pending.RecordingID != "rec-a" {
			t.Errorf("Request while one waits = %+v, %v; want the waiting job", out, err)
		}
		b.leaveRunning(t, kindDownload, 2*time.Minute)
		out, err = r.download.Request(ctx, args)
		if err != nil || out.Queued || out.Pending.State != "running" || !out.Pending.Stalled {
			t.Errorf("Request while a dead replica's job runs = %+v, %v; want that job, stalled", out, err)
		}
		if ago := time.Since(out.Pending.AliveAt); ago < 110*time.Second || ago > 10*time.Minute {
			t.Errorf("the stalled job was last alive %v ago, want about two minutes", ago)
		}
	})
}
