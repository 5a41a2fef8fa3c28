package recordings_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// replica is one process of a deployment on the harness's fake Google: its
// own pool on the shared database, its own door, audit trail and grants on
// it, a job runner with the recordings' kinds, and the spool that every
// replica shares.
type replica struct {
	env    *connectortest.Env
	runner *jobs.Runner
	svc    *recordings.Service
	spool  string
}

// newReplicas starts the harness, with o, on a fresh PostgreSQL schema and
// returns n replicas on it, sharing one spool; doors[i], when given,
// changes the door of replica i. Their runners are not started. The test
// is skipped without PostgreSQL.
func newReplicas(t *testing.T, n int, o options, doors ...func(*googlehttp.Options)) (*harness, []*replica) {
	t.Helper()
	url := sqldbtest.PostgresURL(t)
	o.db = sqldbtest.Migrated(t, url)
	h := newHarness(t, o)
	spool := t.TempDir()
	var out []*replica
	for i := range n {
		db := sqldbtest.Migrated(t, url)
		var door func(*googlehttp.Options)
		if i < len(doors) {
			door = doors[i]
		}
		env := connectortest.New(t, connectortest.Options{Google: h.Google, DB: db, Tokens: h.Tokens, Clock: h.Clock,
			Trail: audit.Options{Replica: "replica-" + string(rune('a'+i)), CheckpointEvery: -1}, Door: door})
		r := openRunner(t, db, url)
		o := recordings.Options{DB: db, Door: env.Door, DriveURL: h.URLs.DriveBase, SpoolDir: spool,
			Meetings: &wsMeetings{ws: h.Workspace, email: h.email}, Retry: fastRetry, Audit: env.Trail}
		svc, _, err := recordings.NewWithJobs(r, o, recordings.JobOptions{Grants: env.Grants, Every: -1,
			Retention: recordings.Retention{Forever: true}})
		if err != nil {
			t.Fatalf("NewWithJobs: %v", err)
		}
		out = append(out, &replica{env: env, runner: r, svc: svc, spool: spool})
	}
	return h, out
}

// waitIdle polls r's jobs until at least one exists and none waits or
// runs, for up to two minutes (a loaded machine under -race is slow), and
// returns them.
func waitIdle(t *testing.T, r *jobs.Runner) []jobs.Info {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		list, err := r.Recent(context.Background(), jobs.MaxRecent)
		if err != nil {
			t.Fatal(err)
		}
		idle := len(list) > 0
		for _, j := range list {
			idle = idle && (j.State == "completed" || j.State == "cancelled" || j.State == "discarded")
		}
		if idle {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still pending after two minutes: %+v", list)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mediaGets counts, by file id, the downloads the fake served: the
// files.get requests whose body was more than metadata.
func (h *harness) mediaGets() map[string]int {
	out := map[string]int{}
	for _, r := range h.Fake.Requests() {
		if r.MethodID == "drive.files.get" && r.Bytes > 4<<10 {
			out[r.Path[strings.LastIndex(r.Path, "/")+1:]]++
		}
	}
	return out
}

// TestReplicasDownloadOnce: two replicas on one PostgreSQL and one spool
// discover the same member's recordings at the same time and both work
// jobs: each recording is fetched from Google once and transcribed by one
// job, whichever replica runs them.
func TestReplicasDownloadOnce(t *testing.T) {
	t.Parallel()
	h, reps := newReplicas(t, 2, options{})
	ctx := context.Background()
	errs := make(chan error, len(reps))
	for _, r := range reps {
		go func() { errs <- r.svc.Sync(ctx, h.userID) }()
	}
	for range reps {
		if err := <-errs; err != nil {
			t.Fatalf("Sync: %v", err)
		}
	}
	for _, r := range reps {
		if err := r.runner.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	list := waitIdle(t, reps[0].runner)
	transcriptions := map[string]int{}
	for _, j := range list {
		if j.Kind == recordings.JobTranscribe {
			transcriptions[j.RecordingID]++
		}
	}
	recs, err := reps[1].svc.List(ctx, h.userID)
	if err != nil {
		t.Fatal(err)
	}
	gets, n := h.mediaGets(), 0
	for _, rec := range recs {
		if rec.Kind != recordings.KindRecording {
			continue
		}
		n++
		if rec.State != recordings.StateTranscribed && rec.State != recordings.StateQueued {
			t.Errorf("%s is %s (%s), want downloaded and transcribed", rec.FileID, rec.State, rec.Reason)
		}
		if gets[rec.FileID] != 1 || transcriptions[rec.FileID] != 1 {
			t.Errorf("%s fetched %d times and transcribed by %d jobs, want once each", rec.FileID, gets[rec.FileID], transcriptions[rec.FileID])
		}
	}
	if n == 0 {
		t.Fatal("the member has no recording")
	}
}

// TestWholeSpooledFileIsNotFetchedAgain leaves a recording as a replica
// killed after moving its download into place, and before recording it,
// leaves it: downloading, with the whole file in the shared spool. Another
// replica's download checks the file's size and md5 and fetches nothing;
// a file of the right size whose md5 differs is fetched again.
func TestWholeSpooledFileIsNotFetchedAgain(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		h := newHarness(t, options{db: sqldbtest.Migrated(t, url)})
		spool := t.TempDir()
		a := h.service(func(o *recordings.Options) { o.SpoolDir = spool })
		ctx := context.Background()
		if _, err := a.Discover(ctx, h.userID); err != nil {
			t.Fatal(err)
		}
		rec := firstOfKind(t, a, h.userID, recordings.KindRecording)
		if err := a.Download(ctx, h.userID, rec.FileID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.DB.Exec(ctx, `UPDATE recordings SET state = ? WHERE file_id = ?`, recordings.StateDownloading, rec.FileID); err != nil {
			t.Fatal(err)
		}
		b := h.service(func(o *recordings.Options) { o.SpoolDir = spool })
		if err := b.Download(ctx, h.userID, rec.FileID); err != nil {
			t.Fatal(err)
		}
		got, _ := b.Recording(ctx, h.userID, rec.FileID)
		if n := h.mediaGets()[rec.FileID]; n != 1 || got.State != recordings.StateQueued || got.Done != rec.Size {
			t.Errorf("fetched %d times; recording %s with %d bytes; want fetched once, queued with %d", n, got.State, got.Done, rec.Size)
		}

		// The same size with other bytes is not the recording.
		if err := os.WriteFile(got.Path, make([]byte, rec.Size), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := h.DB.Exec(ctx, `UPDATE recordings SET state = ? WHERE file_id = ?`, recordings.StateDownloading, rec.FileID); err != nil {
			t.Fatal(err)
		}
		if err := b.Download(ctx, h.userID, rec.FileID); err != nil {
			t.Fatal(err)
		}
		if n := h.mediaGets()[rec.FileID]; n != 2 {
			t.Errorf("a spooled file with the wrong md5 was fetched %d times in all, want twice", n)
		}
	})
}

// firstOfKind returns the member's first file of kind.
func firstOfKind(t *testing.T, s *recordings.Service, userID string, kind recordings.Kind) recordings.Recording {
	t.Helper()
	list, err := s.List(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("no %s", kind)
	return recordings.Recording{}
}
