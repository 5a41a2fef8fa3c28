package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The job runner lists the jobs for the admin Jobs page and queues the
// first sync of a feature right after it is linked.
var (
	_ web.Jobs      = (*jobs.Runner)(nil)
	_ web.LinkSyncs = (*jobs.Runner)(nil)
)

// jobsStopTimeout bounds how long running jobs may take to finish at
// shutdown; then they are cancelled, and retried by the next process.
const jobsStopTimeout = 20 * time.Second

// background owns the durable job runner across start-up: newApp opens it
// with the workers it builds, serve starts it once the app is ready and
// stops it after the HTTP server has shut down.
type background struct {
	// dbURL is DATABASE_URL; River's PostgreSQL driver opens its own pool.
	dbURL  string
	log    *slog.Logger
	runner *jobs.Runner
}

// openJobs runs River's migrations on db and opens the runner with the
// workers w.
func (b *background) openJobs(ctx context.Context, db *sqldb.DB, w jobs.Workers) (*jobs.Runner, error) {
	r, err := jobs.Open(ctx, jobs.Options{DB: db, URL: b.dbURL, Workers: w, Logger: b.log.With("component", "jobs")})
	if err != nil {
		return nil, err // jobs.Open names itself
	}
	b.runner = r
	return r, nil
}

// start starts working jobs. The runner outlives ctx: stop ends it.
func (b *background) start(ctx context.Context) error {
	if b.runner == nil {
		return nil
	}
	if err := b.runner.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs.Runner.Start: %w", err)
	}
	return nil
}

// stop lets running jobs finish for up to jobsStopTimeout, cancels the
// rest, and closes the runner.
func (b *background) stop() {
	if b.runner == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), jobsStopTimeout)
	defer cancel()
	if err := b.runner.Stop(ctx); err != nil {
		b.log.Error("stopping jobs", "err", err)
	}
}

// usersFor returns a Workers enumerator: the users whose grant is usable
// for purpose, as the periodic re-syncs need.
func usersFor(grants *grant.Store, purpose scopes.Purpose) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		all, err := grants.List(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing grants: %w", err)
		}
		var ids []string
		for _, g := range all {
			if slices.Contains(g.Purposes(), purpose) {
				ids = append(ids, g.UserID)
			}
		}
		return ids, nil
	}
}
