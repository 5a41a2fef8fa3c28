package jobs

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "googleapi: Error 503: backendError", "googleapi: Error 503: backendError"},
		{"query string", `Get "https://people.googleapis.com/v1/people:listDirectoryPeople?syncToken=abc&pageToken=def": EOF`,
			`Get "https://people.googleapis.com/v1/people:listDirectoryPeople?…": EOF`},
		{"fragment", "see http://x.test/a#access_token=t", "see http://x.test/a?…"},
		{"bearer", "Authorization: Bearer ya29.secret-value", "Authorization: Bearer …"},
		{"token fields", `{"access_token": "ya29.a", "refresh_token":"1//r"} code=4/abc`, `{"access_token": "…", "refresh_token":"…"} code=…`},
		{"long", strings.Repeat("é", 600), strings.Repeat("é", 500) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := redact(tc.in); got != tc.want {
				t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOutcomeKeepsTheError(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	if err := outcome(base); !errors.Is(err, base) {
		t.Errorf("outcome(%v) = %v, want it wrapped", base, err)
	}
	if outcome(nil) != nil {
		t.Error("outcome(nil) != nil")
	}
}

// TestFanOutSkipsPendingJobs checks that a periodic re-sync does not pile a
// second job onto a user whose sync has not run yet.
func TestFanOutSkipsPendingJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sync := func(context.Context, string) error { return nil }
	r, err := Open(ctx, Options{DB: db, Logger: slog.New(slog.DiscardHandler), Workers: Workers{SyncCalendars: sync}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx)
	if err := r.EnqueueCalendarSync(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	users := func(context.Context) ([]string, error) { return []string{"u1", "u2", "u3"}, nil }
	for range 2 {
		if err := r.fanOut(ctx, users, func(u string) river.JobArgs { return calendarSyncArgs{UserID: u} }); err != nil {
			t.Fatalf("fanOut: %v", err)
		}
	}
	got, err := r.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, j := range got {
		keys = append(keys, j.Kind+" "+j.UserID)
	}
	if diff := cmp.Diff([]string{"calendar_sync u3", "calendar_sync u2", "calendar_sync u1"}, keys); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
}
