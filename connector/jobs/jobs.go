// Package jobs runs ScopeTrail's background work as durable River jobs on
// the application's own database, SQLite or PostgreSQL: directory sync,
// calendar sync, recordings sync (discovery in Drive), recording download
// and transcript import, plus the periodic re-syncs that enqueue the three
// syncs for every user who granted them.
//
// Jobs survive restarts and are shared between replicas: they live in
// River's tables, created by River's own migrations when a Runner opens.
// A job's arguments carry only ids. The work itself is done by plain
// functions of the packages that own it (see Workers), so this package
// depends on none of them. A job whose user's access was refused by the
// audited door (revoked, suspended, no token), or whose results a store
// refused to keep because the grant was revoked meanwhile
// (grant.ErrRevoked), is cancelled at once, not retried; other failures are
// retried by River with backoff, up to a bound. googlehttp.Classify decides
// which is which, and River keeps the failure's code and redacted detail,
// never the error's text, for the admin Jobs page.
package jobs

import (
	"context"
	"errors"
	"time"
)

// Job kinds, as stored in River's river_job.kind column.
const (
	KindDirectorySync     = "directory_sync"
	KindCalendarSync      = "calendar_sync"
	KindRecordingsSync    = "recordings_sync"
	KindRecordingDownload = "recording_download"
	KindTranscriptImport  = "transcript_import"
	KindResyncDirectory   = "resync_directory"
	KindResyncCalendars   = "resync_calendars"
	KindResyncRecordings  = "resync_recordings"
)

// ErrNotWired is the error of a job, or of an Enqueue call, whose Workers
// function was not provided.
var ErrNotWired = errors.New("jobs: no worker wired for this kind of job")

// Workers are the functions the jobs run. Each one is given ids only and
// loads what it needs itself. A nil function leaves its kind unwired: its
// Enqueue call returns ErrNotWired, and a job of that kind found in the
// database is cancelled.
type Workers struct {
	// SyncDirectory syncs the directory copy that userID sees.
	SyncDirectory func(ctx context.Context, userID string) error
	// SyncCalendars syncs userID's linked calendars and meetings.
	SyncCalendars func(ctx context.Context, userID string) error
	// SyncRecordings discovers userID's Meet recordings and transcripts
	// in Drive and schedules their next steps.
	SyncRecordings func(ctx context.Context, userID string) error
	// DownloadRecording downloads one of userID's recordings.
	DownloadRecording func(ctx context.Context, userID, recordingID string) error
	// ImportTranscript imports the transcript of one of userID's recordings.
	ImportTranscript func(ctx context.Context, userID, recordingID string) error
	// DirectoryUsers lists the users whose directory copy the periodic
	// re-sync refreshes; nil disables it.
	DirectoryUsers func(ctx context.Context) ([]string, error)
	// CalendarUsers lists the users whose calendars the periodic re-sync
	// refreshes; nil disables it.
	CalendarUsers func(ctx context.Context) ([]string, error)
	// RecordingsUsers lists the users whose recordings the periodic
	// re-sync discovers; nil disables it.
	RecordingsUsers func(ctx context.Context) ([]string, error)
}

// Info describes a job for the admin Jobs page. It holds no secret and no
// error text: the last failure is a code and a redacted detail.
type Info struct {
	ID          int64
	Kind        string
	UserID      string
	RecordingID string
	// State is River's state: available, scheduled, running, retryable,
	// completed, cancelled, discarded or pending.
	State       string
	Attempt     int
	MaxAttempts int
	// LastErrorCode is the googlehttp.Failure code of the last failed
	// attempt ("" when none), CodeNotWired, or googlehttp.CodeUnknown for
	// a failure recorded by River itself or by an older version;
	// LastErrorDetail says more, redacted; LastErrorAt is when it failed.
	LastErrorCode   string
	LastErrorDetail string
	LastErrorAt     time.Time
	CreatedAt       time.Time
	ScheduledAt     time.Time
	// AttemptedAt is when the last attempt started, FinishedAt when the job
	// completed, was cancelled or was discarded; zero when it did not.
	AttemptedAt time.Time
	FinishedAt  time.Time
}

// userArgs are the arguments of a per-user job: the user id, which also
// makes the job unique per kind and user.
type userArgs struct {
	UserID string `json:"user_id" river:"unique"`
	// FollowUp marks a sync queued while an equal one was running: that one
	// may have read its inputs (the linked calendars, say) before the change
	// that asked for a sync, so this one runs after it.
	FollowUp bool `json:"follow_up,omitempty" river:"unique"`
}

// recordingArgs are the arguments of a per-recording job.
type recordingArgs struct {
	UserID      string `json:"user_id" river:"unique"`
	RecordingID string `json:"recording_id" river:"unique"`
}

type directorySyncArgs userArgs

func (directorySyncArgs) Kind() string { return KindDirectorySync }

type calendarSyncArgs userArgs

func (calendarSyncArgs) Kind() string { return KindCalendarSync }

type recordingsSyncArgs userArgs

func (recordingsSyncArgs) Kind() string { return KindRecordingsSync }

type recordingDownloadArgs recordingArgs

func (recordingDownloadArgs) Kind() string { return KindRecordingDownload }

type transcriptImportArgs recordingArgs

func (transcriptImportArgs) Kind() string { return KindTranscriptImport }

// resyncDirectoryArgs, resyncCalendarsArgs and resyncRecordingsArgs are the
// (empty) arguments of the periodic re-syncs, which enqueue one sync job per
// user.
type (
	resyncDirectoryArgs  struct{}
	resyncCalendarsArgs  struct{}
	resyncRecordingsArgs struct{}
)

func (resyncDirectoryArgs) Kind() string  { return KindResyncDirectory }
func (resyncCalendarsArgs) Kind() string  { return KindResyncCalendars }
func (resyncRecordingsArgs) Kind() string { return KindResyncRecordings }
