package jobs_test

import (
	"context"
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
			{kindTranscript, "u3", "rec-b"}, {kindDownload, "u3", "rec-a"},
			{kindCalendars, "u2", ""}, {kindDirectory, "u1", ""},
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
		want := []string{kindTranscript + " u1 rec-a", kindDownload + " u1 rec-b", kindDownload + " u1 rec-a",
			kindCalendars + " u1", kindDirectory + " u2", kindDirectory + " u1"}
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

// TestEnqueueRefusesEmptyIDs refuses a job without the ids it needs.
func TestEnqueueRefusesEmptyIDs(t *testing.T) {
	t.Parallel()
	b := backend{url: t.TempDir() + "/jobs.db"}
	r := b.open(t, (&calls{}).workers())
	ctx := context.Background()
	for name, err := range map[string]error{
		"empty user":      r.EnqueueCalendarSync(ctx, ""),
		"empty recording": r.EnqueueRecordingDownload(ctx, "u1", ""),
	} {
		if err == nil || !strings.Contains(err.Error(), "empty user or recording id") {
			t.Errorf("%s: err = %v, want the empty id refused", name, err)
		}
	}
}

// TestRegisterRefusesMistakes refuses a kind without its work, a kind
// registered twice, and a kind registered once the runner works jobs; and
// a runner with no kind does not start.
func TestRegisterRefusesMistakes(t *testing.T) {
	t.Parallel()
	b := backend{url: t.TempDir() + "/jobs.db"}
	empty := b.open(t, workers{})
	if err := empty.Start(context.Background()); err == nil {
		t.Error("Start with no kind registered: err = nil")
	}
	r := b.open(t, (&calls{}).workers())
	work := func(context.Context, calendarArgs) error { return nil }
	if _, err := jobs.Register(r.Runner, jobs.Kind[calendarArgs]{Label: "Calendars", Work: work}); err == nil {
		t.Error("Register without a timeout: err = nil")
	}
	if _, err := jobs.Register(r.Runner, jobs.Kind[calendarArgs]{Label: "Calendars", Work: work, Timeout: time.Minute}); err == nil {
		t.Error("Register twice: err = nil")
	}
	start(t, r)
	if _, err := jobs.Register(r.Runner, jobs.Kind[recordingsArgs]{Label: "Recordings", Timeout: time.Minute,
		Work: func(context.Context, recordingsArgs) error { return nil }}); err == nil {
		t.Error("Register after Start: err = nil")
	}
}

func TestRefusedByDoorIsCancelled(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		var n atomic.Int32
		refused := &url.Error{Op: "Get", URL: "https://people.googleapis.com/v1/people:listDirectoryPeople?pageToken=p1",
			Err: &googlehttp.DeniedError{Reason: "revoked", Method: "people.people.listDirectoryPeople"}}
		r := b.open(t, workers{SyncDirectory: func(context.Context, string) error {
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
		r := b.open(t, workers{SyncCalendars: func(context.Context, string) error {
			return fmt.Errorf("listing events: %w", &googleapi.Error{Code: 503, Message: `see "https://www.googleapis.com/calendar/v3/calendars/primary/events?syncToken=SECRET"`,
				Errors: []googleapi.ErrorItem{{Reason: "backendError"}}})
		}}, func(o *settings) { o.MaxAttempts = 1 })
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
		r := b.open(t, w, func(o *settings) { o.CalendarEvery, o.DirectoryEvery = time.Hour, time.Hour })
		start(t, r)
		// Each re-sync runs when the runner starts, and enqueues one job per user.
		waitFor(t, r, "five completed jobs", allIn(5, "completed"))
		want := []string{"calendars u1", "calendars u2", "directory admin"}
		if diff := cmp.Diff(want, c.sorted()); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
}
