package recordings

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// The recordings' kinds of job, as stored in River's river_job.kind
// column; queued jobs are found by these names after an upgrade.
const (
	JobSync       = "recordings_sync"
	JobDownload   = "recording_download"
	JobTranscript = "transcript_import"
	JobResync     = "resync_recordings"
)

// How long a job on one file may run.
const (
	downloadTimeout   = 90 * time.Minute
	transcriptTimeout = 15 * time.Minute
)

// DefaultResyncEvery spaces the periodic re-syncs of the recordings.
const DefaultResyncEvery = time.Hour

// syncArgs are the arguments of a discovery of a member's files.
type syncArgs jobs.UserArgs

func (syncArgs) Kind() string { return JobSync }

// fileArgs are the arguments of a job on one file.
type fileArgs struct {
	UserID      string `json:"user_id" river:"unique"`
	RecordingID string `json:"recording_id" river:"unique"`
}

type (
	downloadArgs   fileArgs
	transcriptArgs fileArgs
	resyncArgs     struct{}
)

func (downloadArgs) Kind() string   { return JobDownload }
func (transcriptArgs) Kind() string { return JobTranscript }
func (resyncArgs) Kind() string     { return JobResync }

// Grants reads and lists the members' grants. *grant.Store satisfies it.
type Grants interface {
	jobs.Grants
	// Get returns a user's grant, or an error wrapping grant.ErrNotFound.
	Get(ctx context.Context, userID string) (grant.Grant, error)
}

// JobOptions configure the recordings' jobs.
type JobOptions struct {
	// Grants decides who is discovered: the members whose grant is usable
	// for recordings. Required.
	Grants Grants
	// Every spaces the periodic re-syncs: zero means DefaultResyncEvery, a
	// negative value turns them off.
	Every time.Duration
	// Retention is how long the audio of transcribed recordings is kept
	// (RECORDING_RETENTION); a periodic job deletes it after that, every
	// ExpireEvery (zero means DefaultExpireEvery).
	Retention   Retention
	ExpireEvery time.Duration
}

// Jobs queues the recordings' work as durable jobs: the discovery of a
// member's files, and each file's next step.
type Jobs struct {
	svc        *Service
	grants     Grants
	sync       *jobs.SyncQueue[syncArgs]
	download   *jobs.Queue[downloadArgs]
	transcript *jobs.Queue[transcriptArgs]
	transcribe *jobs.Queue[transcribeArgs]
	retention  Retention
}

// NewWithJobs returns a Service whose steps run as jobs of r: it registers
// the discovery, the download, the transcript import and the periodic
// re-sync, the transcription and the periodic deletion of expired audio,
// and schedules each file's next step
// (Options.Enqueue) with them: a downloaded recording is transcribed by a
// job of its own, whose progress is stored as it runs.
//
// Scheduling: a member who granted meetings too has their files discovered
// right after each calendar sync (give Jobs.DiscoverIfGranted to
// calendars.JobOptions.Then), when the meetings the files match are fresh;
// the periodic re-sync visits only the members who granted recordings
// without meetings.
func NewWithJobs(r *jobs.Runner, o Options, jo JobOptions) (*Service, *Jobs, error) {
	if jo.Grants == nil {
		return nil, nil, errors.New("recordings.NewWithJobs: JobOptions.Grants is required")
	}
	if jo.Every == 0 {
		jo.Every = DefaultResyncEvery
	}
	j := &Jobs{grants: jo.Grants, retention: jo.Retention}
	o.Enqueue = j.next
	svc, err := New(o)
	if err != nil {
		return nil, nil, err // New names itself
	}
	j.svc = svc
	if err := j.register(r, jo); err != nil {
		return nil, nil, fmt.Errorf("recordings.NewWithJobs: %w", err)
	}
	return svc, j, nil
}

// register registers the kinds.
func (j *Jobs) register(r *jobs.Runner, jo JobOptions) error {
	var err error
	j.sync, err = jobs.RegisterSync[syncArgs, resyncArgs](r, jobs.Sync{Work: j.DiscoverIfGranted, Every: jo.Every,
		Label: "Recordings sync", ResyncLabel: "Periodic recordings re-sync",
		Users: jobs.UsersGranted(jo.Grants, scopes.PurposeRecordings, scopes.PurposeMeetings)})
	if err != nil {
		return err
	}
	ids := func(a fileArgs) []string { return []string{a.UserID, a.RecordingID} }
	j.download, err = jobs.Register(r, jobs.Kind[downloadArgs]{Label: "Recording download", Timeout: downloadTimeout, Queue: jobs.QueueDownloads,
		IDs:  func(a downloadArgs) []string { return ids(fileArgs(a)) },
		Work: j.downloadThenQueue})
	if err != nil {
		return err
	}
	if err := j.registerTranscribe(r); err != nil {
		return err
	}
	if err := j.registerExpire(r, jo); err != nil {
		return err
	}
	j.transcript, err = jobs.Register(r, jobs.Kind[transcriptArgs]{Label: "Transcript import", Timeout: transcriptTimeout,
		IDs: func(a transcriptArgs) []string { return ids(fileArgs(a)) },
		Work: func(ctx context.Context, a transcriptArgs) error {
			return j.revokedIfGone(ctx, a.UserID, j.svc.Process(ctx, a.UserID, a.RecordingID))
		}})
	return err
}

// next schedules the next step of a file as a job: a transcript import, a
// recording's transcription once it is downloaded, or its download.
func (j *Jobs) next(ctx context.Context, r Recording) (Queued, error) {
	var out jobs.Outcome
	var err error
	switch {
	case r.Kind == KindTranscript:
		out, err = j.transcript.Request(ctx, transcriptArgs{UserID: r.UserID, RecordingID: r.FileID})
	case r.State == StateDownloaded || r.State == StateQueued:
		out, err = j.transcribe.Request(ctx, transcribeArgs{UserID: r.UserID, RecordingID: r.FileID})
	default:
		out, err = j.download.Request(ctx, downloadArgs{UserID: r.UserID, RecordingID: r.FileID})
	}
	if err != nil {
		return Queued{}, err
	}
	return queuedFrom(out), nil
}

// EnqueueRecordingsSync queues a discovery of userID's recordings and
// transcripts, unless one is already waiting; when one is running, another
// follows it.
func (j *Jobs) EnqueueRecordingsSync(ctx context.Context, userID string) error {
	return j.sync.Enqueue(ctx, userID)
}

// revokedIfGone returns err, which a job on one of userID's files ended
// with, joined with grant.ErrRevoked when the file is gone because the
// member was revoked and their data purged: the job then ends cancelled,
// since no retry finds the file again, instead of being retried until its
// attempts run out.
func (j *Jobs) revokedIfGone(ctx context.Context, userID string, err error) error {
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	g, gerr := j.grants.Get(ctx, userID)
	if errors.Is(gerr, grant.ErrNotFound) || gerr == nil && g.Status == grant.StatusRevoked {
		return errors.Join(err, grant.ErrRevoked)
	}
	return err
}

// DiscoverIfGranted is the discovery job's work: for a member whose grant
// is usable for recordings, it discovers their recordings and transcripts
// in Drive, matches them to the meetings already stored (none for a member
// without calendars), and schedules a job for each new one. For anyone
// else it does nothing.
func (j *Jobs) DiscoverIfGranted(ctx context.Context, userID string) error {
	g, err := j.grants.Get(ctx, userID)
	switch {
	case errors.Is(err, grant.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("reading the grant of %s: %w", userID, err)
	case !slices.Contains(g.Purposes(), scopes.PurposeRecordings):
		return nil
	}
	if err := j.svc.Sync(ctx, userID); err != nil {
		return fmt.Errorf("discovering recordings: %w", err)
	}
	return nil
}
