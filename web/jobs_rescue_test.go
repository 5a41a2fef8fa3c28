package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// TestJobsPageShowsStalledAndRescued: a running job whose replica stopped
// answering says so, and since when; a job put back by a rescue says why
// its attempt failed.
func TestJobsPageShowsStalledAndRescued(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 12, 3, 7, 0, time.UTC)
	fj := &fakeJobs{list: []jobs.Info{
		{ID: 2, Kind: "recording_download", Label: "Recording download", UserID: bob.ID, State: "running", Attempt: 1, MaxAttempts: 5,
			ScheduledAt: at, AttemptedAt: at, AliveAt: at, Stalled: true},
		{ID: 1, Kind: "calendar_sync", Label: "Calendar sync", UserID: bob.ID, State: "completed", Attempt: 2, MaxAttempts: 5,
			ScheduledAt: at, FinishedAt: at, LastErrorCode: jobs.CodeRescued, LastErrorDetail: "the process running it stopped answering", LastErrorAt: at},
	}}
	h := newJobsHarness(t, fj)
	h.signIn(alice)
	r := h.get("/admin/jobs")
	h.expectStatus(r, http.StatusOK)
	checkPage(t, r, map[string]string{
		"#job-2 .state .progress": "stalled: its replica stopped answering at 12:03:07 UTC",
		"#job-1 .error":           "The replica running it stopped answering; it was put back for another to run.",
	}, nil)
}
