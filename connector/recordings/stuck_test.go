package recordings_test

import (
	"context"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// leaveRunning puts the jobs of kind in the state a replica killed with
// SIGKILL while working them leaves behind: running, started two minutes
// ago, with nothing working them.
func leaveRunning(t *testing.T, db *sqldb.DB, kind string) {
	t.Helper()
	q := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec', '-120 seconds'),
		attempted_by = json_array('killed') WHERE kind = ?`
	if db.Dialect == sqldb.Postgres {
		q = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '120 seconds',
			attempted_by = ARRAY['killed'] WHERE kind = ?`
	}
	if res, err := db.Exec(context.Background(), q, kind); err != nil {
		t.Fatalf("leaving the %s jobs running: %v", kind, err)
	} else if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("no %s job to leave running", kind)
	}
}

// TestRetryOfStuckDownloadSaysSo: Retry queues a download; pressed again
// while that download is left running by a dead replica, it queues nothing
// and says the download stalled and when it was last heard of. Then a new
// process takes the download up and finishes it.
func TestRetryOfStuckDownloadSaysSo(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		e := &jobsEnv{h: newHarness(t, options{db: sqldbtest.Migrated(t, url)}), url: url, spool: t.TempDir()}
		r, s := e.open(t, nil)
		ctx := context.Background()
		if _, err := s.Discover(ctx, e.h.userID); err != nil {
			t.Fatal(err)
		}
		rec := firstOfKind(t, s, e.h.userID, recordings.KindRecording)
		if q, err := s.Retry(ctx, e.h.userID, rec.FileID); err != nil || q.Status != recordings.QueuedNow {
			t.Fatalf("first Retry = %+v, %v; want queued", q, err)
		}
		leaveRunning(t, e.h.DB, recordings.JobDownload)
		q, err := s.Retry(ctx, e.h.userID, rec.FileID)
		if err != nil || q.Status != recordings.QueuedStalled || q.Job != recordings.JobDownload {
			t.Fatalf("Retry of a stuck download = %+v, %v; want it stalled", q, err)
		}
		if ago := time.Since(q.Since); ago < 110*time.Second || ago > 10*time.Minute {
			t.Errorf("stalled since %v ago, want about two minutes", ago)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		waitIdle(t, r)
		if got, _ := s.Recording(ctx, e.h.userID, rec.FileID); got.State != recordings.StateQueued && got.State != recordings.StateTranscribed {
			t.Errorf("after the rescue the recording is %s (%s), want downloaded", got.State, got.Reason)
		}
	})
}
