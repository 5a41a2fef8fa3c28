package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The recordings service serves the recordings pages and the meetings
// pages' recording status.
var (
	_ web.Recordings      = (*recordings.Service)(nil)
	_ web.RecordingStatus = (*recordings.Service)(nil)
	_ recordings.Meetings = (*calendars.Store)(nil)
)

// RecordingsConfig is where Meet recordings are downloaded.
type RecordingsConfig struct {
	// SpoolDir receives the downloaded recordings, one folder per member.
	SpoolDir string `env:"RECORDINGS_SPOOL_DIR" envDefault:"./data/spool"`
}

// recordingsApp is the recordings connector as the app wires it. Its
// steps run as jobs: runner is set once the job runner is open, which
// needs the workers below first.
type recordingsApp struct {
	svc    *recordings.Service
	grants *grant.Store
	runner *jobs.Runner
}

// newRecordings builds the recordings connector on db. Its Google requests
// leave through door to the Drive API at endpoint ("" for Google's); it
// reads the member's meetings from meetings and spools to spoolDir. The
// engine tc names transcribes recordings without a Meet transcript,
// audited on trail.
func newRecordings(db *sqldb.DB, door recordings.Door, meetings recordings.Meetings, grants *grant.Store,
	endpoint, spoolDir string, trail *audit.Trail, tc transcribe.Config) (*recordingsApp, error) {
	a := &recordingsApp{grants: grants}
	engine, err := tc.NewEngine()
	if err != nil {
		return nil, err
	}
	svc, err := recordings.New(recordings.Options{DB: db, Door: door, DriveURL: endpoint, SpoolDir: spoolDir,
		Meetings: meetings, Enqueue: a.enqueue, Engine: engine, Audit: trail, AllowedHost: tc.Allowed})
	if err != nil {
		return nil, err // recordings.New names itself
	}
	a.svc = svc
	return a, nil
}

// enqueue schedules the next step of a file as a job: a recording
// download, or a transcript import.
func (a *recordingsApp) enqueue(ctx context.Context, r recordings.Recording) error {
	if a.runner == nil {
		return fmt.Errorf("scheduling %s: %w", r.FileID, jobs.ErrNotWired)
	}
	if r.Kind == recordings.KindTranscript {
		return a.runner.EnqueueTranscriptImport(ctx, r.UserID, r.FileID)
	}
	return a.runner.EnqueueRecordingDownload(ctx, r.UserID, r.FileID)
}

// process is the worker of both recording jobs (jobs.Workers
// DownloadRecording and ImportTranscript): it does the file's next step.
func (a *recordingsApp) process(ctx context.Context, userID, fileID string) error {
	return a.svc.Process(ctx, userID, fileID)
}

// afterCalendarSync returns the calendar sync job's worker: syncCalendars,
// then, for a member who granted Drive for recordings, the discovery of
// their recordings and transcripts, which schedules a job for each new one.
// Discovery runs after the meetings it matches files to are fresh; it runs
// even when the calendar sync failed, as the Drive folder still can be read.
func (a *recordingsApp) afterCalendarSync(syncCalendars func(ctx context.Context, userID string) error) func(context.Context, string) error {
	return func(ctx context.Context, userID string) error {
		calErr := syncCalendars(ctx, userID)
		if err := a.sync(ctx, userID); err != nil {
			return errors.Join(calErr, err)
		}
		return calErr
	}
}

// sync is the recordings sync job's worker (jobs.Workers.SyncRecordings):
// for a member whose grant is usable for recordings, it discovers their
// recordings and transcripts in Drive, matches them to the meetings already
// stored (none for a member without calendars), and schedules a job for
// each new one. For anyone else it does nothing.
func (a *recordingsApp) sync(ctx context.Context, userID string) error {
	g, err := a.grants.Get(ctx, userID)
	switch {
	case errors.Is(err, grant.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("reading the grant of %s: %w", userID, err)
	case !slices.Contains(g.Purposes(), scopes.PurposeRecordings):
		return nil
	}
	if err := a.svc.Sync(ctx, userID); err != nil {
		return fmt.Errorf("discovering recordings: %w", err)
	}
	return nil
}

// recordingsOnlyUsers is the enumerator of the periodic recordings re-sync
// (jobs.Workers.RecordingsUsers): the users whose grant is usable for
// recordings but not for meetings. The others' recordings are discovered
// after each of their calendar syncs, which the calendar re-sync enqueues.
func recordingsOnlyUsers(grants *grant.Store) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		all, err := grants.List(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing grants: %w", err)
		}
		var ids []string
		for _, g := range all {
			p := g.Purposes()
			if slices.Contains(p, scopes.PurposeRecordings) && !slices.Contains(p, scopes.PurposeMeetings) {
				ids = append(ids, g.UserID)
			}
		}
		return ids, nil
	}
}
