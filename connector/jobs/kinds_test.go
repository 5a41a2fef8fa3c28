package jobs_test

import (
	"context"
	"errors"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// The kinds of job the tests register, as a feature would: three per-user
// syncs with follow-ups, two per-recording jobs, and their re-syncs.
const (
	kindDirectory        = "test_directory_sync"
	kindCalendars        = "test_calendar_sync"
	kindRecordings       = "test_recordings_sync"
	kindDownload         = "test_download"
	kindTranscript       = "test_transcript"
	kindResyncDirectory  = "test_resync_directory"
	kindResyncCalendars  = "test_resync_calendars"
	kindResyncRecordings = "test_resync_recordings"
)

// recordingArgs are the arguments of a per-recording test job.
type recordingArgs struct {
	UserID      string `json:"user_id" river:"unique"`
	RecordingID string `json:"recording_id" river:"unique"`
}

type (
	directoryArgs    jobs.UserArgs
	calendarArgs     jobs.UserArgs
	recordingsArgs   jobs.UserArgs
	downloadArgs     recordingArgs
	transcriptArgs   recordingArgs
	resyncDirectory  struct{}
	resyncCalendars  struct{}
	resyncRecordings struct{}
)

func (directoryArgs) Kind() string    { return kindDirectory }
func (calendarArgs) Kind() string     { return kindCalendars }
func (recordingsArgs) Kind() string   { return kindRecordings }
func (downloadArgs) Kind() string     { return kindDownload }
func (transcriptArgs) Kind() string   { return kindTranscript }
func (resyncDirectory) Kind() string  { return kindResyncDirectory }
func (resyncCalendars) Kind() string  { return kindResyncCalendars }
func (resyncRecordings) Kind() string { return kindResyncRecordings }

// workers are the functions of the test kinds; a nil one leaves its kind,
// and its re-sync, unregistered.
type workers struct {
	SyncDirectory, SyncCalendars, SyncRecordings   func(ctx context.Context, userID string) error
	DownloadRecording, ImportTranscript            func(ctx context.Context, userID, recordingID string) error
	DirectoryUsers, CalendarUsers, RecordingsUsers func(ctx context.Context) ([]string, error)
}

// runner is a Runner with the queues of the test kinds registered on it.
type runner struct {
	*jobs.Runner
	directory  *jobs.SyncQueue[directoryArgs]
	calendars  *jobs.SyncQueue[calendarArgs]
	recordings *jobs.SyncQueue[recordingsArgs]
	download   *jobs.Queue[downloadArgs]
	transcript *jobs.Queue[transcriptArgs]
}

// errUnregistered is returned by an enqueue of a kind the test did not
// register.
var errUnregistered = errors.New("kind not registered by this test")

// register registers the test kinds whose function w has, with the
// re-syncs o turns on.
func register(r *jobs.Runner, w workers, o settings) (*runner, error) {
	tr := &runner{Runner: r}
	var err error
	if w.SyncDirectory != nil {
		tr.directory, err = jobs.RegisterSync[directoryArgs, resyncDirectory](r,
			jobs.Sync{Label: "Directory", ResyncLabel: "Directory re-sync", Work: w.SyncDirectory, Timeout: time.Minute, Users: w.DirectoryUsers, Every: o.DirectoryEvery})
		if err != nil {
			return nil, err
		}
	}
	if w.SyncCalendars != nil {
		tr.calendars, err = jobs.RegisterSync[calendarArgs, resyncCalendars](r,
			jobs.Sync{Label: "Calendars", ResyncLabel: "Calendars re-sync", Work: w.SyncCalendars, Timeout: time.Minute, Users: w.CalendarUsers, Every: o.CalendarEvery})
		if err != nil {
			return nil, err
		}
	}
	if w.SyncRecordings != nil {
		tr.recordings, err = jobs.RegisterSync[recordingsArgs, resyncRecordings](r,
			jobs.Sync{Label: "Recordings", ResyncLabel: "Recordings re-sync", Work: w.SyncRecordings, Timeout: time.Minute, Users: w.RecordingsUsers, Every: o.RecordingsEvery})
		if err != nil {
			return nil, err
		}
	}
	if w.DownloadRecording != nil {
		if tr.download, err = jobs.Register(r, jobs.Kind[downloadArgs]{Label: "Download", Timeout: time.Minute, Queue: jobs.QueueDownloads,
			IDs: func(a downloadArgs) []string { return []string{a.UserID, a.RecordingID} },
			Work: func(ctx context.Context, a downloadArgs) error {
				return w.DownloadRecording(ctx, a.UserID, a.RecordingID)
			},
		}); err != nil {
			return nil, err
		}
	}
	if w.ImportTranscript != nil {
		if tr.transcript, err = jobs.Register(r, jobs.Kind[transcriptArgs]{Label: "Transcript", Timeout: time.Minute,
			IDs: func(a transcriptArgs) []string { return []string{a.UserID, a.RecordingID} },
			Work: func(ctx context.Context, a transcriptArgs) error {
				return w.ImportTranscript(ctx, a.UserID, a.RecordingID)
			},
		}); err != nil {
			return nil, err
		}
	}
	return tr, nil
}

// enqueue enqueues args on q, or fails when the test did not register q.
func enqueue[T interface{ Kind() string }](ctx context.Context, q *jobs.Queue[T], args T) error {
	if q == nil {
		return errUnregistered
	}
	return q.Enqueue(ctx, args)
}

func (r *runner) EnqueueDirectorySync(ctx context.Context, u string) error {
	if r.directory == nil {
		return errUnregistered
	}
	return r.directory.Enqueue(ctx, u)
}

func (r *runner) EnqueueCalendarSync(ctx context.Context, u string) error {
	if r.calendars == nil {
		return errUnregistered
	}
	return r.calendars.Enqueue(ctx, u)
}

func (r *runner) EnqueueRecordingsSync(ctx context.Context, u string) error {
	if r.recordings == nil {
		return errUnregistered
	}
	return r.recordings.Enqueue(ctx, u)
}

func (r *runner) EnqueueRecordingDownload(ctx context.Context, u, rec string) error {
	return enqueue(ctx, r.download, downloadArgs{UserID: u, RecordingID: rec})
}

func (r *runner) EnqueueTranscriptImport(ctx context.Context, u, rec string) error {
	return enqueue(ctx, r.transcript, transcriptArgs{UserID: u, RecordingID: rec})
}
