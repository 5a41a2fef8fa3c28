package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestRecordingsWithoutCalendars boots the demo on each database, and a
// member who links only recordings (Drive, no calendar) sees their Meet
// files: linking queues a recordings sync, which discovers them in their
// Drive folder without any meeting.
func TestRecordingsWithoutCalendars(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRecordingsWithoutCalendars(t, "") })
	t.Run("postgres", func(t *testing.T) { testRecordingsWithoutCalendars(t, sqldbtest.PostgresURL(t)) })
}

func testRecordingsWithoutCalendars(t *testing.T, databaseURL string) {
	a := startApp(t, databaseURL)
	b := newBrowser(t)
	home := b.do(http.MethodGet, a.base+"/", nil)
	dash := b.consent(b.postForm(home, "/auth/signin", nil))
	// Let the periodic re-sync run first (when River starts, then hourly),
	// so that only the sync queued by linking can find the files. The first
	// user is an admin, who sees the jobs.
	waitForJobs(t, a, b, "the periodic recordings re-sync", func(p *page) bool {
		for _, row := range p.elements("tr", "class", "state-completed") {
			if strings.Contains(textOf(row), "Periodic recordings re-sync") {
				return true
			}
		}
		return false
	})
	b.consent(b.postForm(dash, "/link/recordings", nil), scopes.DriveReadonly)

	list := waitForRecordings(t, a, b, "no recordings discovered")
	if strings.Contains(list.body, ">failed<") {
		t.Errorf("a file failed:\n%s", list.body)
	}
	jobsPage := b.do(http.MethodGet, a.base+"/admin/jobs", nil)
	if strings.Contains(jobsPage.body, "Calendar sync") {
		t.Errorf("a calendar sync ran for a member without calendars:\n%s", jobsPage.body)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// waitForJobs polls the admin's Jobs page until done accepts it, or fails
// the test after 30 seconds.
func waitForJobs(t *testing.T, a *app, b *browser, what string, done func(*page) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p := b.do(http.MethodGet, a.base+"/admin/jobs", nil)
		if done(p) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s:\n%s\nlogs:\n%s", what, p.body, a.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
