package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

func TestStoredFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, code, detail string }{
		{"cancelled", "JobCancelError: [denied.revoked]", "denied.revoked", ""},
		{"with detail", "[transient.backendError] Google answered 503 backendError (after 6 attempts)",
			"transient.backendError", "Google answered 503 backendError (after 6 attempts)"},
		{"detail redacted again", `[permanent.invalid] see "https://x.test/a?pageToken=S"`, "permanent.invalid", `see "https://x.test/a?…"`},
		{"text of an older version", `JobCancelError: listing: Get "http://x.test/?pageToken=S": googlehttp: request refused`, googlehttp.CodeUnknown, ""},
		{"River's own", "PanicError: runtime error: index out of range", googlehttp.CodeUnknown, ""},
		{"detail of two lines", "[permanent.invalid] Google answered 400 invalid: one\ntwo", "permanent.invalid", "Google answered 400 invalid: one\ntwo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if code, detail := failure(tc.in); code != tc.code || detail != tc.detail {
				t.Errorf("failure(%q) = %q, %q; want %q, %q", tc.in, code, detail, tc.code, tc.detail)
			}
		})
	}
}

func TestOutcomeStoresCodeAndDetail(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Get", URL: "https://x.test/?pageToken=S", Err: &googlehttp.DeniedError{Reason: "suspended"}}
	var cancel *river.JobCancelError
	if err := outcome(fmt.Errorf("syncing: %w", refused)); !errors.As(err, &cancel) || err.Error() != "JobCancelError: [denied.suspended]" {
		t.Errorf("outcome of a refusal = %q, want a cancellation with its code only", err)
	}
	if err := outcome(ErrNotWired); !errors.As(err, &cancel) || err.Error() != "JobCancelError: [not_wired]" {
		t.Errorf("outcome of ErrNotWired = %q, want a cancellation", err)
	}
	busy := &googleapi.Error{Code: 503, Errors: []googleapi.ErrorItem{{Reason: "backendError"}}}
	if err := outcome(busy); errors.As(err, &cancel) || err.Error() != "[transient.backendError] Google answered 503 backendError" {
		t.Errorf("outcome of a 503 = %q, want it retried, with its code and detail", err)
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
