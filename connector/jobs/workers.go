package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// worker works jobs with arguments T by calling run.
type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	timeout time.Duration
	run     func(ctx context.Context, args T) error
	r       *Runner // records the heartbeats
}

// Timeout returns the worker's job timeout.
func (w *worker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

// Work runs the job, with heartbeats that tell the rescues of every
// replica it is alive, and turns its error into River's outcome.
func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	defer w.r.heartbeat(ctx, job.ID, job.Attempt)()
	return outcome(w.run(withAttempt(ctx, job.Attempt, job.MaxAttempts), job.Args))
}

// outcome is the error a worker returns for err: nil for nil; a
// cancellation, never retried, when googlehttp.Classify finds the user's
// access refused (the grant is revoked or suspended, there is no usable
// token, or a store refused to keep what was fetched because the grant was
// revoked meanwhile) or the kind is not wired; otherwise err, for River to
// retry. The message River stores and the Jobs page shows is the failure's
// code and redacted detail, never the error's text.
func outcome(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotWired) {
		return river.JobCancel(&failedError{code: CodeNotWired, err: err})
	}
	f := googlehttp.Classify(err)
	e := &failedError{code: f.Code, detail: f.Detail, err: err}
	if f.Class.Refused() {
		return river.JobCancel(e)
	}
	return e
}
