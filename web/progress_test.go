package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestTranscriptionProgressShown: the progress a running transcription
// stored on its recording shows on the recording's page and next to its
// job on the admin Jobs page; a finished job shows none.
func TestTranscriptionProgressShown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	running := recordings.Recording{UserID: bob.ID, FileID: "1run", Kind: recordings.KindRecording, Name: "Standup - Recording",
		Size: 1 << 20, Created: recCreated, State: recordings.StateQueued, Progress: 65 * time.Second, Audio: 4 * time.Minute}
	f := &fakeRecordings{files: map[string][]recordings.Recording{bob.ID: {running, bobRecording}}, transcripts: map[string]string{}}
	fj := &fakeJobs{list: []jobs.Info{
		{ID: 2, Kind: recordings.JobTranscribe, Label: "Recording transcription", UserID: bob.ID, RecordingID: "1run", State: "running", Attempt: 1, MaxAttempts: 5},
		{ID: 1, Kind: recordings.JobTranscribe, Label: "Recording transcription", UserID: bob.ID, RecordingID: "1rec", State: "completed", Attempt: 1, MaxAttempts: 5},
	}}
	deps := h.deps()
	deps.Recordings, deps.Jobs = &RecordingPages{Recordings: f}, fj
	h.serve(h.config(), deps)
	const want = "1:05 of 4:00 of audio (27%)"

	h.signIn(alice)
	page := h.get("/admin/jobs")
	h.expectStatus(page, http.StatusOK)
	if got := page.TextOf(t, "#job-2 .progress"); got != want {
		t.Errorf("running job's progress = %q, want %q", got, want)
	}
	if page.Find("#job-1 .progress") != nil {
		t.Error("the completed job shows a progress")
	}

	h.signIn(bob)
	page = h.get("/recordings/1run")
	h.expectStatus(page, http.StatusOK)
	if got := page.TextOf(t, "#transcribing"); !strings.Contains(got, want) {
		t.Errorf("recording page's progress = %q, want %q", got, want)
	}
}
