package calendars

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes"
)

// The calendars' kinds of job, as stored in River's river_job.kind column;
// queued jobs are found by these names after an upgrade.
const (
	KindSync   = "calendar_sync"
	KindResync = "resync_calendars"
)

// DefaultResyncEvery spaces the periodic re-syncs of the calendars.
const DefaultResyncEvery = 15 * time.Minute

// syncArgs are the arguments of a calendar sync.
type syncArgs jobs.UserArgs

func (syncArgs) Kind() string { return KindSync }

// resyncArgs are the (empty) arguments of the periodic re-sync.
type resyncArgs struct{}

func (resyncArgs) Kind() string { return KindResync }

// JobOptions configure the calendars' jobs.
type JobOptions struct {
	// Grants chooses the users of the periodic re-sync: those whose grant
	// is usable for meetings. Required.
	Grants jobs.Grants
	// Every spaces the re-syncs: zero means DefaultResyncEvery, a negative
	// value turns them off.
	Every time.Duration
	// Then, when set, runs after each calendar sync, even a failed one,
	// with the meetings fresh: the recordings' discovery.
	Then func(ctx context.Context, userID string) error
}

// Jobs queues the calendar syncs as durable jobs.
type Jobs struct {
	sync  *jobs.SyncQueue[syncArgs]
	store *Store
}

// RegisterJobs registers with r the calendar sync, which s works, and its
// periodic re-sync.
func RegisterJobs(r *jobs.Runner, s *Syncer, o JobOptions) (*Jobs, error) {
	if o.Grants == nil {
		return nil, errors.New("calendars.RegisterJobs: JobOptions.Grants is required")
	}
	if o.Every == 0 {
		o.Every = DefaultResyncEvery
	}
	q, err := jobs.RegisterSync[syncArgs, resyncArgs](r, jobs.Sync{
		Label: "Calendar sync", ResyncLabel: "Periodic calendar re-sync",
		Users: jobs.UsersGranted(o.Grants, scopes.PurposeMeetings), Every: o.Every,
		Work: func(ctx context.Context, userID string) error {
			_, err := s.Sync(ctx, userID)
			if o.Then == nil {
				return err
			}
			return errors.Join(err, o.Then(ctx, userID))
		}})
	if err != nil {
		return nil, fmt.Errorf("calendars.RegisterJobs: %w", err)
	}
	return &Jobs{sync: q, store: s.o.Store}, nil
}

// EnqueueCalendarSync queues a sync of userID's calendars, unless one is
// already waiting; when one is running, another follows it. Store's
// SyncProgress follows the sync from now until it has finished with every
// linked calendar.
func (j *Jobs) EnqueueCalendarSync(ctx context.Context, userID string) error {
	if err := j.store.requestSync(ctx, userID); err != nil {
		return err
	}
	return j.sync.Enqueue(ctx, userID)
}
