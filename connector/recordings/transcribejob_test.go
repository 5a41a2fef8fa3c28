package recordings_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// jobsEnv is a harness whose Meet recordings hold a LibriVox clip, a
// spool, and a downloaded recording whose Meet transcript is too large to
// export, so that an engine transcribes it.
type jobsEnv struct {
	h *harness
	// url is the database's URL, "" for the harness's own SQLite one.
	url   string
	spool string
	rec   recordings.Recording
}

// newJobsEnv makes a jobsEnv on the database at url, the harness's own
// SQLite one when url is "".
func newJobsEnv(t *testing.T, url string) *jobsEnv {
	t.Helper()
	var o options
	if url != "" {
		o.db = sqldbtest.Migrated(t, url)
	}
	h := newHarness(t, o)
	speakAll(t, h, transcribetest.LibriVox(t)[0].MP4)
	e := &jobsEnv{h: h, url: url, spool: t.TempDir()}
	s := h.service(func(o *recordings.Options) { o.SpoolDir = e.spool })
	rec, doc := firstRecording(t, h, s)
	f, _ := h.Workspace.File(doc.FileID)
	big := *f
	big.ExportText = workspace.TranscriptBody(f.ID, fakeapi.ExportSizeLimit+1, nil)
	h.Workspace.PutFile(&big)
	if err := s.Download(context.Background(), h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	e.rec = rec
	return e
}

// open opens a job runner on the harness's database, as a process would,
// with the recordings' kinds registered on it for a Service with engine;
// the runner is not started, and stops when the test ends.
func (e *jobsEnv) open(t *testing.T, engine recordings.Engine) (*jobs.Runner, *recordings.Service) {
	t.Helper()
	r := openRunner(t, e.h.DB, e.url)
	o := recordings.Options{DB: e.h.DB, Door: e.h.Door, DriveURL: e.h.URLs.DriveBase, SpoolDir: e.spool,
		Meetings: &wsMeetings{ws: e.h.Workspace, email: e.h.email}, Retry: fastRetry, Engine: engine, Audit: e.h.Trail}
	s, _, err := recordings.NewWithJobs(r, o, recordings.JobOptions{Grants: e.h.Grants, Every: -1, Retention: recordings.Retention{Forever: true}})
	if err != nil {
		t.Fatalf("NewWithJobs: %v", err)
	}
	return r, s
}

// openRunner opens a job runner on db, opened from url (which River's
// PostgreSQL driver needs), that polls often; it is not started, and stops
// when the test ends.
func openRunner(t *testing.T, db *sqldb.DB, url string) *jobs.Runner {
	t.Helper()
	r, err := jobs.Open(context.Background(), jobs.Options{DB: db, URL: url, PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("jobs.Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	return r
}

// waitTranscribed polls the recording until it is transcribed or failed,
// for up to two minutes, and returns it.
func (e *jobsEnv) waitTranscribed(t *testing.T, s *recordings.Service) recordings.Recording {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got, err := s.Recording(context.Background(), e.h.userID, e.rec.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == recordings.StateTranscribed || got.State == recordings.StateFailed || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTranscriptionJob: a downloaded recording asked for twice gets one
// transcription job, which the real runner works, on SQLite and
// PostgreSQL: PocketSphinx transcribes the LibriVox clip and the job's
// progress is stored on the recording.
func TestTranscriptionJob(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		e := newJobsEnv(t, url)
		h, rec := e.h, e.rec
		r, s := e.open(t, &transcribe.PocketSphinx{})
		ctx := context.Background()
		for range 2 {
			if _, err := s.Retry(ctx, h.userID, rec.FileID); err != nil {
				t.Fatalf("Retry: %v", err)
			}
		}
		list, err := r.Recent(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Kind != recordings.JobTranscribe || list[0].RecordingID != rec.FileID {
			t.Fatalf("jobs = %+v, want one %s of %s", list, recordings.JobTranscribe, rec.FileID)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		got := e.waitTranscribed(t, s)
		text, _ := s.Transcript(ctx, h.userID, rec.FileID)
		if got.State != recordings.StateTranscribed || got.TranscriptFrom != "" || len(transcribetest.Words(text)) < 5 {
			t.Fatalf("recording is %s (%q), transcript %q; want transcribed by PocketSphinx", got.State, got.Reason, text)
		}
		if got.Audio <= 0 || got.Progress <= 0 || got.Progress > got.Audio {
			t.Errorf("stored progress %v of %v; want some of the audio's length", got.Progress, got.Audio)
		}
	})
}

// stuckEngine is an engine that transcribes nothing until its context
// ends; started is closed once it runs.
type stuckEngine struct {
	once    sync.Once
	started chan struct{}
}

func (e *stuckEngine) Name() string { return "pocketsphinx" }
func (e *stuckEngine) Host() string { return "local" }
func (e *stuckEngine) Transcribe(ctx context.Context, _ string, _ transcribe.Progress) (transcribe.Result, error) {
	e.once.Do(func() { close(e.started) })
	<-ctx.Done()
	return transcribe.Result{}, ctx.Err()
}

// TestTranscriptionResumesAfterRestart: a process stopped while its
// transcription job runs cancels it, leaving the recording queued; the
// next process retries the job and transcribes the recording.
func TestTranscriptionResumesAfterRestart(t *testing.T) {
	t.Parallel()
	e := newJobsEnv(t, "")
	stuck := &stuckEngine{started: make(chan struct{})}
	r1, s1 := e.open(t, stuck)
	ctx := context.Background()
	if _, err := s1.Retry(ctx, e.h.userID, e.rec.FileID); err != nil {
		t.Fatal(err)
	}
	if err := r1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stuck.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the transcription job did not start")
	}
	stop, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := r1.Stop(stop); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	got, _ := s1.Recording(ctx, e.h.userID, e.rec.FileID)
	if got.State != recordings.StateQueued || got.Reason != recordings.CodeWaitInterrupted {
		t.Fatalf("after the shutdown the recording is %s (%q), want queued as interrupted", got.State, got.Reason)
	}
	r2, s2 := e.open(t, &transcribe.PocketSphinx{})
	if err := r2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got = e.waitTranscribed(t, s2); got.State != recordings.StateTranscribed {
		t.Errorf("after the restart the recording is %s (%q), want transcribed", got.State, got.Reason)
	}
}
