package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// failingSync is a sync whose work fails as the directory sync does when the
// door refuses the user.
type failingSync jobs.UserArgs

// Kind names the job kind.
func (failingSync) Kind() string { return "failing_sync" }

// TestJobsPageShowsWordsForARealFailure runs a job through the real runner
// that fails as a sync does when the door refuses the user, and checks that
// the Jobs page says so in words, without River's or Go's error text.
func TestJobsPageShowsWordsForARealFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	refused := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/v1/people:listDirectoryPeople?pageToken=p1",
		Err: &googlehttp.DeniedError{Reason: "revoked", Method: "people.people.listDirectoryPeople"}}
	r, err := jobs.Open(ctx, jobs.Options{DB: db, PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	q, err := jobs.Register(r, jobs.Kind[failingSync]{Label: "Failing sync", Timeout: time.Minute,
		Work: func(context.Context, failingSync) error { return fmt.Errorf("listing the directory: %w", refused) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(sctx)
	})
	if err := q.Enqueue(ctx, failingSync{UserID: alice.ID}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		list, err := r.Recent(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 && list[0].State == "cancelled" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs = %+v, want one cancelled", list)
		}
	}

	h := newHarness(t)
	deps := h.deps()
	deps.Jobs = r
	h.serve(h.config(), deps)
	h.signIn(alice)
	page := h.get("/admin/jobs")
	h.expectStatus(page, http.StatusOK)
	rows := page.FindAll("table.jobs tbody tr")
	if len(rows) != 1 {
		t.Fatalf("the Jobs page lists %d jobs, want 1", len(rows))
	}
	got := browser.Text(browser.FindAllIn(rows[0], "td.error")[0])
	for _, bad := range []string{"JobCancelError", "http://", "googlehttp", "p1", "request refused"} {
		if strings.Contains(got, bad) {
			t.Errorf("the job's error cell %q shows %q", got, bad)
		}
	}
	if want := "Google access was revoked"; !strings.HasPrefix(got, want) {
		t.Errorf("the job's error cell says %q, want it to start with %q", got, want)
	}
}
