package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// worker works jobs with arguments T by calling run.
type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	timeout time.Duration
	run     func(ctx context.Context, args T) error
}

// Timeout returns the worker's job timeout.
func (w *worker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

// Work runs the job and turns its error into River's outcome.
func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	return outcome(w.run(ctx, job.Args))
}

// outcome is the error a worker returns for err: nil for nil; a
// cancellation, never retried, when the door refused to send the user's
// requests (the grant is revoked or suspended, or there is no usable
// token) or a store refused to keep what was fetched because the grant was
// revoked meanwhile; otherwise err, for River to retry. The message River
// stores and the Jobs page shows has its URLs' query strings removed.
func outcome(err error) error {
	if err == nil {
		return nil
	}
	r := &redactedError{err: err}
	if errors.Is(err, googlehttp.ErrDenied) || errors.Is(err, googlehttp.ErrRevoked) ||
		errors.Is(err, googlehttp.ErrNoToken) || errors.Is(err, grant.ErrRevoked) || errors.Is(err, ErrNotWired) {
		return river.JobCancel(r)
	}
	return r
}
