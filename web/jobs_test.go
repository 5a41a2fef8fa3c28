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

// jobsNow is the clock of the Jobs pages under test.
var jobsNow = time.Date(2026, 11, 28, 9, 30, 15, 0, time.UTC)

// newJobsHarness starts a harness whose server lists the jobs of fj, at
// jobsNow.
func newJobsHarness(t *testing.T, fj *fakeJobs) *harness {
	t.Helper()
	h := newHarness(t)
	deps := h.deps()
	deps.Jobs = fj
	cfg := h.config()
	cfg.Now = func() time.Time { return jobsNow }
	h.serve(cfg, deps)
	return h
}

// jobCells returns, for each row of the Jobs table, the text of the cells
// that sel names, the times joined by " | ".
func jobCells(r *browser.Page, sel ...string) [][]string {
	var got [][]string
	for _, tr := range r.FindAll("table.jobs tbody tr") {
		var cells []string
		for _, s := range sel {
			if s == "td.times" {
				var times []string
				for _, span := range browser.FindAllIn(tr, "td.times span") {
					times = append(times, browser.Text(span))
				}
				cells = append(cells, strings.Join(times, " | "))
				continue
			}
			cells = append(cells, browser.Text(browser.FindAllIn(tr, s)[0]))
		}
		got = append(got, cells)
	}
	return got
}

func TestJobsPage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	fj := &fakeJobs{list: []jobs.Info{
		{ID: 5, Kind: "directory_sync", Label: "Directory sync", UserID: alice.ID, State: "available", Attempt: 0, MaxAttempts: 5,
			CreatedAt: at.Add(3 * time.Second), ScheduledAt: at.Add(3 * time.Second)},
		{ID: 4, Kind: "calendar_sync", Label: "Calendar sync", UserID: bob.ID, State: "retryable", Attempt: 1, MaxAttempts: 5,
			LastErrorCode: "rate_limited", LastErrorAt: at.Add(time.Second), CreatedAt: at, AttemptedAt: at, ScheduledAt: jobsNow.Add(40 * time.Second)},
		{ID: 3, Kind: "recording_download", Label: "Recording download", UserID: bob.ID, RecordingID: "rec-1", State: "discarded", Attempt: 5, MaxAttempts: 5,
			LastErrorCode: "transient.backendError", LastErrorDetail: `Google answered 503 <b>backendError</b>`, LastErrorAt: at,
			CreatedAt: at.Add(-2 * time.Hour), ScheduledAt: at.Add(-10 * time.Second), AttemptedAt: at.Add(-8 * time.Second), FinishedAt: at},
		{ID: 2, Kind: "calendar_sync", Label: "Calendar sync", UserID: "u-gone", State: "running", Attempt: 1, MaxAttempts: 5,
			CreatedAt: at, ScheduledAt: at, AttemptedAt: at.Add(5 * time.Second)},
		{ID: 1, Kind: "directory_sync", Label: "Directory sync", UserID: alice.ID, State: "completed", Attempt: 1, MaxAttempts: 5,
			CreatedAt: at.Add(-24 * time.Hour), ScheduledAt: at.Add(-24 * time.Hour), AttemptedAt: at.Add(-24*time.Hour + 400*time.Millisecond),
			FinishedAt: at.Add(-24*time.Hour + 3600*time.Millisecond)},
	}}
	h := newJobsHarness(t, fj)
	h.signIn(alice)
	r := h.get("/admin/jobs")
	h.expectStatus(r, http.StatusOK)
	got := jobCells(r, "td.kind", "td.who", "td.recording", "td.state", "td.attempts", "td.times")
	want := [][]string{
		{"Directory sync", alice.Email, "", "available", "0 / 5", "queued 09:30:03 UTC | waiting 12 s"},
		{"Calendar sync", bob.Email, "", "retryable", "1 / 5", "queued 09:30:00 UTC | attempt 1 failed at 09:30:01 UTC | next attempt in 40 s"},
		{"Recording download", bob.Email, "rec-1", "discarded", "5 / 5", "queued 07:30:00 UTC | waited 2.0 s | ran 8.0 s | finished 09:30:00 UTC"},
		{"Calendar sync", "u-gone", "", "running", "1 / 5", "queued 09:30:00 UTC | running for 10 s"},
		{"Directory sync", alice.Email, "", "completed", "1 / 5",
			"queued 2026-11-27 09:30:00 UTC | waited 0.4 s | ran 3.2 s | finished 2026-11-27 09:30:03 UTC"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	checkPage(t, r, map[string]string{
		"#job-4 .reason":                 "Google asked ScopeTrail to slow down. It is tried again: attempt 2 of 5 in 40 s.",
		"#job-3 .reason":                 "Google did not answer properly. ScopeTrail gave up after 5 attempts.",
		"#job-3 .reason details code":    "transient.backendError",
		"#job-3 .reason details .detail": "Google answered 503 <b>backendError</b>",
		"#job-3 .reason details .muted":  "at 2026-11-28 09:30:00 UTC",
	}, []string{"#job-1 .reason details", "#job-2 .reason details", "#job-3 .action button", "#clear-filters", "#filter-summary"})
	if reason := r.TextOf(t, "#job-3 .reason"); strings.Index(reason, "gave up") > strings.Index(reason, "transient.backendError") {
		t.Errorf("the raw error comes before the words: %q", reason)
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
	if r.Find(".table-wrap > table.data") == nil {
		t.Error("the jobs are not in the shared table style")
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

// TestJobsPageFilters: the kind and state chosen in the URL keep only the
// matching jobs, among more of the recent ones, and the selects show the
// choice; a value that is no kind or state is ignored.
func TestJobsPageFilters(t *testing.T) {
	t.Parallel()
	at := jobsNow.Add(-time.Minute)
	fj := &fakeJobs{list: []jobs.Info{
		{ID: 4, Kind: "calendar_sync", Label: "Calendar sync", UserID: bob.ID, State: "discarded", Attempt: 5, MaxAttempts: 5, ScheduledAt: at},
		{ID: 3, Kind: "directory_sync", Label: "Directory sync", UserID: alice.ID, State: "discarded", Attempt: 5, MaxAttempts: 5, ScheduledAt: at},
		{ID: 2, Kind: "calendar_sync", Label: "Calendar sync", UserID: bob.ID, State: "completed", Attempt: 1, MaxAttempts: 5, ScheduledAt: at},
		{ID: 1, Kind: "directory_sync", Label: "Directory sync", UserID: alice.ID, State: "completed", Attempt: 1, MaxAttempts: 5, ScheduledAt: at},
	}}
	h := newJobsHarness(t, fj)
	h.signIn(alice)
	ids := func(r *browser.Page) []string {
		var out []string
		for _, tr := range r.FindAll("table.jobs tbody tr") {
			out = append(out, browser.Attr(tr, "id"))
		}
		return out
	}
	tests := []struct {
		query          string
		want           []string
		kind, state    string
		limit          int
		summary, empty string
	}{
		{query: "", want: []string{"job-4", "job-3", "job-2", "job-1"}, limit: jobsShown},
		{query: "?kind=calendar_sync", want: []string{"job-4", "job-2"}, kind: "calendar_sync", limit: jobsSearched,
			summary: "2 of the 500 most recent jobs match."},
		{query: "?state=discarded", want: []string{"job-4", "job-3"}, state: "discarded", limit: jobsSearched},
		{query: "?kind=directory_sync&state=completed", want: []string{"job-1"}, kind: "directory_sync", state: "completed", limit: jobsSearched},
		{query: "?kind=transcript_import&state=running", kind: "transcript_import", state: "running", limit: jobsSearched,
			empty: "No job matches these filters."},
		{query: "?kind=%3Cscript%3E&state=lost", want: []string{"job-4", "job-3", "job-2", "job-1"}, limit: jobsShown},
	}
	for _, tc := range tests {
		r := h.get("/admin/jobs" + tc.query)
		h.expectStatus(r, http.StatusOK)
		if diff := cmp.Diff(tc.want, ids(r)); diff != "" {
			t.Errorf("%s: rows (-want +got):\n%s", tc.query, diff)
		}
		for sel, want := range map[string]string{"#filter-kind": tc.kind, "#filter-state": tc.state} {
			got := ""
			for _, o := range r.FindAll(sel + " option[selected]") {
				got = browser.Attr(o, "value")
			}
			if got != want {
				t.Errorf("%s: %s selects %q, want %q", tc.query, sel, got, want)
			}
		}
		if fj.limit != tc.limit {
			t.Errorf("%s: Recent limit = %d, want %d", tc.query, fj.limit, tc.limit)
		}
		if tc.summary != "" {
			checkPage(t, r, map[string]string{"#filter-summary": tc.summary, "#clear-filters": "Clear filters"}, nil)
		}
		if tc.empty != "" {
			checkPage(t, r, map[string]string{"p.empty": tc.empty}, nil)
		}
	}
	kinds := h.get("/admin/jobs").FindAll("#filter-kind option")
	var labels []string
	for _, o := range kinds {
		labels = append(labels, browser.Text(o))
	}
	if diff := cmp.Diff([]string{"any kind", "Calendar sync", "Directory sync"}, labels); diff != "" {
		t.Errorf("kind choices (-want +got):\n%s", diff)
	}
}
