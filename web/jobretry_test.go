package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// newRetryHarness serves the Jobs page of fj with the syncs and Bob's
// recordings that its Retry buttons queue again.
func newRetryHarness(t *testing.T, fj *fakeJobs) (*harness, *fakeLinkSyncs, *fakeRecordings) {
	t.Helper()
	h := newHarness(t)
	syncs := &fakeLinkSyncs{}
	recs := &fakeRecordings{files: map[string][]recordings.Recording{bob.ID: {bobFailed}}, transcripts: map[string]string{}}
	deps := h.deps()
	deps.Jobs, deps.LinkSyncs, deps.Recordings = fj, syncs, &RecordingPages{Recordings: recs}
	cfg := h.config()
	cfg.Now = func() time.Time { return jobsNow }
	h.serve(cfg, deps)
	return h, syncs, recs
}

// TestJobsRetry: a sync or a recording's step that gave up or was
// cancelled has a Retry button, which queues it again as its own page would
// and says so on the Jobs page, keeping its filters; other jobs have none,
// and asking anyway queues nothing.
func TestJobsRetry(t *testing.T) {
	t.Parallel()
	at := jobsNow.Add(-time.Minute)
	fj := &fakeJobs{list: []jobs.Info{
		{ID: 6, Kind: recordings.JobDownload, Label: "Recording download", UserID: bob.ID, RecordingID: "1gone", State: "discarded", Attempt: 5, MaxAttempts: 5, ScheduledAt: at},
		{ID: 5, Kind: "expire_audio", Label: "Expired audio deletion", State: "discarded", Attempt: 5, MaxAttempts: 5, ScheduledAt: at},
		{ID: 4, Kind: "calendar_sync", Label: "Calendar sync", UserID: bob.ID, State: "discarded", Attempt: 5, MaxAttempts: 5, ScheduledAt: at,
			LastErrorCode: "transient.network"},
		{ID: 3, Kind: recordings.JobDownload, Label: "Recording download", UserID: bob.ID, RecordingID: "1bad", State: "cancelled", Attempt: 1, MaxAttempts: 5, ScheduledAt: at},
		{ID: 2, Kind: "directory_sync", Label: "Directory sync", UserID: alice.ID, State: "completed", Attempt: 1, MaxAttempts: 5, ScheduledAt: at},
	}}
	h, syncs, recs := newRetryHarness(t, fj)
	h.signIn(alice)
	page := h.get("/admin/jobs?state=discarded")
	h.expectStatus(page, http.StatusOK)
	checkPage(t, page, map[string]string{"#job-4 .action button": "Retry", "#job-6 .action button": "Retry"},
		[]string{"#job-5 .action button", "#job-2 .action button"})

	r := h.post("/admin/jobs/4/retry", url.Values{"state": {"discarded"}})
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/admin/jobs?state=discarded" {
		t.Errorf("after Retry the browser goes to %q, want the filtered Jobs page", r.Location())
	}
	checkPage(t, h.get(r.Location()), map[string]string{".flash.ok": "Job #4 (Calendar sync) was queued again"}, nil)

	h.expectStatus(h.post("/admin/jobs/3/retry", nil), http.StatusSeeOther)
	checkPage(t, h.get("/admin/jobs"), map[string]string{".flash.ok": "Job #3 (Recording download) was queued again"}, nil)

	for id, want := range map[string]string{
		"6":  "Job #6 (Recording download): its recording is gone",
		"5":  "Job #5 (Expired audio deletion) cannot be retried from here",
		"2":  "Job #2 (Directory sync) cannot be retried from here",
		"99": "Job #99 is no longer among the 500 most recent jobs",
	} {
		r := h.post("/admin/jobs/"+id+"/retry", nil)
		h.expectStatus(r, http.StatusSeeOther)
		checkPage(t, h.get("/admin/jobs"), map[string]string{".flash.warn": want}, nil)
	}
	if diff := cmp.Diff([]string{"calendars " + bob.ID}, syncs.queued); diff != "" {
		t.Errorf("syncs queued (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{bob.ID + "/1bad"}, recs.retried); diff != "" {
		t.Errorf("recordings retried (-want +got):\n%s", diff)
	}
	h.expectStatus(h.post("/admin/jobs/x/retry", nil), http.StatusNotFound)

	h.signIn(bob)
	h.expectStatus(h.post("/admin/jobs/4/retry", nil), http.StatusForbidden)
	if len(syncs.queued) != 1 {
		t.Errorf("a member's Retry queued %v", syncs.queued)
	}
}
