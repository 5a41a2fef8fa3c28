package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// Defaults of Options.
const (
	DefaultDirectoryEvery  = time.Hour
	DefaultCalendarEvery   = 15 * time.Minute
	DefaultRecordingsEvery = time.Hour
	DefaultMaxAttempts     = 5
)

// Queues: downloads are long, so they run in their own queue and never hold
// up the syncs.
const (
	queueSync      = river.QueueDefault
	queueDownloads = "downloads"
)

// Options configure a Runner.
type Options struct {
	// DB is the application's database; River's tables go into it.
	// Required.
	DB *sqldb.DB
	// URL is the PostgreSQL URL DB was opened with; River's PostgreSQL
	// driver opens its own pgx pool from it. Required for PostgreSQL,
	// ignored for SQLite.
	URL string
	// Workers are the functions the jobs run.
	Workers Workers
	// DirectoryEvery, CalendarEvery and RecordingsEvery space the periodic
	// re-syncs; zero means DefaultDirectoryEvery, DefaultCalendarEvery and
	// DefaultRecordingsEvery, a negative value turns the re-sync off.
	DirectoryEvery, CalendarEvery, RecordingsEvery time.Duration
	// MaxAttempts bounds the attempts of each job; zero means
	// DefaultMaxAttempts.
	MaxAttempts int
	// PollInterval is how often idle workers look for new jobs; zero means
	// River's default (one second). Tests lower it.
	PollInterval time.Duration
	// Logger receives River's logs; nil means slog.Default.
	Logger *slog.Logger
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

// Runner enqueues and works the jobs. Create it with Open, then Start it
// to work jobs; a Runner that is never started only enqueues and lists.
// Its Enqueue methods and Recent are safe for concurrent use. On SQLite the database has a
// single connection, so never enqueue from inside a sqldb transaction.
type Runner struct {
	client  riverClient
	workers Workers
	pool    *pgxpool.Pool // nil on SQLite
	started bool
}

// Open runs River's migrations on o.DB and returns a Runner that is not
// started yet.
func Open(ctx context.Context, o Options) (*Runner, error) {
	if o.DB == nil {
		return nil, errors.New("jobs.Open: Options.DB is required")
	}
	r := &Runner{workers: o.Workers}
	cfg := r.config(o)
	var err error
	switch o.DB.Dialect {
	case sqldb.SQLite:
		r.client, err = newClient(ctx, riversqlite.New(o.DB.DB), cfg)
	case sqldb.Postgres:
		if o.URL == "" {
			return nil, errors.New("jobs.Open: Options.URL is required for PostgreSQL")
		}
		if r.pool, err = pgxpool.New(ctx, o.URL); err != nil {
			return nil, fmt.Errorf("jobs.Open: opening the PostgreSQL pool: %w", err)
		}
		r.client, err = newClient(ctx, riverpgxv5.New(r.pool), cfg)
	default:
		return nil, fmt.Errorf("jobs.Open: unsupported dialect %q", o.DB.Dialect)
	}
	if err != nil {
		r.close()
		return nil, fmt.Errorf("jobs.Open: %w", err)
	}
	return r, nil
}

// newClient migrates River's tables up to date and creates a client.
func newClient[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], cfg *river.Config) (riverClient, error) {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("rivermigrate.New: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("running River's migrations: %w", err)
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("river.NewClient: %w", err)
	}
	return c, nil
}

// config builds River's configuration: the workers, the queues, and the
// periodic re-syncs of the enumerators that are set.
func (r *Runner) config(o Options) *river.Config {
	cfg := &river.Config{
		Logger:      o.Logger,
		MaxAttempts: o.MaxAttempts,
		Queues: map[string]river.QueueConfig{
			queueSync:      {MaxWorkers: 4},
			queueDownloads: {MaxWorkers: 2},
		},
		Workers: r.register(),
		// A download may run for its whole timeout; only then is a job
		// whose replica died taken up again.
		RescueStuckJobsAfter: downloadTimeout + 30*time.Minute,
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if o.PollInterval > 0 {
		cfg.FetchPollInterval = o.PollInterval
		cfg.FetchCooldown = min(o.PollInterval, 100*time.Millisecond)
	}
	cfg.PeriodicJobs = r.periodic(o)
	return cfg
}

// periodic returns the periodic re-syncs that are wired and not turned off.
// Each runs once when a leader starts, then at its interval.
func (r *Runner) periodic(o Options) []*river.PeriodicJob {
	var out []*river.PeriodicJob
	add := func(every, def time.Duration, wired bool, args river.JobArgs) {
		if every == 0 {
			every = def
		}
		if every < 0 || !wired {
			return
		}
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return args, &river.InsertOpts{UniqueOpts: pendingUnique} },
			&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true}))
	}
	w := o.Workers
	add(o.DirectoryEvery, DefaultDirectoryEvery, w.DirectoryUsers != nil && w.SyncDirectory != nil, resyncDirectoryArgs{})
	add(o.CalendarEvery, DefaultCalendarEvery, w.CalendarUsers != nil && w.SyncCalendars != nil, resyncCalendarsArgs{})
	add(o.RecordingsEvery, DefaultRecordingsEvery, w.RecordingsUsers != nil && w.SyncRecordings != nil, resyncRecordingsArgs{})
	return out
}

// Start starts working jobs in the background until Stop is called or ctx
// ends.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: starting River: %w", err)
	}
	r.started = true
	return nil
}

// Stop stops working jobs and releases the Runner's connections. It waits
// for running jobs to finish until ctx ends, then cancels them; a
// cancelled job is retried later, by whichever replica runs then.
func (r *Runner) Stop(ctx context.Context) error {
	defer r.close()
	if !r.started {
		return nil
	}
	r.started = false
	err := r.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = r.client.StopAndCancel(cctx)
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
