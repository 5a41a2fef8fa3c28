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
	if got := page.TextOf(t, "#live [data-progress-text]"); !strings.Contains(got, want) {
		t.Errorf("recording page's progress = %q, want %q", got, want)
	}
}

// TestRecordingProgressFollowed follows a recording, as progress.js does,
// through its download and its transcription: each poll of its progress
// says how far it is, for the owner only, and says done once it is
// transcribed; the list and the page follow it only while it runs.
func TestRecordingProgressFollowed(t *testing.T) {
	t.Parallel()
	h, f := newRecordingsHarness(t)
	h.signIn(bob)
	rec := recordings.Recording{UserID: bob.ID, FileID: "1new", Kind: recordings.KindRecording, Name: "Planning - Recording",
		Size: 8 << 20, Created: recCreated, State: recordings.StateFound}
	steps := []struct {
		name string
		set  func(r *recordings.Recording)
		want string
	}{
		{"found", func(r *recordings.Recording) {}, `{"percent":null,"text":"found","done":true}`},
		{"downloading", func(r *recordings.Recording) { r.State, r.Done = recordings.StateDownloading, 2<<20 },
			`{"percent":25,"text":"2.0 MiB of 8.0 MiB downloaded","done":false}`},
		{"downloaded", func(r *recordings.Recording) {
			r.State, r.Done, r.Reason = recordings.StateQueued, 8<<20, recordings.CodeWaitTranscription
		}, `{"percent":null,"text":"Downloaded; waiting for its transcription.","done":false}`},
		{"transcribing", func(r *recordings.Recording) { r.Progress, r.Audio = 3*time.Minute, 4*time.Minute },
			`{"percent":75,"text":"3:00 of 4:00 of audio (75%)","done":false}`},
		{"transcribed", func(r *recordings.Recording) {
			r.State, r.Reason, r.Progress, r.Audio = recordings.StateTranscribed, "", 0, 0
		}, `{"percent":null,"text":"transcribed","done":true}`},
	}
	for _, step := range steps {
		step.set(&rec)
		f.mu.Lock()
		f.files[bob.ID] = []recordings.Recording{rec}
		f.mu.Unlock()
		r := h.get("/recordings/1new/progress")
		h.expectStatus(r, http.StatusOK)
		if got := strings.TrimSpace(r.Content); got != step.want {
			t.Errorf("%s: progress = %s, want %s", step.name, got, step.want)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control = %q", step.name, cc)
		}
		running := !strings.Contains(step.want, `"done":true`)
		if running && h.get("/recordings").Find("#file-1new .reason") != nil && rec.Reason == recordings.CodeWaitTranscription {
			t.Errorf("%s: the list says why it waits beside the progress that says it", step.name)
		}
		for _, path := range []string{"/recordings", "/recordings/1new"} {
			page := h.get(path)
			if got := page.Find(`[data-progress="/recordings/1new/progress"]`) != nil; got != running {
				t.Errorf("%s: %s follows the progress: %v, want %v", step.name, path, got, running)
			}
		}
	}
	h.signIn(alice)
	h.expectStatus(h.get("/recordings/1new/progress"), http.StatusNotFound)
}
