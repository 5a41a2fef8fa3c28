package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
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
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
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

// TestRecordingsOnlyUsers checks who the periodic recordings re-sync
// visits: the users whose grant is usable for recordings and not for
// meetings, whose recordings the calendar sync does not discover.
func TestRecordingsOnlyUsers(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		grants := grant.NewStore(db, time.Now)
		for id, granted := range map[string][]string{
			"u-drive":     {scopes.OpenID, scopes.Email, scopes.DriveReadonly},
			"u-both":      {scopes.OpenID, scopes.Email, scopes.DriveReadonly, scopes.CalendarEventsReadonly},
			"u-suspended": {scopes.OpenID, scopes.Email, scopes.DriveReadonly, scopes.CalendarReadonly},
			"u-calendar":  {scopes.OpenID, scopes.Email, scopes.CalendarReadonly},
			"u-revoked":   {scopes.OpenID, scopes.Email, scopes.DriveReadonly},
		} {
			if _, err := grants.Record(ctx, id, "client", granted); err != nil {
				t.Fatal(err)
			}
		}
		if err := grants.Revoke(ctx, "u-revoked", "test"); err != nil {
			t.Fatal(err)
		}
		// With its calendar scope suspended, the calendar sync no longer
		// discovers this user's recordings.
		if err := grants.Suspend(ctx, "u-suspended", scopes.CalendarReadonly); err != nil {
			t.Fatal(err)
		}
		got, err := recordingsOnlyUsers(grants)(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"u-drive", "u-suspended"}, got); diff != "" {
			t.Errorf("recordingsOnlyUsers (-want +got):\n%s", diff)
		}
	})
}
