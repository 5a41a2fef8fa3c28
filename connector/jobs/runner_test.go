package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/jobs"
)

func TestEnqueueAndWork(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		c := &calls{}
		r := b.open(t, c.workers())
		start(t, r)
		ctx := context.Background()
		for _, err := range []error{
			r.EnqueueDirectorySync(ctx, "u1"),
			r.EnqueueCalendarSync(ctx, "u2"),
			r.EnqueueRecordingDownload(ctx, "u3", "rec-a"),
			r.EnqueueTranscriptImport(ctx, "u3", "rec-b"),
		} {
			if err != nil {
				t.Fatalf("Enqueue: %v", err)
			}
		}
		got := waitFor(t, r, "four completed jobs", allIn(4, "completed"))
		want := []string{"calendars u2", "directory u1", "download u3 rec-a", "transcript u3 rec-b"}
		if diff := cmp.Diff(want, c.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
		type row struct{ Kind, User, Recording string }
		var rows []row
		for _, j := range got {
			rows = append(rows, row{j.Kind, j.UserID, j.RecordingID})
			if j.Attempt != 1 || j.FinishedAt.IsZero() || j.AttemptedAt.IsZero() || j.LastErrorCode != "" {
				t.Errorf("job %+v: want one attempt, finished, no error", j)
			}
		}
		wantRows := []row{ // newest first
			{jobs.KindTranscriptImport, "u3", "rec-b"}, {jobs.KindRecordingDownload, "u3", "rec-a"},
			{jobs.KindCalendarSync, "u2", ""}, {jobs.KindDirectorySync, "u1", ""},
		}
		if diff := cmp.Diff(wantRows, rows); diff != "" {
			t.Errorf("Recent (-want +got):\n%s", diff)
		}
	})
}

func TestEnqueueIsUniqueWhilePending(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		c := &calls{}
		r := b.open(t, c.workers()) // not started: the jobs stay available
		ctx := context.Background()
		for range 3 {
			for _, err := range []error{
				r.EnqueueDirectorySync(ctx, "u1"), r.EnqueueDirectorySync(ctx, "u2"),
				r.EnqueueCalendarSync(ctx, "u1"),
				r.EnqueueRecordingDownload(ctx, "u1", "rec-a"), r.EnqueueRecordingDownload(ctx, "u1", "rec-b"),
				r.EnqueueTranscriptImport(ctx, "u1", "rec-a"),
			} {
				if err != nil {
					t.Fatalf("Enqueue: %v", err)
				}
			}
		}
		got := waitFor(t, r, "six available jobs", allIn(6, "available"))
		var keys []string
		for _, j := range got {
			keys = append(keys, strings.TrimSpace(j.Kind+" "+j.UserID+" "+j.RecordingID))
		}
		want := []string{"transcript_import u1 rec-a", "recording_download u1 rec-b", "recording_download u1 rec-a",
			"calendar_sync u1", "directory_sync u2", "directory_sync u1"}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("jobs (-want +got):\n%s", diff)
		}
		// Once a job finishes, the same one can be enqueued again.
		start(t, r)
		waitFor(t, r, "six completed jobs", allIn(6, "completed"))
		if err := r.EnqueueDirectorySync(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, r, "seven completed jobs", allIn(7, "completed"))
	})
}

func TestEnqueueErrors(t *testing.T) {
	t.Parallel()
	b := backend{url: t.TempDir() + "/jobs.db"}
	r := b.open(t, jobs.Workers{SyncCalendars: func(context.Context, string) error { return nil }})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"directory not wired", r.EnqueueDirectorySync(ctx, "u1"), jobs.ErrNotWired},
		{"download not wired", r.EnqueueRecordingDownload(ctx, "u1", "r"), jobs.ErrNotWired},
		{"transcript not wired", r.EnqueueTranscriptImport(ctx, "u1", "r"), jobs.ErrNotWired},
		{"empty user", r.EnqueueCalendarSync(ctx, ""), nil},
	} {
		if tc.want != nil && !errors.Is(tc.err, tc.want) || tc.want == nil && tc.err == nil {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func TestRefusedByDoorIsCancelled(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		var n atomic.Int32
		refused := &url.Error{Op: "Get", URL: "https://people.googleapis.com/v1/people:listDirectoryPeople?pageToken=p1",
			Err: &googlehttp.DeniedError{Reason: "revoked", Method: "people.people.listDirectoryPeople"}}
		r := b.open(t, jobs.Workers{SyncDirectory: func(context.Context, string) error {
			n.Add(1)
			return fmt.Errorf("listing the directory: %w", refused)
		}})
		start(t, r)
		if err := r.EnqueueDirectorySync(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
		got := waitFor(t, r, "a cancelled job", allIn(1, "cancelled"))
		if n.Load() != 1 || got[0].Attempt != 1 {
			t.Errorf("worked %d times, attempt %d; want once", n.Load(), got[0].Attempt)
		}
		if got[0].LastErrorCode != "denied.revoked" || got[0].LastErrorDetail != "" {
			t.Errorf("last error %q %q, want the refusal's code, without the URL or its page token", got[0].LastErrorCode, got[0].LastErrorDetail)
		}
	})
}

func TestFinalFailureShowsItsReason(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		r := b.open(t, jobs.Workers{SyncCalendars: func(context.Context, string) error {
			return fmt.Errorf("listing events: %w", &googleapi.Error{Code: 503, Message: `see "https://www.googleapis.com/calendar/v3/calendars/primary/events?syncToken=SECRET"`,
				Errors: []googleapi.ErrorItem{{Reason: "backendError"}}})
		}}, func(o *jobs.Options) { o.MaxAttempts = 1 })
		start(t, r)
		if err := r.EnqueueCalendarSync(context.Background(), "u1"); err != nil {
			t.Fatal(err)
		}
		got := waitFor(t, r, "a discarded job", allIn(1, "discarded"))
		want := `Google answered 503 backendError: see "https://www.googleapis.com/calendar/v3/calendars/primary/events?…"`
		if got[0].LastErrorCode != "transient.backendError" || got[0].LastErrorDetail != want || got[0].LastErrorAt.IsZero() || got[0].MaxAttempts != 1 {
			t.Errorf("job = %+v, want code transient.backendError and detail %q", got[0], want)
		}
	})
}

func TestPeriodicResync(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		c := &calls{}
		w := c.workers()
		w.CalendarUsers = func(context.Context) ([]string, error) { return []string{"u1", "u2"}, nil }
		w.DirectoryUsers = func(context.Context) ([]string, error) { return []string{"admin"}, nil }
		r := b.open(t, w, func(o *jobs.Options) { o.CalendarEvery, o.DirectoryEvery = time.Hour, time.Hour })
		start(t, r)
		// Each re-sync runs when the runner starts, and enqueues one job per user.
		waitFor(t, r, "five completed jobs", allIn(5, "completed"))
		want := []string{"calendars u1", "calendars u2", "directory admin"}
		if diff := cmp.Diff(want, c.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
}
