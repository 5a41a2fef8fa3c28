package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// QueueDownloads is the queue of long jobs, such as recording downloads:
// they run there so that they never hold up the syncs.
const QueueDownloads = "downloads"

// Kind declares one kind of job: its arguments T, whose Kind method gives
// the name stored in River's river_job.kind column (never change it: queued
// jobs are found by it after an upgrade), and how it is worked. A feature
// registers its kinds with Register and keeps the Queue it gets back.
type Kind[T river.JobArgs] struct {
	// Work does one job. Its errors decide the job's fate (see outcome):
	// a refusal by the door or a revoked grant cancels it, anything else
	// is retried with backoff. Required.
	Work func(ctx context.Context, args T) error
	// Label names the kind for people, on the admin Jobs page. Required.
	Label string
	// Timeout bounds one attempt; then its context is cancelled and the
	// attempt counts as failed. Required.
	Timeout time.Duration
	// Queue is QueueDownloads for long jobs; empty means the sync queue.
	Queue string
	// IDs returns the ids the job needs; Enqueue refuses an empty one.
	IDs func(args T) []string
	// FollowUp, when set, returns the job to queue when an equal job is
	// running: that one may have read its inputs before the change that
	// asked for this job, so one more runs after it.
	FollowUp func(args T) T
	// Every, when positive, makes a job with the zero arguments run at
	// that interval, and once when the leader starts: the periodic
	// re-syncs.
	Every time.Duration
}

// Queue enqueues the jobs of one kind. Its methods are safe for concurrent
// use. On SQLite the database has a single connection, so never enqueue
// from inside a sqldb transaction.
type Queue[T river.JobArgs] struct {
	r    *Runner
	kind Kind[T]
}

// errNoID is returned for an empty user or recording id.
var errNoID = errors.New("jobs: empty user or recording id")

// Register adds a kind of job to r and returns its queue, which enqueues at
// once, before r starts. Every kind must be registered before Start; a
// kind registered twice is refused.
func Register[T river.JobArgs](r *Runner, k Kind[T]) (*Queue[T], error) {
	var zero T
	name := zero.Kind()
	if k.Work == nil || k.Timeout <= 0 || k.Label == "" {
		return nil, fmt.Errorf("jobs.Register %s: Work, Label and a positive Timeout are required", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.working != nil:
		return nil, fmt.Errorf("jobs.Register %s: the runner has started", name)
	case r.kinds[name] != "":
		return nil, fmt.Errorf("jobs.Register %s: registered twice", name)
	}
	r.kinds[name] = k.Label
	r.longest = max(r.longest, k.Timeout)
	q := &Queue[T]{r: r, kind: k}
	river.AddWorker(r.workers, &worker[T]{timeout: k.Timeout, run: k.Work, r: r})
	if k.Every > 0 {
		r.periodic = append(r.periodic, river.NewPeriodicJob(river.PeriodicInterval(k.Every),
			func() (river.JobArgs, *river.InsertOpts) { return zero, q.opts() },
			&river.PeriodicJobOpts{ID: name, RunOnStart: true}))
	}
	return q, nil
}

// pendingUnique makes a job unique by its kind and arguments among the jobs
// that have not finished: enqueueing a job already waiting or running does
// nothing, while a finished one does not block the next.
var pendingUnique = river.UniqueOpts{
	ByArgs: true,
	ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	},
}

// opts are the options of the kind's jobs: their queue and uniqueness.
func (q *Queue[T]) opts() *river.InsertOpts {
	return &river.InsertOpts{Queue: q.kind.Queue, UniqueOpts: pendingUnique}
}

// Enqueue inserts a job unless an equal one has not finished; when an
// equal one is running and the kind has a FollowUp, that is queued.
func (q *Queue[T]) Enqueue(ctx context.Context, args T) error {
	_, err := q.Request(ctx, args)
	return err
}

// Outcome says what became of a request for a job.
type Outcome struct {
	// Queued is true when a job was inserted: the one asked for, or the
	// follow-up of an equal one running.
	Queued bool
	// Pending, when Queued is false, is the equal job that has not
	// finished and made another needless: waiting, or running (Stalled
	// when its process stopped answering and it is about to be put back).
	Pending Info
}

// Request enqueues a job as Enqueue does, and says whether it was queued
// or which equal job made it needless.
func (q *Queue[T]) Request(ctx context.Context, args T) (Outcome, error) {
	if err := q.check(args); err != nil {
		return Outcome{}, err
	}
	res, err := q.r.client().Insert(ctx, args, q.opts())
	if err != nil {
		return Outcome{}, fmt.Errorf("jobs: enqueueing %s: %w", args.Kind(), err)
	}
	if !res.UniqueSkippedAsDuplicate {
		return Outcome{Queued: true}, nil
	}
	if res.Job.State != rivertype.JobStateRunning || q.kind.FollowUp == nil {
		return Outcome{Pending: q.r.info(res.Job)}, nil
	}
	follow, err := q.r.client().Insert(ctx, q.kind.FollowUp(args), q.opts())
	if err != nil {
		return Outcome{}, fmt.Errorf("jobs: enqueueing a follow-up %s: %w", args.Kind(), err)
	}
	if follow.UniqueSkippedAsDuplicate {
		return Outcome{Pending: q.r.info(follow.Job)}, nil
	}
	return Outcome{Queued: true}, nil
}

// EnqueueMany inserts the jobs of list, in one statement, each unless an
// equal one has not finished.
func (q *Queue[T]) EnqueueMany(ctx context.Context, list []T) error {
	if len(list) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(list))
	for i, args := range list {
		if err := q.check(args); err != nil {
			return err
		}
		params[i] = river.InsertManyParams{Args: args, InsertOpts: q.opts()}
	}
	if _, err := q.r.client().InsertMany(ctx, params); err != nil {
		return fmt.Errorf("jobs: enqueueing %d %s: %w", len(list), list[0].Kind(), err)
	}
	return nil
}

// check refuses args with an empty id.
func (q *Queue[T]) check(args T) error {
	if q.kind.IDs == nil {
		return nil
	}
	for _, id := range q.kind.IDs(args) {
		if id == "" {
			return fmt.Errorf("jobs: enqueueing %s: %w", args.Kind(), errNoID)
		}
	}
	return nil
}
