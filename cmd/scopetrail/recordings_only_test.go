package main

import (
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
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
	b := browser.New(t)
	home := b.Get(a.base + "/")
	dash := b.Consent(b.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	// Let the periodic re-sync run first (when River starts, then hourly),
	// so that only the sync queued by linking can find the files. The first
	// user is an admin, who sees the jobs.
	waitForJobs(t, a, b, "the periodic recordings re-sync", func(p *browser.Page) bool {
		for _, row := range p.FindAll(`tr[class="state-completed"]`) {
			if strings.Contains(browser.Text(row), "Periodic recordings re-sync") {
				return true
			}
		}
		return false
	})
	b.Consent(b.Submit(dash, `form[action="/link/recordings"]`, nil), browser.Answer{})

	list := waitForRecordings(t, a, b, "no recordings discovered")
	if strings.Contains(list.Content, ">failed<") {
		t.Errorf("a file failed:\n%s", list.Content)
	}
	jobsPage := b.Get(a.base + "/admin/jobs")
	if strings.Contains(jobsPage.Content, "Calendar sync") {
		t.Errorf("a calendar sync ran for a member without calendars:\n%s", jobsPage.Content)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// waitForJobs polls the admin's Jobs page until done accepts it, or fails
// the test after 30 seconds.
func waitForJobs(t *testing.T, a *app, b *browser.Browser, what string, done func(*browser.Page) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p := b.Get(a.base + "/admin/jobs")
		if done(p) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s:\n%s\nlogs:\n%s", what, p.Content, a.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
