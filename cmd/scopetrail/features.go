package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/web"
)

// The features satisfy the web package's interfaces for their pages.
var (
	_ web.Calendars       = (*calendars.Syncer)(nil)
	_ web.Meetings        = (*calendars.Store)(nil)
	_ web.CalendarSyncs   = (*calendars.Jobs)(nil)
	_ web.Directory       = (*directory.Syncer)(nil)
	_ web.DirectorySyncs  = (*directory.Jobs)(nil)
	_ web.Invitations     = (*invite.Service)(nil)
	_ web.Recordings      = (*recordings.Service)(nil)
	_ web.RecordingStatus = (*recordings.Service)(nil)
	_ web.Transcripts     = (*recordings.Service)(nil)
	_ web.LinkSyncs       = linkSyncs{}
)

// features are the connectors as the app wires them. Their jobs are nil
// when built without a job runner, as the revoke commands do.
type features struct {
	cal *calendarsApp
	dir *directoryApp
	rec *recordingsApp
}

// calendarsApp is the store of linked calendars and meetings, the syncer
// that fills it and its jobs.
type calendarsApp struct {
	store  *calendars.Store
	syncer *calendars.Syncer
	jobs   *calendars.Jobs
}

// directoryApp is the directory copy, its jobs and the invitations.
type directoryApp struct {
	syncer  *directory.Syncer
	invites *invite.Service
	jobs    *directory.Jobs
}

// recordingsApp is the recordings service and its jobs.
type recordingsApp struct {
	svc  *recordings.Service
	jobs *recordings.Jobs
}

// newFeatures builds the features on c; with a runner, their kinds of job
// are registered on it and their work is done as jobs.
func newFeatures(o appOptions, c *core, runner *jobs.Runner) (*features, error) {
	cal := &calendarsApp{store: calendars.NewStore(o.db, time.Now)}
	var err error
	cal.syncer, err = calendars.NewSyncer(calendars.Options{Store: cal.store, Clients: c.door, Grants: c.grants,
		Endpoint: o.bases.Calendar})
	if err != nil {
		return nil, fmt.Errorf("calendars.NewSyncer: %w", err)
	}
	dir := &directoryApp{}
	if dir.syncer, err = directory.New(directory.Options{DB: o.db, Door: c.door, Endpoint: o.bases.People}); err != nil {
		return nil, err // names itself
	}
	if dir.invites = c.invites; dir.invites == nil {
		return nil, errors.New("the invitations need the app's base URL")
	}
	rec := &recordingsApp{}
	engine, err := o.transcribe.NewEngine()
	if err != nil {
		return nil, err
	}
	ro := recordings.Options{DB: o.db, Door: c.door, DriveURL: o.bases.Drive, SpoolDir: o.spoolDir, Meetings: cal.store,
		Engine: engine, Audit: c.trail, AllowedHost: o.transcribe.Allowed}
	if runner == nil {
		rec.svc, err = recordings.New(ro)
		return &features{cal: cal, dir: dir, rec: rec}, err // recordings.New names itself
	}
	if rec.svc, rec.jobs, err = recordings.NewWithJobs(runner, ro, recordings.JobOptions{Grants: c.grants, Retention: o.retention}); err != nil {
		return nil, err
	}
	cal.jobs, err = calendars.RegisterJobs(runner, cal.syncer, calendars.JobOptions{Grants: c.grants, Then: rec.jobs.DiscoverIfGranted})
	if err != nil {
		return nil, err
	}
	if dir.jobs, err = directory.RegisterJobs(runner, dir.syncer, 0); err != nil {
		return nil, err
	}
	return &features{cal: cal, dir: dir, rec: rec}, nil
}

// purgers are the features' stores of data fetched for a user, which
// revocation purges; TestEveryFeatureStoreIsPurged fails for a store of the
// features missing here.
func (f *features) purgers() []revoke.Purger {
	return []revoke.Purger{f.cal.store, f.dir.syncer, f.dir.invites, f.rec.svc}
}

// linkSyncs queues the first sync of a feature a user just linked.
type linkSyncs struct {
	web.DirectorySyncs
	web.CalendarSyncs
	recordingsSyncs
}

// recordingsSyncs queues a discovery of a member's recordings.
type recordingsSyncs interface {
	EnqueueRecordingsSync(ctx context.Context, userID string) error
}

// linkSyncs returns the features' first syncs for the web server.
func (f *features) linkSyncs() linkSyncs { return linkSyncs{f.dir.jobs, f.cal.jobs, f.rec.jobs} }
