package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// pendingUnique makes a job unique by its kind and arguments among the jobs
// that have not finished: enqueueing a sync already waiting or running for
// the same user does nothing, while a finished one does not block the next.
var pendingUnique = river.UniqueOpts{
	ByArgs: true,
	ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStateScheduled,
	},
}

// errNoUser is returned for an empty user or recording id.
var errNoUser = errors.New("jobs: empty user or recording id")

// EnqueueDirectorySync enqueues a sync of the directory copy userID sees,
// unless one is already waiting; when one is running, another is queued to
// follow it. It returns ErrNotWired when Workers.SyncDirectory is nil.
func (r *Runner) EnqueueDirectorySync(ctx context.Context, userID string) error {
	return r.enqueue(ctx, r.workers.SyncDirectory != nil, directorySyncArgs{UserID: userID}, userID)
}

// EnqueueCalendarSync enqueues a sync of userID's calendars, unless one is
// already waiting; when one is running, another is queued to follow it. It
// returns ErrNotWired when Workers.SyncCalendars is nil.
func (r *Runner) EnqueueCalendarSync(ctx context.Context, userID string) error {
	return r.enqueue(ctx, r.workers.SyncCalendars != nil, calendarSyncArgs{UserID: userID}, userID)
}

// EnqueueRecordingsSync enqueues a discovery of userID's Meet recordings
// and transcripts, unless one is already waiting; when one is running,
// another is queued to follow it. It returns ErrNotWired when
// Workers.SyncRecordings is nil.
func (r *Runner) EnqueueRecordingsSync(ctx context.Context, userID string) error {
	return r.enqueue(ctx, r.workers.SyncRecordings != nil, recordingsSyncArgs{UserID: userID}, userID)
}

// EnqueueRecordingDownload enqueues the download of one of userID's
// recordings, unless one is already waiting or running. It returns
// ErrNotWired when Workers.DownloadRecording is nil.
func (r *Runner) EnqueueRecordingDownload(ctx context.Context, userID, recordingID string) error {
	return r.enqueue(ctx, r.workers.DownloadRecording != nil,
		recordingDownloadArgs{UserID: userID, RecordingID: recordingID}, userID, recordingID)
}

// EnqueueTranscriptImport enqueues the import of the transcript of one of
// userID's recordings, unless one is already waiting or running. It returns
// ErrNotWired when Workers.ImportTranscript is nil.
func (r *Runner) EnqueueTranscriptImport(ctx context.Context, userID, recordingID string) error {
	return r.enqueue(ctx, r.workers.ImportTranscript != nil,
		transcriptImportArgs{UserID: userID, RecordingID: recordingID}, userID, recordingID)
}

// enqueue inserts a job unless an equal one has not finished.
func (r *Runner) enqueue(ctx context.Context, wired bool, args river.JobArgs, ids ...string) error {
	if !wired {
		return fmt.Errorf("jobs: enqueueing %s: %w", args.Kind(), ErrNotWired)
	}
	for _, id := range ids {
		if id == "" {
			return fmt.Errorf("jobs: enqueueing %s: %w", args.Kind(), errNoUser)
		}
	}
	res, err := r.client.Insert(ctx, args, insertOpts(args))
	if err != nil {
		return fmt.Errorf("jobs: enqueueing %s: %w", args.Kind(), err)
	}
	if !res.UniqueSkippedAsDuplicate || res.Job.State != rivertype.JobStateRunning {
		return nil
	}
	next, ok := followUp(args)
	if !ok {
		return nil
	}
	if _, err := r.client.Insert(ctx, next, insertOpts(next)); err != nil {
		return fmt.Errorf("jobs: enqueueing a follow-up %s: %w", args.Kind(), err)
	}
	return nil
}

// followUp returns the follow-up of a sync job, to queue when an equal sync
// is running; other jobs have none.
func followUp(args river.JobArgs) (river.JobArgs, bool) {
	switch a := args.(type) {
	case directorySyncArgs:
		a.FollowUp = true
		return a, true
	case calendarSyncArgs:
		a.FollowUp = true
		return a, true
	case recordingsSyncArgs:
		a.FollowUp = true
		return a, true
	}
	return nil, false
}

// insertOpts are the options of a job: its queue and its uniqueness.
func insertOpts(args river.JobArgs) *river.InsertOpts {
	o := &river.InsertOpts{UniqueOpts: pendingUnique}
	if args.Kind() == KindRecordingDownload {
		o.Queue = queueDownloads
	}
	return o
}
