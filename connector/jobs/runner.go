package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// DefaultMaxAttempts bounds the attempts of each job when
// Options.MaxAttempts is zero.
const DefaultMaxAttempts = 5

// Options configure a Runner.
type Options struct {
	// DB is the application's database; River's tables go into it.
	// Required.
	DB *sqldb.DB
	// URL is the PostgreSQL URL DB was opened with; River's PostgreSQL
	// driver opens its own pgx pool from it. Required for PostgreSQL,
	// ignored for SQLite.
	URL string
	// MaxAttempts bounds the attempts of each job; zero means
	// DefaultMaxAttempts.
	MaxAttempts int
	// PollInterval is how often idle workers look for new jobs; zero means
	// River's default (one second). Tests lower it.
	PollInterval time.Duration
	// Logger receives River's logs; nil means slog.Default.
	Logger *slog.Logger
	// RescueAfter is how long a running job may go without a heartbeat
	// before it is put back for another process: its process is taken to
	// have died (SIGKILL, a lost machine). A running job beats four times in
	// that time, so a long download that is alive is never taken up twice.
	// Zero means DefaultRescueAfter.
	RescueAfter time.Duration
}

// riverClient is what a Runner uses of a *river.Client, whatever its driver.
type riverClient interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// Runner enqueues and works the jobs. Open it first, so that the features
// can register their kinds (Register) and enqueue from the start; then
// Start it to work them. A Runner that is never started only enqueues and
// lists. Its queues and Recent are safe for concurrent use.
type Runner struct {
	o Options
	// inserter enqueues and lists until Start; it works no job.
	inserter riverClient
	// newWorking creates the client that works the registered kinds.
	newWorking func(cfg *river.Config) (riverClient, error)
	pool       *pgxpool.Pool // nil on SQLite

	mu       sync.Mutex
	workers  *river.Workers
	kinds    map[string]string // label by kind
	longest  time.Duration     // the longest timeout of a kind
	periodic []*river.PeriodicJob
	working  riverClient // nil until Start
	// stopRescues ends the rescues started by Start; rescuesDone is closed
	// when they have ended.
	stopRescues context.CancelFunc
	rescuesDone chan struct{}
}

// Open runs River's migrations on o.DB and returns a Runner that enqueues
// at once and works nothing until Start.
func Open(ctx context.Context, o Options) (*Runner, error) {
	if o.DB == nil {
		return nil, errors.New("jobs.Open: Options.DB is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	r := &Runner{o: o, workers: river.NewWorkers(), kinds: map[string]string{}}
	var err error
	switch o.DB.Dialect {
	case sqldb.SQLite:
		err = openWith(ctx, r, riversqlite.New(o.DB.DB))
	case sqldb.Postgres:
		if o.URL == "" {
			return nil, errors.New("jobs.Open: Options.URL is required for PostgreSQL")
		}
		if r.pool, err = pgxpool.New(ctx, o.URL); err != nil {
			return nil, fmt.Errorf("jobs.Open: opening the PostgreSQL pool: %w", err)
		}
		err = o.DB.SchemaLocked(ctx, riverMigrationLockSpace, func() error { return openWith(ctx, r, riverpgxv5.New(r.pool)) })
	default:
		return nil, fmt.Errorf("jobs.Open: unsupported dialect %q", o.DB.Dialect)
	}
	if err != nil {
		r.close()
		return nil, fmt.Errorf("jobs.Open: %w", err)
	}
	return r, nil
}

// openWith migrates River's tables up to date on driver, creates r's
// inserting client and keeps how to create its working one.
func openWith[TTx any](ctx context.Context, r *Runner, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: r.o.Logger})
	if err != nil {
		return fmt.Errorf("rivermigrate.New: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("running River's migrations: %w", err)
	}
	if r.inserter, err = river.NewClient(driver, &river.Config{Logger: r.o.Logger, MaxAttempts: r.maxAttempts()}); err != nil {
		return fmt.Errorf("river.NewClient: %w", err)
	}
	r.newWorking = func(cfg *river.Config) (riverClient, error) { return river.NewClient(driver, cfg) }
	return nil
}

// config builds the working client's configuration: the registered kinds,
// the queues and the periodic jobs.
func (r *Runner) config() *river.Config {
	cfg := &river.Config{
		Logger:      r.o.Logger,
		MaxAttempts: r.maxAttempts(),
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 4},
			QueueDownloads:     {MaxWorkers: 2},
		},
		Workers:      r.workers,
		PeriodicJobs: r.periodic,
		// A job whose process died is put back by the Runner's own rescues,
		// which read its heartbeats; River's rescuer, which reads only when
		// the attempt started and waits for the kind's timeout, is the
		// backstop.
		RescueStuckJobsAfter: r.longest + 30*time.Minute,
	}
	if r.o.PollInterval > 0 {
		cfg.FetchPollInterval = r.o.PollInterval
		cfg.FetchCooldown = min(r.o.PollInterval, 100*time.Millisecond)
	}
	return cfg
}

// maxAttempts is Options.MaxAttempts or its default.
func (r *Runner) maxAttempts() int {
	if r.o.MaxAttempts == 0 {
		return DefaultMaxAttempts
	}
	return r.o.MaxAttempts
}

// client returns the client that inserts and lists: once started, the one
// that works the jobs, so that it learns of new ones at once.
func (r *Runner) client() riverClient {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.working != nil {
		return r.working
	}
	return r.inserter
}

// Start starts working the registered kinds in the background until Stop
// is called or ctx ends. After Start, no kind can be registered.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.working != nil {
		return errors.New("jobs: started twice")
	}
	if len(r.kinds) == 0 {
		return errors.New("jobs: starting with no kind of job registered")
	}
	c, err := r.newWorking(r.config())
	if err != nil {
		return fmt.Errorf("jobs: river.NewClient: %w", err)
	}
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("jobs: starting River: %w", err)
	}
	r.working = c
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.stopRescues, r.rescuesDone = cancel, make(chan struct{})
	go func() {
		defer close(r.rescuesDone)
		r.rescueLoop(rctx)
	}()
	return nil
}

// Stop stops working jobs and releases the Runner's connections. It waits
// for running jobs to finish until ctx ends, then cancels them; a
// cancelled job is retried later, by whichever replica runs then.
func (r *Runner) Stop(ctx context.Context) error {
	defer r.close()
	r.mu.Lock()
	c, stopRescues := r.working, r.stopRescues
	r.mu.Unlock()
	if c == nil {
		return nil
	}
	stopRescues()
	<-r.rescuesDone
	err := c.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = c.StopAndCancel(cctx)
	}
	if err != nil {
		return fmt.Errorf("jobs: stopping River: %w", err)
	}
	return nil
}

// close closes the PostgreSQL pool, if any.
func (r *Runner) close() {
	if r.pool != nil {
		r.pool.Close()
	}
}
