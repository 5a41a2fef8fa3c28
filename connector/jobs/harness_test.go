package jobs_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// backend names a database that tests can open several times, as
// restarted processes would.
type backend struct {
	url string // a SQLite path or a PostgreSQL URL
}

// eachBackend runs fn on a fresh SQLite database and, when
// TEST_POSTGRES_URL is set, on a fresh PostgreSQL schema.
func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, backend{url: filepath.Join(t.TempDir(), "jobs.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, backend{url: sqldbtest.PostgresURL(t)})
	})
}

// settings are a test's Options and the periods of its re-syncs, each
// off unless a test sets it.
type settings struct {
	jobs.Options
	DirectoryEvery, CalendarEvery, RecordingsEvery time.Duration
}

// open opens a Runner on the backend with fast polling, registers the test
// kinds of w, and stops the Runner when the test ends.
func (b backend) open(t *testing.T, w workers, change ...func(*settings)) *runner {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, b.url)
	if err != nil {
		t.Fatalf("sqldb.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	o := settings{Options: jobs.Options{DB: db, URL: b.url, PollInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}}
	for _, c := range change {
		c(&o)
	}
	r, err := jobs.Open(ctx, o.Options)
	if err != nil {
		t.Fatalf("jobs.Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	tr, err := register(r, w, o)
	if err != nil {
		t.Fatalf("registering the test kinds: %v", err)
	}
	return tr
}

// start starts r until the test ends.
func start(t *testing.T, r *runner) {
	t.Helper()
	if err := r.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
}

// calls records the calls of Workers functions.
type calls struct {
	mu  sync.Mutex
	got []string
}

func (c *calls) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, s)
}

// sorted returns the calls so far, sorted.
func (c *calls) sorted() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(slices.Values(c.got))
}

// workers returns the functions of the test kinds, which record their
// calls as "kind user [recording]" and succeed.
func (c *calls) workers() workers {
	return workers{
		SyncDirectory: func(_ context.Context, u string) error { c.add("directory " + u); return nil },
		SyncCalendars: func(_ context.Context, u string) error { c.add("calendars " + u); return nil },
		DownloadRecording: func(_ context.Context, u, rec string) error {
			c.add("download " + u + " " + rec)
			return nil
		},
		ImportTranscript: func(_ context.Context, u, rec string) error {
			c.add("transcript " + u + " " + rec)
			return nil
		},
	}
}

// waitFor polls r's recent jobs until ok accepts them, or fails the test
// after ten seconds.
func waitFor(t *testing.T, r *runner, what string, ok func([]jobs.Info) bool) []jobs.Info {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := r.Recent(context.Background(), 100)
		if err != nil {
			t.Fatalf("Recent: %v", err)
		}
		if ok(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; jobs: %+v", what, got)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// allIn reports whether every job is in state, and there are n of them.
func allIn(n int, state string) func([]jobs.Info) bool {
	return func(in []jobs.Info) bool {
		if len(in) != n {
			return false
		}
		for _, j := range in {
			if j.State != state {
				return false
			}
		}
		return true
	}
}
