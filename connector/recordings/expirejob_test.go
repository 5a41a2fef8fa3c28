package recordings_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestExpireJob: the periodic job keeps a transcribed recording's audio
// while its retention lasts and deletes it once the clock has passed it,
// on the real runner on SQLite; the transcript stays.
func TestExpireJob(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	ctx := context.Background()
	r := openRunner(t, h.DB, "")
	o := recordings.Options{DB: h.DB, Door: h.Door, DriveURL: h.URLs.DriveBase, SpoolDir: t.TempDir(),
		Meetings: &wsMeetings{ws: h.Workspace, email: h.email}, Retry: fastRetry, Transcriber: engine{text: "hello"}, Now: h.Clock.Now}
	s, _, err := recordings.NewWithJobs(r, o, recordings.JobOptions{Grants: h.Grants, Every: -1,
		Retention: recordings.Retention{Keep: 7 * 24 * time.Hour}, ExpireEvery: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("NewWithJobs: %v", err)
	}
	rec, _ := firstRecording(t, h, s)
	if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed {
		t.Fatalf("recording is %s (%q)", got.State, got.Reason)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rounds := func() int {
		list, err := r.Recent(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, j := range list {
			if j.Kind == recordings.JobExpireAudio && j.State == "completed" {
				n++
			}
		}
		return n
	}
	waitUntil(t, "two deletion rounds", func() bool { return rounds() >= 2 })
	if _, err := os.Stat(got.Path); err != nil {
		t.Fatalf("the audio is gone within its week: %v", err)
	}
	h.Clock.Advance(8 * 24 * time.Hour)
	waitUntil(t, "the audio deleted", func() bool {
		_, err := os.Stat(got.Path)
		return errors.Is(err, fs.ErrNotExist)
	})
	if text, err := s.Transcript(ctx, h.userID, rec.FileID); err != nil || text != "hello" {
		t.Errorf("transcript after expiry = %q, %v; want it kept", text, err)
	}
}

// waitUntil polls ok for up to 20 seconds, then fails the test.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
