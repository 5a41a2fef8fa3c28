package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// jobsStopTimeout bounds how long running jobs may take to finish at
// shutdown; then they are cancelled, and retried by the next process.
const jobsStopTimeout = 20 * time.Second

// background owns the durable job runner and the audit trail's timed
// checkpoints and usage roll-up across start-up: newApp opens the runner before the features,
// which register their kinds on it, and hands over the trail; serve starts
// both once the app is ready and stops them after the HTTP server has shut
// down.
type background struct {
	// dbURL is DATABASE_URL; River's PostgreSQL driver opens its own pool.
	dbURL string
	// rescueAfter is JOBS_RESCUE_AFTER (jobs.Options.RescueAfter).
	rescueAfter time.Duration
	log         *slog.Logger
	runner      *jobs.Runner
	// trail is signed and witnessed on a timer while the app serves;
	// closeWitnesses closes its witnesses once that has stopped.
	trail           *audit.Trail
	closeWitnesses  func() error
	stopCheckpoints context.CancelFunc
	checkpointsDone chan struct{}
}

// open runs River's migrations on db and opens the runner, which
// enqueues at once and works the kinds the features register once started.
// River's informational lines are logged at debug (quietLogger).
func (b *background) open(ctx context.Context, db *sqldb.DB) (*jobs.Runner, error) {
	r, err := jobs.Open(ctx, jobs.Options{DB: db, URL: b.dbURL, RescueAfter: b.rescueAfter, Logger: quietLogger(b.log).With("component", "jobs")})
	if err != nil {
		return nil, err // jobs.Open names itself
	}
	b.runner = r
	return r, nil
}

// start starts working jobs, checkpointing the trail and keeping its usage
// roll-up current. They outlive ctx: stop ends them.
func (b *background) start(ctx context.Context) error {
	if b.trail != nil {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		b.stopCheckpoints, b.checkpointsDone = cancel, make(chan struct{})
		go func() {
			defer close(b.checkpointsDone)
			var wg sync.WaitGroup
			wg.Go(func() { b.trail.RunCheckpoints(cctx) })
			wg.Go(func() { b.trail.RunUsageRollup(cctx, 0) })
			wg.Wait()
		}()
	}
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
	if b.runner != nil {
		ctx, cancel := context.WithTimeout(context.Background(), jobsStopTimeout)
		defer cancel()
		if err := b.runner.Stop(ctx); err != nil {
			b.log.Error("stopping jobs", "err", err)
		}
	}
	if b.stopCheckpoints != nil {
		b.stopCheckpoints()
		<-b.checkpointsDone
	}
	if b.closeWitnesses != nil {
		if err := b.closeWitnesses(); err != nil {
			b.log.Error("closing the audit witnesses", "err", err)
		}
	}
}
