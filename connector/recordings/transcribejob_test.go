package recordings_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
)

// jobsHarness is a harness whose Meet recordings hold a LibriVox clip, a
// job runner on its database with the recordings' kinds registered (not
// started), and a downloaded recording whose Meet transcript is too large
// to export, so that PocketSphinx transcribes it.
func jobsHarness(t *testing.T) (*harness, *jobs.Runner, *recordings.Service, recordings.Recording) {
	t.Helper()
	clip := transcribetest.LibriVox(t)[0]
	h := newHarness(t, options{})
	b, err := os.ReadFile(clip.MP4)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range h.meetFiles() {
		if f.MimeType == "video/mp4" {
			nf := *f
			nf.Body, nf.Size, nf.MD5 = workspace.BytesBody(b), int64(len(b)), ""
			h.Workspace.PutFile(&nf)
		}
	}
	ctx := context.Background()
	r, err := jobs.Open(ctx, jobs.Options{DB: h.DB, PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("jobs.Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	o := recordings.Options{DB: h.DB, Door: h.Door, DriveURL: h.URLs.DriveBase, SpoolDir: t.TempDir(),
		Meetings: &wsMeetings{ws: h.Workspace, email: h.email}, Retry: fastRetry,
		Engine: &transcribe.PocketSphinx{}, Audit: h.Trail}
	s, _, err := recordings.NewWithJobs(r, o, recordings.JobOptions{Grants: h.Grants, Every: -1})
	if err != nil {
		t.Fatalf("NewWithJobs: %v", err)
	}
	rec, doc := firstRecording(t, h, s)
	f, _ := h.Workspace.File(doc.FileID)
	big := *f
	big.ExportText = workspace.TranscriptBody(f.ID, fakeapi.ExportSizeLimit+1, nil)
	h.Workspace.PutFile(&big)
	if err := s.Download(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	return h, r, s, rec
}

// TestTranscriptionJob: a downloaded recording asked for twice gets one
// transcription job, which the real runner works on SQLite: PocketSphinx
// transcribes the LibriVox clip and the job's progress is stored on the
// recording.
func TestTranscriptionJob(t *testing.T) {
	t.Parallel()
	h, r, s, rec := jobsHarness(t)
	ctx := context.Background()
	for range 2 {
		if err := s.Retry(ctx, h.userID, rec.FileID); err != nil {
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
	deadline := time.Now().Add(2 * time.Minute)
	var got recordings.Recording
	for {
		if got, err = s.Recording(ctx, h.userID, rec.FileID); err != nil {
			t.Fatal(err)
		}
		if got.State == recordings.StateTranscribed || got.State == recordings.StateFailed || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	text, _ := s.Transcript(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed || got.TranscriptFrom != "" || len(transcribetest.Words(text)) < 5 {
		t.Fatalf("recording is %s (%q), transcript %q; want transcribed by PocketSphinx", got.State, got.Reason, text)
	}
	if got.Audio <= 0 || got.Progress <= 0 || got.Progress > got.Audio {
		t.Errorf("stored progress %v of %v; want some of the audio's length", got.Progress, got.Audio)
	}
}

// TestInterruptedTranscriptionResumes: a transcription stopped midway, as
// at shutdown, leaves the recording queued, and the next run transcribes
// it.
func TestInterruptedTranscriptionResumes(t *testing.T) {
	t.Parallel()
	h, _, s, rec := jobsHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.TranscribeTracked(recordings.WithProgress(ctx, func(time.Duration, time.Duration) { cancel() }), h.userID, rec.FileID)
	if err == nil {
		t.Fatal("an interrupted transcription returned no error, for its job to retry")
	}
	got, _ := s.Recording(context.Background(), h.userID, rec.FileID)
	if got.State != recordings.StateQueued {
		t.Fatalf("after the interruption the recording is %s (%q), want queued", got.State, got.Reason)
	}
	if err := s.TranscribeTracked(context.Background(), h.userID, rec.FileID); err != nil {
		t.Fatalf("the second run: %v", err)
	}
	if got, _ = s.Recording(context.Background(), h.userID, rec.FileID); got.State != recordings.StateTranscribed {
		t.Errorf("after the second run the recording is %s (%q), want transcribed", got.State, got.Reason)
	}
}
