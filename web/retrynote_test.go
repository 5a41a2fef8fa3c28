package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestRecordingRetryWhenBusy presses Retry while the file's job already
// runs on another replica, waits, or was left running by a replica that
// died: the page says so, and since when, instead of "queued".
func TestRecordingRetryWhenBusy(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 12, 4, 12, 3, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		busy recordings.Queued
		want string
	}{
		{"running", recordings.Queued{Status: recordings.QueuedRunning, Job: recordings.JobDownload, Since: since},
			"Nothing new was queued: a download of this recording is already running, on this or another replica, since 12:03 UTC on 4 December."},
		{"stalled", recordings.Queued{Status: recordings.QueuedStalled, Job: recordings.JobDownload, Since: since},
			"Nothing new was queued: a download of this recording was running on a replica that stopped answering at 12:03 UTC on 4 December; it is taken up again within a minute."},
		{"waiting", recordings.Queued{Status: recordings.QueuedWaiting, Job: recordings.JobTranscribe, Since: since},
			"Nothing new was queued: a transcription of this recording is already waiting to run, due at 12:03 UTC on 4 December."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newRecordingsHarness(t)
			f.busy = tc.busy
			h.signIn(bob)
			r := h.post("/recordings/1bad/retry", nil)
			h.expectStatus(r, http.StatusSeeOther)
			page := h.get(r.Location())
			checkPage(t, page, map[string]string{"p.banner.warn#retried": tc.want}, []string{"p.banner.ok"})
		})
	}
}

// TestRetryNoteIgnoresForgedQueries checks that a query the Retry button
// did not write shows no note: the words come from the page's own table.
func TestRetryNoteIgnoresForgedQueries(t *testing.T) {
	t.Parallel()
	h, _ := newRecordingsHarness(t)
	h.signIn(bob)
	for _, q := range []string{"retry=running&job=%3Cscript%3E&since=1", "retry=running&job=recording_download&since=soon",
		"retry=elsewhere&job=recording_download&since=1", ""} {
		page := h.get("/recordings/1bad?" + q)
		h.expectStatus(page, http.StatusOK)
		checkPage(t, page, nil, []string{"#retried"})
	}
}
