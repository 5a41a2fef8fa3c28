package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// How long a job may run before its context is cancelled and the attempt
// counts as failed.
const (
	syncTimeout       = 30 * time.Minute
	downloadTimeout   = 90 * time.Minute
	transcriptTimeout = 15 * time.Minute
	resyncTimeout     = 5 * time.Minute
)

// worker works jobs with arguments T by calling run; a nil run cancels them
// with ErrNotWired.
type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	timeout time.Duration
	run     func(ctx context.Context, args T) error
}

// Timeout returns the worker's job timeout.
func (w *worker[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

// Work runs the job and turns its error into River's outcome.
func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	if w.run == nil {
		return river.JobCancel(ErrNotWired)
	}
	return outcome(w.run(ctx, job.Args))
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

// register returns River's worker bundle with every kind registered, wired
// or not, so that a job of any kind found in the database is handled.
func (r *Runner) register() *river.Workers {
	w := r.workers
	ws := river.NewWorkers()
	river.AddWorker(ws, &worker[directorySyncArgs]{timeout: syncTimeout,
		run: byUser(w.SyncDirectory, func(a directorySyncArgs) string { return a.UserID })})
	river.AddWorker(ws, &worker[calendarSyncArgs]{timeout: syncTimeout,
		run: byUser(w.SyncCalendars, func(a calendarSyncArgs) string { return a.UserID })})
	river.AddWorker(ws, &worker[recordingsSyncArgs]{timeout: syncTimeout,
		run: byUser(w.SyncRecordings, func(a recordingsSyncArgs) string { return a.UserID })})
	river.AddWorker(ws, &worker[recordingDownloadArgs]{timeout: downloadTimeout,
		run: byRecording(w.DownloadRecording, func(a recordingDownloadArgs) recordingArgs { return recordingArgs(a) })})
	river.AddWorker(ws, &worker[transcriptImportArgs]{timeout: transcriptTimeout,
		run: byRecording(w.ImportTranscript, func(a transcriptImportArgs) recordingArgs { return recordingArgs(a) })})
	river.AddWorker(ws, &worker[resyncDirectoryArgs]{timeout: resyncTimeout,
		run: func(ctx context.Context, _ resyncDirectoryArgs) error {
			return r.fanOut(ctx, w.DirectoryUsers, func(u string) river.JobArgs { return directorySyncArgs{UserID: u} })
		}})
	river.AddWorker(ws, &worker[resyncCalendarsArgs]{timeout: resyncTimeout,
		run: func(ctx context.Context, _ resyncCalendarsArgs) error {
			return r.fanOut(ctx, w.CalendarUsers, func(u string) river.JobArgs { return calendarSyncArgs{UserID: u} })
		}})
	river.AddWorker(ws, &worker[resyncRecordingsArgs]{timeout: resyncTimeout,
		run: func(ctx context.Context, _ resyncRecordingsArgs) error {
			return r.fanOut(ctx, w.RecordingsUsers, func(u string) river.JobArgs { return recordingsSyncArgs{UserID: u} })
		}})
	return ws
}

// byUser adapts a per-user function to a worker's run, nil for nil.
func byUser[T any](f func(ctx context.Context, userID string) error, user func(T) string) func(context.Context, T) error {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, a T) error { return f(ctx, user(a)) }
}

// byRecording adapts a per-recording function to a worker's run, nil for
// nil.
func byRecording[T any](f func(ctx context.Context, userID, recordingID string) error, ids func(T) recordingArgs) func(context.Context, T) error {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, a T) error {
		id := ids(a)
		return f(ctx, id.UserID, id.RecordingID)
	}
}

// fanOut enqueues a job made by job for each user that users lists. A job
// that has not finished for a user is not enqueued again.
func (r *Runner) fanOut(ctx context.Context, users func(context.Context) ([]string, error), job func(userID string) river.JobArgs) error {
	if users == nil {
		return ErrNotWired
	}
	ids, err := users(ctx)
	if err != nil {
		return fmt.Errorf("listing the users to re-sync: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		args := job(id)
		params[i] = river.InsertManyParams{Args: args, InsertOpts: insertOpts(args)}
	}
	if _, err := r.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("enqueueing %d re-syncs: %w", len(ids), err)
	}
	return nil
}
