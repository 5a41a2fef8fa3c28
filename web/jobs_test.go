package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/jobs"
)

// fakeJobs is an in-memory Jobs.
type fakeJobs struct {
	mu    sync.Mutex
	list  []jobs.Info
	err   error
	limit int // the limit of the last Recent call
}

var _ Jobs = (*fakeJobs)(nil)

func (f *fakeJobs) Recent(_ context.Context, limit int) ([]jobs.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limit = limit
	return f.list, f.err
}

// newJobsHarness starts a harness whose server lists the jobs of fj.
func newJobsHarness(t *testing.T, fj *fakeJobs) *harness {
	t.Helper()
	h := newHarness(t)
	deps := h.deps()
	deps.Jobs = fj
	h.serve(h.config(), deps)
	return h
}

func TestJobsPage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	fj := &fakeJobs{list: []jobs.Info{
		{ID: 3, Kind: "recording_download", Label: "Recording download", UserID: bob.ID, RecordingID: "rec-1", State: "discarded", Attempt: 5, MaxAttempts: 5,
			LastErrorCode: "transient.backendError", LastErrorDetail: `Google answered 503 <b>backendError</b>`, LastErrorAt: at, ScheduledAt: at, FinishedAt: at},
		{ID: 2, Kind: "calendar_sync", Label: "Calendar sync", UserID: "u-gone", State: "running", Attempt: 1, MaxAttempts: 5, ScheduledAt: at},
		{ID: 1, Kind: "directory_sync", Label: "Directory sync", UserID: alice.ID, State: "completed", Attempt: 1, MaxAttempts: 5, ScheduledAt: at, FinishedAt: at},
	}}
	h := newJobsHarness(t, fj)
	h.signIn(alice)
	r := h.get("/admin/jobs")
	h.expectStatus(r, http.StatusOK)
	var got [][]string
	for _, tr := range r.FindAll("table.jobs tbody tr") {
		var cells []string
		for _, sel := range []string{"td.kind", "td.who", "td.recording", "td.state", "td.attempts", "td.finished", "td.error"} {
			cells = append(cells, browser.Text(browser.FindAllIn(tr, sel)[0]))
		}
		got = append(got, cells)
	}
	want := [][]string{
		{"Recording download", bob.Email, "rec-1", "discarded", "5 / 5", "2026-11-28 09:30:00 UTC", "Google did not answer properly. Google answered 503 <b>backendError</b> (09:30:00 UTC)"},
		{"Calendar sync", "u-gone", "", "running", "1 / 5", "", ""},
		{"Directory sync", alice.Email, "", "completed", "1 / 5", "2026-11-28 09:30:00 UTC", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if strings.Contains(r.Content, "<b>backendError") {
		t.Error("the failure's detail was not escaped")
	}
	if fj.limit != jobsShown {
		t.Errorf("Recent limit = %d, want %d", fj.limit, jobsShown)
	}
	if nav := r.Find(`a[href='/admin/jobs']`); nav == nil {
		t.Error("no Jobs link in the admin's navigation")
	}
}

func TestJobsPageAccess(t *testing.T) {
	t.Parallel()
	h := newJobsHarness(t, &fakeJobs{})
	r := h.get("/admin/jobs")
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/" {
		t.Errorf("a visitor is sent to %q, want /", r.Location())
	}
	h.signIn(bob)
	h.expectStatus(h.get("/admin/jobs"), http.StatusForbidden)
	if nav := h.get("/dashboard").Find(`a[href='/admin/jobs']`); nav != nil {
		t.Error("a member's navigation links to the Jobs page")
	}
}

func TestJobsPageEmptyAndFailing(t *testing.T) {
	t.Parallel()
	fj := &fakeJobs{}
	h := newJobsHarness(t, fj)
	h.signIn(alice)
	r := h.get("/admin/jobs")
	h.expectStatus(r, http.StatusOK)
	if got := r.TextOf(t, "p.empty"); got != "No jobs yet." {
		t.Errorf("empty page says %q", got)
	}
	fj.mu.Lock()
	fj.err = errors.New("river: database is locked")
	fj.mu.Unlock()
	r = h.get("/admin/jobs")
	h.expectStatus(r, http.StatusInternalServerError)
	if strings.Contains(r.Content, "database is locked") {
		t.Error("the error page shows the internal error")
	}
}
